"""Which Telegram updates have had their effect stored (see `models.HandledUpdate`)."""

from __future__ import annotations

import datetime as dt
from functools import cache

from sqlalchemy import Insert, delete, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from .db import changed_rows
from .models import HandledUpdate


class HandledUpdateRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def record(self, update_id: int, at: dt.datetime) -> None:
        """In the transaction that stores the update's effect; a second record is no error
        (one update may store in two steps, e.g. a reply and the chat it came from)."""
        statement = _record(self._connection.dialect.name)
        await self._connection.execute(statement, {"update_id": update_id, "at": at})

    async def handled(self, update_id: int) -> bool:
        found = await self._connection.scalar(
            select(HandledUpdate.update_id).where(HandledUpdate.update_id == update_id)
        )
        return found is not None

    async def newest(self) -> int | None:
        """The highest id recorded: updates above it are new to this database."""
        newest: int | None = await self._connection.scalar(
            select(func.max(HandledUpdate.update_id))
        )
        return newest

    async def forget_before(self, at: dt.datetime) -> int:
        result = await self._connection.execute(delete(HandledUpdate).where(HandledUpdate.at < at))
        return changed_rows(result)


@cache
def _record(dialect: str) -> Insert:
    """Built once per dialect: one of these runs in every update's transaction.

    The dialect's module is imported here, not at the top: PostgreSQL's costs
    a bot on SQLite 30 ms of its start (docs/benchmarks.md).
    """
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(HandledUpdate).on_conflict_do_nothing()
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(HandledUpdate).on_conflict_do_nothing()
