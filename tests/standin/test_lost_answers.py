"""Injected timeouts, dropped connections and server errors, as the real Bot sees them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
import telegram
from telegram.error import NetworkError, TimedOut

from rondetafel.standin import BotApiStandIn, SimChat

from .conftest import make_bot

# Short enough to keep the tests fast, long enough for loopback to answer in.
CLIENT_READ_TIMEOUT = 0.3


@pytest.fixture
async def impatient_bot(standin: BotApiStandIn) -> AsyncIterator[telegram.Bot]:
    async with make_bot(standin, read_timeout=CLIENT_READ_TIMEOUT) as real_bot:
        yield real_bot


def lost_calls(standin: BotApiStandIn, method: str) -> list[str | None]:
    return [call.lost for call in standin.calls_to(method) if call.lost is not None]


async def test_a_held_request_makes_python_telegram_bot_time_out(
    standin: BotApiStandIn, impatient_bot: telegram.Bot, group: SimChat
) -> None:
    standin.inject_timeout("sendMessage")
    with pytest.raises(TimedOut):
        await impatient_bot.send_message(group.id, "Hallo?")
    assert standin.bot_messages(group) == []  # not executed: nothing was posted
    (call,) = standin.calls_to("sendMessage")
    assert (call.ok, call.lost, call.params["text"]) == (False, "timeout", "Hallo?")
    assert "injected timeout" in call.result_or_error["description"]
    await impatient_bot.send_message(group.id, "Nu wel")
    assert [m["text"] for m in standin.bot_messages(group)] == ["Nu wel"]


async def test_when_only_the_answer_is_lost_the_message_is_posted_anyway(
    standin: BotApiStandIn, impatient_bot: telegram.Bot, group: SimChat
) -> None:
    standin.inject_timeout("sendMessage", executed=True)
    with pytest.raises(TimedOut):
        await impatient_bot.send_message(group.id, "Agenda")
    (posted,) = standin.bot_messages(group)
    (call,) = standin.calls_to("sendMessage")
    assert call.result_or_error["executed"] is True
    assert call.result_or_error["answer"]["result"]["message_id"] == posted["message_id"]
    # A bot that simply retries now posts the agenda twice, as it would on Telegram.
    await impatient_bot.send_message(group.id, "Agenda")
    assert [m["text"] for m in standin.bot_messages(group)] == ["Agenda", "Agenda"]


async def test_a_dropped_connection_is_a_network_error_but_not_a_timeout(
    standin: BotApiStandIn, impatient_bot: telegram.Bot, group: SimChat
) -> None:
    standin.inject_timeout("sendMessage", hold=0.05)
    with pytest.raises(NetworkError) as raised:
        await impatient_bot.send_message(group.id, "Hallo?")
    assert not isinstance(raised.value, TimedOut)
    assert lost_calls(standin, "sendMessage") == ["dropped"]
    assert standin.bot_messages(group) == []


async def test_a_dropped_connection_after_executing_keeps_the_document(
    standin: BotApiStandIn, impatient_bot: telegram.Bot, group: SimChat
) -> None:
    standin.inject_timeout("sendDocument", hold=0, executed=True)
    with pytest.raises(NetworkError):
        await impatient_bot.send_document(group.id, b"verslag", filename="verslag.txt")
    (document,) = standin.documents(group)
    assert document.data == b"verslag"


async def test_only_the_next_times_calls_lose_their_answer(
    standin: BotApiStandIn, impatient_bot: telegram.Bot, group: SimChat
) -> None:
    standin.inject_timeout("sendmessage", times=2, hold=0)
    for _ in range(2):
        with pytest.raises(NetworkError):
            await impatient_bot.send_message(group.id, "x")
    await impatient_bot.send_message(group.id, "eindelijk")
    assert lost_calls(standin, "sendMessage") == ["dropped", "dropped"]
    assert [call.ok for call in standin.calls_to("sendMessage")] == [False, False, True]


async def test_injected_errors_and_lost_answers_come_in_the_order_injected(
    standin: BotApiStandIn, impatient_bot: telegram.Bot, group: SimChat
) -> None:
    standin.inject_error("sendMessage", 502, "Bad Gateway")
    standin.inject_timeout("sendMessage")
    with pytest.raises(NetworkError, match=r"Bad Gateway"):
        await impatient_bot.send_message(group.id, "x")
    with pytest.raises(TimedOut):
        await impatient_bot.send_message(group.id, "x")


async def test_an_injected_500_reaches_python_telegram_bot_as_a_network_error(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat
) -> None:
    standin.inject_error("sendMessage", 500, "Internal Server Error")
    with pytest.raises(NetworkError, match=r"Internal Server Error") as raised:
        await bot.send_message(group.id, "x")
    assert not isinstance(raised.value, TimedOut)
    assert standin.calls_to("sendMessage")[0].result_or_error["error_code"] == 500


async def test_inject_timeout_rejects_unknown_methods_and_negative_holds(
    standin: BotApiStandIn,
) -> None:
    with pytest.raises(ValueError, match=r"no method 'sendTelepathy'"):
        standin.inject_timeout("sendTelepathy")
    with pytest.raises(ValueError, match=r"seconds"):
        standin.inject_timeout("sendMessage", hold=-1)


async def test_stopping_the_stand_in_lets_go_of_a_held_request_at_once() -> None:
    standin = BotApiStandIn()
    await standin.start()
    standin.inject_timeout("getMe")
    url = f"{standin.base_url}{standin.token}/getMe"

    async def patient_client() -> None:
        async with aiohttp.ClientSession() as session, session.post(url) as response:
            await response.read()

    client = asyncio.create_task(patient_client())
    await standin.wait_for(lambda: bool(standin.calls_to("getMe")), timeout=2)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await standin.stop()
    assert loop.time() - started < 0.5
    with pytest.raises(aiohttp.ClientError):
        await asyncio.wait_for(client, 2)
