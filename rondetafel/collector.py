"""The cyclic garbage collector while `rondetafel run` starts, and after.

Start-up makes some 200,000 objects the collector tracks, and nearly all of
them live as long as the process: modules, classes, functions,
python-telegram-bot's and SQLAlchemy's tables. While the imports run, the
collector's full passes walk them and find next to nothing: measured, about
130 ms of a 700 ms start (docs/benchmarks.md). Once the bot is up, each full
pass would walk them all again (86 ms, measured), a pause of the event loop
in the middle of the meetings' traffic.

So the collector rests while the bot starts; once it is up, `gc.freeze()`
moves everything made so far out of the collector's sight, and a full pass
walks only what the bot's work made. The few cycles start-up leaves behind
(some 1,750 objects, measured) stay: cheaper than one more full pass.
"""

from __future__ import annotations

import gc


def rest_while_starting() -> None:
    """Before the imports of `run`: no collections until `started`."""
    gc.disable()


def started() -> None:
    """The bot is up (or gave up): freeze what start-up made and collect again."""
    gc.freeze()
    gc.enable()
