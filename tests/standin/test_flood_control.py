"""Flood control: 429 with retry_after, and recovery once the clock moves on."""

from __future__ import annotations

import pytest
import telegram
from telegram.error import RetryAfter

from rondetafel.standin import BotApiStandIn, RateLimits, SimChat, SimUser

from .conftest import FakeClock, call_raw, make_bot, retry_seconds

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


async def started_private_chat(standin: BotApiStandIn, user: SimUser) -> int:
    await standin.start_private_chat(user)
    return user.id


async def test_a_burst_in_one_chat_then_429_with_retry_after(
    standin: BotApiStandIn, anna: SimUser
) -> None:
    chat_id = await started_private_chat(standin, anna)
    for n in range(3):  # the default burst allowance
        status, _ = await call_raw(standin, "sendMessage", json={"chat_id": chat_id, "text": n})
        assert status == 200
    status, body = await call_raw(standin, "sendMessage", json={"chat_id": chat_id, "text": "4"})
    assert status == 429
    assert body == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }


async def test_after_retry_after_seconds_sending_works_again(
    standin: BotApiStandIn, bot: telegram.Bot, anna: SimUser, clock: FakeClock
) -> None:
    chat_id = await started_private_chat(standin, anna)
    for n in range(3):
        await bot.send_message(chat_id, f"bericht {n}")
    with pytest.raises(RetryAfter) as limited:
        await bot.send_message(chat_id, "te snel")
    clock.advance(retry_seconds(limited.value))
    await bot.send_message(chat_id, "weer op tijd")
    with pytest.raises(RetryAfter):
        await bot.send_message(chat_id, "en weer te snel")


async def test_other_chats_have_their_own_allowance(
    standin: BotApiStandIn, bot: telegram.Bot, anna: SimUser, bert: SimUser
) -> None:
    for n in range(3):
        await bot.send_message(await started_private_chat(standin, anna), f"{n}")
    await bot.send_message(await started_private_chat(standin, bert), "jij ook")


async def test_a_group_gets_20_messages_a_minute(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat, clock: FakeClock
) -> None:
    for n in range(20):
        await bot.send_message(group.id, f"{n}")
        clock.advance(1.5)  # slow enough for the per-chat limit
    with pytest.raises(RetryAfter) as limited:
        await bot.send_message(group.id, "21")
    # 20 sends 1.5 s apart end at t=30; the first leaves the 60 s window at t=60.
    assert retry_seconds(limited.value) == 30
    clock.advance(30)
    await bot.send_message(group.id, "weer ruimte")


async def test_edits_count_like_sends(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat
) -> None:
    sent = await bot.send_message(group.id, "0")
    await bot.edit_message_text("1", group.id, sent.message_id)
    await bot.edit_message_text("2", group.id, sent.message_id)
    with pytest.raises(RetryAfter):
        await bot.edit_message_text("3", group.id, sent.message_id)


async def test_the_global_limit_spans_all_chats(clock: FakeClock) -> None:
    limits = RateLimits(per_chat_per_second=100, per_chat_burst=100, global_per_second=5)
    async with BotApiStandIn(clock=clock, rate_limits=limits) as standin:
        people = [standin.add_user(f"P{n}") for n in range(6)]
        async with make_bot(standin) as bot:
            for person in people[:5]:
                await bot.send_message(await started_private_chat(standin, person), "x")
            with pytest.raises(RetryAfter):
                await bot.send_message(await started_private_chat(standin, people[5]), "x")


async def test_a_refused_request_uses_up_nothing(
    standin: BotApiStandIn, bot: telegram.Bot, anna: SimUser, clock: FakeClock
) -> None:
    chat_id = await started_private_chat(standin, anna)
    for n in range(3):
        await bot.send_message(chat_id, f"{n}")
    for _ in range(5):
        with pytest.raises(RetryAfter):
            await bot.send_message(chat_id, "hameren")
    clock.advance(1)
    await bot.send_message(chat_id, "één token terug, één bericht")


async def test_flood_control_can_be_switched_off(clock: FakeClock) -> None:
    async with BotApiStandIn(clock=clock, rate_limits=None) as standin:
        anna = standin.add_user("Anna")
        chat_id = await started_private_chat(standin, anna)
        async with make_bot(standin) as bot:
            for n in range(40):
                await bot.send_message(chat_id, f"{n}")
