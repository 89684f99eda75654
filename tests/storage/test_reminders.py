"""Reminders: claimed once when due, whatever crashes or runs beside the claim.

The reminder loop claims due rows and, in the same transaction, stores what
to send and each reminder's next status (`bot/reminder_loop.py`). These tests
play that transaction with the repositories themselves: a claim followed by
an outbox row and the status `sent`, committed or not.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import event, insert, select
from sqlalchemy.engine import Connection

from rondetafel.flows.reminder_plan import Planned, ReminderKind
from rondetafel.storage.db import Database
from rondetafel.storage.models import OutboxRow, ReminderRow
from rondetafel.storage.outbox import REMINDER_KEY, Outgoing
from rondetafel.storage.reminders import (
    ANSWERED,
    CANCELLED,
    CLAIMED,
    NOTING,
    PENDING,
    SENT,
    UNDELIVERABLE,
    Reminder,
)
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction
from tests.conftest import TEST_KEYRING

from .states import GROUP, MENTOR, NOW, PARENT, finished

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
LATER = NOW + DAY
# Long enough for a claim on a quiet local server, far shorter than a lock wait
# that never ends: a claim that waits for another transaction's rows fails here.
NO_WAITING = 2.0


class Crash(Exception):
    """The process dies between the claim and the commit."""


@dataclass(frozen=True)
class Plan:
    """A finished meeting's case, meeting and two agreements, for reminders to be about."""

    case_id: int
    meeting_id: int
    reading: int  # the mentor's dated agreement
    talk: int  # the parent's ongoing one


async def finished_meeting(db: Database) -> Plan:
    async def work(repos: Repositories) -> Plan:
        loaded = await repos.meetings.create(GROUP, finished, NOW)
        assert loaded.case_id is not None
        reading, talk = (a.id for a in await repos.agreements.of_meeting(loaded.id))
        return Plan(loaded.case_id, loaded.id, reading, talk)

    return await in_transaction(db, work)


def due(
    at: dt.datetime,
    *,
    agreement: int | None,
    user: int = MENTOR.user_id,
    kind: ReminderKind = ReminderKind.DUE,
) -> Planned:
    return Planned(kind, user, at, agreement)


async def add(db: Database, plan: Plan, *planned: Planned) -> list[int]:
    """Store the reminders; their ids, in the order given."""

    async def work(repos: Repositories) -> list[int]:
        before = {r.id for r in await repos.reminders.of_case(plan.case_id)}
        await repos.reminders.add(plan.case_id, plan.meeting_id, planned, NOW)
        return [r.id for r in await repos.reminders.of_case(plan.case_id) if r.id not in before]

    return await in_transaction(db, work)


async def set_status(db: Database, status: str, *ids: int, sent_at: dt.datetime = NOW) -> None:
    async def work(repos: Repositories) -> None:
        for reminder_id in ids:
            await repos.reminders.set_status(reminder_id, status, sent_at=sent_at)

    await in_transaction(db, work)


async def send(repos: Repositories, now: dt.datetime, limit: int) -> list[int]:
    """What the loop does with a batch: claim it, owe each person a message, mark it sent."""
    claimed = await repos.reminders.claim_due(now, limit)
    await repos.outbox.add(
        [Outgoing(r.user_id, "send", {"text": "…", REMINDER_KEY: r.id}) for r in claimed], now
    )
    for reminder in claimed:
        await repos.reminders.set_status(reminder.id, SENT, sent_at=now)
    return [r.id for r in claimed]


async def sent(db: Database, now: dt.datetime = NOW, limit: int = 100) -> list[int]:
    """One committed round of the loop: the ids it sent, in the order claimed."""
    return await in_transaction(db, lambda repos: send(repos, now, limit))


async def get(db: Database, reminder_id: int) -> Reminder:
    found = await in_transaction(db, lambda repos: repos.reminders.get(reminder_id))
    assert found is not None
    return found


async def statuses(db: Database) -> dict[int, str]:
    async with db.connection() as connection:
        rows = await connection.execute(select(ReminderRow.id, ReminderRow.status))
        return {reminder_id: status for reminder_id, status in rows}


async def owed(db: Database) -> list[tuple[int, int]]:
    """The outbox's reminder rows: (reminder, chat), oldest first."""
    async with db.connection() as connection:
        rows = await connection.execute(
            select(OutboxRow.payload, OutboxRow.chat_id).order_by(OutboxRow.id)
        )
        return [(payload[REMINDER_KEY], chat_id) for payload, chat_id in rows]


# ---------------------------------------------------------------- claiming


async def test_a_claim_takes_the_oldest_due_reminders_first_and_no_more_than_the_limit(
    db: Database,
) -> None:
    plan = await finished_meeting(db)
    newest, oldest, tie_first, tie_second = await add(
        db,
        plan,
        due(NOW - HOUR, agreement=plan.reading),
        due(NOW - 3 * HOUR, agreement=plan.reading, user=PARENT.user_id),
        due(NOW - 2 * HOUR, agreement=plan.talk),
        due(NOW - 2 * HOUR, agreement=None, kind=ReminderKind.EVALUATION),
    )

    claimed = await in_transaction(db, lambda repos: repos.reminders.claim_due(NOW, 3))

    assert [r.id for r in claimed] == [oldest, tie_first, tie_second]
    assert claimed[0] == Reminder(
        id=oldest,
        case_id=plan.case_id,
        meeting_id=plan.meeting_id,
        agreement_id=plan.reading,
        kind=ReminderKind.DUE,
        user_id=PARENT.user_id,
        due_at=NOW - 3 * HOUR,
        status=CLAIMED,
    )
    assert newest not in [r.id for r in claimed]


async def test_a_claim_takes_only_pending_reminders_due_at_or_before_now(db: Database) -> None:
    plan = await finished_meeting(db)
    exactly_now, a_second_late, was_sent, was_cancelled, undeliverable, noting = await add(
        db,
        plan,
        due(NOW, agreement=plan.reading),
        due(NOW + dt.timedelta(seconds=1), agreement=plan.reading),
        *(due(NOW - DAY, agreement=plan.reading) for _ in range(4)),
    )
    await set_status(db, SENT, was_sent)
    await set_status(db, CANCELLED, was_cancelled)
    await set_status(db, UNDELIVERABLE, undeliverable)
    await set_status(db, NOTING, noting)

    assert await sent(db) == [exactly_now]
    assert await sent(db, NOW + dt.timedelta(seconds=1)) == [a_second_late]


async def test_a_claimed_reminder_given_its_status_is_not_claimed_again(db: Database) -> None:
    plan = await finished_meeting(db)
    first, second = await add(
        db, plan, due(NOW - HOUR, agreement=plan.reading), due(NOW, agreement=plan.talk)
    )

    assert await sent(db, limit=1) == [first]
    assert await sent(db) == [second]
    assert await sent(db, LATER) == []
    assert await statuses(db) == {first: SENT, second: SENT}


async def test_a_restart_between_claim_and_commit_sends_once_not_zero_times(
    db: Database,
) -> None:
    plan = await finished_meeting(db)
    (reminder,) = await add(db, plan, due(NOW, agreement=plan.reading))

    async def crash(repos: Repositories) -> None:
        assert await send(repos, NOW, 10) == [reminder]
        raise Crash

    with pytest.raises(Crash):
        await in_transaction(db, crash)

    # Nothing of the failed round is left: no message owed, the reminder pending.
    assert await owed(db) == []
    assert await statuses(db) == {reminder: PENDING}
    assert await sent(db) == [reminder]
    assert await owed(db) == [(reminder, MENTOR.user_id)]


async def test_a_claim_rolled_back_leaves_its_reminders_to_the_next_claim(db: Database) -> None:
    plan = await finished_meeting(db)
    reminders = await add(db, plan, *(due(NOW, agreement=plan.reading) for _ in range(3)))

    async with db.connection() as connection:
        assert await send(Repositories(connection), NOW, 10) == reminders
        await connection.rollback()

    assert await sent(db) == reminders


async def test_a_committed_claim_with_its_outbox_row_sends_once_not_two_times(
    db: Database,
) -> None:
    plan = await finished_meeting(db)
    first, second = await add(
        db,
        plan,
        due(NOW - HOUR, agreement=plan.reading),
        due(NOW, agreement=plan.talk, user=PARENT.user_id),
    )

    assert await sent(db) == [first, second]
    assert await sent(db) == []
    assert await sent(db, LATER) == []
    assert await owed(db) == [(first, MENTOR.user_id), (second, PARENT.user_id)]


# ---------------------------------------------------------------- PostgreSQL: several bots


@pytest.fixture
async def pg(_empty_postgres: str) -> AsyncIterator[Database]:
    """PostgreSQL alone: row locks between two transactions are what is tested.

    SQLite has one writer at a time, so there a second claim cannot start while
    a first is under way: the claims in turn above are what it guarantees.
    """
    database = Database(_empty_postgres, keyring=TEST_KEYRING)
    await database.upgrade()
    try:
        yield database
    finally:
        await database.dispose()


@pytest.mark.postgres
async def test_a_second_claim_skips_the_rows_a_first_one_holds_and_never_waits(
    pg: Database,
) -> None:
    plan = await finished_meeting(pg)
    reminders = await add(
        pg, plan, *(due(NOW - i * HOUR, agreement=plan.reading) for i in range(4))
    )
    oldest_first = reminders[::-1]

    async with pg.connection() as first:
        held = await Repositories(first).reminders.claim_due(NOW, 2)  # not committed
        async with asyncio.timeout(NO_WAITING):
            others = await sent(pg)
        async with asyncio.timeout(NO_WAITING):
            nothing_left = await sent(pg)
        await first.rollback()  # the first bot dies: what it held is free again

    assert [r.id for r in held] == oldest_first[:2]
    assert others == oldest_first[2:]
    assert nothing_left == []
    assert await sent(pg) == oldest_first[:2]


@pytest.mark.postgres
async def test_the_claim_finds_due_reminders_through_the_pending_index_among_many(
    pg: Database,
) -> None:
    plan = await finished_meeting(pg)

    def row(i: int, status: str, due_at: dt.datetime) -> dict[str, Any]:
        return {
            "case_id": plan.case_id,
            "meeting_id": plan.meeting_id,
            "agreement_id": plan.reading,
            "kind": ReminderKind.DUE.value,
            "user_id": MENTOR.user_id + i,
            "due_at": due_at,
            "status": status,
            "created_at": NOW,
        }

    # 20,000 sent in the past weeks, 20,000 pending over the coming weeks (a few due).
    rows = [row(i, SENT, NOW - i * dt.timedelta(minutes=1)) for i in range(20_000)]
    rows += [row(i, PENDING, NOW + (i - 50) * dt.timedelta(minutes=3)) for i in range(20_000)]
    async with pg.connection() as connection, connection.begin():
        await connection.execute(insert(ReminderRow), rows)
    async with pg.engine.connect() as connection:
        await connection.exec_driver_sql("ANALYZE reminders")

    claims: list[tuple[str, Any]] = []

    def record(conn: Connection, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if "SKIP LOCKED" in statement:
            claims.append((statement, parameters))

    event.listen(pg.engine.sync_engine, "before_cursor_execute", record)
    try:
        async with pg.connection() as connection:
            assert len(await Repositories(connection).reminders.claim_due(NOW, 10)) == 10
            await connection.rollback()
    finally:
        event.remove(pg.engine.sync_engine, "before_cursor_execute", record)
    ((statement, parameters),) = claims

    async with pg.engine.connect() as connection:
        explained = await connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
        plan_text = "\n".join(explained.scalars())

    assert "Index Scan using ix_reminders_pending_due_at" in plan_text, plan_text
    assert "Seq Scan" not in plan_text, plan_text


# ---------------------------------------------------------------- what the desks change


async def test_a_person_who_opens_the_chat_gets_what_could_not_reach_them_due_now(
    db: Database,
) -> None:
    plan = await finished_meeting(db)
    missed, missed_too, was_sent, future, others = await add(
        db,
        plan,
        due(NOW - 2 * DAY, agreement=plan.reading),
        due(NOW - DAY, agreement=None, kind=ReminderKind.EVALUATION),
        due(NOW - DAY, agreement=plan.reading),
        due(LATER + DAY, agreement=plan.reading),
        due(NOW - DAY, agreement=plan.talk, user=PARENT.user_id),
    )
    await set_status(db, UNDELIVERABLE, missed, missed_too, others)
    await set_status(db, SENT, was_sent)

    count = await in_transaction(
        db, lambda repos: repos.reminders.undeliverable_for(MENTOR.user_id, LATER)
    )

    assert count == 2
    assert (await get(db, missed)).due_at == LATER
    assert await statuses(db) == {
        missed: PENDING, missed_too: PENDING, was_sent: SENT, future: PENDING,
        others: UNDELIVERABLE,
    }  # fmt: skip
    assert await sent(db, LATER) == [missed, missed_too]


async def test_noting_for_is_the_persons_reminder_waiting_for_a_note(db: Database) -> None:
    plan = await finished_meeting(db)
    answered, noting, sent_only, parents = await add(
        db,
        plan,
        due(NOW, agreement=plan.reading),
        due(NOW, agreement=plan.reading),
        due(NOW, agreement=plan.reading),
        due(NOW, agreement=plan.talk, user=PARENT.user_id),
    )
    await set_status(db, SENT, answered, noting, sent_only, parents)

    async def noting_for(user_id: int) -> int | None:
        found = await in_transaction(db, lambda repos: repos.reminders.noting_for(user_id))
        return None if found is None else found.id

    assert await noting_for(MENTOR.user_id) is None
    await set_status(db, NOTING, answered, parents)
    await set_status(db, ANSWERED, answered)
    await set_status(db, NOTING, noting)

    assert await noting_for(MENTOR.user_id) == noting
    assert await noting_for(PARENT.user_id) == parents
    assert await noting_for(MENTOR.user_id + 99) is None


async def test_noting_for_is_the_reminder_whose_note_was_asked_for_last(db: Database) -> None:
    """Tuesday's reminder is answered "in progress" and its note never typed; on
    Wednesday Monday's is answered "done": the next words are about Monday's."""
    plan = await finished_meeting(db)
    mondays, tuesdays = await add(
        db, plan, due(NOW, agreement=plan.reading), due(NOW + DAY, agreement=plan.talk)
    )
    await set_status(db, SENT, mondays, sent_at=NOW)
    await set_status(db, SENT, tuesdays, sent_at=NOW + DAY)

    await set_status(db, NOTING, tuesdays)
    await set_status(db, NOTING, mondays)
    found = await in_transaction(db, lambda repos: repos.reminders.noting_for(MENTOR.user_id))

    assert found is not None and found.id == mondays


async def test_cancelling_an_agreements_reminders_cancels_only_its_pending_ones(
    db: Database,
) -> None:
    plan = await finished_meeting(db)
    before, on_the_day, was_sent, noting, other, evaluation = await add(
        db,
        plan,
        due(NOW, agreement=plan.reading, kind=ReminderKind.BEFORE),
        due(LATER, agreement=plan.reading),
        due(NOW, agreement=plan.reading),
        due(NOW, agreement=plan.reading),
        due(NOW, agreement=plan.talk, user=PARENT.user_id),
        due(LATER, agreement=None, kind=ReminderKind.EVALUATION),
    )
    await set_status(db, SENT, was_sent)
    await set_status(db, NOTING, noting)

    count = await in_transaction(
        db, lambda repos: repos.reminders.cancel_for_agreement(plan.reading)
    )

    assert count == 2
    assert await statuses(db) == {
        before: CANCELLED, on_the_day: CANCELLED, was_sent: SENT, noting: NOTING,
        other: PENDING, evaluation: PENDING,
    }  # fmt: skip
    assert await sent(db, LATER) == [other, evaluation]


async def test_cancelling_the_evaluation_leaves_the_agreements_reminders(db: Database) -> None:
    plan = await finished_meeting(db)
    agreement, evaluation = await add(
        db,
        plan,
        due(LATER, agreement=plan.reading),
        due(LATER, agreement=None, kind=ReminderKind.EVALUATION),
    )

    count = await in_transaction(
        db, lambda repos: repos.reminders.cancel_evaluation(plan.meeting_id)
    )

    assert count == 1
    assert await statuses(db) == {agreement: PENDING, evaluation: CANCELLED}


async def test_a_postponed_reminder_is_pending_again_and_due_only_at_its_new_time(
    db: Database,
) -> None:
    plan = await finished_meeting(db)
    quiet, snoozed = await add(
        db, plan, due(NOW, agreement=plan.reading), due(NOW - HOUR, agreement=plan.talk)
    )
    await set_status(db, SENT, snoozed)

    async def postpone(repos: Repositories) -> list[Reminder]:
        claimed = await repos.reminders.claim_due(NOW, 10)
        for reminder in claimed:  # the loop's answer to quiet hours
            await repos.reminders.postpone(reminder.id, LATER)
        await repos.reminders.postpone(snoozed, LATER + HOUR)  # a snooze of a sent one
        return claimed

    assert [r.id for r in await in_transaction(db, postpone)] == [quiet]

    assert await statuses(db) == {quiet: PENDING, snoozed: PENDING}
    assert (await get(db, quiet)).due_at == LATER
    assert await sent(db, LATER - dt.timedelta(seconds=1)) == []
    assert await sent(db, LATER) == [quiet]
    assert await sent(db, LATER + HOUR) == [snoozed]
