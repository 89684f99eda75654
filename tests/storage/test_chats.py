"""Chats: created on first sight, their language, removal, and the move to a supergroup."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import inspect, select

from rondetafel.storage.chats import ChatRecord
from rondetafel.storage.db import Database
from rondetafel.storage.models import BotMessage, Case, Chat, Meeting, School
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction

from .states import GROUP, NOW, OTHER_GROUP, opened

OLD_GROUP = -4_987_654_321  # an ordinary group's id, before it became a supergroup
LATER = NOW + dt.timedelta(hours=1)


async def test_a_new_chat_is_created_with_the_language_asked_for(db: Database) -> None:
    created = await in_transaction(
        db, lambda repos: repos.chats.get_or_create(GROUP, language="en")
    )

    found = await in_transaction(db, lambda repos: repos.chats.get(GROUP))

    assert created == found == ChatRecord(GROUP, "en", removed=False)


async def test_a_known_chat_keeps_its_language(db: Database) -> None:
    await in_transaction(db, lambda repos: repos.chats.get_or_create(GROUP, language="en"))

    again = await in_transaction(db, lambda repos: repos.chats.get_or_create(GROUP, language="nl"))

    assert again == ChatRecord(GROUP, "en")


async def test_the_title_of_a_group_is_not_stored_anywhere_in_the_chats_table(
    db: Database,
) -> None:
    # Schools name groups after the child: the title must not be kept.
    await in_transaction(db, lambda repos: repos.chats.get_or_create(GROUP))

    async with db.engine.connect() as connection:
        names = await connection.run_sync(
            lambda c: {entry["name"] for entry in inspect(c).get_columns("chats")}
        )
    # `digest`: a person's choice of how they hear what parents share; no text.
    assert names == {
        "chat_id",
        "language",
        "school_id",
        "removed_at",
        "created_at",
        "updated_at",
        "digest",
    }


async def test_a_new_chat_speaks_dutch_unless_told_otherwise(db: Database) -> None:
    chat = await in_transaction(db, lambda repos: repos.chats.get_or_create(GROUP))

    assert chat.language == "nl"


async def test_setting_the_language_is_remembered(db: Database) -> None:
    await in_transaction(db, lambda repos: repos.chats.get_or_create(GROUP))

    await in_transaction(db, lambda repos: repos.chats.set_language(GROUP, "en"))

    assert await in_transaction(db, lambda repos: repos.chats.get(GROUP)) == ChatRecord(GROUP, "en")


async def test_setting_the_language_of_an_unknown_chat_creates_it(db: Database) -> None:
    await in_transaction(db, lambda repos: repos.chats.set_language(GROUP, "en"))

    assert await in_transaction(db, lambda repos: repos.chats.get(GROUP)) == ChatRecord(GROUP, "en")


async def test_chats_belong_to_the_school_named_by_the_caller_created_once(db: Database) -> None:
    for chat_id in (GROUP, OTHER_GROUP):
        await in_transaction(
            db, lambda repos, c=chat_id: repos.chats.get_or_create(c), school_name="De Regenboog"
        )

    async with db.connection() as connection:
        schools = (await connection.execute(select(School.id, School.name))).all()
        chat_schools = set(await connection.scalars(select(Chat.school_id)))
    assert [name for _, name in schools] == ["De Regenboog"]
    assert chat_schools == {schools[0].id}


async def test_a_chat_the_bot_was_removed_from_is_marked_removed_until_it_is_back(
    db: Database,
) -> None:
    await in_transaction(db, lambda repos: repos.chats.get_or_create(GROUP, language="en"))

    removed = await in_transaction(db, lambda repos: repos.chats.set_removed(GROUP, NOW))
    while_out = await in_transaction(db, lambda repos: repos.chats.get(GROUP))
    back = await in_transaction(db, lambda repos: repos.chats.set_removed(GROUP, None))

    assert removed and back
    assert while_out == ChatRecord(GROUP, "en", removed=True)
    assert await in_transaction(db, lambda repos: repos.chats.get(GROUP)) == ChatRecord(
        GROUP, "en", removed=False
    )


async def test_marking_a_chat_removed_or_back_a_second_time_changes_nothing(
    db: Database,
) -> None:
    await in_transaction(db, lambda repos: repos.chats.set_removed(GROUP, NOW))

    again = await in_transaction(db, lambda repos: repos.chats.set_removed(GROUP, LATER))
    await in_transaction(db, lambda repos: repos.chats.set_removed(GROUP, None))
    back_again = await in_transaction(db, lambda repos: repos.chats.set_removed(GROUP, None))

    assert (again, back_again) == (False, False)
    async with db.connection() as connection:
        assert await connection.scalar(select(Chat.removed_at)) is None


async def test_marking_an_unknown_chat_removed_creates_it_removed(db: Database) -> None:
    assert await in_transaction(db, lambda repos: repos.chats.set_removed(GROUP, NOW))

    assert await in_transaction(db, lambda repos: repos.chats.get(GROUP)) == ChatRecord(
        GROUP, "nl", removed=True
    )
    async with db.connection() as connection:
        assert await connection.scalar(select(Chat.removed_at)) == NOW


async def _group_with_history(db: Database) -> int:
    """A group with a language, a case, a meeting and a remembered bot message."""

    async def work(repos: Repositories) -> int:
        await repos.chats.get_or_create(OLD_GROUP, language="en")
        await repos.cases.open(OLD_GROUP, "S.V.", NOW)
        meeting = await repos.meetings.create(OLD_GROUP, opened, NOW)
        await repos.bot_messages.remember(meeting.id, "join", OLD_GROUP, 77)
        return meeting.id

    return await in_transaction(db, work)


async def chat_ids(db: Database) -> dict[str, set[int]]:
    async with db.connection() as connection:
        return {
            model.__tablename__: set(await connection.scalars(select(model.chat_id)))
            for model in (Chat, Case, Meeting, BotMessage)
        }


async def test_moving_to_a_supergroup_takes_chat_case_and_meetings_along_and_forgets_bot_messages(
    db: Database,
) -> None:
    meeting_id = await _group_with_history(db)

    moved = await in_transaction(db, lambda repos: repos.chats.migrate(OLD_GROUP, GROUP))

    assert moved is True
    # The old group's message ids mean nothing in the supergroup.
    assert await chat_ids(db) == {
        "chats": {GROUP}, "cases": {GROUP}, "meetings": {GROUP}, "bot_messages": set()
    }  # fmt: skip

    async def read(repos: Repositories) -> tuple[object, ...]:
        chat = await repos.chats.get(GROUP)
        case = await repos.cases.for_chat(GROUP)
        active = await repos.meetings.active_in_chat(GROUP)
        join = await repos.bot_messages.find(meeting_id, "join")
        return chat, case and case.pseudonym, active and active.id, join

    assert await in_transaction(db, read) == (ChatRecord(GROUP, "en"), "S.V.", meeting_id, None)


async def test_moving_to_a_supergroup_twice_changes_nothing_the_second_time(db: Database) -> None:
    await _group_with_history(db)
    await in_transaction(db, lambda repos: repos.chats.migrate(OLD_GROUP, GROUP))
    before = await chat_ids(db)

    again = await in_transaction(db, lambda repos: repos.chats.migrate(OLD_GROUP, GROUP))

    assert again is False
    assert await chat_ids(db) == before


async def test_two_reports_of_one_move_at_once_move_it_once_and_keep_the_chat(
    db: Database,
) -> None:
    await _group_with_history(db)

    # The service message and the sender's "group chat was upgraded" race.
    moved = await asyncio.gather(
        in_transaction(db, lambda repos: repos.chats.migrate(OLD_GROUP, GROUP)),
        in_transaction(db, lambda repos: repos.chats.migrate(OLD_GROUP, GROUP)),
    )

    assert sorted(moved) == [False, True]
    assert await in_transaction(db, lambda repos: repos.chats.get(GROUP)) is not None
    assert await in_transaction(db, lambda repos: repos.chats.get(OLD_GROUP)) is None


async def test_moving_a_chat_to_its_own_id_moves_nothing(db: Database) -> None:
    await _group_with_history(db)
    before = await chat_ids(db)

    moved = await in_transaction(db, lambda repos: repos.chats.migrate(OLD_GROUP, OLD_GROUP))

    assert moved is False
    assert await chat_ids(db) == before


async def test_a_chat_row_the_supergroup_got_first_gives_way_to_the_groups_own(
    db: Database,
) -> None:
    await _group_with_history(db)
    # An update from the new supergroup arrived before the news of the move.
    await in_transaction(db, lambda repos: repos.chats.get_or_create(GROUP, language="nl"))

    await in_transaction(db, lambda repos: repos.chats.migrate(OLD_GROUP, GROUP))

    chat = await in_transaction(db, lambda repos: repos.chats.get(GROUP))
    assert chat == ChatRecord(GROUP, "en")
    assert await in_transaction(db, lambda repos: repos.chats.get(OLD_GROUP)) is None
