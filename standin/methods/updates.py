"""getUpdates (real long polling) and the webhook settings."""

from __future__ import annotations

import asyncio
import re
from typing import Any
from urllib.parse import urlsplit

from ..common import JsonDict
from ..errors import bad_request, conflict
from ..params import Params
from ..state import WebhookConfig, World
from ._registry import Described, api_method

WEBHOOK_ACTIVE = (
    "can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
TERMINATED = (
    "terminated by other getUpdates request; make sure that only one bot instance is running"
)
WEBHOOK_PORTS = frozenset({80, 88, 443, 8443})
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@api_method("getUpdates")
async def get_updates(world: World, params: Params) -> list[JsonDict]:
    if world.webhook is not None:
        raise conflict(WEBHOOK_ACTIVE)
    queue = world.updates
    offset = params.integer("offset") or 0
    limit = min(max(params.integer("limit") or 100, 1), 100)
    # Telegram's timeout is whole seconds; fractions are accepted so tests stay fast.
    timeout = max(params.number("timeout") or 0.0, 0.0)
    _remember_allowed_updates(world, params.json("allowed_updates"))
    ticket = queue.begin_poll()
    queue.confirm(offset)
    world.changed()  # wakes an older poller, which must now give way
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    try:
        while True:
            if queue.active_poll is not ticket:
                raise conflict(TERMINATED)
            if world.webhook is not None:
                raise conflict(WEBHOOK_ACTIVE)
            batch = queue.peek(limit)
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or world.closing:
                for update in batch:
                    update.handed_out = True
                return [update.to_api() for update in batch]
            await world.signal.wait(remaining)
    finally:
        queue.end_poll(ticket)
        world.changed()


@api_method("setWebhook")
async def set_webhook(world: World, params: Params) -> Described:
    url = params.text("url") or ""
    if not url:
        return _delete_webhook(world, drop=params.flag("drop_pending_updates"))
    _check_webhook_url(url)
    secret = params.text("secret_token")
    if secret is not None and not SECRET_TOKEN.match(secret):
        raise bad_request("secret token contains unallowed characters")
    connections = params.integer("max_connections") or 40
    if not 1 <= connections <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    _remember_allowed_updates(world, params.json("allowed_updates"))
    if params.flag("drop_pending_updates"):
        world.updates.clear()
    world.webhook = WebhookConfig(url=url, secret_token=secret, max_connections=connections)
    world.changed()
    return Described(True, "Webhook was set")


@api_method("deleteWebhook")
async def delete_webhook(world: World, params: Params) -> Described:
    return _delete_webhook(world, drop=params.flag("drop_pending_updates"))


@api_method("getWebhookInfo")
async def get_webhook_info(world: World, params: Params) -> JsonDict:
    hook = world.webhook
    info: JsonDict = {
        "url": hook.url if hook is not None else "",
        "has_custom_certificate": False,
        "pending_update_count": world.updates.pending_count,
    }
    if hook is None:
        return info
    info["max_connections"] = hook.max_connections
    info["ip_address"] = "127.0.0.1"
    if world.updates.allowed_explicitly:
        info["allowed_updates"] = list(world.updates.allowed_explicitly)
    if hook.last_error_date is not None:
        info["last_error_date"] = hook.last_error_date
        info["last_error_message"] = hook.last_error_message
    return info


def _delete_webhook(world: World, drop: bool) -> Described:
    was_set = world.webhook is not None
    world.webhook = None
    if drop:
        world.updates.clear()
    world.changed()
    return Described(True, "Webhook was deleted" if was_set else "Webhook is already deleted")


def _remember_allowed_updates(world: World, allowed: Any) -> None:
    """allowed_updates sticks until the next call that names it, as on Telegram."""
    if allowed is None:
        return
    if not isinstance(allowed, list) or not all(isinstance(kind, str) for kind in allowed):
        raise bad_request("can't parse allowed_updates JSON object")
    world.updates.set_allowed(allowed)


def _check_webhook_url(url: str) -> None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise bad_request("bad webhook: invalid webhook URL specified") from None
    host = parts.hostname or ""
    if not host:
        raise bad_request("bad webhook: invalid webhook URL specified")
    # Telegram only calls HTTPS on four ports. The stand-in also allows plain HTTP
    # to loopback, where a test runs the bot's webhook server.
    if host in LOOPBACK_HOSTS and parts.scheme in ("http", "https"):
        return
    if parts.scheme != "https":
        raise bad_request("bad webhook: HTTPS url must be provided for webhook")
    if port is not None and port not in WEBHOOK_PORTS:
        raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
