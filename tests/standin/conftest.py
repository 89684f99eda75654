"""Fixtures: a started stand-in with a hand-driven clock, and a real PTB Bot on it."""

from __future__ import annotations

import datetime as dtm
import ssl
import warnings
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import telegram
from telegram.request import HTTPXRequest

from rondetafel.standin import BotApiStandIn, SimChat, SimUser


class FakeClock:
    """Monotonic seconds that only move when a test says so."""

    def __init__(self, start: float = 10_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def standin(clock: FakeClock) -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn(clock=clock) as stand_in:
        yield stand_in


# Building an SSL context costs a tenth of a second; the stand-in speaks plain HTTP,
# so every test's Bot can share one instead of loading certificates again.
_SHARED_SSL = ssl.create_default_context()


def make_bot(standin: BotApiStandIn, read_timeout: float = 5.0) -> telegram.Bot:
    """The real python-telegram-bot Bot, pointed at the stand-in."""

    def request() -> HTTPXRequest:
        return HTTPXRequest(read_timeout=read_timeout, httpx_kwargs={"verify": _SHARED_SSL})

    return telegram.Bot(
        standin.token,
        base_url=standin.base_url,
        base_file_url=standin.base_file_url,
        request=request(),
        get_updates_request=request(),
    )


@pytest.fixture
async def bot(standin: BotApiStandIn) -> AsyncIterator[telegram.Bot]:
    async with make_bot(standin) as real_bot:
        yield real_bot


@pytest.fixture
def anna(standin: BotApiStandIn) -> SimUser:
    return standin.add_user("Anna", username="anna_m", language_code="nl")


@pytest.fixture
def bert(standin: BotApiStandIn) -> SimUser:
    return standin.add_user("Bert", username="bert_k")


@pytest.fixture
async def group(standin: BotApiStandIn, anna: SimUser, bert: SimUser) -> SimChat:
    """A basic group with Anna, Bert and the bot; the joining updates already confirmed."""
    chat = standin.create_group("Zorgoverleg 2b", members=[anna, bert])
    await standin.add_bot_to_group(chat, by=anna)
    standin.clear_pending_updates()
    return chat


async def call_raw(
    standin: BotApiStandIn,
    method: str,
    *,
    token: str | None = None,
    json: Any = None,
    data: Any = None,
    http_method: str = "POST",
) -> tuple[int, dict[str, Any]]:
    """One HTTP request to the stand-in, bypassing python-telegram-bot."""
    url = f"{standin.base_url}{token or standin.token}/{method}"
    async with (
        aiohttp.ClientSession() as session,
        session.request(http_method, url, json=json, data=data) as response,
    ):
        return response.status, await response.json()


def retry_seconds(error: telegram.error.RetryAfter) -> float:
    """RetryAfter.retry_after in seconds, whichever type this PTB version returns."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PTB 22 warns that the type will change
        after = error.retry_after
    return after.total_seconds() if isinstance(after, dtm.timedelta) else float(after)
