"""Flood control: Telegram's per-chat, per-group and global sending limits.

Telegram does not publish exact numbers; the defaults follow its FAQ (about one
message per second per chat with short bursts, 20 per minute in a group, 30 per
second overall). A request over any limit is refused with 429 and `retry_after`,
and a refused request uses up nothing.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

from .common import Clock
from .errors import too_many_requests


@dataclass(frozen=True)
class RateLimits:
    per_chat_per_second: float = 1.0
    per_chat_burst: int = 3
    per_group_per_minute: int = 20
    global_per_second: float = 30.0


class _TokenBucket:
    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.updated = now

    def wait(self, now: float) -> float:
        """Seconds until one token is available."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


class _SlidingWindow:
    def __init__(self, limit: int, period: float) -> None:
        self.limit = limit
        self.period = period
        self.times: deque[float] = deque()

    def wait(self, now: float) -> float:
        while self.times and self.times[0] <= now - self.period:
            self.times.popleft()
        if len(self.times) < self.limit:
            return 0.0
        return self.times[0] + self.period - now

    def take(self, now: float) -> None:
        self.times.append(now)


class FloodControl:
    """Counts the sends and edits of one bot; raises 429 when it goes too fast."""

    def __init__(self, limits: RateLimits, clock: Clock) -> None:
        self.limits = limits
        self.clock = clock
        self._chats: dict[int, _TokenBucket] = {}
        self._groups: dict[int, _SlidingWindow] = {}
        now = clock()
        self._global = _TokenBucket(limits.global_per_second, limits.global_per_second, now)

    def check(self, chat_id: int, is_group: bool) -> None:
        """Count one outgoing message to chat_id, or raise ApiError(429) without counting."""
        now = self.clock()
        chat = self._chats.get(chat_id)
        if chat is None:
            rate, burst = self.limits.per_chat_per_second, self.limits.per_chat_burst
            chat = self._chats[chat_id] = _TokenBucket(rate, burst, now)
        group = None
        if is_group:
            group = self._groups.get(chat_id)
            if group is None:
                limit = self.limits.per_group_per_minute
                group = self._groups[chat_id] = _SlidingWindow(limit, 60.0)
        waits = [chat.wait(now), self._global.wait(now)]
        if group is not None:
            waits.append(group.wait(now))
        longest = max(waits)
        if longest > 0:
            raise too_many_requests(max(1, math.ceil(longest)))
        chat.take()
        self._global.take()
        if group is not None:
            group.take(now)
