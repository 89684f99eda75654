"""Understand a date typed by a person, in Dutch or English.

At the end of a meeting people set a "by when" for each agreement and a date
for the evaluation. They use buttons, or they type something on a phone.
:func:`parse_date` turns that text into a calendar date, or ``None`` when it
cannot tell what was meant. It never raises, and it reads no clock: the
current date is always passed in as ``today``.

Accepted forms (Dutch and English, any case, surrounding whitespace, extra
spaces, trailing punctuation, diacritics and apostrophes are ignored):

* Relative words: ``vandaag``/``today``, ``morgen``/``tomorrow``,
  ``overmorgen``/``(the) day after tomorrow``.
* Offsets: ``over N dagen/weken/maanden`` and ``in N days/weeks/months``, with
  digits or number words (``een``/``één`` … ``twintig``, ``a``/``an``/``one``
  … ``twenty``), singular or plural, and ``N weken``/``N weeks`` without
  ``over``/``in``. ``volgende week``/``next week`` is today + 7 days,
  ``volgende maand``/``next month`` is today + 1 month, ``over een half
  jaar``/``in half a year`` is today + 6 months. Months are calendar months;
  the day is clamped (31 January + 1 month is 28 or 29 February).
* Weekdays, full or abbreviated (``vrijdag``, ``vr``, ``friday``, ``fri`` …):
  the next such day *strictly after* today, so on a Friday "vrijdag" is a week
  later. ``next friday``/``volgende vrijdag``/``aanstaande vrijdag``/
  ``vrijdag a.s.`` mean the same. ``volgende week vrijdag``, ``vrijdag
  volgende week``, ``next week friday`` and ``friday next week`` mean that
  weekday in the ISO week (Monday to Sunday) after today's week.
* Day and month in words: ``15 maart``, ``15 mrt.``, ``15e maart``,
  ``15 March``, ``15th of March``, ``March 15th``, each with an optional year
  (``15 maart 2027``, ``March 15, 2027``, ``15 maart '27``).
* Day and month in digits: ``15-3``, ``15/3``, ``15.3``, ``15-03-2027``,
  ``15/3/27``; and ISO ``2027-03-15`` (year first, four digits).
* Any date above may start with a weekday (``vrijdag 15 maart``); if that
  weekday is not the date's weekday the text is a mistake and gives ``None``.

Rules:

* Numbers are read DAY first, then month (the European order): ``3/4`` is
  3 April, never March 4. Only a four-digit first number is a year (ISO).
* A two-digit year means 20YY.
* A date without a year is its next occurrence on or after today: typed in
  November, "15 maart" is next March; typed on 15 March, it is today.
* A date with a year is returned as is, even if it lies in the past; judging
  past or far-away dates is the caller's job.
* Impossible dates ("31 februari", "32-1", "0-0") give ``None``.

A leading ``op``/``on``/``tot``/``tot en met``/``t/m``/``by``/``uiterlijk``/
``voor``/``before``/``until`` is ignored ("uiterlijk 15 maart", "by Friday").
"""

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable

__all__ = ["parse_date"]

# Nobody types a date in more characters than this; longer text is not a date.
MAX_INPUT_LENGTH = 200

# --------------------------------------------------------------------------
# Word tables. Keys are in normalised form: lower case, no diacritics, no
# apostrophes, dots replaced by spaces (so "a.s." is "a s").
# --------------------------------------------------------------------------

WEEKDAYS: dict[str, int] = {
    # Dutch
    "maandag": 0, "ma": 0,
    "dinsdag": 1, "di": 1, "din": 1,
    "woensdag": 2, "wo": 2, "woe": 2,
    "donderdag": 3, "do": 3, "don": 3,
    "vrijdag": 4, "vr": 4, "vrij": 4,
    "zaterdag": 5, "za": 5, "zat": 5,
    "zondag": 6, "zo": 6, "zon": 6,
    # English
    "monday": 0, "mon": 0,
    "tuesday": 1, "tue": 1, "tues": 1,
    "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3,
    "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
}  # fmt: skip

MONTHS: dict[str, int] = {
    "januari": 1, "january": 1, "jan": 1,
    "februari": 2, "february": 2, "febr": 2, "feb": 2,
    "maart": 3, "march": 3, "mrt": 3, "maa": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "june": 6, "jun": 6,
    "juli": 7, "july": 7, "jul": 7,
    "augustus": 8, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "october": 10, "okt": 10, "oct": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip

NUMBER_WORDS: dict[str, int] = {
    # Dutch ("één" becomes "een" once diacritics are dropped)
    "een": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6,
    "zeven": 7, "acht": 8, "negen": 9, "tien": 10, "elf": 11, "twaalf": 12,
    "dertien": 13, "veertien": 14, "vijftien": 15, "zestien": 16,
    "zeventien": 17, "achttien": 18, "negentien": 19, "twintig": 20,
    # English
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
    "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20,
}  # fmt: skip

# An offset as (days, calendar months).
Offset = tuple[int, int]

# Unit word -> the offset of one such unit.
UNITS: dict[str, Offset] = {
    "dag": (1, 0), "dagen": (1, 0), "dagje": (1, 0), "dagjes": (1, 0),
    "day": (1, 0), "days": (1, 0),
    "week": (7, 0), "weken": (7, 0), "weekje": (7, 0), "weekjes": (7, 0),
    "weeks": (7, 0),
    "fortnight": (14, 0), "fortnights": (14, 0),
    "maand": (0, 1), "maanden": (0, 1), "maandje": (0, 1), "maandjes": (0, 1),
    "month": (0, 1), "months": (0, 1),
    "jaar": (0, 12), "jaren": (0, 12), "year": (0, 12), "years": (0, 12),
}  # fmt: skip

# Whole phrases with a fixed offset from today.
FIXED_PHRASES: dict[str, Offset] = {
    "vandaag": (0, 0), "today": (0, 0),
    "morgen": (1, 0), "tomorrow": (1, 0),
    "overmorgen": (2, 0), "the day after tomorrow": (2, 0),
    "day after tomorrow": (2, 0),
    "volgende week": (7, 0), "komende week": (7, 0), "next week": (7, 0),
    "volgende maand": (0, 1), "komende maand": (0, 1), "next month": (0, 1),
    "over een half jaar": (0, 6), "over half jaar": (0, 6),
    "over een halfjaar": (0, 6), "in half a year": (0, 6),
    "in a half year": (0, 6),
}  # fmt: skip

# Words before a date that do not change it: "op vrijdag", "uiterlijk 15 maart".
PREFIXES: tuple[str, ...] = (
    "uiterlijk", "tot en met", "t/m", "tm", "tot", "voor", "op",
    "by", "before", "until", "till", "on",
)  # fmt: skip

# Words after a date that do not change it: "vrijdag a.s." (aanstaande).
SUFFIXES: tuple[str, ...] = ("aanstaande", "a s")

# "next friday" and friends. These mean the same as the bare weekday: the next
# such day strictly after today. People also say "next Friday" for "Friday of
# next week", but reading it as the coming Friday matches most everyday use
# and matches the Dutch "volgende/aanstaande vrijdag"; "next week friday" or
# "friday next week" is there for the other meaning.
NEXT_WORDS: tuple[str, ...] = ("volgende", "komende", "aanstaande", "next", "coming")

# "volgende week vrijdag": that weekday in the ISO week after today's.
NEXT_WEEK_WORDS: tuple[str, ...] = ("volgende week", "komende week", "next week")

# Trailing words that add nothing to an offset: "in 2 weeks' time".
OFFSET_TAILS: tuple[str, ...] = (
    "time", "from now", "from today", "vanaf nu", "vanaf vandaag",
)  # fmt: skip


# --------------------------------------------------------------------------
# Regexes, built from the tables above.
# --------------------------------------------------------------------------


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, longest first so none shadows another."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_WD = _alternation(WEEKDAYS)
_MONTH = _alternation(MONTHS)
_WD_PREFIX = rf"(?:(?P<weekday>{_WD})\s+)?"
_ORDINAL = r"(?:ste|st|nd|rd|th|de|e)?"  # 15th, 1st, 15e, 1ste, 15de
_YEAR = r"(?P<year>[0-9]{4}|[0-9]{2})"


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"^{pattern}$", re.ASCII)


_OFFSET_RE = _compile(
    r"(?:(?:over|in)\s+)?"
    r"(?:(?P<digits>[0-9]+)\s*|(?P<word>[a-z]+)\s+)"
    r"(?P<unit>[a-z]+)"
    rf"(?:\s+(?:{_alternation(OFFSET_TAILS)}))?"
)
_WEEKDAY_RE = _compile(rf"(?:(?:{_alternation(NEXT_WORDS)})\s+)?(?P<weekday>{_WD})")
_WEEKDAY_NEXT_WEEK_RES = (
    _compile(rf"(?:{_alternation(NEXT_WEEK_WORDS)})\s+(?:(?:op|on)\s+)?(?P<weekday>{_WD})"),
    _compile(rf"(?P<weekday>{_WD})\s+(?:(?:of|in)\s+)?(?:{_alternation(NEXT_WEEK_WORDS)})"),
)
_DAY_MONTH_RE = _compile(
    rf"{_WD_PREFIX}(?:(?:the|de)\s+)?(?P<day>[0-9]{{1,2}}){_ORDINAL}\s*"
    rf"(?:of\s+)?(?P<month>{_MONTH})(?:\s+{_YEAR})?"
)
_MONTH_DAY_RE = _compile(
    rf"{_WD_PREFIX}(?P<month>{_MONTH})\s+(?:the\s+)?(?P<day>[0-9]{{1,2}}){_ORDINAL}"
    rf"(?:\s+{_YEAR})?"
)
_NUMERIC_RE = _compile(
    rf"{_WD_PREFIX}(?P<day>[0-9]{{1,2}})\s*(?P<sep>[-/.])\s*(?P<month>[0-9]{{1,2}})"
    rf"(?:\s*(?P=sep)\s*{_YEAR})?"
)
_ISO_RE = _compile(
    rf"{_WD_PREFIX}(?P<year>[0-9]{{4}})\s*(?P<sep>[-/.])\s*(?P<month>[0-9]{{1,2}})"
    r"\s*(?P=sep)\s*(?P<day>[0-9]{1,2})"
)

_APOSTROPHES = re.compile(r"['’‘`´ʼ]")
# A dot is a separator only between digits ("15.3"); elsewhere ("mrt.",
# "a.s.", "15. maart") it is dropped.
_LONE_DOT = re.compile(r"(?<![0-9])\.|\.(?![0-9])")
_EDGE_PUNCTUATION = ' !?;:()[]"“”„«»'


# --------------------------------------------------------------------------
# Text clean-up
# --------------------------------------------------------------------------


def _normalise(text: str) -> str:
    """Lower case, no diacritics or apostrophes, single spaces, no edge punctuation."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _APOSTROPHES.sub("", text)
    text = _LONE_DOT.sub(" ", text.replace(",", " "))
    return " ".join(text.split()).strip(_EDGE_PUNCTUATION)


def _strip_fillers(text: str) -> str:
    """Drop leading words like "op"/"by" and trailing "a.s.", as often as they occur."""
    changed = True
    while changed:
        changed = False
        for prefix in PREFIXES:
            if text.startswith(prefix + " "):
                text = text[len(prefix) + 1 :]
                changed = True
        for suffix in SUFFIXES:
            if text.endswith(" " + suffix):
                text = text[: -len(suffix) - 1]
                changed = True
    return text


# --------------------------------------------------------------------------
# Date arithmetic that returns None instead of raising
# --------------------------------------------------------------------------


def _make_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _add_months(start: dt.date, months: int) -> dt.date | None:
    """``start`` plus calendar months, the day clamped to the month's length."""
    year, month0 = divmod(start.year * 12 + start.month - 1 + months, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return None
    day = min(start.day, calendar.monthrange(year, month0 + 1)[1])
    return dt.date(year, month0 + 1, day)


def _shift(start: dt.date, offset: Offset) -> dt.date | None:
    days, months = offset
    moved = _add_months(start, months)
    if moved is None:
        return None
    try:
        return moved + dt.timedelta(days=days)
    except OverflowError:
        return None


def _day_month(day: int, month: int, year: str | None, today: dt.date) -> dt.date | None:
    """A day and month with an explicit year, or else the next occurrence from today."""
    if year is not None:
        return _make_date(int(year) + (2000 if len(year) == 2 else 0), month, day)
    # Nine years always include a leap year, so "29 februari" is found too.
    for candidate_year in range(today.year, today.year + 9):
        candidate = _make_date(candidate_year, month, day)
        if candidate is not None and candidate >= today:
            return candidate
    return None


def _matches_weekday(found: dt.date | None, weekday: str | None) -> dt.date | None:
    """``found``, unless a weekday was named and it is not ``found``'s weekday."""
    if found is None or weekday is None or found.weekday() == WEEKDAYS[weekday]:
        return found
    return None


# --------------------------------------------------------------------------
# One function per form. Each gets normalised text and returns None when the
# text is not in its form (or names an impossible date).
# --------------------------------------------------------------------------


def _fixed_phrase(text: str, today: dt.date) -> dt.date | None:
    offset = FIXED_PHRASES.get(text)
    return None if offset is None else _shift(today, offset)


def _offset(text: str, today: dt.date) -> dt.date | None:
    match = _OFFSET_RE.match(text)
    if match is None or match["unit"] not in UNITS:
        return None
    if match["digits"] is not None:
        count = int(match["digits"])
    elif match["word"] in NUMBER_WORDS:
        count = NUMBER_WORDS[match["word"]]
    else:
        return None
    days, months = UNITS[match["unit"]]
    return _shift(today, (days * count, months * count))


def _weekday(text: str, today: dt.date) -> dt.date | None:
    match = _WEEKDAY_RE.match(text)
    if match is None:
        return None
    days_ahead = (WEEKDAYS[match["weekday"]] - today.weekday() - 1) % 7 + 1  # 1..7
    return _shift(today, (days_ahead, 0))


def _weekday_next_week(text: str, today: dt.date) -> dt.date | None:
    for pattern in _WEEKDAY_NEXT_WEEK_RES:
        match = pattern.match(text)
        if match is not None:
            days_ahead = 7 - today.weekday() + WEEKDAYS[match["weekday"]]
            return _shift(today, (days_ahead, 0))
    return None


def _month_in_words(text: str, today: dt.date) -> dt.date | None:
    for pattern in (_DAY_MONTH_RE, _MONTH_DAY_RE):
        match = pattern.match(text)
        if match is not None:
            found = _day_month(int(match["day"]), MONTHS[match["month"]], match["year"], today)
            return _matches_weekday(found, match["weekday"])
    return None


def _numeric(text: str, today: dt.date) -> dt.date | None:
    match = _NUMERIC_RE.match(text)
    if match is None:
        return None
    found = _day_month(int(match["day"]), int(match["month"]), match["year"], today)
    return _matches_weekday(found, match["weekday"])


def _iso(text: str, today: dt.date) -> dt.date | None:
    match = _ISO_RE.match(text)
    if match is None:
        return None
    found = _make_date(int(match["year"]), int(match["month"]), int(match["day"]))
    return _matches_weekday(found, match["weekday"])


_FORMS: tuple[Callable[[str, dt.date], dt.date | None], ...] = (
    _fixed_phrase,
    _offset,
    _weekday,
    _weekday_next_week,
    _month_in_words,
    _numeric,
    _iso,
)


def parse_date(text: str, today: dt.date) -> dt.date | None:
    """The date meant by ``text`` as typed on ``today``, or None if not understood.

    See the module docstring for the accepted forms. Never raises.
    """
    if len(text) > MAX_INPUT_LENGTH:
        return None
    cleaned = _strip_fillers(_normalise(text))
    for form in _FORMS:
        found = form(cleaned, today)
        if found is not None:
            return found
    return None
