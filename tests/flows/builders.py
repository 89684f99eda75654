"""Tiny helpers that drive a meeting, so that tests read like the story.

Everything goes through the public API (`new_meeting`, `transition`) with a
fixed `now` in Europe/Amsterdam. Helpers return the `Outcome`, so a test can
look at the new state and at the effects; buttons are pressed with the
current `state.step` unless a test says otherwise.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

from rondetafel.flows.effects import Effect, Notice, Toast, Why
from rondetafel.flows.events import (
    Button,
    ConsentRecorded,
    Edited,
    Event,
    MeetingRequested,
    Person,
    Pressed,
    Replied,
    RepliedWithMedia,
    Resumed,
    ResumeReason,
    StopRequested,
)
from rondetafel.flows.prompts import Prompt
from rondetafel.flows.script import MeetingKind, Role
from rondetafel.flows.state import MeetingState, Participant, Status
from rondetafel.flows.transition import Outcome, new_meeting, transition

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# A Monday afternoon in spring, local school time.
NOW = dt.datetime(2025, 3, 10, 15, 30, tzinfo=AMSTERDAM)
TODAY = NOW.date()
MEETING_ID = 42

CHAIR = Person(1001, "Chris")
MENTOR = Person(1002, "Mila")
PARENT = Person(1003, "Pieter")
CARE = Person(1004, "Cora")
EXTERNAL = Person(1005, "Eli")
OLDER_PUPIL = Person(1006, "Puck")  # an upper-secondary pupil with Telegram
SECOND_PARENT = Person(1007, "Pauline")
OUTSIDER = Person(1099, "Otto")

EVERYBODY: tuple[Person, ...] = (
    CHAIR,
    MENTOR,
    PARENT,
    CARE,
    EXTERNAL,
    OLDER_PUPIL,
    SECOND_PARENT,
    OUTSIDER,
)
PEOPLE_BY_ID: Mapping[int, Person] = {p.user_id: p for p in EVERYBODY}

PUPIL_ALIAS = "S.V."

_message_ids = itertools.count(5000)


def next_message_id() -> int:
    return next(_message_ids)


# ---------------------------------------------------------------- one event


def step(state: MeetingState, event: Event, now: dt.datetime = NOW) -> Outcome:
    return transition(state, event, now)


def answer(
    state: MeetingState,
    person: Person,
    text: str,
    *,
    message_id: int | None = None,
    now: dt.datetime = NOW,
) -> Outcome:
    """`person` replies to the bot with `text`."""
    mid = next_message_id() if message_id is None else message_id
    return transition(state, Replied(person, text, mid), now)


CONTROLS = frozenset({Button.PASS, Button.SKIP, Button.BACK, Button.CLOSE_PHASE})


def press(
    state: MeetingState,
    person: Person,
    button: Button,
    arg: str | int = "",
    *,
    step: int | None = None,
    now: dt.datetime = NOW,
) -> Outcome:
    """`person` presses `button`; on the current prompt (or controls) unless `step` is given."""
    if step is not None:
        at = step
    elif button in CONTROLS:
        at = state.controls
    else:
        at = state.step
    return transition(state, Pressed(person, button, str(arg), at), now)


def command(
    state: MeetingState, person: Person, button: Button, *, now: dt.datetime = NOW
) -> Outcome:
    """`person` types the command that stands in for `button` (/pas, /terug, /volgende…)."""
    return transition(state, Pressed(person, button, command=next_message_id()), now)


def edit(
    state: MeetingState, person: Person, message_id: int, text: str, *, now: dt.datetime = NOW
) -> Outcome:
    return transition(state, Edited(person, text, message_id), now)


def send_media(state: MeetingState, person: Person) -> Outcome:
    return transition(state, RepliedWithMedia(person, next_message_id()), NOW)


def request_meeting(state: MeetingState, person: Person) -> Outcome:
    return transition(state, MeetingRequested(person), NOW)


def request_stop(state: MeetingState, person: Person) -> Outcome:
    return transition(state, StopRequested(person), NOW)


def resume(state: MeetingState) -> Outcome:
    return transition(state, Resumed(ResumeReason.BACK), NOW)


# ---------------------------------------------------------------- set-ups


def open_meeting(
    chair: Person = CHAIR,
    *,
    pupil: str | None = None,
    language: str = "nl",
    allow_full_names: bool = False,
) -> Outcome:
    """The chair sends /meeting."""
    return new_meeting(
        MEETING_ID,
        MeetingRequested(chair, pupil=pupil),
        NOW,
        language=language,
        allow_full_names=allow_full_names,
    )


def gather(
    kind: MeetingKind,
    people: Iterable[tuple[Person, Role]] = (),
    *,
    voiced_by: Person | None = None,
    pupil: str = PUPIL_ALIAS,
    chair: Person = CHAIR,
) -> MeetingState:
    """From /meeting to the join message, with `people` joined in this order.

    `voiced_by` adds the pupil without Telegram, relayed by that person, after
    everybody joined.
    """
    state = open_meeting(chair).state
    state = answer(state, chair, pupil).state
    assert state.status is Status.GATHERING, state.status
    if kind is not state.kind:
        state = press(state, chair, Button.KIND, kind.value).state
    for person, role in people:
        if role is Role.EXTERNAL:  # the chair recorded the parents' consent first
            state = transition(state, ConsentRecorded(person.user_id), NOW).state
        state = press(state, person, Button.JOIN, role.value).state
    if voiced_by is not None:
        state = press(state, voiced_by, Button.VOICE_PUPIL).state
    return state


def start_meeting(
    kind: MeetingKind,
    people: Iterable[tuple[Person, Role]] = ((MENTOR, Role.MENTOR), (PARENT, Role.PARENT)),
    *,
    voiced_by: Person | None = None,
    chair: Person = CHAIR,
) -> MeetingState:
    """A meeting of `kind` with the chair plus `people`, started and running."""
    state = gather(kind, people, voiced_by=voiced_by, chair=chair)
    outcome = press(state, chair, Button.START)
    assert outcome.state.status is Status.RUNNING, outcome.effects
    return outcome.state


THE_FOUR = ((MENTOR, Role.MENTOR), (PARENT, Role.PARENT))


def start_with_voiced_pupil(kind: MeetingKind) -> MeetingState:
    """Chair, mentor, parent and the pupil relayed by the parent."""
    return start_meeting(kind, THE_FOUR, voiced_by=PARENT)


# ---------------------------------------------------------------- reading


def person_of(participant: Participant) -> Person:
    """The Telegram person behind an adult participant."""
    assert participant.user_id is not None, participant
    return PEOPLE_BY_ID[participant.user_id]


def current_speaker(state: MeetingState) -> Person:
    """Who types for the participant whose turn it is."""
    current = state.current
    assert current is not None, (state.status, state.prompt)
    return person_of(state.speaker_for(current))


def current_role(state: MeetingState) -> Role:
    assert state.current is not None
    return state.current.role


def phase_key(state: MeetingState) -> str:
    assert state.phase is not None
    return state.phase.key


def pid(state: MeetingState, person: Person) -> int:
    p = state.participant_of_user(person.user_id)
    assert p is not None, person
    return p.id


def texts(state: MeetingState, key: str) -> list[str]:
    return [c.text for c in state.points(key)]


def effects_of(outcome: Outcome, kind: type) -> list[Effect]:
    return [e for e in outcome.effects if isinstance(e, kind)]


def toasts(outcome: Outcome) -> list[object]:
    """The texts of the Toasts in `outcome` (a `Why` or a `Done`)."""
    return [e.text for e in outcome.effects if isinstance(e, Toast)]


def notices(outcome: Outcome) -> list[Why]:
    return [e.why for e in outcome.effects if isinstance(e, Notice)]


def turn_roles(state: MeetingState) -> list[Role]:
    return [state.participant(i).role for i in state.turn_order]


# ---------------------------------------------------------------- moving on


def answer_turn(state: MeetingState, text: str) -> Outcome:
    """Whoever's turn it is answers (the adult relaying a voiced pupil types)."""
    return answer(state, current_speaker(state), text)


def pass_turn(state: MeetingState) -> Outcome:
    return press(state, current_speaker(state), Button.PASS)


def skip_to_phase(state: MeetingState, key: str) -> MeetingState:
    """The chair closes phases until phase `key` asks."""
    for _ in range(30):
        if state.phase is not None and state.phase.key == key:
            return state
        state = press(state, CHAIR, Button.CLOSE_PHASE).state
    raise AssertionError(f"no phase {key!r} in {[p.key for p in state.phases]}")


def agree(
    state: MeetingState,
    proposer_text: str,
    plan: Sequence[tuple[Person | int, str | int | None]],
) -> MeetingState:
    """The current person proposes agreements, then who and by when for each.

    `plan` holds, per line, the owner (a Person, or a participant id for the
    voiced pupil) and the due date: quick choice in days (int), typed (str),
    or None for an ongoing agreement.
    """
    speaker = current_speaker(state)
    state = answer(state, speaker, proposer_text).state
    for owner, due in plan:
        assert state.prompt is Prompt.AGREEMENT, state.prompt
        owner_id = owner if isinstance(owner, int) else pid(state, owner)
        if state.agreement(state.open_agreements[0]).owner != owner_id:
            state = press(state, speaker, Button.OWNER, owner_id).state
        if due is None:
            state = press(state, speaker, Button.DUE, "o").state
        elif isinstance(due, int):
            state = press(state, speaker, Button.DUE, due).state
        else:
            state = answer(state, speaker, due).state
    return state
