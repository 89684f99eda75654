"""Four people playing one meeting through to its report, as fast as they are asked.

They read the bot's messages only through `protocol` (buttons, ForceReply,
mentions), so a change of wording or layout does not stop them; a prompt
that disappears from the flow is simply never answered. What they cannot
play through ends in the meeting's time limit and counts as unfinished.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass

from rondetafel.flows.events import Button
from rondetafel.flows.script import Role
from rondetafel.standin import BotApiStandIn, SimChat, SimUser

from .protocol import (
    InlineButton,
    Message,
    asks_for_reply,
    first_in_days,
    first_of,
    inline_buttons,
    mentioned_ids,
)
from .results import ChatRun
from .watch import BotEvent

PUPIL_INITIALS = "S.B."
MEETING_KIND = "pupil"  # MeetingKind.PUPIL_MEETING, as its button carries it
# A START pressed before every join arrived is refused with a toast; try again.
START_RETRIES = 5
START_RETRY_PAUSE = 0.2
ANSWER_WAIT = 5.0  # how long to look for the bot's answer to a START press


def _optional(name: str) -> Button | None:
    """A button kind the flow may have dropped by now (the optional phase's went so)."""
    return Button.__members__.get(name)


@dataclass(frozen=True)
class Person:
    user: SimUser
    role: Role


class MeetingPlayer:
    """The chair and three others in one group; `play` runs the meeting.

    With `until_started`, they stop as soon as the meeting runs and its first
    question is out: the meeting stays open, waiting for an answer.
    """

    def __init__(
        self,
        standin: BotApiStandIn,
        group: SimChat,
        chair: Person,
        others: list[Person],
        inbox: asyncio.Queue[BotEvent],
        *,
        number: int,
        until_started: bool = False,
    ) -> None:
        self.standin, self.group, self.inbox = standin, group, inbox
        self.chair, self.others = chair, others
        self.number = number
        self.until_started = until_started
        self._people = {p.user.id: p for p in (chair, *others)}
        self._seen: dict[int, frozenset[str]] = {}  # message id → the buttons reacted to
        self._joined: set[int] = set()
        self._start_pressed = False
        self._running = False
        self._unanswered: list[float] = []  # when answers went out that the bot did not follow yet
        self._retry: asyncio.Task[None] | None = None
        self.latencies: list[float] = []
        self.answers = 0
        self.bot_messages = 0
        self.done = False

    async def play(self, timeout: float) -> ChatRun:  # noqa: ASYNC109 (the meeting's own limit)
        begun = time.monotonic()
        await self.standin.add_bot_to_group(self.group, by=self.chair.user)
        try:
            async with asyncio.timeout(timeout):
                await self._react(await self.inbox.get())  # the bot says hello first
                await self.standin.send_message(self.chair.user, self.group, "/overleg")
                while not self.done:
                    await self._react(await self.inbox.get())
        except TimeoutError:
            pass  # reported as unfinished
        finally:
            if self._retry is not None:
                self._retry.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._retry
        seconds = time.monotonic() - begun
        return ChatRun(
            self.number, self.done, seconds, self.answers, self.bot_messages, self.latencies
        )

    async def _react(self, event: BotEvent) -> None:
        if event.kind in ("sent", "edited", "document"):
            self.bot_messages += 1
        if event.kind in ("sent", "document"):
            # The bot's next message in the chat ends the wait of every answer before it.
            self.latencies.extend(event.at - posted for posted in self._unanswered)
            self._unanswered.clear()
        if event.kind == "document":
            self.done = not self.until_started
            return
        if event.kind not in ("sent", "edited"):
            return
        message = event.message
        buttons = inline_buttons(message)
        key = frozenset(button.data for button in buttons)
        # An edit that keeps the same buttons (a join list growing) needs no new press.
        if self._seen.get(message["message_id"]) != key:
            self._seen[message["message_id"]] = key
            if buttons:
                await self._press(message, buttons)
        if event.kind == "sent" and asks_for_reply(message):
            await self._answer(message)

    async def _press(self, message: Message, buttons: list[InlineButton]) -> None:
        kinds = {button.meaning.button for button in buttons}
        if Button.JOIN in kinds and Button.START in kinds:
            await self._join_and_start(message, buttons)
            return
        chair = self.chair.user
        asked = self._mentioned(message) or chair
        kind = next(
            (
                b
                for b in buttons
                if b.meaning.button is Button.KIND and b.meaning.arg == MEETING_KIND
            ),
            first_of(buttons, Button.KIND),
        )
        choices = (
            (kind, chair),
            (first_of(buttons, _optional("DO_PHASE")), chair),
            # A due date completes an agreement; its owner may already be set.
            (first_in_days(buttons, _optional("DUE")), asked),
            (first_of(buttons, _optional("OWNER")), asked),
            (first_in_days(buttons, _optional("EVALUATION")), chair),
            (first_of(buttons, _optional("ACCEPT_NOTE")), chair),
        )
        for button, by in choices:
            if button is not None:
                await self._tap(by, message["message_id"], button)
                return

    async def _join_and_start(self, message: Message, buttons: list[InlineButton]) -> None:
        for person in self.others:
            join = next(
                (
                    b
                    for b in buttons
                    if b.meaning.button is Button.JOIN and b.meaning.arg == person.role.value
                ),
                None,
            )
            if join is not None and person.user.id not in self._joined:
                self._joined.add(person.user.id)
                await self._tap(person.user, message["message_id"], join)
        start = first_of(buttons, Button.START)
        if start is not None and not self._start_pressed:
            self._start_pressed = True
            query = await self._tap(self.chair.user, message["message_id"], start)
            if query is not None:
                self._retry = asyncio.create_task(
                    self._retry_start(query, message["message_id"], start)
                )

    async def _retry_start(self, query: str, message_id: int, start: InlineButton) -> None:
        """Press START again while the bot refuses it (a toast) and nobody is asked yet."""
        for _ in range(START_RETRIES):
            answer = await self._answer_to(query)
            if answer is None or not answer.get("text") or self._running:
                return
            await asyncio.sleep(START_RETRY_PAUSE)
            if self._running:
                return
            again = await self._tap(self.chair.user, message_id, start)
            if again is None:
                return
            query = again

    async def _answer_to(self, query: str) -> dict[str, object] | None:
        deadline = time.monotonic() + ANSWER_WAIT
        while time.monotonic() < deadline:
            answer = self.standin.callback_answer(query)
            if answer is not None:
                return answer
            await asyncio.sleep(0.05)
        return None

    async def _answer(self, message: Message) -> None:
        person = next((self._people[i] for i in mentioned_ids(message) if i in self._people), None)
        if person is None:
            return
        if self._start_pressed:
            self._running = True  # a question after START: the meeting runs
            if self.until_started:
                self.done = True
                return
        if not self._start_pressed and person is self.chair:
            text = PUPIL_INITIALS  # the setup asks the chair who the meeting is about
        else:
            text = f"Punt {self.answers + 1} van {person.user.first_name}"
        await self.standin.send_message(
            person.user, self.group, text, reply_to=message["message_id"]
        )
        self._unanswered.append(time.monotonic())
        self.answers += 1

    async def _tap(self, by: SimUser, message_id: int, button: InlineButton) -> str | None:
        """Press; the callback query id, or None when the button is gone by now."""
        try:
            return await self.standin.press_button(by, self.group, message_id, button.data)
        except ValueError:
            return None  # an edit took the button away before the press

    def _mentioned(self, message: Message) -> SimUser | None:
        return next(
            (self._people[i].user for i in mentioned_ids(message) if i in self._people), None
        )
