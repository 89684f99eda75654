"""The state of one meeting: everything the state machine needs to decide.

Immutable: `flows.transition` returns a new state and never half-changes one.
Telegram's message ids of the bot's own messages are not here; they belong to
the shell. The ids of people's messages are, because an edited answer must
find the answer it came from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum

from .family import FamilyMember, HomePoint
from .prompts import ON_A_TURN, Prompt
from .script import SCRIPTS, MeetingKind, Phase, Role, Script


class Status(StrEnum):
    """Where the meeting is in its life; what it waits for is its `Prompt`."""

    NAMING_PUPIL = "naming_pupil"
    GATHERING = "gathering"
    RUNNING = "running"
    FINISHED = "finished"
    STOPPED = "stopped"


ACTIVE = frozenset({Status.NAMING_PUPIL, Status.GATHERING, Status.RUNNING})


class Mark(StrEnum):
    POINT = "point"
    PASSED = "passed"  # the person passed their turn
    SKIPPED = "skipped"  # the chair skipped the person
    SIDE_NOTE = "side_note"  # said out of turn, waiting for the chair
    DISMISSED = "dismissed"  # a side note the chair did not take up


@dataclass(frozen=True)
class Participant:
    id: int
    name: str
    role: Role
    # None for a pupil without Telegram, whose words an adult relays.
    user_id: int | None
    voiced_by: int | None = None
    # A parent asked in their own language inside the group's meeting (flows.family).
    language: str | None = None
    # Not in the meeting: a parent whose points from home were read in for them.
    absent: bool = False


@dataclass(frozen=True)
class Contribution:
    seq: int
    phase: str
    participant: int
    text: str
    mark: Mark = Mark.POINT
    # The person's Telegram message it came from: an edit of that message
    # replaces these points.
    message_id: int | None = None
    # The sentence starter (hulpzin) the point completes, as catalog source
    # text, so that it reads in whichever language the summary is shown.
    starter: str | None = None
    # Brought in from home before the meeting (the contribution's id), and the
    # language it was written in when that is not the meeting's.
    home: int | None = None
    language: str | None = None


@dataclass(frozen=True)
class Agreement:
    seq: int
    what: str
    proposed_by: int
    owner: int | None = None
    due: dt.date | None = None
    message_id: int | None = None
    # Ongoing ("doorlopend", e.g. "in bed by nine"): it has no date to be done by.
    ongoing: bool = False
    # Which line of how many in the reply that proposed it (0 of 0: not known, from
    # version 1), so that an edit of that reply finds it even if a line of the
    # same reply was never recorded.
    line: int = 0
    lines: int = 0

    @property
    def complete(self) -> bool:
        return self.owner is not None and (self.due is not None or self.ongoing)


MEETING_QUESTIONS = "meeting_questions"


@dataclass(frozen=True)
class MeetingState:
    meeting_id: int
    status: Status
    language: str
    chair: int
    participants: tuple[Participant, ...]
    created_at: dt.datetime
    prompt: Prompt = Prompt.PUPIL
    kind: MeetingKind | None = None
    pupil: str | None = None
    allow_full_names: bool = False
    phase_index: int = -1
    turn_order: tuple[int, ...] = ()
    turn_index: int = 0
    # Bumped whenever the current prompt changes; buttons carry it so that a
    # press on an old message is recognised as stale.
    step: int = 0
    # The same for the meeting message's controls, which are edited only when
    # the chair used one of them: a double tap must not skip two people.
    controls: int = 0
    answered_this_turn: bool = False
    # Agreements typed in one reply that still need who and by when.
    open_agreements: tuple[int, ...] = ()
    contributions: tuple[Contribution, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    evaluation_date: dt.date | None = None
    hinted_users: tuple[int, ...] = ()
    # A group admin who asked to stop (with /stop) may confirm it, like the chair.
    stop_requested_by: int | None = None
    # Telegram users the chair recorded consent for (external professionals may
    # join only then), and participants whose consent was withdrawn: they are
    # asked nothing more and may do nothing more in this meeting.
    consented: tuple[int, ...] = ()
    withdrawn: tuple[int, ...] = ()
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    # The case's parents linked in private, and what they brought in from home
    # (the shell loads both when the meeting opens and again when it starts).
    family: tuple[FamilyMember, ...] = ()
    from_home: tuple[HomePoint, ...] = ()

    # ---- derived views, so the shell and the templates need no logic ----

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def script(self) -> Script | None:
        return SCRIPTS[self.kind] if self.kind else None

    @property
    def phases(self) -> tuple[Phase, ...]:
        return self.script.phases if self.script else ()

    @property
    def phase(self) -> Phase | None:
        if 0 <= self.phase_index < len(self.phases):
            return self.phases[self.phase_index]
        return None

    @property
    def current(self) -> Participant | None:
        """Whose turn it is, if anyone's."""
        if self.prompt not in ON_A_TURN or not self.turn_order:
            return None
        return self.participant(self.turn_order[self.turn_index])

    def participant(self, participant_id: int) -> Participant:
        for p in self.participants:
            if p.id == participant_id:
                return p
        raise KeyError(participant_id)

    def participant_of_user(self, user_id: int) -> Participant | None:
        for p in self.participants:
            if p.user_id == user_id:
                return p
        return None

    def family_member(self, user_id: int | None) -> FamilyMember | None:
        return next((m for m in self.family if m.user_id == user_id), None)

    def read_in(self) -> frozenset[int]:
        """The points from home this meeting has read in (their contributions' ids)."""
        return frozenset(c.home for c in self.contributions if c.home is not None)

    def chair_participant(self) -> Participant:
        return self.participant(self.chair)

    def speaker_for(self, participant: Participant) -> Participant:
        """Who types for `participant`: themselves, or the adult relaying them."""
        return self.participant(participant.voiced_by) if participant.voiced_by else participant

    def agreement(self, seq: int) -> Agreement:
        for a in self.agreements:
            if a.seq == seq:
                return a
        raise KeyError(seq)

    def contribution(self, seq: int) -> Contribution:
        for c in self.contributions:
            if c.seq == seq:
                return c
        raise KeyError(seq)

    def points(self, phase_key: str) -> tuple[Contribution, ...]:
        return tuple(c for c in self.contributions if c.phase == phase_key and c.mark is Mark.POINT)

    def meeting_questions(self) -> tuple[str, ...]:
        return tuple(c.text for c in self.points(MEETING_QUESTIONS))

    def holds_message(self, message_id: int) -> bool:
        """Whether a person's message became part of this meeting (a point, note, agreement)."""
        return any(c.message_id == message_id for c in self.contributions) or any(
            a.message_id == message_id for a in self.agreements
        )

    def pending_side_notes(self) -> tuple[Contribution, ...]:
        return tuple(c for c in self.contributions if c.mark is Mark.SIDE_NOTE)

    def next_seq(self) -> int:
        return 1 + max((c.seq for c in self.contributions), default=0)

    def next_agreement_seq(self) -> int:
        return 1 + max((a.seq for a in self.agreements), default=0)

    def evolve(self, **changes: object) -> MeetingState:
        return replace(self, **changes)  # type: ignore[arg-type]
