"""The schema: built, upgraded, taken down and rebuilt by the migrations alone."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    JSON,
    BigInteger,
    Connection,
    Integer,
    String,
    column,
    insert,
    inspect,
    select,
)
from sqlalchemy import table as table_clause
from sqlalchemy.exc import IntegrityError

from rondetafel.flows.state import ACTIVE, Status
from rondetafel.storage.db import Database, alembic_config
from rondetafel.storage.models import Base, Chat, Meeting, School, UTCDateTime
from rondetafel.storage.unit_of_work import in_transaction

from .states import NOW, V1_STATES

REPOSITORY = Path(__file__).resolve().parents[2]
TABLES = {
    "schools",
    "chats",
    "cases",
    "meetings",
    "agreements",
    "reminders",
    "evaluations",
    "invites",
    "family_members",
    "home_contributions",
    "bot_messages",
    "outbox",
    "consents",
    "audit",
    "erasures",
    "handled_updates",
    "parked_updates",
}
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


async def tables(db: Database) -> set[str]:
    async with db.engine.connect() as connection:
        names = await connection.run_sync(lambda c: inspect(c).get_table_names())
    return set(names) - {"alembic_version"}


async def revision(db: Database) -> str | None:
    def current(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with db.engine.connect() as connection:
        return await connection.run_sync(current)


async def test_upgrading_an_empty_database_creates_every_table_from_any_working_directory(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The migrations are found through the package, not the working directory.
    monkeypatch.chdir(tmp_path)
    db = Database(database_url)
    try:
        assert await tables(db) == set()
        await db.upgrade()
        assert await tables(db) == TABLES
        assert await revision(db) == HEAD == "0009"
    finally:
        await db.dispose()


async def test_upgrading_an_up_to_date_database_changes_nothing(db: Database) -> None:
    async with db.connection() as connection, connection.begin():
        school_id = (
            await connection.execute(
                insert(School).values(name="De Regenboog").returning(School.id)
            )
        ).scalar_one()
        await connection.execute(insert(Chat).values(chat_id=-1, school_id=school_id))

    await db.upgrade()

    assert await revision(db) == HEAD
    async with db.connection() as connection:
        assert await connection.scalar(select(Chat.chat_id)) == -1


# The tables as revision 0001 made them, as far as the test below writes them.
CHATS_0001 = table_clause(
    "chats",
    column("chat_id", BigInteger()),
    column("title", String()),
    column("language", String()),
    column("school_id", Integer()),
    column("created_at", UTCDateTime()),
    column("updated_at", UTCDateTime()),
)
MEETINGS_0001 = table_clause(
    "meetings",
    column("id", Integer()),
    column("chat_id", BigInteger()),
    column("status", String()),
    column("language", String()),
    column("state", JSON()),
    column("version", Integer()),
    column("created_at", UTCDateTime()),
    column("updated_at", UTCDateTime()),
)


async def test_upgrading_from_0001_keeps_chats_and_meetings_and_drops_the_group_titles(
    db: Database,
) -> None:
    await db.downgrade("0001")
    async with db.connection() as connection, connection.begin():
        school_id = (
            await connection.execute(
                insert(School).values(name="De Regenboog").returning(School.id)
            )
        ).scalar_one()
        await connection.execute(
            insert(CHATS_0001).values(
                chat_id=-1001234567890123, title="Klas 5B, groep van Sanne", language="en",
                school_id=school_id, created_at=NOW, updated_at=NOW,
            )
        )  # fmt: skip
        await connection.execute(
            insert(MEETINGS_0001).values(
                id=7, chat_id=-1001234567890123, status="running", language="en",
                state={"v": 1}, version=3, created_at=NOW, updated_at=NOW,
            )
        )  # fmt: skip

    await db.upgrade()

    async with db.engine.connect() as connection:
        columns = await connection.run_sync(
            lambda c: {entry["name"] for entry in inspect(c).get_columns("chats")}
        )
    async with db.connection() as connection:
        chat = (
            await connection.execute(select(Chat.chat_id, Chat.language, Chat.removed_at))
        ).one()
        meeting = (
            await connection.execute(select(Meeting.id, Meeting.thread_id, Meeting.version))
        ).one()
    assert "title" not in columns
    assert tuple(chat) == (-1001234567890123, "en", None)
    assert tuple(meeting) == (7, None, 3)


@pytest.mark.parametrize(
    ("name", "status"),
    [("choosing_kind", Status.NAMING_PUPIL), ("asking_questions", Status.GATHERING)],
)
async def test_a_meeting_that_was_being_set_up_during_the_upgrade_is_still_the_chats_active_one(
    db: Database, name: str, status: Status
) -> None:
    # Written by the version before the prompts were made explicit, whose
    # first statuses are gone: the group must be able to go on with it (and the
    # partial index would refuse the group a new one anyway).
    chat_id = -1001234567890123
    await db.downgrade("0002")
    async with db.connection() as connection, connection.begin():
        school_id = (
            await connection.execute(
                insert(School).values(name="De Regenboog").returning(School.id)
            )
        ).scalar_one()
        await connection.execute(insert(Chat).values(chat_id=chat_id, school_id=school_id))
        state = V1_STATES[name] | {"meeting_id": 7}
        await connection.execute(
            insert(MEETINGS_0001).values(
                id=7, chat_id=chat_id, status=state["status"], language="nl", state=state,
                version=1, created_at=NOW, updated_at=NOW,
            )
        )  # fmt: skip

    await db.upgrade()

    active = await in_transaction(db, lambda repos: repos.meetings.active_in_chat(chat_id))
    assert active is not None and active.id == 7
    assert active.state.status is status
    idle = await in_transaction(db, lambda repos: repos.meetings.idle_since(NOW.replace(year=2026)))
    assert idle == [(7, chat_id, None)]


async def test_downgrading_to_base_drops_every_table_and_upgrading_builds_them_again(
    db: Database,
) -> None:
    await db.downgrade("base")
    assert (await tables(db), await revision(db)) == (set(), None)

    await db.upgrade()
    assert (await tables(db), await revision(db)) == (TABLES, HEAD)


async def test_the_migrations_build_exactly_the_schema_the_models_describe(db: Database) -> None:
    def differences(connection: Connection) -> list[object]:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        found: list[object] = compare_metadata(context, Base.metadata)
        return found

    async with db.engine.connect() as connection:
        assert await connection.run_sync(differences) == []


async def test_the_database_allows_one_meeting_per_chat_in_exactly_the_statuses_flows_calls_active(
    db: Database,
) -> None:
    # Alembic does not compare an index's WHERE clause, so this checks the
    # migration's copy of flows.state.ACTIVE by what the database does.
    async def add_meeting(chat_id: int, status: Status) -> bool:
        try:
            async with db.connection() as connection, connection.begin():
                await connection.execute(
                    insert(Meeting).values(
                        chat_id=chat_id, status=status.value, language="nl", state={},
                        version=1, created_at=NOW, updated_at=NOW,
                    )
                )  # fmt: skip
        except IntegrityError:
            return False
        return True

    refused = set()
    for chat_id, status in enumerate(Status, start=1):
        assert await add_meeting(chat_id, Status.RUNNING)
        if not await add_meeting(chat_id, status):
            refused.add(status)
    assert refused == ACTIVE


async def test_several_workers_upgrading_at_once_all_succeed(database_url: str) -> None:
    workers = [Database(database_url) for _ in range(3)]
    try:
        await asyncio.gather(*(worker.upgrade() for worker in workers))
        assert await revision(workers[0]) == HEAD
    finally:
        for worker in workers:
            await worker.dispose()


async def test_the_alembic_command_line_upgrades_the_database_named_in_database_url(
    database_url: str,
) -> None:
    command = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "alembic", "upgrade", "head",
        cwd=REPOSITORY,
        env={**os.environ, "DATABASE_URL": database_url},
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, errors = await command.communicate()
    assert command.returncode == 0, errors.decode()

    db = Database(database_url)
    try:
        assert (await tables(db), await revision(db)) == (TABLES, HEAD)
    finally:
        await db.dispose()
