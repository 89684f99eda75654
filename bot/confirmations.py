"""Which updates getUpdates may confirm: all before the oldest one not yet finished.

Telegram forgets every update below the `offset` of the next getUpdates call.
Confirming an update before it is stored would lose it if the bot stopped
(or the database failed) in between, so the offset moves only over the
unbroken run of finished updates from the oldest one fetched: the updates of
other chats may finish first, but are confirmed only once everything before
them is finished too. Until then Telegram hands them out again with every
call; `fetched` recognises those second copies.
"""

from __future__ import annotations

from collections import deque


class Confirmations:
    def __init__(self) -> None:
        # Fetched and not yet confirmable, oldest first (update ids only grow).
        self._open: deque[int] = deque()
        self._finished: set[int] = set()
        # Parked (stored in the database unhandled): confirmable, but still to be handled.
        self._parked: set[int] = set()
        self._newest = -1
        self.offset = 0
        """What the next getUpdates passes: one past the last update that may be confirmed.

        0 at first: Telegram then starts at the oldest update it still holds."""

    def fetched(self, update_id: int) -> bool:
        """Whether `update_id` is new; False for an update fetched before."""
        if update_id <= self._newest:
            return False
        self._newest = update_id
        self._open.append(update_id)
        return True

    def park(self, update_id: int) -> bool:
        """`update_id` is stored unhandled: it may be confirmed. True if the offset moved."""
        self._parked.add(update_id)
        return self._settle(update_id)

    def replayed(self, update_id: int) -> None:
        """A parked update from before a restart, confirmed long ago, handled now."""
        self._parked.add(update_id)

    def finished(self, update_id: int) -> bool:
        """`update_id` is stored (or deliberately ignored). True if the offset moved."""
        if update_id in self._parked:
            self._parked.discard(update_id)  # confirmed when it was parked
            return False
        return self._settle(update_id)

    def _settle(self, update_id: int) -> bool:
        if not self._open or update_id == self._open[0]:
            # The usual case: the oldest update finished, the set stays empty.
            moved = bool(self._open)
            if moved:
                self._open.popleft()
                self.offset = update_id + 1
        else:
            self._finished.add(update_id)
            moved = False
        while self._open and self._open[0] in self._finished:
            oldest = self._open.popleft()
            self._finished.discard(oldest)
            self.offset = oldest + 1
            moved = True
        return moved

    @property
    def unfinished(self) -> int:
        """Updates fetched that the next getUpdates may not confirm yet."""
        return len(self._open)
