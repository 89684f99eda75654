"""The groups the bot is in: the language it speaks there, and whether it is still in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from .db import changed_rows
from .errors import insert_race
from .models import OUTBOX_DROPPED as DROPPED
from .models import OUTBOX_PENDING, BotMessage, Case, Chat, Meeting, OutboxRow
from .schools import SchoolRepository

# Every update looks its chat up: built once, with bind parameters.
_GET = select(Chat.chat_id, Chat.language, Chat.removed_at).where(
    Chat.chat_id == bindparam("chat_id")
)
_CREATE = insert(Chat)


@dataclass(frozen=True)
class ChatRecord:
    chat_id: int
    language: str
    removed: bool = False


class ChatRepository:
    def __init__(self, connection: AsyncConnection, school: SchoolRepository) -> None:
        self._connection = connection
        self._school = school

    async def get(self, chat_id: int) -> ChatRecord | None:
        row = (await self._connection.execute(_GET, {"chat_id": chat_id})).one_or_none()
        if row is None:
            return None
        return ChatRecord(row.chat_id, row.language, row.removed_at is not None)

    async def get_or_create(self, chat_id: int, *, language: str = "nl") -> ChatRecord:
        """The chat, created with `language` if new."""
        found = await self.get(chat_id)
        if found is not None:
            return found
        school_id = await self._school.id()
        with insert_race(f"chat {chat_id}"):
            await self._connection.execute(
                _CREATE, {"chat_id": chat_id, "language": language, "school_id": school_id}
            )
        return ChatRecord(chat_id, language)

    async def set_language(self, chat_id: int, language: str) -> None:
        chat = await self.get_or_create(chat_id, language=language)
        if chat.language != language:
            await self._connection.execute(
                update(Chat).where(Chat.chat_id == chat_id).values(language=language)
            )

    async def set_digest(self, chat_id: int, digest: bool) -> None:
        """A person's choice: what parents bring in once a day, or one message each."""
        await self._connection.execute(
            update(Chat).where(Chat.chat_id == chat_id).values(digest=digest)
        )

    async def digest(self, chat_id: int) -> bool:
        chosen: bool | None = await self._connection.scalar(
            select(Chat.digest).where(Chat.chat_id == chat_id)
        )
        return bool(chosen)

    async def set_removed(self, chat_id: int, removed_at: dt.datetime | None) -> bool:
        """Mark the bot as out of the group (a time) or back in (None).

        Returns whether that changed anything, so a repeated update acts once.
        """
        chat = await self.get_or_create(chat_id)
        if chat.removed == (removed_at is not None):
            return False
        await self._connection.execute(
            update(Chat).where(Chat.chat_id == chat_id).values(removed_at=removed_at)
        )
        return True

    async def forget_private(self, chat_id: int) -> None:
        """A person's private chat with the bot is closed to it (blocked, never started).

        A private chat has a row here once the person wrote to the bot there
        (`get_or_create` with their user id, which is the chat's id): only then
        may the bot send them something privately. Groups (negative ids) are
        never forgotten this way; they are paused (`set_removed`).
        """
        if chat_id > 0:
            await self._connection.execute(delete(Chat).where(Chat.chat_id == chat_id))

    async def migrate(self, old_chat_id: int, new_chat_id: int) -> bool:
        """A group became a supergroup: everything under the old id moves to the new one.

        The old group's message ids mean nothing in the supergroup (Telegram
        numbers each chat's messages anew), so the remembered ones are
        forgotten rather than moved: editing them would edit a stranger's
        message or fail. What the outbox still owes the group goes to the
        supergroup.

        Idempotent: Telegram reports the move twice (in the old group and in
        the new supergroup), and the sender may meet it a third time. Returns
        whether anything moved, so the caller acts on the move once. A chat
        row the new id got in between (an update from the supergroup that
        arrived first) is replaced by the old one, which carries the group's
        settings.
        """
        if old_chat_id == new_chat_id:
            return False
        # The sender and the service message may report the move at once; the
        # second must not delete the chat row the first one just moved. On
        # PostgreSQL it waits on FOR UPDATE, then re-reads the row and finds it
        # gone; SQLite reads outside the write lock, so there the condition is
        # part of the one DELETE statement, which runs under it.
        await self._connection.execute(
            select(Chat.chat_id).where(Chat.chat_id == old_chat_id).with_for_update()
        )
        old_row = select(Chat.chat_id).where(Chat.chat_id == old_chat_id).exists()
        await self._connection.execute(delete(Chat).where(Chat.chat_id == new_chat_id, old_row))
        await self._connection.execute(delete(BotMessage).where(BotMessage.chat_id == old_chat_id))
        moved = 0
        for column in (Chat.chat_id, Case.chat_id, Meeting.chat_id):
            result = await self._connection.execute(
                update(column.class_).where(column == old_chat_id).values({column: new_chat_id})
            )
            moved += changed_rows(result)
        return moved + await self._move_pending(old_chat_id, new_chat_id) > 0

    async def _move_pending(self, old_chat_id: int, new_chat_id: int) -> int:
        """Pending outbox rows go along, without what names an old message.

        A row that acts on a message of the old group (`message_id`) is dropped,
        and a reply to one (`reply_to`) is sent as a plain message: in the
        supergroup those ids belong to other messages.
        """
        rows = await self._connection.execute(
            select(OutboxRow.id, OutboxRow.payload).where(
                OutboxRow.chat_id == old_chat_id, OutboxRow.status == OUTBOX_PENDING
            )
        )
        moved = 0
        for row_id, payload in rows.all():
            values: dict[str, object] = {"chat_id": new_chat_id}
            if "message_id" in payload:
                values["status"] = DROPPED
            elif payload.get("reply_to"):
                values["payload"] = {**payload, "reply_to": None}
            await self._connection.execute(
                update(OutboxRow).where(OutboxRow.id == row_id).values(values)
            )
            moved += 1
        return moved
