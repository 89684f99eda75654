"""The groups the bot is in: their title and the language it speaks there."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from .errors import insert_race
from .models import BotMessage, Case, Chat, Meeting
from .schools import SchoolRepository


@dataclass(frozen=True)
class ChatRecord:
    chat_id: int
    title: str | None
    language: str


class ChatRepository:
    def __init__(self, session: AsyncSession, school: SchoolRepository) -> None:
        self._session = session
        self._school = school

    async def get(self, chat_id: int) -> ChatRecord | None:
        row = (
            await self._session.execute(
                select(Chat.chat_id, Chat.title, Chat.language).where(Chat.chat_id == chat_id)
            )
        ).one_or_none()
        return None if row is None else ChatRecord(row.chat_id, row.title, row.language)

    async def get_or_create(
        self, chat_id: int, title: str | None = None, *, language: str = "nl"
    ) -> ChatRecord:
        """The chat, created with `language` if new; a changed `title` is stored."""
        found = await self.get(chat_id)
        if found is None:
            school_id = await self._school.id()
            with insert_race(f"chat {chat_id}"):
                await self._session.execute(
                    insert(Chat).values(
                        chat_id=chat_id, title=title, language=language, school_id=school_id
                    )
                )
            return ChatRecord(chat_id, title, language)
        if title is not None and title != found.title:
            await self._session.execute(
                update(Chat).where(Chat.chat_id == chat_id).values(title=title)
            )
            return ChatRecord(chat_id, title, found.language)
        return found

    async def set_language(self, chat_id: int, language: str) -> None:
        chat = await self.get_or_create(chat_id, language=language)
        if chat.language != language:
            await self._session.execute(
                update(Chat).where(Chat.chat_id == chat_id).values(language=language)
            )

    async def migrate(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup: everything under the old id moves to the new one.

        Idempotent: Telegram reports the move twice (in the old group and in
        the new supergroup), and once moved nothing is left under the old id.
        A chat row the new id got in between (an update from the supergroup
        that arrived first) is replaced by the old one, which carries the
        group's settings.
        """
        if old_chat_id == new_chat_id:
            return
        if await self.get(old_chat_id) is not None:
            await self._session.execute(delete(Chat).where(Chat.chat_id == new_chat_id))
        for column in (Chat.chat_id, Case.chat_id, Meeting.chat_id, BotMessage.chat_id):
            await self._session.execute(
                update(column.class_).where(column == old_chat_id).values({column: new_chat_id})
            )
