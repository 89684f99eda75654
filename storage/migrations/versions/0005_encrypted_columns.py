"""Free-text columns become text, to hold sealed values.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

`meetings.state` and `outbox.payload` were JSON, `cases.pseudonym` and
`agreements.owner_name` had a length; a sealed value (storage/crypto.py) is
text of its own length. The values themselves are not touched: rows written
before keep their plain text, which the bot reads as it is, and
`rondetafel rotate-key` seals them. `agreements.what` and the consent columns
were text already.

Downgrading works on plain text only: once values are sealed, PostgreSQL
refuses to read them as JSON (or a sealed pseudonym as 32 characters), and a
version without encryption could not read them anyway.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PSEUDONYM_LENGTH = 32
NAME_LENGTH = 255


def upgrade() -> None:
    # batch_alter_table: SQLite changes a column's type by copying the table;
    # PostgreSQL alters it in place, converting JSON to its text with USING.
    with op.batch_alter_table("meetings") as meetings:
        meetings.alter_column(
            "state", type_=sa.Text(), existing_type=sa.JSON(), postgresql_using="state::text"
        )
    with op.batch_alter_table("outbox") as outbox:
        outbox.alter_column(
            "payload", type_=sa.Text(), existing_type=sa.JSON(), postgresql_using="payload::text"
        )
    with op.batch_alter_table("cases") as cases:
        cases.alter_column("pseudonym", type_=sa.Text(), existing_type=sa.String(PSEUDONYM_LENGTH))
    with op.batch_alter_table("agreements") as agreements:
        agreements.alter_column("owner_name", type_=sa.Text(), existing_type=sa.String(NAME_LENGTH))


def downgrade() -> None:
    with op.batch_alter_table("agreements") as agreements:
        agreements.alter_column("owner_name", type_=sa.String(NAME_LENGTH), existing_type=sa.Text())
    with op.batch_alter_table("cases") as cases:
        cases.alter_column("pseudonym", type_=sa.String(PSEUDONYM_LENGTH), existing_type=sa.Text())
    with op.batch_alter_table("outbox") as outbox:
        outbox.alter_column(
            "payload", type_=sa.JSON(), existing_type=sa.Text(), postgresql_using="payload::json"
        )
    with op.batch_alter_table("meetings") as meetings:
        meetings.alter_column(
            "state", type_=sa.JSON(), existing_type=sa.Text(), postgresql_using="state::json"
        )
