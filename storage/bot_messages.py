"""Telegram message ids of the bot's own messages, per meeting and tag.

The shell posts e.g. the join message (tag "join") once and edits it as
people join; it needs the message id for that, and the state machine (which
knows nothing of Telegram's ids for the bot's messages) does not keep it.
"""

from __future__ import annotations

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from .errors import insert_race
from .models import BotMessage

# Every message that carries a tag is remembered on delivery: built once.
_REPLACE = (
    update(BotMessage)
    .where(BotMessage.meeting_id == bindparam("of_meeting"), BotMessage.tag == bindparam("of_tag"))
    .values(chat_id=bindparam("new_chat_id"), message_id=bindparam("new_message_id"))
    .returning(BotMessage.id)
)
_ADD = insert(BotMessage)


class BotMessageRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def remember(self, meeting_id: int, tag: str, chat_id: int, message_id: int) -> None:
        """Remember the message for `tag`, replacing the one remembered before."""
        replacement = {
            "of_meeting": meeting_id,
            "of_tag": tag,
            "new_chat_id": chat_id,
            "new_message_id": message_id,
        }
        replaced = await self._connection.execute(_REPLACE, replacement)
        if replaced.first() is None:
            values = {
                "meeting_id": meeting_id,
                "tag": tag,
                "chat_id": chat_id,
                "message_id": message_id,
            }
            with insert_race(f"bot message {tag!r} of meeting {meeting_id}"):
                await self._connection.execute(_ADD, values)

    async def find(self, meeting_id: int, tag: str) -> int | None:
        return await self._connection.scalar(
            select(BotMessage.message_id).where(
                BotMessage.meeting_id == meeting_id, BotMessage.tag == tag
            )
        )
