"""The audit trail of a case: who did what, when. Never what anyone typed.

An entry names the case, the Telegram user (None for what the bot did by
itself) and the action, a short string such as "export" or "close"; the
meeting's own actions are written by the meeting's side. Erasing the case
erases its entries (`erasure.py`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from .models import AuditEntry

# The actions the case's own commands write (bot/case_commands.py).
EXPORTED = "export"
CLOSED = "close"
READ_AUDIT = "read_audit"
# …and what happens between meetings (bot/reminder_loop.py, the private desks).
REMINDER_SENT = "reminder_sent"
REMINDER_UNDELIVERABLE = "reminder_undeliverable"
AGREEMENT_ANSWERED = "agreement_answered"
EVALUATION_STARTED = "evaluation_started"
EVALUATION_COMPLETE = "evaluation_complete"
AGREEMENT_REPLANNED = "agreement_replanned"
EVALUATOR_CHANGED = "evaluator_changed"
# …and the parents' private chat (bot/invite_desk.py, bot/family_desk.py).
INVITED = "invited"
FAMILY_JOINED = "family_joined"
HOME_SHARED = "home_shared"
HOME_CHANGED = "home_changed"
HOME_DELETED = "home_deleted"
FAMILY_LEFT = "family_left"
FAMILY_ERASED = "family_erased"
# Every action written outside the meeting's own (`flows.audit.ACTIONS`).
CASE_ACTIONS = frozenset(
    {
        EXPORTED,
        CLOSED,
        READ_AUDIT,
        REMINDER_SENT,
        REMINDER_UNDELIVERABLE,
        AGREEMENT_ANSWERED,
        EVALUATION_STARTED,
        EVALUATION_COMPLETE,
        AGREEMENT_REPLANNED,
        EVALUATOR_CHANGED,
        INVITED,
        FAMILY_JOINED,
        HOME_SHARED,
        HOME_CHANGED,
        HOME_DELETED,
        FAMILY_LEFT,
        FAMILY_ERASED,
    }
)


@dataclass(frozen=True)
class AuditRecord:
    user_id: int | None
    action: str
    at: dt.datetime


class AuditRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(self, case_id: int, user_id: int | None, action: str, at: dt.datetime) -> None:
        await self._connection.execute(
            _ADD, {"case_id": case_id, "user_id": user_id, "action": action, "at": at}
        )

    async def for_case(self, case_id: int) -> list[AuditRecord]:
        """The case's entries, oldest first."""
        rows = await self._connection.execute(
            select(AuditEntry.user_id, AuditEntry.action, AuditEntry.at)
            .where(AuditEntry.case_id == case_id)
            .order_by(AuditEntry.at, AuditEntry.id)
        )
        return [AuditRecord(user_id, action, at) for user_id, action, at in rows]


# Built once: a line is added in most updates' transactions.
_ADD = insert(AuditEntry)
