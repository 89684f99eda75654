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

from sqlalchemy import RowMapping, select
from sqlalchemy.ext.asyncio import AsyncConnection

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
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def case_data(self, case_id: int, now: dt.datetime) -> dict[str, Any] | None:
        """The case's complete data, JSON-ready; None if there is no such case."""
        cases = await self._all(Case, Case.id == case_id, Case.id)
        if not cases:
            return None
        case = cases[0]
        return {
            "format": FORMAT,
            "version": VERSION,
            "exported_at": _iso(now),
            "case": _row(case, skip=("school_id",)),
            "meetings": [
                {**_row(m, skip=("state",)), "state": encode_state(decode_state(m["state"]))}
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

    async def _all(self, model: Any, where: Any, order: Any) -> list[RowMapping]:
        """Every column of the model's matching rows, by column name."""
        query = select(model.__table__).where(where).order_by(order)
        return list((await self._connection.execute(query)).mappings())


def _row(row: RowMapping, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every column of a row, with dates as ISO text."""
    return {key: _json(value) for key, value in row.items() if key not in skip}


def _json(value: Any) -> Any:
    return _iso(value) if isinstance(value, dt.date) else value


def _iso(value: dt.date) -> str:
    return value.isoformat()
