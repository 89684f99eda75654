"""The outbox, forum topics, removed groups; group titles are no longer kept.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

- `outbox`: every Bot API call the bot owes a chat, stored with the state
  change that caused it and delivered once by the one sender.
- `meetings.thread_id`: the forum topic a meeting runs in.
- `chats.removed_at`: set while the bot is out of the group.
- `chats.title` is dropped: schools name groups after the child.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = "status = 'pending'"


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("thread_id", sa.BigInteger(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("prompt", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name="fk_outbox_meeting_id_meetings",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_outbox_meeting_id", "outbox", ["meeting_id"])
    op.create_index(
        "ix_outbox_pending_chat_id",
        "outbox",
        ["chat_id", "id"],
        sqlite_where=sa.text(PENDING),
        postgresql_where=sa.text(PENDING),
    )
    op.create_index("ix_outbox_chat_id_sent_at", "outbox", ["chat_id", "sent_at"])
    # batch_alter_table: SQLite cannot drop a column in place; Alembic copies the table.
    with op.batch_alter_table("meetings") as meetings:
        meetings.add_column(sa.Column("thread_id", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("chats") as chats:
        chats.add_column(sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True))
        chats.drop_column("title")


def downgrade() -> None:
    with op.batch_alter_table("chats") as chats:
        chats.add_column(sa.Column("title", sa.String(255), nullable=True))
        chats.drop_column("removed_at")
    with op.batch_alter_table("meetings") as meetings:
        meetings.drop_column("thread_id")
    op.drop_table("outbox")
