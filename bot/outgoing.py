"""Operations as outbox rows, and back: what is stored for each call the bot owes.

A long text becomes one row per part, split here on paragraph boundaries, so
that each row is one Bot API call: a failure on part three resends part three,
not the whole summary. The keyboard and the tag go with the last part, the
reply with the first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from telegram import ForceReply, InlineKeyboardMarkup
from telegram.constants import MessageLimit

from rondetafel.storage.outbox import CLEAR, DOCUMENT, EDIT, SEND, Outgoing

from .operations import (
    ClearButtons,
    ClearTag,
    Edit,
    EditMessage,
    Markup,
    Operation,
    Send,
    SendDocument,
)
from .text_split import split_html

# How long a lazy edit waits for a newer edit of the same message to replace it.
LAZY_EDIT_SECONDS = 2.0


def rows_for(
    operations: Iterable[Operation],
    *,
    chat_id: int,
    thread_id: int | None,
    meeting_id: int | None,
    reply_to: int | None,
) -> list[Outgoing]:
    """`reply_to`: the person's message that caused this, for sends that reply to it."""
    rows: list[Outgoing] = []

    def row(
        method: str,
        payload: dict[str, Any],
        *,
        prompt: bool = False,
        delay: float = 0.0,
        replaces: str | None = None,
    ) -> None:
        rows.append(
            Outgoing(chat_id, method, payload, thread_id, meeting_id, prompt, delay, replaces)
        )

    for op in operations:
        if isinstance(op, Send) and op.tag is not None:
            # A message posted anew under a tag supersedes the old one: its buttons go.
            row(CLEAR, {"tag": op.tag})
        if isinstance(op, Send):
            parts = split_html(op.html, MessageLimit.MAX_TEXT_LENGTH)
            for index, part in enumerate(parts):
                last = index == len(parts) - 1
                markup = _json(op.markup) if last else None
                payload = {
                    "html": part,
                    "markup": markup,
                    "reply_to": (op.reply_to or reply_to) if index == 0 else None,
                    "tag": op.tag if last else None,
                    # Only what asks someone something makes phones buzz.
                    "quiet": op.markup is None,
                }
                row(SEND, payload, prompt=markup is not None)
        elif isinstance(op, Edit):
            payload = {"tag": op.tag, "html": op.html, "markup": _json(op.markup)}
            delay = LAZY_EDIT_SECONDS if op.lazy else 0.0
            row(EDIT, payload, prompt=op.markup is not None, delay=delay, replaces=op.tag)
        elif isinstance(op, EditMessage):
            payload = {"message_id": op.message_id, "html": op.html, "markup": _json(op.markup)}
            row(EDIT, payload, prompt=op.markup is not None)
        elif isinstance(op, SendDocument):
            # The report is an HTML document: text, so the JSON column holds it as is.
            payload = {
                "filename": op.filename,
                "text": op.data.decode(),
                "caption": op.caption,
                "quiet": True,
            }
            row(DOCUMENT, payload)
        elif isinstance(op, ClearButtons):
            row(CLEAR, {"message_id": op.message_id})
        elif isinstance(op, ClearTag):
            row(CLEAR, {"tag": op.tag})
    return rows


def markup_of(payload: Mapping[str, Any]) -> Markup | None:
    data = payload.get("markup")
    if not data:
        return None
    if "force_reply" in data:
        return ForceReply.de_json(data, None)
    return InlineKeyboardMarkup.de_json(data, None)


def _json(markup: Markup | None) -> dict[str, Any] | None:
    return None if markup is None else markup.to_dict()
