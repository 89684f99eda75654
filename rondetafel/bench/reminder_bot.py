"""The real bot, as `rondetafel run` starts it, on a clock that starts at a chosen moment.

The reminder bench seeds reminders due at one moment of a school day
(`RONDETAFEL_BENCH_NOW`, an ISO time with its offset) and starts the bot here:
its school clock reads that moment at start and then moves on in real
seconds, so the reminder loop finds them all due, and quiet hours, weekends
and holidays are decided as on that day. Everything else (the sender, the
outbox's wall clock, the rate limiter) is as in `rondetafel run`.
"""

from __future__ import annotations

import datetime as dt
import os
import time

from rondetafel.clock import Clock

NOW_VARIABLE = "RONDETAFEL_BENCH_NOW"


def clock_from(moment: dt.datetime) -> Clock:
    """`moment` now, and later by as many real seconds as pass."""
    began = time.monotonic()

    def now() -> dt.datetime:
        return moment + dt.timedelta(seconds=time.monotonic() - began)

    return now


def main() -> int:
    from rondetafel.cli import _configure_logging, _run
    from rondetafel.settings import Settings

    moment = dt.datetime.fromisoformat(os.environ[NOW_VARIABLE])
    if moment.tzinfo is None:
        raise SystemExit(f"{NOW_VARIABLE} needs an offset, e.g. 2026-03-10T08:00:00+01:00")
    settings = Settings()
    clock = clock_from(moment.astimezone(settings.tz))
    return _run(settings, _configure_logging(settings, "run"), clock=clock)


if __name__ == "__main__":
    raise SystemExit(main())
