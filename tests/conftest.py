"""Fixtures shared by the test layers.

Databases: every test that takes `database_url` (or `db`) runs twice, on
SQLite and on PostgreSQL, and starts from an empty database each time.
PostgreSQL is found at ``TEST_POSTGRES_URL`` (default
``postgresql+asyncpg://postgres@127.0.0.1:5432/test``); the tests create a
database of their own there and drop it at the end. Without a reachable
server the PostgreSQL runs are skipped, except when ``CI=true``: CI must never
pass with them skipped, so there they fail.

Every test database is encrypted with `TEST_KEY`, as the running bot's is:
the whole suite goes through the sealed column types.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
import pytest_asyncio
from sqlalchemy import URL, make_url

from rondetafel.storage.crypto import Keyring, parse_key
from rondetafel.storage.db import Database

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


# 32 bytes of plain ASCII, base64: a key anyone may read, for tests only.
TEST_KEY = "cm9uZGV0YWZlbCB0ZXN0IGtleSwgbm90IHNlY3JldCE="
TEST_KEYRING = Keyring(parse_key(TEST_KEY))


def _asyncpg_dsn(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def postgres_database() -> AsyncIterator[URL]:
    """A uniquely named PostgreSQL database for this test session."""
    server = make_url(POSTGRES_URL)
    name = f"rondetafel_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = await asyncpg.connect(_asyncpg_dsn(server), timeout=5)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        reason = f"PostgreSQL at {server} is not reachable: {exc!r}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must run the PostgreSQL tests", pytrace=False)
        pytest.skip(reason)
    try:
        # Identifiers cannot be bind parameters; `name` is made above, not input.
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield server.set(database=name)
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture
async def _empty_postgres(postgres_database: URL) -> str:
    """The session's PostgreSQL database, emptied: what a test left behind is gone."""
    connection = await asyncpg.connect(_asyncpg_dsn(postgres_database))
    try:
        await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    finally:
        await connection.close()
    return postgres_database.render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty database, once on SQLite and once on PostgreSQL."""
    if request.param == "postgres":
        url: str = request.getfixturevalue("_empty_postgres")
        return url
    # A folder that does not exist yet: Database must create it.
    return f"sqlite+aiosqlite:///{tmp_path / 'data' / 'rondetafel.db'}"


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """A `Database` on `database_url` with the schema at the newest revision."""
    database = Database(database_url, keyring=TEST_KEYRING)
    await database.upgrade()
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
async def other_worker(db: Database, database_url: str) -> AsyncIterator[Database]:
    """A second worker on `db`'s database: its own engine and connections, as another
    process has. On SQLite, one worker's units of work take turns on its one
    connection, so a race between two of them needs two workers."""
    database = Database(database_url, keyring=TEST_KEYRING)
    try:
        yield database
    finally:
        await database.dispose()
