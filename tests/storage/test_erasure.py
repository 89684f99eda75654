"""Erasing a case leaves nothing of it in any table, and touches nothing else."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import insert, select

from rondetafel.flows.family import HomeKind, Relation
from rondetafel.flows.follow_up import AgreementStatus
from rondetafel.flows.reminder_plan import Planned, ReminderKind
from rondetafel.flows.state import Contribution, MeetingState
from rondetafel.storage.db import Database
from rondetafel.storage.erasure import CASE_KEY, FORGET, months_before
from rondetafel.storage.models import Base, ConsentRow, Erasure
from rondetafel.storage.outbox import SEND, Outgoing
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction

from .states import CHAIR, GROUP, NOW, OTHER_GROUP, finished

GONE, KEPT = "GONE-S.V.", "KEPT-K.L."
# A third group, whose rows no case of the other two may take along.
BYSTANDER = -1005555555555555
PRIVATE_CHAIR = CHAIR.user_id
Row = tuple[str, tuple[Any, ...]]


def with_marker(meeting_id: int, marker: str) -> MeetingState:
    """A finished meeting about `marker`, with one answer that says so."""
    state = finished(meeting_id)
    answer = Contribution(state.next_seq(), "goes_well", state.chair, f"{marker} reads a lot")
    return state.evolve(pupil=marker, contributions=(*state.contributions, answer))


async def fill_case(repos: Repositories, chat_id: int, marker: str) -> tuple[int, int]:
    """A case with a meeting and a row in every table that holds case data: (case, meeting)."""
    meeting = await repos.meetings.create(chat_id, lambda mid: with_marker(mid, marker), NOW)
    case = await repos.cases.for_chat(chat_id)
    assert case is not None
    await repos.bot_messages.remember(meeting.id, "meeting", chat_id, 4711)
    await repos.outbox.add(
        [
            Outgoing(chat_id, SEND, {"html": f"{marker} question"}, meeting_id=meeting.id),
            Outgoing(chat_id, SEND, {"html": f"{marker}: only the chair can do that"}),
            Outgoing(PRIVATE_CHAIR, "document", {"text": f"{marker} export", CASE_KEY: case.id}),
        ],
        NOW,
    )
    await repos.audit.add(case.id, CHAIR.user_id, "export", NOW)
    agreements = await repos.agreements.of_meeting(meeting.id)
    assert agreements, "the finished meeting's agreements are recorded"
    await repos.agreements.set_status(
        agreements[0].id, AgreementStatus.IN_PROGRESS, NOW, note=f"{marker} note"
    )
    await repos.reminders.add(
        case.id,
        meeting.id,
        [
            Planned(ReminderKind.DUE, CHAIR.user_id, NOW, agreements[0].id),
            Planned(ReminderKind.EVALUATION, CHAIR.user_id, NOW, None),
        ],
        NOW,
    )
    evaluation = await repos.evaluations.add(
        case.id,
        meeting.id,
        user_id=CHAIR.user_id,
        evaluator_name=f"{marker} mentor",
        due=NOW.date(),
        now=NOW,
    )
    await repos.evaluations.save(evaluation, {"goal": f"{marker} reads"}, "asking")
    # A parent invited, linked, and what they brought in from home.
    await repos.family.invite(
        case.id, Relation.PARENT, f"{marker}-token", by=CHAIR.user_id, now=NOW, expires_at=NOW
    )
    await repos.family.join(
        case.id, 4242, Relation.PARENT, name=f"{marker} mum", language="tr", prompt="menu", now=NOW
    )
    member = await repos.family.member_in_case(case.id, 4242)
    assert member is not None
    await repos.family.add(
        member, HomeKind.GOES_WELL, f"{marker} sleeps well", now=NOW, notify_user_id=None
    )
    return case.id, meeting.id


async def add_consent(db: Database, case_id: int, marker: str) -> None:
    # No repository writes consents yet: the row as the table takes it.
    async with db.connection() as connection, connection.begin():
        await connection.execute(
            insert(ConsentRow).values(
                case_id=case_id,
                professional_user_id=99,
                professional_name=f"{marker} youth worker",
                given_by="parents",
                purpose=f"{marker} MDO",
                recorded_by=CHAIR.user_id,
                given_at=NOW,
            )
        )


async def fill_every_table(db: Database) -> tuple[int, int]:
    """Two cases in two groups, a bystander group, a private chat, an earlier erasure."""

    async def fill(repos: Repositories) -> tuple[tuple[int, int], int]:
        for chat_id in (GROUP, OTHER_GROUP, BYSTANDER, PRIVATE_CHAIR):
            await repos.chats.get_or_create(chat_id)
        gone = await fill_case(repos, GROUP, GONE)
        kept, _ = await fill_case(repos, OTHER_GROUP, KEPT)
        await repos.outbox.add([Outgoing(BYSTANDER, SEND, {"html": "welcome"})], NOW)
        # Which updates were handled says nothing of any case: it stays.
        await repos.handled_updates.record(424242, NOW)
        # Updates waiting to be handled: the erased group's go with its case.
        await repos.parked_updates.park(
            [
                (5001, GROUP, {"update_id": 5001, "message": {"text": f"{GONE} waits"}}),
                (5002, OTHER_GROUP, {"update_id": 5002, "message": {"text": f"{KEPT} waits"}}),
            ],
            NOW,
        )
        return gone, kept

    gone, kept = await in_transaction(db, fill)
    await add_consent(db, gone[0], GONE)
    await add_consent(db, kept, KEPT)
    async with db.connection() as connection, connection.begin():
        await connection.execute(insert(Erasure).values(reason="retention", records=12, at=NOW))
    return gone


async def every_row(db: Database) -> dict[str, dict[str, tuple[Any, ...]]]:
    """Every row of every table, raw, keyed by its JSON text (rows hold dicts)."""
    async with db.connection() as connection:
        return {
            table.name: {
                json.dumps(list(row), default=str, sort_keys=True): tuple(row)
                for row in await connection.execute(select(table))
            }
            for table in Base.metadata.sorted_tables
        }


def belongs_to(
    table: str, columns: list[str], row: tuple[Any, ...], case: int, meeting: int
) -> bool:
    values = dict(zip(columns, row, strict=True))
    return (
        GONE in repr(row)
        or values.get("case_id") == case
        or values.get("meeting_id") == meeting
        or (table == "cases" and values["id"] == case)
        or (table == "meetings" and values["id"] == meeting)
    )


async def test_forgetting_a_case_leaves_nothing_of_it_and_everything_else(db: Database) -> None:
    case_id, meeting_id = await fill_every_table(db)
    before = await every_row(db)
    assert [name for name, rows in before.items() if not rows] == []  # every table filled
    columns = {t.name: [c.name for c in t.columns] for t in Base.metadata.sorted_tables}
    doomed = {
        name: {
            k for k, r in rows.items() if belongs_to(name, columns[name], r, case_id, meeting_id)
        }
        for name, rows in before.items()
    }

    removed = await in_transaction(db, lambda repos: repos.erasure.erase(case_id, FORGET, NOW))

    after = await every_row(db)
    new = set(after["erasures"]) - set(before["erasures"])
    assert removed == sum(len(keys) for keys in doomed.values())
    for name, rows in after.items():
        expected = set(before[name]) - doomed[name] | (new if name == "erasures" else set())
        assert set(rows) == expected, name
        assert GONE not in "".join(rows), name
    # What is left of the case: when, why, how many. Nothing that says whose.
    assert columns["erasures"] == ["id", "reason", "records", "at"]
    assert [after["erasures"][k][1:] for k in new] == [(FORGET, removed, NOW)]


async def test_a_case_is_erased_once(db: Database) -> None:
    case_id, _ = await fill_every_table(db)
    await in_transaction(db, lambda repos: repos.erasure.erase(case_id, FORGET, NOW))

    again = await in_transaction(db, lambda repos: repos.erasure.erase(case_id, FORGET, NOW))

    assert again is None
    assert len((await every_row(db))["erasures"]) == 2  # the earlier one and this one


# ---------------------------------------------------------------- retention

MONTHS = 24
CUTOFF = months_before(NOW, MONTHS)
DAY = dt.timedelta(days=1)


async def case_in(
    db: Database,
    chat_id: int,
    when: dt.datetime,
    *,
    closed: dt.datetime | None = None,
    meeting: str | None = "finished",
) -> int:
    from .states import running

    async def make(repos: Repositories) -> int:
        if meeting is None:
            return (await repos.cases.open(chat_id, "X.Y.", when)).id
        state = finished if meeting == "finished" else running
        await repos.meetings.create(chat_id, state, when)
        case = await repos.cases.for_chat(chat_id)
        assert case is not None
        if closed is not None:
            await repos.cases.close(case.id, closed)
        return case.id

    return await in_transaction(db, make)


async def test_retention_takes_cases_closed_or_idle_longer_than_the_period(db: Database) -> None:
    long_closed = await case_in(db, -1001, CUTOFF - DAY, closed=CUTOFF - DAY)
    await case_in(db, -1002, CUTOFF - DAY, closed=CUTOFF + DAY)
    idle = await case_in(db, -1003, CUTOFF - DAY)
    await case_in(db, -1004, CUTOFF - DAY, meeting="running")
    await case_in(db, -1005, NOW - DAY)
    never_met = await case_in(db, -1006, CUTOFF - DAY, meeting=None)
    await case_in(db, -1007, CUTOFF + DAY, meeting=None)

    due = await in_transaction(db, lambda repos: repos.erasure.due_for_retention(NOW, MONTHS))

    assert due == [long_closed, idle, never_met]


def test_a_month_back_from_the_31st_is_the_last_day_of_the_shorter_month() -> None:
    march_31 = dt.datetime(2024, 3, 31, 12, tzinfo=dt.UTC)
    assert months_before(march_31, 1) == dt.datetime(2024, 2, 29, 12, tzinfo=dt.UTC)
    assert months_before(march_31, 24) == dt.datetime(2022, 3, 31, 12, tzinfo=dt.UTC)
    assert months_before(march_31, 3) == dt.datetime(2023, 12, 31, 12, tzinfo=dt.UTC)


async def test_retention_takes_meetings_stopped_before_a_pupil_was_named(db: Database) -> None:
    """No case takes them along, yet they hold names and user ids."""
    from rondetafel.flows.prompts import Prompt
    from rondetafel.flows.state import Status
    from rondetafel.storage.models import Meeting

    from .states import opened

    def stopped(meeting_id: int) -> MeetingState:
        return opened(meeting_id).evolve(status=Status.STOPPED, prompt=Prompt.CLOSED)

    async def make(repos: Repositories) -> list[int]:
        made = [
            await repos.meetings.create(-2001, stopped, CUTOFF - DAY),  # old: erased
            await repos.meetings.create(-2002, stopped, CUTOFF + DAY),  # recent: kept
            await repos.meetings.create(-2003, opened, CUTOFF - DAY),  # still asking: kept
        ]
        await repos.outbox.add(
            [Outgoing(-2001, SEND, {"html": "Wie is de leerling?"}, meeting_id=made[0].id)], NOW
        )
        return [m.id for m in made]

    old, recent, asking = await in_transaction(db, make)
    removed = await in_transaction(db, lambda repos: repos.erasure.erase_caseless(NOW, MONTHS))

    assert removed == 2  # the meeting and its outbox row
    async with db.connection() as connection:
        left = set(await connection.scalars(select(Meeting.id)))
        erasures = list(await connection.scalars(select(Erasure.records)))
    assert left == {recent, asking} and old not in left
    assert erasures == [2]
    again = await in_transaction(db, lambda repos: repos.erasure.erase_caseless(NOW, MONTHS))
    assert again == 0
