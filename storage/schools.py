"""The school a deployment serves, created on first use."""

from __future__ import annotations

from sqlalchemy import bindparam, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from .errors import insert_race
from .models import School

# Looked up by the first statement of many units of work: built once.
_BY_NAME = select(School.id).where(School.name == bindparam("name"))
_CREATE = insert(School).returning(School.id)


class SchoolRepository:
    """The one school named by the caller; its id is looked up once per unit of work."""

    def __init__(self, connection: AsyncConnection, name: str) -> None:
        self._connection = connection
        self._name = name
        self._id: int | None = None

    async def id(self) -> int:
        if self._id is None:
            found = await self._connection.scalar(_BY_NAME, {"name": self._name})
            self._id = found if found is not None else await self._create()
        return self._id

    async def _create(self) -> int:
        with insert_race(f"school {self._name!r}"):
            return (await self._connection.execute(_CREATE, {"name": self._name})).scalar_one()
