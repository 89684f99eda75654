"""`rondetafel bench --reminders N`: a burst of N reminders due at one moment, sent by the real bot.

The bench seeds N pending reminders, all due at 08:00 on a school day, each
for a different person who has a private chat with the bot (a row in `chats`,
and `started_bot` in the stand-in, so the private message is allowed). Then
it starts the real bot in a process of its own (`reminder_bot.py`: `rondetafel
run` with its school clock at that 08:00) against the stand-in, which enforces
Telegram's limits, and watches the private messages arrive:

- when each arrived, hence the time until all N were delivered, the pace
  against the configured one (REMINDERS_PER_MINUTE / 60, MESSAGES_PER_SECOND),
  the largest gap between two messages and the most in any one second;
- the 429s the stand-in answered (flood control), and any other refusal;
- that each person got exactly one message, and what the database says after;
- the bot's CPU time per reminder and its peak memory.

`--rate R` sets both REMINDERS_PER_MINUTE (60 R) and MESSAGES_PER_SECOND (R);
without it the bot runs with its defaults. The stand-in's global limit is
Telegram's 30 per second, or, for a configured rate above 25, the configured
rate with the same headroom (x1.2) that the default 25 keeps under Telegram's
30, as a bot that pays for faster broadcasts would have; `--global-limit`
sets it outright. Why a 100,000 run uses a faster rate: docs/reminders.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
import math
import shutil
import sys
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select

from rondetafel.flows.reminder_plan import Planned, ReminderKind
from rondetafel.flows.script import MeetingKind, Role
from rondetafel.flows.state import Agreement, MeetingState, Participant, Status
from rondetafel.settings import Settings
from rondetafel.standin import ApiCall, BotApiStandIn, RateLimits, SimChat, SimUser
from rondetafel.storage.crypto import Keyring, parse_key
from rondetafel.storage.db import Database
from rondetafel.storage.models import Chat, OutboxRow, ReminderRow, School
from rondetafel.storage.reminders import ReminderRepository
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction

from .child import BenchError, Child
from .databases import describe, fresh_database
from .machine import load_average, machine
from .reminder_bot import NOW_VARIABLE
from .runner import (
    BOT_USERNAME,
    STARTUP_LIMIT,
    TOKEN,
    _bot_env,
    _launch,
    _migrate,
    _own_cpu_seconds,
)
from .watch import CountingQueue

# 08:00 on a Tuesday in term time (no holiday in any region): the end of the
# default quiet hours (18:00-08:00), when a night's worth of reminders is due.
DUE_AT = dt.datetime(2027, 3, 9, 8, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
TELEGRAM_PER_SECOND = RateLimits().global_per_second  # 30
# MESSAGES_PER_SECOND's default (25) leaves this much headroom under Telegram's 30.
HEADROOM = 1.2
SEED_BATCH = 10_000  # reminders (and chats) per INSERT transaction
SETTLE = 3.0  # seconds to wait after the last delivery for any duplicate
PROGRESS_EVERY = 15.0  # seconds between progress lines on stderr
POLL = 0.25


@dataclass(frozen=True)
class ReminderOptions:
    reminders: int
    database: str | None = None  # None: a fresh SQLite file
    rate: int | None = None  # per second; None: the bot's defaults
    global_limit: float | None = None  # the stand-in's; None: see `limit`
    timeout: float | None = None  # None: twice the expected time, plus two minutes
    keep_log: Path | None = None  # where to copy the bot's log to (it is in a temporary folder)

    @property
    def reminders_per_minute(self) -> int:
        if self.rate is not None:
            return 60 * self.rate
        return int(Settings.model_fields["reminders_per_minute"].default)

    @property
    def messages_per_second(self) -> int:
        if self.rate is not None:
            return self.rate
        return int(Settings.model_fields["messages_per_second"].default)

    @property
    def configured_rate(self) -> float:
        """What the bot is told to keep to: the lower of its two settings, per second."""
        return min(self.reminders_per_minute / 60, float(self.messages_per_second))

    @property
    def limit(self) -> float:
        """The stand-in's global limit: Telegram's, or the configured rate with headroom."""
        if self.global_limit is not None:
            return self.global_limit
        return max(TELEGRAM_PER_SECOND, math.ceil(self.messages_per_second * HEADROOM))

    @property
    def patience(self) -> float:
        if self.timeout is not None:
            return self.timeout
        return 2 * self.reminders / self.configured_rate + 120.0

    def bot_settings(self) -> dict[str, str]:
        found = {NOW_VARIABLE: DUE_AT.isoformat()}
        if self.rate is not None:
            found |= {
                "REMINDERS_PER_MINUTE": str(self.reminders_per_minute),
                "MESSAGES_PER_SECOND": str(self.messages_per_second),
            }
        return found


@dataclass
class ReminderRun:
    """What one burst measured; times are seconds on the bench's monotonic clock."""

    options: ReminderOptions
    database: str
    machine: dict[str, str] = field(default_factory=dict)
    seed_seconds: float = 0.0
    startup_seconds: float = 0.0  # fork to first getUpdates
    delivered_at: list[float] = field(default_factory=list, repr=False)  # from the fork
    delivered_chats: int = 0  # distinct people who got a private message
    group_messages: int = 0  # the neutral mention: only when a private message failed
    too_many_requests: int = 0
    other_refusals: Counter[str] = field(default_factory=Counter)
    api_calls: int = 0
    cpu_seconds: float = 0.0  # the bot, from its first poll to the end
    cpu_reminders: int = 0  # delivered in that time
    total_cpu_seconds: float = 0.0  # the bot, start-up included
    standin_cpu_seconds: float = 0.0  # the bench's own process, same span
    idle_rss_bytes: int = 0
    peak_rss_bytes: int = 0
    errors_logged: int = 0
    statuses: dict[str, int] = field(default_factory=dict)  # reminders, after the run
    outbox: dict[str, int] = field(default_factory=dict)  # outbox rows, after the run
    timed_out: bool = False
    standin_gc_longest: float = 0.0  # seconds: the bench process's longest collection

    @property
    def delivered(self) -> int:
        return len(self.delivered_at)

    @property
    def duplicates(self) -> int:
        return self.delivered - self.delivered_chats

    @property
    def complete(self) -> bool:
        return (
            self.delivered_chats == self.options.reminders
            and self.duplicates == 0
            and self.too_many_requests == 0
            and not self.timed_out
        )


class CallTally(list[ApiCall]):
    """The stand-in's call log, counted instead of kept: 100,000 calls with their texts add up.

    Only the refusals are looked at, by error code and description.
    """

    def __init__(self) -> None:
        super().__init__()
        self.total = 0
        self.too_many_requests = 0
        self.refusals: Counter[str] = Counter()

    def append(self, call: ApiCall) -> None:
        self.total += 1
        if call.ok:
            return
        error = call.result_or_error if isinstance(call.result_or_error, dict) else {}
        if error.get("error_code") == 429:
            self.too_many_requests += 1
        else:
            self.refusals[f"{call.method}: {error.get('description', call.result_or_error)}"] += 1


class GcPauses:
    """The longest garbage collection in the bench's process: the stand-in answers nothing then."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._began = 0.0
        gc.callbacks.append(self._note)

    def _note(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.longest = max(self.longest, time.perf_counter() - self._began)

    def stop(self) -> None:
        if self._note in gc.callbacks:
            gc.callbacks.remove(self._note)
        gc.unfreeze()


class Deliveries:
    """Listens to the stand-in: when each private message arrived, and to whom."""

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.times: list[float] = []
        self.chats: Counter[int] = Counter()
        self.group_messages = 0
        self.all_in = asyncio.Event()

    def __call__(self, kind: str, chat: SimChat, message: dict[str, Any]) -> None:
        if kind != "sent":
            return
        if chat.type != "private":
            self.group_messages += 1
            return
        self.times.append(time.monotonic())
        self.chats[chat.id] += 1
        # Nothing reads it again: the stand-in's heap (and its garbage collector's
        # pauses, which would hold up its answers) stays the size of one message.
        chat.messages.clear()
        if len(self.chats) >= self.expected:
            self.all_in.set()


async def run_reminders(options: ReminderOptions) -> ReminderRun:
    if options.reminders < 1:
        raise BenchError("--reminders needs at least 1")
    run = ReminderRun(options, describe(options.database), machine=machine())
    with TemporaryDirectory(prefix="rondetafel-bench-") as tmp:
        folder = Path(tmp)
        async with AsyncExitStack() as stack:
            standin = BotApiStandIn(
                token=TOKEN,
                bot_username=BOT_USERNAME,
                rate_limits=RateLimits(global_per_second=options.limit),
            )
            tally = CallTally()
            standin.world.calls = tally
            queue = CountingQueue()
            standin.world.updates = queue
            deliveries = Deliveries(options.reminders)
            standin.add_listener(deliveries)
            await stack.enter_async_context(standin)
            people, group = _people(standin, options.reminders)

            url = await stack.enter_async_context(
                fresh_database(options.database, folder, "reminders")
            )
            env = _bot_env(standin, url, limits=True) | options.bot_settings()
            await _migrate(folder, env)
            begun = time.monotonic()
            db = Database(url, keyring=Keyring(parse_key(env["ENCRYPTION_KEY"])))
            try:
                await _seed(db, group, people)
                run.seed_seconds = time.monotonic() - begun
                _progress(f"seeded {options.reminders} reminders in {run.seed_seconds:.1f} s")

                # The people and their chats live to the end: the collector need not
                # scan them again and again while the stand-in answers the bot.
                gc.collect()
                gc.freeze()
                pauses = GcPauses()
                stack.callback(pauses.stop)
                child = await _launch(
                    stack, folder, "reminders", env, module="rondetafel.bench.reminder_bot"
                )
                try:
                    await _watch(run, child, queue, deliveries, tally)
                    run.standin_gc_longest = pauses.longest
                    run.statuses, run.outbox = await _counts(db)
                finally:
                    if options.keep_log is not None:
                        shutil.copyfile(child.log, options.keep_log)
            finally:
                await db.dispose()
    run.machine["load at end"] = load_average()
    return run


def _people(standin: BotApiStandIn, count: int) -> tuple[list[SimUser], SimChat]:
    """`count` people who pressed Start in their private chat, and the meeting's group."""
    people = []
    for number in range(1, count + 1):
        person = standin.add_user(f"Ouder {number}", language_code="nl")
        person.started_bot = True  # as after /start, without an update for each
        standin.private_chat(person)
        people.append(person)
    chair = standin.add_user("Ilse", language_code="nl")
    group = standin.create_group("Overleg herinneringen", members=[chair, *people[:3]])
    group.bot_status = "member"  # the mention, should a private message fail, may go here
    return people, group


def finished_meeting(meeting_id: int, user_ids: Sequence[int]) -> MeetingState:
    """A finished pupil meeting with one agreement, due on the reminders' day."""
    held = DUE_AT - dt.timedelta(days=14)
    cast = (("Ilse", Role.CHAIR), ("Daan", Role.MENTOR), ("Fatma", Role.PARENT))
    participants = tuple(
        Participant(number, name, role, user_id)
        for number, ((name, role), user_id) in enumerate(zip(cast, user_ids, strict=False), 1)
    )
    return MeetingState(
        meeting_id=meeting_id,
        status=Status.FINISHED,
        language="nl",
        chair=1,
        participants=participants,
        created_at=held,
        kind=MeetingKind.PUPIL_MEETING,
        pupil="S.B.",
        agreements=(
            Agreement(1, "Leesplan met de mentor doornemen", 1, owner=1, due=DUE_AT.date()),
        ),
        evaluation_date=DUE_AT.date() + dt.timedelta(days=42),
        started_at=held,
        finished_at=held + dt.timedelta(hours=1),
    )


async def seed_meeting(
    db: Database, *, group_id: int, user_ids: Sequence[int]
) -> tuple[int, int, int]:
    """The group's finished meeting, stored as the bot stores one: (case, meeting, agreement)."""
    made = DUE_AT - dt.timedelta(days=14)

    async def meeting(repos: Repositories) -> tuple[int, int, int]:
        await repos.chats.get_or_create(group_id, language="nl")
        loaded = await repos.meetings.create(
            group_id, lambda mid: finished_meeting(mid, user_ids), made
        )
        (agreement,) = await repos.agreements.of_meeting(loaded.id)
        assert loaded.case_id is not None
        return loaded.case_id, loaded.id, agreement.id

    return await in_transaction(db, meeting)


async def _seed(db: Database, group: SimChat, people: list[SimUser]) -> None:
    """One case, meeting and agreement; a private chat and a due reminder per person."""
    made = DUE_AT - dt.timedelta(days=14)
    case_id, meeting_id, agreement_id = await seed_meeting(
        db, group_id=group.id, user_ids=[p.id for p in people[:3]]
    )
    async with db.connection() as connection:
        school_id = await connection.scalar(select(School.id))
    for first in range(0, len(people), SEED_BATCH):
        batch = people[first : first + SEED_BATCH]
        async with db.connection() as connection, connection.begin():
            rows = [{"chat_id": p.id, "language": "nl", "school_id": school_id} for p in batch]
            await connection.execute(insert(Chat), rows)
            planned = [Planned(ReminderKind.DUE, p.id, DUE_AT, agreement_id) for p in batch]
            await ReminderRepository(connection).add(case_id, meeting_id, planned, made)


async def _watch(
    run: ReminderRun,
    child: Child,
    queue: CountingQueue,
    deliveries: Deliveries,
    tally: CallTally,
) -> None:
    """Wait for every reminder (or the time limit), then read the numbers."""
    expected = run.options.reminders
    deadline = time.monotonic() + STARTUP_LIMIT
    while queue.first_poll_at is None:
        if not child.alive():
            raise BenchError(f"the bot stopped while starting:\n{child.log_tail()}")
        if time.monotonic() > deadline:
            raise BenchError(f"the bot did not poll within {STARTUP_LIMIT:.0f} s")
        await asyncio.sleep(0.005)
    run.startup_seconds = queue.first_poll_at - child.started_at
    run.idle_rss_bytes = child.rss_bytes()
    cpu, own, counted = child.cpu_seconds(), _own_cpu_seconds(), len(deliveries.times)
    deadline = time.monotonic() + run.options.patience
    shown = time.monotonic()
    while not deliveries.all_in.is_set():
        if not child.alive():
            raise BenchError(f"the bot died during the burst:\n{child.log_tail()}")
        if time.monotonic() > deadline:
            run.timed_out = True
            break
        if time.monotonic() - shown >= PROGRESS_EVERY:
            shown = time.monotonic()
            _progress(f"{len(deliveries.chats)} of {expected} delivered")
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(POLL):
                await deliveries.all_in.wait()
    run.cpu_seconds = child.cpu_seconds() - cpu
    run.standin_cpu_seconds = _own_cpu_seconds() - own
    run.cpu_reminders = len(deliveries.times) - counted
    await asyncio.sleep(SETTLE)  # a reminder sent twice would show up now
    run.total_cpu_seconds = child.cpu_seconds()
    run.peak_rss_bytes = child.peak_rss_bytes()
    run.errors_logged = child.errors_logged()
    run.delivered_at = [at - child.started_at for at in deliveries.times]
    run.delivered_chats = len(deliveries.chats)
    run.group_messages = deliveries.group_messages
    run.too_many_requests = tally.too_many_requests
    run.other_refusals = tally.refusals
    run.api_calls = tally.total


async def _counts(db: Database) -> tuple[dict[str, int], dict[str, int]]:
    async with db.connection() as connection:
        reminders = await connection.execute(
            select(ReminderRow.status, func.count()).group_by(ReminderRow.status)
        )
        outbox = await connection.execute(
            select(OutboxRow.status, func.count()).group_by(OutboxRow.status)
        )
        return dict(reminders.tuples().all()), dict(outbox.tuples().all())


def _progress(line: str) -> None:
    print(f"rondetafel bench: {line}", file=sys.stderr, flush=True)
