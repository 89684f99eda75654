"""`rondetafel demo`: a whole meeting and its follow-up, offline, over real HTTP.

Starts the local Bot API stand-in on loopback, runs the real bot against it
(long polling, the same code as `rondetafel run`), plays a meeting with
scripted people, prints the chat, and leaves the summary and report behind.
Before the chair starts the meeting, the mentor invites a parent who is not in
the group (`/uitnodigen`); she opens the link in her private chat and shares,
in Turkish, what goes well and what is hard at home, which the meeting reads
in at those rounds; afterwards she gets the summary there. Then time runs
fast: the bot's clock (`DemoClock`) jumps from one planned reminder to the
next, up to the plan's evaluation date. The people answer their reminders and
the evaluation in their private chats with the bot, which they opened from the
meeting's deep link (the mentor by hand, before inviting), and the
evaluation's summary lands in the group. The transcript shows the private chats too, marked 🔒.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rondetafel.bot.app import ALLOWED_UPDATES, build_application, start_services, stop_services
from rondetafel.bot.context import SERVICES, RondetafelApp, Services
from rondetafel.bot.texts import texts
from rondetafel.clock import Clock
from rondetafel.flows.family import HomeKind
from rondetafel.flows.reminder_plan import ReminderKind
from rondetafel.flows.script import MeetingKind, Role
from rondetafel.settings import Settings
from rondetafel.standin import BotApiStandIn, RateLimits, SimChat
from rondetafel.storage.crypto import new_key
from rondetafel.storage.reminders import PENDING, SENT, Reminder
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction

from .autopilot import Autopilot, FollowUpPilot, HomePilot
from .demo_book import CAST
from .keys import database_for
from .phones import Phone, deep_link_in
from .transcript import Transcript

DEMO_TOKEN = "123456789:demo-token-not-valid-on-telegram"
BOT_USERNAME = "RondetafelDemoBot"
# The evaluation summary's heading in the group (templates/evaluation.html.j2).
EVALUATION_HEADING = "Evaluation of the plan"
# Enough for every reminder of a plan and a few snoozes; a plan that needs
# more jumps than this is a bug in the plan, not a longer demo.
MAX_JUMPS = 20
# A parent who is not in the group chat and reads Turkish best (her Telegram
# app's language). Invited before the meeting, she shares from home in her own
# words, which the meeting reads in as written.
HOME_PARENT = "Ayşe"
HOME_LANGUAGE = "tr"
FROM_HOME: tuple[tuple[HomeKind, str], ...] = (
    (HomeKind.GOES_WELL, "Ödevini kendi başına yapıyor"),  # does his homework on his own
    (HomeKind.HARD, "Sabahları kalkmak çok zor"),  # getting up in the morning is very hard
)


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


class DemoClock:
    """The bot's clock in the demo and the end-to-end tests: school time that can jump.

    It runs like the school's wall clock (`rondetafel.clock.school_clock`),
    from `start` if given, and `jump_to` moves it ahead, to the morning a
    reminder is due or to the evaluation date, without waiting for it. Only
    the bot's meeting logic and its reminder loop read it: the outbox, the
    sender and the stand-in keep wall time, so delivery paces as it would.
    """

    def __init__(self, tz: dt.tzinfo, start: dt.datetime | None = None) -> None:
        self.tz = tz
        self._ahead = dt.timedelta(0)
        if start is not None:
            self._ahead = start - self._wall()

    def __call__(self) -> dt.datetime:
        return (self._wall() + self._ahead).astimezone(self.tz)

    def jump_to(self, moment: dt.datetime) -> None:
        """From now on the clock reads `moment`, and runs on from there."""
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"jump to an aware moment, not {moment}")
        if moment < self():
            raise ValueError(f"the demo's time only moves ahead: {moment} is before {self()}")
        self._ahead = moment - self._wall()

    @staticmethod
    def _wall() -> dt.datetime:
        return dt.datetime.now(dt.UTC)


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
    language: str = "nl",
) -> World:
    """`language`: the one the cast's Telegram apps use (their private chats speak it)."""
    standin = await stack.enter_async_context(
        BotApiStandIn(token=DEMO_TOKEN, bot_username=BOT_USERNAME, rate_limits=limits)
    )
    chair = standin.add_user(CAST.chair, language_code=language)
    mentor = standin.add_user(CAST.mentor, language_code=language)
    parent = standin.add_user(CAST.parent, language_code=language)
    group = standin.create_group(title, members=[chair, mentor, parent], forum=forum)
    phones = {
        Role.CHAIR: Phone(standin, chair, group, timeout=patience),
        Role.MENTOR: Phone(standin, mentor, group, timeout=patience),
        Role.PARENT: Phone(standin, parent, group, timeout=patience),
    }
    return World(standin, group, phones)


def parent_at_home(world: World, name: str = HOME_PARENT, language: str = HOME_LANGUAGE) -> Phone:
    """A parent the stand-in knows who is not in the group: only her private chat."""
    user = world.standin.add_user(name, language_code=language)
    mentor = world.phones[Role.MENTOR]
    return Phone.outside(world.standin, user, timeout=mentor.timeout)


async def share_from_home(
    world: World,
    home: HomePilot,
    parent: Phone,
    points: tuple[tuple[HomeKind, str], ...] = FROM_HOME,
) -> None:
    """The mentor invites `parent` from the group; she opens the link, agrees, and shares.

    The mentor hears of each point privately; the next waits for that, so that
    the transcript reads in order.
    """
    mentor = world.phones[Role.MENTOR]
    sent = await home.invite(mentor)
    link = deep_link_in(sent)
    assert link is not None
    menu = await home.agree(parent, await home.open_link(parent, link))
    for kind, text in points:
        menu = await home.share(parent, menu, kind, text)
        await mentor.from_bot_privately(_saying(text))


def _saying(text: str) -> Callable[[dict[str, Any]], bool]:
    """A message whose text holds `text`."""
    return lambda message: text in message.get("text", "")


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


async def start_bot(
    stack: AsyncExitStack, settings: Settings, *, clock: Clock | None = None
) -> RondetafelApp:
    """The real Application in long polling, as `rondetafel run` starts it.

    `clock`: the bot's one clock (a `DemoClock` to jump); the school's wall clock if None.
    """
    db = database_for(settings)
    stack.push_async_callback(db.dispose)
    app = build_application(settings, db, token=DEMO_TOKEN, clock=clock)
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


def services_of(app: RondetafelApp) -> Services:
    services: Services = app.bot_data[SERVICES]
    return services


async def reminders_of(app: RondetafelApp, group: SimChat) -> list[Reminder]:
    """Every reminder of the group's case, whatever its status, as the bot stored them."""
    services = services_of(app)

    async def read(repos: Repositories) -> list[Reminder]:
        case = await repos.cases.for_chat(group.id)
        return [] if case is None else await repos.reminders.of_case(case.id)

    return await in_transaction(services.db, read, school_name=services.settings.school_name)


async def run_reminders(app: RondetafelApp) -> int:
    """Let the reminder loop take everything due now at the bot's clock; how many it took."""
    loop = services_of(app).reminders
    assert loop is not None
    taken = 0
    while handled := await loop.run_once():
        taken += handled
    return taken


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
        world = await make_world(stack, language=language)
        ayse = parent_at_home(world)
        cast = {phone.user.id for phone in (*world.phones.values(), ayse)}

        def listen(event: str, chat: object, message: dict[str, object]) -> None:
            chat_id = getattr(chat, "id", None)
            if chat == world.group or chat_id == world.group.id or chat_id in cast:
                printer(event, chat, message)

        world.standin.add_listener(listen)
        settings = demo_settings(world.standin, f"sqlite+aiosqlite:///{database}")
        clock = DemoClock(settings.tz)
        app = await start_bot(stack, settings, clock=clock)
        chair = world.phones[Role.CHAIR]
        await world.standin.add_bot_to_group(world.group, by=chair.user)
        await world.standin.wait_for_bot_message(world.group, timeout=15)
        await chair.send("/overleg" if language == "nl" else "/meeting")
        home = HomePilot(
            world.standin,
            world.group,
            language=language,
            on_tap=lambda phone, label, private: printer.tap(phone.name, label, private=private),
            timeout=ayse.timeout,
        )
        pilot = Autopilot(
            world.standin,
            world.group,
            world.phones,
            language=language,
            kind=kind,
            on_tap=lambda phone, label: printer.tap(phone.name, label),
            # Everyone opens the private chat from the meeting's deep link, as asked
            # (the mentor already did, to get the parent's invitation link).
            open_private=tuple(world.phones),
            before_start=lambda: share_from_home(world, home, ayse),
        )
        await pilot.run()
        result = _keep_files(world, out_dir)
        people = FollowUpPilot(
            world.standin,
            language=language,
            on_tap=lambda phone, label: printer.tap(phone.name, label, private=True),
        )
        await play_follow_up(world, app, clock, people, printer, language=language)
        return result


async def play_follow_up(
    world: World,
    app: RondetafelApp,
    clock: DemoClock,
    people: FollowUpPilot,
    printer: Transcript | None = None,
    *,
    language: str = "nl",
) -> None:
    """Time runs fast after the meeting: from one planned reminder to the next.

    At each moment the reminder loop sends what is due, its owner answers
    from the book, and at the evaluation date the evaluator evaluates the
    plan; it ends once the evaluation's summary is in the group (in
    `language`, the meeting's).
    """
    meeting_day = clock()
    phones = {phone.user.id: phone for phone in world.phones.values()}
    heading = texts(language)(EVALUATION_HEADING)
    answered: set[int] = set()
    for _ in range(MAX_JUMPS):
        pending = [r for r in await reminders_of(app, world.group) if r.status == PENDING]
        if not pending:
            return
        moment = min(r.due_at for r in pending).astimezone(clock.tz)
        if moment > clock():
            clock.jump_to(moment)
            if printer is not None:
                printer.jump(moment, meeting_day)
        last_in_group = max(
            (m["message_id"] for m in world.standin.messages(world.group)), default=0
        )
        await run_reminders(app)
        sent = [
            r
            for r in await reminders_of(app, world.group)
            if r.status == SENT and r.id not in answered and r.user_id in phones
        ]
        for reminder in sorted(sent, key=lambda r: (r.due_at, r.id)):
            answered.add(reminder.id)
            phone = phones[reminder.user_id]
            if reminder.kind is not ReminderKind.EVALUATION:
                await people.answer_reminder(phone, reminder.id)
                continue
            await people.evaluate(phone)
            await world.standin.wait_for_bot_message(
                world.group,
                lambda m: m.get("text", "").startswith(heading),
                after=last_in_group,
                timeout=phone.timeout,
            )
            return
    raise AssertionError(f"no evaluation after {MAX_JUMPS} jumps of the demo's clock")


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
