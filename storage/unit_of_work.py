"""One database transaction per update, run again when it collides with another.

Two updates about one meeting may arrive at once (two participants answer
together, or two workers take one update each). Each runs as a unit of work:
load, transition, save, commit. The one that saves second finds the meeting's
version moved on (`ConcurrentUpdate`) or is stopped by the database itself
(PostgreSQL: serialization failure or deadlock; SQLite: the file is locked).
Its transaction is rolled back and the work runs again from the start, on the
state the first one left, so both updates are kept.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from .db import Database
from .errors import ConcurrentUpdate
from .repositories import Repositories

T = TypeVar("T")

# PostgreSQL: serialization_failure, deadlock_detected.
_RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})
# SQLite: another connection holds the lock longer than the busy timeout, or
# a read snapshot went stale before this transaction could write.
_RETRYABLE_SQLITE_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})

# PostgreSQL's word that the server cannot be reached or talked to now: connection
# exceptions (class 08), too many connections, the server shutting down or
# starting (including pg_terminate_backend's admin_shutdown), and a database
# that does not accept connections (`ALLOW_CONNECTIONS false`, 55000).
_DOWN_SQLSTATE_CLASSES = frozenset({"08"})
_DOWN_SQLSTATES = frozenset({"53300", "57P01", "57P02", "57P03", "55000"})
# SQLite: the file cannot be opened, read or written for now (a full disk, an
# unmounted volume), or another process holds it longer than the retries waited.
_DOWN_SQLITE_CODES = frozenset(
    {
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_CANTOPEN,
        sqlite3.SQLITE_FULL,
        sqlite3.SQLITE_READONLY,
    }
)
# How deep to follow an error's causes (DBAPIError → driver error → socket error).
_CAUSE_DEPTH = 8

# Backoff before attempt n+1: a random wait up to BASE * 2**n, at most CAP.
# The randomness keeps two colliding workers from colliding again in step.
_BACKOFF_BASE = 0.01
_BACKOFF_CAP = 0.5
# SQLite: how long to wait for a write lock another process holds (a migration,
# a second worker), looking again every pause. The wait happens here, between
# attempts, not inside SQLite, whose statements run on the event loop's thread
# (`inline_sqlite.py`): a wait in there would stop every chat.
SQLITE_LOCK_PATIENCE = 5.0
_SQLITE_LOCK_PAUSE = 0.01


async def in_transaction(
    db: Database,
    work: Callable[[Repositories], Awaitable[T]],
    *,
    school_name: str = "School",
    attempts: int = 5,
    urgent: bool = False,
) -> T:
    """Run `work` in one transaction and commit; on a collision, run it again.

    `work` must be safe to run more than once: everything it reads, it reads
    through the repositories it is given, inside the attempt. Effects outside
    the database (sending messages) belong after this returns. `urgent` work
    takes the next free connection before all other waiting work (`turns.py`).
    """
    attempt = 1
    locked_since: float | None = None
    while True:
        try:
            # A fresh transaction per attempt: nothing read by a failed attempt
            # can leak into the next one.
            async with (
                db.turns.turn(urgent=urgent),
                db.connection() as connection,
                connection.begin(),
            ):
                repositories = Repositories(connection, school_name=school_name, states=db.states)
                result = await work(repositories)
            repositories.after_commit()
            return result
        except Exception as exc:
            if _locked_by_another(exc):
                locked_since = locked_since or time.monotonic()
                if time.monotonic() - locked_since < SQLITE_LOCK_PATIENCE:
                    await asyncio.sleep(_SQLITE_LOCK_PAUSE)
                    continue
            if attempt >= attempts or not is_transient(exc):
                raise
        await asyncio.sleep(random.uniform(0, min(_BACKOFF_CAP, _BACKOFF_BASE * 2**attempt)))
        attempt += 1


def _locked_by_another(exc: BaseException) -> bool:
    """SQLite's plain SQLITE_BUSY: another connection holds the write lock, so wait.

    Not SQLITE_BUSY_SNAPSHOT (517), which says this transaction read a state
    another has since changed: that is a collision, run again from the load.
    """
    return isinstance(exc, DBAPIError) and (
        getattr(exc.orig, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY
    )


def is_transient(exc: BaseException) -> bool:
    """Would the same work succeed if run again a moment later?"""
    if isinstance(exc, ConcurrentUpdate):
        # Including ActiveMeetingExists: another /meeting in the same chat won
        # the race; run again, and this one finds that meeting running.
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if getattr(exc.orig, "sqlstate", None) in _RETRYABLE_SQLSTATES:
        return True
    code = getattr(exc.orig, "sqlite_errorcode", None)
    # Extended codes (SQLITE_BUSY_SNAPSHOT = 517) carry the primary code in the low byte.
    return code is not None and code & 0xFF in _RETRYABLE_SQLITE_CODES


def is_database_down(exc: BaseException) -> bool:
    """Is the database out of reach (stopped, cut off, full), rather than the work wrong?

    Work that failed this way succeeds unchanged once the database is back, so
    the update behind it is kept and handled again (`bot/polling.py`); any other
    failure is a bug in the work, which no retry would mend. A statement the
    database refuses (a constraint, a missing table) is not "down": those fail
    the same way every time.
    """
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < _CAUSE_DEPTH:
        if _says_down(current):
            return True
        seen += 1
        current = current.__cause__ or current.__context__
    return False


def _says_down(exc: BaseException) -> bool:
    if isinstance(exc, PoolTimeout):
        return True  # every connection busy, or none could be made in time
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True  # SQLAlchemy found the connection dead and dropped it
        exc = exc.orig if exc.orig is not None else exc
    if isinstance(exc, ConnectionError | TimeoutError):
        # Raw socket failures of a driver connecting (refused, reset, no answer in time):
        # the handlers make no other network calls that are not TelegramErrors.
        return True
    sqlstate = getattr(exc, "sqlstate", None)
    if isinstance(sqlstate, str):
        return sqlstate in _DOWN_SQLSTATES or sqlstate[:2] in _DOWN_SQLSTATE_CLASSES
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in _DOWN_SQLITE_CODES
