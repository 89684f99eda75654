"""4. Needs phases: the HGW sentence starters are offered in the question; answers are points.

The shell lists a role's starters in the question it asks; the core only
says which starters a role gets (`Phase.starters_for`). Nobody picks a starter
with a button any more: an answer is plain points, like in any other phase.
"""

import pytest

from rondetafel.flows.effects import AskTurn, Continues, ShowMeeting
from rondetafel.flows.events import Button, ResumeReason
from rondetafel.flows.prompts import Prompt
from rondetafel.flows.script import (
    PUPIL_NEED_STARTERS,
    SCRIPTS,
    SUPPORT_NEED_STARTERS,
    MeetingKind,
    PhaseType,
    Role,
)
from rondetafel.flows.state import MeetingState

from .builders import (
    CARE,
    EXTERNAL,
    MENTOR,
    PARENT,
    answer,
    answer_turn,
    current_role,
    next_message_id,
    press,
    resume,
    skip_to_phase,
    start_meeting,
    start_with_voiced_pupil,
    turn_roles,
)


def in_needs_phase(kind: MeetingKind = MeetingKind.PUPIL_MEETING) -> MeetingState:
    state = skip_to_phase(start_with_voiced_pupil(kind), "needs")
    assert state.phase is not None
    assert state.phase.type is PhaseType.NEEDS
    return state


# ---------------------------------------------------------------- which starters


def test_the_pupil_is_offered_the_pupil_need_starters() -> None:
    state = in_needs_phase()
    assert current_role(state) is Role.PUPIL

    assert state.phase is not None
    assert state.phase.starters_for(Role.PUPIL) == PUPIL_NEED_STARTERS


@pytest.mark.parametrize("role", [Role.PARENT, Role.MENTOR, Role.CARE_COORDINATOR, Role.EXTERNAL])
def test_those_who_support_the_pupil_are_also_offered_support_need_starters(role: Role) -> None:
    phase = in_needs_phase().phase
    assert phase is not None

    offered = phase.starters_for(role)

    assert offered[: len(PUPIL_NEED_STARTERS)] == PUPIL_NEED_STARTERS
    support = offered[len(PUPIL_NEED_STARTERS) :]
    assert support and set(support) <= set(SUPPORT_NEED_STARTERS)


@pytest.mark.parametrize("role", [Role.PUPIL, Role.CHAIR])
def test_the_pupil_and_the_chair_get_no_support_need_starters(role: Role) -> None:
    phase = in_needs_phase().phase
    assert phase is not None

    assert phase.starters_for(role) == PUPIL_NEED_STARTERS


def test_only_the_schools_staff_are_offered_to_ask_for_a_colleague_or_a_manager() -> None:
    for_staff = [s for s in SUPPORT_NEED_STARTERS if "colleague" in s.text or "manager" in s.text]

    assert len(for_staff) == 2
    for starter in for_staff:
        assert starter.roles == {Role.MENTOR, Role.CARE_COORDINATOR}, starter.text


def test_only_parents_are_offered_to_ask_for_contact_with_school() -> None:
    [contact] = [s for s in SUPPORT_NEED_STARTERS if "contact with school" in s.text]

    assert contact.roles == {Role.PARENT}


@pytest.mark.parametrize("kind", list(MeetingKind))
def test_only_needs_phases_offer_starters(kind: MeetingKind) -> None:
    for phase in SCRIPTS[kind].phases:
        offered = any(phase.starters_for(role) for role in Role)
        assert offered == (phase.type is PhaseType.NEEDS), phase.key


@pytest.mark.parametrize("kind", list(MeetingKind))
def test_every_meeting_kind_asks_its_needs_before_the_agreements(kind: MeetingKind) -> None:
    keys = [p.key for p in SCRIPTS[kind].phases]
    needs = [i for i, p in enumerate(SCRIPTS[kind].phases) if p.type is PhaseType.NEEDS]

    assert needs and max(needs) < keys.index("agreements")


def test_in_an_mdo_the_support_needs_are_asked_of_those_who_support_the_pupil() -> None:
    people = ((MENTOR, Role.MENTOR), (PARENT, Role.PARENT), (CARE, Role.CARE_COORDINATOR),
              (EXTERNAL, Role.EXTERNAL))  # fmt: skip
    state = start_meeting(MeetingKind.MDO, people, voiced_by=PARENT)

    pupil_needs = skip_to_phase(state, "pupil_needs")
    support_needs = skip_to_phase(pupil_needs, "support_needs")

    assert Role.PUPIL in turn_roles(pupil_needs)
    assert turn_roles(support_needs) == [
        Role.PARENT,
        Role.MENTOR,
        Role.EXTERNAL,
        Role.CARE_COORDINATOR,
    ]
    assert support_needs.phase is not None
    # Only what the adults need themselves: the pupil's needs were the phase before.
    for role in Role:
        assert set(support_needs.phase.starters_for(role)) <= set(SUPPORT_NEED_STARTERS)


# ---------------------------------------------------------------- answering


def test_a_needs_answer_is_plain_points_one_per_line_and_the_next_person_is_asked() -> None:
    state = in_needs_phase()
    mid = next_message_id()

    outcome = answer(state, PARENT, "instruction that is short\nmovement breaks", message_id=mid)

    points = outcome.state.points("needs")
    assert [(p.text, p.starter, p.message_id) for p in points] == [
        ("instruction that is short", None, mid),
        ("movement breaks", None, mid),
    ]
    assert {p.participant for p in points} == {state.turn_order[0]}
    assert outcome.effects == (AskTurn(),)
    assert current_role(outcome.state) is Role.PARENT


def test_nothing_a_person_answered_in_the_needs_phase_carries_a_starter() -> None:
    state = in_needs_phase()
    while state.phase is not None and state.phase.key == "needs":
        state = answer_turn(state, "a quiet place to work").state

    assert len(state.points("needs")) == 4
    assert all(c.starter is None for c in state.contributions)


def test_a_needs_turn_can_be_passed_like_any_other() -> None:
    state = in_needs_phase()

    outcome = press(state, PARENT, Button.PASS, step=state.controls)  # for the pupil

    assert outcome.state.points("needs") == ()
    assert current_role(outcome.state) is Role.PARENT


def test_resuming_in_a_needs_phase_asks_the_turn_again() -> None:
    state = in_needs_phase()

    outcome = resume(state)

    assert outcome.state == state
    assert outcome.state.prompt is Prompt.TURN
    assert outcome.effects == (Continues(ResumeReason.BACK), ShowMeeting(), AskTurn())


def test_the_sentence_starter_button_is_retired_and_its_value_not_reused() -> None:
    # An old question's starter button ("h") must read as stale in the shell,
    # never as some other button; so must the retired language and
    # optional-phase choices.
    assert not {"h", "l", "d", "n", "w"} & {button.value for button in Button}
    assert not hasattr(Button, "STARTER")
