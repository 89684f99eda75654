"""The reminder plan: which reminders an agreement and an evaluation get, and when."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from rondetafel.flows.follow_up import AgreementFacts, AgreementStatus
from rondetafel.flows.holidays import Region
from rondetafel.flows.reminder_plan import (
    DEFAULT_SEND_AT,
    Planned,
    ReminderKind,
    Snooze,
    plan_agreement,
    plan_evaluation,
    snoozed,
)
from rondetafel.flows.school_calendar import SchoolCalendar

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
BRUSSELS = ZoneInfo("Europe/Brussels")
D = dt.date
T = dt.time

NORTH = SchoolCalendar(Region.NORTH)
FLANDERS = SchoolCalendar(Region.FLANDERS)
OWNER = 7001
EVALUATOR = 7002
SEND_AT = T(8, 30)

# Monday 16 November 2026, after a meeting in the afternoon.
NOW = dt.datetime(2026, 11, 16, 15, 30, tzinfo=AMSTERDAM)


def at(day: dt.date, hour: int, minute: int = 0, tz: ZoneInfo = AMSTERDAM) -> dt.datetime:
    return dt.datetime.combine(day, T(hour, minute), tzinfo=tz)


def agreement(
    due: dt.date | None = None,
    *,
    ongoing: bool = False,
    owner_user_id: int | None = OWNER,
    status: AgreementStatus = AgreementStatus.OPEN,
) -> AgreementFacts:
    return AgreementFacts(
        id=31,
        meeting_id=42,
        seq=1,
        what="read 15 minutes a day",
        owner_name="Sam",
        owner_user_id=owner_user_id,
        due=due,
        ongoing=ongoing,
        status=status,
    )


def plan(
    a: AgreementFacts,
    *,
    now: dt.datetime = NOW,
    evaluation: dt.date | None = None,
    calendar: SchoolCalendar = NORTH,
    days_before: int = 2,
    send_at: dt.time = SEND_AT,
) -> tuple[Planned, ...]:
    return plan_agreement(
        a,
        evaluation=evaluation,
        calendar=calendar,
        days_before=days_before,
        send_at=send_at,
        now=now,
    )


def kinds_and_times(planned: tuple[Planned, ...]) -> list[tuple[ReminderKind, dt.datetime]]:
    return [(p.kind, p.at) for p in planned]


def test_the_default_time_to_send_is_half_past_eight() -> None:
    assert T(8, 30) == DEFAULT_SEND_AT


# --------------------------------------------------------------------------
# An agreement with a date
# --------------------------------------------------------------------------


def test_a_dated_agreement_is_reminded_before_and_on_its_date() -> None:
    planned = plan(agreement(D(2026, 11, 27)))  # a Friday
    assert planned == (
        Planned(ReminderKind.BEFORE, OWNER, at(D(2026, 11, 25), 8, 30), 31),
        Planned(ReminderKind.DUE, OWNER, at(D(2026, 11, 27), 8, 30), 31),
    )


def test_the_reminders_are_in_the_time_zone_of_now() -> None:
    now = dt.datetime(2026, 11, 16, 15, 30, tzinfo=BRUSSELS)
    planned = plan(agreement(D(2026, 11, 27)), now=now, calendar=FLANDERS)
    assert all(p.at.tzinfo is BRUSSELS for p in planned)
    assert [p.at for p in planned] == [
        at(D(2026, 11, 25), 8, 30, tz=BRUSSELS),
        at(D(2026, 11, 27), 8, 30, tz=BRUSSELS),
    ]


def test_the_reminder_before_counts_school_days_across_the_weekend() -> None:
    planned = plan(agreement(D(2026, 11, 30)), days_before=1)  # a Monday
    assert kinds_and_times(planned) == [
        (ReminderKind.BEFORE, at(D(2026, 11, 27), 8, 30)),
        (ReminderKind.DUE, at(D(2026, 11, 30), 8, 30)),
    ]


def test_the_reminder_before_counts_school_days_across_a_holiday() -> None:
    # North: Christmas holiday 19 December 2026 to 3 January 2027.
    now = at(D(2026, 12, 1), 10)
    planned = plan(agreement(D(2027, 1, 4)), now=now, days_before=1)
    assert kinds_and_times(planned) == [
        (ReminderKind.BEFORE, at(D(2026, 12, 18), 8, 30)),
        (ReminderKind.DUE, at(D(2027, 1, 4), 8, 30)),
    ]


def test_a_date_in_a_holiday_is_reminded_on_the_first_school_day_after_it() -> None:
    now = at(D(2026, 12, 1), 10)
    planned = plan(agreement(D(2026, 12, 22)), now=now)
    assert kinds_and_times(planned) == [
        (ReminderKind.BEFORE, at(D(2026, 12, 17), 8, 30)),
        (ReminderKind.DUE, at(D(2027, 1, 4), 8, 30)),
    ]


def test_a_date_at_the_weekend_is_reminded_on_monday_unless_weekends_are_allowed() -> None:
    saturday = D(2026, 11, 28)
    # One school day before a Saturday is the Friday.
    assert kinds_and_times(plan(agreement(saturday), days_before=1)) == [
        (ReminderKind.BEFORE, at(D(2026, 11, 27), 8, 30)),
        (ReminderKind.DUE, at(D(2026, 11, 30), 8, 30)),
    ]
    weekends = SchoolCalendar(Region.NORTH, weekends=True)
    assert kinds_and_times(plan(agreement(saturday), days_before=1, calendar=weekends)) == [
        (ReminderKind.BEFORE, at(D(2026, 11, 27), 8, 30)),
        (ReminderKind.DUE, at(saturday, 8, 30)),
    ]


def test_a_time_to_send_in_the_quiet_hours_waits_for_their_end() -> None:
    planned = plan(agreement(D(2026, 11, 27)), send_at=T(7, 0))
    assert [p.at for p in planned] == [at(D(2026, 11, 25), 8), at(D(2026, 11, 27), 8)]


def test_reminders_before_and_on_the_date_at_the_same_moment_become_one() -> None:
    planned = plan(agreement(D(2026, 11, 27)), days_before=0)
    assert kinds_and_times(planned) == [(ReminderKind.DUE, at(D(2026, 11, 27), 8, 30))]


def test_a_reminder_already_past_is_left_out() -> None:
    now = at(D(2026, 11, 25), 10)  # the morning of the reminder before
    planned = plan(agreement(D(2026, 11, 27)), now=now)
    assert kinds_and_times(planned) == [(ReminderKind.DUE, at(D(2026, 11, 27), 8, 30))]


def test_a_date_in_the_past_gets_nothing() -> None:
    assert plan(agreement(D(2026, 11, 13))) == ()


def test_a_date_of_today_is_reminded_now_while_the_day_lasts() -> None:
    today = D(2026, 11, 27)
    planned = plan(agreement(today), now=at(today, 10, 15))
    assert kinds_and_times(planned) == [(ReminderKind.DUE, at(today, 10, 15))]


def test_a_date_of_today_before_the_time_to_send_waits_for_it() -> None:
    today = D(2026, 11, 27)
    planned = plan(agreement(today), now=at(today, 7, 0))
    assert kinds_and_times(planned) == [(ReminderKind.DUE, at(today, 8, 30))]


def test_a_date_of_today_is_dropped_once_the_day_is_over() -> None:
    today = D(2026, 11, 27)
    assert plan(agreement(today), now=at(today, 18, 0)) == ()
    assert plan(agreement(today), now=at(today, 21, 0)) == ()


def test_nothing_for_a_done_agreement() -> None:
    assert plan(agreement(D(2026, 11, 27), status=AgreementStatus.DONE)) == ()
    assert plan(agreement(ongoing=True, status=AgreementStatus.DONE)) == ()


def test_an_agreement_in_progress_is_still_reminded() -> None:
    planned = plan(agreement(D(2026, 11, 27), status=AgreementStatus.IN_PROGRESS))
    assert len(planned) == 2


def test_nothing_for_an_owner_without_telegram_or_without_an_owner() -> None:
    assert plan(agreement(D(2026, 11, 27), owner_user_id=None)) == ()
    nobody = dataclasses.replace(agreement(D(2026, 11, 27)), owner_name=None, owner_user_id=None)
    assert plan(nobody) == ()


def test_nothing_for_an_agreement_without_a_date_that_is_not_ongoing() -> None:
    assert plan(agreement(None)) == ()


def test_the_settings_must_make_sense() -> None:
    with pytest.raises(ValueError, match="days_before"):
        plan(agreement(D(2026, 11, 27)), days_before=-1)
    with pytest.raises(ValueError, match="time zone"):
        plan(agreement(D(2026, 11, 27)), now=dt.datetime(2026, 11, 16, 15, 30))


def test_a_reminder_after_the_change_to_winter_time_keeps_its_wall_clock_time() -> None:
    now = at(D(2026, 10, 20), 15)  # summer time (the north has school again)
    planned = plan(agreement(D(2026, 11, 2)), now=now, days_before=1)
    assert [p.at for p in planned] == [at(D(2026, 10, 30), 8, 30), at(D(2026, 11, 2), 8, 30)]
    assert all(p.at.utcoffset() == dt.timedelta(hours=1) for p in planned)


# --------------------------------------------------------------------------
# An ongoing agreement
# --------------------------------------------------------------------------


def test_an_ongoing_agreement_is_asked_about_the_school_day_before_the_evaluation() -> None:
    planned = plan(agreement(ongoing=True), evaluation=D(2027, 1, 11))
    assert planned == (Planned(ReminderKind.ONGOING, OWNER, at(D(2027, 1, 8), 8, 30), 31),)


def test_the_school_day_before_an_evaluation_after_a_holiday_is_before_the_holiday() -> None:
    planned = plan(agreement(ongoing=True), evaluation=D(2027, 1, 4))
    assert kinds_and_times(planned) == [(ReminderKind.ONGOING, at(D(2026, 12, 18), 8, 30))]


def test_an_ongoing_agreement_without_an_evaluation_is_asked_about_after_four_weeks() -> None:
    planned = plan(agreement(ongoing=True))
    assert kinds_and_times(planned) == [(ReminderKind.ONGOING, at(D(2026, 12, 14), 8, 30))]


def test_four_weeks_into_a_holiday_waits_for_the_first_school_day() -> None:
    now = at(D(2026, 11, 23), 15)  # four weeks on is Monday 21 December
    planned = plan(agreement(ongoing=True), now=now)
    assert kinds_and_times(planned) == [(ReminderKind.ONGOING, at(D(2027, 1, 4), 8, 30))]


def test_an_ongoing_agreement_ignores_a_date_it_may_also_have() -> None:
    planned = plan(agreement(D(2026, 11, 27), ongoing=True), evaluation=D(2027, 1, 11))
    assert [p.kind for p in planned] == [ReminderKind.ONGOING]


def test_nothing_once_the_evaluation_has_passed() -> None:
    assert plan(agreement(ongoing=True), evaluation=D(2026, 11, 10)) == ()


# --------------------------------------------------------------------------
# The evaluation
# --------------------------------------------------------------------------


def test_the_evaluation_is_reminded_on_its_date() -> None:
    planned = plan_evaluation(EVALUATOR, D(2027, 1, 11), calendar=NORTH, send_at=SEND_AT, now=NOW)
    assert planned == Planned(ReminderKind.EVALUATION, EVALUATOR, at(D(2027, 1, 11), 8, 30), None)


def test_an_evaluation_in_a_holiday_moves_to_the_first_school_day_after_it() -> None:
    # North: spring holiday 20-28 February 2027.
    planned = plan_evaluation(EVALUATOR, D(2027, 2, 24), calendar=NORTH, send_at=SEND_AT, now=NOW)
    assert planned is not None
    assert planned.at == at(D(2027, 3, 1), 8, 30)
    # Flanders: autumn holiday 2-8 November 2026.
    now = dt.datetime(2026, 10, 20, 15, 0, tzinfo=BRUSSELS)
    flemish = plan_evaluation(EVALUATOR, D(2026, 11, 2), calendar=FLANDERS, now=now)
    assert flemish is not None
    assert flemish.at == at(D(2026, 11, 9), 8, 30, tz=BRUSSELS)


def test_an_evaluation_in_a_holiday_stays_when_the_school_allows_holidays() -> None:
    in_holidays = SchoolCalendar(Region.NORTH, in_holidays=True)
    planned = plan_evaluation(EVALUATOR, D(2027, 2, 24), calendar=in_holidays, now=NOW)
    assert planned is not None
    assert planned.at == at(D(2027, 2, 24), 8, 30)


def test_a_past_evaluation_gets_no_reminder() -> None:
    assert plan_evaluation(EVALUATOR, D(2026, 11, 13), calendar=NORTH, now=NOW) is None


def test_an_evaluation_today_is_reminded_now_while_the_day_lasts() -> None:
    today = NOW.date()
    planned = plan_evaluation(EVALUATOR, today, calendar=NORTH, now=NOW)
    assert planned is not None
    assert planned.at == NOW
    assert plan_evaluation(EVALUATOR, today, calendar=NORTH, now=at(today, 19)) is None


# --------------------------------------------------------------------------
# Snoozing
# --------------------------------------------------------------------------


def test_snoozed_until_tomorrow_comes_back_the_next_morning() -> None:
    assert snoozed(Snooze.TOMORROW, NOW, calendar=NORTH) == at(D(2026, 11, 17), 8, 30)
    late = at(D(2026, 11, 16), 22, 30)
    assert snoozed(Snooze.TOMORROW, late, calendar=NORTH) == at(D(2026, 11, 17), 8, 30)


def test_snoozed_until_tomorrow_never_comes_back_today() -> None:
    early = at(D(2026, 11, 16), 6, 0)
    assert snoozed(Snooze.TOMORROW, early, calendar=NORTH) == at(D(2026, 11, 17), 8, 30)


def test_snoozed_on_a_friday_until_tomorrow_comes_back_on_monday() -> None:
    friday = at(D(2026, 11, 20), 10)
    assert snoozed(Snooze.TOMORROW, friday, calendar=NORTH) == at(D(2026, 11, 23), 8, 30)
    weekends = SchoolCalendar(Region.NORTH, weekends=True)
    assert snoozed(Snooze.TOMORROW, friday, calendar=weekends) == at(D(2026, 11, 21), 8, 30)


def test_snoozed_before_a_holiday_comes_back_after_it_unless_holidays_are_allowed() -> None:
    friday = at(D(2026, 10, 9), 10)  # north: autumn holiday 10-18 October
    assert snoozed(Snooze.TOMORROW, friday, calendar=NORTH) == at(D(2026, 10, 19), 8, 30)
    in_holidays = SchoolCalendar(Region.NORTH, in_holidays=True)
    assert snoozed(Snooze.TOMORROW, friday, calendar=in_holidays) == at(D(2026, 10, 12), 8, 30)
    everything = SchoolCalendar(Region.NORTH, weekends=True, in_holidays=True)
    assert snoozed(Snooze.TOMORROW, friday, calendar=everything) == at(D(2026, 10, 10), 8, 30)


def test_snoozed_for_a_week_comes_back_seven_days_later() -> None:
    assert snoozed(Snooze.NEXT_WEEK, NOW, calendar=NORTH) == at(D(2026, 11, 23), 8, 30)
    friday = at(D(2026, 12, 11), 16)
    assert snoozed(Snooze.NEXT_WEEK, friday, calendar=NORTH) == at(D(2026, 12, 18), 8, 30)


def test_snoozed_for_a_week_into_a_holiday_waits_for_the_first_school_day() -> None:
    monday = at(D(2026, 12, 14), 10)  # a week on is Christmas
    assert snoozed(Snooze.NEXT_WEEK, monday, calendar=NORTH) == at(D(2027, 1, 4), 8, 30)


def test_snoozed_keeps_the_time_zone_and_the_time_to_send() -> None:
    now = dt.datetime(2026, 11, 20, 10, 0, tzinfo=BRUSSELS)
    back = snoozed(Snooze.TOMORROW, now, calendar=FLANDERS, send_at=T(9, 15))
    assert back == at(D(2026, 11, 23), 9, 15, tz=BRUSSELS)
    assert back.tzinfo is BRUSSELS
