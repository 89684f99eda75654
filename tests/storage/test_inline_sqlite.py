"""SQLite on the event loop's thread: quick, never blocking, the same SQL and errors."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from rondetafel.storage.db import Database
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction
from tests.conftest import TEST_KEYRING

from .states import GROUP


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> Database:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'inline.db'}", keyring=TEST_KEYRING)
    await db.upgrade()
    return db


async def test_no_thread_is_started_for_a_connection(sqlite_db: Database) -> None:
    before = threading.active_count()
    await in_transaction(sqlite_db, lambda repos: repos.chats.get_or_create(GROUP))
    assert threading.active_count() == before
    await sqlite_db.dispose()


async def test_a_unit_of_work_runs_without_handing_the_loop_to_anything_else(
    sqlite_db: Database,
) -> None:
    """Its statements finish as they are awaited: a task ready meanwhile runs after it."""
    ran: list[str] = []

    async def other() -> None:
        ran.append("other task")

    async def work(repos: Repositories) -> None:
        asyncio.get_running_loop().create_task(other())
        for _ in range(5):
            await repos.chats.get_or_create(GROUP)
        ran.append("unit of work")

    await in_transaction(sqlite_db, work)
    await asyncio.sleep(0)
    assert ran == ["unit of work", "other task"]
    await sqlite_db.dispose()


async def test_a_lock_held_by_another_process_is_retried_without_stopping_the_loop(
    sqlite_db: Database, tmp_path: Path
) -> None:
    """Another program writing (a migration, a second worker): the write fails at once
    with SQLITE_BUSY instead of waiting inside SQLite, which would stop the loop; the
    unit of work runs again after a pause and succeeds once the lock is gone."""
    other = sqlite3.connect(tmp_path / "inline.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # the write lock, held
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.005)

    beating = asyncio.create_task(ticker())
    asyncio.get_running_loop().call_later(0.15, other.execute, "COMMIT")
    began = time.monotonic()
    try:
        chat = await in_transaction(sqlite_db, lambda repos: repos.chats.get_or_create(GROUP))
    finally:
        beating.cancel()
        other.close()
    assert chat.chat_id == GROUP
    assert time.monotonic() - began >= 0.15
    assert ticks >= 10  # the loop went on while the unit of work waited
    await sqlite_db.dispose()


async def test_sqlites_own_errors_come_through_as_sqlalchemy_errors(sqlite_db: Database) -> None:
    async with sqlite_db.connection() as connection:
        with pytest.raises(OperationalError) as raised:
            await connection.execute(text("SELECT * FROM no_such_table"))
    assert isinstance(raised.value.orig, sqlite3.OperationalError)
    await sqlite_db.dispose()
