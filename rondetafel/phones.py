"""Scripted people on phones: they use the Bot API stand-in as a person would.

A `Phone` waits for the bot's question addressed to its person (a ForceReply
that mentions them), replies to it, and taps buttons by their label. The demo
and the end-to-end tests both drive meetings with these.

Between meetings the bot writes to a person in their private chat, which only
the person can open: with a deep link (`open_link`, the group's "open our
private chat" button) or /start. Telegram refuses anything typed there before.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from rondetafel.standin import BotApiStandIn, SimChat, SimUser

Message = dict[str, Any]
# https://t.me/<bot>?start=<parameter>, as a deep link button carries it.
DEEP_LINK = re.compile(r"https://t\.me/(?P<bot>\w+)\?start=(?P<parameter>[A-Za-z0-9_-]{1,64})")


def deep_link_of(message: Message) -> tuple[str, str] | None:
    """(label, url) of the message's first button that opens a private chat with a bot."""
    for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
        for button in row:
            if DEEP_LINK.fullmatch(button.get("url", "")):
                return button["text"], button["url"]
    return None


def deep_link_in(message: Message) -> str | None:
    """The first deep link to a bot written in the message's text (a link to pass on)."""
    match = DEEP_LINK.search(message.get("text") or "")
    return None if match is None else match.group(0)


class Phone:
    def __init__(
        self, standin: BotApiStandIn, user: SimUser, chat: SimChat, *, timeout: float = 10.0
    ) -> None:
        self.standin = standin
        self.user = user
        self.chat = chat
        self.timeout = timeout
        self._last_question = 0

    @classmethod
    def outside(cls, standin: BotApiStandIn, user: SimUser, *, timeout: float = 10.0) -> Phone:
        """Someone in no group with the bot (a parent at home): only their private chat."""
        return cls(standin, user, standin.private_chat(user), timeout=timeout)

    @property
    def name(self) -> str:
        return self.user.first_name

    @property
    def private(self) -> SimChat:
        """This person's private chat with the bot (it exists before it is opened)."""
        return self.standin.private_chat(self.user)

    @property
    def opened_private(self) -> bool:
        return self.user.started_bot

    async def send(self, text: str, *, reply_to: int | None = None) -> Message:
        return await self.standin.send_message(self.user, self.chat, text, reply_to=reply_to)

    async def open_link(self, url: str) -> Message:
        """Follow a deep link to the bot and tap Start: it sends `/start <parameter>`."""
        match = DEEP_LINK.fullmatch(url)
        if match is None or match["bot"].lower() != (self.standin.bot.username or "").lower():
            raise ValueError(f"{url!r} is not a deep link to this bot")
        return await self.standin.start_private_chat(self.user, match["parameter"])

    async def open_private(self) -> Message:
        """Open the private chat with the bot by hand (no link) and tap Start: `/start`."""
        return await self.standin.start_private_chat(self.user)

    async def say_privately(self, text: str) -> Message:
        """Type `text` in the private chat with the bot (opened before)."""
        return await self.standin.send_message(self.user, self.private, text)

    async def from_bot_privately(
        self, predicate: Callable[[Message], bool] = lambda m: True, *, after: int | None = None
    ) -> Message:
        """The first bot message in my private chat (newer than `after`) that `predicate` likes."""
        return await self.standin.wait_for_bot_message(
            self.private, predicate, after=after, timeout=self.timeout
        )

    async def press(self, message: Message, data: str, *, chat: SimChat | None = None) -> str:
        """Tap the button carrying `data` on `message` (in the group unless `chat` says)."""
        where = chat if chat is not None else self.chat
        return await self.standin.press_button(self.user, where, message["message_id"], data)

    async def question(self) -> Message:
        """The bot's next question for me: a ForceReply that mentions me."""
        message = await self.standin.wait_for_bot_message(
            self.chat, self._asks_me, after=self._last_question, timeout=self.timeout
        )
        self._last_question = message["message_id"]
        return message

    async def answer(self, text: str) -> Message:
        question = await self.question()
        return await self.send(text, reply_to=question["message_id"])

    async def tap(self, label: str, *, after: int = 0) -> Message:
        """Tap the newest button whose label contains `label`; returns its message."""

        def find() -> tuple[Message, str] | None:
            for message in reversed(self.standin.bot_messages(self.chat)):
                if message["message_id"] <= after:
                    break
                for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                    for button in row:
                        if label.lower() in button["text"].lower() and "callback_data" in button:
                            return message, button["callback_data"]
            return None

        await self.standin.wait_for(lambda: find() is not None, timeout=self.timeout)
        found = find()
        assert found is not None
        message, data = found
        await self.standin.press_button(self.user, self.chat, message["message_id"], data)
        return message

    def _asks_me(self, message: Message) -> bool:
        if not (message.get("reply_markup") or {}).get("force_reply"):
            return False
        return any(
            (e.get("user") or {}).get("id") == self.user.id or str(self.user.id) in e.get("url", "")
            for e in message.get("entities", [])
        )
