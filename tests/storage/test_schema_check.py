"""The start-up check that leaves Alembic unimported when the schema is already current."""

from __future__ import annotations

import subprocess
import sys

from alembic.script import ScriptDirectory

from rondetafel.storage.db import Database, alembic_config, head_revision

# A start of the bot, reduced to the schema step, in a fresh interpreter.
START = """
import asyncio, sys
from rondetafel.storage.db import Database

async def start(url):
    db = Database(url)
    await db.upgrade()
    await db.dispose()

asyncio.run(start(sys.argv[1]))
print("alembic imported" if "alembic" in sys.modules else "alembic not imported")
"""


def start_once(database_url: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", START, database_url], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_the_newest_revision_read_from_the_files_is_alembics_head() -> None:
    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


async def test_a_start_on_a_current_schema_does_not_import_alembic(database_url: str) -> None:
    database = Database(database_url)
    await database.upgrade()
    await database.dispose()

    assert start_once(database_url) == "alembic not imported"


def test_a_start_on_an_empty_database_migrates_with_alembic(database_url: str) -> None:
    assert start_once(database_url) == "alembic imported"
