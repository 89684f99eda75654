"""The school calendar: school days, quiet hours, weekends and holidays."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from rondetafel.flows.holidays import AUTUMN, CHRISTMAS, SPRING, SUMMER, Region
from rondetafel.flows.school_calendar import (
    SchoolCalendar,
    format_quiet_hours,
    parse_quiet_hours,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
BRUSSELS = ZoneInfo("Europe/Brussels")
D = dt.date
T = dt.time

NORTH = SchoolCalendar(Region.NORTH)
MIDDLE = SchoolCalendar(Region.MIDDLE)
SOUTH = SchoolCalendar(Region.SOUTH)
FLANDERS = SchoolCalendar(Region.FLANDERS)

# An ordinary school week in every region: Monday 16 to Friday 20 November 2026.
MONDAY = D(2026, 11, 16)
TUESDAY = D(2026, 11, 17)
FRIDAY = D(2026, 11, 20)
SATURDAY = D(2026, 11, 21)
NEXT_MONDAY = D(2026, 11, 23)


def at(day: dt.date, hour: int, minute: int = 0, tz: ZoneInfo = AMSTERDAM) -> dt.datetime:
    return dt.datetime.combine(day, T(hour, minute), tzinfo=tz)


def test_the_fixed_days_fall_on_the_weekdays_the_tests_assume() -> None:
    assert [d.weekday() for d in (MONDAY, TUESDAY, FRIDAY, SATURDAY, NEXT_MONDAY)] == [
        0,
        1,
        4,
        5,
        0,
    ]


# --------------------------------------------------------------------------
# Quiet hours
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hour", "minute", "allowed"),
    [
        (2, 0, False),  # night
        (7, 59, False),  # morning, just before the end of the quiet hours
        (8, 0, True),  # exactly at quiet_until: allowed
        (12, 0, True),
        (17, 59, True),
        (18, 0, False),  # exactly at quiet_from: quiet
        (21, 30, False),  # evening
        (23, 59, False),
    ],
)
def test_the_default_quiet_hours_run_from_six_in_the_evening_to_eight_in_the_morning(
    hour: int, minute: int, allowed: bool
) -> None:
    assert NORTH.allowed(at(MONDAY, hour, minute)) is allowed


def test_one_second_before_the_end_of_the_quiet_hours_is_still_quiet() -> None:
    assert not NORTH.allowed(dt.datetime(2026, 11, 16, 7, 59, 59, tzinfo=AMSTERDAM))
    assert NORTH.allowed(dt.datetime(2026, 11, 16, 17, 59, 59, tzinfo=AMSTERDAM))


def test_an_allowed_moment_is_its_own_next_allowed_moment() -> None:
    moment = at(MONDAY, 10, 15)
    assert NORTH.next_allowed(moment) is moment


def test_in_the_evening_the_next_allowed_moment_is_the_next_morning() -> None:
    assert NORTH.next_allowed(at(MONDAY, 19)) == at(TUESDAY, 8)
    assert NORTH.next_allowed(at(MONDAY, 18)) == at(TUESDAY, 8)


def test_early_in_the_morning_the_next_allowed_moment_is_the_same_morning() -> None:
    assert NORTH.next_allowed(at(TUESDAY, 6, 45)) == at(TUESDAY, 8)


def test_the_next_allowed_moment_keeps_the_time_zone() -> None:
    moment = at(MONDAY, 19, tz=BRUSSELS)
    later = FLANDERS.next_allowed(moment)
    assert later.tzinfo is BRUSSELS
    assert later == at(TUESDAY, 8, tz=BRUSSELS)


def test_quiet_hours_in_the_middle_of_the_day() -> None:
    lunch = SchoolCalendar(Region.MIDDLE, quiet_from=T(12, 0), quiet_until=T(13, 0))
    assert lunch.allowed(at(MONDAY, 11, 59))
    assert not lunch.allowed(at(MONDAY, 12, 0))
    assert not lunch.allowed(at(MONDAY, 12, 30))
    assert lunch.allowed(at(MONDAY, 13, 0))
    assert lunch.allowed(at(MONDAY, 2, 0))  # only the lunch hour is quiet
    assert lunch.allowed(at(MONDAY, 23, 0))
    assert lunch.next_allowed(at(MONDAY, 12, 30)) == at(MONDAY, 13)
    # From a weekend the first allowed moment is the start of Monday.
    assert lunch.next_allowed(at(SATURDAY, 10)) == at(NEXT_MONDAY, 0)


def test_quiet_hours_from_midnight_leave_the_afternoon_and_evening() -> None:
    nights = SchoolCalendar(Region.MIDDLE, quiet_from=T(0, 0), quiet_until=T(9, 0))
    assert not nights.allowed(at(MONDAY, 0, 0))
    assert nights.allowed(at(MONDAY, 23, 59))
    assert nights.next_allowed(at(MONDAY, 3)) == at(MONDAY, 9)
    assert nights.next_allowed(at(FRIDAY, 3)) == at(FRIDAY, 9)
    assert nights.next_allowed(at(SATURDAY, 3)) == at(NEXT_MONDAY, 9)


def test_equal_quiet_times_mean_no_quiet_hours() -> None:
    always = SchoolCalendar(Region.MIDDLE, quiet_from=T(18, 0), quiet_until=T(18, 0))
    assert always.allowed(at(MONDAY, 3))
    assert always.allowed(at(MONDAY, 18))
    assert always.next_allowed(at(SATURDAY, 3)) == at(NEXT_MONDAY, 0)


def test_a_moment_without_a_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        NORTH.allowed(dt.datetime(2026, 11, 16, 10, 0))
    with pytest.raises(ValueError, match="time zone"):
        NORTH.next_allowed(dt.datetime(2026, 11, 16, 10, 0))


def test_wall_clock_times_hold_across_the_change_to_winter_time() -> None:
    # Summer time ends on Sunday 25 October 2026; Monday 26 is a school day in
    # the north, at 08:00 winter time.
    later = NORTH.next_allowed(at(D(2026, 10, 23), 19))  # Friday, summer time
    assert later == at(D(2026, 10, 26), 8)
    assert later.utcoffset() == dt.timedelta(hours=1)


# --------------------------------------------------------------------------
# Weekends
# --------------------------------------------------------------------------


def test_weekends_are_not_school_days() -> None:
    assert NORTH.is_school_day(FRIDAY)
    assert not NORTH.is_school_day(SATURDAY)
    assert not NORTH.is_school_day(SATURDAY + dt.timedelta(days=1))


def test_no_reminders_at_the_weekend_unless_the_school_allows_them() -> None:
    weekends = SchoolCalendar(Region.NORTH, weekends=True)
    assert not NORTH.allowed(at(SATURDAY, 10))
    assert weekends.allowed(at(SATURDAY, 10))
    assert not weekends.allowed(at(SATURDAY, 20))  # the quiet hours still hold
    assert not weekends.is_school_day(SATURDAY)  # the flag does not make school days


def test_friday_evening_waits_until_monday_morning() -> None:
    assert NORTH.next_allowed(at(FRIDAY, 18, 30)) == at(NEXT_MONDAY, 8)
    weekends = SchoolCalendar(Region.NORTH, weekends=True)
    assert weekends.next_allowed(at(FRIDAY, 18, 30)) == at(SATURDAY, 8)


# --------------------------------------------------------------------------
# Holidays per region
# --------------------------------------------------------------------------


def test_the_autumn_holiday_2026_comes_a_week_earlier_in_the_north() -> None:
    first_week, second_week = D(2026, 10, 12), D(2026, 10, 19)
    holiday = NORTH.holiday_on(first_week)
    assert holiday is not None
    assert holiday.name == AUTUMN
    assert not NORTH.is_school_day(first_week)
    assert NORTH.is_school_day(second_week)
    assert SOUTH.is_school_day(first_week)
    assert not SOUTH.is_school_day(second_week)
    assert not MIDDLE.is_school_day(second_week)


def test_the_flemish_autumn_holiday_is_around_all_saints() -> None:
    assert FLANDERS.is_school_day(D(2026, 10, 30))  # Friday
    holiday = FLANDERS.holiday_on(D(2026, 11, 2))
    assert holiday is not None
    assert holiday.name == AUTUMN
    assert FLANDERS.holiday_on(D(2026, 11, 8)) is holiday
    assert FLANDERS.is_school_day(D(2026, 11, 9))
    # The Dutch have school that week.
    assert NORTH.is_school_day(D(2026, 11, 2))


def test_christmas_is_the_same_in_the_three_dutch_regions() -> None:
    for calendar in (NORTH, MIDDLE, SOUTH):
        holiday = calendar.holiday_on(D(2026, 12, 21))
        assert holiday is not None
        assert holiday.name == CHRISTMAS
        assert calendar.is_school_day(D(2027, 1, 4))


def test_the_spring_holiday_2027_is_the_carnival_week_in_the_south() -> None:
    south = SOUTH.holiday_on(D(2027, 2, 8))  # the Monday after carnival Sunday
    assert south is not None
    assert south.name == SPRING
    assert NORTH.holiday_on(D(2027, 2, 8)) is None


def test_no_reminders_in_a_holiday_unless_the_school_allows_them() -> None:
    autumn_monday = at(D(2026, 10, 12), 10)
    assert not NORTH.allowed(autumn_monday)
    assert NORTH.next_allowed(autumn_monday) == at(D(2026, 10, 19), 8)
    in_holidays = SchoolCalendar(Region.NORTH, in_holidays=True)
    assert in_holidays.allowed(autumn_monday)
    assert not in_holidays.is_school_day(autumn_monday.date())


def test_both_flags_allow_a_saturday_in_a_holiday() -> None:
    everything = SchoolCalendar(Region.NORTH, weekends=True, in_holidays=True)
    assert everything.may_send_on(D(2026, 10, 10))
    assert not NORTH.may_send_on(D(2026, 10, 10))


def test_the_long_summer_holiday_is_skipped_whole() -> None:
    # North: summer 10 July to 22 August 2027.
    last_evening = at(D(2027, 7, 9), 18, 30)  # a Friday
    assert NORTH.next_allowed(last_evening) == at(D(2027, 8, 23), 8)
    holiday = NORTH.holiday_on(D(2027, 8, 1))
    assert holiday is not None
    assert holiday.name == SUMMER
    # Flanders: 1 July to 31 August 2027 (a Tuesday); school on 1 September.
    june = at(D(2027, 6, 30), 19, tz=BRUSSELS)
    assert FLANDERS.next_allowed(june) == at(D(2027, 9, 1), 8, tz=BRUSSELS)


def test_the_search_for_an_allowed_moment_gives_up() -> None:
    @dataclass(frozen=True)
    class Never(SchoolCalendar):
        def may_send_on(self, day: dt.date) -> bool:
            return False

    moment = at(MONDAY, 19)
    assert Never(Region.NORTH).next_allowed(moment) == moment


def test_beyond_the_data_weekdays_are_school_days() -> None:
    assert NORTH.holiday_on(D(2029, 10, 15)) is None
    assert NORTH.is_school_day(D(2029, 10, 15))  # a Monday, holidays unknown
    assert not NORTH.is_school_day(D(2029, 10, 13))  # a Saturday stays a weekend
    assert NORTH.is_school_day(D(2026, 7, 13))  # before the data, too
    assert NORTH.next_allowed(at(D(2029, 10, 12), 19)) == at(D(2029, 10, 15), 8)


# --------------------------------------------------------------------------
# Counting school days
# --------------------------------------------------------------------------


def test_school_days_before_skips_the_weekend() -> None:
    assert NORTH.school_days_before(NEXT_MONDAY, 1) == FRIDAY
    assert NORTH.school_days_before(NEXT_MONDAY, 2) == D(2026, 11, 19)
    assert NORTH.school_days_before(TUESDAY, 1) == MONDAY


def test_zero_school_days_before_is_the_day_itself_or_the_school_day_before() -> None:
    assert NORTH.school_days_before(MONDAY, 0) == MONDAY
    assert NORTH.school_days_before(SATURDAY, 0) == FRIDAY


def test_school_days_before_skips_a_holiday() -> None:
    # North: autumn holiday 10-18 October 2026.
    assert NORTH.school_days_before(D(2026, 10, 19), 1) == D(2026, 10, 9)
    # South: 17-25 October 2026.
    assert SOUTH.school_days_before(D(2026, 10, 26), 2) == D(2026, 10, 15)
    # Flanders: 2-8 November 2026.
    assert FLANDERS.school_days_before(D(2026, 11, 9), 1) == D(2026, 10, 30)
    # Inside a holiday, 0 gives the last school day before it.
    assert NORTH.school_days_before(D(2026, 12, 24), 0) == D(2026, 12, 18)


def test_a_negative_number_of_school_days_is_refused() -> None:
    with pytest.raises(ValueError, match="0 or more"):
        NORTH.school_days_before(MONDAY, -1)


# --------------------------------------------------------------------------
# The next holiday
# --------------------------------------------------------------------------


def test_the_next_holiday_starts_after_today() -> None:
    christmas = NORTH.next_holiday(D(2026, 12, 1))
    assert christmas is not None
    assert (christmas.name, christmas.first) == (CHRISTMAS, D(2026, 12, 19))
    # On its first day, and in it, the next one is the one after.
    spring = NORTH.next_holiday(D(2026, 12, 19))
    assert spring is not None
    assert (spring.name, spring.first) == (SPRING, D(2027, 2, 20))
    assert NORTH.next_holiday(D(2026, 12, 28)) == spring


def test_no_next_holiday_beyond_the_data() -> None:
    assert NORTH.next_holiday(D(2028, 7, 20)) is None
    assert NORTH.before_next_holiday(D(2028, 7, 20)) is None


def test_before_the_next_holiday_is_its_last_school_day() -> None:
    assert NORTH.before_next_holiday(D(2026, 12, 1)) == D(2026, 12, 18)
    assert NORTH.before_next_holiday(D(2026, 12, 18)) == D(2026, 12, 18)  # today itself
    assert SOUTH.before_next_holiday(D(2027, 1, 4)) == D(2027, 2, 5)
    assert NORTH.before_next_holiday(D(2027, 1, 4)) == D(2027, 2, 19)
    # Flanders: Christmas from Monday 21 December 2026.
    assert FLANDERS.before_next_holiday(D(2026, 12, 1)) == D(2026, 12, 18)


def test_before_the_next_holiday_never_lies_in_the_past() -> None:
    # Saturday 19 December 2026: the Flemish Christmas holiday starts on
    # Monday, with no school day left; the answer is before the one after.
    assert FLANDERS.before_next_holiday(D(2026, 12, 19)) == D(2027, 2, 5)


# --------------------------------------------------------------------------
# The quiet-hours setting
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("18:00-08:00", (T(18, 0), T(8, 0))),
        ("18:00 - 8:00", (T(18, 0), T(8, 0))),
        (" 17.30–07.45 ", (T(17, 30), T(7, 45))),
        ("12:00-13:00", (T(12, 0), T(13, 0))),
        ("00:00-23:59", (T(0, 0), T(23, 59))),
    ],
)
def test_quiet_hours_are_read_from_the_setting(
    text: str, expected: tuple[dt.time, dt.time]
) -> None:
    assert parse_quiet_hours(text) == expected


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("", "look like 18:00-08:00"),
        ("18-8", "look like 18:00-08:00"),
        ("18:00 08:00", "look like 18:00-08:00"),
        ("from six", "look like 18:00-08:00"),
        ("18:00-08:00-09:00", "look like 18:00-08:00"),
        ("24:00-08:00", "24-hour clock"),
        ("18:60-08:00", "24-hour clock"),
        ("18:00-18:00", "another time"),
    ],
)
def test_bad_quiet_hours_say_what_is_wrong(text: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint) as raised:
        parse_quiet_hours(text)
    assert repr(text) in str(raised.value)


def test_quiet_hours_are_written_as_they_are_read() -> None:
    assert format_quiet_hours(T(18, 0), T(8, 0)) == "18:00-08:00"
    assert parse_quiet_hours(format_quiet_hours(T(7, 5), T(21, 30))) == (T(7, 5), T(21, 30))
