"""Real `Update` objects for bot-layer tests, built from Bot API JSON."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from telegram import Bot, Update

from .recording import BOT

_update_ids = itertools.count(1)


@dataclass(frozen=True)
class User:
    id: int
    first_name: str
    # The language of the person's Telegram app.
    language_code: str = "nl"

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": self.language_code,
        }


# Telegram's stand-in sender for every anonymous group admin.
ANONYMOUS_ADMIN = User(1087968824, "Group")


@dataclass
class GroupChat:
    """A group in which people send commands, replies and button presses."""

    bot: Bot
    id: int = -1001234567890123  # supergroup ids need 64 bits
    title: str = "Zorgoverleg"
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(5000))

    def _chat(self) -> dict[str, Any]:
        return {"id": self.id, "type": "supergroup", "title": self.title}

    def _message(self, user: User, **fields: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chat(),
            "from": user.as_json(),
            **fields,
        }

    def _update(self, **fields: Any) -> Update:
        update = Update.de_json({"update_id": next(_update_ids), **fields}, self.bot)
        assert update is not None
        return update

    def command(self, user: User, text: str) -> Update:
        command = text.split()[0]
        entities = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self._update(message=self._message(user, text=text, entities=entities))

    def command_replying(self, user: User, text: str, author: User) -> Update:
        """A command sent as a reply to a message `author` wrote in the group."""
        command = text.split()[0]
        entities = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        theirs = self._message(author, text="Goedemiddag allemaal")
        return self._update(
            message=self._message(user, text=text, entities=entities, reply_to_message=theirs)
        )

    def reply(self, user: User, text: str, to: int) -> Update:
        return self._update(
            message=self._message(user, text=text, reply_to_message=self._bot_message(to))
        )

    def sticker_reply(self, user: User, to: int) -> Update:
        sticker = {
            "file_id": "s",
            "file_unique_id": "s",
            "type": "regular",
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
        }
        return self._update(
            message=self._message(user, sticker=sticker, reply_to_message=self._bot_message(to))
        )

    def edit(self, user: User, message_id: int, text: str) -> Update:
        edited = self._message(user, text=text, edit_date=int(time.time()))
        edited["message_id"] = message_id
        return self._update(edited_message=edited)

    def press(self, user: User, data: str, message_id: int) -> Update:
        query = {
            "id": str(next(_update_ids)),
            "from": user.as_json(),
            "chat_instance": "ci",
            "data": data,
            "message": self._bot_message(message_id),
        }
        return self._update(callback_query=query)

    def bot_added(self, by: User) -> Update:
        return self._membership(by, "left", "member")

    def bot_removed(self, by: User) -> Update:
        return self._membership(by, "member", "left")

    def anonymous_command(self, text: str) -> Update:
        """A command from an anonymous admin: Telegram names the group as the sender."""
        command = text.split()[0]
        message = self._message(
            ANONYMOUS_ADMIN,
            text=text,
            entities=[{"type": "bot_command", "offset": 0, "length": len(command)}],
            sender_chat=self._chat(),
        )
        message["from"] = {**message["from"], "is_bot": True, "username": "GroupAnonymousBot"}
        return self._update(message=message)

    def _membership(self, by: User, old: str, new: str) -> Update:
        change = {
            "chat": self._chat(),
            "from": by.as_json(),
            "date": int(time.time()),
            "old_chat_member": {"status": old, "user": BOT},
            "new_chat_member": {"status": new, "user": BOT},
        }
        return self._update(my_chat_member=change)

    def _bot_message(self, message_id: int) -> dict[str, Any]:
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self._chat(),
            "from": BOT,
            "text": "…",
        }


def private_message(bot: Bot, user: User, text: str) -> Update:
    message = {
        "message_id": 1,
        "date": int(time.time()),
        "chat": {"id": user.id, "type": "private", "first_name": user.first_name},
        "from": user.as_json(),
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    update = Update.de_json({"update_id": next(_update_ids), "message": message}, bot)
    assert update is not None
    return update


def private_press(bot: Bot, user: User, data: str, message_id: int) -> Update:
    """A button press on a message the bot sent in `user`'s private chat."""
    query = {
        "id": str(next(_update_ids)),
        "from": user.as_json(),
        "chat_instance": f"private-{user.id}",
        "data": data,
        "message": {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": user.id, "type": "private", "first_name": user.first_name},
            "from": BOT,
            "text": "…",
        },
    }
    update = Update.de_json({"update_id": next(_update_ids), "callback_query": query}, bot)
    assert update is not None
    return update
