"""Who takes the database next: urgent work first, the rest in the order it came.

The bot holds a few connections (one for an SQLite file, ten for PostgreSQL)
and far more work than that wants one at a time: hundreds of updates under
way, the sender's rows, the polling's parking. SQLAlchemy's pool hands its
connections out first come, first served. One piece of work cannot wait in
that line: parking the updates of a backlog, which is what lets Telegram
hand out the newer ones, among them button presses that must be answered
within a second. In a line of decisions it waited 0.3 s and more per
`getUpdates` answer (docs/benchmarks.md), and the presses behind the backlog
were fetched too late.

So a transaction takes a turn here before it takes a connection: as many
turns as connections, urgent work (`urgent=True`) served before the rest
whatever it arrived after, and each kind in its order of arrival. Nothing is
ever overtaken by work that is not urgent, and urgent work is rare (one
parking per poll at most), so the rest cannot starve.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class Turns:
    def __init__(self, slots: int) -> None:
        if slots < 1:
            raise ValueError("a database needs at least one turn at a time")
        self._free = slots
        # Urgent first: `_hand_on` looks at them in this order.
        self._urgent: deque[asyncio.Future[None]] = deque()
        self._usual: deque[asyncio.Future[None]] = deque()

    @property
    def waiting(self) -> int:
        return len(self._urgent) + len(self._usual)

    @asynccontextmanager
    async def turn(self, *, urgent: bool = False) -> AsyncIterator[None]:
        await self._take(self._urgent if urgent else self._usual)
        try:
            yield
        finally:
            self._hand_on()

    async def _take(self, line: deque[asyncio.Future[None]]) -> None:
        if self._free > 0 and not self.waiting:
            self._free -= 1
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        line.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._hand_on()  # given the turn just as it was cancelled: pass it on
            elif waiter in line:  # `_hand_on` may have dropped it already
                line.remove(waiter)
            raise

    def _hand_on(self) -> None:
        """A turn ends: the next in line takes it, or it is free."""
        for line in (self._urgent, self._usual):
            while line:
                waiter = line.popleft()
                if not waiter.done():
                    waiter.set_result(None)
                    return
        self._free += 1
