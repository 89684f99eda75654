"""The HTTP client the bot talks to the Bot API with: aiohttp's, under python-telegram-bot.

python-telegram-bot sends every call through a `BaseRequest`; its own is built
on httpx. Under load that client cost about half of the bot's CPU: each call
walks a pool of up to 256 connections, through httpcore, anyio and h11. The
same call through aiohttp's client, whose HTTP parser is compiled, costs about
a fifth as much (docs/benchmarks.md). aiohttp is the project's HTTP library
already (the stand-in, and the web pages to come), so this adds no dependency.

The contract is python-telegram-bot's: the same status and body for the same
call, `TimedOut` for a time-out and `NetworkError` for a connection that
failed; python-telegram-bot turns the status into its errors (`RetryAfter`,
`BadRequest`, `Forbidden`, …) as before.
"""

from __future__ import annotations

import urllib.parse
import urllib.request
from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# python-telegram-bot's own defaults (HTTPXRequest), in seconds.
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 5.0
WRITE_TIMEOUT = 5.0
POOL_TIMEOUT = 1.0
MEDIA_WRITE_TIMEOUT = 20.0


class AiohttpRequest(BaseRequest):
    """One connection pool of `connections` to the Bot API (as HTTPXRequest's pool size)."""

    __slots__ = ("_connections", "_proxies", "_session")

    def __init__(self, connections: int) -> None:
        self._connections = connections
        self._session: aiohttp.ClientSession | None = None
        # Per scheme and host: the proxy the environment names, or None.
        self._proxies: dict[tuple[str, str], str | None] = {}

    @property
    def read_timeout(self) -> float | None:
        return READ_TIMEOUT

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections),
                headers={"User-Agent": self.USER_AGENT},
                # The proxy is chosen here (`_proxy_for`), not by aiohttp's
                # trust_env: that reads the environment and ~/.netrc again on
                # every call, each in a thread (two thread hops per call, seen
                # in a profile of the bot under load).
                trust_env=False,
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized")
        files = request_data.multipart_data if request_data else {}
        fields = request_data.json_parameters if request_data else {}
        timeout = _timeout(
            pool=_given(pool_timeout, POOL_TIMEOUT),
            connect=_given(connect_timeout, CONNECT_TIMEOUT),
            write=_given(write_timeout, MEDIA_WRITE_TIMEOUT if files else WRITE_TIMEOUT),
            read=_given(read_timeout, READ_TIMEOUT),
        )
        try:
            async with self._session.request(
                method,
                url,
                data=_form(fields, files) if files else fields,
                timeout=timeout,
                proxy=self._proxy_for(url),
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:  # also aiohttp's own time-outs
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error

    def _proxy_for(self, url: str) -> str | None:
        """As httpx did: a school network's HTTP(S)_PROXY, unless NO_PROXY names the host.

        Read once per host, as httpx read it once per client: the environment
        of a running bot does not change.
        """
        parts = urllib.parse.urlsplit(url)
        key = (parts.scheme, parts.hostname or "")
        if key not in self._proxies:
            bypass = bool(parts.hostname) and urllib.request.proxy_bypass(parts.hostname or "")
            found = None if bypass else urllib.request.getproxies().get(parts.scheme)
            self._proxies[key] = found
        return self._proxies[key]


def _given(value: ODVInput[float], default: float) -> float | None:
    return default if isinstance(value, DefaultValue) else value


def _timeout(
    *, pool: float | None, connect: float | None, write: float | None, read: float | None
) -> aiohttp.ClientTimeout:
    """python-telegram-bot's four limits, as aiohttp counts them.

    aiohttp has no limit on writing alone: the whole call is bounded instead
    by the sum of the four, so a request that cannot be written still ends.
    None is no limit, as in python-telegram-bot.
    """
    parts = (pool, connect, write, read)
    total = None if None in parts else sum(p for p in parts if p is not None)
    waiting = None if pool is None or connect is None else pool + connect
    return aiohttp.ClientTimeout(total=total, connect=waiting, sock_connect=connect, sock_read=read)


def _form(fields: dict[str, str], files: dict[str, Any]) -> aiohttp.FormData:
    """A multipart body: the call's fields, and each file with its name and type."""
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in files.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
