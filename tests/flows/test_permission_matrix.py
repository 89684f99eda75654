"""The role × action matrix, one test per cell: act as that role, see whether it acts.

Each cell is tried through the real core (`transition`, `start_refusal`), not
by reading the matrix back: a person who holds the role does the action at a
moment it applies, and the outcome is compared with the cell. "Own turn" is
tried twice (on their turn it acts, on someone else's it is refused); "with
consent" twice (without, refused; with, it acts). The case's own commands
(invite, export, erase, the audit trail, the list of agreements; changing an
agreement between meetings) and the stranger in a private chat are the
shell's: their cells are tried through the dispatcher in
tests/bot/test_permission_matrix.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from rondetafel.flows.effects import ChairChanged, ConfirmStop, Notice, Toast, Why
from rondetafel.flows.events import (
    Button,
    ChairClaimed,
    ConsentRecorded,
    MeetingRequested,
    Person,
    Replied,
    StopRequested,
)
from rondetafel.flows.permissions import MATRIX, Action, Actor, May, matrix_markdown
from rondetafel.flows.prompts import Prompt
from rondetafel.flows.script import MeetingKind, PhaseType, Role
from rondetafel.flows.state import MeetingState
from rondetafel.flows.transition import Outcome, start_refusal, transition

from .builders import (
    CARE,
    CHAIR,
    EXTERNAL,
    MENTOR,
    NOW,
    OUTSIDER,
    PARENT,
    SECOND_PARENT,
    current_speaker,
    gather,
    next_message_id,
    press,
)

KIND = MeetingKind.MDO
ADMIN = Person(1098, "Ada")  # a group admin who takes no part
EVERYONE = (
    (PARENT, Role.PARENT),
    (MENTOR, Role.MENTOR),
    (CARE, Role.CARE_COORDINATOR),
    (EXTERNAL, Role.EXTERNAL),
    (SECOND_PARENT, Role.PARENT),
)
PERSON: dict[Actor, Person] = {
    Actor.CHAIR: CHAIR,
    Actor.CARE_COORDINATOR: CARE,
    Actor.MENTOR: MENTOR,
    Actor.PARENT: PARENT,
    Actor.PUPIL_RELAY: SECOND_PARENT,
    Actor.EXTERNAL: EXTERNAL,
    Actor.FORMER_CHAIR: CHAIR,
    Actor.GROUP_ADMIN: ADMIN,
    Actor.MEMBER: OUTSIDER,
}
# The role a person joins as when they try to join.
JOINS_AS: dict[Actor, Role] = {
    Actor.CHAIR: Role.CHAIR,
    Actor.CARE_COORDINATOR: Role.CARE_COORDINATOR,
    Actor.MENTOR: Role.MENTOR,
    Actor.PARENT: Role.PARENT,
    Actor.PUPIL_RELAY: Role.PARENT,
    Actor.EXTERNAL: Role.EXTERNAL,
    Actor.FORMER_CHAIR: Role.CHAIR,
    Actor.GROUP_ADMIN: Role.MENTOR,
    Actor.MEMBER: Role.MENTOR,
}
SHELLS_ACTIONS = (
    Action.INVITE,
    Action.EXPORT,
    Action.ERASE,
    Action.READ_AUDIT,
    Action.READ_AGREEMENTS,
    Action.INVITE_FAMILY,
)
REFUSALS = frozenset(
    {
        Why.ONLY_CHAIR,
        Why.ONLY_CHAIR_OR_ADMIN,
        Why.NOT_PARTICIPANT,
        Why.NOT_YOUR_TURN_BUTTON,
        Why.NO_TURN,
        Why.NEEDS_CONSENT,
        Why.CONSENT_WITHDRAWN,
        Why.MAY_NOT_START,
    }
)


def refused(outcome: Outcome) -> bool:
    for effect in outcome.effects:
        why = effect.text if isinstance(effect, Toast) else getattr(effect, "why", None)
        if isinstance(effect, Toast | Notice) and why in REFUSALS:
            return True
    return False


def gathering(actor: Actor, *, voiced: bool = True) -> MeetingState:
    state = gather(KIND, EVERYONE, voiced_by=SECOND_PARENT if voiced else None)
    if actor is Actor.FORMER_CHAIR:
        state = transition(state, ChairClaimed(ADMIN, admin=True), NOW).state
    return state


def chair_of(state: MeetingState) -> Person:
    chair = state.chair_participant()
    return ADMIN if chair.user_id == ADMIN.user_id else CHAIR


def running(actor: Actor) -> MeetingState:
    state = gathering(actor)
    state = press(state, chair_of(state), Button.START).state
    assert state.prompt is Prompt.TURN
    return state


def turns(state: MeetingState) -> list[MeetingState]:
    """Every turn from here to the end, the chair moving on each time."""
    seen = []
    for _ in range(200):
        if state.current is None:
            return seen
        seen.append(state)
        state = press(state, chair_of(state), Button.SKIP).state
    raise AssertionError("the meeting did not end")


def speaks(state: MeetingState, person: Person) -> bool:
    assert state.current is not None
    return state.speaker_for(state.current).user_id == person.user_id


def own_turn(actor: Actor) -> MeetingState:
    person = PERSON[actor]
    return next(s for s in turns(running(actor)) if speaks(s, person))


def other_turn(actor: Actor) -> MeetingState:
    person = PERSON[actor]
    return next(s for s in turns(running(actor)) if not speaks(s, person))


def agreement_open(actor: Actor, *, own: bool) -> MeetingState:
    """An agreement proposed on a turn (theirs, or someone else's) waits for its date."""
    person = PERSON[actor]
    for state in turns(running(actor)):
        phase = state.phase
        assert phase is not None
        if phase.type is PhaseType.AGREEMENTS and speaks(state, person) is own:
            speaker = current_speaker(state)
            message = next_message_id()
            state = transition(state, Replied(speaker, "bel elke vrijdag", message), NOW).state
            assert state.prompt is Prompt.AGREEMENT
            return state
    raise AssertionError(f"no agreements turn for {actor}")


def acts(state: MeetingState, event: object) -> bool:
    return not refused(transition(state, event, NOW))  # type: ignore[arg-type]


# ---------------------------------------------------------------- each action, tried


def try_start(actor: Actor) -> bool:
    latest = running(actor)
    request = MeetingRequested(PERSON[actor], admin=actor is Actor.GROUP_ADMIN)
    return start_refusal(latest, request) == ()


def try_join(actor: Actor, *, consent: bool = True) -> bool:
    state = gathering(actor)
    person = PERSON[actor]
    if actor is Actor.EXTERNAL:
        state = gather(KIND, [p for p in EVERYONE if p[0] != EXTERNAL])
        if consent:
            state = transition(state, ConsentRecorded(person.user_id), NOW).state
    return not refused(press(state, person, Button.JOIN, JOINS_AS[actor].value))


def try_relay(actor: Actor) -> bool:
    state = gathering(actor, voiced=False)
    return not refused(press(state, PERSON[actor], Button.VOICE_PUPIL))


def try_lead(actor: Actor) -> bool:
    return not refused(press(gathering(actor), PERSON[actor], Button.KIND, MeetingKind.CIRCLE))


def try_answer(actor: Actor, *, own: bool) -> bool:
    state = own_turn(actor) if own else other_turn(actor)
    reply = Replied(PERSON[actor], "gaat goed met lezen", next_message_id())
    after = transition(state, reply, NOW).state
    return after.step > state.step  # the answer ended the turn: it was taken as the answer


def try_pass(actor: Actor, *, own: bool) -> bool:
    state = own_turn(actor) if own else other_turn(actor)
    return not refused(press(state, PERSON[actor], Button.PASS))


def try_control(button: Button) -> Callable[[Actor], bool]:
    def attempt(actor: Actor) -> bool:
        return not refused(press(running(actor), PERSON[actor], button))

    return attempt


def try_stop(actor: Actor) -> bool:
    event = StopRequested(PERSON[actor], admin=actor is Actor.GROUP_ADMIN)
    return ConfirmStop() in transition(running(actor), event, NOW).effects


def try_take_chair(actor: Actor) -> bool:
    event = ChairClaimed(PERSON[actor], admin=actor is Actor.GROUP_ADMIN)
    outcome = transition(running(actor), event, NOW)
    return any(isinstance(e, ChairChanged) for e in outcome.effects)


def try_agreement(actor: Actor, *, own: bool) -> bool:
    state = agreement_open(actor, own=own)
    return not refused(press(state, PERSON[actor], Button.DUE, 14))


PLAIN: dict[Action, Callable[[Actor], bool]] = {
    Action.START: try_start,
    Action.RELAY: try_relay,
    Action.LEAD: try_lead,
    Action.SKIP: try_control(Button.SKIP),
    Action.BACK: try_control(Button.BACK),
    Action.CLOSE_PHASE: try_control(Button.CLOSE_PHASE),
    Action.STOP: try_stop,
    Action.TAKE_CHAIR: try_take_chair,
}
ON_A_TURN: dict[Action, Callable[..., bool]] = {
    Action.ANSWER: try_answer,
    Action.PASS: try_pass,
    Action.AGREEMENT: try_agreement,
}

CELLS = [(actor, action) for actor in PERSON for action in Action if action not in SHELLS_ACTIONS]


@pytest.mark.parametrize(("actor", "action"), CELLS, ids=[f"{a}-{b}" for a, b in CELLS])
def test_each_role_does_each_action_exactly_as_the_matrix_says(
    actor: Actor, action: Action
) -> None:
    cell = MATRIX[actor][action]
    if action is Action.JOIN:
        assert try_join(actor) is (cell is not May.NO)
        if cell is May.WITH_CONSENT:
            assert try_join(actor, consent=False) is False
        return
    if action in ON_A_TURN:
        attempt = ON_A_TURN[action]
        if cell is May.YES:
            assert attempt(actor, own=True) and attempt(actor, own=False)
        elif cell is May.OWN_TURN:
            assert attempt(actor, own=True) is True
            assert attempt(actor, own=False) is False
        else:
            assert cell is May.NO
            assert attempt(actor, own=False) is False
        return
    assert cell in (May.YES, May.NO), (actor, action, cell)
    assert PLAIN[action](actor) is (cell is May.YES)


def test_every_cell_is_tried_here_or_in_the_shell() -> None:
    tried = {action for _, action in CELLS} | set(SHELLS_ACTIONS)
    assert tried == set(Action)
    assert set(PERSON) | {Actor.STRANGER} == set(Actor)


def test_the_readme_shows_the_matrix_the_code_enforces() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    shown = readme.split("<!-- matrix:start -->\n", 1)[1].split("\n<!-- matrix:end -->", 1)[0]
    assert shown == matrix_markdown()
