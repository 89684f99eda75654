"""Meeting states for the storage tests, made by driving the real state machine."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rondetafel.flows.events import Button, Event, MeetingRequested, Person, Pressed, Replied
from rondetafel.flows.family import FamilyMember, HomeKind, HomePoint, Relation
from rondetafel.flows.prompts import PROMPTS, Prompt, Step
from rondetafel.flows.script import MeetingKind, Role
from rondetafel.flows.state import (
    Agreement,
    Contribution,
    Mark,
    MeetingState,
    Participant,
    Status,
)
from rondetafel.flows.transition import new_meeting, transition

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2025, 3, 10, 15, 30, tzinfo=AMSTERDAM)

# Telegram-size ids: supergroups are -100 followed by up to 13 digits.
GROUP = -1001234567890123
OTHER_GROUP = -1009876543210987
CHAIR = Person(7_123_456_789, "Chris")
MENTOR = Person(7_123_456_790, "Mila")
PARENT = Person(7_123_456_791, "Pieter")
PUPIL = "S.V."


# A state with every field set, none to its default; times in a named zone,
# in UTC and at the hour that happens twice when summer time ends (fold=1).
EVERY_FIELD = MeetingState(
    meeting_id=2_000_000_001,
    status=Status.RUNNING,
    language="en",
    chair=1,
    participants=(
        Participant(1, "Chris", Role.CHAIR, 7_123_456_789),
        Participant(2, "S.V.", Role.PUPIL, None, voiced_by=3),
        Participant(3, "Pieter", Role.PARENT, 7_123_456_791),
        # A parent who brought points in from home and is not at the meeting.
        Participant(4, "Ayşe", Role.PARENT, 7_123_456_792, language="tr", absent=True),
    ),
    created_at=dt.datetime(2025, 10, 26, 2, 30, tzinfo=AMSTERDAM, fold=1),
    kind=MeetingKind.MDO,
    pupil="S.V.",
    allow_full_names=True,
    phase_index=8,
    turn_order=(2, 3, 1),
    turn_index=1,
    prompt=Prompt.AGREEMENT,
    step=17,
    controls=4,
    answered_this_turn=True,
    open_agreements=(2,),
    contributions=(
        Contribution(1, "goes_well", 2, "Lezen gaat beter 📚", Mark.SIDE_NOTE, 2_147_483_648, "x"),
        Contribution(2, "goes_well", 4, "Okumayı seviyor", home=5, language="tr"),
    ),
    agreements=(
        Agreement(1, "Reading plan", 3, owner=1, due=dt.date(2025, 11, 7), message_id=99),
        Agreement(2, "Library card", 3, owner=3),
        Agreement(3, "In bed by nine", 2, owner=2, ongoing=True),
    ),
    evaluation_date=dt.date(2025, 12, 19),
    hinted_users=(7_999_999_999,),
    stop_requested_by=7_999_999_998,  # a group admin, not a participant
    consented=(7_999_999_997,),
    withdrawn=(3,),
    started_at=dt.datetime(2025, 10, 26, 1, 59, 59, 999_999, tzinfo=dt.UTC),
    finished_at=dt.datetime(2025, 10, 26, 2, 30, tzinfo=AMSTERDAM, fold=0),
    family=(
        FamilyMember(7_123_456_792, "Ayşe", "tr"),
        FamilyMember(7_123_456_793, "Omar", "ar", Relation.RELAY),
    ),
    from_home=(
        HomePoint(5, 7_123_456_792, HomeKind.GOES_WELL, "Okumayı seviyor", "tr"),
        HomePoint(6, 7_123_456_793, HomeKind.QUESTION, "هل يمكنني الجلوس في الأمام؟", "ar"),
    ),
)


def drive(state: MeetingState, *events: Event) -> MeetingState:
    for event in events:
        state = transition(state, event, NOW).state
    return state


def press(state: MeetingState, person: Person, button: Button, arg: str = "") -> MeetingState:
    """A press on the current prompt, or on the meeting message's controls."""
    return drive(state, Pressed(person, button, arg, step_for(state, button)))


def step_for(state: MeetingState, button: Button) -> int:
    """The step a fresh message's `button` carries (see `flows.prompts.Step`)."""
    rule = PROMPTS[state.prompt].buttons.get(button)
    return state.controls if rule is not None and rule.step is Step.CONTROLS else state.step


def reply(state: MeetingState, person: Person, text: str, message_id: int) -> MeetingState:
    return drive(state, Replied(person, text, message_id))


def opened(meeting_id: int, *, pupil: str | None = None) -> MeetingState:
    """Just after /meeting: the chair names the pupil, or people join if it is known."""
    return new_meeting(meeting_id, MeetingRequested(CHAIR, pupil=pupil), NOW).state


def running(meeting_id: int) -> MeetingState:
    """A pupil meeting with chair, mentor and parent, in its first phase."""
    state = reply(opened(meeting_id), CHAIR, PUPIL, 1)
    state = press(state, MENTOR, Button.JOIN, Role.MENTOR.value)
    state = press(state, PARENT, Button.JOIN, Role.PARENT.value)
    state = press(state, CHAIR, Button.START)
    assert state.status is Status.RUNNING and state.kind is MeetingKind.PUPIL_MEETING
    return state


def at_agreements(meeting_id: int) -> MeetingState:
    """Running, with the chair having closed every phase before the agreements."""
    state = running(meeting_id)
    while state.phase is None or state.phase.key != "agreements":
        state = press(state, CHAIR, Button.CLOSE_PHASE)
    return state


def agreeing(meeting_id: int) -> MeetingState:
    """Running, with three agreements: one with a date, one ongoing, one still without a date."""
    state = at_agreements(meeting_id)
    speaker = PARENT  # the parent speaks first: there is no pupil in this meeting
    state = reply(state, speaker, "Reading plan\nTalk to the PE teacher\nLibrary card", 10)
    state = press(state, speaker, Button.OWNER, str(_participant_id(state, MENTOR)))
    state = press(state, speaker, Button.DUE, "14")
    state = press(state, speaker, Button.DUE, "o")  # the parent's own, as proposed
    assert state.status is Status.RUNNING and len(state.agreements) == 3
    assert state.prompt is Prompt.AGREEMENT and state.open_agreements == (3,)
    return state


def finished(meeting_id: int) -> MeetingState:
    """`agreeing`, then the chair moves on (the third agreement, without a date, is
    not recorded) to the end."""
    state = press(agreeing(meeting_id), CHAIR, Button.CLOSE_PHASE)
    state = press(state, CHAIR, Button.EVALUATION, "42")
    while state.status is not Status.FINISHED:
        state = press(state, CHAIR, Button.CLOSE_PHASE)
    return state


def _participant_id(state: MeetingState, person: Person) -> int:
    participant = state.participant_of_user(person.user_id)
    assert participant is not None
    return participant.id


# States as version 1 of the codec stored them, written by the meeting core of
# commit f1c54d7 (before the prompts were made explicit), one per status and
# per `awaiting`: a meeting running during the upgrade must go on.
V1_STATES: dict[str, dict[str, Any]] = json.loads(
    (Path(__file__).parent / "v1_states.json").read_text(encoding="utf-8")
)
