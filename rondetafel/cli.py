"""The `rondetafel` command: run, demo, migrate, health, bench, keygen, rotate-key."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from rondetafel import collector
from rondetafel.clock import Clock
from rondetafel.flows.script import MeetingKind

if TYPE_CHECKING:
    from rondetafel.settings import Settings

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Named, not __name__: under `python -m rondetafel.cli` that would be "__main__".
_LOG = logging.getLogger("rondetafel")


class StartupLog(logging.Handler):
    """Holds the log while `run` starts, then lets it through.

    A start-up failure that `explain` recognises is then told in one line
    instead of a screenful: alembic's progress, python-telegram-bot's traceback
    of a rejected token. After a failure it cannot explain, and once the bot is
    up, the held records go out after all, with their own times.
    """

    def __init__(self, target: logging.Handler) -> None:
        super().__init__()
        self._target = target
        self._held: list[logging.LogRecord] | None = []

    def emit(self, record: logging.LogRecord) -> None:
        if self._held is None:
            self._target.handle(record)
        else:
            self._held.append(record)

    def stop_holding(self, *, replay: bool) -> None:
        held, self._held = self._held, None
        if replay and held:
            for record in held:
                self._target.handle(record)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "keygen":
        # Before the settings: a mistyped ENCRYPTION_KEY must not stop making a new one.
        return _keygen()
    if args.command == "run":
        collector.rest_while_starting()
    # Imported here, not at the top: under `run`, after the collector is put to rest.
    from rondetafel.settings import Settings
    from rondetafel.setup_errors import EXIT_SETUP, explain

    settings: Settings | None = None
    startup_log: StartupLog | None = None
    try:
        settings = Settings()
        startup_log = _configure_logging(settings, args.command)
        if args.command == "demo":
            return _demo(args, settings)
        if args.command == "migrate":
            return asyncio.run(_migrate(settings))
        if args.command == "health":
            return _health(settings)
        if args.command == "bench":
            return _bench(args)
        if args.command == "rotate-key":
            return asyncio.run(_rotate_key(settings, args.batch))
        return _run(settings, startup_log)
    except Exception as exc:
        # The demo and the bench bring their own stand-in and database, so the settings would
        # only point the line at the wrong place.
        line = explain(exc, settings if args.command not in ("demo", "bench") else None)
        if startup_log is not None:
            startup_log.stop_holding(replay=line is None)
        if line is None:
            raise
        print(line, file=sys.stderr)
        return EXIT_SETUP
    finally:
        if startup_log is not None:
            # Stopped before it was up (Ctrl+C while starting): show what happened.
            startup_log.stop_holding(replay=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rondetafel", description="Support meetings the HGW way, in Telegram."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the bot (long polling; needs BOT_TOKEN)")
    demo = commands.add_parser("demo", help="play a whole meeting offline against a local stand-in")
    demo.add_argument("--language", choices=("nl", "en"), default="nl")
    demo.add_argument(
        "--kind", choices=[k.value for k in MeetingKind], default=MeetingKind.PUPIL_MEETING.value
    )
    demo.add_argument("--out", type=Path, default=None, help="where to write summary and report")
    commands.add_parser("migrate", help="bring the database schema up to date")
    commands.add_parser("health", help="exit 0 if a running bot touched HEARTBEAT_FILE lately")
    commands.add_parser("keygen", help="print a new ENCRYPTION_KEY")
    rotate = commands.add_parser(
        "rotate-key",
        help="re-encrypt everything stored under ENCRYPTION_KEY (reading ENCRYPTION_OLD_KEYS)",
    )
    rotate.add_argument(
        "--batch", type=_positive, default=200, metavar="N", help="values per transaction (200)"
    )
    _add_bench_parser(commands)
    return parser


def _add_bench_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    bench = commands.add_parser(
        "bench",
        help="measure the bot against a bare echo bot on a local stand-in (docs/benchmarks.md)",
    )
    bench.add_argument("--meetings", type=_count, default=200, help="meetings at once (200)")
    bench.add_argument(
        "--db", default=None, metavar="URL", help="database (default: a fresh SQLite file)"
    )
    bench.add_argument(
        "--limits", choices=("on", "off"), default="off", help="Telegram's flood limits (off)"
    )
    bench.add_argument(
        "--open-meetings",
        type=_count,
        default=0,
        metavar="N",
        help="also measure memory with N meetings started and waiting",
    )
    bench.add_argument(
        "--open-wave",
        type=_count,
        default=100,
        metavar="N",
        help="start the open meetings N at a time (100)",
    )
    bench.add_argument(
        "--timeout", type=float, default=None, metavar="S", help="give up on a meeting after S s"
    )
    bench.add_argument("--json", type=Path, default=None, metavar="PATH", help="also write JSON")
    bench.add_argument(
        "--reminders",
        type=_count,
        default=0,
        metavar="N",
        help="instead: N reminders due at once, sent by the bot (docs/reminders.md)",
    )
    bench.add_argument(
        "--rate",
        type=_positive,
        default=None,
        metavar="PER_SECOND",
        help="with --reminders: REMINDERS_PER_MINUTE=60×it and MESSAGES_PER_SECOND=it",
    )
    bench.add_argument(
        "--global-limit",
        type=float,
        default=None,
        metavar="PER_SECOND",
        help="with --reminders: the stand-in's overall limit (30, or 1.2×--rate)",
    )


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _configure_logging(settings: Settings, command: str) -> StartupLog:
    stderr = logging.StreamHandler()
    stderr.setFormatter(logging.Formatter(LOG_FORMAT))
    startup_log = StartupLog(stderr)
    if command != "run":
        startup_log.stop_holding(replay=False)  # nothing to hold: no start-up to wait for
    logging.basicConfig(
        level=settings.log_level if command == "run" else "WARNING", handlers=[startup_log]
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # Alembic lists its plugins at INFO each time it is imported: noise on every start.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    return startup_log


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    from rondetafel.demo import main as demo_main
    from rondetafel.setup_errors import check_writable_folder

    out: Path = args.out or settings.demo_dir
    # Before the stand-in and the bot start: finding out after a whole meeting wastes it.
    check_writable_folder(out, setting="--out" if args.out else "DEMO_DIR")
    return demo_main(out, args.language, MeetingKind(args.kind))


def _bench(args: argparse.Namespace) -> int:
    if args.reminders:
        from rondetafel.bench.reminder_command import main as reminders_main
        from rondetafel.bench.reminders import ReminderOptions

        reminder_options = ReminderOptions(
            reminders=args.reminders,
            database=args.db,
            rate=args.rate,
            global_limit=args.global_limit,
            timeout=args.timeout,
            # The bot's log, kept beside the JSON: the run's folder is removed.
            keep_log=args.json.with_suffix(".bot.log") if args.json else None,
        )
        return reminders_main(reminder_options, args.json)
    from rondetafel.bench.command import main as bench_main
    from rondetafel.bench.runner import BenchOptions

    options = BenchOptions(
        meetings=args.meetings,
        database=args.db,
        limits=args.limits == "on",
        open_meetings=args.open_meetings,
        open_wave=max(1, args.open_wave),
        timeout=args.timeout,
    )
    return bench_main(options, args.json)


async def _migrate(settings: Settings) -> int:
    from rondetafel.setup_errors import masked_url
    from rondetafel.storage.db import Database

    db = Database(settings.database_url)
    try:
        await db.upgrade()
    finally:
        await db.dispose()
    print(f"Database is up to date: {masked_url(settings.database_url)}")
    return 0


def _keygen() -> int:
    from rondetafel.storage.crypto import new_key

    print(new_key())
    return 0


async def _rotate_key(settings: Settings, batch: int) -> int:
    """Seal every stored value under ENCRYPTION_KEY; counts only, never content.

    Safe beside the running bot (given the same keys) and after an
    interruption: values already under the new key are skipped.
    """
    from rondetafel.keys import keyring_from
    from rondetafel.setup_errors import SetupError
    from rondetafel.storage.crypto import EncryptionError
    from rondetafel.storage.db import Database
    from rondetafel.storage.sealed_columns import Resealed, reseal

    keyring = keyring_from(settings)
    db = Database(settings.database_url, keyring=keyring)
    progress = Resealed()

    async def count(done: Resealed) -> None:
        nonlocal progress
        progress = done

    try:
        # Sealed values need the text columns of migration 0005.
        await db.upgrade()
        done = await reseal(db, keyring, batch=batch, after_batch=count)
    except EncryptionError as exc:
        raise SetupError(
            f"rotate-key stopped: {exc}. {progress.total} values were done and stay done."
        ) from exc
    finally:
        await db.dispose()
    print(
        f"Everything is encrypted with key {keyring.current_id}: {done.rekeyed} values"
        f" re-encrypted, {done.sealed} unencrypted values encrypted"
        + (f", {done.raced} rewritten by the bot meanwhile" if done.raced else "")
        + "."
    )
    return 0


# Three missed beats (every 30 s) mean the bot is stuck or gone.
HEALTHY_WITHIN = 90.0


def _health(settings: Settings, now: float | None = None) -> int:
    path = settings.heartbeat_file
    if path is None:
        print("Set HEARTBEAT_FILE (the bot touches it while it runs).", file=sys.stderr)
        return 1
    try:
        age = (now if now is not None else time.time()) - path.stat().st_mtime
    except OSError:
        print(f"Not running: {path} does not exist.", file=sys.stderr)
        return 1
    if age > HEALTHY_WITHIN:
        print(f"Not healthy: the bot last touched {path} {age:.0f} s ago.", file=sys.stderr)
        return 1
    return 0


def startup_line(username: str, database_url: str) -> str:
    """What `run` logs once it is up: which bot, which database, which mode."""
    from rondetafel.setup_errors import masked_url

    return f"Running as @{username} with database {masked_url(database_url)} (long polling)"


def _run(settings: Settings, startup_log: StartupLog, *, clock: Clock | None = None) -> int:
    """`rondetafel run`; `clock` (the school's time by default) only for the reminder bench."""
    from rondetafel.setup_errors import SetupError

    if settings.bot_token is None:
        raise SetupError(
            "Set BOT_TOKEN to the token BotFather gave you (see README: 'Create the bot')."
        )
    from rondetafel.bot.app import (
        ALLOWED_UPDATES,
        build_application,
        close_transports,
        start_services,
    )
    from rondetafel.bot.context import RondetafelApp
    from rondetafel.keys import check_database_keys, sealing_from
    from rondetafel.storage.crypto import Keyring
    from rondetafel.storage.db import Database

    sealing = sealing_from(settings)
    db = Database(settings.database_url, keyring=sealing)
    app = build_application(settings, db, token=settings.bot_token.get_secret_value(), clock=clock)

    async def start(application: RondetafelApp) -> None:
        # The keys are checked before the sender reads the first stored message.
        await db.upgrade()
        await check_database_keys(db, sealing)
        await start_services(application)
        if isinstance(sealing, Keyring):
            _LOG.info("Free text is stored encrypted (key %s)", sealing.current_id)
        else:
            _LOG.warning("ALLOW_UNENCRYPTED=true: free text is stored unencrypted")
        _LOG.info("%s", startup_line(application.bot.username, settings.database_url))
        startup_log.stop_holding(replay=True)
        collector.started()

    async def close_db(application: RondetafelApp) -> None:
        await close_transports(application)
        await db.dispose()

    # run_polling calls post_shutdown also when initialize() or post_init
    # fails, and then raises: the engine is disposed on every way out.
    app.post_init = start
    app.post_shutdown = close_db
    try:
        app.run_polling(allowed_updates=ALLOWED_UPDATES)
    finally:
        collector.started()  # also after a start that failed: nothing is left at rest
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
