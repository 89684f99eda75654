"""What the state machine asks the shell to do.

Effects name an intent; the shell renders it in the chat's language from the
new state and performs it through the one sender. Effects that answer a person
who cannot do something are `Notice` (a message) or `Toast` (the small pop-up
of a button press): the machine never raises for a person's mistake.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from .events import ResumeReason


class Why(StrEnum):
    """Why something a person tried did not happen (each has a catalog text)."""

    ALREADY_RUNNING = "already_running"
    NO_MEETING = "no_meeting"
    ONLY_CHAIR = "only_chair"
    NOT_PARTICIPANT = "not_participant"
    NOT_YOUR_TURN_BUTTON = "not_your_turn_button"
    STALE_BUTTON = "stale_button"
    TEXT_ONLY = "text_only"
    FULL_NAME = "full_name"
    PSEUDONYM_TOO_LONG = "pseudonym_too_long"
    EMPTY_ANSWER = "empty_answer"
    ROLE_TAKEN = "role_taken"
    CHAIR_KEEPS_ROLE = "chair_keeps_role"
    ROLE_FIXED = "role_fixed"
    NEED_PARTICIPANTS = "need_participants"
    DATE_NOT_UNDERSTOOD = "date_not_understood"
    DATE_IN_PAST = "date_in_past"
    DATE_TOO_FAR = "date_too_far"
    NOTHING_BEFORE = "nothing_before"
    EDIT_AFTER_CLOSE = "edit_after_close"
    EDIT_AGREEMENT_LINES = "edit_agreement_lines"
    PUPIL_ALREADY_THERE = "pupil_already_there"
    NOTE_HANDLED = "note_handled"
    ANONYMOUS_ADMIN = "anonymous_admin"
    ONLY_CHAIR_OR_ADMIN = "only_chair_or_admin"
    ALREADY_CHAIR = "already_chair"
    NO_TURN = "no_turn"
    NOT_NOW = "not_now"
    NEEDS_CONSENT = "needs_consent"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    MAY_NOT_START = "may_not_start"


class Done(StrEnum):
    """Confirmations shown as a button pop-up."""

    JOINED = "joined"
    JOINED_LATE = "joined_late"
    ROLE_CHANGED = "role_changed"
    NOTE_ACCEPTED = "note_accepted"
    NOTE_DISMISSED = "note_dismissed"
    OK = "ok"


@dataclass(frozen=True)
class ShowMeeting:
    """Post the meeting message, or (edit=True) update it in place.

    It is the one message that stays: the join while people gather, with the
    controls once the meeting runs, and what happened once it is over.
    """

    edit: bool = False
    # Only the list of who joined changed: it may wait a moment for the next
    # join or the start, which replace it, so the group gets one edit, not five.
    lazy: bool = False


@dataclass(frozen=True)
class AskPupil:
    pass


@dataclass(frozen=True)
class AskTurn:
    """Ask the current participant the phase's question (state.current)."""

    # After a very long answer Telegram may have split the message: ask for the rest.
    more: bool = False


@dataclass(frozen=True)
class ReadIn:
    """Post what parents brought in from home for the round that begins (flows.family)."""

    phase: str


@dataclass(frozen=True)
class ShowAgreement:
    """Post one agreement's message, or update it: its who, or how it was recorded."""

    agreement: int
    edit: bool = False


@dataclass(frozen=True)
class ShowEvaluation:
    """Ask when the plan is evaluated, or (edit=True) update that message."""

    edit: bool = False


@dataclass(frozen=True)
class ShowSideNote:
    seq: int


@dataclass(frozen=True)
class SideNoteHandled:
    seq: int


@dataclass(frozen=True)
class ConfirmStop:
    pass


@dataclass(frozen=True)
class MeetingStopped:
    pass


@dataclass(frozen=True)
class MeetingExpired:
    """The meeting was closed after `days` days without activity."""

    days: int


@dataclass(frozen=True)
class Continues:
    """Tell the group why the prompt is posted anew."""

    reason: ResumeReason


@dataclass(frozen=True)
class ChairChanged:
    """`previous` (a participant id) no longer chairs; state.chair does."""

    previous: int


@dataclass(frozen=True)
class MeetingFinished:
    """Post the summary in the group and send the report."""


@dataclass(frozen=True)
class Notice:
    """A short message to a person (in the group, as a reply to them)."""

    why: Why
    to_user: int | None = None
    reply_to: int | None = None
    params: tuple[tuple[str, str], ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Toast:
    """The pop-up answer to a button press."""

    text: Why | Done
    params: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    # Remove the buttons of the pressed message: it can no longer do anything.
    clear_buttons: bool = False


Effect = (
    ShowMeeting
    | AskPupil
    | AskTurn
    | ReadIn
    | ShowAgreement
    | ShowEvaluation
    | ShowSideNote
    | SideNoteHandled
    | ConfirmStop
    | MeetingStopped
    | MeetingExpired
    | Continues
    | ChairChanged
    | MeetingFinished
    | Notice
    | Toast
)
