"""Chats at once, each chat in order: the update processor the Application uses."""

from __future__ import annotations

import asyncio

from telegram import Bot, Update

from rondetafel.bot.chat_order import PerChatOrder
from tests.support.recording import RecordingRequest
from tests.support.updates import GroupChat, User

ANNA = User(11, "Anna")


def updates() -> tuple[GroupChat, GroupChat]:
    bot = Bot("7000:TEST", request=RecordingRequest())
    return GroupChat(bot, id=-1001), GroupChat(bot, id=-1002)


async def test_another_chat_is_not_held_up_by_a_slow_update() -> None:
    processor = PerChatOrder()
    slow_group, other_group = updates()
    release = asyncio.Event()
    done: list[str] = []

    async def slow() -> None:
        await release.wait()
        done.append("slow")

    async def quick() -> None:
        done.append("other chat")

    slow_task = asyncio.create_task(
        processor.process_update(slow_group.command(ANNA, "/overleg"), slow())
    )
    await asyncio.sleep(0)
    await asyncio.wait_for(
        processor.process_update(other_group.command(ANNA, "/overleg"), quick()), 1
    )

    assert done == ["other chat"]
    release.set()
    await slow_task
    assert done == ["other chat", "slow"]


async def test_updates_of_one_chat_are_handled_in_the_order_they_came() -> None:
    processor = PerChatOrder()
    group, _ = updates()
    order: list[int] = []

    async def handle(n: int, pause: float) -> None:
        await asyncio.sleep(pause)
        order.append(n)

    # The first takes longest: without the order it would finish last.
    tasks = [
        asyncio.create_task(
            processor.process_update(group.reply(ANNA, f"answer {n}", 1), handle(n, pause))
        )
        for n, pause in ((1, 0.05), (2, 0.0), (3, 0.01))
    ]
    await asyncio.gather(*tasks)

    assert order == [1, 2, 3]
    assert processor.busy_chats == 0  # nothing kept for a chat with nothing under way


async def test_an_update_without_a_chat_is_handled_at_once() -> None:
    processor = PerChatOrder()
    handled = asyncio.Event()

    async def handle() -> None:
        handled.set()

    update = Update(update_id=1)
    await asyncio.wait_for(processor.process_update(update, handle()), 1)

    assert handled.is_set()


async def test_a_press_is_announced_before_it_waits_for_its_chats_turn() -> None:
    # The sender's promise to answer every press within a second starts here,
    # not when the chat's earlier updates are done.
    processor = PerChatOrder()
    announced: list[str] = []
    processor.on_press = announced.append
    group, _ = updates()
    release = asyncio.Event()

    async def busy() -> None:
        await release.wait()

    async def decide() -> None:
        pass

    first = asyncio.create_task(processor.process_update(group.command(ANNA, "/overleg"), busy()))
    await asyncio.sleep(0)
    press = group.press(ANNA, "v1|1|JOIN|mentor|0", 5)
    waiting = asyncio.create_task(processor.process_update(press, decide()))
    await asyncio.sleep(0.01)

    assert press.callback_query is not None
    assert announced == [press.callback_query.id] and not waiting.done()
    release.set()
    await asyncio.gather(first, waiting)
