"""Consent records: the parents (or the pupil) agreed to share the case with a professional."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from .models import ConsentRow


@dataclass(frozen=True)
class Consent:
    id: int
    case_id: int
    professional_user_id: int
    professional_name: str
    given_by: str  # "parents" or "pupil"
    purpose: str
    recorded_by: int
    given_at: dt.datetime
    withdrawn_at: dt.datetime | None


_COLUMNS = (
    ConsentRow.id,
    ConsentRow.case_id,
    ConsentRow.professional_user_id,
    ConsentRow.professional_name,
    ConsentRow.given_by,
    ConsentRow.purpose,
    ConsentRow.recorded_by,
    ConsentRow.given_at,
    ConsentRow.withdrawn_at,
)


class ConsentRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def record(
        self,
        case_id: int,
        *,
        professional_user_id: int,
        professional_name: str,
        given_by: str,
        purpose: str,
        recorded_by: int,
        now: dt.datetime,
    ) -> Consent:
        """A new consent; one still in force for the same person is withdrawn by it."""
        await self.withdraw(case_id, professional_user_id, now)
        consent = Consent(
            id=0,
            case_id=case_id,
            professional_user_id=professional_user_id,
            professional_name=professional_name,
            given_by=given_by,
            purpose=purpose,
            recorded_by=recorded_by,
            given_at=now,
            withdrawn_at=None,
        )
        values = {k: v for k, v in dataclasses.asdict(consent).items() if k != "id"}
        new_id = (
            await self._connection.execute(
                insert(ConsentRow).values(values).returning(ConsentRow.id)
            )
        ).scalar_one()
        return dataclasses.replace(consent, id=new_id)

    async def withdraw(self, case_id: int, professional_user_id: int, now: dt.datetime) -> bool:
        """Withdraw the consent in force for this person; False if there was none."""
        withdrawn = await self._connection.execute(
            update(ConsentRow)
            .where(
                ConsentRow.case_id == case_id,
                ConsentRow.professional_user_id == professional_user_id,
                ConsentRow.withdrawn_at.is_(None),
            )
            .values(withdrawn_at=now)
            .returning(ConsentRow.id)
        )
        return withdrawn.first() is not None

    async def in_force(self, case_id: int) -> list[Consent]:
        rows = await self._connection.execute(
            select(*_COLUMNS)
            .where(ConsentRow.case_id == case_id, ConsentRow.withdrawn_at.is_(None))
            .order_by(ConsentRow.id)
        )
        return [Consent(*row) for row in rows]

    async def of_case(self, case_id: int) -> list[Consent]:
        """Every consent, withdrawn ones included (the export and the trail)."""
        rows = await self._connection.execute(
            select(*_COLUMNS).where(ConsentRow.case_id == case_id).order_by(ConsentRow.id)
        )
        return [Consent(*row) for row in rows]
