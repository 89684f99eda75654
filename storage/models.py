"""The tables, as typed SQLAlchemy models.

The migrations in `migrations/versions/` create exactly this schema (a test
compares them). Repositories use these classes to build statements and return
plain dataclasses, so no ORM object leaves the storage layer.

Telegram ids (chats, users, messages) are BigInteger: supergroup ids such as
-1001234567890123 need more than 32 bits.

Free text (names, answers, agreements, what the outbox will send) is
`EncryptedText` / `EncryptedJSON` (`crypto.py`): sealed on the way in, opened
on the way out, so nothing above this layer sees ciphertext. Such columns can
be read and written but not compared in a query: a value seals differently
every time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.expression import false
from sqlalchemy.types import TypeDecorator

from rondetafel.flows.state import ACTIVE

from .crypto import EncryptedJSON, EncryptedText

# Constraint names follow one pattern, so a later migration can name (and
# drop) a constraint without looking it up in each database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

PSEUDONYM_LENGTH = 32
NAME_LENGTH = 255
LANGUAGE_LENGTH = 8
TAG_LENGTH = 32


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware timestamp that reads back aware on every engine.

    SQLite has no time zone type: SQLAlchemy stores its DateTime as text
    without an offset and returns naive values. Storing UTC and attaching UTC
    on the way out makes SQLite and PostgreSQL return the same values.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"refusing a naive datetime ({value}): pass an aware one")
        return value.astimezone(dt.UTC)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dt.datetime: UTCDateTime}


class School(Base):
    """One school per deployment today; the column is there so cases never mix."""

    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Chat(Base):
    """A Telegram group the bot is in, and the language it talks there.

    No title: schools name groups after the child. `removed_at` is set while the
    bot is out of the group; the outbox holds what it owes the group until then.
    """

    __tablename__ = "chats"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    language: Mapped[str] = mapped_column(String(LANGUAGE_LENGTH), server_default="nl")
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    removed_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # A person's private chat: what parents bring in reaches them once a day
    # (at REMINDERS_AT) instead of one message each.
    digest: Mapped[bool] = mapped_column(Boolean, server_default=false())


class Case(Base):
    """One pupil, by initials or pseudonym only, followed over many meetings.

    A group holds one open case (`uq_cases_open_chat_id` below).
    """

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    # Encrypted, so no length in the database: cases.py checks PSEUDONYM_LENGTH.
    pseudonym: Mapped[str] = mapped_column(EncryptedText("cases.pseudonym"))
    created_at: Mapped[dt.datetime]
    closed_at: Mapped[dt.datetime | None]


class Meeting(Base):
    """One meeting: the serialized `MeetingState` plus the columns queries need.

    `status`, `kind`, `language` and the dates repeat what is in `state`, so
    that the database can filter on them; they are written together with it.
    `version` is the optimistic lock: every save bumps it, and a save from an
    older version changes nothing (see `MeetingRepository.save`).
    """

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    # The forum topic the meeting was started in: all its messages go there.
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    kind: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(LANGUAGE_LENGTH))
    state: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("meetings.state"))
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime]
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
    evaluation_date: Mapped[dt.date | None] = mapped_column(Date)
    updated_at: Mapped[dt.datetime]


# Partial unique indexes (SQLite and PostgreSQL both have them): a group has
# at most one open case and at most one active meeting. The repositories check
# first; these hold when two updates race past the check at the same moment,
# and the loser's insert fails (and is retried, see `unit_of_work`).
_OPEN_CASE = Case.closed_at.is_(None)
Index(
    "uq_cases_open_chat_id",
    Case.chat_id,
    unique=True,
    sqlite_where=_OPEN_CASE,
    postgresql_where=_OPEN_CASE,
)
# One definition of "active" for the index and for the queries (flows.state.ACTIVE).
MEETING_IS_ACTIVE = Meeting.status.in_(sorted(status.value for status in ACTIVE))
Index(
    "uq_meetings_active_chat_id",
    Meeting.chat_id,
    unique=True,
    sqlite_where=MEETING_IS_ACTIVE,
    postgresql_where=MEETING_IS_ACTIVE,
)


class AgreementRow(Base):
    """An agreement of a finished meeting, copied out of its state.

    Written once when the meeting finishes, so that reminders and evaluations
    can ask "what is due, per case" without reading every meeting's JSON. The
    owner is copied by name and role because participants live in the state.
    """

    __tablename__ = "agreements"
    __table_args__ = (UniqueConstraint("meeting_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    what: Mapped[str] = mapped_column(EncryptedText("agreements.what"))
    owner_name: Mapped[str | None] = mapped_column(EncryptedText("agreements.owner_name"))
    owner_role: Mapped[str | None] = mapped_column(String(16))
    owner_user_id: Mapped[int | None] = mapped_column(BigInteger)
    due: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime]
    # Ongoing ("doorlopend"): asked about once before the evaluation, never "due".
    ongoing: Mapped[bool] = mapped_column(Boolean, server_default=false())
    # Where it stands, as its owner last answered a reminder (`flows.follow_up`);
    # the note is theirs and the export's, never the group's.
    status: Mapped[str] = mapped_column(String(16), server_default="open")
    status_note: Mapped[str | None] = mapped_column(EncryptedText("agreements.status_note"))
    status_at: Mapped[dt.datetime | None]


class BotMessage(Base):
    """A message the bot posted for a meeting and will edit later, by tag ("join")."""

    __tablename__ = "bot_messages"
    __table_args__ = (UniqueConstraint("meeting_id", "tag"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    tag: Mapped[str] = mapped_column(String(TAG_LENGTH))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class OutboxRow(Base):
    """One Bot API call the bot owes a chat, stored with the state change that caused it.

    Rows of one chat are delivered in `id` order by the one sender (`bot/sender.py`).
    `status` is pending until delivered (done), refused for good (failed), or
    replaced by a newer prompt (dropped). `sent_at` of delivered rows is the
    group's send budget, so it survives a restart. `prompt` marks a row that
    asks someone something (a question or buttons): when the meeting's prompt
    is posted anew, a prompt still pending is dropped instead of posted twice.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    method: Mapped[str] = mapped_column(String(16))
    payload: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("outbox.payload"))
    prompt: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[dt.datetime]
    created_at: Mapped[dt.datetime]
    sent_at: Mapped[dt.datetime | None]
    message_id: Mapped[int | None] = mapped_column(BigInteger)


OUTBOX_PENDING = "pending"
OUTBOX_DROPPED = "dropped"
_IS_PENDING = OutboxRow.status == OUTBOX_PENDING
# The sender's two questions: "what is pending, per chat, oldest first" (a
# small partial index: pending rows are few) and "what did this chat get in
# the last minute" (the budget).
Index(
    "ix_outbox_pending_chat_id",
    OutboxRow.chat_id,
    OutboxRow.id,
    sqlite_where=_IS_PENDING,
    postgresql_where=_IS_PENDING,
)
Index("ix_outbox_chat_id_sent_at", OutboxRow.chat_id, OutboxRow.sent_at)


class ConsentRow(Base):
    """Consent to share a case with one external professional: who agreed, when, for what.

    Recorded by the chair before the professional joins (parents, or the pupil
    from `pupil_consent_age`). A withdrawn consent keeps its row, so the trail
    shows it was once given; from `withdrawn_at` the professional gets nothing new.
    """

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    professional_user_id: Mapped[int] = mapped_column(BigInteger)
    professional_name: Mapped[str] = mapped_column(EncryptedText("consents.professional_name"))
    # "parents" or "pupil": who agreed.
    given_by: Mapped[str] = mapped_column(String(16))
    purpose: Mapped[str] = mapped_column(EncryptedText("consents.purpose"))
    recorded_by: Mapped[int] = mapped_column(BigInteger)
    given_at: Mapped[dt.datetime]
    withdrawn_at: Mapped[dt.datetime | None]


class AuditEntry(Base):
    """Who did what, when, on which case: never what they typed.

    `action` is a `flows.audit.Action` value. Erasing a case erases its
    entries; an `Erasure` row keeps how many there were.
    """

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(32))
    at: Mapped[dt.datetime]


class HandledUpdate(Base):
    """A Telegram update whose effect is stored, written in the same transaction.

    Long polling confirms updates only in order (`bot/polling.py`): after a
    restart Telegram hands out again every update after the last confirmed
    one, some of which were already handled. Only ids and times: kept two days
    (Telegram keeps an update for 24 hours).
    """

    __tablename__ = "handled_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime]


class ParkedUpdate(Base):
    """An update fetched and not yet handled, stored so that it may be confirmed.

    Telegram hands out at most 100 updates per getUpdates call and only after
    the ones it handed out before are confirmed; when that many wait for the
    CPU, they are parked here (encrypted: they hold what people typed) and
    confirmed, so that a new press is fetched at once (`bot/polling.py`). A
    row goes when its update is handled; on start, what is left is handled first.
    """

    __tablename__ = "parked_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    data: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("parked_updates.data"))
    at: Mapped[dt.datetime]


class ReminderRow(Base):
    """A message the bot owes a person at a time: about an agreement, or the evaluation.

    Not an outbox row yet: when it is due, the reminder loop (`bot/reminder_loop.py`)
    claims it and decides (quiet hours, already done, reachable at all), and
    only then stores what to send as outbox rows, in the claiming transaction.
    `status`: pending → sent (→ noting while a note is awaited → answered), or
    cancelled (done already, replaced by a new plan), or undeliverable (no
    private chat: the group got a neutral mention).
    """

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    # None for the evaluation of the meeting's plan.
    agreement_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    due_at: Mapped[dt.datetime]
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime]
    sent_at: Mapped[dt.datetime | None]


REMINDER_PENDING = "pending"
_REMINDER_IS_PENDING = ReminderRow.status == REMINDER_PENDING
# The loop's one question, "what is due, oldest first": pending rows only, so the
# index stays small however many reminders were sent before (docs/reminders.md
# shows the plan with a million pending).
Index(
    "ix_reminders_pending_due_at",
    ReminderRow.due_at,
    ReminderRow.id,
    sqlite_where=_REMINDER_IS_PENDING,
    postgresql_where=_REMINDER_IS_PENDING,
)


class EvaluationRow(Base):
    """The evaluation of one meeting's plan: who evaluates, when, and the private conversation.

    `state` is `flows.evaluation.EvaluationState` as JSON (encrypted), None
    until the conversation starts. One per meeting: a second plan is a second meeting.
    """

    __tablename__ = "evaluations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), unique=True
    )
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    evaluator_name: Mapped[str] = mapped_column(EncryptedText("evaluations.evaluator_name"))
    due: Mapped[dt.date] = mapped_column(Date)
    state: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON("evaluations.state"))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime]
    completed_at: Mapped[dt.datetime | None]


class InviteRow(Base):
    """A single-use link for a parent (or the pupil's relay) to join a case in private.

    Only the token's SHA-256 is stored: the link itself exists in the inviter's
    private chat and wherever they passed it on. A random 192-bit token needs no
    key to hash (nothing to guess), and a leaked table opens no case.
    """

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    relation: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    used_by: Mapped[int | None] = mapped_column(BigInteger)
    used_at: Mapped[dt.datetime | None]


class FamilyMemberRow(Base):
    """A parent (or relay) linked to a case, and where their private conversation stands.

    `confirmed_at` is None until they read what is stored and agreed; only then
    may they bring anything in. `prompt` (flows.prompts.FamilyPrompt) is what
    their chat waits for, with the kind being written or the contribution being
    changed. `left_at` is set by /stop when they let the school keep what they shared.
    """

    __tablename__ = "family_members"
    __table_args__ = (UniqueConstraint("case_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    relation: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(EncryptedText("family_members.name"))
    language: Mapped[str] = mapped_column(String(LANGUAGE_LENGTH))
    prompt: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str | None] = mapped_column(String(8))
    contribution_id: Mapped[int | None] = mapped_column(Integer)
    # The private message that asks for their words: its Cancel button goes once they came.
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime]
    confirmed_at: Mapped[dt.datetime | None]
    left_at: Mapped[dt.datetime | None]


class HomeContributionRow(Base):
    """What a parent brought in from home for the next meeting, as they wrote it.

    `meeting_id` is set when a meeting read it in: from then on it is part of
    that meeting's record and the parent can no longer change it. `notify_user_id`
    is who hears of it (the case's mentor, else its chair), `notified_at` when.
    """

    __tablename__ = "home_contributions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("family_members.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(EncryptedText("home_contributions.text"))
    language: Mapped[str] = mapped_column(String(LANGUAGE_LENGTH))
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    meeting_id: Mapped[int | None] = mapped_column(Integer)
    notify_user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    notified_at: Mapped[dt.datetime | None]


class Erasure(Base):
    """What is left of an erased case: when, why ("forget" or "retention"), how many rows."""

    __tablename__ = "erasures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reason: Mapped[str] = mapped_column(String(16))
    records: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime]
