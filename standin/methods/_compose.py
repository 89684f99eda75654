"""What sending and editing methods share: text, captions, replies, threads, flood control."""

from __future__ import annotations

from typing import Any

from ..common import JsonDict, utf16_len
from ..errors import bad_request
from ..formatting import MAX_CAPTION_LENGTH, MAX_TEXT_LENGTH, FormattedText, format_text
from ..params import Params
from ..state import SimChat, StoredMessage, World
from ..topics import Placement, ReplyInOtherThread, ThreadNotFound, place


def message_text(world: World, params: Params) -> FormattedText:
    """The `text` of sendMessage / editMessageText, as Telegram would store it."""
    formatted = format_text(
        params.text("text") or "",
        params.text("parse_mode"),
        params.json("entities"),
        world.user_api,
    )
    if not formatted.text:
        raise bad_request("message text is empty")
    if utf16_len(formatted.text) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")
    return formatted


def caption_text(world: World, params: Params) -> FormattedText:
    """A media caption: may be empty, at most 1024 UTF-16 units after parsing."""
    formatted = format_text(
        params.text("caption") or "",
        params.text("parse_mode"),
        params.json("caption_entities"),
        world.user_api,
    )
    if utf16_len(formatted.text) > MAX_CAPTION_LENGTH:
        raise bad_request("message caption is too long")
    return formatted


def reply_target(chat: SimChat, params: Params) -> StoredMessage | None:
    """The message a send replies to (reply_parameters, or legacy reply_to_message_id)."""
    reply: Any = params.json("reply_parameters")
    if reply is None and params.has("reply_to_message_id"):
        reply = {
            "message_id": params.integer("reply_to_message_id"),
            "allow_sending_without_reply": params.flag("allow_sending_without_reply"),
        }
    if reply is None:
        return None
    if not isinstance(reply, dict) or not isinstance(reply.get("message_id"), int):
        raise bad_request("can't parse reply parameters JSON object")
    other_chat = reply.get("chat_id")
    original = None
    if other_chat is None or other_chat == chat.id:
        original = chat.messages.get(reply["message_id"])
    if original is None and not reply.get("allow_sending_without_reply"):
        raise bad_request("message to be replied not found")
    return original


def placement(chat: SimChat, params: Params) -> Placement:
    """The thread a send lands in (message_thread_id, or its reply's) and what it replies to."""
    reply_to = reply_target(chat, params)
    # 0 is what clients send for "no thread", like leaving the parameter out.
    thread = params.integer("message_thread_id") or None
    try:
        return place(chat, thread, reply_to)
    except ThreadNotFound:
        raise bad_request("message thread not found") from None
    except ReplyInOtherThread:
        # allow_sending_without_reply does not help here: Telegram documents it as
        # always false for a reply in another forum topic.
        raise bad_request("message to be replied not found") from None


def send_options(params: Params) -> JsonDict:
    """Message fields that echo send options: protection, link previews."""
    fields: JsonDict = {}
    if params.flag("protect_content"):
        fields["has_protected_content"] = True
    previews = params.json("link_preview_options")
    if previews is not None:
        if not isinstance(previews, dict):
            raise bad_request("can't parse link preview options JSON object")
        if previews:
            fields["link_preview_options"] = previews
    return fields


def count_outgoing(world: World, chat: SimChat) -> None:
    """Apply flood control to one send or edit; raises 429 when over a limit."""
    if world.flood is not None:
        world.flood.check(chat.id, chat.is_group)


def post_from_bot(
    world: World,
    chat: SimChat,
    fields: JsonDict,
    *,
    reply_to: StoredMessage | None,
    reply_markup: JsonDict | None,
    kind: str = "sent",
) -> StoredMessage:
    message = world.post(
        chat, world.bot, fields, by_bot=True, reply_to=reply_to, reply_markup=reply_markup
    )
    chat.last_bot_poster = world.bot.id  # privacy mode: bare /commands now come to us
    world.emit(kind, chat, message)
    return message
