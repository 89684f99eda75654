"""Everything stored about one case, as one JSON document (the right of access).

Versioned (`FORMAT`, `VERSION`) so that a school's archive can still read an
export of an older bot: the case, each meeting with its complete state in the
codec's own format (`codec.py`), the agreements with where they stand, the
reminders, the evaluations (the private conversation included), the consents
and the audit trail. Dates and times are ISO 8601. The HTML reports of the finished
meetings go along as separate documents (rendered in bot/case_commands.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .codec import decode_state, encode_state
from .models import (
    AgreementRow,
    AuditEntry,
    Case,
    ConsentRow,
    EvaluationRow,
    FamilyMemberRow,
    HomeContributionRow,
    InviteRow,
    Meeting,
    ReminderRow,
)

FORMAT = "rondetafel-case"
VERSION = 1


class CaseExportReader:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def case_data(self, case_id: int, now: dt.datetime) -> dict[str, Any] | None:
        """The case's complete data, JSON-ready; None if there is no such case."""
        case = (await self._session.execute(select(Case).where(Case.id == case_id))).scalar()
        if case is None:
            return None
        return {
            "format": FORMAT,
            "version": VERSION,
            "exported_at": _iso(now),
            "case": _row(case, skip=("school_id",)),
            "meetings": [
                {**_row(m, skip=("state",)), "state": encode_state(decode_state(m.state))}
                for m in await self._all(Meeting, Meeting.case_id == case_id, Meeting.id)
            ],
            "agreements": [
                _row(a)
                for a in await self._all(
                    AgreementRow, AgreementRow.case_id == case_id, AgreementRow.id
                )
            ],
            "reminders": [
                _row(r)
                for r in await self._all(
                    ReminderRow, ReminderRow.case_id == case_id, ReminderRow.id
                )
            ],
            "evaluations": [
                _row(e)
                for e in await self._all(
                    EvaluationRow, EvaluationRow.case_id == case_id, EvaluationRow.id
                )
            ],
            # The invitations without their token's hash: it opens nothing, but it is no one's data.
            "invites": [
                _row(i, skip=("token_hash",))
                for i in await self._all(InviteRow, InviteRow.case_id == case_id, InviteRow.id)
            ],
            "family_members": [
                _row(m, skip=("prompt", "kind", "contribution_id"))
                for m in await self._all(
                    FamilyMemberRow, FamilyMemberRow.case_id == case_id, FamilyMemberRow.id
                )
            ],
            "home_contributions": [
                _row(c)
                for c in await self._all(
                    HomeContributionRow,
                    HomeContributionRow.case_id == case_id,
                    HomeContributionRow.id,
                )
            ],
            "consents": [
                _row(c)
                for c in await self._all(ConsentRow, ConsentRow.case_id == case_id, ConsentRow.id)
            ],
            "audit": [
                _row(e)
                for e in await self._all(AuditEntry, AuditEntry.case_id == case_id, AuditEntry.id)
            ],
        }

    async def _all(self, model: Any, where: Any, order: Any) -> list[Any]:
        return list(await self._session.scalars(select(model).where(where).order_by(order)))


def _row(obj: Any, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every column of a model object, by column name, with dates as ISO text."""
    table = obj.__table__
    return {c.key: _json(getattr(obj, c.key)) for c in table.columns if c.key not in skip}


def _json(value: Any) -> Any:
    return _iso(value) if isinstance(value, dt.date) else value


def _iso(value: dt.date) -> str:
    return value.isoformat()
