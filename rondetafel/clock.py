"""The one clock. The shell reads the time here and hands it to `flows`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

Clock = Callable[[], dt.datetime]


def school_clock(tz: ZoneInfo) -> Clock:
    """Aware 'now' in the school's time zone, so `now.date()` is the school's today."""

    def now() -> dt.datetime:
        return dt.datetime.now(tz)

    return now


def utcnow() -> dt.datetime:
    """Wall time, for what happens on Telegram's clock: delivering the outbox, its limits.

    Meeting logic reads the school clock (injectable, frozen in tests); the
    outbox must not, or a test's frozen "now" would schedule sends in the past
    or the future of the sender, which waits in real seconds.
    """
    return dt.datetime.now(dt.UTC)
