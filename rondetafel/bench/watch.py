"""What the bench reads off the stand-in: first poll, updates, bot messages, 429s, button answers.

Everything is timed with `time.monotonic`, the stand-in's own clock, so a
button's press time and its answer time compare directly.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

from rondetafel.standin import BotApiStandIn, SimChat
from rondetafel.standin.updates import PendingUpdate, UpdateQueue

from .protocol import Message


class CountingQueue(UpdateQueue):
    """The stand-in's update queue, noting the first getUpdates and counting updates.

    The first poll is when the bot is ready for work: start-up ends there.
    """

    def __init__(self) -> None:
        super().__init__()
        self.first_poll_at: float | None = None
        self.pushed = 0

    def begin_poll(self) -> object:
        if self.first_poll_at is None:
            self.first_poll_at = time.monotonic()
        return super().begin_poll()

    def push(self, kind: str, payload: dict[str, Any]) -> PendingUpdate | None:
        update = super().push(kind, payload)
        if update is not None:
            self.pushed += 1
        return update


@dataclass(frozen=True)
class BotEvent:
    at: float
    kind: str  # "sent", "edited", "deleted" or "document"
    message: Message


class Inboxes:
    """Hands each chat's bot messages, as they arrive, to that chat's player.

    One listener and one queue per chat: a player waiting on the stand-in's
    own wait_for would be woken by every change in every chat.
    """

    def __init__(self) -> None:
        self._queues: dict[int, asyncio.Queue[BotEvent]] = {}

    def open(self, chat: SimChat) -> asyncio.Queue[BotEvent]:
        queue: asyncio.Queue[BotEvent] = asyncio.Queue()
        self._queues[chat.id] = queue
        return queue

    def __call__(self, kind: str, chat: SimChat, message: Message) -> None:
        queue = self._queues.get(chat.id)
        if queue is not None and kind != "user_message":
            queue.put_nowait(BotEvent(time.monotonic(), kind, message))


def watch(standin: BotApiStandIn) -> tuple[CountingQueue, Inboxes]:
    """Attach the probes; call before the bot starts."""
    queue = CountingQueue()
    standin.world.updates = queue
    inboxes = Inboxes()
    standin.add_listener(inboxes)
    return queue, inboxes


def too_many_requests(standin: BotApiStandIn) -> int:
    """How many calls the stand-in refused with 429 (flood control)."""
    return sum(
        1
        for call in standin.calls
        if not call.ok
        and isinstance(call.result_or_error, dict)
        and call.result_or_error.get("error_code") == 429
    )


@dataclass(frozen=True)
class ButtonAnswers:
    delays: list[float]  # seconds from press to answer, for the answered ones
    unanswered: int


def button_answers(standin: BotApiStandIn, since: float = 0.0) -> ButtonAnswers:
    """Press-to-answer times of the presses made after `since`, from the call log."""
    answered: dict[str, float] = {}
    for call in standin.calls_to("answerCallbackQuery"):
        if call.ok:
            answered.setdefault(str(call.params.get("callback_query_id")), call.at)
    delays, unanswered = [], 0
    for query_id, record in standin.world.callbacks.items():
        if record.pressed_at < since:
            continue
        at = answered.get(query_id)
        if at is None:
            unanswered += 1
        else:
            delays.append(at - record.pressed_at)
    return ButtonAnswers(delays, unanswered)
