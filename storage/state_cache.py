"""The meeting states this process has read or written lately, decoded, by meeting.

Every update loads its meeting's whole state. Reading the column, decrypting
it and building the dataclasses again, to get back what this process wrote a
moment before, was about an eighth of the bot's busy time in a profile under
load (docs/benchmarks.md). So a load first reads the meeting's version, and
takes the state from here when it holds that very version.

Safe because:
- an entry names the meeting, its version and when the meeting was created
  (an id SQLite gives again after an erasure is a different meeting); any
  save, by any worker, moves the version on, so an older entry never matches;
- an entry is added only once its transaction is committed
  (`Repositories.after_commit`): a state saved in a transaction that was rolled
  back never reaches it;
- the states are immutable dataclasses, shared rather than copied;
- an erasure empties it, so nothing erased stays in this process's memory.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass

from rondetafel.flows.state import MeetingState

# More meetings than a school runs at once; the oldest entry goes first.
SIZE = 512


@dataclass(frozen=True)
class Entry:
    meeting_id: int
    version: int
    created_at: dt.datetime
    state: MeetingState


class StateCache:
    def __init__(self, size: int = SIZE) -> None:
        self._size = size
        self._entries: OrderedDict[int, Entry] = OrderedDict()

    def get(self, meeting_id: int, version: int, created_at: dt.datetime) -> MeetingState | None:
        entry = self._entries.get(meeting_id)
        if entry is None or (entry.version, entry.created_at) != (version, created_at):
            return None
        self._entries.move_to_end(meeting_id)
        return entry.state

    def add(self, entries: list[Entry]) -> None:
        """Committed states; of two entries for one meeting, the newer version stays."""
        for entry in entries:
            held = self._entries.get(entry.meeting_id)
            if (
                held is not None
                and held.created_at == entry.created_at
                and held.version > entry.version
            ):
                continue
            self._entries[entry.meeting_id] = entry
            self._entries.move_to_end(entry.meeting_id)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
