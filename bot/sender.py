"""The one sender: every outgoing Telegram call goes through here.

Rate limits are python-telegram-bot's `AIORateLimiter` (set up in `app.py`,
with retries on 429); on top of that this class:
- splits text over Telegram's limit on paragraph boundaries (`text_split`),
- retries transient network errors with backoff,
- follows a group that became a supergroup (and tells storage),
- treats the harmless errors as harmless: an edit that changes nothing, a
  button answered too late, a chat that removed the bot (logged, not raised).
HTML escaping of user text happens before this (in `texts` and the templates):
everything handed to the sender is already Telegram HTML.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import Bot, InlineKeyboardMarkup, Message, ReplyParameters
from telegram.constants import CallbackQueryLimit, MessageLimit
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from .operations import Markup
from .text_split import split_html

log = logging.getLogger(__name__)
T = TypeVar("T")
OnMigrate = Callable[[int, int], Awaitable[None]]

NOT_MODIFIED = "message is not modified"
TOO_OLD = "query is too old"
NOT_FOUND = "message to edit not found"


class Sender:
    def __init__(self, bot: Bot, *, on_migrate: OnMigrate | None = None, attempts: int = 4) -> None:
        self.bot = bot
        self.on_migrate = on_migrate
        self.attempts = attempts

    async def send(
        self,
        chat_id: int,
        html: str,
        *,
        markup: Markup | None = None,
        reply_to: int | None = None,
        thread_id: int | None = None,
    ) -> Message | None:
        """Send `html`, split if needed; the markup goes on the last part. Returns it."""
        chunks = split_html(html, MessageLimit.MAX_TEXT_LENGTH)
        last: Message | None = None
        for index, chunk in enumerate(chunks):
            final = index == len(chunks) - 1
            reply = (
                ReplyParameters(reply_to, allow_sending_without_reply=True)
                if reply_to and index == 0
                else None
            )

            async def call(
                chat: int,
                chunk: str = chunk,
                final: bool = final,
                reply: ReplyParameters | None = reply,
            ) -> Message:
                return await self.bot.send_message(
                    chat,
                    chunk,
                    reply_markup=markup if final else None,
                    reply_parameters=reply,
                    message_thread_id=thread_id,
                )

            last = await self._call(chat_id, call)
            if last is None:
                return None
        return last

    async def edit(
        self, chat_id: int, message_id: int, html: str, markup: InlineKeyboardMarkup | None = None
    ) -> None:
        async def call(chat: int) -> object:
            return await self.bot.edit_message_text(html, chat, message_id, reply_markup=markup)

        await self._call(chat_id, call, harmless=(NOT_MODIFIED, NOT_FOUND))

    async def clear_buttons(self, chat_id: int, message_id: int) -> None:
        async def call(chat: int) -> object:
            return await self.bot.edit_message_reply_markup(chat, message_id, reply_markup=None)

        await self._call(chat_id, call, harmless=(NOT_MODIFIED, NOT_FOUND))

    async def answer(self, query_id: str, text: str | None = None) -> None:
        """Answer a button press. Too late is harmless: the client stops waiting by itself."""
        short = text[: CallbackQueryLimit.ANSWER_CALLBACK_QUERY_TEXT_LENGTH] if text else None
        try:
            await self._retrying(lambda: self.bot.answer_callback_query(query_id, short))
        except BadRequest as error:
            if TOO_OLD not in str(error).lower():
                raise
            log.info("button answered too late: %s", error)

    async def send_document(
        self,
        chat_id: int,
        filename: str,
        data: bytes,
        caption: str,
        *,
        thread_id: int | None = None,
    ) -> Message | None:
        async def call(chat: int) -> Message:
            # Not protected: the report is meant to be saved to the pupil's file.
            return await self.bot.send_document(
                chat,
                data,
                filename=filename,
                caption=caption,
                message_thread_id=thread_id,
                protect_content=False,
            )

        return await self._call(chat_id, call)

    async def _call(
        self, chat_id: int, call: Callable[[int], Awaitable[T]], *, harmless: tuple[str, ...] = ()
    ) -> T | None:
        try:
            return await self._retrying(lambda: call(chat_id))
        except ChatMigrated as migrated:
            new_id = migrated.new_chat_id
            log.info("chat %s became supergroup %s", chat_id, new_id)
            if self.on_migrate is not None:
                await self.on_migrate(chat_id, new_id)
            return await self._retrying(lambda: call(new_id))
        except Forbidden as error:
            # Removed from the group or blocked: nobody to tell in that chat.
            log.warning("cannot write to chat %s: %s", chat_id, error)
            return None
        except BadRequest as error:
            if any(h in str(error).lower() for h in harmless):
                log.debug("harmless: %s", error)
                return None
            raise

    async def _retrying(self, call: Callable[[], Awaitable[T]]) -> T:
        delay = 0.5
        for attempt in range(1, self.attempts + 1):
            try:
                return await call()
            except RetryAfter as error:
                # AIORateLimiter already retried; Telegram still says wait.
                if attempt == self.attempts:
                    raise
                await asyncio.sleep(_seconds(error.retry_after) + 0.1)
            except (TimedOut, NetworkError) as error:
                if (
                    isinstance(error, (BadRequest, Forbidden, ChatMigrated))
                    or attempt == self.attempts
                ):
                    raise
                log.info("transient error (%s), retrying in %.1fs", error, delay)
                await asyncio.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")


def _seconds(value: object) -> float:
    total_seconds = getattr(value, "total_seconds", None)
    return float(total_seconds()) if callable(total_seconds) else float(value)  # type: ignore[arg-type]
