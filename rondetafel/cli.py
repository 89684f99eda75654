"""The `rondetafel` command: run, demo, migrate."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from rondetafel.flows.script import MeetingKind
from rondetafel.settings import Settings


def main(argv: list[str] | None = None) -> int:
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
    args = parser.parse_args(argv)
    settings = Settings()
    logging.basicConfig(
        level=settings.log_level if args.command == "run" else "WARNING",
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)

    if args.command == "demo":
        from rondetafel.demo import main as demo_main

        return demo_main(args.out or settings.demo_dir, args.language, MeetingKind(args.kind))
    if args.command == "migrate":
        return asyncio.run(_migrate(settings))
    return _run(settings)


async def _migrate(settings: Settings) -> int:
    from rondetafel.storage.db import Database

    db = Database(settings.database_url)
    try:
        await db.upgrade()
    finally:
        await db.dispose()
    print(f"Database is up to date: {db.url}")  # the URL's str() hides a password
    return 0


def _run(settings: Settings) -> int:
    if settings.bot_token is None:
        print(
            "Set BOT_TOKEN to the token BotFather gave you (see README: 'Create the bot').",
            file=sys.stderr,
        )
        return 2
    from rondetafel.bot.app import ALLOWED_UPDATES, build_application
    from rondetafel.storage.db import Database

    db = Database(settings.database_url)
    app = build_application(settings, db, token=settings.bot_token.get_secret_value())

    async def close_db(_: object) -> None:
        await db.dispose()

    app.post_shutdown = close_db
    app.run_polling(allowed_updates=ALLOWED_UPDATES)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
