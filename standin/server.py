"""The HTTP side: `/bot<token>/<method>` with Telegram's envelope, and file downloads."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import web

from .common import JsonDict
from .errors import NOT_FOUND, UNAUTHORIZED, ApiError
from .methods import Described, Handler, find_method
from .methods.files import MAX_UPLOAD_BYTES
from .params import Params
from .state import ApiCall, LostAnswer, World

log = logging.getLogger(__name__)

# Long polls wait for the world, not for the stand-in; they do not make it busy.
_NOT_BUSY = frozenset({"getUpdates"})
# aiohttp does not tell a handler that its client hung up, so a held request
# looks at its connection this often.
_HANG_UP_POLL_SECONDS = 0.02


class ApiServer:
    """Serves one World over HTTP on loopback."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._runner: web.AppRunner | None = None
        self.address: tuple[str, int] | None = None

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES + 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        return app

    async def start(self, host: str, port: int) -> tuple[str, int]:
        self._runner = web.AppRunner(self.make_app(), access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound = self._runner.addresses[0]
        self.address = (host, int(bound[1]))
        return self.address

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _api(self, request: web.Request) -> web.Response:
        name = request.match_info["method"]
        if request.match_info["token"] != self.world.token:
            return self._respond(name, {}, UNAUTHORIZED)
        found = find_method(name)
        if found is None:
            return self._respond(name, {}, NOT_FOUND)
        method, handler = found
        busy = method not in _NOT_BUSY
        if busy:
            self.world.requests_in_flight += 1
        params: JsonDict = {}
        try:
            parsed = await Params.from_request(request)
            params = parsed.decoded()
            injected = self._take_injected(method)
            if isinstance(injected, LostAnswer):
                # Telegram's worst case is `executed`: the work is done, the answer lost.
                done = await self._perform(method, handler, parsed) if injected.executed else None
                self._record_lost(method, params, injected, done)
                return await self._withhold_answer(request, injected)
            if injected is not None:
                outcome: Any = injected
            else:
                outcome = await self._perform(method, handler, parsed)
        except ApiError as error:
            outcome = error
        except Exception as exc:
            outcome = self._stand_in_bug(method, exc)
        finally:
            if busy:
                self.world.requests_in_flight -= 1
        return self._respond(method, params, outcome, record=_still_listening(request))

    def _take_injected(self, method: str) -> ApiError | LostAnswer | None:
        queue = self.world.injected_errors.get(method)
        return queue.popleft() if queue else None  # None also when injected: answer as usual

    async def _perform(self, method: str, handler: Handler, parsed: Params) -> Any:
        """The method's result, or the ApiError it fails with."""
        try:
            return await handler(self.world, parsed)
        except ApiError as error:
            return error
        except Exception as exc:
            return self._stand_in_bug(method, exc)

    def _stand_in_bug(self, method: str, exc: Exception) -> ApiError:
        # A fault in the stand-in itself: answer like a server error, and say so.
        log.exception("stand-in failed in %s", method)
        return ApiError(500, f"Internal Server Error: stand-in bug: {exc!r}")

    async def _withhold_answer(self, request: web.Request, fault: LostAnswer) -> web.Response:
        """Give no HTTP answer: hold the request until the client gives up, or drop it."""
        await self._hold(request, at_most=fault.hold)
        if request.transport is not None:
            request.transport.close()
        # Never written: aiohttp quietly gives up on a closed connection.
        return web.Response(status=204)

    def _record_lost(self, method: str, params: JsonDict, fault: LostAnswer, done: Any) -> None:
        """Log the call before the wait, so a test that just saw its client give up finds it.

        `answer` keeps the body the client never got (None if nothing was done).
        """
        answer = _envelope(done) if fault.executed else None
        if fault.hold is None:
            description = "no answer: held until the client gave up (injected timeout)"
        else:
            description = f"no answer: connection dropped after {fault.hold}s (injected)"
        record = {"description": description, "executed": fault.executed, "answer": answer}
        call = ApiCall(method, params, False, record, self.world.clock(), lost=fault.kind)
        self.world.calls.append(call)
        self.world.changed()

    async def _hold(self, request: web.Request, at_most: float | None) -> None:
        """Keep a request open while its client waits (at most that long), until stop()."""
        loop = asyncio.get_running_loop()
        deadline = None if at_most is None else loop.time() + at_most
        while _still_listening(request) and not self.world.closing:
            left = _HANG_UP_POLL_SECONDS if deadline is None else deadline - loop.time()
            if left <= 0:
                return
            # The world's change signal wakes this at once when stop() is called.
            await self.world.signal.wait(min(left, _HANG_UP_POLL_SECONDS))

    def _respond(
        self, method: str, params: JsonDict, outcome: Any, record: bool = True
    ) -> web.Response:
        body = _envelope(outcome)
        status = outcome.error_code if isinstance(outcome, ApiError) else 200
        recorded = body if isinstance(outcome, ApiError) else body["result"]
        if record:
            call = ApiCall(method, params, status == 200, recorded, self.world.clock())
            self.world.calls.append(call)
        self.world.changed()
        return web.json_response(body, status=status)

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.world.token:
            return web.json_response(UNAUTHORIZED.envelope(), status=401)
        path = request.match_info["path"]
        stored = next((f for f in self.world.files.values() if f.file_path == path), None)
        if stored is None:
            return web.json_response(NOT_FOUND.envelope(), status=404)
        content_type = stored.mime_type or "application/octet-stream"
        return web.Response(body=stored.data, headers={"Content-Type": content_type})


def _envelope(outcome: Any) -> JsonDict:
    """The JSON body Telegram answers with for a result or an ApiError."""
    if isinstance(outcome, ApiError):
        return outcome.envelope()
    if isinstance(outcome, Described):
        return {"ok": True, "result": outcome.result, "description": outcome.description}
    return {"ok": True, "result": outcome}


def _still_listening(request: web.Request) -> bool:
    # A client that hung up (python-telegram-bot abandons its long poll when it
    # stops, or gives up on a slow answer) never sees what we would answer.
    return request.transport is not None and not request.transport.is_closing()
