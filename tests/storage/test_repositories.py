"""Repositories and the unit of work, the same tests on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from rondetafel.flows.events import Replied
from rondetafel.flows.state import Status
from rondetafel.flows.transition import transition
from rondetafel.storage.db import Database
from rondetafel.storage.errors import ConcurrentUpdate
from rondetafel.storage.meetings import LoadedMeeting
from rondetafel.storage.models import AgreementRow
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction

from .states import MENTOR, NOW, PARENT, PUPIL, finished, running

GROUP = -1001234567890123  # Telegram supergroup ids need 64 bits


async def create_running(db: Database, chat_id: int = GROUP) -> LoadedMeeting:
    async def create(repos: Repositories) -> LoadedMeeting:
        await repos.chats.get_or_create(chat_id, "Zorgoverleg")
        return await repos.meetings.create(chat_id, running, NOW)

    return await in_transaction(db, create)


async def test_a_chat_is_created_once_and_remembers_its_language(db: Database) -> None:
    async def first(repos: Repositories) -> None:
        await repos.chats.get_or_create(GROUP, "Zorgoverleg")
        await repos.chats.set_language(GROUP, "en")

    async def again(repos: Repositories) -> str:
        return (await repos.chats.get_or_create(GROUP, "Zorgoverleg", language="nl")).language

    await in_transaction(db, first)
    assert await in_transaction(db, again) == "en"


async def test_a_meeting_is_found_while_active_and_saved_at_the_next_version(db: Database) -> None:
    created = await create_running(db)

    async def answer(repos: Repositories) -> LoadedMeeting:
        loaded = await repos.meetings.active_in_chat(GROUP)
        assert loaded is not None and loaded.state == created.state
        outcome = transition(loaded.state, Replied(PARENT, "Hij leest graag", 100), NOW)
        return await repos.meetings.save(loaded, outcome.state, NOW)

    saved = await in_transaction(db, answer)
    assert saved.version == created.version + 1
    assert saved.chat_id == GROUP


async def test_saving_over_a_stale_version_raises_concurrent_update(db: Database) -> None:
    created = await create_running(db)

    async def save_twice(repos: Repositories) -> None:
        first = transition(created.state, Replied(PARENT, "een", 100), NOW).state
        await repos.meetings.save(created, first, NOW)
        with pytest.raises(ConcurrentUpdate):
            await repos.meetings.save(created, first, NOW)

    await in_transaction(db, save_twice, attempts=1)


async def test_two_answers_arriving_at_once_for_one_meeting_are_both_kept(db: Database) -> None:
    await create_running(db)
    both_loaded = asyncio.Event()
    loads = 0

    async def answer(person_text: tuple[object, str, int]) -> None:
        person, text, message_id = person_text

        async def work(repos: Repositories) -> None:
            nonlocal loads
            loaded = await repos.meetings.active_in_chat(GROUP)
            assert loaded is not None
            loads += 1
            if loads >= 2:
                both_loaded.set()
            # Both updates read the same version before either saves.
            await asyncio.wait_for(both_loaded.wait(), timeout=5)
            outcome = transition(loaded.state, Replied(person, text, message_id), NOW)  # type: ignore[arg-type]
            await repos.meetings.save(loaded, outcome.state, NOW)

        await in_transaction(db, work)

    await asyncio.gather(
        answer((PARENT, "Hij leest graag", 100)),  # the parent's turn: an answer
        answer((MENTOR, "In de klas ook", 101)),  # out of turn: a side note
    )

    async def load(repos: Repositories) -> LoadedMeeting | None:
        return await repos.meetings.active_in_chat(GROUP)

    final = await in_transaction(db, load)
    assert final is not None
    texts = {c.text for c in final.state.contributions}
    assert {"Hij leest graag", "In de klas ook"} <= texts
    assert loads >= 3  # one of the two ran again on the newer state


async def test_a_chat_holds_at_most_one_active_meeting(db: Database) -> None:
    await create_running(db)

    async def another(repos: Repositories) -> LoadedMeeting:
        return await repos.meetings.create(GROUP, running, NOW)

    with pytest.raises(ConcurrentUpdate):
        await in_transaction(db, another, attempts=1)


async def test_naming_the_pupil_opens_the_groups_one_case(db: Database) -> None:
    await create_running(db)

    async def case(repos: Repositories) -> str | None:
        found = await repos.cases.for_chat(GROUP)
        return found.pseudonym if found else None

    assert await in_transaction(db, case) == PUPIL


async def test_finishing_writes_the_agreements_once(db: Database) -> None:
    async def finish(repos: Repositories) -> LoadedMeeting:
        await repos.chats.get_or_create(GROUP)
        created = await repos.meetings.create(GROUP, running, NOW)
        done = finished(created.id)
        saved = await repos.meetings.save(created, done, NOW)
        return await repos.meetings.save(saved, done, NOW)  # saving again adds nothing

    saved = await in_transaction(db, finish)
    assert saved.state.status is Status.FINISHED

    async with db.session() as session:
        rows = (await session.scalars(select(AgreementRow).order_by(AgreementRow.seq))).all()
    assert [(r.what, r.owner_role, r.due is not None) for r in rows] == [
        ("Reading plan", "mentor", True),
        ("Talk to the PE teacher", "parent", True),
        ("Library card", None, False),  # the chair moved on before it had an owner
    ]


async def test_running_lists_only_active_meetings(db: Database) -> None:
    created = await create_running(db)
    await create_running(db, chat_id=-42)

    async def stop_first(repos: Repositories) -> list[int]:
        loaded = await repos.meetings.get(created.id)
        assert loaded is not None
        await repos.meetings.save(loaded, loaded.state.evolve(status=Status.STOPPED), NOW)
        return [m.chat_id for m in await repos.meetings.running()]

    assert await in_transaction(db, stop_first) == [-42]


async def test_the_bot_remembers_its_messages_by_tag_and_the_newest_wins(db: Database) -> None:
    created = await create_running(db)

    async def remember(repos: Repositories) -> int | None:
        await repos.bot_messages.remember(created.id, "join", GROUP, 10)
        await repos.bot_messages.remember(created.id, "join", GROUP, 2**40)
        return await repos.bot_messages.find(created.id, "join")

    assert await in_transaction(db, remember) == 2**40


async def test_a_group_that_became_a_supergroup_keeps_its_meeting(db: Database) -> None:
    await create_running(db, chat_id=-4242)

    async def migrate(repos: Repositories) -> LoadedMeeting | None:
        await repos.chats.migrate(-4242, GROUP)
        await repos.chats.migrate(-4242, GROUP)  # the service message can come twice
        return await repos.meetings.active_in_chat(GROUP)

    moved = await in_transaction(db, migrate)
    assert moved is not None and moved.chat_id == GROUP
