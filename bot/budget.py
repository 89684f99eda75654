"""How fast the bot may write to each chat, remembered across restarts.

Telegram allows about one message a second in a chat (with short bursts) and
20 a minute in a group, and restricts bots that keep hitting those limits.
python-telegram-bot's `AIORateLimiter` keeps the overall rate, but it counts
in memory: after a restart it would burst into a group that already had its
20 this minute. This budget is filled from the outbox's delivery times on
start (`Sender.start`), so a restart changes nothing about the pace.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping

# Telegram's short bursts: a few messages at once, then about one a second.
CHAT_BURST = 3
MINUTE = 60.0
# Chats remembered before the first sweep of those quiet for a minute.
SWEEP_FROM = 1024


class SendBudget:
    def __init__(self, *, group_per_minute: int, chat_per_second: float) -> None:
        self.group_per_minute = group_per_minute
        self.chat_per_second = chat_per_second
        self._sent: dict[int, deque[float]] = {}
        self._blocked_until: dict[int, float] = {}
        self._sweep_at = SWEEP_FROM

    def restore(self, sent: Mapping[int, Iterable[float]]) -> None:
        """What each chat was sent in the last minute (wall-clock seconds)."""
        for chat_id, times in sent.items():
            self._sent[chat_id] = deque(sorted(times))

    def wait(self, chat_id: int, now: float) -> float:
        """Seconds until one more call to `chat_id` keeps within every limit."""
        times = self._sent.get(chat_id, deque())
        while times and times[0] <= now - MINUTE:
            times.popleft()
        if not times:
            self._sent.pop(chat_id, None)  # a chat quiet for a minute costs no memory
        waits = [self._blocked_until.get(chat_id, 0.0) - now]
        # At most a burst within the time the per-second rate needs for it.
        burst_window = CHAT_BURST / self.chat_per_second
        recent = [t for t in times if t > now - burst_window]
        if len(recent) >= CHAT_BURST:
            waits.append(recent[-CHAT_BURST] + burst_window - now)
        if chat_id < 0 and len(times) >= self.group_per_minute:
            waits.append(times[-self.group_per_minute] + MINUTE - now)
        return max(0.0, *waits)

    def spend(self, chat_id: int, now: float) -> None:
        self._sent.setdefault(chat_id, deque()).append(now)
        if len(self._sent) >= self._sweep_at:
            self._sweep(now)

    def _sweep(self, now: float) -> None:
        """Forget chats quiet for a minute. `wait` forgets a chat only when it is asked
        about again, which a person reminded once never is: 100,000 reminders kept
        85 MB here (`rondetafel bench --reminders`). Sweeping when the table has
        doubled costs each `spend` a constant on average."""
        self._sent = {c: times for c, times in self._sent.items() if times[-1] > now - MINUTE}
        self._blocked_until = {c: u for c, u in self._blocked_until.items() if u > now}
        self._sweep_at = max(SWEEP_FROM, 2 * len(self._sent))

    def remembered(self) -> int:
        """How many chats the budget remembers a recent send to."""
        return len(self._sent)

    def block(self, chat_id: int, until: float) -> None:
        """Telegram said 429: nothing more to this chat before `until`."""
        self._blocked_until[chat_id] = max(until, self._blocked_until.get(chat_id, 0.0))
