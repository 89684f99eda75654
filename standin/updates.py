"""The bot's update queue: what getUpdates hands out and a webhook would receive."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .common import JsonDict

ALL_UPDATE_TYPES = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_connection",
    "business_message",
    "edited_business_message",
    "deleted_business_messages",
    "message_reaction",
    "message_reaction_count",
    "inline_query",
    "chosen_inline_result",
    "callback_query",
    "shipping_query",
    "pre_checkout_query",
    "purchased_paid_media",
    "poll",
    "poll_answer",
    "my_chat_member",
    "chat_member",
    "chat_join_request",
    "chat_boost",
    "removed_chat_boost",
)
# Telegram leaves these out unless asked for by name.
OPT_IN_UPDATE_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
DEFAULT_ALLOWED = frozenset(ALL_UPDATE_TYPES) - OPT_IN_UPDATE_TYPES

# Real update ids start at an arbitrary large number; starting well above 1 keeps
# a bot from getting away with treating update_id as a counter from zero.
FIRST_UPDATE_ID = 700_000_001


@dataclass
class PendingUpdate:
    update_id: int
    kind: str
    payload: JsonDict
    handed_out: bool = False

    def to_api(self) -> JsonDict:
        return {"update_id": self.update_id, self.kind: self.payload}


class UpdateQueue:
    """Unconfirmed updates plus the long-polling bookkeeping around them."""

    def __init__(self) -> None:
        self._next_id = FIRST_UPDATE_ID
        self._pending: list[PendingUpdate] = []
        self.allowed: frozenset[str] = DEFAULT_ALLOWED
        self.allowed_explicitly: list[str] | None = None
        self.active_poll: object | None = None
        self.polls_waiting = 0

    def push(self, kind: str, payload: JsonDict) -> PendingUpdate | None:
        """Queue an update; like Telegram, types the bot did not ask for are never stored."""
        if kind not in self.allowed:
            return None
        update = PendingUpdate(self._next_id, kind, payload)
        self._next_id += 1
        self._pending.append(update)
        return update

    def set_allowed(self, kinds: Iterable[str]) -> None:
        requested = [kind for kind in kinds if kind in ALL_UPDATE_TYPES]
        self.allowed_explicitly = requested
        self.allowed = frozenset(requested) if requested else DEFAULT_ALLOWED

    def confirm(self, offset: int) -> None:
        """Forget updates the bot has acknowledged through getUpdates' offset."""
        if offset > 0:
            self._pending = [u for u in self._pending if u.update_id >= offset]
        elif offset < 0:
            self._pending = self._pending[offset:]

    def peek(self, limit: int) -> list[PendingUpdate]:
        return self._pending[:limit]

    def clear(self) -> None:
        self._pending.clear()

    @property
    def pending_count(self) -> int:
        return len(self._pending)

    def has_undelivered(self) -> bool:
        return any(not update.handed_out for update in self._pending)

    def snapshot(self) -> list[JsonDict]:
        return [update.to_api() for update in self._pending]

    def begin_poll(self) -> object:
        """Register a getUpdates call; any older one still waiting loses (409)."""
        ticket = object()
        self.active_poll = ticket
        self.polls_waiting += 1
        return ticket

    def end_poll(self, ticket: object) -> None:
        self.polls_waiting -= 1
        if self.active_poll is ticket:
            self.active_poll = None
