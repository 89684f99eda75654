"""The outbox: what the bot owes each chat, stored in the transaction that decided it.

The decider adds rows in the same transaction as the meeting's new state, so
a message is never announced without the state behind it, and never lost when
the process dies before sending it. The sender (`bot/sender.py`) delivers each
chat's rows in order and records the outcome here: delivered rows keep their
`sent_at`, which is the group's send budget across restarts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Row, and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from .db import changed_rows
from .models import OUTBOX_DROPPED as DROPPED
from .models import OUTBOX_PENDING, BotMessage, Chat, OutboxRow

DONE, FAILED = "done", "failed"
# What a row asks of the Bot API (see bot/outgoing.py for what each payload holds).
SEND, EDIT, DOCUMENT, CLEAR = "send", "edit", "document", "clear"
# Payload keys of a row to a private chat that carries a reminder: the reminder's
# id, and the row to owe the group instead if the person cannot be reached
# (an `Outgoing`'s fields), so the sender needs to know nothing about reminders.
REMINDER_KEY, FALLBACK = "reminder", "fallback"


@dataclass(frozen=True)
class Outgoing:
    """A row to add: one Bot API call for one chat."""

    chat_id: int
    method: str
    payload: dict[str, Any]
    thread_id: int | None = None
    meeting_id: int | None = None
    prompt: bool = False
    # Seconds to hold the row back, so that a newer row replacing it can save the call.
    delay: float = 0.0
    # The tag of the message this row edits in full: an older pending edit of it is
    # superseded, because this one carries everything that one would have shown.
    replaces: str | None = None


@dataclass(frozen=True)
class Pending:
    """A row to deliver, as the sender reads it."""

    id: int
    chat_id: int
    thread_id: int | None
    meeting_id: int | None
    method: str
    payload: dict[str, Any] = field(hash=False)
    attempts: int
    due_at: dt.datetime
    # The bot's message an edit or a clear acts on, found by the row's tag when
    # the row is read (None: never delivered, or forgotten when the group moved).
    target: int | None = None


@dataclass(frozen=True)
class Delivery:
    """A row Telegram accepted: `calls` Bot API calls made for it, and the message it made."""

    row_id: int
    at: dt.datetime
    calls: int = 1
    message_id: int | None = None


class OutboxRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(self, rows: Sequence[Outgoing], now: dt.datetime) -> None:
        if not rows:
            return
        for row in rows:
            if row.replaces is not None and row.meeting_id is not None:
                await self._supersede(row.meeting_id, row.method, row.replaces)
        await self._connection.execute(
            _ADD,
            [
                {
                    "chat_id": row.chat_id,
                    "thread_id": row.thread_id,
                    "meeting_id": row.meeting_id,
                    "method": row.method,
                    "payload": row.payload,
                    "prompt": row.prompt,
                    "status": OUTBOX_PENDING,
                    "attempts": 0,
                    "due_at": now + dt.timedelta(seconds=row.delay),
                    "created_at": now,
                }
                for row in rows
            ],
        )

    async def next_for(self, chat_id: int) -> Pending | None:
        """The chat's oldest undelivered row, due or not: a chat's rows go out in order.

        None while the bot is out of the group: its rows wait for its return.
        """
        return (await self.next_for_chats([chat_id])).get(chat_id)

    async def next_for_chats(self, chat_ids: Collection[int]) -> dict[int, Pending]:
        """`next_for` of many chats in two statements, whatever their number.

        The sender's workers settle together (`bot/group_commit.py`): one read
        here answers all of them, where one each would make every worker wait
        for the others' turns on the database.
        """
        if not chat_ids:
            return {}
        found = await self._connection.execute(_NEXT_OF_CHATS, {"chat_ids": list(chat_ids)})
        rows = {row.chat_id: _pending(row) for row in found}
        tagged = {
            (row.meeting_id, row.payload["tag"])
            for row in rows.values()
            if row.method in (EDIT, CLEAR) and row.payload.get("tag") and row.meeting_id is not None
        }
        if not tagged:
            return rows
        targets = {
            (meeting_id, tag): message_id
            for meeting_id, tag, message_id in await self._connection.execute(
                _TAGGED_OF_MEETINGS,
                {
                    "meeting_ids": sorted({meeting_id for meeting_id, _ in tagged}),
                    "tags": sorted({tag for _, tag in tagged}),
                },
            )
        }
        for chat_id, row in rows.items():
            key = (row.meeting_id, row.payload.get("tag"))
            if key in tagged:
                rows[chat_id] = replace(row, target=targets.get(key))
        return rows

    async def chats_with_work(self) -> dict[int, dt.datetime]:
        """Chats the bot is in that are owed something: chat → when its next row is due."""
        rows = await self._connection.execute(
            select(OutboxRow.chat_id, func.min(OutboxRow.due_at))
            .outerjoin(Chat, Chat.chat_id == OutboxRow.chat_id)
            .where(OutboxRow.status == OUTBOX_PENDING, Chat.removed_at.is_(None))
            .group_by(OutboxRow.chat_id)
        )
        return {chat_id: due for chat_id, due in rows}

    async def delivered(
        self, row_id: int, now: dt.datetime, *, calls: int = 1, message_id: int | None = None
    ) -> None:
        """Mark a row done. `calls` Bot API calls were made for it (the budget counts each)."""
        await self.delivered_many([Delivery(row_id, now, calls, message_id)])

    async def delivered_many(self, deliveries: Sequence[Delivery]) -> None:
        """Mark many rows done in one statement (`delivered` of each)."""
        if deliveries:
            await self._connection.execute(
                _DELIVERED,
                [
                    {
                        "row_id": d.row_id,
                        "sent": d.at if d.calls else None,
                        "new_message_id": d.message_id,
                    }
                    for d in deliveries
                ],
            )

    async def retry_at(self, row_id: int, due_at: dt.datetime) -> None:
        await self._connection.execute(
            update(OutboxRow)
            .where(OutboxRow.id == row_id)
            .values(attempts=OutboxRow.attempts + 1, due_at=due_at)
        )

    async def _supersede(self, meeting_id: int, method: str, tag: str) -> None:
        pending = await self._connection.execute(
            _PENDING_OF_MEETING, {"meeting_id": meeting_id, "method": method}
        )
        # Few rows per meeting are ever pending: matching the tag here keeps the
        # query free of JSON operators that differ between SQLite and PostgreSQL.
        older = [row_id for row_id, payload in pending if payload.get("tag") == tag]
        if older:
            await self._connection.execute(_DROP, {"row_ids": older})

    async def failed(self, row_id: int) -> None:
        await self._connection.execute(
            update(OutboxRow).where(OutboxRow.id == row_id).values(status=FAILED)
        )

    async def drop_pending_prompts(self, meeting_id: int) -> None:
        """The meeting's prompt is about to be posted anew: an older one still waiting goes."""
        await self._connection.execute(
            update(OutboxRow)
            .where(
                OutboxRow.meeting_id == meeting_id,
                OutboxRow.status == OUTBOX_PENDING,
                OutboxRow.prompt.is_(True),
            )
            .values(status=DROPPED)
        )

    async def sent_since(self, since: dt.datetime) -> dict[int, list[dt.datetime]]:
        """Per chat, when it was sent something since `since`: the budget, after a restart."""
        rows = await self._connection.execute(
            select(OutboxRow.chat_id, OutboxRow.sent_at)
            .where(OutboxRow.sent_at >= since)
            .order_by(OutboxRow.sent_at)
        )
        sent: dict[int, list[dt.datetime]] = {}
        for chat_id, at in rows:
            if at is not None:
                sent.setdefault(chat_id, []).append(at)
        return sent

    async def forget_delivered(self, before: dt.datetime) -> int:
        """Delivered and given-up rows older than `before` hold nothing anyone needs."""
        result = await self._connection.execute(
            delete(OutboxRow).where(
                OutboxRow.status != OUTBOX_PENDING,
                or_(
                    and_(OutboxRow.sent_at.is_not(None), OutboxRow.sent_at < before),
                    and_(OutboxRow.sent_at.is_(None), OutboxRow.created_at < before),
                ),
            )
        )
        return changed_rows(result)


_PENDING = (
    OutboxRow.id,
    OutboxRow.chat_id,
    OutboxRow.thread_id,
    OutboxRow.meeting_id,
    OutboxRow.method,
    OutboxRow.payload,
    OutboxRow.attempts,
    OutboxRow.due_at,
)

# The statements of every delivery, built once (see storage/meetings.py).
_ADD = insert(OutboxRow)
# Each chat's oldest pending row (the partial index on pending rows answers the
# inner query), but none of a chat the bot is out of.
_NEXT_OF_CHATS = (
    select(*_PENDING)
    .outerjoin(Chat, Chat.chat_id == OutboxRow.chat_id)
    .where(
        OutboxRow.id.in_(
            select(func.min(OutboxRow.id))
            .where(
                OutboxRow.chat_id.in_(bindparam("chat_ids", expanding=True)),
                OutboxRow.status == OUTBOX_PENDING,
            )
            .group_by(OutboxRow.chat_id)
        ),
        Chat.removed_at.is_(None),
    )
)
# The messages edits and clears act on; pairs that match by accident are
# ignored by the caller, which keeps the statement free of row-value syntax.
_TAGGED_OF_MEETINGS = select(BotMessage.meeting_id, BotMessage.tag, BotMessage.message_id).where(
    BotMessage.meeting_id.in_(bindparam("meeting_ids", expanding=True)),
    BotMessage.tag.in_(bindparam("tags", expanding=True)),
)
_PENDING_OF_MEETING = select(OutboxRow.id, OutboxRow.payload).where(
    OutboxRow.meeting_id == bindparam("meeting_id"),
    OutboxRow.method == bindparam("method"),
    OutboxRow.status == OUTBOX_PENDING,
)
_DROP = (
    update(OutboxRow)
    .where(OutboxRow.id.in_(bindparam("row_ids", expanding=True)))
    .values(status=DROPPED)
)
_DELIVERED = (
    update(OutboxRow)
    .where(OutboxRow.id == bindparam("row_id"))
    .values(
        status=DONE,
        sent_at=bindparam("sent", type_=OutboxRow.sent_at.type),
        message_id=bindparam("new_message_id", type_=OutboxRow.message_id.type),
    )
)


def _pending(row: Row[Any]) -> Pending:
    return Pending(
        row.id,
        row.chat_id,
        row.thread_id,
        row.meeting_id,
        row.method,
        row.payload,
        row.attempts,
        row.due_at,
    )
