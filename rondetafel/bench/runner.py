"""The bench's phases: the real bot, the echo bot, and optionally many open meetings.

Each phase gets its own stand-in (over HTTP on loopback), its own database
and its own bot process; the phases run one after the other so they do not
share the machine's cores.
"""

from __future__ import annotations

import asyncio
import os
import resource
import sys
import time
from collections.abc import Coroutine
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from rondetafel.flows.script import Role
from rondetafel.settings import Settings
from rondetafel.standin import BotApiStandIn, RateLimits
from rondetafel.storage.crypto import new_key

from .child import BenchError, Child
from .databases import describe, fresh_database
from .echo_player import EchoPlayer
from .machine import load_average, machine
from .meeting_player import MeetingPlayer, Person
from .results import BenchReport, BotRun, ChatRun, OpenMeetings
from .watch import CountingQueue, Inboxes, button_answers, too_many_requests, watch

TOKEN = "123456789:bench-token-not-valid-on-telegram"
BOT_USERNAME = "RondetafelBenchBot"
CAST = (
    ("Ilse", Role.CHAIR),
    ("Daan", Role.MENTOR),
    ("Fatma", Role.PARENT),
    ("Noor", Role.CARE_COORDINATOR),
)
STARTUP_LIMIT = 60.0  # seconds a bot may take to its first getUpdates
IDLE_SETTLE = 1.0  # after the first poll, before idle memory is read
# Open meetings start in waves, as schools start them through a day: the memory
# measured is what open meetings hold, not the backlog of 1,000 starting at once.
OPEN_WAVE = 100
ECHO_PATIENCE = {False: 30.0, True: 5.0}  # by limits: how long a person waits for an echo
# "Limits off" means nothing paces anybody: the stand-in enforces nothing and
# the bot is told Telegram allows far more than it ever sends, so what is
# measured is the bot's own work. "On": Telegram's numbers on both sides.
UNLIMITED_BOT = {
    "GROUP_MESSAGES_PER_MINUTE": "6000",
    "CHAT_MESSAGES_PER_SECOND": "1000",
    "MESSAGES_PER_SECOND": "100000",
}


@dataclass(frozen=True)
class BenchOptions:
    meetings: int = 200
    database: str | None = None  # None: a fresh SQLite file
    limits: bool = False
    open_meetings: int = 0
    open_wave: int = OPEN_WAVE  # how many of them start at the same time
    timeout: float | None = None  # per meeting; None: generous for the limits

    @property
    def meeting_timeout(self) -> float:
        if self.timeout is not None:
            return self.timeout
        # Under Telegram's 20 per minute a meeting takes minutes by design.
        return 1800.0 if self.limits else 300.0 + self.meetings


async def run_bench(options: BenchOptions) -> BenchReport:
    report = BenchReport(
        options.meetings, options.limits, describe(options.database), machine=machine()
    )
    with TemporaryDirectory(prefix="rondetafel-bench-") as tmp:
        folder = Path(tmp)
        report.bot = await _bot_phase(options, folder)
        per_meeting = report.bot.answers / max(len(report.bot.chats), 1)
        report.echo = await _echo_phase(options, folder, turns=max(1, round(per_meeting)))
        if options.open_meetings > 0:
            report.open_meetings = await _open_meetings_phase(options, folder)
    report.machine["load at end"] = load_average()
    return report


async def _bot_phase(options: BenchOptions, folder: Path) -> BotRun:
    async with AsyncExitStack() as stack:
        standin, queue, inboxes = await _standin(stack, options.limits)
        url = await stack.enter_async_context(fresh_database(options.database, folder, "bot"))
        env = _bot_env(standin, url, options.limits)
        await _migrate(folder, env)
        child = await _launch(stack, folder, "bot", env)
        run = await _started(child, queue, "bot")
        players = [_meeting(standin, inboxes, n) for n in range(1, options.meetings + 1)]
        await _traffic(
            run, child, queue, standin, [p.play(options.meeting_timeout) for p in players]
        )
        return run


async def _echo_phase(options: BenchOptions, folder: Path, turns: int) -> BotRun:
    async with AsyncExitStack() as stack:
        # Privacy mode off: the echo bot answers plain messages, not replies to itself.
        standin, queue, inboxes = await _standin(stack, options.limits, privacy_mode=False)
        env = _clean_env() | {"BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": standin.base_url}
        child = await _launch(stack, folder, "echo", env, module="rondetafel.bench.echo_bot")
        run = await _started(child, queue, "echo bot")
        players = []
        for number in range(1, options.meetings + 1):
            people = [standin.add_user(name) for name, _ in CAST]
            group = standin.create_group(f"Echo {number}", members=people)
            players.append(EchoPlayer(standin, group, people, inboxes.open(group), number=number))
        patience = ECHO_PATIENCE[options.limits]
        plays = [p.play(turns, patience, options.meeting_timeout) for p in players]
        await _traffic(run, child, queue, standin, plays)
        return run


async def _open_meetings_phase(options: BenchOptions, folder: Path) -> OpenMeetings:
    async with AsyncExitStack() as stack:
        standin, queue, inboxes = await _standin(stack, limits=False)
        url = await stack.enter_async_context(fresh_database(options.database, folder, "open"))
        env = _bot_env(standin, url, limits=False)
        await _migrate(folder, env)
        child = await _launch(stack, folder, "open", env)
        idle = (await _started(child, queue, "bot")).idle_rss_bytes
        count = options.open_meetings
        players = [_meeting(standin, inboxes, n, until_started=True) for n in range(1, count + 1)]
        begun = time.monotonic()
        chats: list[ChatRun] = []
        for first in range(0, count, options.open_wave):
            wave = players[first : first + options.open_wave]
            chats += await asyncio.gather(*(p.play(options.meeting_timeout) for p in wave))
        seconds = time.monotonic() - begun
        await asyncio.sleep(IDLE_SETTLE)
        return OpenMeetings(
            requested=count,
            wave=options.open_wave,
            opened=sum(chat.finished for chat in chats),
            seconds=seconds,
            idle_rss_bytes=idle,
            rss_bytes=child.rss_bytes(),
            peak_rss_bytes=child.peak_rss_bytes(),
        )


async def _standin(
    stack: AsyncExitStack, limits: bool, *, privacy_mode: bool = True
) -> tuple[BotApiStandIn, CountingQueue, Inboxes]:
    standin = BotApiStandIn(
        token=TOKEN,
        bot_username=BOT_USERNAME,
        privacy_mode=privacy_mode,
        rate_limits=RateLimits() if limits else None,
    )
    queue, inboxes = watch(standin)
    await stack.enter_async_context(standin)
    return standin, queue, inboxes


def _meeting(
    standin: BotApiStandIn, inboxes: Inboxes, number: int, *, until_started: bool = False
) -> MeetingPlayer:
    people = [Person(standin.add_user(name, language_code="nl"), role) for name, role in CAST]
    group = standin.create_group(f"Overleg {number}", members=[p.user for p in people])
    return MeetingPlayer(
        standin,
        group,
        people[0],
        people[1:],
        inboxes.open(group),
        number=number,
        until_started=until_started,
    )


def _clean_env() -> dict[str, str]:
    """The environment minus the bot's own settings: a developer's BOT_TOKEN stays out."""
    settings = {name.upper() for name in Settings.model_fields}
    return {k: v for k, v in os.environ.items() if k.upper() not in settings}


def _bot_env(standin: BotApiStandIn, database_url: str, limits: bool) -> dict[str, str]:
    env = _clean_env() | {
        "BOT_TOKEN": TOKEN,
        # Encrypted, as a real deployment is: its cost belongs in the numbers.
        "ENCRYPTION_KEY": new_key(),
        "DATABASE_URL": database_url,
        "TELEGRAM_API_URL": standin.base_url,
        "TELEGRAM_FILE_URL": standin.base_file_url,
    }
    return env if limits else env | UNLIMITED_BOT


async def _migrate(folder: Path, env: dict[str, str]) -> None:
    """`rondetafel migrate` first: the start measured is a usual restart, not a first install."""
    log = folder / "migrate.log"
    child = await Child.start(
        [sys.executable, "-m", "rondetafel.cli", "migrate"], env=env, cwd=folder, log=log
    )
    if await child.process.wait() != 0:
        raise BenchError(f"rondetafel migrate failed:\n{child.log_tail()}")


async def _launch(
    stack: AsyncExitStack,
    folder: Path,
    label: str,
    env: dict[str, str],
    *,
    module: str = "rondetafel.cli",
) -> Child:
    """Start a bot process; it is stopped when the stack closes, before the stand-in.

    The real bot starts as `rondetafel run` does. It runs in the temporary
    folder, where no .env file can change its settings.
    """
    argv = [sys.executable, "-m", module, *(["run"] if module == "rondetafel.cli" else [])]
    child = await Child.start(argv, env=env, cwd=folder, log=folder / f"{label}.log")
    stack.push_async_callback(child.stop)
    return child


async def _started(child: Child, queue: CountingQueue, label: str) -> BotRun:
    """Wait for the first getUpdates; then start-up time and memory at rest."""
    deadline = time.monotonic() + STARTUP_LIMIT
    while queue.first_poll_at is None:
        if not child.alive():
            raise BenchError(f"the {label} stopped while starting:\n{child.log_tail()}")
        if time.monotonic() > deadline:
            raise BenchError(f"the {label} did not poll within {STARTUP_LIMIT:.0f} s")
        await asyncio.sleep(0.005)
    startup = queue.first_poll_at - child.started_at
    await asyncio.sleep(IDLE_SETTLE)
    return BotRun(label, startup_seconds=startup, idle_rss_bytes=child.rss_bytes())


async def _traffic(
    run: BotRun,
    child: Child,
    queue: CountingQueue,
    standin: BotApiStandIn,
    plays: list[Coroutine[Any, Any, ChatRun]],
) -> None:
    """Play every chat at once and note what the bot spent on it."""
    cpu, updates, own = child.cpu_seconds(), queue.pushed, _own_cpu_seconds()
    begun = time.monotonic()
    run.chats = list(await asyncio.gather(*plays))
    run.traffic_seconds = time.monotonic() - begun
    if not child.alive():
        raise BenchError(f"the {run.label} died under load:\n{child.log_tail()}")
    run.cpu_seconds = child.cpu_seconds() - cpu
    run.updates = queue.pushed - updates
    run.standin_cpu_seconds = _own_cpu_seconds() - own
    run.peak_rss_bytes = child.peak_rss_bytes()
    run.too_many_requests = too_many_requests(standin)
    run.errors_logged = child.errors_logged()
    answers = button_answers(standin, since=begun)
    run.button_delays, run.unanswered_buttons = answers.delays, answers.unanswered


def _own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
