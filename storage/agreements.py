"""The agreements of a case's finished meetings, and where each stands.

Written when a meeting finishes (`meetings.py` copies them out of its state);
read and changed here between meetings: a reminder's answer sets the status,
the chair's /afspraken changes an owner or a date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Row, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from rondetafel.flows.follow_up import AgreementFacts, AgreementStatus

from .models import AgreementRow

_FACTS: tuple[Any, ...] = (
    AgreementRow.id,
    AgreementRow.meeting_id,
    AgreementRow.seq,
    AgreementRow.what,
    AgreementRow.owner_name,
    AgreementRow.owner_user_id,
    AgreementRow.due,
    AgreementRow.ongoing,
    AgreementRow.status,
    AgreementRow.status_note,
    AgreementRow.status_at,
)


class AgreementRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def get(self, agreement_id: int) -> AgreementFacts | None:
        row = (
            await self._connection.execute(select(*_FACTS).where(AgreementRow.id == agreement_id))
        ).one_or_none()
        return None if row is None else _facts(row)

    async def case_of(self, agreement_id: int) -> int | None:
        case_id: int | None = await self._connection.scalar(
            select(AgreementRow.case_id).where(AgreementRow.id == agreement_id)
        )
        return case_id

    async def of_meeting(self, meeting_id: int) -> list[AgreementFacts]:
        rows = await self._connection.execute(
            select(*_FACTS).where(AgreementRow.meeting_id == meeting_id).order_by(AgreementRow.seq)
        )
        return [_facts(row) for row in rows]

    async def open_of_case(self, case_id: int) -> list[AgreementFacts]:
        """What the case still works on: every agreement not done, oldest meeting first."""
        rows = await self._connection.execute(
            select(*_FACTS)
            .where(
                AgreementRow.case_id == case_id,
                AgreementRow.status != AgreementStatus.DONE.value,
            )
            .order_by(AgreementRow.meeting_id, AgreementRow.seq)
        )
        return [_facts(row) for row in rows]

    async def set_status(
        self,
        agreement_id: int,
        status: AgreementStatus,
        now: dt.datetime,
        *,
        note: str | None = None,
    ) -> None:
        values: dict[str, Any] = {"status": status.value, "status_at": now}
        if note is not None:
            values["status_note"] = note
        await self._connection.execute(
            update(AgreementRow).where(AgreementRow.id == agreement_id).values(**values)
        )

    async def set_note(self, agreement_id: int, note: str) -> None:
        await self._connection.execute(
            update(AgreementRow).where(AgreementRow.id == agreement_id).values(status_note=note)
        )

    async def set_owner(
        self, agreement_id: int, *, name: str, role: str, user_id: int | None
    ) -> None:
        await self._connection.execute(
            update(AgreementRow)
            .where(AgreementRow.id == agreement_id)
            .values(owner_name=name, owner_role=role, owner_user_id=user_id)
        )

    async def set_due(self, agreement_id: int, due: dt.date | None, *, ongoing: bool) -> None:
        await self._connection.execute(
            update(AgreementRow)
            .where(AgreementRow.id == agreement_id)
            .values(due=due, ongoing=ongoing)
        )


def _facts(row: Row[Any]) -> AgreementFacts:
    return AgreementFacts(
        id=row.id,
        meeting_id=row.meeting_id,
        seq=row.seq,
        what=row.what,
        owner_name=row.owner_name,
        owner_user_id=row.owner_user_id,
        due=row.due,
        ongoing=row.ongoing,
        status=AgreementStatus(row.status),
        note=row.status_note,
        status_at=row.status_at,
    )
