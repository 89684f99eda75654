"""Which messages in a chat reach the bot as updates.

With privacy mode on (the default for every bot), a group member's message is
delivered only if it is plainly meant for this bot: a command addressed to it
(or a bare command while it was the last bot to speak), a reply to one of its
messages, a mention of it, or a service message. Private chats deliver all.

Bots never see each other's messages, but a message sent on behalf of a chat
(an anonymous group admin) shows a placeholder bot, GroupAnonymousBot, in
`from`: it is a person's message and follows the rules above.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .common import JsonDict

if TYPE_CHECKING:
    from .state import SimChat, SimUser

SERVICE_FIELDS = frozenset(
    {
        "new_chat_members", "left_chat_member", "new_chat_title", "new_chat_photo",
        "delete_chat_photo", "group_chat_created", "supergroup_chat_created",
        "migrate_to_chat_id", "migrate_from_chat_id", "pinned_message",
        "message_auto_delete_timer_changed", "forum_topic_created",
    }
)  # fmt: skip


def is_service_message(message: JsonDict) -> bool:
    return any(name in message for name in SERVICE_FIELDS)


def bot_can_read(chat: SimChat) -> bool:
    """Whether the bot is in the chat at all (started and not blocked, for a private chat)."""
    return chat.bot_status in ("member", "administrator")


def bot_receives(message: JsonDict, chat: SimChat, bot: SimUser, privacy_mode: bool) -> bool:
    if not bot_can_read(chat):
        return False
    if _from_another_bot(message):
        return False
    if chat.type == "private" or is_service_message(message):
        return True
    if not privacy_mode or chat.bot_status == "administrator":
        return True
    return _command_for(message, chat, bot) or _replies_to(message, bot) or _mentions(message, bot)


def _from_another_bot(message: JsonDict) -> bool:
    # `sender_chat` marks a post on behalf of a chat, whose `from` is only a placeholder.
    return bool(message.get("from", {}).get("is_bot")) and "sender_chat" not in message


def _text_and_entities(message: JsonDict) -> tuple[str, list[JsonDict]]:
    if "text" in message:
        return message["text"], message.get("entities", [])
    return message.get("caption", ""), message.get("caption_entities", [])


def _command_for(message: JsonDict, chat: SimChat, bot: SimUser) -> bool:
    text, entities = _text_and_entities(message)
    command = next((e for e in entities if e["type"] == "bot_command" and e["offset"] == 0), None)
    if command is None:
        return False
    # Commands are ASCII, so UTF-16 offsets and str indices agree here.
    _, _, addressee = text[: command["length"]].partition("@")
    if addressee:
        return addressee.lower() == (bot.username or "").lower()
    return chat.last_bot_poster == bot.id


def _replies_to(message: JsonDict, bot: SimUser) -> bool:
    original = message.get("reply_to_message")
    return original is not None and original.get("from", {}).get("id") == bot.id


def _mentions(message: JsonDict, bot: SimUser) -> bool:
    text, entities = _text_and_entities(message)
    wanted = "@" + (bot.username or "").lower()
    encoded = text.encode("utf-16-le")
    for entity in entities:
        if entity["type"] == "text_mention" and entity["user"]["id"] == bot.id:
            return True
        if entity["type"] == "mention":
            start, end = entity["offset"] * 2, (entity["offset"] + entity["length"]) * 2
            if encoded[start:end].decode("utf-16-le").lower() == wanted:
                return True
    return False
