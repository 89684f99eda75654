"""What handling one private update owes: the person's chat, the pop-up, the group.

The desks of the private conversations (`reminder_desk.py`, `evaluation_desk.py`)
decide inside the transaction and return this; `private_chat.py` stores it as
outbox rows in that same transaction, then answers the press and wakes the sender.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rondetafel.storage.outbox import Outgoing

from .operations import Operation


@dataclass(frozen=True)
class Owed:
    # For the private chat the update came from.
    operations: list[Operation] = field(default_factory=list)
    # The pop-up answer to a button press.
    answer: str | None = None
    # Rows for another chat: the evaluation summary in the meeting's group.
    group: list[Outgoing] = field(default_factory=list)
    # The meeting the private rows are about: erasing its case takes them along,
    # and the evaluation's question is remembered under it.
    meeting_id: int | None = None
