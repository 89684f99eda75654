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
