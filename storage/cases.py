"""Cases: one pupil, known by initials or a pseudonym, followed in one group."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from .errors import insert_race
from .models import PSEUDONYM_LENGTH, Case
from .schools import SchoolRepository

# The first steps of many updates: built once, with bind parameters.
_OPEN_OF_CHAT = select(Case.id, Case.chat_id, Case.pseudonym, Case.created_at).where(
    Case.chat_id == bindparam("chat_id"), Case.closed_at.is_(None)
)
_CREATE = insert(Case).returning(Case.id)


@dataclass(frozen=True)
class CaseRecord:
    id: int
    chat_id: int
    pseudonym: str
    created_at: dt.datetime
    closed_at: dt.datetime | None = None


class CaseRepository:
    def __init__(self, connection: AsyncConnection, school: SchoolRepository) -> None:
        self._connection = connection
        self._school = school

    async def for_chat(self, chat_id: int) -> CaseRecord | None:
        """The open case of this group, if it has one."""
        row = (await self._connection.execute(_OPEN_OF_CHAT, {"chat_id": chat_id})).one_or_none()
        return (
            None if row is None else CaseRecord(row.id, row.chat_id, row.pseudonym, row.created_at)
        )

    async def latest_for_chat(self, chat_id: int) -> CaseRecord | None:
        """The group's open case, else the one it closed last: what the case's
        commands (/export, /forget, /audit) in the group act on."""
        row = (
            await self._connection.execute(
                select(Case.id, Case.chat_id, Case.pseudonym, Case.created_at, Case.closed_at)
                .where(Case.chat_id == chat_id)
                # NULLs (the open case) first on both engines, then the newest closed one.
                .order_by(Case.closed_at.is_not(None), Case.closed_at.desc(), Case.id.desc())
                .limit(1)
            )
        ).one_or_none()
        if row is None:
            return None
        return CaseRecord(row.id, row.chat_id, row.pseudonym, row.created_at, row.closed_at)

    async def close(self, case_id: int, now: dt.datetime) -> bool:
        """Close the case (the pupil left, or support ended). False if it was closed already.

        The group's next meeting opens a new case; this one waits for erasure
        (`erasure.due_for_retention`).
        """
        closed = await self._connection.execute(
            update(Case)
            .where(Case.id == case_id, Case.closed_at.is_(None))
            .values(closed_at=now)
            .returning(Case.id)
        )
        return closed.first() is not None

    async def open(self, chat_id: int, pseudonym: str, now: dt.datetime) -> CaseRecord:
        """The group's open case, or a new one named `pseudonym`.

        A group holds one case: when it already has one, that case is
        returned as it is, whatever `pseudonym` says.
        """
        found = await self.for_chat(chat_id)
        if found is not None:
            return found
        # PostgreSQL would refuse a longer one and SQLite would store it: say so on both.
        if len(pseudonym) > PSEUDONYM_LENGTH:
            raise ValueError(f"a pseudonym has at most {PSEUDONYM_LENGTH} characters")
        school_id = await self._school.id()
        with insert_race(f"the open case of chat {chat_id}"):
            values = {
                "school_id": school_id,
                "chat_id": chat_id,
                "pseudonym": pseudonym,
                "created_at": now,
            }
            case_id = (await self._connection.execute(_CREATE, values)).scalar_one()
        return CaseRecord(case_id, chat_id, pseudonym, now)
