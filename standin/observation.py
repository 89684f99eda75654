"""Reading the world back, and waiting for the bot to do something."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from .common import JsonDict
from .errors import ApiError
from .methods.profile import scope_key
from .state import ApiCall, Listener, SentDocument, SimChat, StoredMessage, World
from .topics import topic_of


class Observation:
    """Inspection and waiting helpers; mixed into BotApiStandIn."""

    world: World

    @property
    def calls(self) -> list[ApiCall]:
        """Every API request so far, in order."""
        return self.world.calls

    def calls_to(self, method: str) -> list[ApiCall]:
        return [call for call in self.world.calls if call.method.lower() == method.lower()]

    def messages(self, chat: SimChat, *, thread_id: int | None = None) -> list[JsonDict]:
        """Every message in the chat, oldest first, as it looks now (after edits).

        With `thread_id`, only the messages in that forum topic.
        """
        return [message.public() for message in _in_thread(chat, thread_id)]

    def bot_messages(self, chat: SimChat, *, thread_id: int | None = None) -> list[JsonDict]:
        """The bot's messages in the chat, or only those in forum topic `thread_id`."""
        return [message.public() for message in _in_thread(chat, thread_id) if message.by_bot]

    @staticmethod
    def topic_of(message: JsonDict) -> int | None:
        """The forum topic (thread id) a message is in; None for General or no forum."""
        return topic_of(message)

    def documents(self, chat: SimChat) -> list[SentDocument]:
        """Documents the bot sent to the chat, with their bytes."""
        documents = []
        for message in chat.messages.values():
            document = message.data.get("document")
            if not message.by_bot or document is None:
                continue
            stored = self.world.files[document["file_id"]]
            documents.append(
                SentDocument(
                    filename=stored.filename,
                    mime_type=stored.mime_type,
                    data=stored.data,
                    caption=message.data.get("caption"),
                    message_id=message.message_id,
                )
            )
        return documents

    def commands(self, scope: JsonDict | None = None, language_code: str = "") -> list[JsonDict]:
        """The command list set for exactly this scope and language (no fallback)."""
        try:
            key = (scope_key(self.world, scope), language_code)
        except ApiError as error:
            raise ValueError(error.description) from None
        return [dict(command) for command in self.world.commands.get(key, [])]

    def callback_answer(self, query_id: str) -> JsonDict | None:
        """How the bot answered a button press, or None while unanswered."""
        record = self.world.callbacks.get(query_id)
        return None if record is None or record.answer is None else dict(record.answer)

    def pending_updates(self) -> list[JsonDict]:
        """Updates queued for the bot and not yet confirmed."""
        return self.world.updates.snapshot()

    @property
    def waiting_polls(self) -> int:
        """How many getUpdates requests are being held open right now."""
        return self.world.updates.polls_waiting

    def add_listener(self, listener: Listener) -> None:
        self.world.listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        self.world.listeners.remove(listener)

    # The `timeout` arguments below are part of the simulation API the tests use.
    async def wait_for(
        self,
        predicate: Callable[[], bool],
        timeout: float = 5.0,  # noqa: ASYNC109
        what: str | None = None,
    ) -> None:
        """Return once predicate() holds; it is re-checked whenever the world changes."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(self._diagnosis(what or "the condition", timeout))
            await self.world.signal.wait(remaining)

    async def wait_for_bot_message(
        self,
        chat: SimChat,
        predicate: Callable[[JsonDict], bool] = lambda message: True,
        after: int | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> JsonDict:
        """The first bot message in chat (newer than `after`) that satisfies predicate."""

        def find() -> JsonDict | None:
            for message in chat.messages.values():
                if message.by_bot and (after is None or message.message_id > after):
                    public = message.public()
                    if predicate(public):
                        return public
            return None

        hits: list[JsonDict] = []

        def ready() -> bool:
            hit = find()
            if hit is not None:
                hits.append(hit)
            return hit is not None

        try:
            await self.wait_for(ready, timeout, f"a bot message in {chat.title or chat.id!r}")
        except TimeoutError as error:
            latest = [
                m.data.get("text") or m.data.get("caption") or "(no text)"
                for m in chat.messages.values()
                if m.by_bot
            ][-3:]
            raise TimeoutError(f"{error}\nLatest bot messages there: {latest!r}") from None
        return hits[-1]

    async def wait_until_idle(
        self,
        timeout: float = 5.0,  # noqa: ASYNC109
        settle: float = 0.05,
    ) -> None:
        """Wait until every update was handed to the bot and no request has run for `settle` s.

        "Idle" is judged from the outside: it cannot see work the bot does between
        requests, so `settle` should exceed the bot's longest quiet step.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        quiet_since: float | None = None
        while True:
            now = loop.time()
            busy = (
                self.world.updates.has_undelivered()
                or self.world.requests_in_flight > 0
                or self.world.webhook_in_flight
            )
            if busy:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = now
            elif now - quiet_since >= settle:
                return
            if now >= deadline:
                raise TimeoutError(self._diagnosis("the bot to become idle", timeout))
            await self.world.signal.wait(min(deadline - now, settle))

    def _diagnosis(self, what: str, timeout: float) -> str:
        lines = [f"timed out after {timeout}s waiting for {what}."]
        recent = self.world.calls[-8:]
        if recent:
            lines.append("Last API calls:")
            for call in recent:
                outcome = "ok" if call.ok else call.result_or_error.get("description")
                lines.append(f"  {call.method}: {outcome}")
        else:
            lines.append("The bot has made no API calls at all (is it running?).")
        queue = self.world.updates
        lines.append(
            f"Updates waiting for the bot: {queue.pending_count}; "
            f"getUpdates waiting now: {queue.polls_waiting}."
        )
        return "\n".join(lines)


def _in_thread(chat: SimChat, thread_id: int | None) -> list[StoredMessage]:
    messages = list(chat.messages.values())
    if thread_id is None:
        return messages
    return [message for message in messages if topic_of(message.data) == thread_id]
