"""What goes into a case's audit trail for an event: an action's name, never its content.

Pure: the shell writes an entry when the event changed the meeting (a refused
press or a stale button changes nothing, so it leaves no entry). The names
are stable: the trail is read back months later, by people and in exports.
"""

from __future__ import annotations

from collections.abc import Mapping

from .events import (
    Button,
    ChairClaimed,
    Edited,
    Event,
    Expired,
    MeetingRequested,
    Pressed,
    Replied,
    StopRequested,
)
from .prompts import Prompt
from .state import Mark, MeetingState

_PRESSED: Mapping[Button, str] = {
    Button.KIND: "kind_chosen",
    Button.JOIN: "joined",
    Button.VOICE_PUPIL: "relays_pupil",
    Button.START: "meeting_begun",
    Button.PASS: "passed",
    Button.SKIP: "skipped",
    Button.BACK: "back",
    Button.CLOSE_PHASE: "phase_closed",
    Button.OWNER: "agreement_changed",
    Button.DUE: "agreement_changed",
    Button.EVALUATION: "evaluation_date",
    Button.ACCEPT_NOTE: "side_note_handled",
    Button.DISMISS_NOTE: "side_note_handled",
    Button.STOP_YES: "stopped",
    Button.STOP_NO: "stop_declined",
}
# Written where the chair records them (bot/consent_desk.py).
CONSENT_RECORDED = "consent_recorded"
CONSENT_WITHDRAWN = "consent_withdrawn"
_REPLIED: Mapping[Prompt, str] = {
    Prompt.PUPIL: "pupil_named",
    Prompt.TURN: "answered",
    Prompt.AGREEMENT: "agreement_changed",
    Prompt.EVALUATION: "evaluation_date",
}


_OTHERS = (
    "meeting_opened",
    "side_note",
    "answer_edited",
    "stop_requested",
    "chair_taken",
    "expired",
)
# Every name a meeting or a consent writes: `/audit` has words for each.
ACTIONS = frozenset(
    {*_PRESSED.values(), *_REPLIED.values(), *_OTHERS, CONSENT_RECORDED, CONSENT_WITHDRAWN}
)


def audited(event: Event, before: MeetingState | None, after: MeetingState) -> str | None:
    """The trail's name for what `event` did, or None if it did nothing worth a line."""
    if before is not None and after == before:
        return None
    if isinstance(event, MeetingRequested):
        return "meeting_opened"
    if isinstance(event, Pressed):
        return _PRESSED[event.button]
    if isinstance(event, Replied):
        assert before is not None
        notes = sum(c.mark is Mark.SIDE_NOTE for c in after.contributions)
        if notes > sum(c.mark is Mark.SIDE_NOTE for c in before.contributions):
            return "side_note"
        return _REPLIED.get(before.prompt, "answered")
    if isinstance(event, Edited):
        return "answer_edited"
    if isinstance(event, StopRequested):
        return "stop_requested"
    if isinstance(event, ChairClaimed):
        return "chair_taken"
    if isinstance(event, Expired):
        return "expired"
    # Consent is written to the trail where the chair records it (bot/consent_desk.py).
    return None
