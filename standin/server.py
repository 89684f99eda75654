"""The HTTP side: `/bot<token>/<method>` with Telegram's envelope, and file downloads."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from .common import JsonDict
from .errors import NOT_FOUND, UNAUTHORIZED, ApiError
from .methods import Described, find_method
from .methods.files import MAX_UPLOAD_BYTES
from .params import Params
from .state import ApiCall, World

log = logging.getLogger(__name__)

# Long polls wait for the world, not for the stand-in; they do not make it busy.
_NOT_BUSY = frozenset({"getUpdates"})


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
            injected = self.world.injected_errors.get(method)
            if injected:
                outcome: Any = injected.popleft()
            else:
                outcome = await handler(self.world, parsed)
        except ApiError as error:
            outcome = error
        except Exception as exc:
            # A fault in the stand-in itself: answer like a server error, and say so.
            log.exception("stand-in failed in %s", method)
            outcome = ApiError(500, f"Internal Server Error: stand-in bug: {exc!r}")
        finally:
            if busy:
                self.world.requests_in_flight -= 1
        # A client that hung up (python-telegram-bot abandons its long poll when it
        # stops) never sees this answer; logging it would report an error nobody got.
        heard = request.transport is not None and not request.transport.is_closing()
        return self._respond(method, params, outcome, record=heard)

    def _respond(
        self, method: str, params: JsonDict, outcome: Any, record: bool = True
    ) -> web.Response:
        if isinstance(outcome, ApiError):
            body = outcome.envelope()
            status = outcome.error_code
            recorded: Any = body
        else:
            result = outcome.result if isinstance(outcome, Described) else outcome
            body = {"ok": True, "result": result}
            if isinstance(outcome, Described):
                body["description"] = outcome.description
            status = 200
            recorded = result
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
