"""A set-up mistake ends in one line on stderr and exit code 2, never a traceback.

Each test runs the real command in a process of its own, with the settings
taken out of the environment and an empty working folder, so that no .env
file is read. Telegram is the local stand-in, or a port where nothing listens:
no test reaches the real Telegram.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest
from pydantic import BaseModel, ValidationError
from sqlalchemy import make_url
from telegram.error import NetworkError

from rondetafel.cli import startup_line
from rondetafel.settings import Settings
from rondetafel.setup_errors import EXIT_SETUP, explain, masked_url
from rondetafel.standin import BotApiStandIn
from tests.conftest import POSTGRES_URL, TEST_KEY

TOKEN = "123456789:the-right-token-for-this-test-x"
OTHER_TOKEN = "123456789:a-well-formed-token-but-not-this-bots"
BOT_USERNAME = "RondetafelSetupBot"
# Nothing listens on port 1: a call there is refused at once, so a test that
# should stop before any network call would show it by a different line.
NOWHERE = "http://127.0.0.1:1/bot"
# Each process starts in one to two seconds; this only stops a hang.
TIMEOUT = 10.0

NO_TOKEN = "Set BOT_TOKEN to the token BotFather gave you (see README: 'Create the bot')."
BAD_TOKEN = (
    "BOT_TOKEN is not valid: it should look like 123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
    " (the bot's number, a colon, then letters, digits, - and _), exactly as BotFather gave it."
)
REJECTED_TOKEN = "Telegram rejected BOT_TOKEN: copy it again from BotFather (/mybots → API Token)."


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str


def environment(**settings: str | None) -> dict[str, str]:
    """This process's environment without any of the bot's settings, plus `settings`."""
    names = {name.upper() for name in Settings.model_fields}
    env = {key: value for key, value in os.environ.items() if key.upper() not in names}
    env["TELEGRAM_API_URL"] = NOWHERE
    # A key, so that `run` gets past it (tests/test_encryption_setup.py takes it away).
    env["ENCRYPTION_KEY"] = TEST_KEY
    env.update({key: value for key, value in settings.items() if value is not None})
    return env


# Root may write anywhere; the bot runs as an ordinary user (the image's is 10001).
# Without these two capabilities root is held to permission bits like that user,
# so the read-only cases are tested on CI, which runs as root, too.
AS_ORDINARY_USER = (
    ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]
    if os.geteuid() == 0 and shutil.which("setpriv")
    else []
)


async def spawn(cwd: Path, *args: str, **settings: str | None) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *AS_ORDINARY_USER,
        sys.executable,
        "-m",
        "rondetafel.cli",
        *args,
        cwd=cwd,
        env=environment(**settings),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def rondetafel(cwd: Path, *args: str, **settings: str | None) -> Outcome:
    """Run `rondetafel *args` to its end."""
    process = await spawn(cwd, *args, **settings)
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), TIMEOUT)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode is not None
    return Outcome(process.returncode, stdout.decode(), stderr.decode())


def assert_told(outcome: Outcome, line: str) -> None:
    """Exactly `line` on stderr, exit code 2, and no traceback anywhere."""
    assert "Traceback" not in outcome.stderr + outcome.stdout, outcome.stderr
    assert (outcome.returncode, outcome.stderr) == (EXIT_SETUP, line + "\n")


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn(token=TOKEN, bot_username=BOT_USERNAME) as standin:
        yield standin


def telegram(standin: BotApiStandIn, token: str = TOKEN) -> dict[str, str | None]:
    return {
        "BOT_TOKEN": token,
        "TELEGRAM_API_URL": standin.base_url,
        "TELEGRAM_FILE_URL": standin.base_file_url,
    }


def sqlite(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
async def postgres_server() -> str:
    """POSTGRES_URL, once its server answers; skipped without one, except on CI."""
    server = make_url(POSTGRES_URL)
    dsn = server.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        connection = await asyncpg.connect(dsn, timeout=5)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        reason = f"PostgreSQL at {server} is not reachable: {exc!r}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must run the PostgreSQL tests", pytrace=False)
        pytest.skip(reason)
    await connection.close()
    return POSTGRES_URL


@pytest.fixture
def locked(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody may write in, if this user is held to that (root is not)."""
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o555)
    probe = subprocess.run(
        [*AS_ORDINARY_USER, "touch", str(folder / "probe")], capture_output=True, check=False
    )
    try:
        if probe.returncode == 0:
            pytest.skip("this user may write anywhere, read-only folders included")
        yield folder
    finally:
        folder.chmod(0o755)  # so that pytest can clear tmp_path


# 1. A token in the wrong format: told before any network call.


@pytest.mark.parametrize(
    "token",
    [
        "bot" + TOKEN,  # copied with the "bot" of the API address
        "123456789",
        "123456789:short",
        "the-right-token-for-this-test-x",
    ],
)
async def test_a_token_in_the_wrong_format(tmp_path: Path, token: str) -> None:
    assert_told(await rondetafel(tmp_path, "run", BOT_TOKEN=token), BAD_TOKEN)


@pytest.mark.parametrize("token", [None, "", "  "])
async def test_no_token(tmp_path: Path, token: str | None) -> None:
    assert_told(await rondetafel(tmp_path, "run", BOT_TOKEN=token), NO_TOKEN)


def test_a_pasted_token_loses_its_spaces_and_line_break() -> None:
    settings = Settings(_env_file=None, bot_token=f" {TOKEN}\n")  # type: ignore[call-arg]
    assert settings.bot_token is not None
    assert settings.bot_token.get_secret_value() == TOKEN


# 2. A token Telegram rejects.


async def test_a_token_telegram_rejects(tmp_path: Path, standin: BotApiStandIn) -> None:
    outcome = await rondetafel(tmp_path, "run", **telegram(standin, token=OTHER_TOKEN))
    assert_told(outcome, REJECTED_TOKEN)
    assert OTHER_TOKEN not in outcome.stderr


async def test_telegram_out_of_reach(tmp_path: Path) -> None:
    outcome = await rondetafel(tmp_path, "run", BOT_TOKEN=TOKEN)
    # After the "(": the HTTP library's own words, which are its to change.
    assert outcome.stderr.startswith(f"Cannot reach Telegram at {NOWHERE} (")
    assert outcome.stderr.endswith("): check the network connection and TELEGRAM_API_URL.\n")
    assert outcome.stderr.count("\n") == 1
    assert outcome.returncode == EXIT_SETUP


# 3 and 6. A database server that is not running, also behind a URL without driver.

REFUSED = (
    "Cannot connect to the database server"
    " (DATABASE_URL=postgresql+asyncpg://postgres:***@127.0.0.1:1/test):"
    " connection refused; is it running, and are host and port right?"
)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+asyncpg://postgres:secret@127.0.0.1:1/test",
        "postgresql://postgres:secret@127.0.0.1:1/test",
        "postgres://postgres:secret@127.0.0.1:1/test",
    ],
)
async def test_a_database_server_that_is_not_running(
    tmp_path: Path, standin: BotApiStandIn, url: str
) -> None:
    outcome = await rondetafel(tmp_path, "run", **telegram(standin), DATABASE_URL=url)
    assert_told(outcome, REFUSED)
    assert standin.calls_to("getMe"), "the database should be reached after Telegram said yes"


async def test_migrate_tells_the_same(tmp_path: Path) -> None:
    outcome = await rondetafel(
        tmp_path, "migrate", DATABASE_URL="postgres://postgres:secret@127.0.0.1:1/test"
    )
    assert_told(outcome, REFUSED)


# 4. A PostgreSQL database that does not exist.


@pytest.mark.postgres
async def test_a_database_that_does_not_exist(
    tmp_path: Path, standin: BotApiStandIn, postgres_server: str
) -> None:
    name = f"rondetafel_missing_{uuid.uuid4().hex[:12]}"
    url = make_url(postgres_server).set(database=name)
    outcome = await rondetafel(
        tmp_path,
        "run",
        **telegram(standin),
        DATABASE_URL=url.render_as_string(hide_password=False),
    )
    assert_told(
        outcome,
        f'The database "{name}" does not exist'
        f" (DATABASE_URL={url.render_as_string(hide_password=True)}):"
        f" create it first (createdb {name}) or correct the name.",
    )


# 5. SQLite where it cannot be written.


async def test_a_sqlite_folder_that_cannot_be_made(tmp_path: Path, standin: BotApiStandIn) -> None:
    (tmp_path / "notes.txt").write_text("a file, where the database wants a folder")
    url = sqlite(tmp_path / "notes.txt" / "data" / "rondetafel.db")
    outcome = await rondetafel(tmp_path, "run", **telegram(standin), DATABASE_URL=url)
    assert_told(
        outcome,
        f"Cannot create the SQLite database's folder (DATABASE_URL={url}):"
        f" not a directory: {tmp_path / 'notes.txt' / 'data'}.",
    )


async def test_a_sqlite_folder_without_permission(
    tmp_path: Path, standin: BotApiStandIn, locked: Path
) -> None:
    url = sqlite(locked / "data" / "rondetafel.db")
    outcome = await rondetafel(tmp_path, "run", **telegram(standin), DATABASE_URL=url)
    assert_told(
        outcome,
        f"Cannot create the SQLite database's folder (DATABASE_URL={url}):"
        f" permission denied: {locked / 'data'}.",
    )


async def test_a_sqlite_file_in_a_read_only_folder(
    tmp_path: Path, standin: BotApiStandIn, locked: Path
) -> None:
    url = sqlite(locked / "rondetafel.db")
    outcome = await rondetafel(tmp_path, "run", **telegram(standin), DATABASE_URL=url)
    assert_told(
        outcome,
        f"Cannot open the SQLite database (DATABASE_URL={url}):"
        " the path must be a file in a folder this user can write to.",
    )


async def test_a_sqlite_path_that_is_a_folder(tmp_path: Path, standin: BotApiStandIn) -> None:
    url = sqlite(tmp_path)
    outcome = await rondetafel(tmp_path, "run", **telegram(standin), DATABASE_URL=url)
    assert_told(
        outcome,
        f"Cannot open the SQLite database (DATABASE_URL={url}):"
        " the path must be a file in a folder this user can write to.",
    )


async def test_a_read_only_sqlite_database(tmp_path: Path, standin: BotApiStandIn) -> None:
    database = tmp_path / "old.db"
    sqlite3.connect(database).close()  # exists, so that read-only mode can open it
    # Read-only by the URL: file permissions would not stop root.
    url = f"sqlite+aiosqlite:///file:{database}?mode=ro&uri=true"
    outcome = await rondetafel(tmp_path, "run", **telegram(standin), DATABASE_URL=url)
    assert_told(
        outcome,
        f"The SQLite database is read-only (DATABASE_URL={url}):"
        " give this user write access to the file and its folder.",
    )


async def test_a_file_that_is_not_a_sqlite_database(tmp_path: Path) -> None:
    (tmp_path / "notes.db").write_text("not a database, but long enough to look at. " * 4)
    url = sqlite(tmp_path / "notes.db")
    outcome = await rondetafel(tmp_path, "migrate", DATABASE_URL=url)
    assert_told(
        outcome,
        f"The file is not an SQLite database (DATABASE_URL={url}):"
        " point DATABASE_URL at another file.",
    )


# 6. A URL without a driver gets the async one.


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgresql://u:p@h/db", "postgresql+asyncpg://u:p@h/db"),
        ("postgres://u:p@h:5433/db", "postgresql+asyncpg://u:p@h:5433/db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("sqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("sqlite:////var/lib/x.db", "sqlite+aiosqlite:////var/lib/x.db"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
    ],
)
def test_a_url_without_driver_gets_the_async_one(given: str, used: str) -> None:
    assert Settings(_env_file=None, database_url=given).database_url == used  # type: ignore[call-arg]


async def test_migrate_accepts_a_sqlite_url_without_driver(tmp_path: Path) -> None:
    outcome = await rondetafel(tmp_path, "migrate", DATABASE_URL="sqlite:///x.db")
    assert (outcome.returncode, outcome.stderr) == (0, "")
    assert outcome.stdout == "Database is up to date: sqlite+aiosqlite:///x.db\n"
    assert (tmp_path / "x.db").is_file()


@pytest.mark.parametrize(
    ("url", "line"),
    [
        (
            "mysql://u@h/db",
            "DATABASE_URL is not valid: mysql is not supported; use"
            " sqlite+aiosqlite:///rondetafel.db or postgresql+asyncpg://user@host/db.",
        ),
        (
            "rondetafel.db",
            "DATABASE_URL is not valid: expected a URL like"
            " sqlite+aiosqlite:///rondetafel.db or postgresql+asyncpg://user@host/db.",
        ),
    ],
)
async def test_a_database_url_that_cannot_work(tmp_path: Path, url: str, line: str) -> None:
    assert_told(await rondetafel(tmp_path, "migrate", DATABASE_URL=url), line)


# 7. An unknown time zone.


async def test_an_unknown_timezone(tmp_path: Path) -> None:
    outcome = await rondetafel(tmp_path, "run", BOT_TOKEN=TOKEN, TIMEZONE="Europe/Amsterdm")
    assert_told(
        outcome,
        "TIMEZONE is not valid: 'Europe/Amsterdm' is not a time zone name;"
        " use one like Europe/Amsterdam.",
    )


# 8. The log level in any case.


async def test_a_lowercase_log_level_is_taken(tmp_path: Path) -> None:
    # Gets as far as the token: the level itself was no problem.
    assert_told(await rondetafel(tmp_path, "run", LOG_LEVEL="debug"), NO_TOKEN)
    assert Settings(_env_file=None, log_level=" debug").log_level == "DEBUG"  # type: ignore[call-arg]


async def test_an_unknown_log_level(tmp_path: Path) -> None:
    assert_told(
        await rondetafel(tmp_path, "run", BOT_TOKEN=TOKEN, LOG_LEVEL="loud"),
        "LOG_LEVEL is not valid: 'loud' is not a log level;"
        " use DEBUG, INFO, WARNING, ERROR or CRITICAL.",
    )


# 9. A demo folder that cannot be written, told before the demo starts.


async def test_a_demo_folder_that_cannot_be_written(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("a file, where the demo wants a folder")
    out = tmp_path / "notes.txt" / "demo"
    outcome = await rondetafel(tmp_path, "demo", "--out", str(out))
    assert_told(outcome, f"Cannot write to {out} (--out): not a directory.")


async def test_the_demo_folder_from_the_settings(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("a file, where the demo wants a folder")
    outcome = await rondetafel(tmp_path, "demo", DEMO_DIR="notes.txt")
    assert_told(outcome, "Cannot write to notes.txt (DEMO_DIR): file exists.")


async def test_a_demo_folder_without_permission(tmp_path: Path, locked: Path) -> None:
    outcome = await rondetafel(tmp_path, "demo", "--out", str(locked))
    assert_told(outcome, f"Cannot write to {locked} (--out): permission denied.")


# 10. Any other setting that is not valid.


async def test_a_number_that_is_not_a_number(tmp_path: Path) -> None:
    outcome = await rondetafel(tmp_path, "run", BOT_TOKEN=TOKEN, GROUP_MESSAGES_PER_MINUTE="abc")
    assert_told(
        outcome,
        "GROUP_MESSAGES_PER_MINUTE is not valid: input should be a valid integer,"
        " unable to parse string as an integer (got 'abc').",
    )


async def test_several_settings_that_are_not_valid_in_one_line(tmp_path: Path) -> None:
    outcome = await rondetafel(
        tmp_path, "migrate", MESSAGES_PER_SECOND="fast", MEETING_EXPIRY_DAYS="0"
    )
    assert_told(
        outcome,
        "MESSAGES_PER_SECOND is not valid: input should be a valid integer,"
        " unable to parse string as an integer (got 'fast');"
        " MEETING_EXPIRY_DAYS is not valid: input should be greater than or equal to 1"
        " (got '0').",
    )


# What is not a set-up mistake keeps its traceback; what is secret stays out.


def test_a_bug_is_not_explained() -> None:
    assert explain(RuntimeError("a bug")) is None
    assert explain(sqlite3.OperationalError("no such table: meetings")) is None

    class Other(BaseModel):
        number: int

    with pytest.raises(ValidationError) as caught:
        Other(number="abc")  # type: ignore[arg-type]
    assert explain(caught.value) is None  # not a setting: its field names no variable


def test_the_token_never_appears_in_a_line() -> None:
    settings = Settings(_env_file=None, bot_token=TOKEN)  # type: ignore[call-arg]
    line = explain(NetworkError(f"failed at /bot{TOKEN}/getMe"), settings)
    assert line is not None
    assert TOKEN not in line
    assert "/bot<BOT_TOKEN>/getMe" in line


# The start-up line: which bot, which database (password hidden), which mode.


def test_the_startup_line_hides_the_password() -> None:
    url = "postgresql+asyncpg://u:secret@h/db"
    assert masked_url(url) == "postgresql+asyncpg://u:***@h/db"
    assert startup_line("SchoolBot", url) == (
        "Running as @SchoolBot with database postgresql+asyncpg://u:***@h/db (long polling)"
    )


async def test_run_logs_the_startup_line(tmp_path: Path, standin: BotApiStandIn) -> None:
    url = sqlite(tmp_path / "data" / "rondetafel.db")
    expected = f" INFO rondetafel: {startup_line(BOT_USERNAME, url)}\n"
    process = await spawn(tmp_path, "run", **telegram(standin), DATABASE_URL=url)
    assert process.stderr is not None
    log: list[str] = []
    try:
        async with asyncio.timeout(TIMEOUT):
            while not any(line.endswith(expected) for line in log):
                line = (await process.stderr.readline()).decode()
                assert line, f"the bot stopped before it was up:\n{''.join(log)}"
                log.append(line)
            # The line comes before polling starts; python-telegram-bot takes a
            # stop signal in between badly, so wait for the first long poll.
            await standin.wait_for(lambda: standin.waiting_polls > 0, timeout=TIMEOUT)
            process.send_signal(signal.SIGTERM)
            log.append((await process.stderr.read()).decode())
            await process.wait()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert (process.returncode, "Traceback" in "".join(log)) == (0, False), "".join(log)
