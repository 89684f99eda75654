"""Pushing updates to a webhook, as Telegram does once setWebhook has been called.

Updates go out one at a time, in order, as JSON POSTs with the secret token
header. A non-2xx answer or a network error keeps the update queued and is
retried after a pause; getWebhookInfo reports the last error.
"""

from __future__ import annotations

import asyncio

import aiohttp

from .state import WebhookConfig, World
from .updates import PendingUpdate

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
IDLE_CHECK_SECONDS = 1.0


class WebhookDelivery:
    def __init__(self, world: World, retry_delay: float, request_timeout: float = 10.0) -> None:
        self.world = world
        self.retry_delay = retry_delay
        self.request_timeout = request_timeout

    async def run(self) -> None:
        timeout = aiohttp.ClientTimeout(total=self.request_timeout)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while not self.world.closing:
                hook = self.world.webhook
                batch = self.world.updates.peek(1) if hook is not None else []
                if hook is None or not batch:
                    await self.world.signal.wait(IDLE_CHECK_SECONDS)
                    continue
                delivered = await self._post(session, hook, batch[0])
                if delivered:
                    self.world.updates.confirm(batch[0].update_id + 1)
                    self.world.changed()
                else:
                    await asyncio.sleep(self.retry_delay)

    async def _post(
        self, session: aiohttp.ClientSession, hook: WebhookConfig, update: PendingUpdate
    ) -> bool:
        headers = {SECRET_HEADER: hook.secret_token} if hook.secret_token else {}
        self.world.webhook_in_flight = True
        try:
            async with session.post(hook.url, json=update.to_api(), headers=headers) as reply:
                await reply.read()
                if 200 <= reply.status < 300:
                    update.handed_out = True
                    return True
                error = f"Wrong response from the webhook: {reply.status} {reply.reason or ''}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = f"Connection failed: {exc.__class__.__name__}: {exc}"
        finally:
            self.world.webhook_in_flight = False
            self.world.changed()
        hook.last_error_date = self.world.now()
        hook.last_error_message = error.strip()
        return False
