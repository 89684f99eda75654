"""Outgoing operations: what rendering an effect asks the bot to do.

They name messages by a `tag` (e.g. "join") instead of a Telegram message id,
which only exists once the message was delivered. Everything but `Answer` is
stored in the outbox (`bot/outgoing.py`) and delivered by the sender; `Answer`
pops up at once, because Telegram's client waits for it.
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
    # May wait a moment: a newer edit of the same message replaces it (see `outgoing.py`).
    lazy: bool = False


@dataclass(frozen=True)
class EditMessage:
    """Edit a message known by its id (a private reminder, answered in place)."""

    message_id: int
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


@dataclass(frozen=True)
class ClearButtons:
    """Remove the buttons of a message that can no longer do anything."""

    message_id: int


@dataclass(frozen=True)
class ClearTag:
    """Remove the buttons of the message remembered under `tag`, if there is one."""

    tag: str


Operation = Send | Edit | EditMessage | Answer | SendDocument | ClearButtons | ClearTag
