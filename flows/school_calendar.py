"""When a reminder may reach someone: school days, quiet hours and school holidays.

A reminder about an agreement is a nudge from school, and school keeps
school hours: nothing in the evening or at night, nothing at the weekend,
nothing in the holidays. A school may allow the weekends or the holidays
(some parents only read messages then); the quiet hours are its own setting,
usually "18:00-08:00", and may also be a span in the day ("12:00-13:00").

Times are wall-clock times in the school's time zone: every datetime passed
in must be aware and in that zone, and every datetime returned keeps its
tzinfo. Nothing here reads a clock.

Dates outside the span the holiday data covers (`holidays.COVERS`) still have
their weekends, but no holidays: every weekday there counts as a school day.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .holidays import HOLIDAYS, Holiday, Region

__all__ = [
    "SEARCH_DAYS",
    "SchoolCalendar",
    "format_quiet_hours",
    "parse_quiet_hours",
]

ONE_DAY = dt.timedelta(days=1)
MIDNIGHT = dt.time(0, 0)

# How far ahead `next_allowed` looks for a moment to send. The longest closed
# stretch is a summer holiday (seven weeks in Flanders, with its weekends);
# only a setting that never allows anything gets this far, and then the
# moment asked about is returned unchanged rather than searching forever.
SEARCH_DAYS = 400

# A window of a sendable day in which reminders may go: [start, end), where
# an end of None means the end of the day.
Window = tuple[dt.time, dt.time | None]


@dataclass(frozen=True)
class SchoolCalendar:
    """One school's calendar: its holiday region and when it lets reminders go."""

    region: Region
    quiet_from: dt.time = dt.time(18, 0)  # no reminders from this time …
    quiet_until: dt.time = dt.time(8, 0)  # … until this time (the next morning)
    weekends: bool = False  # True: reminders may also go at weekends
    in_holidays: bool = False  # True: reminders may also go in school holidays

    # -- days -------------------------------------------------------------

    def holiday_on(self, day: dt.date) -> Holiday | None:
        """The school holiday that `day` is in, if any."""
        for holiday in HOLIDAYS[self.region]:
            if holiday.first > day:
                break
            if holiday.includes(day):
                return holiday
        return None

    def is_school_day(self, day: dt.date) -> bool:
        """A weekday outside the holidays (whatever the school allows reminders on)."""
        return day.weekday() < 5 and self.holiday_on(day) is None

    def may_send_on(self, day: dt.date) -> bool:
        """Whether reminders may go on `day` at all, with this school's settings."""
        if day.weekday() >= 5 and not self.weekends:
            return False
        return self.in_holidays or self.holiday_on(day) is None

    def school_days_before(self, day: dt.date, n: int) -> dt.date:
        """The `n`-th school day before `day`.

        With n=0: `day` itself if it is a school day, else the last school day
        before it. A holiday or weekend in between is skipped, not counted.
        """
        if n < 0:
            raise ValueError(f"the number of school days must be 0 or more, not {n}")
        current = day
        if n == 0:
            while not self.is_school_day(current):
                current -= ONE_DAY
            return current
        counted = 0
        while counted < n:
            current -= ONE_DAY
            if self.is_school_day(current):
                counted += 1
        return current

    def next_holiday(self, today: dt.date) -> Holiday | None:
        """The first holiday that starts after `today` (None beyond the data)."""
        for holiday in HOLIDAYS[self.region]:
            if holiday.first > today:
                return holiday
        return None

    def before_next_holiday(self, today: dt.date) -> dt.date | None:
        """The last school day before the next holiday: "before the holiday" as a date.

        That may be `today` itself. When no school day is left before the next
        holiday (a Saturday before a Flemish holiday that starts on Monday),
        it is the last school day before the holiday after that.
        """
        for holiday in HOLIDAYS[self.region]:
            if holiday.first <= today:
                continue
            last = self.school_days_before(holiday.first, 1)
            if last >= today:
                return last
        return None

    # -- moments ----------------------------------------------------------

    def allowed(self, at: dt.datetime) -> bool:
        """Whether a reminder may go at `at`: a sendable day, outside the quiet hours."""
        _require_aware(at)
        return self.may_send_on(at.date()) and self._in_window(at.time())

    def next_allowed(self, at: dt.datetime) -> dt.datetime:
        """`at` if a reminder may go then, else the first moment after it that is allowed.

        Usually the end of the quiet hours on the next day reminders may go
        on. The result has the tzinfo of `at`. Should nothing be allowed for
        `SEARCH_DAYS` days, `at` itself is returned.
        """
        if self.allowed(at):
            return at
        day = at.date()
        if self.may_send_on(day):
            later_today = self._first_in_window(at.time())
            if later_today is not None:
                return dt.datetime.combine(day, later_today, tzinfo=at.tzinfo)
        opening = self._windows()[0][0]
        for offset in range(1, SEARCH_DAYS + 1):
            candidate = day + offset * ONE_DAY
            if self.may_send_on(candidate):
                return dt.datetime.combine(candidate, opening, tzinfo=at.tzinfo)
        return at

    # -- quiet hours ------------------------------------------------------

    def _windows(self) -> tuple[Window, ...]:
        """The windows of a sendable day in which reminders may go, in order."""
        if self.quiet_from == self.quiet_until:
            return ((MIDNIGHT, None),)  # no quiet hours at all
        if self.quiet_until < self.quiet_from:
            # Quiet overnight (18:00-08:00): one window in the day.
            return ((self.quiet_until, self.quiet_from),)
        # Quiet in the day (12:00-13:00): before it and after it.
        after: Window = (self.quiet_until, None)
        if self.quiet_from == MIDNIGHT:
            return (after,)
        return ((MIDNIGHT, self.quiet_from), after)

    def _in_window(self, time: dt.time) -> bool:
        return any(start <= time and (end is None or time < end) for start, end in self._windows())

    def _first_in_window(self, time: dt.time) -> dt.time | None:
        """The first time at or after `time`, on the same day, in a window."""
        for start, end in self._windows():
            if end is None or time < end:
                return max(time, start)
        return None


def _require_aware(at: dt.datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"a moment must carry the school's time zone, not be naive: {at}")


_CLOCK = r"([0-9]{1,2})[:.]([0-9]{2})"  # 18:00, 8:00, 18.00
_QUIET_HOURS = re.compile(rf"^\s*{_CLOCK}\s*[-–—]\s*{_CLOCK}\s*$", re.ASCII)


def _time(hours: str, minutes: str, text: str) -> dt.time:
    hour, minute = int(hours), int(minutes)
    if hour > 23 or minute > 59:
        raise ValueError(
            f"{hours}:{minutes} is not a time on a 24-hour clock (00:00 to 23:59), in {text!r}"
        )
    return dt.time(hour, minute)


def parse_quiet_hours(text: str) -> tuple[dt.time, dt.time]:
    """Read the quiet-hours setting, "18:00-08:00", as (quiet_from, quiet_until).

    From the first time until the second no reminders go; a second time
    earlier than the first means the next morning. "18.00 - 8.00" and an en
    dash are read too. Raises ValueError saying what is wrong.
    """
    match = _QUIET_HOURS.match(text)
    if match is None:
        raise ValueError(
            f"quiet hours look like 18:00-08:00 (from, until; 24-hour clock), not {text!r}"
        )
    start = _time(match[1], match[2], text)
    end = _time(match[3], match[4], text)
    if start == end:
        raise ValueError(f"quiet hours must end at another time than they start, not {text!r}")
    return start, end


def format_quiet_hours(quiet_from: dt.time, quiet_until: dt.time) -> str:
    """The setting as `parse_quiet_hours` reads it: "18:00-08:00"."""
    return f"{quiet_from:%H:%M}-{quiet_until:%H:%M}"
