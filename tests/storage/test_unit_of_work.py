"""One transaction per update, run again when another update got there first."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError

from rondetafel.flows.events import Person, Replied
from rondetafel.flows.transition import transition
from rondetafel.storage.db import Database
from rondetafel.storage.errors import ConcurrentUpdate
from rondetafel.storage.meetings import LoadedMeeting
from rondetafel.storage.models import Meeting
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction, is_transient
from tests.conftest import TEST_KEYRING

from .states import GROUP, MENTOR, NOW, PARENT, opened, running


async def test_the_work_is_committed_when_it_succeeds(db: Database) -> None:
    await in_transaction(db, lambda repos: repos.chats.get_or_create(GROUP, language="en"))

    assert (await in_transaction(db, lambda repos: repos.chats.get(GROUP))) is not None


async def test_work_that_fails_is_rolled_back_and_not_run_again(db: Database) -> None:
    runs = 0

    async def work(repos: Repositories) -> None:
        nonlocal runs
        runs += 1
        await repos.chats.get_or_create(GROUP)
        raise RuntimeError("the handler broke")

    with pytest.raises(RuntimeError):
        await in_transaction(db, work)

    assert runs == 1
    assert await in_transaction(db, lambda repos: repos.chats.get(GROUP)) is None


async def test_work_that_collides_runs_again_from_the_start_in_a_fresh_transaction(
    db: Database,
) -> None:
    runs = 0

    async def work(repos: Repositories) -> int:
        nonlocal runs
        runs += 1
        # A chat keeps the language it was created with: only a rolled-back
        # attempt leaves room for the next one to create it anew.
        await repos.chats.get_or_create(GROUP, language=f"try{runs}")
        if runs < 3:
            raise ConcurrentUpdate("another update saved first")
        return runs

    assert await in_transaction(db, work) == 3

    chat = await in_transaction(db, lambda repos: repos.chats.get(GROUP))
    assert chat is not None and chat.language == "try3"


async def test_work_that_keeps_colliding_gives_up_after_the_attempts_allowed(
    db: Database,
) -> None:
    runs = 0

    async def work(repos: Repositories) -> None:
        nonlocal runs
        runs += 1
        raise ConcurrentUpdate("always too late")

    with pytest.raises(ConcurrentUpdate):
        await in_transaction(db, work, attempts=3)

    assert runs == 3


async def test_two_answers_arriving_together_for_one_meeting_are_both_kept(
    db: Database, other_worker: Database
) -> None:
    created = await in_transaction(db, lambda repos: repos.meetings.create(GROUP, running, NOW))
    meeting_id = created.id
    both_loaded = asyncio.Barrier(2)
    runs: Counter[str] = Counter()

    async def answer(db: Database, person: Person, text: str, message_id: int) -> None:
        async def work(repos: Repositories) -> None:
            runs[text] += 1
            loaded = await repos.meetings.get(meeting_id)
            assert loaded is not None
            if runs[text] == 1:
                await both_loaded.wait()  # neither saves before both have loaded
            outcome = transition(loaded.state, Replied(person, text, message_id), NOW)
            await repos.meetings.save(loaded, outcome.state, NOW)

        await in_transaction(db, work)

    await asyncio.gather(
        answer(db, PARENT, "Hij leest graag", 100),  # the parent's turn: an answer
        # The mentor's is out of turn (a side note), handled by another worker.
        answer(other_worker, MENTOR, "In de klas ook", 101),
    )

    final = await in_transaction(db, lambda repos: repos.meetings.get(meeting_id))
    assert final is not None and final.version == 3
    assert {"Hij leest graag", "In de klas ook"} <= {c.text for c in final.state.contributions}
    assert sorted(runs.values()) == [1, 2]  # the later one ran again on the newer state


async def test_two_meetings_requested_together_in_one_chat_become_one_meeting(
    db: Database, other_worker: Database
) -> None:
    both_looked = asyncio.Barrier(2)

    async def request(db: Database) -> LoadedMeeting:
        runs = 0

        async def work(repos: Repositories) -> LoadedMeeting:
            nonlocal runs
            runs += 1
            active = await repos.meetings.active_in_chat(GROUP)
            if runs == 1:
                await both_looked.wait()  # neither creates before both found none
            return active or await repos.meetings.create(GROUP, opened, NOW)

        return await in_transaction(db, work)

    first, second = await asyncio.gather(request(db), request(other_worker))

    assert first.id == second.id
    async with db.connection() as connection:
        assert list(await connection.scalars(select(Meeting.id))) == [first.id]


async def test_on_sqlite_one_workers_units_of_work_take_turns(tmp_path: Path) -> None:
    """One connection, taken in turn: the second waits for the first to commit, and
    then reads what it wrote; nothing is retried and nothing waits inside SQLite."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'turns.db'}", keyring=TEST_KEYRING)
    await db.upgrade()
    first_holds, order = asyncio.Event(), []

    async def first(repos: Repositories) -> None:
        await repos.chats.get_or_create(GROUP, language="en")
        first_holds.set()
        await asyncio.sleep(0.05)  # the second asks for the connection meanwhile
        order.append("first committed")

    async def second(repos: Repositories) -> None:
        order.append("second began")
        chat = await repos.chats.get(GROUP)
        assert chat is not None and chat.language == "en"

    try:
        held = asyncio.create_task(in_transaction(db, first))
        await first_holds.wait()
        await in_transaction(db, second)
        await held
    finally:
        await db.dispose()

    assert order == ["first committed", "second began"]


class _DriverError(Exception):
    """Stands in for a driver's exception, with the attributes drivers set."""

    def __init__(self, **attributes: object) -> None:
        super().__init__("driver error")
        self.__dict__.update(attributes)


@pytest.mark.parametrize(
    ("attributes", "transient"),
    [
        ({"sqlstate": "40001"}, True),  # PostgreSQL serialization failure
        ({"sqlstate": "40P01"}, True),  # PostgreSQL deadlock
        ({"sqlstate": "23505"}, False),  # PostgreSQL unique violation: not by itself
        ({"sqlite_errorcode": 5}, True),  # SQLITE_BUSY: database is locked
        ({"sqlite_errorcode": 517}, True),  # SQLITE_BUSY_SNAPSHOT
        ({"sqlite_errorcode": 6}, True),  # SQLITE_LOCKED
        ({"sqlite_errorcode": 19}, False),  # SQLITE_CONSTRAINT
        ({}, False),
    ],
)
def test_only_lock_and_serialization_errors_of_the_database_count_as_transient(
    attributes: dict[str, object], transient: bool
) -> None:
    error = DBAPIError("UPDATE meetings ...", {}, _DriverError(**attributes))

    assert is_transient(error) is transient


def test_a_lost_race_counts_as_transient_and_a_plain_integrity_error_does_not() -> None:
    assert is_transient(ConcurrentUpdate("saved meanwhile"))
    assert not is_transient(IntegrityError("INSERT ...", {}, _DriverError()))
    assert not is_transient(ValueError("a bug"))
