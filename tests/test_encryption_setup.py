"""The encryption key at start-up, `keygen` and `rotate-key`: one line for each mistake.

Like tests/test_setup_errors.py (whose helpers these are), each command runs
in a process of its own with the bot's settings taken out of the environment;
there the helpers give every run a key, which these tests take away or spoil.
"""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import BigInteger, Text, column, select, table

from rondetafel.cli import main
from rondetafel.keys import NO_KEY
from rondetafel.settings import Settings
from rondetafel.setup_errors import explain
from rondetafel.standin import BotApiStandIn
from rondetafel.storage.crypto import Keyring, key_id, new_key, parse_key, sealed_with
from rondetafel.storage.db import Database
from rondetafel.storage.unit_of_work import in_transaction
from tests.test_setup_errors import (
    NOWHERE,
    TOKEN,
    assert_told,
    rondetafel,
    sqlite,
    standin,
    telegram,
)

__all__ = ["standin"]  # the fixture, shared with tests/test_setup_errors.py

OLD, NEW = bytes(range(32)), bytes(range(100, 132))
OLD_TEXT, NEW_TEXT = base64.b64encode(OLD).decode(), base64.b64encode(NEW).decode()
KEY_FORMAT = "32 random bytes in base64 (44 characters), as `rondetafel keygen` prints"
GROUP, OTHER_GROUP = -1001234567890123, -1009876543210987
PUPIL = "Zwaluw-7731"
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def reached_telegram(outcome_stderr: str) -> bool:
    """Whether `run` got past every key check: the next thing it does is call Telegram."""
    return outcome_stderr.startswith(f"Cannot reach Telegram at {NOWHERE} (")


async def sealed_database(path: Path, key: bytes, *, plain: str | None = None) -> str:
    """An SQLite database with one case sealed under `key` (and one in plain text)."""
    url = sqlite(path)
    db = Database(url, keyring=Keyring(key))
    try:
        await db.upgrade()
        await in_transaction(db, lambda repos: repos.cases.open(GROUP, PUPIL, NOW))
        if plain is not None:
            # Stored as a version without encryption stored it.
            await in_transaction(db, lambda repos: repos.cases.open(OTHER_GROUP, plain, NOW))
            raw = table("cases", column("chat_id", BigInteger), column("pseudonym", Text))
            async with db.engine.begin() as connection:
                await connection.execute(
                    raw.update().where(raw.c.chat_id == OTHER_GROUP).values(pseudonym=plain)
                )
    finally:
        await db.dispose()
    return url


async def key_ids_in(url: str) -> list[str | None]:
    db = Database(url)
    raw = table("cases", column("pseudonym", Text))
    try:
        async with db.engine.connect() as connection:
            return [sealed_with(v) for v in await connection.scalars(select(raw.c.pseudonym))]
    finally:
        await db.dispose()


# `run` without a key, or with a bad one.


async def test_run_refuses_to_start_without_a_key(tmp_path: Path) -> None:
    assert_told(await rondetafel(tmp_path, "run", BOT_TOKEN=TOKEN, ENCRYPTION_KEY=""), NO_KEY)


async def test_allow_unencrypted_lets_run_start_without_a_key(tmp_path: Path) -> None:
    outcome = await rondetafel(
        tmp_path, "run", BOT_TOKEN=TOKEN, ENCRYPTION_KEY="", ALLOW_UNENCRYPTED="true"
    )
    assert reached_telegram(outcome.stderr), outcome.stderr


@pytest.mark.parametrize(
    "key", ["c2hvcnQ=", "not base64 at all!", base64.b64encode(bytes(33)).decode()]
)
async def test_a_key_that_is_not_a_key_is_told_and_not_repeated(tmp_path: Path, key: str) -> None:
    outcome = await rondetafel(tmp_path, "run", BOT_TOKEN=TOKEN, ENCRYPTION_KEY=key)
    assert_told(outcome, f"ENCRYPTION_KEY is not valid: it should be {KEY_FORMAT}.")
    assert key not in outcome.stderr


async def test_a_key_file_is_read(tmp_path: Path) -> None:
    (tmp_path / "rondetafel.key").write_text(new_key() + "\n")
    outcome = await rondetafel(
        tmp_path, "run", BOT_TOKEN=TOKEN, ENCRYPTION_KEY="", ENCRYPTION_KEY_FILE="rondetafel.key"
    )
    assert reached_telegram(outcome.stderr), outcome.stderr


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (None, "Cannot read ENCRYPTION_KEY_FILE (x.key): no such file or directory."),
        ("a note", f"ENCRYPTION_KEY_FILE (x.key) does not hold a key: it should be {KEY_FORMAT}."),
    ],
)
async def test_a_key_file_that_does_not_give_a_key(
    tmp_path: Path, content: str | None, line: str
) -> None:
    if content is not None:
        (tmp_path / "x.key").write_text(content)
    outcome = await rondetafel(
        tmp_path, "run", BOT_TOKEN=TOKEN, ENCRYPTION_KEY="", ENCRYPTION_KEY_FILE="x.key"
    )
    assert_told(outcome, line)


async def test_a_key_and_a_key_file_at_once(tmp_path: Path) -> None:
    (tmp_path / "rondetafel.key").write_text(new_key())
    outcome = await rondetafel(
        tmp_path, "run", BOT_TOKEN=TOKEN, ENCRYPTION_KEY_FILE="rondetafel.key"
    )
    assert_told(outcome, "Set ENCRYPTION_KEY or ENCRYPTION_KEY_FILE, not both.")


# `run` on a database encrypted with another key.


async def test_a_database_encrypted_with_another_key(
    tmp_path: Path, standin: BotApiStandIn
) -> None:
    url = await sealed_database(tmp_path / "old.db", OLD)
    outcome = await rondetafel(
        tmp_path, "run", **telegram(standin), DATABASE_URL=url, ENCRYPTION_KEY=NEW_TEXT
    )
    assert_told(
        outcome,
        f"The database was encrypted with another key (key {key_id(OLD)}; ENCRYPTION_KEY is"
        f" key {key_id(NEW)}): set ENCRYPTION_KEY to the key it was encrypted with, or add"
        " that key to ENCRYPTION_OLD_KEYS.",
    )


async def test_an_encrypted_database_without_a_key(tmp_path: Path, standin: BotApiStandIn) -> None:
    url = await sealed_database(tmp_path / "old.db", OLD)
    outcome = await rondetafel(
        tmp_path, "run", **telegram(standin), DATABASE_URL=url, ENCRYPTION_KEY="",
        ALLOW_UNENCRYPTED="true",
    )  # fmt: skip
    assert_told(
        outcome,
        f"The database is encrypted (key {key_id(OLD)}), but no ENCRYPTION_KEY is set:"
        " set the key it was encrypted with.",
    )


# keygen and rotate-key.


def test_keygen_prints_a_new_key_even_when_the_configured_one_is_broken(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENCRYPTION_KEY", "broken")
    printed = []
    for _ in range(2):
        assert main(["keygen"]) == 0
        printed.append(capsys.readouterr().out.strip())
    assert len(parse_key(printed[0])) == 32 and printed[0] != printed[1]


async def test_rotate_key_encrypts_everything_under_the_new_key_and_prints_only_counts(
    tmp_path: Path,
) -> None:
    url = await sealed_database(tmp_path / "old.db", OLD, plain="P.L.")
    keys = {"DATABASE_URL": url, "ENCRYPTION_KEY": NEW_TEXT, "ENCRYPTION_OLD_KEYS": OLD_TEXT}

    first = await rondetafel(tmp_path, "rotate-key", "--batch", "1", **keys)
    again = await rondetafel(tmp_path, "rotate-key", **keys)

    assert (first.returncode, first.stderr) == (0, "")
    assert first.stdout == (
        f"Everything is encrypted with key {key_id(NEW)}: 1 values re-encrypted,"
        " 1 unencrypted values encrypted.\n"
    )
    assert again.stdout.endswith(": 0 values re-encrypted, 0 unencrypted values encrypted.\n")
    assert await key_ids_in(url) == [key_id(NEW), key_id(NEW)]


async def test_rotate_key_without_the_old_key_stops_and_says_which_is_missing(
    tmp_path: Path,
) -> None:
    url = await sealed_database(tmp_path / "old.db", OLD)
    outcome = await rondetafel(tmp_path, "rotate-key", DATABASE_URL=url, ENCRYPTION_KEY=NEW_TEXT)
    assert_told(
        outcome,
        f"rotate-key stopped: a value in cases.pseudonym was encrypted with key {key_id(OLD)},"
        " which is not configured (set it as ENCRYPTION_KEY or add it to ENCRYPTION_OLD_KEYS)."
        " 0 values were done and stay done.",
    )
    assert await key_ids_in(url) == [key_id(OLD)]


async def test_rotate_key_needs_a_key(tmp_path: Path) -> None:
    outcome = await rondetafel(tmp_path, "rotate-key", ENCRYPTION_KEY="")
    assert_told(
        outcome,
        "Set ENCRYPTION_KEY (or ENCRYPTION_KEY_FILE) to the new key, and ENCRYPTION_OLD_KEYS"
        " to the key or keys it replaces.",
    )


# The settings themselves.


def test_old_keys_are_a_list_and_a_pasted_key_loses_its_spaces() -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        encryption_key=f" {NEW_TEXT}\n",
        encryption_old_keys=f"{OLD_TEXT}, {new_key()}",
    )
    assert settings.encryption_key is not None and settings.encryption_old_keys is not None
    assert settings.encryption_key.get_secret_value() == NEW_TEXT
    assert len(settings.encryption_old_keys.get_secret_value().split(",")) == 2


def test_a_bad_old_key_is_told_without_being_repeated() -> None:
    with pytest.raises(ValidationError) as raised:
        Settings(_env_file=None, encryption_old_keys=f"{OLD_TEXT},tooshort")  # type: ignore[call-arg]
    assert explain(raised.value) == f"ENCRYPTION_OLD_KEYS is not valid: it should be {KEY_FORMAT}."
