"""When the reminders of a meeting's plan are due: a plan, computed, never sent from here.

HGW evaluates in short cycles: the owner of an agreement hears about it
shortly before its date and on the date itself, an ongoing agreement is
asked about before the plan is evaluated, and whoever evaluates is reminded
on the evaluation date. This module turns those rules into moments, in the
school's time zone and within its calendar (no evenings, weekends or
holidays unless the school allows them). The shell stores the moments and
sends when they come; a snooze asks here for the next one.

Every moment is at the school's `send_at` time of day (08:30 unless the
school says otherwise) on a day the calendar lets reminders go on: a date in
a holiday or at a weekend moves to the first such day after it, still at
`send_at`, and a `send_at` in the quiet hours moves to their end.
A moment already past at `now` is left out: a reminder late by days is
noise. The one exception is a reminder meant for today: while today still
has time left to send, it goes now instead (as soon as the calendar allows).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from .follow_up import AgreementFacts
from .school_calendar import SEARCH_DAYS, SchoolCalendar

__all__ = [
    "DEFAULT_SEND_AT",
    "ONGOING_CHECK_AFTER",
    "Planned",
    "ReminderKind",
    "Snooze",
    "plan_agreement",
    "plan_evaluation",
    "snoozed",
]

DEFAULT_SEND_AT = dt.time(8, 30)

# An ongoing agreement without an evaluation date is asked about this long
# after the meeting: long enough to have been tried, short enough to adjust.
ONGOING_CHECK_AFTER = dt.timedelta(days=28)

ONE_DAY = dt.timedelta(days=1)
ONE_WEEK = dt.timedelta(days=7)


class ReminderKind(StrEnum):
    BEFORE = "before"  # a few school days before an agreement's date
    DUE = "due"  # on the agreement's date
    ONGOING = "ongoing"  # how an ongoing agreement goes, before the evaluation
    EVALUATION = "evaluation"  # the plan's evaluation date has come
    HOME = "home"  # …and a parent is asked what they see at home now


@dataclass(frozen=True)
class Planned:
    """One reminder to send: what about, to whom, and when."""

    kind: ReminderKind
    user_id: int  # the Telegram user id of the person reminded
    at: dt.datetime  # aware, in the school's time zone
    agreement_id: int | None  # None for EVALUATION


class Snooze(StrEnum):
    TOMORROW = "tomorrow"
    NEXT_WEEK = "next_week"


def plan_agreement(
    a: AgreementFacts,
    *,
    evaluation: dt.date | None,
    calendar: SchoolCalendar,
    days_before: int,
    send_at: dt.time = DEFAULT_SEND_AT,
    now: dt.datetime,
) -> tuple[Planned, ...]:
    """The reminders for one agreement's owner, in time order (maybe none).

    * settled (done), without an owner, or an owner who is not on Telegram:
      nothing;
    * ongoing: ONGOING on the school day before the evaluation date, or on
      the day `ONGOING_CHECK_AFTER` after today when there is no evaluation
      date (at `send_at`, like every reminder, not at the meeting's hour);
    * with a date: BEFORE, `days_before` school days before the date, and
      DUE on the date. When both fall on the same moment only DUE is kept;
    * neither ongoing nor dated: nothing to remind about.
    """
    _require_aware(now)
    if days_before < 0:
        raise ValueError(f"days_before must be 0 or more, not {days_before}")
    user_id = a.owner_user_id
    if a.settled or user_id is None:
        return ()
    if a.ongoing:
        if evaluation is not None:
            day = calendar.school_days_before(evaluation, 1)
        else:
            day = now.date() + ONGOING_CHECK_AFTER
        ongoing = _today_or_later(day, calendar=calendar, send_at=send_at, now=now)
        if ongoing is None:
            return ()
        return (Planned(ReminderKind.ONGOING, user_id, ongoing, a.id),)
    if a.due is None:
        return ()
    before_day = calendar.school_days_before(a.due, days_before)
    before = _send_on(before_day, calendar=calendar, send_at=send_at, now=now)
    due = _today_or_later(a.due, calendar=calendar, send_at=send_at, now=now)
    planned: list[Planned] = []
    if before >= now and before != due:
        planned.append(Planned(ReminderKind.BEFORE, user_id, before, a.id))
    if due is not None:
        planned.append(Planned(ReminderKind.DUE, user_id, due, a.id))
    return tuple(sorted(planned, key=lambda p: p.at))


def plan_evaluation(
    evaluator_user_id: int,
    evaluation: dt.date,
    *,
    calendar: SchoolCalendar,
    send_at: dt.time = DEFAULT_SEND_AT,
    now: dt.datetime,
) -> Planned | None:
    """The reminder that the plan's evaluation date has come (None once past).

    On the evaluation date at `send_at`; a date in a holiday or at a weekend
    moves to the first day the calendar allows after it.
    """
    _require_aware(now)
    at = _today_or_later(evaluation, calendar=calendar, send_at=send_at, now=now)
    if at is None:
        return None
    return Planned(ReminderKind.EVALUATION, evaluator_user_id, at, None)


def snoozed(
    choice: Snooze,
    now: dt.datetime,
    *,
    calendar: SchoolCalendar,
    send_at: dt.time = DEFAULT_SEND_AT,
) -> dt.datetime:
    """When a reminder snoozed at `now` comes back.

    TOMORROW: the next day reminders may go on (never today; on a Friday
    that is Monday unless the school allows weekends), at `send_at`.
    NEXT_WEEK: seven days later at `send_at`, or the first allowed moment
    after that.
    """
    _require_aware(now)
    later = ONE_WEEK if choice is Snooze.NEXT_WEEK else ONE_DAY
    return _send_on(now.date() + later, calendar=calendar, send_at=send_at, now=now)


def _send_on(
    day: dt.date, *, calendar: SchoolCalendar, send_at: dt.time, now: dt.datetime
) -> dt.datetime:
    """`day` at `send_at`, or the first day after it that reminders may go on.

    Moved past the quiet hours too, should `send_at` fall in them. A day in a
    holiday or at a weekend gives the first sendable day after it, still at
    `send_at` (not at the end of the quiet hours): every reminder comes at
    the same time of day.
    """
    for _ in range(SEARCH_DAYS):
        if calendar.may_send_on(day):
            break
        day += ONE_DAY
    return calendar.next_allowed(_at(day, send_at, now))


def _today_or_later(
    day: dt.date, *, calendar: SchoolCalendar, send_at: dt.time, now: dt.datetime
) -> dt.datetime | None:
    """The moment to remind about `day` (see `_send_on`); None if that has passed.

    A reminder for today whose time has passed goes at the next allowed
    moment instead, as long as that is still today.
    """
    at = _send_on(day, calendar=calendar, send_at=send_at, now=now)
    if at >= now:
        return at
    if day == now.date():
        soon = calendar.next_allowed(now)
        if soon.date() == day:
            return soon
    return None


def _at(day: dt.date, time: dt.time, now: dt.datetime) -> dt.datetime:
    """`day` at the wall-clock `time`, in the time zone of `now`."""
    return dt.datetime.combine(day, time, tzinfo=now.tzinfo)


def _require_aware(now: dt.datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"now must carry the school's time zone, not be naive: {now}")
