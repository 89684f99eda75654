"""The Bot API client: python-telegram-bot's contract, over aiohttp."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot, InputFile
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from rondetafel.bot.bot_api_client import AiohttpRequest, _timeout

TOKEN = "7000:TEST"


class FakeApi:
    """A Bot API that records what it was sent and answers as told."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.answers: list[tuple[int, dict[str, Any]]] = []
        self.delay = 0.0

    async def handle(self, request: web.Request) -> web.Response:
        if request.content_type.startswith("multipart/"):
            fields: dict[str, Any] = {}
            async for part in await request.multipart():
                assert part.name is not None
                fields[part.name] = (part.filename, await part.read())  # type: ignore[union-attr]
        else:
            fields = dict(await request.post())
        self.received.append(
            {"method": request.match_info["method"], "agent": request.headers["User-Agent"]}
            | fields
        )
        await asyncio.sleep(self.delay)
        status, body = self.answers.pop(0) if self.answers else (200, {"ok": True, "result": True})
        return web.json_response(body, status=status)


@pytest.fixture
async def api() -> AsyncIterator[tuple[FakeApi, str]]:
    fake = FakeApi()
    app = web.Application()
    app.router.add_post("/bot{token}/{method}", fake.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield fake, f"http://127.0.0.1:{port}/bot"
    finally:
        await runner.cleanup()


async def bot_on(base_url: str) -> Bot:
    bot = Bot(TOKEN, base_url=base_url, request=AiohttpRequest(connections=4))
    await bot.initialize()
    return bot


async def test_a_call_sends_its_fields_and_reads_the_result(api: tuple[FakeApi, str]) -> None:
    fake, base_url = api
    me = {"id": 1, "is_bot": True, "first_name": "R", "username": "R_bot"}
    fake.answers.append((200, {"ok": True, "result": me}))
    bot = await bot_on(base_url)  # getMe
    try:
        assert bot.username == "R_bot"
        fake.answers.append((200, {"ok": True, "result": True}))
        assert await bot.set_my_commands([("overleg", "Een overleg")]) is True
    finally:
        await bot.shutdown()
    call = fake.received[-1]
    assert call["method"] == "setMyCommands"
    assert json.loads(call["commands"]) == [{"command": "overleg", "description": "Een overleg"}]
    assert "python-telegram-bot" in call["agent"]


async def test_a_file_goes_as_multipart_with_its_name(api: tuple[FakeApi, str]) -> None:
    fake, base_url = api
    request = AiohttpRequest(connections=1)
    await request.initialize()
    try:
        data = RequestData(
            [
                RequestParameter.from_input("chat_id", -5),
                RequestParameter.from_input("document", InputFile(b"<p>hi</p>", "r.html")),
            ]
        )
        status, body = await request.do_request(f"{base_url}{TOKEN}/sendDocument", "POST", data)
    finally:
        await request.shutdown()
    assert status == 200 and json.loads(body)["ok"] is True
    call = fake.received[-1]
    assert call["chat_id"] == (None, b"-5")
    assert call["document"] == ("r.html", b"<p>hi</p>")


async def test_telegrams_refusals_become_python_telegram_bots_errors(
    api: tuple[FakeApi, str],
) -> None:
    fake, base_url = api
    bot = Bot(TOKEN, base_url=base_url, request=AiohttpRequest(connections=4))
    request = bot.request
    await request.initialize()
    try:
        fake.answers.append((400, {"ok": False, "error_code": 400, "description": "Bad"}))
        with pytest.raises(BadRequest):
            await bot.send_message(-5, "x")
        fake.answers.append(
            (
                429,
                {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests",
                    "parameters": {"retry_after": 3},
                },
            )
        )
        with pytest.raises(RetryAfter):
            await bot.send_message(-5, "x")
    finally:
        await request.shutdown()


async def test_a_slow_answer_is_a_time_out(api: tuple[FakeApi, str]) -> None:
    fake, base_url = api
    fake.delay = 0.5
    request = AiohttpRequest(connections=1)
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await request.do_request(f"{base_url}{TOKEN}/getMe", "POST", read_timeout=0.05)
    finally:
        await request.shutdown()


async def test_a_refused_connection_is_a_network_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    request = AiohttpRequest(connections=1)
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as raised:
            await request.do_request(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe", "POST")
    finally:
        await request.shutdown()
    assert not isinstance(raised.value, TimedOut)


async def test_a_request_used_before_it_is_initialized_says_so() -> None:
    with pytest.raises(RuntimeError, match="not initialized"):
        await AiohttpRequest(connections=1).do_request("http://127.0.0.1:1/x", "POST")


def test_the_limits_add_up_and_none_is_no_limit() -> None:
    limits = _timeout(pool=1.0, connect=5.0, write=5.0, read=30.0)
    assert (limits.total, limits.connect, limits.sock_connect, limits.sock_read) == (
        41.0,
        6.0,
        5.0,
        30.0,
    )
    unlimited = _timeout(pool=None, connect=5.0, write=5.0, read=None)
    assert (unlimited.total, unlimited.connect, unlimited.sock_read) == (None, None, None)


async def test_the_environments_proxy_carries_the_calls(
    api: tuple[FakeApi, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The fake API stands in for a school's HTTP proxy: it gets the call for a
    # host that does not exist, so the call can only have gone through it.
    fake, base_url = api
    proxy = base_url.removesuffix("/bot")
    monkeypatch.setenv("HTTP_PROXY", proxy)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    request = AiohttpRequest(connections=1)
    await request.initialize()
    try:
        status, _ = await request.do_request(
            f"http://api.telegram.invalid/bot{TOKEN}/getMe", "POST"
        )
    finally:
        await request.shutdown()
    assert status == 200
    assert fake.received[-1]["method"] == "getMe"


async def test_no_proxy_names_the_hosts_reached_directly(
    api: tuple[FakeApi, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, base_url = api
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]  # nothing listens: a call through it would fail
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{dead}")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    request = AiohttpRequest(connections=1)
    await request.initialize()
    try:
        status, _ = await request.do_request(f"{base_url}{TOKEN}/getMe", "POST")
    finally:
        await request.shutdown()
    assert status == 200


async def test_a_call_hands_no_work_to_a_thread(
    api: tuple[FakeApi, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # aiohttp's trust_env looked up the proxy and ~/.netrc in a thread on every
    # call: two thread hops per Bot API call, seen in a profile under load.
    _, base_url = api
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.school.invalid:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    loop = asyncio.get_running_loop()
    handed: list[object] = []
    real = loop.run_in_executor

    def counted(executor: Any, func: Any, *args: Any) -> Any:
        handed.append(func)
        return real(executor, func, *args)

    monkeypatch.setattr(loop, "run_in_executor", counted)
    request = AiohttpRequest(connections=1)
    await request.initialize()
    try:
        for _ in range(3):
            await request.do_request(f"{base_url}{TOKEN}/getMe", "POST")
    finally:
        await request.shutdown()
    assert handed == []
