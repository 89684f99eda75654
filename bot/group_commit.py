"""Group commit: the sender's workers record their rows and read their next ones together.

A chat's worker must record what became of a row before it sends the chat's
next one (each row once, each chat's rows in order), and it reads that next
row in the same transaction. With one transaction per row, every worker
waited for every other worker's turn on the database: with 200 groups busy,
the sender's transactions were most of the database's work, and a meeting's
next question waited about half a second for its turn to record the last
message (docs/benchmarks.md).

Here one transaction records everything that finished while the previous
one ran, and reads the next row of all those chats in one statement. A
worker waits for at most the transaction under way before its own, however
many chats are busy; under light load a batch is one row, as before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from rondetafel.storage.outbox import SEND, Delivery, Pending
from rondetafel.storage.repositories import Repositories

T = TypeVar("T")
# After a batch of more than one, wait this long before the next.
LINGER = 0.025
# At most this many in one transaction: SQLite's statements run on the event
# loop's thread, and a long transaction would hold up every timer (a button's
# answer) until it ends.
MOST = 32
Work = Callable[[Repositories], Awaitable[T]]
RunInTransaction = Callable[[Work[dict[int, Pending]]], Awaitable[dict[int, Pending]]]


@dataclass(frozen=True)
class Delivered:
    """Telegram accepted `row`: the common outcome, recorded for many rows in one statement."""

    row: Pending
    delivery: Delivery

    @property
    def tag(self) -> str | None:
        """The tag to remember the new message by (a sent message that is edited later)."""
        tag = self.row.payload.get("tag") if self.row.method == SEND else None
        return tag if isinstance(tag, str) else None


# What became of a chat's row: delivered, another outcome written by a
# function of its own (a retry, a failure), or nothing (the worker only looks).
Change = Delivered | Work[None] | None


@dataclass
class _Waiting:
    chat_id: int
    change: Change
    future: asyncio.Future[Pending | None]


class GroupCommit:
    def __init__(self, run: RunInTransaction) -> None:
        """`run` runs its work in one transaction (again on a collision) and returns the result."""
        self._run_in_transaction = run
        self._waiting: list[_Waiting] = []
        self._runner: asyncio.Task[None] | None = None

    async def settle(self, chat_id: int, change: Change) -> Pending | None:
        """Record `change` and return the chat's next row, together with the other chats'."""
        future: asyncio.Future[Pending | None] = asyncio.get_running_loop().create_future()
        self._waiting.append(_Waiting(chat_id, change, future))
        if self._runner is None:
            self._runner = asyncio.create_task(self._run(), name="outbox group commit")
        return await future

    @property
    def running(self) -> asyncio.Task[None] | None:
        """The task committing batches, while there is one (`Sender.stop` waits for it)."""
        return self._runner

    async def _run(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting[:MOST], self._waiting[MOST:]
                await self._commit(batch)
                if len(batch) > 1:
                    # Busy: let the next batch gather for a moment. The decisions
                    # waiting for the database get its turns meanwhile, so a new
                    # press is decided (and the next getUpdates made) before more
                    # messages go out. Alone, a worker never waits here.
                    await asyncio.sleep(LINGER)
        finally:
            self._runner = None

    async def _commit(self, batch: list[_Waiting]) -> None:
        try:
            try:
                following = await self._run_in_transaction(lambda repos: _settle(repos, batch))
            except Exception as error:
                if len(batch) == 1:
                    _fail(batch[0], error)
                    return
                # One change the database refuses must not hold up the other chats:
                # each runs alone, and only its own worker hears of the failure.
                for waiting in batch:
                    await self._commit([waiting])
                return
        except BaseException:
            for waiting in batch:  # cancelled at a stop: no worker waits forever
                waiting.future.cancel()
            raise
        for waiting in batch:
            if not waiting.future.done():
                waiting.future.set_result(following.get(waiting.chat_id))


async def _settle(repos: Repositories, batch: list[_Waiting]) -> dict[int, Pending]:
    delivered = [w.change for w in batch if isinstance(w.change, Delivered)]
    await repos.outbox.delivered_many([d.delivery for d in delivered])
    for done in delivered:
        message_id, meeting_id = done.delivery.message_id, done.row.meeting_id
        if done.tag and message_id is not None and meeting_id is not None:
            await repos.bot_messages.remember(meeting_id, done.tag, done.row.chat_id, message_id)
    for waiting in batch:
        if waiting.change is not None and not isinstance(waiting.change, Delivered):
            await waiting.change(repos)
    return await repos.outbox.next_for_chats({w.chat_id for w in batch})


def _fail(waiting: _Waiting, error: Exception) -> None:
    if not waiting.future.done():
        waiting.future.set_exception(error)
