"""The periodic jobs beside the bot: closing idle meetings, forgetting delivered rows.

Runs in the bot's own event loop (started after `initialize`, stopped on
shutdown), not in python-telegram-bot's JobQueue: what it acts on lives in the
database, so a restart simply runs it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging

from rondetafel.clock import utcnow
from rondetafel.storage.db import Database
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction

from .pipeline import Pipeline

log = logging.getLogger(__name__)

EVERY = dt.timedelta(hours=1)
# Delivered outbox rows hold what people typed; the budget needs one minute of
# them, and an hour leaves room to look into a problem.
KEEP_DELIVERED = dt.timedelta(hours=1)


class Housekeeping:
    def __init__(self, db: Database, pipeline: Pipeline) -> None:
        self.db = db
        self.pipeline = pipeline
        self._task: asyncio.Task[None] | None = None

    async def run_once(self) -> None:
        expired = await self.pipeline.expire_idle()
        before = utcnow() - KEEP_DELIVERED

        async def forget(repos: Repositories) -> int:
            return await repos.outbox.forget_delivered(before)

        forgotten = await in_transaction(self.db, forget)
        # Counts only: what the rows held must not reach a log.
        log.info(
            "housekeeping: %d idle meetings closed, %d sent rows forgotten", expired, forgotten
        )

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="housekeeping")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:
                log.exception("housekeeping failed; trying again in an hour")
            await asyncio.sleep(EVERY.total_seconds())
