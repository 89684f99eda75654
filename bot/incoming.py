"""Telegram updates → the state machine's events. Parsing only: no storage, no sending."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Message, Update, User

from rondetafel.flows.events import Edited, Person, Pressed, Replied, RepliedWithMedia

from .callback_data import ButtonData, decode


@dataclass(frozen=True)
class Origin:
    """Where an update came from, so that the answers go back there."""

    chat_id: int
    message_id: int | None = None  # the person's message: notices reply to it
    thread_id: int | None = None
    query_id: str | None = None  # the button press to answer
    pressed_message_id: int | None = None
    # The Telegram update, recorded as handled with what it changed (`seen_updates.py`).
    update_id: int | None = None


def person(user: User) -> Person:
    # First name only: the least a meeting needs to address someone.
    return Person(user.id, text_of(user.first_name))


def text_of(raw: str) -> str:
    """What a person typed, as text every layer can store: a lone UTF-16 surrogate
    (which Telegram never sends, but a client or a forged update might) becomes
    U+FFFD, and everything else stays exactly as typed."""
    return raw.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def origin_of(update: Update) -> Origin:
    message = update.effective_message
    chat = update.effective_chat
    assert chat is not None
    query = update.callback_query
    thread = message.message_thread_id if message is not None and message.is_topic_message else None
    return Origin(
        chat_id=chat.id,
        message_id=None if query else (message.message_id if message else None),
        thread_id=thread,
        query_id=query.id if query else None,
        pressed_message_id=message.message_id if query and message else None,
        update_id=update.update_id,
    )


def is_reply_to_bot(message: Message, bot_id: int) -> bool:
    replied = message.reply_to_message
    return replied is not None and replied.from_user is not None and replied.from_user.id == bot_id


def reply_event(message: Message) -> Replied | RepliedWithMedia:
    assert message.from_user is not None
    if message.text is None:
        return RepliedWithMedia(person(message.from_user), message.message_id)
    return Replied(person(message.from_user), text_of(message.text), message.message_id)


def edit_event(message: Message) -> Edited:
    assert message.from_user is not None and message.text is not None
    return Edited(person(message.from_user), text_of(message.text), message.message_id)


def button_event(update: Update) -> tuple[ButtonData | None, Pressed | None]:
    query = update.callback_query
    assert query is not None
    data = decode(query.data or "")
    if data is None:
        return None, None
    return data, Pressed(person(query.from_user), data.button, data.arg, data.step)


def private_language(update: Update) -> str:
    """The language a person's private chat speaks: their Telegram app's, if English, else Dutch."""
    user = update.effective_user
    code = (user.language_code or "") if user else ""
    return "en" if code[:2] == "en" else "nl"
