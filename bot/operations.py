"""Outgoing operations: what the executor asks the sender to do.

Rendering an effect gives a list of these; they name messages by a `tag`
(e.g. "join") instead of a Telegram message id, which only the shell knows.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import ForceReply, InlineKeyboardMarkup

Markup = InlineKeyboardMarkup | ForceReply


@dataclass(frozen=True)
class Send:
    html: str
    markup: Markup | None = None
    reply_to: int | None = None
    tag: str | None = None  # remember the sent message under this tag


@dataclass(frozen=True)
class Edit:
    tag: str
    html: str
    markup: InlineKeyboardMarkup | None = None


@dataclass(frozen=True)
class Answer:
    """Answer the button press that caused this update."""

    text: str
    clear_buttons: bool = False


@dataclass(frozen=True)
class SendDocument:
    filename: str
    data: bytes
    caption: str


Operation = Send | Edit | Answer | SendDocument
