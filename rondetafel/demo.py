"""`rondetafel demo`: a whole meeting, offline, over real HTTP.

Starts the local Bot API stand-in on loopback, runs the real bot against it
(long polling, the same code as `rondetafel run`), plays a meeting with
scripted people, prints the chat, and leaves the summary and report behind.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rondetafel.bot.app import ALLOWED_UPDATES, build_application, start_services, stop_services
from rondetafel.bot.context import RondetafelApp
from rondetafel.flows.script import MeetingKind, Role
from rondetafel.settings import Settings
from rondetafel.standin import BotApiStandIn, RateLimits, SimChat
from rondetafel.storage.crypto import new_key

from .autopilot import Autopilot
from .demo_book import CAST
from .keys import database_for
from .phones import Phone
from .transcript import Transcript

DEMO_TOKEN = "123456789:demo-token-not-valid-on-telegram"
BOT_USERNAME = "RondetafelDemoBot"


@dataclass
class DemoResult:
    summary: Path
    report: Path


@dataclass
class World:
    """The stand-in, one group with the cast in it, and their phones."""

    standin: BotApiStandIn
    group: SimChat
    phones: dict[Role, Phone]


# Telegram's overall limit, but not its pace within a chat: a scripted meeting
# posts faster than people type, and those limits would make the demo wait
# minutes. `demo_settings` gives the bot the same numbers.
DEMO_LIMITS = RateLimits(
    per_chat_per_second=30, per_chat_burst=60, per_group_per_minute=6000, global_per_second=30
)


async def make_world(
    stack: AsyncExitStack,
    *,
    title: str = "Zorgoverleg S.B.",
    patience: float = 15.0,
    limits: RateLimits = DEMO_LIMITS,
    forum: bool = False,
) -> World:
    standin = await stack.enter_async_context(
        BotApiStandIn(token=DEMO_TOKEN, bot_username=BOT_USERNAME, rate_limits=limits)
    )
    chair = standin.add_user(CAST.chair, language_code="nl")
    mentor = standin.add_user(CAST.mentor, language_code="nl")
    parent = standin.add_user(CAST.parent, language_code="nl")
    group = standin.create_group(title, members=[chair, mentor, parent], forum=forum)
    phones = {
        Role.CHAIR: Phone(standin, chair, group, timeout=patience),
        Role.MENTOR: Phone(standin, mentor, group, timeout=patience),
        Role.PARENT: Phone(standin, parent, group, timeout=patience),
    }
    return World(standin, group, phones)


def demo_settings(standin: BotApiStandIn, database_url: str, **overrides: object) -> Settings:
    """Settings for a bot on `standin`, encrypting with a throwaway key.

    The key lives only in the returned settings: a bot started again from
    them reads its database, and once they are gone nobody can.
    """
    chosen: dict[str, Any] = {
        # The stand-in's demo limits (see make_world), unless a test sets Telegram's.
        "group_messages_per_minute": 6000,
        "chat_messages_per_second": 30,
        # Its own key, whatever keys the environment names.
        "encryption_key": new_key(),
        "encryption_key_file": None,
        "encryption_old_keys": None,
        **overrides,
    }
    return Settings(
        bot_token=DEMO_TOKEN,  # type: ignore[arg-type]
        database_url=database_url,
        telegram_api_url=standin.base_url,
        telegram_file_url=standin.base_file_url,
        **chosen,
    )


async def start_bot(stack: AsyncExitStack, settings: Settings) -> RondetafelApp:
    """The real Application in long polling, as `rondetafel run` starts it."""
    db = database_for(settings)
    stack.push_async_callback(db.dispose)
    app = build_application(settings, db, token=DEMO_TOKEN)
    await app.initialize()
    stack.push_async_callback(app.shutdown)
    await start_services(app)
    stack.push_async_callback(stop_services, app)
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=5, allowed_updates=ALLOWED_UPDATES)
    stack.push_async_callback(app.updater.stop)
    await app.start()
    stack.push_async_callback(app.stop)
    return app


async def run_demo(
    out_dir: Path,
    *,
    language: str = "nl",
    kind: MeetingKind = MeetingKind.PUPIL_MEETING,
    transcript: Transcript | None = None,
) -> DemoResult:
    database = _fresh_database(out_dir)
    printer = transcript or Transcript("Rondetafel")
    async with AsyncExitStack() as stack:
        world = await make_world(stack)

        def listen(event: str, chat: object, message: dict[str, object]) -> None:
            if chat == world.group or getattr(chat, "id", None) == world.group.id:
                printer(event, chat, message)

        world.standin.add_listener(listen)
        settings = demo_settings(world.standin, f"sqlite+aiosqlite:///{database}")
        await start_bot(stack, settings)
        chair = world.phones[Role.CHAIR]
        await world.standin.add_bot_to_group(world.group, by=chair.user)
        await world.standin.wait_for_bot_message(world.group, timeout=15)
        await chair.send("/overleg" if language == "nl" else "/meeting")
        pilot = Autopilot(
            world.standin,
            world.group,
            world.phones,
            language=language,
            kind=kind,
            on_tap=lambda phone, label: printer.tap(phone.name, label),
        )
        await pilot.run()
        return _keep_files(world, out_dir)


def _fresh_database(out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    database = out_dir / "demo.db"
    database.unlink(missing_ok=True)
    return database


def _keep_files(world: World, out_dir: Path) -> DemoResult:
    documents = world.standin.documents(world.group)
    assert documents, "the bot sent no report"
    report = out_dir / "report.html"
    report.write_bytes(documents[-1].data)
    summary_message = next(
        m
        for m in reversed(world.standin.bot_messages(world.group))
        if not m.get("document") and len(m.get("text", "")) > 200
    )
    summary = out_dir / "summary.txt"
    summary.write_text(summary_message["text"] + "\n", encoding="utf-8")
    return DemoResult(summary, report)


def main(out_dir: Path, language: str, kind: MeetingKind) -> int:
    result = asyncio.run(run_demo(out_dir, language=language, kind=kind))
    print()
    print(f"Summary: {result.summary}")
    print(f"Report:  {result.report}  (open it in a browser, or print it)")
    return 0
