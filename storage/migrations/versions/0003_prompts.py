"""Meetings wait on one prompt: the set-up statuses `choosing_kind` and `asking_questions` go.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

The kind is now chosen on the join message and the meeting's questions are
its first phase, so a meeting that was being set up when the bot was upgraded
goes on gathering people (or naming the pupil, if that had not happened).
The `status` column repeats the state's status, so both are rewritten here,
and the one-active-meeting-per-group index follows the new set of active
statuses. The state itself is upgraded to format 2 by the codec when read.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RETIRED = ("choosing_kind", "asking_questions")
OLD_ACTIVE = (
    "status IN ('asking_questions', 'choosing_kind', 'gathering', 'naming_pupil', 'running')"
)
NEW_ACTIVE = "status IN ('gathering', 'naming_pupil', 'running')"
INDEX = "uq_meetings_active_chat_id"


def upgrade() -> None:
    meetings = sa.table(
        "meetings",
        sa.column("id", sa.Integer),
        sa.column("status", sa.String),
        sa.column("state", sa.JSON),
    )
    bind = op.get_bind()
    setting_up = bind.execute(
        sa.select(meetings.c.id, meetings.c.state).where(meetings.c.status.in_(RETIRED))
    ).all()
    for meeting_id, state in setting_up:
        status = "gathering" if state.get("pupil") else "naming_pupil"
        bind.execute(
            sa.update(meetings)
            .where(meetings.c.id == meeting_id)
            .values(status=status, state={**state, "status": status})
        )
    _active_index(NEW_ACTIVE)


def downgrade() -> None:
    # Every status version 3 writes is one version 2 knows: only the index changes.
    _active_index(OLD_ACTIVE)


def _active_index(active: str) -> None:
    op.drop_index(INDEX, table_name="meetings")
    op.create_index(
        INDEX,
        "meetings",
        ["chat_id"],
        unique=True,
        sqlite_where=sa.text(active),
        postgresql_where=sa.text(active),
    )
