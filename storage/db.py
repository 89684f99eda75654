"""The database: one async engine, one session factory, and the schema upgrade.

`DATABASE_URL` chooses the engine: ``sqlite+aiosqlite:///path.db`` (the
default, a file) or ``postgresql+asyncpg://...`` for deployments with several
workers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from alembic import command
from alembic.config import Config
from sqlalchemy import URL, event, make_url
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from . import migrations

# How long an SQLite writer waits for another connection's write lock before
# it gives up with "database is locked". Writes here are short; the wait
# turns most collisions into a short delay instead of a retry.
SQLITE_BUSY_TIMEOUT_MS = 5000

# Alembic keeps its migration context in module globals, so within one process
# only one upgrade may run at a time (one lock per event loop). Across processes,
# migrations/env.py takes the database's own lock.
_migration_locks: WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = WeakKeyDictionary()


def _migration_lock() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    lock = _migration_locks.get(loop)
    if lock is None:
        lock = _migration_locks[loop] = asyncio.Lock()
    return lock


def alembic_config() -> Config:
    """Alembic's configuration for the migrations shipped inside the package.

    Located through the package's own file rather than the working directory,
    so `upgrade` works from an installed wheel as well as from a checkout.
    """
    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    return config


class Database:
    def __init__(self, url: str, *, echo: bool = False) -> None:
        parsed = make_url(url)
        sqlite = parsed.get_backend_name() == "sqlite"
        if sqlite:
            _create_parent_folder(parsed)
        # hide_parameters: an error or log line must never carry what someone typed.
        self._engine = create_async_engine(parsed, echo=echo, hide_parameters=True)
        if sqlite:
            event.listen(self._engine.sync_engine, "connect", _configure_sqlite)
        self._sessions = async_sessionmaker(self._engine, expire_on_commit=False)

    @property
    def url(self) -> URL:
        """The URL; `str()` of it hides the password."""
        return self._engine.url

    @property
    def dialect(self) -> str:
        """The dialect's name: "sqlite" or "postgresql"."""
        return self._engine.dialect.name

    @property
    def engine(self) -> AsyncEngine:
        return self._engine

    def session(self) -> AsyncSession:
        return self._sessions()

    async def upgrade(self, revision: str = "head") -> None:
        """Bring the schema up to `revision` (default: the newest)."""
        await self._alembic(command.upgrade, revision)

    async def downgrade(self, revision: str) -> None:
        """Take the schema back to `revision` ("base": no tables at all)."""
        await self._alembic(command.downgrade, revision)

    async def dispose(self) -> None:
        await self._engine.dispose()

    async def _alembic(self, run: Callable[[Config, str], None], revision: str) -> None:
        # Alembic is synchronous: it runs on this connection inside
        # run_sync (see migrations/env.py), not in an event loop of its own.
        async with _migration_lock(), self._engine.begin() as connection:
            await connection.run_sync(_run_alembic, run, revision)


def _run_alembic(connection: Connection, run: Callable[[Config, str], None], revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    run(config, revision)


def _create_parent_folder(url: URL) -> None:
    database = url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(dbapi_connection: Any, connection_record: Any) -> None:
    # PRAGMAs have no SQLAlchemy construct, hence the SQL text. WAL lets
    # readers go on while one connection writes; SQLite leaves foreign keys
    # (and with them ON DELETE CASCADE) off unless asked, per connection.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def changed_rows(result: object) -> int:
    """How many rows an UPDATE or DELETE changed (`CursorResult.rowcount`, loosely typed)."""
    return int(getattr(result, "rowcount", 0) or 0)
