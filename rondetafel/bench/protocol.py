"""Reading the bot's messages through the parts of the protocol that stay put.

The sentences and the layout of messages change as the meeting flow evolves;
the bench must not. So the people read only what a client reads without
understanding the text: inline buttons through the callback-data codec,
ForceReply markup, and who a message mentions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rondetafel.bot.callback_data import ButtonData, decode
from rondetafel.flows.events import Button

Message = dict[str, Any]
_USER_LINK = "tg://user?id="


@dataclass(frozen=True)
class InlineButton:
    meaning: ButtonData
    data: str  # the raw callback data, what a press sends back


def inline_buttons(message: Message) -> list[InlineButton]:
    """The message's buttons this version of the codec understands, in keyboard order."""
    found = []
    for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            meaning = decode(data) if isinstance(data, str) else None
            if meaning is not None and data is not None:
                found.append(InlineButton(meaning, data))
    return found


def first_of(buttons: list[InlineButton], kind: Button | None) -> InlineButton | None:
    return next((b for b in buttons if b.meaning.button is kind), None)


def first_in_days(buttons: list[InlineButton], kind: Button | None) -> InlineButton | None:
    """The first date choice given in days: "type a date" would need a typed answer."""
    return next((b for b in buttons if b.meaning.button is kind and b.meaning.arg.isdigit()), None)


def asks_for_reply(message: Message) -> bool:
    return bool((message.get("reply_markup") or {}).get("force_reply"))


def mentioned_ids(message: Message) -> list[int]:
    """Users the message mentions, in order: text_mention entities or tg://user links."""
    found = []
    for entity in message.get("entities", []):
        user_id = (entity.get("user") or {}).get("id")
        url = entity.get("url") or ""
        if user_id is None and url.startswith(_USER_LINK) and url[len(_USER_LINK) :].isdigit():
            user_id = int(url[len(_USER_LINK) :])
        if isinstance(user_id, int):
            found.append(user_id)
    return found
