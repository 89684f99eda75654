"""Four people in one group taking turns to say something to the echo bot.

Each waits for the echo of the one before: the same closed loop as a meeting,
where the next person speaks once the bot has asked them.
"""

from __future__ import annotations

import asyncio
import time

from rondetafel.standin import BotApiStandIn, SimChat, SimUser

from .results import ChatRun
from .watch import BotEvent


class EchoPlayer:
    def __init__(
        self,
        standin: BotApiStandIn,
        group: SimChat,
        people: list[SimUser],
        inbox: asyncio.Queue[BotEvent],
        *,
        number: int,
    ) -> None:
        self.standin, self.group, self.people, self.inbox = standin, group, people, inbox
        self.number = number

    async def play(self, turns: int, patience: float, timeout: float) -> ChatRun:  # noqa: ASYNC109
        """`turns` messages in turn; one without an echo within `patience` s goes unanswered.

        Under flood limits the bare bot loses echoes to 429s; waiting for
        them forever would hang the chat, so the next person speaks.
        """
        begun = time.monotonic()
        await self.standin.add_bot_to_group(self.group, by=self.people[0])
        latencies: list[float] = []
        said = bot_messages = 0
        finished = False
        try:
            async with asyncio.timeout(timeout):
                for turn in range(turns):
                    person = self.people[turn % len(self.people)]
                    text = f"Punt {turn + 1} van {person.first_name}"
                    await self.standin.send_message(person, self.group, text)
                    posted = time.monotonic()
                    said += 1
                    echo = await self._next_message(patience)
                    if echo is not None:
                        bot_messages += 1
                        latencies.append(echo.at - posted)
                finished = True
        except TimeoutError:
            pass
        seconds = time.monotonic() - begun
        return ChatRun(self.number, finished, seconds, said, bot_messages, latencies)

    async def _next_message(self, patience: float) -> BotEvent | None:
        try:
            async with asyncio.timeout(patience):
                while True:
                    event = await self.inbox.get()
                    if event.kind == "sent":
                        return event
        except TimeoutError:
            return None
