"""The evaluation of a meeting's plan: who evaluates, when, and the conversation so far.

The conversation itself is `flows.evaluation` (pure); this stores its state,
encrypted, between one private message and the next.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from .models import EvaluationRow

WAITING = "waiting"  # planned; the conversation starts on its date
ASKING = "asking"  # the conversation is under way in the evaluator's private chat
COMPLETE = "complete"


@dataclass(frozen=True)
class EvaluationRecord:
    id: int
    case_id: int
    meeting_id: int
    user_id: int
    evaluator_name: str
    due: dt.date
    state: dict[str, Any] | None
    status: str
    completed_at: dt.datetime | None


_COLUMNS = (
    EvaluationRow.id,
    EvaluationRow.case_id,
    EvaluationRow.meeting_id,
    EvaluationRow.user_id,
    EvaluationRow.evaluator_name,
    EvaluationRow.due,
    EvaluationRow.state,
    EvaluationRow.status,
    EvaluationRow.completed_at,
)


class EvaluationRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(
        self,
        case_id: int,
        meeting_id: int,
        *,
        user_id: int,
        evaluator_name: str,
        due: dt.date,
        now: dt.datetime,
    ) -> int:
        result = await self._connection.execute(
            insert(EvaluationRow)
            .values(
                case_id=case_id,
                meeting_id=meeting_id,
                user_id=user_id,
                evaluator_name=evaluator_name,
                due=due,
                state=None,
                status=WAITING,
                created_at=now,
            )
            .returning(EvaluationRow.id)
        )
        return int(result.scalar_one())

    async def get(self, evaluation_id: int) -> EvaluationRecord | None:
        return await self._first(EvaluationRow.id == evaluation_id)

    async def of_meeting(self, meeting_id: int) -> EvaluationRecord | None:
        return await self._first(EvaluationRow.meeting_id == meeting_id)

    async def asking(self, user_id: int) -> EvaluationRecord | None:
        """The evaluation this person is answering now, if any (the newest)."""
        row = (
            await self._connection.execute(
                select(*_COLUMNS)
                .where(EvaluationRow.user_id == user_id, EvaluationRow.status == ASKING)
                .order_by(EvaluationRow.id.desc())
                .limit(1)
            )
        ).one_or_none()
        return None if row is None else _record(row)

    async def save(
        self,
        evaluation_id: int,
        state: dict[str, Any],
        status: str,
        *,
        completed_at: dt.datetime | None = None,
    ) -> None:
        await self._connection.execute(
            update(EvaluationRow)
            .where(EvaluationRow.id == evaluation_id)
            .values(state=state, status=status, completed_at=completed_at)
        )

    async def set_evaluator(self, evaluation_id: int, *, user_id: int, name: str) -> None:
        await self._connection.execute(
            update(EvaluationRow)
            .where(EvaluationRow.id == evaluation_id)
            .values(user_id=user_id, evaluator_name=name)
        )

    async def _first(self, *where: Any) -> EvaluationRecord | None:
        row = (
            await self._connection.execute(select(*_COLUMNS).where(*where).limit(1))
        ).one_or_none()
        return None if row is None else _record(row)


def _record(row: Row[Any]) -> EvaluationRecord:
    return EvaluationRecord(
        id=row.id,
        case_id=row.case_id,
        meeting_id=row.meeting_id,
        user_id=row.user_id,
        evaluator_name=row.evaluator_name,
        due=row.due,
        state=row.state,
        status=row.status,
        completed_at=row.completed_at,
    )
