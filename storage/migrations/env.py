"""Alembic's entry point for the migrations in `versions/`.

Two ways in:

- From the program, `Database.upgrade()` runs Alembic inside
  ``connection.run_sync(...)`` and passes that connection in
  ``config.attributes["connection"]``; the migrations run on it, in its
  transaction, with no event loop of their own.
- From the command line, ``alembic upgrade head`` (with `alembic.ini` at the
  repository root) connects to ``DATABASE_URL``, the same variable the bot
  reads, through the same `Database` set-up (SQLite pragmas included).
  ``alembic upgrade head --sql`` prints the SQL instead.
"""

from __future__ import annotations

import asyncio
import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from rondetafel.storage.db import Database
from rondetafel.storage.models import Base

DEFAULT_URL = "sqlite+aiosqlite:///rondetafel.db"

# Any fixed number: the PostgreSQL advisory lock that lets one worker at a
# time migrate (see `_lock`).
MIGRATION_LOCK = 0x726F6E64  # "rond"


def _database_url() -> str:
    return os.environ.get("DATABASE_URL", DEFAULT_URL)


def _run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        _lock(connection)
        context.run_migrations()


def _lock(connection: Connection) -> None:
    """Let one process at a time migrate, until its transaction ends.

    Several workers starting together would otherwise all try to create the
    same tables; this way the others wait, then find the schema up to date.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(MIGRATION_LOCK)))
    elif connection.dialect.name == "sqlite":
        # Python's sqlite3 starts no transaction before DDL, so each CREATE
        # would commit on its own. BEGIN IMMEDIATE (no SQLAlchemy construct
        # for it) takes the write lock now and makes the migration atomic.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


async def _run_from_command_line() -> None:
    database = Database(_database_url())
    try:
        # One transaction around the whole run, as in Database.upgrade.
        async with database.engine.begin() as connection:
            await connection.run_sync(_run_on)
    finally:
        await database.dispose()


def _print_sql() -> None:
    url = _database_url()
    context.configure(
        url=url,
        target_metadata=Base.metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


config = context.config
given: Connection | None = config.attributes.get("connection")
if given is not None:
    _run_on(given)
else:
    if config.config_file_name is not None:
        fileConfig(config.config_file_name)
    if context.is_offline_mode():
        _print_sql()
    else:
        asyncio.run(_run_from_command_line())
