"""Cases: one open case per group, found again by the group."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from rondetafel.storage.cases import CaseRecord
from rondetafel.storage.db import Database
from rondetafel.storage.models import AgreementRow, BotMessage, Case
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction

from .states import GROUP, NOW, OTHER_GROUP, finished


async def test_a_group_without_a_case_has_none(db: Database) -> None:
    assert await in_transaction(db, lambda repos: repos.cases.for_chat(GROUP)) is None


async def test_opening_a_case_stores_the_pseudonym_and_when_it_was_opened(db: Database) -> None:
    opened = await in_transaction(db, lambda repos: repos.cases.open(GROUP, "S.V.", NOW))

    found = await in_transaction(db, lambda repos: repos.cases.for_chat(GROUP))

    assert found == opened == CaseRecord(opened.id, GROUP, "S.V.", NOW)
    assert found is not None and found.created_at.utcoffset() is not None


async def test_opening_a_case_in_a_group_that_has_one_returns_that_case(db: Database) -> None:
    first = await in_transaction(db, lambda repos: repos.cases.open(GROUP, "S.V.", NOW))

    second = await in_transaction(db, lambda repos: repos.cases.open(GROUP, "K.L.", NOW))

    assert second == first


async def test_each_group_has_its_own_case(db: Database) -> None:
    here = await in_transaction(db, lambda repos: repos.cases.open(GROUP, "S.V.", NOW))
    there = await in_transaction(db, lambda repos: repos.cases.open(OTHER_GROUP, "K.L.", NOW))

    assert here.id != there.id


async def test_a_closed_case_makes_room_for_a_new_one(db: Database) -> None:
    old = await in_transaction(db, lambda repos: repos.cases.open(GROUP, "S.V.", NOW))
    async with db.connection() as connection, connection.begin():
        await connection.execute(update(Case).where(Case.id == old.id).values(closed_at=NOW))

    new = await in_transaction(db, lambda repos: repos.cases.open(GROUP, "K.L.", NOW))

    assert (new.id != old.id, new.pseudonym) == (True, "K.L.")


async def test_the_database_refuses_a_second_open_case_in_a_group(db: Database) -> None:
    case = await in_transaction(db, lambda repos: repos.cases.open(GROUP, "S.V.", NOW))

    with pytest.raises(IntegrityError):
        async with db.connection() as connection, connection.begin():
            await connection.execute(
                insert(Case).values(
                    school_id=select(Case.school_id).where(Case.id == case.id).scalar_subquery(),
                    chat_id=GROUP,
                    pseudonym="K.L.",
                    created_at=NOW,
                )
            )


async def test_two_updates_opening_the_case_of_one_group_at_once_share_one_case(
    db: Database, other_worker: Database
) -> None:
    both_looked = asyncio.Barrier(2)

    async def open_case(db: Database) -> CaseRecord:
        attempts = 0

        async def work(repos: Repositories) -> CaseRecord:
            nonlocal attempts
            attempts += 1
            assert await repos.cases.for_chat(GROUP) is None or attempts > 1
            if attempts == 1:
                await both_looked.wait()  # neither opens before both found no case
            return await repos.cases.open(GROUP, "S.V.", NOW)

        return await in_transaction(db, work)

    first, second = await asyncio.gather(open_case(db), open_case(other_worker))

    assert first.id == second.id
    async with db.connection() as connection:
        assert await connection.scalar(select(func.count()).select_from(Case)) == 1


async def test_a_pseudonym_longer_than_the_column_is_refused_on_every_engine(
    db: Database,
) -> None:
    with pytest.raises(ValueError, match="at most 32 characters"):
        await in_transaction(db, lambda repos: repos.cases.open(GROUP, "x" * 33, NOW))


async def test_erasing_a_case_erases_its_meetings_agreements_and_bot_messages(
    db: Database,
) -> None:
    async def work(repos: Repositories) -> int:
        loaded = await repos.meetings.create(GROUP, finished, NOW)
        await repos.bot_messages.remember(loaded.id, "join", GROUP, 5)
        case = await repos.cases.for_chat(GROUP)
        assert case is not None
        return case.id

    case_id = await in_transaction(db, work)

    async with db.connection() as connection, connection.begin():
        await connection.execute(delete(Case).where(Case.id == case_id))

    async def left(repos: Repositories) -> tuple[object, ...]:
        return (
            await repos.meetings.last_finished_in_chat(GROUP),
            await repos.cases.for_chat(GROUP),
        )

    assert await in_transaction(db, left) == (None, None)
    async with db.connection() as connection:
        for model in (AgreementRow, BotMessage):
            assert await connection.scalar(select(func.count()).select_from(model)) == 0
