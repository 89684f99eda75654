"""The reminder loop: several bots share the due reminders, and school hours hold them back.

A finished meeting is stored the way a meeting that ends stores it (its state
saved finished, which writes its agreements); its reminders are then added
with the moments each test needs, rather than planned by `plan_follow_up`,
whose moments are always ones a reminder may go at: here they fall in the
night, at a weekend or in a holiday, as they do when the bot was down or a
snooze ran into one.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from rondetafel.bot.app import build_application, start_services, stop_services
from rondetafel.bot.context import SERVICES, Services
from rondetafel.bot.reminder_loop import ReminderLoop
from rondetafel.flows.holidays import Region
from rondetafel.flows.reminder_plan import Planned, ReminderKind
from rondetafel.flows.script import Role
from rondetafel.flows.state import Agreement, Participant
from rondetafel.settings import Settings
from rondetafel.storage.db import Database
from rondetafel.storage.models import OutboxRow, ReminderRow
from rondetafel.storage.outbox import REMINDER_KEY
from rondetafel.storage.reminders import PENDING, SENT, Reminder
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction
from tests.conftest import TEST_KEYRING
from tests.support.recording import RecordingRequest

from .conftest import ANNA, MO, NOW, Harness
from .demo_state import demo_meeting

AMSTERDAM = NOW.tzinfo
GROUP = -1001234567890123
TODAY = NOW.date()  # Monday 23 November 2026, a school day in every region
CHAIR, MENTOR, PUPIL = 1, 2, 3
PARTICIPANTS = (
    Participant(CHAIR, ANNA.first_name, Role.CHAIR, ANNA.id),
    Participant(MENTOR, MO.first_name, Role.MENTOR, MO.id),
    Participant(PUPIL, "S.B.", Role.PUPIL, None, voiced_by=MENTOR),
)
AGREEMENTS = (
    Agreement(1, "Instructie in stappen op het bord", MENTOR, MENTOR, due=TODAY),
    Agreement(2, "S. bij de deur begroeten", MENTOR, MENTOR, ongoing=True),
)


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment on the school's clock."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)


TUESDAY_NIGHT = at(2026, 11, 24, 2)
SATURDAY = at(2026, 11, 28, 10)
# In the northern region's autumn holiday (10-18 October 2026), not yet in the others'.
NORTHERN_AUTUMN_HOLIDAY = at(2026, 10, 14, 10)  # a Wednesday


@dataclasses.dataclass(frozen=True)
class Plan:
    case_id: int
    meeting_id: int
    agreements: tuple[int, ...]


async def finished_meeting(db: Database, chat_id: int = GROUP) -> Plan:
    """A finished meeting chaired by Anna, with Mo's two agreements."""
    state = demo_meeting().evolve(
        participants=PARTICIPANTS,
        agreements=AGREEMENTS,
        evaluation_date=TODAY + dt.timedelta(days=42),
        started_at=NOW - dt.timedelta(hours=2),
        finished_at=NOW - dt.timedelta(hours=1),
    )

    async def make(repos: Repositories) -> Plan:
        loaded = await repos.meetings.create(chat_id, lambda mid: state.evolve(meeting_id=mid), NOW)
        assert loaded.case_id is not None
        ids = tuple(a.id for a in await repos.agreements.of_meeting(loaded.id))
        return Plan(loaded.case_id, loaded.id, ids)

    return await in_transaction(db, make)


async def add_reminders(db: Database, plan: Plan, *due: tuple[int, dt.datetime]) -> list[int]:
    """A reminder about one of the plan's agreements per (person, moment), each person
    reachable (their private chat is known); the new reminders' ids, in that order."""

    async def add(repos: Repositories) -> list[int]:
        for user_id in {user_id for user_id, _ in due}:
            await repos.chats.get_or_create(user_id)
        before = {r.id for r in await repos.reminders.of_case(plan.case_id)}
        planned = [
            Planned(ReminderKind.DUE, user_id, moment, plan.agreements[i % len(plan.agreements)])
            for i, (user_id, moment) in enumerate(due)
        ]
        await repos.reminders.add(plan.case_id, plan.meeting_id, planned, NOW)
        return [r.id for r in await repos.reminders.of_case(plan.case_id) if r.id not in before]

    return await in_transaction(db, add)


async def get(db: Database, reminder_id: int) -> Reminder:
    found = await in_transaction(db, lambda repos: repos.reminders.get(reminder_id))
    assert found is not None
    return found


async def outbox_by_reminder(db: Database) -> list[tuple[int | None, int]]:
    """Every outbox row as (the reminder it carries, its chat); payloads are encrypted,
    so they are read through the mapped column."""
    async with db.connection() as connection:
        rows = await connection.execute(select(OutboxRow.payload, OutboxRow.chat_id))
        return [(payload.get(REMINDER_KEY), chat_id) for payload, chat_id in rows]


def settings(**overrides: Any) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        chat_messages_per_second=1000,
        group_messages_per_minute=100_000,
        **overrides,
    )


def loop_with(harness: Harness, **overrides: Any) -> ReminderLoop:
    """A loop over the harness's database and clock, with a school's own settings."""
    services: Services = harness.app.bot_data[SERVICES]
    return ReminderLoop(
        harness.db,
        settings(**overrides),
        lambda: harness.now[0],
        services.sender.wake,
        lambda: "RondetafelTestBot",
    )


async def run_once(harness: Harness, loop: ReminderLoop) -> int:
    handled = await loop.run_once()
    await harness.app.bot_data[SERVICES].sender.drain()
    return handled


def sent_to(harness: Harness, user_id: int) -> list[str]:
    return [c.text for c in harness.messages() if int(c.params["chat_id"]) == user_id]


# ---------------------------------------------------------------- two bots, one database


@dataclasses.dataclass(frozen=True)
class Bot:
    services: Services
    request: RecordingRequest


@pytest.fixture
async def bot_on_postgres(_empty_postgres: str) -> AsyncIterator[Bot]:
    """The whole bot on PostgreSQL, its own reminder loop stopped (the test runs it).

    PostgreSQL only: several bots share one database only there (`FOR UPDATE SKIP
    LOCKED`); SQLite has one writer at a time, and one bot per file.
    """
    db = Database(_empty_postgres, keyring=TEST_KEYRING)
    request = RecordingRequest()
    app = build_application(
        settings(database_url=_empty_postgres),
        db,
        token="7000:TEST",
        request=request,
        clock=lambda: NOW,
        rate_limiter=False,
    )
    await app.initialize()
    await start_services(app)
    services: Services = app.bot_data[SERVICES]
    assert services.reminders is not None
    await services.reminders.stop()
    try:
        yield Bot(services, request)
    finally:
        await stop_services(app)
        await app.shutdown()
        await db.dispose()


@pytest.mark.postgres
async def test_two_bots_on_one_database_send_every_reminder_once(
    bot_on_postgres: Bot, _empty_postgres: str
) -> None:
    services = bot_on_postgres.services
    assert services.reminders is not None
    people = range(20_001, 20_201)
    plan = await finished_meeting(services.db)
    reminders = await add_reminders(
        services.db, plan, *((person, NOW - dt.timedelta(seconds=person % 97)) for person in people)
    )
    person_of = dict(zip(reminders, people, strict=True))
    # A second bot: its own connections to the same database, built as bot/app.py builds one.
    other_db = Database(_empty_postgres, keyring=TEST_KEYRING)
    other = ReminderLoop(
        other_db, services.settings, lambda: NOW, services.sender.wake, lambda: "RondetafelTestBot"
    )
    handled: list[tuple[int, int]] = []
    try:
        for _ in range(len(reminders)):  # each round takes one reminder at least
            first, second = await asyncio.gather(services.reminders.run_once(), other.run_once())
            if first == second == 0:
                break
            handled.append((first, second))
    finally:
        await other_db.dispose()
    await services.sender.drain()

    owed = await outbox_by_reminder(services.db)
    assert Counter(reminder for reminder, _ in owed) == Counter(reminders)
    assert all(chat_id == person_of[reminder] for reminder, chat_id in owed if reminder)
    async with services.db.connection() as connection:
        statuses = await connection.scalars(select(ReminderRow.status))
        assert Counter(statuses) == {SENT: len(reminders)}
    delivered = Counter(int(c.params["chat_id"]) for c in bot_on_postgres.request.messages())
    assert delivered == Counter(people)
    # Both bots took their share, in rounds of at most a batch each.
    assert sum(first + second for first, second in handled) == len(reminders)
    assert all(first > 0 and second > 0 for first, second in handled[:-1])
    assert max(max(pair) for pair in handled) <= services.reminders.batch


# ---------------------------------------------------------------- school hours


async def test_at_night_a_due_reminder_waits_for_the_end_of_the_quiet_hours(
    harness: Harness,
) -> None:
    plan = await finished_meeting(harness.db)
    # Due on Monday morning; the bot was down until the night.
    (reminder,) = await add_reminders(harness.db, plan, (MO.id, at(2026, 11, 23, 8, 30)))
    harness.now[0] = TUESDAY_NIGHT

    assert await harness.remind() == 1

    assert sent_to(harness, MO.id) == []
    postponed = await get(harness.db, reminder)
    assert (postponed.status, postponed.due_at) == (PENDING, at(2026, 11, 24, 8))
    harness.now[0] = at(2026, 11, 24, 7, 59)
    assert await harness.remind() == 0
    harness.now[0] = at(2026, 11, 24, 8)
    assert await harness.remind() == 1
    assert len(sent_to(harness, MO.id)) == 1
    assert (await get(harness.db, reminder)).status == SENT


async def test_at_a_weekend_a_due_reminder_waits_for_monday_morning(harness: Harness) -> None:
    plan = await finished_meeting(harness.db)
    (reminder,) = await add_reminders(harness.db, plan, (MO.id, at(2026, 11, 27, 8, 30)))
    harness.now[0] = SATURDAY

    assert await harness.remind() == 1

    assert sent_to(harness, MO.id) == []
    postponed = await get(harness.db, reminder)
    assert (postponed.status, postponed.due_at) == (PENDING, at(2026, 11, 30, 8))


async def test_a_school_that_allows_weekends_gets_its_reminder_on_saturday(
    harness: Harness,
) -> None:
    plan = await finished_meeting(harness.db)
    (reminder,) = await add_reminders(harness.db, plan, (MO.id, at(2026, 11, 27, 8, 30)))
    harness.now[0] = SATURDAY

    assert await run_once(harness, loop_with(harness, reminders_at_weekends=True)) == 1

    assert len(sent_to(harness, MO.id)) == 1
    assert (await get(harness.db, reminder)).status == SENT


async def test_in_the_holiday_of_the_schools_region_a_reminder_waits_for_school_to_start(
    harness: Harness,
) -> None:
    plan = await finished_meeting(harness.db)
    (reminder,) = await add_reminders(harness.db, plan, (MO.id, at(2026, 10, 13, 8, 30)))
    harness.now[0] = NORTHERN_AUTUMN_HOLIDAY

    assert await run_once(harness, loop_with(harness, school_region=Region.NORTH)) == 1

    assert sent_to(harness, MO.id) == []
    postponed = await get(harness.db, reminder)
    assert (postponed.status, postponed.due_at) == (PENDING, at(2026, 10, 19, 8))


async def test_another_regions_holiday_does_not_hold_a_reminder_back(harness: Harness) -> None:
    plan = await finished_meeting(harness.db)
    (reminder,) = await add_reminders(harness.db, plan, (MO.id, at(2026, 10, 13, 8, 30)))
    harness.now[0] = NORTHERN_AUTUMN_HOLIDAY

    assert await run_once(harness, loop_with(harness, school_region=Region.MIDDLE)) == 1

    assert len(sent_to(harness, MO.id)) == 1
    assert (await get(harness.db, reminder)).status == SENT


# ---------------------------------------------------------------- pace


async def test_one_round_takes_no_more_than_reminders_per_minute_allows(harness: Harness) -> None:
    plan = await finished_meeting(harness.db)
    reminders = await add_reminders(
        harness.db, plan, *((MO.id, NOW - dt.timedelta(minutes=i)) for i in range(5))
    )
    loop = loop_with(harness, reminders_per_minute=120)  # 2 a second: the loop's tick

    rounds = [await run_once(harness, loop) for _ in range(4)]

    assert rounds == [2, 2, 1, 0]
    assert sorted(r for r, _ in await outbox_by_reminder(harness.db) if r) == sorted(reminders)


async def test_a_round_sends_the_longest_waiting_reminders_first(harness: Harness) -> None:
    plan = await finished_meeting(harness.db)
    newest, oldest, middle = await add_reminders(
        harness.db,
        plan,
        (MO.id, NOW - dt.timedelta(minutes=1)),
        (MO.id, NOW - dt.timedelta(minutes=30)),
        (MO.id, NOW - dt.timedelta(minutes=10)),
    )

    assert await run_once(harness, loop_with(harness, reminders_per_minute=120)) == 2

    statuses = {r: (await get(harness.db, r)).status for r in (newest, oldest, middle)}
    assert statuses == {oldest: SENT, middle: SENT, newest: PENDING}
