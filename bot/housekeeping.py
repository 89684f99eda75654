"""The periodic jobs beside the bot: closing idle meetings, forgetting delivered rows,
erasing cases kept long enough (once a day), and the heartbeat that
`rondetafel health` (Docker's HEALTHCHECK) reads.

Runs in the bot's own event loop (started after `initialize`, stopped on
shutdown), not in python-telegram-bot's JobQueue: what it acts on lives in the
database, so a restart simply runs it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from pathlib import Path

from rondetafel.clock import utcnow
from rondetafel.storage.db import Database
from rondetafel.storage.erasure import RETENTION
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction

from .decide import Decider

log = logging.getLogger(__name__)

EVERY = dt.timedelta(hours=1)
HEARTBEAT_EVERY = dt.timedelta(seconds=30)
# Delivered outbox rows hold what people typed; the budget needs one minute of
# them, and an hour leaves room to look into a problem.
KEEP_DELIVERED = dt.timedelta(hours=1)
# Telegram hands out an unconfirmed update for 24 hours: a record older than
# that can no longer meet its update again.
KEEP_HANDLED_UPDATES = dt.timedelta(days=2)


class Housekeeping:
    def __init__(self, db: Database, decider: Decider, heartbeat: Path | None = None) -> None:
        self.db = db
        self.decider = decider
        self.heartbeat = heartbeat
        self._tasks: list[asyncio.Task[None]] = []
        self._stop = asyncio.Event()
        # The school day retention last ran on; in memory only: after a restart
        # it runs again, which finds nothing new to erase.
        self._retention_day: dt.date | None = None

    async def run_once(self) -> None:
        expired = await self.decider.expire_idle()
        before = utcnow() - KEEP_DELIVERED

        async def forget(repos: Repositories) -> int:
            await repos.handled_updates.forget_before(utcnow() - KEEP_HANDLED_UPDATES)
            return await repos.outbox.forget_delivered(before)

        forgotten = await in_transaction(self.db, forget)
        # Counts only: what the rows held must not reach a log.
        log.info(
            "housekeeping: %d idle meetings closed, %d sent rows forgotten", expired, forgotten
        )
        today = self.decider.clock().date()
        if self._retention_day != today:
            await self.erase_expired_cases()
            self._retention_day = today

    async def erase_expired_cases(self) -> tuple[int, int]:
        """Erase every case kept `retention_months` long enough: (cases, rows removed).

        Each case in a transaction of its own, so one that fails leaves the
        others erased; only the counts reach the log.
        """
        now = self.decider.clock()
        months = self.decider.settings.retention_months

        async def due(repos: Repositories) -> list[int]:
            return await repos.erasure.due_for_retention(now, months)

        cases = records = 0
        for case_id in await in_transaction(self.db, due):

            async def erase(repos: Repositories, case_id: int = case_id) -> int | None:
                return await repos.erasure.erase(case_id, RETENTION, now)

            removed = await in_transaction(self.db, erase)
            if removed is not None:
                cases, records = cases + 1, records + removed

        async def caseless(repos: Repositories) -> int:
            return await repos.erasure.erase_caseless(now, months)

        records += await in_transaction(self.db, caseless)
        log.info("retention: %d cases erased, %d records removed", cases, records)
        return cases, records

    def start(self) -> None:
        self._stop = asyncio.Event()
        self._tasks = [asyncio.create_task(self._loop(), name="housekeeping")]
        if self.heartbeat is not None:
            self._tasks.append(asyncio.create_task(self._beat(self.heartbeat), name="heartbeat"))

    async def stop(self) -> None:
        """Stop between jobs: a job cut off inside a transaction would leave its
        connection to be torn down in the middle of a rollback."""
        self._stop.set()
        for task in self._tasks:
            await task
        self._tasks = []

    async def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                await self.run_once()
            except Exception:
                log.exception("housekeeping failed; trying again in an hour")
            await self._pause(EVERY)

    async def _beat(self, path: Path) -> None:
        # The event loop is alive and free enough to run this: a hung or
        # blocked bot stops touching the file, and `rondetafel health` says so.
        while not self._stop.is_set():
            try:
                await asyncio.to_thread(path.touch)
            except OSError:
                log.warning("cannot touch the heartbeat file %s", path)
            await self._pause(HEARTBEAT_EVERY)

    async def _pause(self, period: dt.timedelta) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(period.total_seconds()):
                await self._stop.wait()
