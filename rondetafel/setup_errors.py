"""Set-up mistakes, each told in one line to whoever runs the bot.

`rondetafel run`, `migrate` and `demo` all end in `explain`: an exception it
recognises (a mistyped setting, a token Telegram rejects, a database that is
not there) becomes one line on stderr and exit code 2. Anything else is a bug,
and keeps its traceback.
"""

from __future__ import annotations

import errno
import socket
import sqlite3
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from sqlalchemy import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from telegram.error import BadRequest, InvalidToken, NetworkError

from rondetafel.settings import Settings

# Like argparse's usage errors: the command cannot start as it is set up.
EXIT_SETUP = 2

# Never repeated in a message: the token and keys are secrets, the URL may hold a password.
SECRET_SETTINGS = frozenset({"bot_token", "database_url", "encryption_key", "encryption_old_keys"})


class SetupError(Exception):
    """A set-up mistake found by our own checks; the message is the whole line."""


def explain(exc: BaseException, settings: Settings | None = None) -> str | None:
    """The line that tells the operator what to fix, or None when `exc` is a bug.

    `settings` (when they could be read) name the database and the Bot API
    address in the line, and let it be scrubbed of the token.
    """
    for link in _chain(exc):
        line = _explain_one(link, settings)
        if line is not None:
            token = settings.bot_token.get_secret_value() if settings and settings.bot_token else ""
            return line.replace(token, "<BOT_TOKEN>") if token else line
    return None


def masked_url(url: str | URL) -> str:
    """`url` with its password as ***, fit for a log or an error line."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "(not a database URL)"
    if parsed.password is None and isinstance(url, str):
        # As given: rendering would quote an SQLite URI's "file:" as "file%3A".
        return url
    return parsed.render_as_string(hide_password=True)


def check_writable_folder(folder: Path, *, setting: str) -> None:
    """Make `folder` and write a file in it, or raise the SetupError naming `setting`.

    Trying is the only sure test: permission bits say nothing about root,
    read-only mounts or a file standing where a folder should be.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        reason = _reason(exc, within=folder)
        raise SetupError(f"Cannot write to {folder} ({setting}): {reason}.") from exc


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """`exc` and what lies under it: SQLAlchemy's wrapped driver error, causes, contexts."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        link = todo.pop(0)
        if link is None or id(link) in seen:
            continue
        seen.add(id(link))
        yield link
        if isinstance(link, DBAPIError):
            todo.append(link.orig)
        todo.append(link.__cause__)
        if not link.__suppress_context__:
            todo.append(link.__context__)


def _explain_one(exc: BaseException, settings: Settings | None) -> str | None:
    if isinstance(exc, SetupError):
        return str(exc)
    if isinstance(exc, ValidationError) and exc.title == Settings.__name__:
        return "; ".join(_invalid_setting(error) for error in exc.errors(include_url=False)) + "."
    if isinstance(exc, InvalidToken):
        return "Telegram rejected BOT_TOKEN: copy it again from BotFather (/mybots → API Token)."
    # BadRequest is a NetworkError in python-telegram-bot, but it means a wrong call: a bug.
    if isinstance(exc, NetworkError) and not isinstance(exc, BadRequest):
        where = f"Telegram at {settings.telegram_api_url}" if settings else "Telegram"
        return (
            f"Cannot reach {where} ({exc.message}): "
            "check the network connection and TELEGRAM_API_URL."
        )
    return _database_problem(exc, settings)


def _invalid_setting(error: ErrorDetails) -> str:
    field = str(error["loc"][0]) if error["loc"] else ""
    if error["type"] == "value_error" and "error" in error.get("ctx", {}):
        # Our own validators word the whole problem, value included where it is safe.
        detail = str(error["ctx"]["error"])
    else:
        detail = error["msg"][:1].lower() + error["msg"][1:]
        if field not in SECRET_SETTINGS:
            detail += f" (got {_shown(error['input'])})"
    # pydantic-settings reads each field from the variable of the same name in capitals.
    return f"{field.upper()} is not valid: {detail}"


def _shown(value: object, limit: int = 40) -> str:
    text = str(value)
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _asyncpg_error(exc: BaseException, name: str) -> bool:
    """Whether `exc` is asyncpg's `name`. Only a PostgreSQL connection raises those, and
    it has imported asyncpg by then: importing it here would cost a SQLite start-up
    3 MB and 25 ms."""
    module = sys.modules.get("asyncpg.exceptions")
    return module is not None and isinstance(exc, getattr(module, name))


def _database_problem(exc: BaseException, settings: Settings | None) -> str | None:
    url = make_url(settings.database_url) if settings else None
    where = f"DATABASE_URL={masked_url(settings.database_url)}" if settings else "DATABASE_URL"
    if _asyncpg_error(exc, "InvalidCatalogNameError"):
        if url is None or not url.database:
            return f"The database does not exist ({where}): create it first or correct the name."
        return (
            f'The database "{url.database}" does not exist ({where}): '
            f"create it first (createdb {url.database}) or correct the name."
        )
    if _asyncpg_error(exc, "InvalidAuthorizationSpecificationError"):  # also a wrong password
        return f"The database server refused the login ({where}): {exc}."
    if isinstance(exc, sqlite3.OperationalError):
        message = str(exc)
        if "readonly" in message:
            return (
                f"The SQLite database is read-only ({where}): "
                "give this user write access to the file and its folder."
            )
        if "unable to open" in message:
            return (
                f"Cannot open the SQLite database ({where}): "
                "the path must be a file in a folder this user can write to."
            )
        return None
    if isinstance(exc, sqlite3.DatabaseError) and "not a database" in str(exc):
        return f"The file is not an SQLite database ({where}): point DATABASE_URL at another file."
    if isinstance(exc, socket.gaierror):
        host = f" {url.host}" if url and url.host else ""
        return f"Cannot find the database host{host} ({where}): check the host name."
    if isinstance(exc, OSError) and _refused(exc):
        return (
            f"Cannot connect to the database server ({where}): connection refused; "
            "is it running, and are host and port right?"
        )
    if isinstance(exc, OSError) and url is not None and _inside_sqlite_path(exc, url):
        return f"Cannot create the SQLite database's folder ({where}): {_reason(exc)}."
    return None


def _refused(exc: OSError) -> bool:
    # With several addresses for one host (localhost: ::1 and 127.0.0.1) asyncio
    # raises one OSError, without errno, that lists each refusal.
    return exc.errno == errno.ECONNREFUSED or (
        exc.errno is None and "Connect call failed" in str(exc)
    )


def _inside_sqlite_path(exc: OSError, url: URL) -> bool:
    """Whether `exc` is about the SQLite file or one of the folders above it."""
    if url.get_backend_name() != "sqlite" or not url.database or exc.filename is None:
        return False
    database = Path(url.database).absolute()
    failed = Path(str(exc.filename)).absolute()
    return failed == database or failed in database.parents


def _reason(exc: OSError, *, within: Path | None = None) -> str:
    """What went wrong, and where, unless that is `within`, already named, or in it.

    Inside it the name says nothing: a probe file's name is made up at random.
    """
    reason = exc.strerror or str(exc)
    failed = None if exc.filename is None else Path(str(exc.filename))
    named = failed is None or (
        within is not None and (failed == within or within in failed.parents)
    )
    where = "" if named else f": {exc.filename}"
    return reason[:1].lower() + reason[1:] + where
