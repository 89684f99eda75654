"""Updates parked until handled (see `models.ParkedUpdate` and `bot/polling.py`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from .db import changed_rows
from .models import ParkedUpdate


class ParkedUpdateRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def park(
        self, updates: Sequence[tuple[int, int | None, dict[str, Any]]], at: dt.datetime
    ) -> None:
        """(update id, chat id, the update as Telegram sent it), all in one statement."""
        if updates:
            rows = [{"update_id": u, "chat_id": c, "data": d, "at": at} for u, c, d in updates]
            await self._connection.execute(insert(ParkedUpdate), rows)

    async def parked(self) -> list[tuple[int, dict[str, Any]]]:
        """What is left, oldest first: handled first on start."""
        rows = await self._connection.execute(
            select(ParkedUpdate.update_id, ParkedUpdate.data).order_by(ParkedUpdate.update_id)
        )
        return [(update_id, data) for update_id, data in rows]

    async def unpark(self, update_ids: Sequence[int]) -> int:
        if not update_ids:
            return 0
        result = await self._connection.execute(
            delete(ParkedUpdate).where(ParkedUpdate.update_id.in_(update_ids))
        )
        return changed_rows(result)

    async def forget_chat(self, chat_id: int) -> int:
        """A case of this group is erased: what its people sent goes with it."""
        result = await self._connection.execute(
            delete(ParkedUpdate).where(ParkedUpdate.chat_id == chat_id)
        )
        return changed_rows(result)
