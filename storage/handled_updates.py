"""Which Telegram updates have had their effect stored (see `models.HandledUpdate`)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from .db import changed_rows
from .models import HandledUpdate


class HandledUpdateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, update_id: int, at: dt.datetime) -> None:
        """In the transaction that stores the update's effect; a second record is no error
        (one update may store in two steps, e.g. a reply and the chat it came from)."""
        dialect = self._session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        statement = insert(HandledUpdate).values(update_id=update_id, at=at)
        await self._session.execute(statement.on_conflict_do_nothing())

    async def handled(self, update_id: int) -> bool:
        found = await self._session.scalar(
            select(HandledUpdate.update_id).where(HandledUpdate.update_id == update_id)
        )
        return found is not None

    async def newest(self) -> int | None:
        """The highest id recorded: updates above it are new to this database."""
        newest: int | None = await self._session.scalar(select(func.max(HandledUpdate.update_id)))
        return newest

    async def forget_before(self, at: dt.datetime) -> int:
        result = await self._session.execute(delete(HandledUpdate).where(HandledUpdate.at < at))
        return changed_rows(result)
