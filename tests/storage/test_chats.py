"""Chats: created on first sight, their language, and the move to a supergroup."""

from __future__ import annotations

from sqlalchemy import select

from rondetafel.storage.chats import ChatRecord
from rondetafel.storage.db import Database
from rondetafel.storage.models import BotMessage, Case, Chat, Meeting, School
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction

from .states import GROUP, NOW, OTHER_GROUP, opened

OLD_GROUP = -4_987_654_321  # an ordinary group's id, before it became a supergroup


async def test_a_new_chat_is_created_with_its_title_and_the_language_asked_for(
    db: Database,
) -> None:
    created = await in_transaction(
        db, lambda repos: repos.chats.get_or_create(GROUP, "Klas 5B", language="en")
    )

    found = await in_transaction(db, lambda repos: repos.chats.get(GROUP))

    assert created == found == ChatRecord(GROUP, "Klas 5B", "en")


async def test_a_known_chat_keeps_its_language_and_takes_a_new_title(db: Database) -> None:
    await in_transaction(db, lambda repos: repos.chats.get_or_create(GROUP, "5B", language="en"))

    again = await in_transaction(
        db, lambda repos: repos.chats.get_or_create(GROUP, "Klas 5B", language="nl")
    )

    assert again == ChatRecord(GROUP, "Klas 5B", "en")


async def test_a_chat_seen_without_a_title_keeps_the_title_it_had(db: Database) -> None:
    await in_transaction(db, lambda repos: repos.chats.get_or_create(GROUP, "Klas 5B"))

    again = await in_transaction(db, lambda repos: repos.chats.get_or_create(GROUP))

    assert again.title == "Klas 5B"


async def test_a_new_chat_speaks_dutch_unless_told_otherwise(db: Database) -> None:
    chat = await in_transaction(db, lambda repos: repos.chats.get_or_create(GROUP))

    assert chat.language == "nl"


async def test_setting_the_language_is_remembered(db: Database) -> None:
    await in_transaction(db, lambda repos: repos.chats.get_or_create(GROUP))

    await in_transaction(db, lambda repos: repos.chats.set_language(GROUP, "en"))

    assert await in_transaction(db, lambda repos: repos.chats.get(GROUP)) == ChatRecord(
        GROUP, None, "en"
    )


async def test_setting_the_language_of_an_unknown_chat_creates_it(db: Database) -> None:
    await in_transaction(db, lambda repos: repos.chats.set_language(GROUP, "en"))

    assert await in_transaction(db, lambda repos: repos.chats.get(GROUP)) == ChatRecord(
        GROUP, None, "en"
    )


async def test_chats_belong_to_the_school_named_by_the_caller_created_once(db: Database) -> None:
    for chat_id in (GROUP, OTHER_GROUP):
        await in_transaction(
            db, lambda repos, c=chat_id: repos.chats.get_or_create(c), school_name="De Regenboog"
        )

    async with db.session() as session:
        schools = (await session.execute(select(School.id, School.name))).all()
        chat_schools = set(await session.scalars(select(Chat.school_id)))
    assert [name for _, name in schools] == ["De Regenboog"]
    assert chat_schools == {schools[0].id}


async def _group_with_history(db: Database) -> int:
    """A group with a language, a case, a meeting and a remembered bot message."""

    async def work(repos: Repositories) -> int:
        await repos.chats.get_or_create(OLD_GROUP, "Klas 5B", language="en")
        await repos.cases.open(OLD_GROUP, "S.V.", NOW)
        meeting = await repos.meetings.create(OLD_GROUP, opened, NOW)
        await repos.bot_messages.remember(meeting.id, "join", OLD_GROUP, 77)
        return meeting.id

    return await in_transaction(db, work)


async def chat_ids(db: Database) -> dict[str, set[int]]:
    async with db.session() as session:
        return {
            model.__tablename__: set(await session.scalars(select(model.chat_id)))
            for model in (Chat, Case, Meeting, BotMessage)
        }


async def test_moving_to_a_supergroup_takes_chat_case_meetings_and_bot_messages_along(
    db: Database,
) -> None:
    meeting_id = await _group_with_history(db)

    await in_transaction(db, lambda repos: repos.chats.migrate(OLD_GROUP, GROUP))

    assert await chat_ids(db) == {
        "chats": {GROUP}, "cases": {GROUP}, "meetings": {GROUP}, "bot_messages": {GROUP}
    }  # fmt: skip

    async def read(repos: Repositories) -> tuple[object, ...]:
        chat = await repos.chats.get(GROUP)
        case = await repos.cases.for_chat(GROUP)
        active = await repos.meetings.active_in_chat(GROUP)
        return chat, case and case.pseudonym, active and active.id

    assert await in_transaction(db, read) == (
        ChatRecord(GROUP, "Klas 5B", "en"),
        "S.V.",
        meeting_id,
    )


async def test_moving_to_a_supergroup_twice_changes_nothing_the_second_time(db: Database) -> None:
    await _group_with_history(db)
    await in_transaction(db, lambda repos: repos.chats.migrate(OLD_GROUP, GROUP))
    before = await chat_ids(db)

    await in_transaction(db, lambda repos: repos.chats.migrate(OLD_GROUP, GROUP))

    assert await chat_ids(db) == before


async def test_a_chat_row_the_supergroup_got_first_gives_way_to_the_groups_own(
    db: Database,
) -> None:
    await _group_with_history(db)
    # An update from the new supergroup arrived before the news of the move.
    await in_transaction(db, lambda repos: repos.chats.get_or_create(GROUP, "Klas 5B"))

    await in_transaction(db, lambda repos: repos.chats.migrate(OLD_GROUP, GROUP))

    chat = await in_transaction(db, lambda repos: repos.chats.get(GROUP))
    assert chat == ChatRecord(GROUP, "Klas 5B", "en")
    assert await in_transaction(db, lambda repos: repos.chats.get(OLD_GROUP)) is None
