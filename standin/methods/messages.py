"""sendMessage, the edit methods and deleteMessage."""

from __future__ import annotations

from ..common import JsonDict
from ..errors import bad_request
from ..formatting import text_fields
from ..markup import check_reply_markup, is_inline_keyboard
from ..params import Params
from ..state import SimChat, StoredMessage, World
from ._access import writable_chat
from ._compose import (
    caption_text,
    count_outgoing,
    message_text,
    placement,
    post_from_bot,
    send_options,
)
from ._registry import api_method

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
DELETE_WINDOW_SECONDS = 48 * 3600


@api_method("sendMessage")
async def send_message(world: World, params: Params) -> JsonDict:
    chat = writable_chat(world, params)
    formatted = message_text(world, params)
    markup = check_reply_markup(params.json("reply_markup"))
    where = placement(chat, params)
    fields = text_fields(formatted) | where.fields | send_options(params)
    count_outgoing(world, chat)
    message = post_from_bot(world, chat, fields, reply_to=where.reply_to, reply_markup=markup)
    return message.api()


@api_method("editMessageText")
async def edit_message_text(world: World, params: Params) -> JsonDict:
    chat, message = _editable(world, params)
    if "text" not in message.data:
        raise bad_request("there is no text in the message to edit")
    formatted = message_text(world, params)
    markup = _inline_markup(params)
    _apply_edit(world, chat, message, text_fields(formatted), ("text", "entities"), markup)
    return message.api()


@api_method("editMessageCaption")
async def edit_message_caption(world: World, params: Params) -> JsonDict:
    chat, message = _editable(world, params)
    if not any(kind in message.data for kind in ("document", "photo", "video", "audio")):
        raise bad_request("there is no caption in the message to edit")
    formatted = caption_text(world, params)
    markup = _inline_markup(params)
    fields = text_fields(formatted, key="caption")
    _apply_edit(world, chat, message, fields, ("caption", "caption_entities"), markup)
    return message.api()


@api_method("editMessageReplyMarkup")
async def edit_message_reply_markup(world: World, params: Params) -> JsonDict:
    chat, message = _editable(world, params)
    markup = _inline_markup(params)
    _apply_edit(world, chat, message, {}, (), markup)
    return message.api()


@api_method("deleteMessage")
async def delete_message(world: World, params: Params) -> bool:
    chat = writable_chat(world, params)
    message_id = params.integer("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    message = chat.messages.get(message_id)
    if message is None:
        raise bad_request("message to delete not found")
    # Bots delete their own messages anywhere, anything in a private chat, and
    # other people's group messages only as an administrator.
    may_delete = message.by_bot or chat.type == "private" or chat.bot_status == "administrator"
    if not may_delete:
        raise bad_request("message can't be deleted")
    if world.now() - message.data["date"] > DELETE_WINDOW_SECONDS:
        raise bad_request("message can't be deleted for everyone")
    del chat.messages[message_id]
    world.emit("deleted", chat, message)
    return True


def _editable(world: World, params: Params) -> tuple[SimChat, StoredMessage]:
    if not params.has("chat_id") and params.has("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")  # inline-mode messages are not simulated
    chat = writable_chat(world, params)
    message_id = params.integer("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    message = chat.messages.get(message_id)
    if message is None:
        raise bad_request("message to edit not found")
    if not message.by_bot:
        raise bad_request("message can't be edited")
    return chat, message


def _inline_markup(params: Params) -> JsonDict | None:
    markup = check_reply_markup(params.json("reply_markup"))
    if markup is not None and not is_inline_keyboard(markup):
        raise bad_request("inline keyboard expected")
    return markup


def _apply_edit(
    world: World,
    chat: SimChat,
    message: StoredMessage,
    fields: JsonDict,
    replaced: tuple[str, ...],
    markup: JsonDict | None,
) -> None:
    """Replace content and keyboard, refusing an edit that changes nothing.

    As on Telegram, an edit without reply_markup removes the inline keyboard.
    """
    data = message.data
    current_markup = data.get("reply_markup")
    current_inline = current_markup if is_inline_keyboard(current_markup) else None
    unchanged_content = all(data.get(key) == fields.get(key) for key in replaced)
    if unchanged_content and current_inline == markup:
        raise bad_request(NOT_MODIFIED)
    count_outgoing(world, chat)
    for key in replaced:
        data.pop(key, None)
    data.update(fields)
    if markup is not None:
        data["reply_markup"] = markup
    elif current_inline is not None:
        data.pop("reply_markup")
    # A ForceReply sent with the message is not a keyboard on it; it stays on record.
    data["edit_date"] = world.now()
    world.emit("edited", chat, message)
