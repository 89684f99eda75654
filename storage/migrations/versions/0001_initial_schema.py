"""The first schema: schools, chats, cases, meetings, agreements, bot messages.

Revision ID: 0001
Revises:
Create Date: 2025-11-23

Written by hand, in the order the foreign keys need; names follow the naming
convention in `models.py` (pk_/fk_/uq_/ix_), spelled out so this file reads
the same whatever the models say later.
"""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The meeting statuses flows counts as active (flows.state.ACTIVE) when this
# revision was written. A change there needs a migration that rebuilds the
# index; a test compares this predicate with ACTIVE.
ACTIVE_STATUSES = (
    "status IN ('asking_questions', 'choosing_kind', 'gathering', 'naming_pupil', 'running')"
)


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "schools",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_schools"),
        sa.UniqueConstraint("name", name="uq_schools_name"),
    )
    op.create_table(
        "chats",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("title", sa.String(255), nullable=True),
        sa.Column("language", sa.String(8), server_default="nl", nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("chat_id", name="pk_chats"),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"], name="fk_chats_school_id_schools"),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("pseudonym", sa.String(32), nullable=False),
        _timestamp("created_at"),
        _timestamp("closed_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_cases"),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"], name="fk_cases_school_id_schools"),
    )
    op.create_index("ix_cases_chat_id", "cases", ["chat_id"])
    # One open case per group.
    op.create_index(
        "uq_cases_open_chat_id",
        "cases",
        ["chat_id"],
        unique=True,
        sqlite_where=sa.text("closed_at IS NULL"),
        postgresql_where=sa.text("closed_at IS NULL"),
    )
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=True),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _timestamp("created_at"),
        _timestamp("started_at", nullable=True),
        _timestamp("finished_at", nullable=True),
        sa.Column("evaluation_date", sa.Date(), nullable=True),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_meetings"),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_meetings_case_id_cases", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_meetings_case_id", "meetings", ["case_id"])
    op.create_index("ix_meetings_chat_id", "meetings", ["chat_id"])
    # One active meeting per group.
    op.create_index(
        "uq_meetings_active_chat_id",
        "meetings",
        ["chat_id"],
        unique=True,
        sqlite_where=sa.text(ACTIVE_STATUSES),
        postgresql_where=sa.text(ACTIVE_STATUSES),
    )
    op.create_table(
        "agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("owner_name", sa.String(255), nullable=True),
        sa.Column("owner_role", sa.String(16), nullable=True),
        sa.Column("owner_user_id", sa.BigInteger(), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_agreements"),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name="fk_agreements_meeting_id_meetings",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_agreements_case_id_cases", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("meeting_id", "seq", name="uq_agreements_meeting_id_seq"),
    )
    op.create_index("ix_agreements_case_id", "agreements", ["case_id"])
    op.create_table(
        "bot_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(32), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_bot_messages"),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name="fk_bot_messages_meeting_id_meetings",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("meeting_id", "tag", name="uq_bot_messages_meeting_id_tag"),
    )


def downgrade() -> None:
    # Dropping a table drops its indexes with it; children before parents.
    for table in ("bot_messages", "agreements", "meetings", "cases", "chats", "schools"):
        op.drop_table(table)
