"""Forgetting a case: everything stored about it goes, in one transaction.

A case is erased when its chair asks (/forget) and when it has been kept
long enough: closed cases `retention_months` after closing, open cases that
long after their last meeting (the Dutch norm for a pupil file is two years
after the pupil left; see docs/privacy). What remains is one `Erasure` row:
when, why, and how many rows went — nothing that says whose they were.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from sqlalchemy import Delete, and_, delete, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from .db import changed_rows
from .models import (
    MEETING_IS_ACTIVE,
    AgreementRow,
    AuditEntry,
    BotMessage,
    Case,
    ConsentRow,
    Erasure,
    EvaluationRow,
    FamilyMemberRow,
    HomeContributionRow,
    InviteRow,
    Meeting,
    OutboxRow,
    ParkedUpdate,
    ReminderRow,
)

FORGET, RETENTION = "forget", "retention"
# Marks an outbox row that is about a case but not about one of its meetings
# (an export sent to a private chat, a reply to a case command), so that
# erasing the case finds it. The sender does not read it.
CASE_KEY = "case"


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day and time `months` calendar months earlier (31 March - 1 month = 28/29 Feb)."""
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


class ErasureRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection
        # Whether this transaction erased meetings (their states leave memory too).
        self.erased = False

    async def erase(self, case_id: int, reason: str, now: dt.datetime) -> int | None:
        """Erase the case and everything linked to it; how many rows went.

        None if the case is gone already (a second press, a second worker):
        it is erased once, and recorded once.
        """
        # On PostgreSQL a second erasure of the same case waits here and then
        # finds the row gone; SQLite serialises the writing transactions anyway.
        case = (
            await self._connection.execute(
                select(Case.chat_id, Case.closed_at).where(Case.id == case_id).with_for_update()
            )
        ).one_or_none()
        if case is None:
            return None
        self.erased = True
        meetings = select(Meeting.id).where(Meeting.case_id == case_id).scalar_subquery()
        statements: list[Delete] = [
            delete(OutboxRow).where(OutboxRow.meeting_id.in_(meetings)),
            delete(BotMessage).where(BotMessage.meeting_id.in_(meetings)),
            delete(ReminderRow).where(ReminderRow.case_id == case_id),
            delete(EvaluationRow).where(EvaluationRow.case_id == case_id),
            delete(HomeContributionRow).where(HomeContributionRow.case_id == case_id),
            delete(FamilyMemberRow).where(FamilyMemberRow.case_id == case_id),
            delete(InviteRow).where(InviteRow.case_id == case_id),
            delete(AgreementRow).where(AgreementRow.case_id == case_id),
            delete(ConsentRow).where(ConsentRow.case_id == case_id),
            delete(AuditEntry).where(AuditEntry.case_id == case_id),
            delete(Meeting).where(Meeting.case_id == case_id),
            delete(Case).where(Case.id == case_id),
        ]
        removed = await self._forget_case_rows(case_id, case.chat_id, case.closed_at)
        # Updates of the group still waiting to be handled: in transit, but stored.
        removed += changed_rows(
            await self._connection.execute(
                delete(ParkedUpdate).where(ParkedUpdate.chat_id == case.chat_id)
            )
        )
        for statement in statements:
            removed += changed_rows(await self._connection.execute(statement))
        await self._connection.execute(
            insert(Erasure).values(reason=reason, records=removed, at=now)
        )
        return removed

    async def _forget_case_rows(
        self, case_id: int, chat_id: int, closed_at: dt.datetime | None
    ) -> int:
        """Outbox rows about the case that name no meeting: the group's, and private ones.

        Only the group's own rows, and of those only rows from before the case
        closed (a later row belongs to the group's next case) or marked for
        this case; in private chats only the rows marked for this case.
        """
        rows = await self._connection.execute(
            select(OutboxRow.id, OutboxRow.chat_id, OutboxRow.payload, OutboxRow.created_at).where(
                OutboxRow.meeting_id.is_(None),
                # Private chats have positive ids, groups negative ones.
                or_(OutboxRow.chat_id == chat_id, OutboxRow.chat_id > 0),
            )
        )
        # Matching the mark here keeps the query free of JSON operators, which
        # differ between SQLite and PostgreSQL; rows that name no meeting are few.
        doomed = [
            row_id
            for row_id, row_chat, payload, created_at in rows
            if _about_case(payload, case_id)
            or (
                row_chat == chat_id
                and CASE_KEY not in payload
                and (closed_at is None or created_at <= closed_at)
            )
        ]
        if not doomed:
            return 0
        result = await self._connection.execute(delete(OutboxRow).where(OutboxRow.id.in_(doomed)))
        return changed_rows(result)

    async def due_for_retention(self, now: dt.datetime, months: int) -> list[int]:
        """Cases kept `months` long enough: closed that long ago, or open with no
        meeting (or, without meetings, no creation) since. A case with a meeting
        running is never due."""
        cutoff = months_before(now, months)
        running = select(Meeting.id).where(Meeting.case_id == Case.id, MEETING_IS_ACTIVE).exists()
        last_meeting = (
            select(func.max(Meeting.updated_at)).where(Meeting.case_id == Case.id).scalar_subquery()
        )
        closed_long_ago = and_(Case.closed_at.is_not(None), Case.closed_at < cutoff)
        idle_long = and_(
            Case.closed_at.is_(None), func.coalesce(last_meeting, Case.created_at) < cutoff
        )
        ids = await self._connection.scalars(
            select(Case.id).where(or_(closed_long_ago, idle_long), ~running).order_by(Case.id)
        )
        return list(ids)

    async def erase_caseless(self, now: dt.datetime, months: int) -> int:
        """Meetings that never got a pupil (stopped before one was named), kept `months`
        since their last change: they hold names and user ids, and no case takes them."""
        cutoff = months_before(now, months)
        old = select(Meeting.id).where(
            Meeting.case_id.is_(None), ~MEETING_IS_ACTIVE, Meeting.updated_at < cutoff
        )
        ids = list(await self._connection.scalars(old))
        if not ids:
            return 0
        self.erased = True
        removed = 0
        for statement in (
            delete(OutboxRow).where(OutboxRow.meeting_id.in_(ids)),
            delete(BotMessage).where(BotMessage.meeting_id.in_(ids)),
            delete(Meeting).where(Meeting.id.in_(ids)),
        ):
            removed += changed_rows(await self._connection.execute(statement))
        await self._connection.execute(
            insert(Erasure).values(reason=RETENTION, records=removed, at=now)
        )
        return removed


def _about_case(payload: dict[str, Any], case_id: int) -> bool:
    return payload.get(CASE_KEY) == case_id
