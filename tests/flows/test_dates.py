"""Tests for parse_date: what people type for "by when", in Dutch and English."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rondetafel.flows.dates import MONTHS, NUMBER_WORDS, UNITS, WEEKDAYS, parse_date

D = dt.date

# Fixed "today"s. The weekday is in the name or the comment; checked below.
MONDAY = D(2025, 3, 10)
FRIDAY = D(2025, 3, 14)
JAN_31 = D(2025, 1, 31)  # a Friday, in a non-leap year
LEAP_JAN_31 = D(2024, 1, 31)  # a Wednesday, in a leap year
DEC_30 = D(2025, 12, 30)  # a Tuesday; its ISO week runs into 2026
NOVEMBER = D(2025, 11, 20)  # a Thursday


def test_the_fixed_todays_fall_on_the_weekdays_the_tables_assume() -> None:
    assert MONDAY.weekday() == 0
    assert FRIDAY.weekday() == 4
    assert JAN_31.weekday() == 4
    assert LEAP_JAN_31.weekday() == 2
    assert DEC_30.weekday() == 1
    assert NOVEMBER.weekday() == 3


Case = tuple[str, dt.date, dt.date]


def _check(text: str, today: dt.date, expected: dt.date | None) -> None:
    assert parse_date(text, today) == expected, f"{text!r} typed on {today}"


# --------------------------------------------------------------------------
# Relative words
# --------------------------------------------------------------------------

RELATIVE_WORDS: list[Case] = [
    ("vandaag", MONDAY, MONDAY),
    ("today", FRIDAY, FRIDAY),
    ("morgen", MONDAY, D(2025, 3, 11)),
    ("morgen", DEC_30, D(2025, 12, 31)),
    ("tomorrow", JAN_31, D(2025, 2, 1)),
    ("overmorgen", DEC_30, D(2026, 1, 1)),
    ("the day after tomorrow", DEC_30, D(2026, 1, 1)),
    ("day after tomorrow", MONDAY, D(2025, 3, 12)),
]


@pytest.mark.parametrize(("text", "today", "expected"), RELATIVE_WORDS)
def test_today_tomorrow_and_the_day_after_count_from_today(
    text: str, today: dt.date, expected: dt.date
) -> None:
    _check(text, today, expected)


# --------------------------------------------------------------------------
# Offsets: over N dagen / in N weeks / volgende maand ...
# --------------------------------------------------------------------------

DUTCH_OFFSETS: list[Case] = [
    ("over 3 dagen", MONDAY, D(2025, 3, 13)),
    ("over 1 dag", DEC_30, D(2025, 12, 31)),
    ("over een dag", DEC_30, D(2025, 12, 31)),
    ("over twaalf dagen", MONDAY, D(2025, 3, 22)),
    ("over veertien dagen", MONDAY, D(2025, 3, 24)),
    ("over een week", DEC_30, D(2026, 1, 6)),
    ("over één week", DEC_30, D(2026, 1, 6)),
    ("over twee weken", MONDAY, D(2025, 3, 24)),
    ("over 6 weken", MONDAY, D(2025, 4, 21)),
    ("3 weken", MONDAY, D(2025, 3, 31)),
    ("twee weken", FRIDAY, D(2025, 3, 28)),
    ("volgende week", DEC_30, D(2026, 1, 6)),
    ("over een maand", MONDAY, D(2025, 4, 10)),
    ("over een maand", JAN_31, D(2025, 2, 28)),
    ("over een maand", LEAP_JAN_31, D(2024, 2, 29)),
    ("over 2 maanden", JAN_31, D(2025, 3, 31)),
    ("over drie maanden", NOVEMBER, D(2026, 2, 20)),
    ("volgende maand", JAN_31, D(2025, 2, 28)),
    ("volgende maand", DEC_30, D(2026, 1, 30)),
    ("over een half jaar", MONDAY, D(2025, 9, 10)),
]

ENGLISH_OFFSETS: list[Case] = [
    ("in 3 days", MONDAY, D(2025, 3, 13)),
    ("in 1 day", DEC_30, D(2025, 12, 31)),
    ("in one day", DEC_30, D(2025, 12, 31)),
    ("in eleven days", FRIDAY, D(2025, 3, 25)),
    ("in a week", DEC_30, D(2026, 1, 6)),
    ("in one week", MONDAY, D(2025, 3, 17)),
    ("in two weeks", MONDAY, D(2025, 3, 24)),
    ("in 2 weeks' time", MONDAY, D(2025, 3, 24)),
    ("in a fortnight", MONDAY, D(2025, 3, 24)),
    ("6 weeks", MONDAY, D(2025, 4, 21)),
    ("three weeks", FRIDAY, D(2025, 4, 4)),
    ("next week", FRIDAY, D(2025, 3, 21)),
    ("in a month", MONDAY, D(2025, 4, 10)),
    ("in one month", JAN_31, D(2025, 2, 28)),
    ("in one month", LEAP_JAN_31, D(2024, 2, 29)),
    ("in 2 months", JAN_31, D(2025, 3, 31)),
    ("in twelve months", JAN_31, D(2026, 1, 31)),
    ("next month", DEC_30, D(2026, 1, 30)),
    ("in half a year", MONDAY, D(2025, 9, 10)),
]


@pytest.mark.parametrize(("text", "today", "expected"), DUTCH_OFFSETS)
def test_dutch_offsets_add_days_weeks_or_calendar_months_to_today(
    text: str, today: dt.date, expected: dt.date
) -> None:
    _check(text, today, expected)


@pytest.mark.parametrize(("text", "today", "expected"), ENGLISH_OFFSETS)
def test_english_offsets_add_days_weeks_or_calendar_months_to_today(
    text: str, today: dt.date, expected: dt.date
) -> None:
    _check(text, today, expected)


# --------------------------------------------------------------------------
# Weekdays
# --------------------------------------------------------------------------

# From Monday 10 March 2025: Tuesday is the 11th ... Sunday the 16th, and
# Monday itself is a week later, the 17th.
WEEKDAY_NAMES: list[tuple[str, int]] = [
    *((name, day) for day, name in enumerate(["maandag", "dinsdag", "woensdag",
      "donderdag", "vrijdag", "zaterdag", "zondag"])),
    *((name, day) for day, name in enumerate(["ma", "di", "wo", "do", "vr", "za", "zo"])),
    *((name, day) for day, name in enumerate(["monday", "tuesday", "wednesday",
      "thursday", "friday", "saturday", "sunday"])),
    *((name, day) for day, name in enumerate(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])),
    ("tues", 1), ("thur", 3), ("thurs", 3),
]  # fmt: skip

FROM_MONDAY = {
    0: D(2025, 3, 17),
    1: D(2025, 3, 11),
    2: D(2025, 3, 12),
    3: D(2025, 3, 13),
    4: D(2025, 3, 14),
    5: D(2025, 3, 15),
    6: D(2025, 3, 16),
}


@pytest.mark.parametrize(("name", "weekday"), WEEKDAY_NAMES)
def test_a_weekday_name_or_abbreviation_means_the_next_such_day_strictly_after_today(
    name: str, weekday: int
) -> None:
    _check(name, MONDAY, FROM_MONDAY[weekday])


WEEKDAYS_FROM_OTHER_DAYS: list[Case] = [
    ("vrijdag", FRIDAY, D(2025, 3, 21)),  # today is Friday: a week later
    ("friday", FRIDAY, D(2025, 3, 21)),
    ("zaterdag", FRIDAY, D(2025, 3, 15)),
    ("thursday", FRIDAY, D(2025, 3, 20)),
    ("woensdag", DEC_30, D(2025, 12, 31)),
    ("do", DEC_30, D(2026, 1, 1)),
    ("monday", DEC_30, D(2026, 1, 5)),
    ("dinsdag", DEC_30, D(2026, 1, 6)),
    ("sat", JAN_31, D(2025, 2, 1)),
]


@pytest.mark.parametrize(("text", "today", "expected"), WEEKDAYS_FROM_OTHER_DAYS)
def test_a_weekday_wraps_across_weeks_months_and_years(
    text: str, today: dt.date, expected: dt.date
) -> None:
    _check(text, today, expected)


NEXT_WEEKDAY: list[Case] = [
    ("next friday", MONDAY, D(2025, 3, 14)),
    ("next friday", FRIDAY, D(2025, 3, 21)),
    ("coming tuesday", MONDAY, D(2025, 3, 11)),
    ("volgende vrijdag", MONDAY, D(2025, 3, 14)),
    ("komende vrijdag", FRIDAY, D(2025, 3, 21)),
    ("aanstaande woensdag", MONDAY, D(2025, 3, 12)),
    ("vrijdag aanstaande", MONDAY, D(2025, 3, 14)),
    ("vrijdag a.s.", MONDAY, D(2025, 3, 14)),
]


@pytest.mark.parametrize(("text", "today", "expected"), NEXT_WEEKDAY)
def test_next_or_volgende_before_a_weekday_means_the_same_as_the_bare_weekday(
    text: str, today: dt.date, expected: dt.date
) -> None:
    _check(text, today, expected)


WEEKDAY_IN_NEXT_WEEK: list[Case] = [
    # Friday 14 March 2025 is in the week of 10-16 March; next week is 17-23.
    ("volgende week vrijdag", FRIDAY, D(2025, 3, 21)),
    ("vrijdag volgende week", FRIDAY, D(2025, 3, 21)),
    ("volgende week maandag", FRIDAY, D(2025, 3, 17)),
    ("komende week zondag", FRIDAY, D(2025, 3, 23)),
    ("next week friday", FRIDAY, D(2025, 3, 21)),
    ("friday next week", FRIDAY, D(2025, 3, 21)),
    ("friday of next week", FRIDAY, D(2025, 3, 21)),
    ("next week on friday", FRIDAY, D(2025, 3, 21)),
    # From a Monday the plain weekday stays in this week; these do not.
    ("volgende week woensdag", MONDAY, D(2025, 3, 19)),
    ("next week wednesday", MONDAY, D(2025, 3, 19)),
    ("volgende week maandag", MONDAY, D(2025, 3, 17)),
    ("next week sun", MONDAY, D(2025, 3, 23)),
    # Tuesday 30 December 2025: next ISO week is 5-11 January 2026.
    ("volgende week ma", DEC_30, D(2026, 1, 5)),
    ("fri next week", DEC_30, D(2026, 1, 9)),
]


@pytest.mark.parametrize(("text", "today", "expected"), WEEKDAY_IN_NEXT_WEEK)
def test_a_weekday_with_next_week_is_that_day_in_the_iso_week_after_this_one(
    text: str, today: dt.date, expected: dt.date
) -> None:
    _check(text, today, expected)


# --------------------------------------------------------------------------
# Day and month in words
# --------------------------------------------------------------------------

DUTCH_DAY_MONTH: list[Case] = [
    ("15 maart", MONDAY, D(2025, 3, 15)),
    ("15 mrt", MONDAY, D(2025, 3, 15)),
    ("15 mrt.", MONDAY, D(2025, 3, 15)),
    ("15 maa", MONDAY, D(2025, 3, 15)),
    ("15e maart", MONDAY, D(2025, 3, 15)),
    ("1ste april", MONDAY, D(2025, 4, 1)),
    ("1 april", MONDAY, D(2025, 4, 1)),
    ("3 mei", MONDAY, D(2025, 5, 3)),
    ("21 juni", MONDAY, D(2025, 6, 21)),
    ("9 okt", MONDAY, D(2025, 10, 9)),
    ("9 okt.", MONDAY, D(2025, 10, 9)),
    ("25 december", MONDAY, D(2025, 12, 25)),
    ("15 maart 2027", MONDAY, D(2027, 3, 15)),
    ("15 mrt. 2027", MONDAY, D(2027, 3, 15)),
    ("15 maart '27", MONDAY, D(2027, 3, 15)),
    ("15 maart 27", MONDAY, D(2027, 3, 15)),
]

ENGLISH_DAY_MONTH: list[Case] = [
    ("15 March", MONDAY, D(2025, 3, 15)),
    ("15 mar", MONDAY, D(2025, 3, 15)),
    ("15th of March", MONDAY, D(2025, 3, 15)),
    ("the 15th of March", MONDAY, D(2025, 3, 15)),
    ("March 15", MONDAY, D(2025, 3, 15)),
    ("march 15th", MONDAY, D(2025, 3, 15)),
    ("1st june", MONDAY, D(2025, 6, 1)),
    ("2nd may", MONDAY, D(2025, 5, 2)),
    ("3rd oct", MONDAY, D(2025, 10, 3)),
    ("Sept 22nd", MONDAY, D(2025, 9, 22)),
    ("sep 22", MONDAY, D(2025, 9, 22)),
    ("December 25", MONDAY, D(2025, 12, 25)),
    ("March 15, 2027", MONDAY, D(2027, 3, 15)),
    ("15 Mar 2027", MONDAY, D(2027, 3, 15)),
    ("15th of March 2027", MONDAY, D(2027, 3, 15)),
]


@pytest.mark.parametrize(("text", "today", "expected"), DUTCH_DAY_MONTH)
def test_a_dutch_day_and_month_name_or_abbreviation_is_understood(
    text: str, today: dt.date, expected: dt.date
) -> None:
    _check(text, today, expected)


@pytest.mark.parametrize(("text", "today", "expected"), ENGLISH_DAY_MONTH)
def test_an_english_day_and_month_in_either_order_is_understood(
    text: str, today: dt.date, expected: dt.date
) -> None:
    _check(text, today, expected)


@pytest.mark.parametrize(
    ("names", "month"),
    [
        (("jan", "januari", "january"), 1),
        (("feb", "februari", "february"), 2),
        (("mrt", "maa", "maart", "march"), 3),
        (("apr", "april"), 4),
        (("mei", "may"), 5),
        (("jun", "juni", "june"), 6),
        (("jul", "juli", "july"), 7),
        (("aug", "augustus", "august"), 8),
        (("sep", "sept", "september"), 9),
        (("okt", "oct", "oktober", "october"), 10),
        (("nov", "november"), 11),
        (("dec", "december"), 12),
    ],
)
def test_every_month_name_and_abbreviation_names_its_month(
    names: tuple[str, ...], month: int
) -> None:
    for name in names:
        _check(f"1 {name} 2030", MONDAY, D(2030, month, 1))


YEARLESS_NEXT_OCCURRENCE: list[Case] = [
    ("15 maart", NOVEMBER, D(2026, 3, 15)),
    ("March 15", NOVEMBER, D(2026, 3, 15)),
    ("15-3", NOVEMBER, D(2026, 3, 15)),
    ("20 november", NOVEMBER, D(2025, 11, 20)),  # today itself
    ("19 nov", NOVEMBER, D(2026, 11, 19)),  # yesterday: next year
    ("10 maart", MONDAY, D(2025, 3, 10)),
    ("9 maart", MONDAY, D(2026, 3, 9)),
    ("15 jan", DEC_30, D(2026, 1, 15)),
    ("2 januari", DEC_30, D(2026, 1, 2)),
    ("30-12", DEC_30, D(2025, 12, 30)),
    ("31 dec", DEC_30, D(2025, 12, 31)),
    ("29 februari", MONDAY, D(2028, 2, 29)),  # the next leap day
]


@pytest.mark.parametrize(("text", "today", "expected"), YEARLESS_NEXT_OCCURRENCE)
def test_a_date_without_a_year_is_its_next_occurrence_on_or_after_today(
    text: str, today: dt.date, expected: dt.date
) -> None:
    _check(text, today, expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15 maart 2020", D(2020, 3, 15)),
        ("March 15, 2020", D(2020, 3, 15)),
        ("1-1-2020", D(2020, 1, 1)),
        ("1/1/20", D(2020, 1, 1)),
        ("2020-02-29", D(2020, 2, 29)),
    ],
)
def test_a_date_with_an_explicit_year_is_returned_even_if_it_is_past(
    text: str, expected: dt.date
) -> None:
    _check(text, MONDAY, expected)


# --------------------------------------------------------------------------
# Numeric dates
# --------------------------------------------------------------------------

NUMERIC: list[Case] = [
    ("15-3", MONDAY, D(2025, 3, 15)),
    ("15/3", MONDAY, D(2025, 3, 15)),
    ("15.3", MONDAY, D(2025, 3, 15)),
    ("15-03", MONDAY, D(2025, 3, 15)),
    ("15 - 3", MONDAY, D(2025, 3, 15)),
    ("15-03-2027", MONDAY, D(2027, 3, 15)),
    ("15/3/2027", MONDAY, D(2027, 3, 15)),
    ("15.03.2027", MONDAY, D(2027, 3, 15)),
    ("15/3/27", MONDAY, D(2027, 3, 15)),
    ("1-1", MONDAY, D(2026, 1, 1)),
    ("2027-03-15", MONDAY, D(2027, 3, 15)),
    ("2027-3-5", MONDAY, D(2027, 3, 5)),
    ("2027/03/15", MONDAY, D(2027, 3, 15)),
]


@pytest.mark.parametrize(("text", "today", "expected"), NUMERIC)
def test_numeric_dates_are_read_day_month_year_or_iso_year_first(
    text: str, today: dt.date, expected: dt.date
) -> None:
    _check(text, today, expected)


def test_numbers_are_read_day_first_never_month_first() -> None:
    _check("3/4", MONDAY, D(2025, 4, 3))
    _check("4/3/2027", MONDAY, D(2027, 3, 4))
    _check("3/15", MONDAY, None)  # there is no fifteenth month


# --------------------------------------------------------------------------
# Weekday in front of a date
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "vrijdag 19 maart 2027",
        "vr 19 mrt 2027",
        "vrijdag 19-3-2027",
        "vrijdag 2027-03-19",
        "friday, march 19, 2027",
        "Fri 19th of March 2027",
        "friday 19/3/27",
    ],
)
def test_a_weekday_before_a_date_is_accepted_when_it_matches(text: str) -> None:
    _check(text, MONDAY, D(2027, 3, 19))


@pytest.mark.parametrize(
    ("text", "today"),
    [
        ("vrijdag 16 maart 2027", MONDAY),  # the 16th is a Tuesday
        ("friday 16-3-2027", MONDAY),
        ("Friday, March 16, 2027", MONDAY),
        ("vr 2027-03-16", MONDAY),
        ("maandag 15 maart", MONDAY),  # 15 March 2025 is a Saturday
    ],
)
def test_a_weekday_that_does_not_match_the_date_gives_none(text: str, today: dt.date) -> None:
    _check(text, today, None)


def test_a_weekday_before_a_yearless_date_is_checked_against_its_next_occurrence() -> None:
    _check("zaterdag 15 maart", MONDAY, D(2025, 3, 15))
    _check("zondag 15 maart", NOVEMBER, D(2026, 3, 15))


# --------------------------------------------------------------------------
# Forgiving input
# --------------------------------------------------------------------------

FORGIVING: list[Case] = [
    ("  VRIJDAG  ", MONDAY, D(2025, 3, 14)),
    ("vrijdag!", MONDAY, D(2025, 3, 14)),
    ("Vrijdag.", MONDAY, D(2025, 3, 14)),
    ("friday?!", MONDAY, D(2025, 3, 14)),
    ("op vrijdag", MONDAY, D(2025, 3, 14)),
    ("on Friday", MONDAY, D(2025, 3, 14)),
    ("by Friday", MONDAY, D(2025, 3, 14)),
    ("tot vrijdag", MONDAY, D(2025, 3, 14)),
    ("uiterlijk op vrijdag", MONDAY, D(2025, 3, 14)),
    ("uiterlijk 15 maart", MONDAY, D(2025, 3, 15)),
    ("voor 15 maart", MONDAY, D(2025, 3, 15)),
    ("t/m 15 maart", MONDAY, D(2025, 3, 15)),
    ("tot en met 15-3", MONDAY, D(2025, 3, 15)),
    ("by the 15th of march", MONDAY, D(2025, 3, 15)),
    ("on March 15th.", MONDAY, D(2025, 3, 15)),
    ("uiterlijk morgen", MONDAY, D(2025, 3, 11)),
    ("over  twee   weken", MONDAY, D(2025, 3, 24)),
    ("Over Eén Week", MONDAY, D(2025, 3, 17)),
    ("15TH OF MARCH", MONDAY, D(2025, 3, 15)),
    ("15 maart ’27", MONDAY, D(2027, 3, 15)),
    ("in 2 weeks’ time", MONDAY, D(2025, 3, 24)),
    ("15. maart", MONDAY, D(2025, 3, 15)),
    ("15.3.", MONDAY, D(2025, 3, 15)),
    ("\tmorgen\n", MONDAY, D(2025, 3, 11)),
    ("vrijdag\u00a0a.s.", MONDAY, D(2025, 3, 14)),
]


@pytest.mark.parametrize(("text", "today", "expected"), FORGIVING)
def test_case_spacing_punctuation_diacritics_and_by_words_are_forgiven(
    text: str, today: dt.date, expected: dt.date
) -> None:
    _check(text, today, expected)


# --------------------------------------------------------------------------
# Not understood
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "31 februari",
        "30 feb 2027",
        "29 februari 2027",
        "31 april",
        "32-1",
        "0-0",
        "31-4",
        "15-13",
        "0 maart",
        "2027-02-30",
        "2027-13-01",
        "29-2-2027",
        "15-3-0000",
        "0000-03-15",
        "vrijdag 31 februari",
    ],
)
def test_an_impossible_date_gives_none(text: str) -> None:
    _check(text, MONDAY, None)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "?!",
        "banaan",
        "ooit",
        "soon",
        "asap",
        "15",
        "maart",
        "vrijdag 15",
        "over weken",
        "over drie",
        "in veel dagen",
        "over drie banaan",
        "next",
        "volgende",
        "op",
        "morgen vrijdag",
        "friday friday",
        "3 vrijdag",
        "15-3-2027-1",
        "15/3/123",
        "15-3/2027",
        "12345",
        "2027-03",
        "tomorrow tomorrow",
        "vorige week",
        "x" * 1000,
    ],
)
def test_text_that_is_not_a_date_gives_none(text: str) -> None:
    _check(text, MONDAY, None)


def test_a_relative_date_past_the_end_of_the_calendar_gives_none() -> None:
    last_day = D(9999, 12, 31)
    _check("morgen", last_day, None)
    _check("over een maand", last_day, None)
    _check("next friday", last_day, None)
    _check("volgende week vrijdag", last_day, None)
    _check("over 99999999999999 dagen", MONDAY, None)


# --------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------

_SOME_WORDS = sorted(
    {*WEEKDAYS, *MONTHS, *NUMBER_WORDS, *UNITS}
    | {"over", "in", "op", "by", "volgende", "next", "week", "a.s.", "the", "of", "de"}
    | {"0", "1", "15", "31", "99", "2027", "27", "-", "/", ".", ",", "'", "!"}
)


@given(st.text(), st.dates())
def test_any_text_gives_a_date_or_none_and_never_raises(text: str, today: dt.date) -> None:
    result = parse_date(text, today)
    assert result is None or isinstance(result, dt.date)


@given(st.lists(st.sampled_from(_SOME_WORDS), max_size=6), st.dates())
def test_any_jumble_of_date_words_gives_a_date_or_none_and_never_raises(
    words: list[str], today: dt.date
) -> None:
    for text in (" ".join(words), "".join(words)):
        result = parse_date(text, today)
        assert result is None or isinstance(result, dt.date)


_QUANTITIES = st.one_of(
    st.integers(min_value=0, max_value=60).map(str), st.sampled_from(sorted(NUMBER_WORDS))
)
_WEEKDAY_NAMES = st.sampled_from(sorted(WEEKDAYS))
_RELATIVE_TEXTS = st.one_of(
    st.sampled_from(
        ["vandaag", "today", "morgen", "tomorrow", "overmorgen", "the day after tomorrow",
         "volgende week", "next week", "volgende maand", "next month"]
    ),
    st.builds(
        "{} {} {}".format, st.sampled_from(["over", "in", ""]), _QUANTITIES,
        st.sampled_from(sorted(UNITS)),
    ),
    st.builds("{} {}".format, st.sampled_from(["", "next", "volgende", "op", "by"]),
              _WEEKDAY_NAMES),
    st.builds("volgende week {}".format, _WEEKDAY_NAMES),
    st.builds("{} next week".format, _WEEKDAY_NAMES),
)  # fmt: skip


@given(_RELATIVE_TEXTS, st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31)))
def test_every_relative_form_gives_today_or_a_later_date(text: str, today: dt.date) -> None:
    result = parse_date(text, today)
    assert result is not None, text
    assert result >= today


@given(_WEEKDAY_NAMES, st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31)))
def test_a_weekday_lands_on_that_weekday_within_the_next_seven_days(
    name: str, today: dt.date
) -> None:
    result = parse_date(name, today)
    assert result is not None
    assert result.weekday() == WEEKDAYS[name]
    assert 1 <= (result - today).days <= 7


@given(st.dates(), st.dates())
def test_an_iso_date_always_parses_back_to_itself(day: dt.date, today: dt.date) -> None:
    assert parse_date(day.isoformat(), today) == day


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31)), st.dates())
def test_a_day_month_year_in_digits_or_words_parses_back_to_itself(
    day: dt.date, today: dt.date
) -> None:
    dutch_month = next(name for name, number in MONTHS.items() if number == day.month)
    assert parse_date(f"{day.day}-{day.month}-{day.year}", today) == day
    assert parse_date(f"{day.day}/{day.month}/{day.year % 100:02d}", today) == day
    assert parse_date(f"{day.day} {dutch_month} {day.year}", today) == day
