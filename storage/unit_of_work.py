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
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError

from .db import Database
from .errors import ConcurrentUpdate
from .repositories import Repositories

T = TypeVar("T")

# PostgreSQL: serialization_failure, deadlock_detected.
_RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})
# SQLite: another connection holds the lock longer than the busy timeout, or
# a read snapshot went stale before this transaction could write.
_RETRYABLE_SQLITE_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})

# Backoff before attempt n+1: a random wait up to BASE * 2**n, at most CAP.
# The randomness keeps two colliding workers from colliding again in step.
_BACKOFF_BASE = 0.01
_BACKOFF_CAP = 0.5


async def in_transaction(
    db: Database,
    work: Callable[[Repositories], Awaitable[T]],
    *,
    school_name: str = "School",
    attempts: int = 5,
) -> T:
    """Run `work` in one transaction and commit; on a collision, run it again.

    `work` must be safe to run more than once: everything it reads, it reads
    through the repositories it is given, inside the attempt. Effects outside
    the database (sending messages) belong after this returns.
    """
    attempt = 1
    while True:
        try:
            # A fresh session per attempt: nothing read by a failed attempt
            # can leak into the next one.
            async with db.session() as session, session.begin():
                return await work(Repositories(session, school_name=school_name))
        except Exception as exc:
            if attempt >= attempts or not is_transient(exc):
                raise
        await asyncio.sleep(random.uniform(0, min(_BACKOFF_CAP, _BACKOFF_BASE * 2**attempt)))
        attempt += 1


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
