"""The school holidays as data: complete, sorted, and true to their rules."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from rondetafel.flows.holidays import (
    AUTUMN,
    CHRISTMAS,
    COVERS,
    EASTER,
    HOLIDAYS,
    MAY,
    SOURCES,
    SPRING,
    SUMMER,
    Holiday,
    Region,
)

D = dt.date
DUTCH = (Region.NORTH, Region.MIDDLE, Region.SOUTH)
SCHOOL_YEARS = ((D(2026, 9, 1), D(2027, 8, 31)), (D(2027, 9, 1), D(2028, 8, 31)))
SATURDAY, SUNDAY, MONDAY = 5, 6, 0


def in_school_year(region: Region, year: tuple[dt.date, dt.date]) -> list[Holiday]:
    return [h for h in HOLIDAYS[region] if year[0] <= h.first <= year[1]]


def easter(year: int) -> dt.date:
    """Easter Sunday (the anonymous Gregorian algorithm), to check Flanders' rules."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return D(year, month, day + 1)


def monday_of_week(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def test_easter_helper_knows_the_years_in_the_data() -> None:
    assert easter(2027) == D(2027, 3, 28)
    assert easter(2028) == D(2028, 4, 16)


# --------------------------------------------------------------------------
# Shape of the data
# --------------------------------------------------------------------------


def test_every_region_has_holidays_and_a_source() -> None:
    assert set(HOLIDAYS) == set(Region)
    assert set(SOURCES) == set(Region)


@pytest.mark.parametrize("region", list(Region))
def test_holidays_are_sorted_and_do_not_overlap(region: Region) -> None:
    holidays = HOLIDAYS[region]
    for holiday in holidays:
        assert holiday.first <= holiday.last, holiday
    for earlier, later in itertools.pairwise(holidays):
        assert earlier.last < later.first, (earlier, later)


@pytest.mark.parametrize("region", list(Region))
@pytest.mark.parametrize("year", SCHOOL_YEARS, ids=["2026-2027", "2027-2028"])
def test_every_region_covers_both_school_years(
    region: Region, year: tuple[dt.date, dt.date]
) -> None:
    names = [h.name for h in in_school_year(region, year)]
    expected = (
        [AUTUMN, CHRISTMAS, SPRING, EASTER, SUMMER]
        if region is Region.FLANDERS
        else [AUTUMN, CHRISTMAS, SPRING, MAY, SUMMER]
    )
    assert names == expected


@pytest.mark.parametrize("region", list(Region))
def test_all_listed_holidays_are_in_the_covered_span(region: Region) -> None:
    assert COVERS[0] < COVERS[1]
    assert all(COVERS[0] <= h.first <= COVERS[1] for h in HOLIDAYS[region])


@pytest.mark.parametrize("region", DUTCH)
def test_each_dutch_region_has_five_holidays_a_school_year_and_no_easter(
    region: Region,
) -> None:
    # Easter is no school holiday in the Netherlands (only Good Friday and
    # Easter Monday are days off); there are five holidays a year.
    for year in SCHOOL_YEARS:
        assert len(in_school_year(region, year)) == 5
    assert all(h.name != EASTER for h in HOLIDAYS[region])


def test_christmas_and_may_are_the_same_in_the_three_dutch_regions() -> None:
    for name in (CHRISTMAS, MAY):
        spans = {
            region: [(h.first, h.last) for h in HOLIDAYS[region] if h.name == name]
            for region in DUTCH
        }
        assert spans[Region.NORTH] == spans[Region.MIDDLE] == spans[Region.SOUTH]
        assert len(spans[Region.NORTH]) == 2


@pytest.mark.parametrize("region", DUTCH)
def test_dutch_holidays_run_from_saturday_to_sunday(region: Region) -> None:
    lengths = {AUTUMN: 9, SPRING: 9, MAY: 9, CHRISTMAS: 16, SUMMER: 44}
    for holiday in HOLIDAYS[region]:
        assert holiday.first.weekday() == SATURDAY, holiday
        assert holiday.last.weekday() == SUNDAY, holiday
        assert (holiday.last - holiday.first).days + 1 == lengths[holiday.name], holiday


def test_the_sources_are_the_governments_own_pages() -> None:
    for region in DUTCH:
        assert SOURCES[region].startswith("https://www.rijksoverheid.nl/")
    assert SOURCES[Region.FLANDERS].startswith("https://www.vlaanderen.be/")


# --------------------------------------------------------------------------
# The dates themselves
# --------------------------------------------------------------------------


def test_the_autumn_holiday_differs_between_north_and_south() -> None:
    def autumns(region: Region) -> list[tuple[dt.date, dt.date]]:
        return [(h.first, h.last) for h in HOLIDAYS[region] if h.name == AUTUMN]

    assert autumns(Region.NORTH) == [
        (D(2026, 10, 10), D(2026, 10, 18)),
        (D(2027, 10, 16), D(2027, 10, 24)),
    ]
    assert autumns(Region.SOUTH) == [
        (D(2026, 10, 17), D(2026, 10, 25)),
        (D(2027, 10, 23), D(2027, 10, 31)),
    ]


def test_the_2027_2028_dates_are_the_ones_rijksoverheid_publishes() -> None:
    def year_two(region: Region) -> list[tuple[dt.date, dt.date]]:
        return [(h.first, h.last) for h in in_school_year(region, SCHOOL_YEARS[1])]

    christmas = (D(2027, 12, 25), D(2028, 1, 9))
    may = (D(2028, 4, 29), D(2028, 5, 7))
    assert year_two(Region.NORTH) == [
        (D(2027, 10, 16), D(2027, 10, 24)),
        christmas,
        (D(2028, 2, 19), D(2028, 2, 27)),
        may,
        (D(2028, 7, 15), D(2028, 8, 27)),
    ]
    assert year_two(Region.MIDDLE) == [
        (D(2027, 10, 16), D(2027, 10, 24)),
        christmas,
        (D(2028, 2, 26), D(2028, 3, 5)),
        may,
        (D(2028, 7, 8), D(2028, 8, 20)),
    ]
    assert year_two(Region.SOUTH) == [
        (D(2027, 10, 23), D(2027, 10, 31)),
        christmas,
        (D(2028, 2, 26), D(2028, 3, 5)),
        may,
        (D(2028, 7, 22), D(2028, 9, 3)),
    ]


def test_every_dutch_summer_is_six_weeks_and_the_regions_start_at_most_two_weeks_apart() -> None:
    for year in SCHOOL_YEARS:
        summers = [h for region in DUTCH for h in in_school_year(region, year) if h.name == SUMMER]
        # Six weeks off, from the Saturday before to the Sunday after: 44 days.
        assert {(h.last - h.first).days + 1 for h in summers} == {44}
        starts = sorted(h.first for h in summers)
        assert (starts[-1] - starts[0]).days <= 14


def test_the_summers_of_2028_are_the_ministrys_a_week_apart() -> None:
    starts = sorted(
        h.first
        for region in DUTCH
        for h in in_school_year(region, SCHOOL_YEARS[1])
        if h.name == SUMMER
    )
    assert [(b - a).days for a, b in itertools.pairwise(starts)] == [7, 7]


def test_the_flemish_autumn_holiday_is_the_week_of_all_saints() -> None:
    autumns = [h for h in HOLIDAYS[Region.FLANDERS] if h.name == AUTUMN]
    # 1 November 2026 is a Sunday: the holiday starts on 2 November.
    assert (autumns[0].first, autumns[0].last) == (D(2026, 11, 2), D(2026, 11, 8))
    assert (autumns[1].first, autumns[1].last) == (D(2027, 11, 1), D(2027, 11, 7))


@pytest.mark.parametrize("year", SCHOOL_YEARS, ids=["2026-2027", "2027-2028"])
def test_flanders_follows_the_decree_of_1991(year: tuple[dt.date, dt.date]) -> None:
    """Each Flemish holiday is where the Besluit of 17 April 1991 puts it."""
    holidays = {h.name: h for h in in_school_year(Region.FLANDERS, year)}
    autumn_year, spring_year = year[0].year, year[1].year
    week = dt.timedelta(days=7)
    end_of_week = dt.timedelta(days=6)

    all_saints = D(autumn_year, 11, 1)
    autumn = monday_of_week(all_saints) if all_saints.weekday() != SUNDAY else D(autumn_year, 11, 2)
    assert (holidays[AUTUMN].first, holidays[AUTUMN].last) == (autumn, autumn + end_of_week)

    christmas_day = D(autumn_year, 12, 25)
    christmas = (
        monday_of_week(christmas_day) + week
        if christmas_day.weekday() >= SATURDAY
        else monday_of_week(christmas_day)
    )
    assert (holidays[CHRISTMAS].first, holidays[CHRISTMAS].last) == (
        christmas,
        christmas + week + end_of_week,
    )

    sunday = easter(spring_year)
    krokus = sunday + dt.timedelta(days=1) - 7 * week  # the 7th Monday before Easter
    assert (holidays[SPRING].first, holidays[SPRING].last) == (krokus, krokus + end_of_week)

    if sunday.month == 3:
        easter_first, extra = sunday + dt.timedelta(days=1), 0
    elif sunday > D(spring_year, 4, 15):
        easter_first, extra = sunday + dt.timedelta(days=1) - 2 * week, 1  # plus Easter Monday
    else:
        first_of_april = D(spring_year, 4, 1)
        easter_first = first_of_april + dt.timedelta(days=(MONDAY - first_of_april.weekday()) % 7)
        extra = 0
    assert (holidays[EASTER].first, holidays[EASTER].last) == (
        easter_first,
        easter_first + week + end_of_week + dt.timedelta(days=extra),
    )

    assert (holidays[SUMMER].first, holidays[SUMMER].last) == (
        D(spring_year, 7, 1),
        D(spring_year, 8, 31),
    )


def test_holiday_includes_its_first_and_last_day() -> None:
    holiday = HOLIDAYS[Region.NORTH][0]
    assert holiday.includes(holiday.first)
    assert holiday.includes(holiday.last)
    assert not holiday.includes(holiday.first - dt.timedelta(days=1))
    assert not holiday.includes(holiday.last + dt.timedelta(days=1))
