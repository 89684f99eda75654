"""BotApiStandIn: a local Telegram Bot API for the demo, end-to-end tests and benchmarks."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from types import TracebackType

from .common import Clock, JsonDict
from .errors import ApiError
from .limits import RateLimits
from .methods import find_method
from .observation import Observation
from .server import ApiServer
from .simulation import Simulation
from .state import LostAnswer, SimUser, World
from .webhook import WebhookDelivery

TELEGRAM_LIMITS = RateLimits()


class BotApiStandIn(Simulation, Observation):
    """The Bot API on loopback, strict where Telegram is, with simulated people.

    Point python-telegram-bot at `base_url` / `base_file_url`; drive people with
    the Simulation methods; read the chats back with the Observation methods.
    """

    def __init__(
        self,
        token: str = "123:TEST",
        bot_username: str = "RondetafelTestBot",
        bot_first_name: str = "Rondetafel",
        *,
        privacy_mode: bool = True,
        rate_limits: RateLimits | None = TELEGRAM_LIMITS,
        callback_answer_timeout: float = 15.0,
        clock: Clock = time.monotonic,
        webhook_retry_delay: float = 0.5,
    ) -> None:
        self.world = World(
            token=token,
            bot_username=bot_username,
            bot_first_name=bot_first_name,
            privacy_mode=privacy_mode,
            rate_limits=rate_limits,
            callback_answer_timeout=callback_answer_timeout,
            clock=clock,
        )
        self._server = ApiServer(self.world)
        self._webhook = WebhookDelivery(self.world, retry_delay=webhook_retry_delay)
        self._webhook_task: asyncio.Task[None] | None = None

    @property
    def bot(self) -> SimUser:
        return self.world.bot

    @property
    def token(self) -> str:
        return self.world.token

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        await self._server.start(host, port)
        self._webhook_task = asyncio.create_task(self._webhook.run())

    async def stop(self) -> None:
        self.world.closing = True
        self.world.changed()  # long polls answer at once instead of at their timeout
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
            self._webhook_task = None
        await self._server.stop()

    async def __aenter__(self) -> BotApiStandIn:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """For `Application.builder().base_url(...)`: the token and method get appended."""
        return f"{self._origin()}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self._origin()}/file/bot"

    def clear_pending_updates(self) -> None:
        """Forget queued updates, like deleteWebhook(drop_pending_updates=True)."""
        self.world.updates.clear()
        self.world.changed()

    def inject_error(
        self,
        method: str,
        error_code: int,
        description: str,
        parameters: JsonDict | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls of `method` fail with this error envelope."""
        queue = self._injection_queue(method)
        queue.extend(ApiError(error_code, description, parameters) for _ in range(times))

    def inject_timeout(
        self,
        method: str,
        times: int = 1,
        *,
        hold: float | None = None,
        executed: bool = False,
    ) -> None:
        """Give the next `times` calls of `method` no answer at all.

        With `hold=None` the request stays open until the client gives up (its
        read timeout: python-telegram-bot raises TimedOut); with `hold=<seconds>`
        the connection is closed after that long without an HTTP answer
        (NetworkError). With `executed=True` the method is carried out first, so
        e.g. the message really is posted and only the answer is lost.
        Such calls appear in `calls` with ok=False and `lost` set.
        """
        if hold is not None and hold < 0:
            raise ValueError("hold is a number of seconds, or None to wait for the client")
        queue = self._injection_queue(method)
        queue.extend(LostAnswer(hold, executed) for _ in range(times))

    def inject_ok(self, method: str, times: int = 1) -> None:
        """Let the next `times` calls of `method` through, between injected faults.

        With it a test lays out a storm call by call: fail, pass, fail…
        """
        self._injection_queue(method).extend(None for _ in range(times))

    def _injection_queue(self, method: str) -> deque[ApiError | LostAnswer | None]:
        found = find_method(method)
        if found is None:
            raise ValueError(f"the stand-in has no method {method!r}")
        return self.world.injected_errors.setdefault(found[0], deque())

    def _origin(self) -> str:
        if self._server.address is None:
            raise RuntimeError("start() the stand-in first")
        host, port = self._server.address
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
