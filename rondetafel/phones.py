"""Scripted people on phones: they use the Bot API stand-in as a person would.

A `Phone` waits for the bot's question addressed to its person (a ForceReply
that mentions them), replies to it, and taps buttons by their label. The demo
and the end-to-end tests both drive meetings with these.
"""

from __future__ import annotations

from typing import Any

from rondetafel.standin import BotApiStandIn, SimChat, SimUser

Message = dict[str, Any]


class Phone:
    def __init__(
        self, standin: BotApiStandIn, user: SimUser, chat: SimChat, *, timeout: float = 10.0
    ) -> None:
        self.standin = standin
        self.user = user
        self.chat = chat
        self.timeout = timeout
        self._last_question = 0

    @property
    def name(self) -> str:
        return self.user.first_name

    async def send(self, text: str, *, reply_to: int | None = None) -> Message:
        return await self.standin.send_message(self.user, self.chat, text, reply_to=reply_to)

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
