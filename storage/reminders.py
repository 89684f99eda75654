"""Reminders: what the bot owes a person at a time, claimed exactly once when due.

The reminder loop (`bot/reminder_loop.py`) claims due rows in its own
transaction and, in that same transaction, stores what to send as outbox rows
and the reminder's new status. A crash before the commit leaves the rows
pending (claimed again, sent once); after it, the outbox delivers them once.
On PostgreSQL the claim is `FOR UPDATE SKIP LOCKED`, so several bots never
claim the same row and never wait for each other; SQLite has one writer at a
time, and the claim's guard (`status = 'pending'` in the UPDATE) makes a
second claim of a row find nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from rondetafel.flows.reminder_plan import Planned, ReminderKind

from .db import changed_rows
from .models import REMINDER_PENDING, ReminderRow

PENDING = REMINDER_PENDING
# Inside the claiming transaction only: never committed as such.
CLAIMED = "claimed"
SENT = "sent"
# A note was asked for; the person's next words in the private chat are it.
NOTING = "noting"
ANSWERED = "answered"
CANCELLED = "cancelled"
UNDELIVERABLE = "undeliverable"


@dataclass(frozen=True)
class Reminder:
    id: int
    case_id: int
    meeting_id: int
    agreement_id: int | None
    kind: ReminderKind
    user_id: int
    due_at: dt.datetime
    status: str
    # When it last reached its person (None: never; a snoozed one has it).
    sent_at: dt.datetime | None = None


_COLUMNS: tuple[Any, ...] = (
    ReminderRow.id,
    ReminderRow.case_id,
    ReminderRow.meeting_id,
    ReminderRow.agreement_id,
    ReminderRow.kind,
    ReminderRow.user_id,
    ReminderRow.due_at,
    ReminderRow.status,
    ReminderRow.sent_at,
)


class ReminderRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(
        self, case_id: int, meeting_id: int, planned: Sequence[Planned], now: dt.datetime
    ) -> None:
        if not planned:
            return
        await self._connection.execute(
            insert(ReminderRow),
            [
                {
                    "case_id": case_id,
                    "meeting_id": meeting_id,
                    "agreement_id": p.agreement_id,
                    "kind": p.kind.value,
                    "user_id": p.user_id,
                    "due_at": p.at,
                    "status": PENDING,
                    "created_at": now,
                }
                for p in planned
            ],
        )

    async def claim_due(self, now: dt.datetime, limit: int) -> list[Reminder]:
        """The oldest due reminders, at most `limit`, now this transaction's alone.

        The caller must give each one its next status before committing.
        """
        due = (
            select(ReminderRow.id)
            # The status as a literal, not a parameter: PostgreSQL matches a query to a
            # partial index only when it sees the value, which a generic plan (forced
            # by a pooler or `plan_cache_mode`) would hide, and then scans the table.
            .where(
                ReminderRow.status == literal(PENDING, literal_execute=True),
                ReminderRow.due_at <= now,
            )
            .order_by(ReminderRow.due_at, ReminderRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        ids = list(await self._connection.scalars(due))
        if not ids:
            return []
        rows = await self._connection.execute(
            update(ReminderRow)
            .where(ReminderRow.id.in_(ids), ReminderRow.status == PENDING)
            .values(status=CLAIMED)
            .returning(*_COLUMNS)
        )
        return sorted((_reminder(row) for row in rows), key=lambda r: (r.due_at, r.id))

    async def get(self, reminder_id: int) -> Reminder | None:
        row = (
            await self._connection.execute(select(*_COLUMNS).where(ReminderRow.id == reminder_id))
        ).one_or_none()
        return None if row is None else _reminder(row)

    async def set_status(
        self, reminder_id: int, status: str, *, sent_at: dt.datetime | None = None
    ) -> None:
        values: dict[str, Any] = {"status": status}
        if sent_at is not None:
            values["sent_at"] = sent_at
        if status == UNDELIVERABLE:
            values["sent_at"] = None  # it never reached the person after all
        if status == NOTING:
            await self._end_earlier_note(reminder_id)
        await self._connection.execute(
            update(ReminderRow).where(ReminderRow.id == reminder_id).values(**values)
        )

    async def _end_earlier_note(self, reminder_id: int) -> None:
        """A person's next words are one note: asking for this one ends the wait for another.

        Otherwise an earlier ask whose note was never typed would still wait, and
        `noting_for` would pick whichever reminder was sent last, not asked last.
        """
        person = select(ReminderRow.user_id).where(ReminderRow.id == reminder_id)
        await self._connection.execute(
            update(ReminderRow)
            .where(
                ReminderRow.user_id == person.scalar_subquery(),
                ReminderRow.status == NOTING,
                ReminderRow.id != reminder_id,
            )
            .values(status=ANSWERED)
        )

    async def postpone(self, reminder_id: int, due_at: dt.datetime) -> None:
        """Back to pending, due later (quiet hours, a snooze)."""
        await self._connection.execute(
            update(ReminderRow)
            .where(ReminderRow.id == reminder_id)
            .values(status=PENDING, due_at=due_at)
        )

    async def cancel_for_agreement(self, agreement_id: int) -> int:
        """Pending reminders of the agreement: a new plan replaces them, or it is done."""
        result = await self._connection.execute(
            update(ReminderRow)
            .where(ReminderRow.agreement_id == agreement_id, ReminderRow.status == PENDING)
            .values(status=CANCELLED)
        )
        return changed_rows(result)

    async def cancel_for_case(self, case_id: int) -> int:
        """The case is closed: what is still pending goes."""
        result = await self._connection.execute(
            update(ReminderRow)
            .where(ReminderRow.case_id == case_id, ReminderRow.status == PENDING)
            .values(status=CANCELLED)
        )
        return changed_rows(result)

    async def cancel_evaluation(self, meeting_id: int) -> int:
        result = await self._connection.execute(
            update(ReminderRow)
            .where(
                ReminderRow.meeting_id == meeting_id,
                ReminderRow.agreement_id.is_(None),
                ReminderRow.status == PENDING,
            )
            .values(status=CANCELLED)
        )
        return changed_rows(result)

    async def noting_for(self, user_id: int) -> Reminder | None:
        """The reminder whose note this person was asked for last, if any."""
        row = (
            await self._connection.execute(
                select(*_COLUMNS)
                .where(ReminderRow.user_id == user_id, ReminderRow.status == NOTING)
                .order_by(ReminderRow.sent_at.desc(), ReminderRow.id.desc())
                .limit(1)
            )
        ).one_or_none()
        return None if row is None else _reminder(row)

    async def undeliverable_for(self, user_id: int, now: dt.datetime) -> int:
        """The person opened the private chat: what could not reach them is due again now."""
        result = await self._connection.execute(
            update(ReminderRow)
            .where(ReminderRow.user_id == user_id, ReminderRow.status == UNDELIVERABLE)
            .values(status=PENDING, due_at=now)
        )
        return changed_rows(result)

    async def of_case(self, case_id: int) -> list[Reminder]:
        rows = await self._connection.execute(
            select(*_COLUMNS).where(ReminderRow.case_id == case_id).order_by(ReminderRow.id)
        )
        return [_reminder(row) for row in rows]


def _reminder(row: Row[Any]) -> Reminder:
    return Reminder(
        id=row.id,
        case_id=row.case_id,
        meeting_id=row.meeting_id,
        agreement_id=row.agreement_id,
        kind=ReminderKind(row.kind),
        user_id=row.user_id,
        due_at=row.due_at,
        status=row.status,
        sent_at=row.sent_at,
    )
