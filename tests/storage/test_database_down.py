"""`is_database_down`: out of reach (kept and tried again) versus wrong (a bug, apologised for).

Real failures of real drivers, not hand-made exceptions, wherever one can be
caused here without stopping a server (the end-to-end outage on PostgreSQL is
in tests/e2e/test_database_outage.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy.exc
from sqlalchemy import text

from rondetafel.storage.db import Database
from rondetafel.storage.errors import ConcurrentUpdate
from rondetafel.storage.unit_of_work import is_database_down


async def failure_of(url: str, *statements: str) -> BaseException:
    """What the bot's own engine raises (on SQLite: its connections on the loop's thread)."""
    db = Database(url)
    try:
        async with db.connection() as connection:
            for statement in statements:
                await connection.execute(text(statement))
    except Exception as exc:
        return exc
    finally:
        await db.dispose()
    raise AssertionError("expected a failure")


async def test_a_postgresql_server_that_refuses_the_connection_is_down() -> None:
    # Nothing listens on port 1 of loopback.
    error = await failure_of("postgresql+asyncpg://postgres@127.0.0.1:1/x", "SELECT 1")
    assert is_database_down(error)


async def test_an_sqlite_file_that_cannot_be_opened_is_down(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "x.db"
    error = await failure_of(f"sqlite+aiosqlite:///file:{missing}?mode=ro&uri=true", "SELECT 1")
    assert is_database_down(error)


@pytest.mark.parametrize(
    "statements",
    [
        ("SELECT * FROM no_such_table",),  # a missing table: the schema, not an outage
        (
            "CREATE TABLE t (x INTEGER UNIQUE)",
            "INSERT INTO t VALUES (1)",
            "INSERT INTO t VALUES (1)",
        ),
        ("SELEC 1",),
    ],
)
async def test_a_statement_the_database_refuses_is_a_bug_not_an_outage(
    tmp_path: Path, statements: tuple[str, ...]
) -> None:
    error = await failure_of(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}", *statements)
    assert not is_database_down(error)


def test_no_connection_free_in_time_is_down() -> None:
    assert is_database_down(sqlalchemy.exc.TimeoutError("QueuePool limit reached"))


def test_a_collision_and_a_plain_bug_are_not_down() -> None:
    assert not is_database_down(ConcurrentUpdate())
    assert not is_database_down(ValueError("a bug"))
    assert not is_database_down(RuntimeError("wrapped"))
