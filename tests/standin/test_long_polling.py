"""getUpdates: long polling, confirmation by offset, allowed_updates, conflicts."""

from __future__ import annotations

import asyncio
import time

import pytest
import telegram
from telegram.error import Conflict

from rondetafel.standin import BotApiStandIn, SimChat, SimUser

from .conftest import call_raw


async def test_an_update_arriving_during_a_long_poll_is_returned_at_once(
    standin: BotApiStandIn, bot: telegram.Bot, anna: SimUser
) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await standin.wait_for(lambda: standin.waiting_polls == 1)
    await standin.start_private_chat(anna)
    updates = await poll
    assert time.monotonic() - started < 2
    assert [u.message.text for u in updates] == ["/start"]


async def test_a_long_poll_without_updates_ends_at_its_timeout_with_nothing(
    standin: BotApiStandIn,
) -> None:
    started = time.monotonic()
    status, body = await call_raw(standin, "getUpdates", json={"timeout": 0.05})
    assert (status, body) == (200, {"ok": True, "result": []})
    assert time.monotonic() - started >= 0.04


async def test_updates_stay_until_an_offset_confirms_them(
    standin: BotApiStandIn, bot: telegram.Bot, anna: SimUser, bert: SimUser
) -> None:
    await standin.start_private_chat(anna)
    await standin.start_private_chat(bert)
    first = await bot.get_updates()
    again = await bot.get_updates()
    assert [u.update_id for u in again] == [u.update_id for u in first]
    rest = await bot.get_updates(offset=first[0].update_id + 1)
    assert [u.message.from_user.first_name for u in rest] == ["Bert"]
    assert await bot.get_updates(offset=rest[0].update_id + 1) == ()


async def test_limit_caps_a_batch(standin: BotApiStandIn, bot: telegram.Bot, anna: SimUser) -> None:
    await standin.start_private_chat(anna)
    for text in ("een", "twee", "drie"):
        await standin.send_message(anna, standin.private_chat(anna), text)
    assert len(await bot.get_updates(limit=2)) == 2


async def test_a_negative_offset_keeps_only_the_newest(
    standin: BotApiStandIn, bot: telegram.Bot, anna: SimUser
) -> None:
    await standin.start_private_chat(anna)
    await standin.send_message(anna, standin.private_chat(anna), "laatste")
    updates = await bot.get_updates(offset=-1)
    assert [u.message.text for u in updates] == ["laatste"]
    assert len(await bot.get_updates()) == 1


async def test_allowed_updates_persists_until_changed(
    standin: BotApiStandIn, bot: telegram.Bot, anna: SimUser, group: SimChat
) -> None:
    await bot.get_updates(allowed_updates=["callback_query"])
    sent = await bot.send_message(
        group.id,
        "Kies",
        reply_markup=telegram.InlineKeyboardMarkup.from_button(
            telegram.InlineKeyboardButton("Ja", callback_data="ja")
        ),
    )
    await standin.send_message(anna, group, "antwoord", reply_to=sent.message_id)
    await standin.press_button(anna, group, sent.message_id, "ja")
    updates = await bot.get_updates()  # no allowed_updates: the last choice still holds
    assert [u.callback_query.data for u in updates] == ["ja"]


async def test_by_default_chat_member_updates_are_left_out(
    standin: BotApiStandIn, bot: telegram.Bot, anna: SimUser
) -> None:
    chat = standin.create_group("Bestuur", members=[anna])
    await standin.add_bot_to_group(chat, by=anna, as_admin=True)
    newcomer = standin.add_user("Cees")
    await standin.add_member(chat, newcomer, by=anna)
    kinds = [next(k for k in u if k != "update_id") for u in standin.pending_updates()]
    assert "chat_member" not in kinds
    await bot.get_updates(allowed_updates=["chat_member", "message"])
    await standin.remove_member(chat, newcomer, by=anna)
    kinds = [next(k for k in u if k != "update_id") for u in standin.pending_updates()]
    assert "chat_member" in kinds


async def test_a_second_poller_terminates_the_first_with_409(
    standin: BotApiStandIn, bot: telegram.Bot
) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=10))
    await standin.wait_for(lambda: standin.waiting_polls == 1)
    # A second bot instance (PTB's own Bot polls over a single connection).
    assert (await call_raw(standin, "getUpdates"))[0] == 200
    with pytest.raises(Conflict, match=r"terminated by other getUpdates request"):
        await first


async def test_get_updates_conflicts_with_a_webhook(
    standin: BotApiStandIn, bot: telegram.Bot
) -> None:
    await bot.set_webhook("https://bot.school.example/hook")
    with pytest.raises(Conflict, match=r"can't use getUpdates method while webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook()
    assert await bot.get_updates() == ()


async def test_delete_webhook_can_drop_pending_updates(
    standin: BotApiStandIn, bot: telegram.Bot, anna: SimUser
) -> None:
    await standin.start_private_chat(anna)
    await bot.delete_webhook()
    assert len(await bot.get_updates()) == 1
    await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == ()


async def test_stopping_the_stand_in_ends_waiting_polls_at_once(clock: object) -> None:
    standin = BotApiStandIn()
    await standin.start()
    poll = asyncio.create_task(call_raw(standin, "getUpdates", json={"timeout": 30}))
    await standin.wait_for(lambda: standin.waiting_polls == 1)
    started = time.monotonic()
    await standin.stop()
    assert time.monotonic() - started < 2
    assert (await poll)[1] == {"ok": True, "result": []}
