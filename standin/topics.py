"""Forum topics and reply threads: which thread a new message lands in.

A forum topic is the thread of the `forum_topic_created` service message that
opened it and is named by that message's id. Whatever is posted in a topic
without being an explicit reply is a reply to that service message, and a reply
to a message in a topic lands in the topic, whichever thread was asked for.

Outside topics, a reply in a supergroup (a forum's General included) joins the
reply thread of the message it answers: Telegram gives it that thread's
`message_thread_id` but no `is_topic_message`, and such an id cannot be sent
to in a forum. Keeping that quirk makes a bot that trusts `message_thread_id`
without `is_topic_message` fail here as it would on Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass

from .common import JsonDict
from .state import SimChat, StoredMessage

# The light blue Telegram gives a topic when no icon colour is chosen.
DEFAULT_ICON_COLOR = 7322096
MAX_TOPIC_NAME_LENGTH = 128


class ThreadNotFound(ValueError):
    """The requested thread is not a topic of this forum (or the chat has no threads)."""


class ReplyInOtherThread(ValueError):
    """The message replied to is in another thread than the one requested."""


@dataclass(frozen=True)
class Placement:
    """Where a new message goes: its thread fields and the message it replies to."""

    fields: JsonDict
    reply_to: StoredMessage | None


def topic_of(message: JsonDict) -> int | None:
    """The forum topic a message is in, or None for General and chats without topics."""
    if not message.get("is_topic_message"):
        return None
    return int(message["message_thread_id"])


def place(chat: SimChat, thread_id: int | None, reply_to: StoredMessage | None) -> Placement:
    """Put a message into the thread it asks for, or the one its reply implies.

    Raises ThreadNotFound or ReplyInOtherThread; callers turn them into a Bot API
    error or let a test script's mistake surface as ValueError.
    """
    if chat.is_forum:
        return _place_in_forum(chat, thread_id, reply_to)
    if thread_id is not None:
        # Outside forums the only threads are reply threads, named by their first message.
        if chat.type != "supergroup" or thread_id not in chat.messages:
            raise ThreadNotFound(f"there is no thread {thread_id} in {_name(chat)}")
        return Placement({"message_thread_id": thread_id}, reply_to)
    return Placement(_reply_thread(chat, reply_to), reply_to)


def new_topic_fields(thread_id: int, name: str) -> JsonDict:
    """The service message that opens a topic; it is the topic's first message."""
    return {
        "message_thread_id": thread_id,
        "forum_topic_created": {"name": name, "icon_color": DEFAULT_ICON_COLOR},
        "is_topic_message": True,
    }


def _place_in_forum(
    chat: SimChat, thread_id: int | None, reply_to: StoredMessage | None
) -> Placement:
    replied_topic = topic_of(reply_to.data) if reply_to is not None else None
    topic = thread_id if thread_id is not None else replied_topic
    if topic is None:
        return Placement(_reply_thread(chat, reply_to), reply_to)  # General
    if topic not in chat.topics:
        raise ThreadNotFound(f"there is no topic {topic} in {_name(chat)}")
    if reply_to is not None and replied_topic != topic:
        raise ReplyInOtherThread(
            f"message {reply_to.message_id} is not in topic {topic} of {_name(chat)}"
        )
    if reply_to is None:
        reply_to = chat.messages.get(topic)  # gone only if someone deleted it
    return Placement({"message_thread_id": topic, "is_topic_message": True}, reply_to)


def _reply_thread(chat: SimChat, reply_to: StoredMessage | None) -> JsonDict:
    if chat.type != "supergroup" or reply_to is None:
        return {}
    root = reply_to.data.get("message_thread_id", reply_to.message_id)
    return {"message_thread_id": root}


def _name(chat: SimChat) -> str:
    return repr(chat.title) if chat.title else "this chat"
