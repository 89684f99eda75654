"""4. Needs phases offer the HGW sentence starters; a chosen one is completed by the answer."""

import pytest

from rondetafel.flows.effects import AskStarter, AskTurn, Continues, Done, Toast, Why
from rondetafel.flows.events import Button, ResumeReason
from rondetafel.flows.script import (
    PUPIL_NEED_STARTERS,
    SUPPORT_NEED_STARTERS,
    MeetingKind,
    PhaseType,
    Role,
)
from rondetafel.flows.state import MeetingState

from .builders import (
    CHAIR,
    MENTOR,
    PARENT,
    answer,
    current_role,
    current_speaker,
    press,
    resume,
    skip_to_phase,
    start_with_voiced_pupil,
    toasts,
)


def in_needs_phase(kind: MeetingKind = MeetingKind.PUPIL_MEETING) -> MeetingState:
    state = skip_to_phase(start_with_voiced_pupil(kind), "needs")
    assert state.phase is not None
    assert state.phase.type is PhaseType.NEEDS
    return state


def test_the_pupil_is_offered_the_pupil_need_starters() -> None:
    state = in_needs_phase()
    assert current_role(state) is Role.PUPIL

    assert state.phase is not None
    assert state.phase.starters_for(Role.PUPIL) == PUPIL_NEED_STARTERS


def test_parents_and_mentor_are_also_offered_their_own_support_need_starters() -> None:
    phase = in_needs_phase().phase
    assert phase is not None

    for role in (Role.PARENT, Role.MENTOR):
        assert phase.starters_for(role) == PUPIL_NEED_STARTERS + SUPPORT_NEED_STARTERS


def test_choosing_a_starter_asks_to_finish_that_sentence() -> None:
    state = in_needs_phase()

    outcome = press(state, PARENT, Button.STARTER, 1)  # the parent relays the pupil

    assert outcome.state.starter == PUPIL_NEED_STARTERS[1].text
    assert outcome.effects == (Toast(Done.OK), AskStarter())


def test_the_next_answer_completes_the_chosen_starter() -> None:
    state = press(in_needs_phase(), PARENT, Button.STARTER, 0).state

    state = answer(state, PARENT, "is short and shown on the board").state

    [point] = state.points("needs")
    assert point.text == "is short and shown on the board"
    assert point.starter == PUPIL_NEED_STARTERS[0].text
    assert state.starter is None


def test_only_the_first_line_of_the_answer_completes_the_starter() -> None:
    state = press(in_needs_phase(), PARENT, Button.STARTER, 2).state

    state = answer(state, PARENT, "comes right away\nmovement breaks").state

    assert [(p.text, p.starter) for p in state.points("needs")] == [
        ("comes right away", PUPIL_NEED_STARTERS[2].text),
        ("movement breaks", None),
    ]


def test_an_answer_without_a_chosen_starter_has_no_starter() -> None:
    state = answer(in_needs_phase(), PARENT, "a quiet place to work").state

    [point] = state.points("needs")
    assert point.starter is None


def test_a_starter_chosen_by_one_person_does_not_carry_over_to_the_next() -> None:
    state = press(in_needs_phase(), PARENT, Button.STARTER, 0).state
    state = answer(state, PARENT, "is short").state
    assert current_role(state) is Role.PARENT

    state = answer(state, PARENT, "a reminder on Sunday").state

    assert [p.starter for p in state.points("needs")] == [PUPIL_NEED_STARTERS[0].text, None]


def test_a_support_need_starter_is_stored_for_the_mentor() -> None:
    state = in_needs_phase()
    while current_role(state) is not Role.MENTOR:
        state = press(state, current_speaker(state), Button.PASS).state
    index = len(PUPIL_NEED_STARTERS)  # the first support-need starter

    state = press(state, MENTOR, Button.STARTER, index).state
    state = answer(state, MENTOR, "dyslexia-friendly reading").state

    [point] = state.points("needs")
    assert point.starter == SUPPORT_NEED_STARTERS[0].text


def test_a_starter_that_the_role_is_not_offered_is_not_chosen() -> None:
    state = in_needs_phase()  # the pupil's turn: only the pupil-need starters

    outcome = press(state, PARENT, Button.STARTER, len(PUPIL_NEED_STARTERS))

    assert outcome.state == state
    assert toasts(outcome) == [Why.STALE_BUTTON]


def test_someone_whose_turn_it_is_not_cannot_choose_a_starter() -> None:
    state = in_needs_phase()

    outcome = press(state, MENTOR, Button.STARTER, 0)

    assert outcome.state == state
    assert toasts(outcome) == [Why.NOT_YOUR_TURN_BUTTON]


def test_a_starter_button_on_an_old_prompt_is_stale() -> None:
    state = in_needs_phase()
    old_step = state.step
    state = answer(state, PARENT, "short tasks").state

    outcome = press(state, PARENT, Button.STARTER, 0, step=old_step)

    assert outcome.state == state
    assert toasts(outcome) == [Why.STALE_BUTTON]


def test_a_points_phase_offers_no_starters() -> None:
    state = skip_to_phase(start_with_voiced_pupil(MeetingKind.PUPIL_MEETING), "goals")

    outcome = press(state, PARENT, Button.STARTER, 0)

    assert outcome.state == state
    assert toasts(outcome) == [Why.STALE_BUTTON]


def test_resuming_before_a_starter_is_chosen_asks_the_turn_again() -> None:
    state = in_needs_phase()

    assert resume(state).effects == (Continues(ResumeReason.BACK), AskTurn())


def test_resuming_after_a_starter_was_chosen_asks_to_finish_that_sentence_again() -> None:
    state = press(in_needs_phase(), PARENT, Button.STARTER, 0).state

    outcome = resume(state)

    assert outcome.state == state
    assert outcome.effects == (Continues(ResumeReason.BACK), AskStarter())


def test_the_chair_is_not_offered_a_starter_on_someone_elses_turn() -> None:
    state = in_needs_phase()

    outcome = press(state, CHAIR, Button.STARTER, 0)

    assert outcome.state == state
    assert toasts(outcome) == [Why.NOT_YOUR_TURN_BUTTON]


@pytest.mark.parametrize("arg", ["²", "x", "-1", "", "99999999999"])
def test_a_malformed_starter_button_gets_a_toast(arg: str) -> None:
    state = in_needs_phase()

    outcome = press(state, PARENT, Button.STARTER, arg)

    assert outcome.state == state
    assert toasts(outcome) == [Why.STALE_BUTTON]
