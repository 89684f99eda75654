"""Recognise an update that comes a second time, so that it is handled once.

A retried webhook, or a client that fetched the same updates twice, delivers an
update with an `update_id` already handled; python-telegram-bot does not filter
them, and an answer read twice would be stored twice (the second as a side
note). Recent ids are remembered here, in this process.

Across a restart the database remembers: an update's effect is stored with
its id (`storage/handled_updates.py`), because long polling confirms updates
only in order (`polling.py`), so Telegram hands out again, after a restart,
updates after one that was still unfinished, handled or not. Only ids up to
the newest recorded at start can be such a repeat: only those are looked up.

An update whose handling failed because the database was out of reach is
forgotten again (`forget`): it comes back to be handled, and must not be
taken for a second copy then.
"""

from __future__ import annotations

from collections import OrderedDict

from rondetafel.clock import utcnow
from rondetafel.storage.repositories import Repositories

from .incoming import Origin

# How many recent update ids are remembered.
REMEMBERED = 10_000


class SeenUpdates:
    def __init__(self, remembered: int = REMEMBERED) -> None:
        self._remembered = remembered
        self._ids: OrderedDict[int, None] = OrderedDict()
        # The newest update recorded as handled when the bot started.
        self.recorded_before_start: int | None = None

    def maybe_handled_before(self, update_id: int) -> bool:
        """Could this update have been handled before the restart? (Then ask the database.)"""
        return self.recorded_before_start is not None and update_id <= self.recorded_before_start

    def again(self, update_id: int) -> bool:
        """True if `update_id` was seen before; otherwise remember it."""
        if update_id in self._ids:
            return True
        self._ids[update_id] = None
        if len(self._ids) > self._remembered:
            self._ids.popitem(last=False)
        return False

    def forget(self, update_id: int) -> None:
        """`update_id` was not handled after all: let it through when it comes again."""
        self._ids.pop(update_id, None)


async def record_handled(repos: Repositories, origin: Origin) -> None:
    """The update's effect is being stored: so is its id, in the same transaction."""
    if origin.update_id is not None:
        await repos.handled_updates.record(origin.update_id, utcnow())
