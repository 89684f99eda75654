"""Updates of different chats at once, each chat's in the order they came.

python-telegram-bot handles updates one at a time unless told otherwise; then
one group's slow moment (a database wait, a long transaction) would hold up
every other group. With this processor the Application handles updates
concurrently, but an update waits for the earlier updates of its own chat:
two answers in one meeting are decided in the order people sent them.
Sending is not part of handling at all (the outbox), so a group waiting for
its Telegram budget never delays an update of another chat.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Enough for a school's meetings at once; each waiting update holds a slot.
MAX_CONCURRENT_UPDATES = 256


class PerChatOrder(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        # One lock per chat with updates under way; asyncio.Lock wakes its
        # waiters first come, first served, which keeps a chat's order.
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}
        # Told of every button press as it comes in, before it waits for its
        # chat's turn: the sender's promise to answer it within a second.
        self.on_press: Callable[[str], None] | None = None

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if self.on_press is not None and isinstance(update, Update) and update.callback_query:
            self.on_press(update.callback_query.id)
        if chat is None:
            await coroutine
            return
        lock, users = self._locks.get(chat.id, (asyncio.Lock(), 0))
        self._locks[chat.id] = (lock, users + 1)
        try:
            async with lock:
                await coroutine
        finally:
            lock, users = self._locks[chat.id]
            if users == 1:
                del self._locks[chat.id]  # a quiet chat costs nothing
            else:
                self._locks[chat.id] = (lock, users - 1)

    @property
    def busy_chats(self) -> int:
        """Chats with an update under way or waiting."""
        return len(self._locks)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
