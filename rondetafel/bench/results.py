"""The numbers one bench run produces, for the table and the JSON file."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

# Telegram shows a spinner on a pressed button until the bot answers; after a
# second a person notices.
LATE_BUTTON_SECONDS = 1.0


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile (share 0.5 for p50), or None without values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


@dataclass
class ChatRun:
    """One meeting (or one echo chat) from its first message to its end."""

    number: int
    finished: bool
    seconds: float
    answers: int
    bot_messages: int  # sent and edited: what Telegram's flood limits count
    latencies: list[float] = field(default_factory=list, repr=False)

    @property
    def messages_per_minute(self) -> float:
        return 60 * self.bot_messages / self.seconds if self.seconds > 0 else 0.0


@dataclass
class BotRun:
    """One bot under the bench's load."""

    label: str
    startup_seconds: float
    idle_rss_bytes: int
    peak_rss_bytes: int = 0
    traffic_seconds: float = 0.0
    updates: int = 0
    cpu_seconds: float = 0.0
    standin_cpu_seconds: float = 0.0  # the bench's own process: stand-in and people
    too_many_requests: int = 0
    errors_logged: int = 0
    button_delays: list[float] = field(default_factory=list, repr=False)  # answered presses
    unanswered_buttons: int = 0
    chats: list[ChatRun] = field(default_factory=list)

    @property
    def latencies(self) -> list[float]:
        return [latency for chat in self.chats for latency in chat.latencies]

    @property
    def answers(self) -> int:
        return sum(chat.answers for chat in self.chats)

    @property
    def finished(self) -> int:
        return sum(chat.finished for chat in self.chats)

    @property
    def answers_per_second(self) -> float:
        return self.answers / self.traffic_seconds if self.traffic_seconds > 0 else 0.0

    @property
    def cpu_ms_per_update(self) -> float | None:
        return 1000 * self.cpu_seconds / self.updates if self.updates else None

    @property
    def presses(self) -> int:
        return len(self.button_delays) + self.unanswered_buttons

    @property
    def late_buttons(self) -> int:
        """Presses answered after LATE_BUTTON_SECONDS, or never."""
        late = sum(1 for delay in self.button_delays if delay > LATE_BUTTON_SECONDS)
        return late + self.unanswered_buttons


@dataclass
class OpenMeetings:
    """The bot's memory with many meetings started and waiting at once."""

    requested: int
    wave: int  # started at the same time
    opened: int
    seconds: float
    idle_rss_bytes: int
    rss_bytes: int
    peak_rss_bytes: int


@dataclass
class BenchReport:
    meetings: int
    limits: bool
    database: str
    bot: BotRun | None = None
    echo: BotRun | None = None
    open_meetings: OpenMeetings | None = None
    machine: dict[str, str] = field(default_factory=dict)
