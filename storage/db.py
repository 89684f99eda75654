"""The database: one async engine, its connections, and the schema upgrade.

`DATABASE_URL` chooses the engine: ``sqlite+aiosqlite:///path.db`` (the
default, a file) or ``postgresql+asyncpg://...`` for deployments with several
workers.
"""

from __future__ import annotations

import ast
import asyncio
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from sqlalchemy import URL, column, event, inspect, make_url, select, table
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from . import inline_sqlite, migrations
from .crypto import Sealing, attach
from .state_cache import StateCache
from .turns import Turns

if TYPE_CHECKING:
    # Alembic itself is imported only when a migration is due: it is among the
    # heaviest imports of a start (about 10 MB and 0.1 s, docs/benchmarks.md),
    # and most starts find the schema current.
    from alembic.config import Config

# SQLite runs on the event loop's thread (`inline_sqlite.py`), so a connection
# must never wait for another's write lock inside SQLite: that wait would stop
# the loop. It fails at once with SQLITE_BUSY instead, and `unit_of_work` waits
# (SQLITE_LOCK_PATIENCE there) with the loop going on.
SQLITE_BUSY_TIMEOUT_MS = 0
# PostgreSQL: a fixed pool, without the default pool's opening and closing of
# connections beyond its size under load (docs/benchmarks.md).
POSTGRESQL_CONNECTIONS = 10

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


# Alembic's bookkeeping table, read without Alembic (see `Database._at_head`).
_ALEMBIC_VERSION = table("alembic_version", column("version_num"))
# `revision: str = "0002"` and `down_revision: ... = "0001"` in a migration file.
_REVISION_LINE = re.compile(r"^(revision|down_revision)\b[^=\n]*=\s*(.+?)\s*$", re.MULTILINE)


def alembic_config() -> Config:
    """Alembic's configuration for the migrations shipped inside the package.

    Located through the package's own file rather than the working directory,
    so `upgrade` works from an installed wheel as well as from a checkout.
    """
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    return config


def head_revision() -> str | None:
    """The newest migration's revision, read from the files in migrations/versions.

    Without Alembic, so a start with nothing to migrate need not import it.
    None when the history is not a single line (a merge or a branch) or a
    file does not read as expected: then Alembic itself decides.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (Path(migrations.__file__).parent / "versions").glob("*.py"):
        fields = dict(_REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        if "revision" not in fields:
            continue  # not a migration (the package's __init__.py)
        try:
            revision = ast.literal_eval(fields["revision"])
            parent = ast.literal_eval(fields.get("down_revision", "None"))
        except (ValueError, SyntaxError):
            return None
        if not isinstance(revision, str) or not isinstance(parent, str | None):
            return None
        revisions.add(revision)
        if parent is not None:
            parents.add(parent)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


class Database:
    """One database, and the keys its encrypted columns are sealed with.

    `keyring` is a `crypto.Keyring`, or `crypto.UNENCRYPTED` to store plain
    text on purpose. Without either, reading or writing an encrypted column
    raises `crypto.NoEncryptionDecision`: storing what people typed in the
    clear must be a choice, never a default someone forgot about.
    """

    def __init__(self, url: str, *, keyring: Sealing | None = None, echo: bool = False) -> None:
        parsed = make_url(url)
        sqlite = parsed.get_backend_name() == "sqlite"
        if sqlite:
            _create_parent_folder(parsed)
        # hide_parameters: an error or log line must never carry what someone typed.
        self._engine = create_async_engine(
            parsed, echo=echo, hide_parameters=True, **_connections_for(parsed)
        )
        self._keyring = keyring
        # Per engine, as the keys: two databases in one process never share a state.
        self.states = StateCache()
        # One turn per connection: see turns.py.
        self.turns = Turns(1 if sqlite else POSTGRESQL_CONNECTIONS)
        if keyring is not None:
            # Per engine, not per process: see crypto.attach.
            attach(self._engine.dialect, keyring)
        if sqlite:
            event.listen(self._engine.sync_engine, "connect", _configure_sqlite)

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

    @property
    def keyring(self) -> Sealing | None:
        """The keys of the encrypted columns (None: no decision was made)."""
        return self._keyring

    def connection(self) -> AsyncConnection:
        """A connection for one unit of work (`async with db.connection() as c, c.begin():`).

        Core, not an ORM session: the repositories write statements, never
        objects, and the session's bookkeeping around each statement was a
        sixth of the bot's CPU per update (docs/benchmarks.md).
        """
        return self._engine.connect()

    async def upgrade(self, revision: str = "head") -> None:
        """Bring the schema up to `revision` (default: the newest)."""
        if revision == "head" and await self._at_head():
            return
        from alembic import command

        await self._alembic(command.upgrade, revision)

    async def downgrade(self, revision: str) -> None:
        """Take the schema back to `revision` ("base": no tables at all)."""
        from alembic import command

        await self._alembic(command.downgrade, revision)

    async def dispose(self) -> None:
        await self._engine.dispose()

    async def _at_head(self) -> bool:
        """Whether the schema is at the newest revision already: two cheap reads.

        Read-only and outside the migration lock: while another worker is
        migrating, this sees the old revision and goes on to wait for the lock.
        """
        head = head_revision()
        if head is None:
            return False
        try:
            async with self._engine.connect() as connection:
                current = await connection.run_sync(_current_revisions)
        except OperationalError:
            # SQLite: another worker is migrating and holds the file; wait for it
            # through the lock instead.
            return False
        return current == {head}

    async def _alembic(self, run: Callable[[Config, str], None], revision: str) -> None:
        # Alembic is synchronous: it runs on this connection inside
        # run_sync (see migrations/env.py), not in an event loop of its own.
        async with _migration_lock(), self._engine.begin() as connection:
            await connection.run_sync(_run_alembic, run, revision)


def _current_revisions(connection: Connection) -> set[str]:
    if not inspect(connection).has_table(_ALEMBIC_VERSION.name):
        return set()  # a new database: Alembic creates the table
    return set(connection.scalars(select(_ALEMBIC_VERSION.c.version_num)))


def _run_alembic(connection: Connection, run: Callable[[Config, str], None], revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    run(config, revision)


def _connections_for(url: URL) -> dict[str, Any]:
    """SQLite: statements on the loop's own thread, and one connection taken in turn.

    SQLite lets one connection write at a time. With several, the others
    fail a stale snapshot or find the file locked and are run again, and the
    pool opens and closes connections beyond its size. Taking turns on one
    connection (`Database.turns` decides whose) costs none of that; since its
    statements run without leaving the loop
    (`inline_sqlite.py`), a turn is as short as the work in it
    (docs/benchmarks.md). An in-memory database keeps SQLAlchemy's own pool.
    """
    if url.get_backend_name() != "sqlite":
        return {"pool_size": POSTGRESQL_CONNECTIONS, "max_overflow": 0}
    connect = {"async_creator": inline_sqlite.connector(url)}
    if url.database in (None, "", ":memory:"):
        return connect
    return connect | {"pool_size": 1, "max_overflow": 0}


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
    # In WAL mode, NORMAL syncs at checkpoints rather than at every commit: the
    # file stays consistent after any crash, and only a power cut or an
    # operating-system crash may lose the last commits (PostgreSQL for
    # deployments that cannot take that). A fifth more answers a second.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def changed_rows(result: object) -> int:
    """How many rows an UPDATE or DELETE changed (`CursorResult.rowcount`, loosely typed)."""
    return int(getattr(result, "rowcount", 0) or 0)
