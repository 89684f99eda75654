"""The in-memory world: the bot, people, chats, their messages, and the update queue.

Everything here is mutated synchronously from one event loop, so there are no
locks; whoever changes something calls `World.changed()` to wake waiters.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import logging
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Literal

from .common import Clock, JsonDict
from .errors import ApiError
from .limits import FloodControl, RateLimits
from .markup import is_inline_keyboard
from .privacy import bot_receives
from .updates import UpdateQueue

log = logging.getLogger(__name__)

LostKind = Literal["timeout", "dropped"]
"""How an injected fault kept an answer from the client (see LostAnswer)."""

Listener = Callable[[str, "SimChat", JsonDict], None]
"""Called with ("sent"|"edited"|"deleted"|"user_message"|"document", chat, message)."""


@dataclass(eq=False)
class SimUser:
    """A simulated Telegram account (a person, or the bot itself)."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False
    started_bot: bool = False
    blocked_bot: bool = False
    _block_hook: Callable[[SimUser, bool], None] | None = field(default=None, repr=False)

    def block_bot(self) -> None:
        """Block the bot: a my_chat_member update, and private sends fail with 403."""
        self._require_hook()(self, True)

    def unblock_bot(self) -> None:
        self._require_hook()(self, False)

    def _require_hook(self) -> Callable[[SimUser, bool], None]:
        if self._block_hook is None:
            raise ValueError("this user does not belong to a stand-in")
        return self._block_hook

    def to_api(self) -> JsonDict:
        user: JsonDict = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for name in ("last_name", "username", "language_code"):
            value = getattr(self, name)
            if value is not None:
                user[name] = value
        return user


@dataclass(eq=False)
class StoredMessage:
    """A message as Telegram keeps it; `data` is the Bot API Message object."""

    data: JsonDict
    by_bot: bool
    delivered: bool = False
    # Who really wrote it when `from` shows a placeholder such as GroupAnonymousBot.
    author_id: int | None = None

    @property
    def message_id(self) -> int:
        return int(self.data["message_id"])

    @property
    def written_by(self) -> int:
        """The id of the account behind the message, anonymous or not."""
        return self.author_id if self.author_id is not None else int(self.data["from"]["id"])

    def public(self) -> JsonDict:
        """For people looking at the chat: everything, including ForceReply markup."""
        return copy.deepcopy(self.data)

    def api(self) -> JsonDict:
        """As the Bot API returns it: Message.reply_markup only ever holds an inline keyboard."""
        message = copy.deepcopy(self.data)
        if not is_inline_keyboard(message.get("reply_markup")):
            message.pop("reply_markup", None)
        return message


@dataclass(eq=False)
class SimChat:
    """A private chat, group or supergroup."""

    id: int
    type: str
    title: str | None = None
    user: SimUser | None = None  # the other side of a private chat
    members: list[SimUser] = field(default_factory=list)
    admin_ids: set[int] = field(default_factory=set)
    creator_id: int | None = None
    # "none" (never joined), "member", "administrator", "left" (it left), "kicked"
    bot_status: str = "none"
    migrated_to: SimChat | None = None
    migrated_from: int | None = None
    last_bot_poster: int | None = None
    messages: dict[int, StoredMessage] = field(default_factory=dict, repr=False)
    next_message_id: int = 1
    is_forum: bool = False
    topics: dict[int, str] = field(default_factory=dict)  # thread id → topic name

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")

    def to_api(self) -> JsonDict:
        if self.user is not None:
            chat: JsonDict = {"id": self.id, "type": "private", "first_name": self.user.first_name}
            if self.user.last_name is not None:
                chat["last_name"] = self.user.last_name
            if self.user.username is not None:
                chat["username"] = self.user.username
            return chat
        chat = {"id": self.id, "type": self.type, "title": self.title}
        if self.is_forum:
            chat["is_forum"] = True
        return chat

    def has_member(self, user: SimUser) -> bool:
        if self.user is not None:
            return self.user is user
        return any(member is user for member in self.members)


@dataclass
class CallbackRecord:
    query_id: str
    user: SimUser
    chat: SimChat
    message_id: int
    data: str
    pressed_at: float
    answer: JsonDict | None = None


@dataclass(frozen=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    filename: str | None
    mime_type: str | None
    data: bytes


@dataclass(frozen=True)
class SentDocument:
    """A document the bot sent, as a test wants to read it back."""

    filename: str | None
    mime_type: str | None
    data: bytes
    caption: str | None
    message_id: int


@dataclass(frozen=True)
class ApiCall:
    """One request the bot made, and what it got back."""

    method: str
    params: JsonDict
    ok: bool
    result_or_error: Any
    at: float
    # How an injected fault kept the answer from the client: "timeout" (held until
    # the client gave up) or "dropped" (connection closed); None if it was answered.
    lost: LostKind | None = None


@dataclass(frozen=True)
class LostAnswer:
    """An injected fault: the call gets no HTTP answer at all.

    `hold` None keeps the request open until the client gives up (a timeout);
    a number of seconds waits that long, then closes the connection. With
    `executed` the method is carried out first, so only the answer is lost.
    """

    hold: float | None
    executed: bool

    @property
    def kind(self) -> LostKind:
        return "timeout" if self.hold is None else "dropped"


@dataclass
class WebhookConfig:
    url: str
    secret_token: str | None
    max_connections: int
    last_error_date: int | None = None
    last_error_message: str | None = None


class ChangeSignal:
    """Wakes everyone waiting for the world to change, whatever the change was."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, at_most: float) -> None:
        """Sleep until the next change, or at most `at_most` seconds."""
        event = self._event
        # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a
        # cancellation that arrives as the event is set, and the waiter runs on.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max(at_most, 0)):
                await event.wait()


class World:
    """All state of one stand-in, and the few operations both sides share."""

    def __init__(
        self,
        token: str,
        bot_username: str,
        bot_first_name: str,
        privacy_mode: bool,
        rate_limits: RateLimits | None,
        callback_answer_timeout: float,
        clock: Clock,
    ) -> None:
        bot_id, _, secret = token.partition(":")
        if not bot_id.isdigit() or not secret:
            raise ValueError('a bot token looks like "<bot id>:<secret>", e.g. "123:TEST"')
        self.token = token
        self.bot = SimUser(int(bot_id), bot_first_name, username=bot_username, is_bot=True)
        self.privacy_mode = privacy_mode
        self.clock = clock
        self.callback_answer_timeout = callback_answer_timeout
        self.flood = FloodControl(rate_limits, clock) if rate_limits is not None else None
        # Dates are wall-clock seconds, but derived from the injectable clock so that
        # moving it forward ages messages (48-hour delete limit) consistently.
        self._epoch_offset = time.time() - clock()
        self.users: dict[int, SimUser] = {}
        self.chats: dict[int, SimChat] = {}
        self.updates = UpdateQueue()
        self.callbacks: dict[str, CallbackRecord] = {}
        self.files: dict[str, StoredFile] = {}
        self.commands: dict[tuple[str, str], list[JsonDict]] = {}
        self.bot_texts: dict[tuple[str, str], str] = {}
        self.webhook: WebhookConfig | None = None
        self.calls: list[ApiCall] = []
        # Per method, in the order injected: error envelopes and lost answers, and
        # None for a call let through between them (a storm's calm moment).
        self.injected_errors: dict[str, deque[ApiError | LostAnswer | None]] = {}
        self.requests_in_flight = 0
        self.webhook_in_flight = False
        self.closing = False
        self.listeners: list[Listener] = []
        self.signal = ChangeSignal()
        self._serial = itertools.count(1)

    def now(self) -> int:
        return int(self.clock() + self._epoch_offset)

    def serial(self) -> int:
        """A fresh number for ids of people, chats, queries and files."""
        return next(self._serial)

    def changed(self) -> None:
        self.signal.notify()

    def private_chat(self, user: SimUser) -> SimChat:
        """The bot's private chat with a person; it exists as soon as they do."""
        chat = self.chats.get(user.id)
        if chat is None:
            chat = self.chats[user.id] = SimChat(id=user.id, type="private", user=user)
        return chat

    def store_file(
        self, data: bytes, *, folder: str, filename: str | None, mime_type: str | None
    ) -> StoredFile:
        """Keep uploaded bytes so getFile and the file URL can hand them back."""
        number = self.serial()
        suffix = PurePosixPath(filename).suffix if filename else ""
        stored = StoredFile(
            file_id=f"F{number:05d}-{secrets.token_hex(12)}",
            file_unique_id=f"U{number:05d}",
            file_path=f"{folder}/file_{number}{suffix}",
            filename=filename,
            mime_type=mime_type,
            data=data,
        )
        self.files[stored.file_id] = stored
        return stored

    def user_api(self, user_id: int) -> JsonDict | None:
        if user_id == self.bot.id:
            return self.bot.to_api()
        user = self.users.get(user_id)
        return user.to_api() if user is not None else None

    def post(
        self,
        chat: SimChat,
        sender: SimUser,
        fields: JsonDict,
        *,
        by_bot: bool = False,
        reply_to: StoredMessage | None = None,
        reply_markup: JsonDict | None = None,
        author_id: int | None = None,
    ) -> StoredMessage:
        """Store a new message in the chat (no delivery, no notification yet).

        `author_id` names the real writer when `sender` is a placeholder account.
        """
        data: JsonDict = {
            "message_id": chat.next_message_id,
            "from": sender.to_api(),
            "chat": chat.to_api(),
            "date": self.now(),
        }
        if reply_to is not None:
            original = reply_to.api()
            original.pop("reply_to_message", None)  # Telegram nests one level only
            data["reply_to_message"] = original
        data.update(fields)
        if reply_markup is not None:
            data["reply_markup"] = reply_markup
        chat.next_message_id += 1
        message = StoredMessage(data, by_bot=by_bot, author_id=author_id)
        chat.messages[message.message_id] = message
        return message

    def deliver(self, chat: SimChat, message: StoredMessage) -> bool:
        """Queue a person's message as an update if privacy mode lets the bot see it."""
        if not bot_receives(message.data, chat, self.bot, self.privacy_mode):
            return False
        message.delivered = True
        self.updates.push("message", message.api())
        return True

    def push_update(self, kind: str, payload: JsonDict) -> None:
        self.updates.push(kind, payload)

    def emit(self, kind: str, chat: SimChat, message: StoredMessage) -> None:
        """Tell listeners (live transcripts) and waiters that the chat changed."""
        for listener in list(self.listeners):
            try:
                listener(kind, chat, message.public())
            except Exception:
                # A broken transcript printer must not turn into an API error.
                log.exception("stand-in listener failed on %s", kind)
        self.changed()
