"""The bot's own messages, remembered per meeting and tag to be edited later."""

from __future__ import annotations

from rondetafel.storage.db import Database
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction

from .states import GROUP, NOW, OTHER_GROUP, opened

BIG_MESSAGE_ID = 2**40  # message ids are 64-bit in the Bot API


async def new_meeting(db: Database, chat_id: int = GROUP) -> int:
    async def work(repos: Repositories) -> int:
        return (await repos.meetings.create(chat_id, opened, NOW)).id

    return await in_transaction(db, work)


async def find(db: Database, meeting_id: int, tag: str) -> int | None:
    return await in_transaction(db, lambda repos: repos.bot_messages.find(meeting_id, tag))


async def test_a_remembered_message_is_found_by_meeting_and_tag(db: Database) -> None:
    meeting_id = await new_meeting(db)

    await in_transaction(
        db, lambda repos: repos.bot_messages.remember(meeting_id, "join", GROUP, BIG_MESSAGE_ID)
    )

    assert await find(db, meeting_id, "join") == BIG_MESSAGE_ID


async def test_remembering_a_tag_again_replaces_the_message(db: Database) -> None:
    meeting_id = await new_meeting(db)
    for message_id in (10, 11):
        await in_transaction(
            db,
            lambda repos, m=message_id: repos.bot_messages.remember(meeting_id, "join", GROUP, m),
        )

    assert await find(db, meeting_id, "join") == 11


async def test_an_unknown_tag_is_not_found(db: Database) -> None:
    meeting_id = await new_meeting(db)
    await in_transaction(
        db, lambda repos: repos.bot_messages.remember(meeting_id, "join", GROUP, 1)
    )

    assert await find(db, meeting_id, "summary") is None


async def test_each_meeting_keeps_its_own_messages_under_the_same_tag(db: Database) -> None:
    here, there = await new_meeting(db, GROUP), await new_meeting(db, OTHER_GROUP)

    async def work(repos: Repositories) -> None:
        await repos.bot_messages.remember(here, "join", GROUP, 1)
        await repos.bot_messages.remember(there, "join", OTHER_GROUP, 2)

    await in_transaction(db, work)

    assert (await find(db, here, "join"), await find(db, there, "join")) == (1, 2)
