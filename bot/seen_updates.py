"""Recognise an update that comes a second time, so that it is handled once.

A retried webhook, or a client that fetched the same updates twice, delivers an
update with an `update_id` already handled; python-telegram-bot does not filter
them, and an answer read twice would be stored twice (the second as a side
note). The ids are remembered in this process only: after a restart Telegram
itself resumes after the last update the bot confirmed.

An update whose handling failed because the database was out of reach is
forgotten again (`forget`): it comes back to be handled, and must not be
taken for a second copy then.
"""

from __future__ import annotations

from collections import OrderedDict

# How many recent update ids are remembered.
REMEMBERED = 10_000


class SeenUpdates:
    def __init__(self, remembered: int = REMEMBERED) -> None:
        self._remembered = remembered
        self._ids: OrderedDict[int, None] = OrderedDict()

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
