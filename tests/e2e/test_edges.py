"""The edges of a real group: Telegram fails, the group changes, the bot restarts.

Every message a meeting owes the group arrives once, in the right place: the
real bot in long polling against the strict stand-in, one test per way it
used to break.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest

from rondetafel.autopilot import Autopilot
from rondetafel.bot.handlers import OOPS, WELCOME
from rondetafel.bot.present import CONTINUES
from rondetafel.bot.texts import texts
from rondetafel.demo import World, demo_settings, make_world, start_bot
from rondetafel.flows.events import ResumeReason
from rondetafel.flows.script import Role
from rondetafel.keys import database_for
from rondetafel.standin import RateLimits, SimChat
from rondetafel.storage.unit_of_work import in_transaction

from .test_meetings import begin

pytestmark = pytest.mark.e2e
Message = dict[str, Any]
NL = texts("nl")


class Bot:
    """The real bot on one SQLite file, which a test can stop and start again."""

    def __init__(self, world: World, database: Path, **settings: Any) -> None:
        self.settings = demo_settings(world.standin, f"sqlite+aiosqlite:///{database}", **settings)
        self._stack: AsyncExitStack | None = None

    async def start(self) -> None:
        self._stack = AsyncExitStack()
        await start_bot(self._stack, self.settings)

    async def stop(self) -> None:
        assert self._stack is not None
        await self._stack.aclose()
        self._stack = None

    async def until_removed(self, chat_id: int, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until the bot's own database marks the group as one it was removed from."""
        db = database_for(self.settings)
        try:
            async with asyncio.timeout(timeout):
                while True:
                    chat = await in_transaction(db, lambda repos: repos.chats.get(chat_id))
                    if chat is not None and chat.removed:
                        return
                    await asyncio.sleep(0.05)
        finally:
            await db.dispose()


@pytest.fixture
async def bot(world: World, tmp_path: Path) -> Any:
    running = Bot(world, tmp_path / "edges.db")
    await running.start()
    yield running
    if running._stack is not None:
        await running.stop()


def move_to(chat: SimChat, pilot: Autopilot, world: World) -> None:
    """People look at the new chat (a supergroup, say) from now on."""
    pilot.chat = chat
    for phone in world.phones.values():
        phone.chat = chat


def summaries(world: World, chat: SimChat) -> list[str]:
    return [
        m["text"]
        for m in world.standin.bot_messages(chat)
        if m.get("text", "").startswith("Samenvatting")
    ]


def question_for(pilot: Autopilot, phase_key: str, role: Role) -> Callable[[Message], bool]:
    """The question that opens `role`'s turn in phase `phase_key`."""
    return lambda message: pilot.turn(message) == (phase_key, role)


def texts_in(world: World, chat: SimChat) -> list[str]:
    return [m.get("text", "") for m in world.standin.bot_messages(chat)]


async def test_a_group_upgraded_mid_meeting_gets_the_rest_the_summary_and_report_there(
    world: World, bot: Bot
) -> None:
    pilot = Autopilot(world.standin, world.group, world.phones, timeout=20)
    await begin(world, "nl")
    await pilot.run(stop=question_for(pilot, "still_hard", Role.PARENT))

    supergroup = await world.standin.upgrade_to_supergroup(world.group)
    move_to(supergroup, pilot, world)
    await pilot.run(after=0)

    [summary] = summaries(world, supergroup)
    assert "Gym en tekenen" in summary  # said in the group before the upgrade
    assert "8. Tops & tips" in summary
    assert len(world.standin.documents(supergroup)) == 1
    assert NL(CONTINUES[ResumeReason.MIGRATED]) in texts_in(world, supergroup)
    assert NL(OOPS) not in texts_in(world, supergroup) + texts_in(world, world.group)


async def test_nothing_of_a_meeting_leaves_its_forum_topic_before_or_after_a_restart(
    stack: AsyncExitStack, tmp_path: Path
) -> None:
    world = await make_world(stack, forum=True, patience=20)
    chair = world.phones[Role.CHAIR]
    topic = await world.standin.create_topic(world.group, "Overleg S.B.", by=chair.user)
    bot = Bot(world, tmp_path / "forum.db")
    await bot.start()
    await world.standin.add_bot_to_group(world.group, by=chair.user)
    await world.standin.wait_for_bot_message(world.group, timeout=10)
    started = await world.standin.send_message(chair.user, world.group, "/overleg", thread_id=topic)
    pilot = Autopilot(world.standin, world.group, world.phones, timeout=20)

    await pilot.run(stop=question_for(pilot, "still_hard", Role.PARENT))
    await bot.stop()
    await bot.start()
    await pilot.run(after=pilot.handled)
    await bot.stop()

    meeting = [
        m
        for m in world.standin.bot_messages(world.group)
        if m["message_id"] > started["message_id"]
    ]
    assert summaries(world, world.group)
    assert [m["message_id"] for m in meeting if world.standin.topic_of(m) != topic] == []


async def test_telegram_failing_on_the_summary_and_report_still_gives_exactly_one_of_each(
    world: World, bot: Bot
) -> None:
    pilot = Autopilot(world.standin, world.group, world.phones, timeout=30)
    await begin(world, "nl")
    handled = await pilot.run(stop=question_for(pilot, "tops_tips", Role.CHAIR))

    # The chair's last answer closes the meeting; the next sends are the summary's.
    standin = world.standin
    standin.inject_error("sendMessage", 500, "Internal Server Error")
    standin.inject_timeout("sendMessage", hold=0.2)  # the connection drops, unanswered
    standin.inject_error("sendMessage", 502, "Bad Gateway")
    standin.inject_error("sendDocument", 500, "Internal Server Error")
    standin.inject_timeout("sendDocument", hold=0.2)
    closing = asyncio.create_task(pilot.run(after=handled))
    # The bot stops while the summary is still failing, and starts again.
    await standin.wait_for(
        lambda: any(not c.ok for c in standin.calls_to("sendMessage")), timeout=20
    )
    await bot.stop()
    await bot.start()
    await closing

    assert len(summaries(world, world.group)) == 1
    assert len(standin.documents(world.group)) == 1
    assert not standin.world.injected_errors.get("sendMessage")  # every failure was met


async def test_a_failed_send_after_a_saved_answer_never_asks_to_type_it_again(
    world: World, bot: Bot
) -> None:
    pilot = Autopilot(world.standin, world.group, world.phones, timeout=30)
    await begin(world, "nl")
    handled = await pilot.run(stop=question_for(pilot, "still_hard", Role.PARENT))
    for _ in range(3):
        world.standin.inject_error("sendMessage", 500, "Internal Server Error")

    await pilot.run(after=handled)

    [summary] = summaries(world, world.group)
    assert "\nFatma: " in summary  # her answers made it
    assert NL(OOPS) not in texts_in(world, world.group)


async def test_a_restart_after_a_busy_minute_gives_no_429(
    stack: AsyncExitStack, tmp_path: Path
) -> None:
    # Telegram's 20-a-minute for a group, scaled down so the test needs seconds.
    per_minute = 8
    limits = RateLimits(per_chat_per_second=30, per_chat_burst=60, per_group_per_minute=per_minute)
    world = await make_world(stack, limits=limits, patience=60)
    bot = Bot(world, tmp_path / "busy.db", group_messages_per_minute=per_minute)
    await bot.start()
    standin = world.standin

    def group_calls() -> int:
        # What counts against the group's minute: posts and edits, not looking up a member.
        return sum(
            1
            for c in standin.calls
            if c.ok
            and not c.method.startswith("get")
            and str(c.params.get("chat_id")) == str(world.group.id)
        )

    await begin(world, "nl")
    pilot = Autopilot(standin, world.group, world.phones, timeout=60)
    # People go on until the group's minute is used up, then the bot is restarted.
    busy = asyncio.create_task(pilot.run())
    await standin.wait_for(lambda: group_calls() >= per_minute, timeout=30)
    busy.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await busy
    await bot.stop()
    sent_before = group_calls()

    await bot.start()
    going_on = asyncio.create_task(pilot.run(after=pilot.handled))
    await asyncio.sleep(5)
    going_on.cancel()
    with contextlib.suppress(asyncio.CancelledError, TimeoutError):
        await going_on
    await bot.stop()

    refused = [c for c in standin.calls if not c.ok and c.result_or_error.get("error_code") == 429]
    assert refused == []
    assert group_calls() == sent_before  # the group's minute was used up: the bot waited


async def test_removed_and_added_back_the_meeting_continues_and_finishes(
    world: World, bot: Bot
) -> None:
    pilot = Autopilot(world.standin, world.group, world.phones, timeout=20)
    standin, chair, daan = world.standin, world.phones[Role.CHAIR], world.phones[Role.MENTOR]
    await begin(world, "nl")
    handled = await pilot.run(stop=question_for(pilot, "goes_well", Role.MENTOR))
    question = await standin.wait_for_bot_message(world.group, after=handled)

    # Daan answers; before the bot can ask the next person, it is removed.
    await daan.send("Hij helpt anderen graag", reply_to=question["message_id"])
    await standin.remove_bot_from_group(world.group, by=chair.user)
    # The bot hears of it (or meets "Forbidden" first): the group is paused.
    await bot.until_removed(world.group.id)
    await standin.add_bot_to_group(world.group, by=chair.user)
    await pilot.run(after=question["message_id"])

    [summary] = summaries(world, world.group)
    assert "Hij helpt anderen graag" in summary
    said = texts_in(world, world.group)
    assert NL(CONTINUES[ResumeReason.BACK]) in said
    assert said.count(NL(WELCOME)) == 1  # greeted once, when first added


async def test_a_stalled_chair_is_replaced_by_a_group_admin_who_can_stop_the_meeting(
    world: World, bot: Bot
) -> None:
    pilot = Autopilot(world.standin, world.group, world.phones, timeout=20)
    daan, ilse = world.phones[Role.MENTOR], world.phones[Role.CHAIR]
    world.group.admin_ids.add(daan.user.id)
    await begin(world, "nl")
    handled = await pilot.run(stop=question_for(pilot, "goes_well", Role.PARENT))

    await daan.send("/voorzitter")
    await world.standin.wait_for_bot_message(
        world.group, lambda m: "is nu voorzitter" in m.get("text", ""), after=handled
    )
    await daan.send("/stop")
    await daan.tap(NL("Yes, stop without a summary"), after=handled)
    await world.standin.wait_for_bot_message(
        world.group, lambda m: "gestopt" in m.get("text", ""), after=handled
    )

    # The group is free: the next meeting starts.
    await ilse.send("/overleg")
    meeting = await world.standin.wait_for_bot_message(
        world.group, lambda m: "Tik op je rol" in m.get("text", ""), after=handled
    )
    assert meeting["reply_markup"]["inline_keyboard"]
