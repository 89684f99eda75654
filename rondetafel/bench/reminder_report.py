"""The reminder burst's numbers: its pace worked out from the delivery times, as text and JSON."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from .reminders import DUE_AT, ReminderRun

MB = 1024 * 1024


@dataclass(frozen=True)
class Pace:
    """How the deliveries were spread in time (seconds from the bot's fork)."""

    first: float
    last: float
    largest_gap: float  # between two deliveries in a row
    largest_second: int  # the most deliveries in any 1-second window
    per_second: list[int]  # deliveries in each whole second from the first one

    @property
    def span(self) -> float:
        return self.last - self.first

    @property
    def rate(self) -> float:
        """Messages per second from the first delivery to the last."""
        count = sum(self.per_second)
        return (count - 1) / self.span if self.span > 0 else float(count)

    @property
    def median_second(self) -> float:
        """The median of the whole seconds (the last, partial one left out)."""
        full = sorted(self.per_second[:-1]) or self.per_second
        middle = len(full) // 2
        return float(full[middle]) if len(full) % 2 else (full[middle - 1] + full[middle]) / 2


def pace(times: list[float]) -> Pace | None:
    if not times:
        return None
    ordered = sorted(times)
    first, last = ordered[0], ordered[-1]
    gap = max((b - a for a, b in itertools.pairwise(ordered)), default=0.0)
    most, start = 0, 0
    for end, at in enumerate(ordered):
        while at - ordered[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    per_second = [0] * (int(last - first) + 1)
    for at in ordered:
        per_second[int(at - first)] += 1
    return Pace(first, last, gap, most, per_second)


def summary(run: ReminderRun) -> dict[str, Any]:
    options = run.options
    found = pace(run.delivered_at)
    configured = options.configured_rate
    cpu_ms = 1000 * run.cpu_seconds / run.cpu_reminders if run.cpu_reminders else None
    return {
        "reminders": options.reminders,
        "database": run.database,
        "due_at": DUE_AT.isoformat(),
        "reminders_per_minute": options.reminders_per_minute,
        "messages_per_second": options.messages_per_second,
        "configured_per_second": round(configured, 2),
        "standin_global_limit_per_second": options.limit,
        "delivered": run.delivered,
        "delivered_people": run.delivered_chats,
        "duplicates": run.duplicates,
        "group_mentions": run.group_messages,
        "too_many_requests": run.too_many_requests,
        "other_refusals": dict(run.other_refusals),
        "api_calls": run.api_calls,
        "timed_out": run.timed_out,
        "seed_seconds": round(run.seed_seconds, 1),
        "startup_ms": round(run.startup_seconds * 1000),
        "first_delivery_s": _round(found.first if found else None, 2),
        "all_delivered_s": _round(found.last if found else None, 1),
        "delivery_span_s": _round(found.span if found else None, 1),
        "achieved_per_second": _round(found.rate if found else None, 2),
        "achieved_to_configured": _round(found.rate / configured if found else None, 3),
        "median_second": found.median_second if found else None,
        "largest_second": found.largest_second if found else None,
        "largest_second_to_limit": _round(
            found.largest_second / options.limit if found else None, 3
        ),
        "largest_gap_ms": round(1000 * found.largest_gap) if found else None,
        "cpu_ms_per_reminder": _round(cpu_ms, 2),
        "bot_cpu_share_of_a_core": _round(
            run.cpu_seconds / found.span if found and found.span > 0 else None, 2
        ),
        "standin_cpu_share_of_a_core": _round(
            run.standin_cpu_seconds / found.span if found and found.span > 0 else None, 2
        ),
        "standin_longest_gc_ms": round(1000 * run.standin_gc_longest),
        "total_cpu_s": round(run.total_cpu_seconds, 1),
        "idle_rss_mb": round(run.idle_rss_bytes / MB, 1),
        "peak_rss_mb": round(run.peak_rss_bytes / MB, 1),
        "errors_logged": run.errors_logged,
        "reminder_statuses": run.statuses,
        "outbox_statuses": run.outbox,
    }


def to_json(run: ReminderRun) -> dict[str, Any]:
    found = pace(run.delivered_at)
    return {
        "mode": "reminders",
        "machine": run.machine,
        "summary": summary(run),
        "per_second": found.per_second if found else [],
    }


ROWS: tuple[tuple[str, str], ...] = (
    ("reminders", "reminders due at once"),
    ("database", "database"),
    ("reminders_per_minute", "REMINDERS_PER_MINUTE"),
    ("messages_per_second", "MESSAGES_PER_SECOND"),
    ("configured_per_second", "configured rate (per s)"),
    ("standin_global_limit_per_second", "stand-in's global limit (per s)"),
    ("delivered_people", "people reached (private message)"),
    ("duplicates", "sent twice"),
    ("group_mentions", "group mentions instead"),
    ("too_many_requests", "429 responses"),
    ("startup_ms", "start to first poll (ms)"),
    ("first_delivery_s", "start to first reminder (s)"),
    ("all_delivered_s", "start to all delivered (s)"),
    ("achieved_per_second", "achieved rate (per s)"),
    ("achieved_to_configured", "achieved / configured"),
    ("median_second", "median per whole second"),
    ("largest_second", "most in any 1 s"),
    ("largest_second_to_limit", "most in 1 s / stand-in limit"),
    ("largest_gap_ms", "largest gap (ms)"),
    ("cpu_ms_per_reminder", "bot CPU per reminder (ms)"),
    ("bot_cpu_share_of_a_core", "bot CPU (share of a core)"),
    ("standin_cpu_share_of_a_core", "stand-in CPU (share of a core)"),
    ("standin_longest_gc_ms", "stand-in's longest GC pause (ms)"),
    ("idle_rss_mb", "RSS at first poll (MB)"),
    ("peak_rss_mb", "peak RSS (MB)"),
    ("errors_logged", "errors in the bot's log"),
    ("seed_seconds", "seeding (s)"),
)


def to_text(run: ReminderRun) -> str:
    found = summary(run)
    lines = [f"{label:<40}{_show(found[key]):>14}" for key, label in ROWS]
    lines.append(f"{'reminders by status after':<40}{_statuses(found['reminder_statuses']):>14}")
    lines.append(f"{'outbox rows by status after':<40}{_statuses(found['outbox_statuses']):>14}")
    if found["other_refusals"]:
        lines.append(
            "other refusals: " + "; ".join(f"{k} ×{v}" for k, v in found["other_refusals"].items())
        )
    if run.timed_out:
        lines.append(f"stopped waiting after {run.options.patience:.0f} s")
    machine = ", ".join(f"{k}: {v}" for k, v in run.machine.items())
    return "\n".join([*lines, "", f"machine: {machine}"])


def _statuses(counts: dict[str, int]) -> str:
    return " ".join(f"{status}={count}" for status, count in sorted(counts.items())) or "-"


def _show(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") if value < 10 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)
