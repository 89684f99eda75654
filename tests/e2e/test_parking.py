"""A backlog of unfinished updates is parked, so that Telegram hands out new ones at once.

Telegram answers at most 100 updates per getUpdates call and only after the
ones before are confirmed; an update is confirmed only once it is stored. So
when many updates wait, they are parked (stored as they came) and confirmed
(bot/polling.py). Here the backlog is made small and real: a /stop from a
member makes the bot ask Telegram whether they are an admin, and that answer
is held for a while, so the group's next updates wait behind it.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from contextlib import AsyncExitStack
from pathlib import Path

import pytest

from rondetafel.bot import polling
from rondetafel.demo import World, demo_settings, start_bot
from rondetafel.flows.script import Role

from .test_database_outage import still_held, update_of

pytestmark = pytest.mark.e2e
HOLD = 2.0  # how long Telegram keeps the admin question unanswered
HELP = "Beantwoord mijn vragen"  # in the answer to /help, not in the greeting


def helps(world: World) -> int:
    return sum(HELP in m.get("text", "") for m in world.standin.bot_messages(world.group))


async def bot_in_the_group(world: World) -> None:
    """Added and greeting: the bot spoke last, so plain commands reach it."""
    await world.standin.add_bot_to_group(world.group, by=world.phones[Role.CHAIR].user)
    await world.standin.wait_for_bot_message(world.group, timeout=10)


def parked_rows(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute("SELECT count(*) FROM parked_updates").fetchone()[0])


async def test_a_backlog_is_parked_and_confirmed_then_handled_once(
    world: World, stack: AsyncExitStack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(polling, "PARK_AT", 3)
    path = tmp_path / "parking.db"
    await start_bot(stack, demo_settings(world.standin, f"sqlite+aiosqlite:///{path}"))
    await bot_in_the_group(world)
    mentor, parent = world.phones[Role.MENTOR], world.phones[Role.PARENT]
    world.standin.inject_timeout("getChatMember", hold=HOLD)

    stop = await mentor.send("/stop")  # waits for the admin question
    waiting = [await parent.send("/help"), await mentor.send("/help")]
    ids = [update_of(world, m) for m in (stop, *waiting)]

    # Parked and confirmed while still unhandled: Telegram holds none of them any more.
    await world.standin.wait_for(lambda: not any(still_held(world, i) for i in ids), timeout=5)
    assert parked_rows(path) == 3
    assert helps(world) == 0  # none answered yet: they wait behind the /stop

    # The admin question times out, the group's updates go on, each once; the rows go.
    await world.standin.wait_for(lambda: helps(world) >= 2, timeout=HOLD + 10)
    await asyncio.sleep(0.5)
    assert helps(world) == 2
    await world.standin.wait_for(lambda: parked_rows(path) == 0, timeout=5)


async def test_updates_parked_before_a_restart_are_handled_after_it(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(polling, "PARK_AT", 2)
    monkeypatch.setattr(polling, "STOP_GRACE", 0.1)  # the stop does not wait for them
    path = tmp_path / "restart.db"
    settings = demo_settings(world.standin, f"sqlite+aiosqlite:///{path}")
    mentor, parent = world.phones[Role.MENTOR], world.phones[Role.PARENT]
    world.standin.inject_timeout("getChatMember", hold=HOLD)

    first = AsyncExitStack()
    await start_bot(first, settings)
    await bot_in_the_group(world)
    stop = await mentor.send("/stop")
    help_message = await parent.send("/help")
    ids = [update_of(world, m) for m in (stop, help_message)]
    await world.standin.wait_for(lambda: not any(still_held(world, i) for i in ids), timeout=5)
    await first.aclose()  # stopped with both unhandled: only the database has them now
    assert parked_rows(path) >= 1

    async with AsyncExitStack() as second:
        await start_bot(second, settings)
        await world.standin.wait_for(lambda: parked_rows(path) == 0, timeout=HOLD + 10)
        await asyncio.sleep(0.5)
    assert helps(world) == 1  # the /help, answered once


async def test_one_groups_slow_update_does_not_hold_up_another_chat(
    world: World, stack: AsyncExitStack, tmp_path: Path
) -> None:
    # While an update is unconfirmed Telegram answers every getUpdates at once,
    # so the bot pauses between calls, longer and longer; unparked, one slow
    # admin question held every other chat's new messages for up to 2 s.
    slow = 6.0
    path = tmp_path / "slow.db"
    await start_bot(stack, demo_settings(world.standin, f"sqlite+aiosqlite:///{path}"))
    await bot_in_the_group(world)
    mentor, parent = world.phones[Role.MENTOR], world.phones[Role.PARENT]
    await parent.open_private()
    welcome = await parent.from_bot_privately()
    world.standin.inject_timeout("getChatMember", hold=slow)

    await mentor.send("/stop")  # waits for the admin question
    await asyncio.sleep(3.2)  # by now the pauses would be 1.6 s and 2 s
    waits, last = [], welcome["message_id"]
    for _ in range(3):
        sent = time.monotonic()
        await parent.say_privately("/help")
        last = (await parent.from_bot_privately(after=last))["message_id"]
        waits.append(time.monotonic() - sent)
        await asyncio.sleep(0.3)

    assert max(waits) < 1.0, waits
    assert parked_rows(path) == 1  # the slow one, parked; handled once it is answered
