"""Webhook mode: updates pushed to the bot's own HTTP server, retried on failure."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import telegram
from aiohttp import web
from telegram.error import BadRequest

from rondetafel.standin import BotApiStandIn, SimUser

from .conftest import FakeClock, make_bot


class Receiver:
    """A tiny webhook endpoint that fails the first `failures` deliveries."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.received: list[dict[str, Any]] = []
        self.secrets: list[str | None] = []
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.secrets.append(request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        if self.failures:
            self.failures -= 1
            return web.Response(status=500)
        self.received.append(await request.json())
        return web.Response(text="ok")


async def serve(receiver: Receiver) -> web.AppRunner:
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    receiver.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    return runner


@pytest.fixture
async def quick_retry(clock: FakeClock) -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn(clock=clock, webhook_retry_delay=0.01) as standin:
        yield standin


async def test_updates_are_posted_with_the_secret_token(
    quick_retry: BotApiStandIn,
) -> None:
    standin = quick_retry
    receiver = Receiver()
    runner = await serve(receiver)
    anna = standin.add_user("Anna")
    try:
        async with make_bot(standin) as bot:
            await bot.set_webhook(receiver.url, secret_token="geheim_123")
            await standin.start_private_chat(anna)
            await standin.wait_for(lambda: len(receiver.received) == 1)
            assert receiver.received[0]["message"]["text"] == "/start"
            assert receiver.secrets == ["geheim_123"]
            assert (await bot.get_webhook_info()).pending_update_count == 0
    finally:
        await runner.cleanup()


async def test_a_failed_delivery_is_retried_and_reported(quick_retry: BotApiStandIn) -> None:
    standin = quick_retry
    receiver = Receiver(failures=2)
    runner = await serve(receiver)
    anna: SimUser = standin.add_user("Anna")
    try:
        async with make_bot(standin) as bot:
            await bot.set_webhook(receiver.url)
            await standin.start_private_chat(anna)
            await standin.wait_for(lambda: len(receiver.received) == 1)
            info = await bot.get_webhook_info()
            assert info.url == receiver.url
            assert info.last_error_message is not None
            assert "500" in info.last_error_message
            assert len(receiver.secrets) == 3
    finally:
        await runner.cleanup()


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://bot.school.example/hook", "(?i)https url must be provided"),
        ("https://bot.school.example:8080/hook", "ports 80, 88, 443 or 8443"),
    ],
)
async def test_telegram_refuses_insecure_or_odd_webhook_urls(
    bot: telegram.Bot, url: str, error: str
) -> None:
    with pytest.raises(BadRequest, match=error):
        await bot.set_webhook(url)


async def test_a_secret_token_with_odd_characters_is_refused(bot: telegram.Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)secret token contains unallowed characters"):
        await bot.set_webhook("https://bot.school.example/hook", secret_token="geen spaties!")
