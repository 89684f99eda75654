"""What happens to a meeting's plan after the meeting: the facts the follow-up reads.

HGW evaluates in short cycles ("taste the soup while cooking"): every
agreement is asked about while it runs, the plan is evaluated on its date, and
the next meeting opens with how it went (feed up, feedback, feed forward).
These are the plain facts those conversations, the reminders and the next
meeting's opening are built from; the storage layer reads them, `flows`
decides with them, the templates show them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from .markers import N_


class AgreementStatus(StrEnum):
    """Where an agreement stands, as its owner last said (OPEN: not asked or not answered)."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    NOT_DONE = "not_done"


STATUS_NAMES = {
    AgreementStatus.OPEN: N_("not answered yet"),
    AgreementStatus.IN_PROGRESS: N_("in progress"),
    AgreementStatus.DONE: N_("done"),
    AgreementStatus.NOT_DONE: N_("not done"),
}

# Statuses after which nothing more is asked about an agreement.
SETTLED = frozenset({AgreementStatus.DONE})


@dataclass(frozen=True)
class AgreementFacts:
    """One agreement of a finished meeting, with where it stands now."""

    id: int
    meeting_id: int
    seq: int
    what: str
    owner_name: str | None
    owner_user_id: int | None
    due: dt.date | None
    ongoing: bool
    status: AgreementStatus = AgreementStatus.OPEN
    # The owner's own words with their answer: for the owner and the export,
    # never posted in the group.
    note: str | None = None
    status_at: dt.datetime | None = None

    @property
    def settled(self) -> bool:
        return self.status in SETTLED
