"""Where a bot under test keeps its data: a fresh SQLite file, or a fresh PostgreSQL database.

On PostgreSQL the bench creates a database of its own next to the one in
--db and drops it afterwards, so a run never meets the data of an earlier
one and never touches the named database's tables.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import make_url

from rondetafel.settings import ASYNC_DRIVERS


def describe(url: str | None) -> str:
    if url is None:
        return "sqlite (fresh file)"
    return make_url(_with_async_driver(url)).get_backend_name()


@asynccontextmanager
async def fresh_database(url: str | None, folder: Path, label: str) -> AsyncIterator[str]:
    """The URL of an empty database for one bot; PostgreSQL ones are dropped after."""
    if url is None:
        yield f"sqlite+aiosqlite:///{folder / label}.db"
        return
    parsed = make_url(_with_async_driver(url))
    if parsed.get_backend_name() != "postgresql":
        yield parsed.render_as_string(hide_password=False)  # the file the user named
        return
    import asyncpg  # type: ignore[import-untyped]  # only for PostgreSQL runs

    name = f"rondetafel_bench_{label}_{uuid.uuid4().hex[:8]}"
    server = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    admin = await asyncpg.connect(server, timeout=10)
    try:
        # Identifiers cannot be bind parameters; `name` is made here, not input.
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield parsed.set(database=name).render_as_string(hide_password=False)
        finally:
            await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def _with_async_driver(url: str) -> str:
    # The same spelling rules as the bot's settings: postgresql:// means asyncpg.
    scheme, separator, rest = url.strip().partition("://")
    return f"{ASYNC_DRIVERS.get(scheme.lower(), scheme)}{separator}{rest}"
