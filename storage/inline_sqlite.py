"""SQLite on the event loop's own thread, under SQLAlchemy's aiosqlite dialect.

aiosqlite runs each connection in a thread of its own and hands every
statement there and every result back through the event loop. The bot's
statements take microseconds; the hand-over takes longer, and under load its
result waits in the loop's queue behind everything else, while the one
connection SQLite can write with stays taken (docs/benchmarks.md). So the
bot's SQLite connections run their statements directly, as the loop's own
code: this module gives SQLAlchemy's aiosqlite adapter a connection with the
same awaitable methods that does its work before the first `await` returns.

What that asks of the rest of the code:
- Nothing may block for long. Statements are short, and the write lock is
  never waited for inside SQLite: `busy_timeout` is 0, so a lock held by
  another process (a migration, a second worker) fails at once with
  SQLITE_BUSY, and `unit_of_work.in_transaction` waits for it between
  attempts, with the loop going on.
- The dialect, its SQL and its errors are aiosqlite's (`sqlite3`'s), unchanged.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import URL
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite

Parameters = Sequence[Any] | dict[str, Any]


class InlineCursor:
    """The parts of `aiosqlite.Cursor` SQLAlchemy's adapter uses, run at once."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Parameters = ()) -> InlineCursor:
        self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Parameters]) -> InlineCursor:
        self._cursor.executemany(sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class _RunNow:
    """aiosqlite's queue to its thread, as the adapter's isolation-level setter uses it."""

    @staticmethod
    def put_nowait(item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:
            future.set_exception(error)


class InlineConnection:
    """The parts of `aiosqlite.Connection` SQLAlchemy's adapter uses, run at once."""

    _tx = _RunNow()

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection: sqlite3.Connection | None = connection

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ValueError("no active connection")
        return self._connection

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._conn.cursor())

    async def execute(self, sql: str, parameters: Parameters = ()) -> InlineCursor:
        """As aiosqlite's: for SQL SQLAlchemy does not build (the bench's query plans)."""
        return await self.cursor().execute(sql, parameters)

    async def commit(self) -> None:
        self._conn.commit()

    async def rollback(self) -> None:
        self._conn.rollback()

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        """aiosqlite's forced close: there is no thread to stop, only the file to let go."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self._conn.isolation_level = value  # type: ignore[assignment]  # sqlite3 checks it


def connector(url: URL) -> Callable[[], Awaitable[InlineConnection]]:
    """`create_async_engine(..., async_creator=connector(url))` for an SQLite URL."""
    arguments, options = SQLiteDialect_aiosqlite().create_connect_args(url)

    async def connect() -> InlineConnection:
        # check_same_thread off: the pool may close a connection from the
        # thread that collects it at exit; statements only ever run on the loop.
        options_here = {**options, "check_same_thread": False}
        connection = sqlite3.connect(*arguments, **options_here)  # type: ignore[call-overload]
        return InlineConnection(connection)

    return connect
