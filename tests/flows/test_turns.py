"""3. Phases in order, turns in order, pass / skip / back / close, stale buttons."""

import pytest

from rondetafel.flows.effects import AskOptionalPhase, AskTurn, Why
from rondetafel.flows.events import Button, Person
from rondetafel.flows.script import SCRIPTS, MeetingKind, Role
from rondetafel.flows.state import Awaiting, Mark, MeetingState, Status

from .builders import (
    CARE,
    CHAIR,
    EXTERNAL,
    MENTOR,
    OLDER_PUPIL,
    OUTSIDER,
    PARENT,
    SECOND_PARENT,
    answer,
    answer_turn,
    current_role,
    current_speaker,
    pass_turn,
    phase_key,
    pid,
    press,
    skip_to_phase,
    start_meeting,
    start_with_voiced_pupil,
    texts,
    toasts,
    turn_roles,
)

PUPIL_MEETING = MeetingKind.PUPIL_MEETING


def walk_phases(state: MeetingState) -> list[str]:
    """Everybody passes; the chair does every optional phase. The phase keys seen."""
    seen: list[str] = []
    for _ in range(200):
        if state.status is not Status.RUNNING:
            return seen
        key = phase_key(state)
        if not seen or seen[-1] != key:
            seen.append(key)
        if state.awaiting is Awaiting.PHASE_CHOICE:
            state = press(state, CHAIR, Button.DO_PHASE).state
        elif state.awaiting is Awaiting.EVALUATION_DATE:
            state = press(state, CHAIR, Button.EVALUATION, 42).state
        else:
            state = pass_turn(state).state
    raise AssertionError("the meeting never ended")


# ---------------------------------------------------------------- phases


@pytest.mark.parametrize("kind", list(MeetingKind))
def test_the_phases_of_the_chosen_script_come_in_order(kind: MeetingKind) -> None:
    seen = walk_phases(start_with_voiced_pupil(kind))

    assert seen == [p.key for p in SCRIPTS[kind].phases]


@pytest.mark.parametrize("kind", [MeetingKind.PUPIL_MEETING, MeetingKind.MDO, MeetingKind.CIRCLE])
def test_what_goes_well_is_asked_before_what_is_still_hard(kind: MeetingKind) -> None:
    seen = walk_phases(start_with_voiced_pupil(kind))

    assert seen.index("goes_well") < seen.index("still_hard")


def test_the_chair_is_asked_whether_to_do_the_optional_insight_phase() -> None:
    state = skip_to_phase(start_meeting(PUPIL_MEETING), "still_hard")
    while phase_key(state) == "still_hard":
        outcome = pass_turn(state)
        state = outcome.state

    assert phase_key(state) == "insight"
    assert state.awaiting is Awaiting.PHASE_CHOICE
    assert state.current is None
    assert outcome.effects == (AskOptionalPhase(),)


def test_the_chair_can_do_the_optional_phase() -> None:
    state = skip_to_phase(start_meeting(PUPIL_MEETING), "still_hard")
    state = press(state, CHAIR, Button.CLOSE_PHASE).state

    outcome = press(state, CHAIR, Button.DO_PHASE)

    assert phase_key(outcome.state) == "insight"
    assert outcome.state.awaiting is Awaiting.ANSWER
    assert outcome.effects == (AskTurn(),)


def test_the_chair_can_skip_the_optional_phase() -> None:
    state = skip_to_phase(start_meeting(PUPIL_MEETING), "still_hard")
    state = press(state, CHAIR, Button.CLOSE_PHASE).state

    outcome = press(state, CHAIR, Button.SKIP_PHASE)

    assert phase_key(outcome.state) == "goals"
    assert outcome.state.awaiting is Awaiting.ANSWER
    assert not outcome.state.points("insight")


def test_a_skipped_optional_phase_has_no_points_even_if_the_chair_typed_during_the_choice() -> None:
    state = skip_to_phase(start_meeting(PUPIL_MEETING), "still_hard")
    state = press(state, CHAIR, Button.CLOSE_PHASE).state
    state = answer(state, CHAIR, "let us skip this one").state

    state = press(state, CHAIR, Button.SKIP_PHASE).state

    assert phase_key(state) == "goals"
    assert state.points("insight") == ()


def test_going_back_after_skipping_offers_the_choice_even_if_someone_typed_during_it() -> None:
    state = skip_to_phase(start_meeting(PUPIL_MEETING), "still_hard")
    state = press(state, CHAIR, Button.CLOSE_PHASE).state
    state = answer(state, MENTOR, "I think we can skip it").state  # a side note
    state = press(state, CHAIR, Button.SKIP_PHASE).state

    outcome = press(state, CHAIR, Button.BACK)

    assert phase_key(outcome.state) == "insight"
    assert outcome.state.awaiting is Awaiting.PHASE_CHOICE


def test_only_the_chair_decides_about_the_optional_phase() -> None:
    state = skip_to_phase(start_meeting(PUPIL_MEETING), "still_hard")
    state = press(state, CHAIR, Button.CLOSE_PHASE).state

    outcome = press(state, MENTOR, Button.SKIP_PHASE)

    assert outcome.state == state
    assert toasts(outcome) == [Why.ONLY_CHAIR]


# ---------------------------------------------------------------- turn order


def test_pupil_and_parents_speak_first_and_the_chair_last() -> None:
    state = start_meeting(
        PUPIL_MEETING,
        [
            (CARE, Role.CARE_COORDINATOR),
            (MENTOR, Role.MENTOR),
            (EXTERNAL, Role.EXTERNAL),
            (PARENT, Role.PARENT),
            (OLDER_PUPIL, Role.PUPIL),
        ],
    )

    assert turn_roles(state) == [
        Role.PUPIL,
        Role.PARENT,
        Role.MENTOR,
        Role.EXTERNAL,
        Role.CARE_COORDINATOR,
        Role.CHAIR,
    ]
    assert current_speaker(state) == OLDER_PUPIL


def test_people_with_the_same_role_speak_in_the_order_they_joined() -> None:
    state = start_meeting(
        PUPIL_MEETING, [(SECOND_PARENT, Role.PARENT), (MENTOR, Role.MENTOR), (PARENT, Role.PARENT)]
    )

    assert list(state.turn_order) == [
        pid(state, SECOND_PARENT),
        pid(state, PARENT),
        pid(state, MENTOR),
        pid(state, CHAIR),
    ]


def test_each_participant_is_asked_in_turn() -> None:
    state = start_with_voiced_pupil(PUPIL_MEETING)
    asked: list[Role] = []
    while phase_key(state) == "meeting_goals":
        asked.append(current_role(state))
        state = answer_turn(state, f"said by {current_role(state)}").state

    assert asked == [Role.PUPIL, Role.PARENT, Role.MENTOR, Role.CHAIR]
    assert texts(state, "meeting_goals") == [
        "said by pupil",
        "said by parent",
        "said by mentor",
        "said by chair",
    ]


def test_a_phase_asks_only_the_roles_that_have_a_question_in_it() -> None:
    people = [(MENTOR, Role.MENTOR), (PARENT, Role.PARENT), (EXTERNAL, Role.EXTERNAL)]
    state = start_meeting(MeetingKind.MDO, people, voiced_by=PARENT)

    support = skip_to_phase(state, "support_needs")
    decisions = skip_to_phase(support, "decisions")

    assert turn_roles(support) == [Role.PARENT, Role.MENTOR, Role.EXTERNAL]
    assert turn_roles(decisions) == [Role.PARENT, Role.EXTERNAL, Role.CHAIR]


def test_the_adult_relaying_the_voiced_pupil_answers_for_the_pupil() -> None:
    state = start_with_voiced_pupil(PUPIL_MEETING)
    assert current_role(state) is Role.PUPIL

    state = answer(state, PARENT, "I like drawing").state

    [point] = state.points("meeting_goals")
    assert state.participant(point.participant).role is Role.PUPIL
    assert current_role(state) is Role.PARENT


def test_a_reply_with_several_lines_is_several_points() -> None:
    state = start_meeting(PUPIL_MEETING)

    state = answer(state, PARENT, "- reads every evening\n\n• plays football\nhelps at home").state

    assert texts(state, "meeting_goals") == [
        "reads every evening",
        "plays football",
        "helps at home",
    ]
    seqs = [c.seq for c in state.contributions]
    assert len(seqs) == len(set(seqs))


def test_a_late_joiner_is_asked_from_the_next_phase_on() -> None:
    state = start_meeting(PUPIL_MEETING)
    state = press(state, CARE, Button.JOIN, Role.CARE_COORDINATOR.value).state

    assert pid(state, CARE) not in state.turn_order
    state = press(state, CHAIR, Button.CLOSE_PHASE).state
    assert pid(state, CARE) in state.turn_order


# ---------------------------------------------------------------- pass, skip, back, close


def test_a_participant_can_pass_their_turn() -> None:
    state = start_meeting(PUPIL_MEETING)

    outcome = press(state, PARENT, Button.PASS)

    assert current_speaker(outcome.state) == MENTOR
    [record] = outcome.state.contributions[-1:]
    assert (record.mark, record.participant) == (Mark.PASSED, pid(state, PARENT))
    assert outcome.effects == (AskTurn(),)


def test_the_chair_can_skip_someone() -> None:
    state = start_meeting(PUPIL_MEETING)

    outcome = press(state, CHAIR, Button.SKIP)

    assert current_speaker(outcome.state) == MENTOR
    assert outcome.state.contributions[-1].mark is Mark.SKIPPED


def test_the_chair_pressing_pass_on_someone_elses_turn_skips_them() -> None:
    state = start_meeting(PUPIL_MEETING)

    outcome = press(state, CHAIR, Button.PASS)

    assert current_speaker(outcome.state) == MENTOR
    assert outcome.state.contributions[-1].mark is Mark.SKIPPED


def test_only_the_chair_can_skip_someone() -> None:
    state = start_meeting(PUPIL_MEETING)

    outcome = press(state, MENTOR, Button.SKIP)

    assert outcome.state == state
    assert toasts(outcome) == [Why.ONLY_CHAIR]


def test_someone_whose_turn_it_is_not_cannot_pass_for_another() -> None:
    state = start_meeting(PUPIL_MEETING)

    outcome = press(state, MENTOR, Button.PASS)

    assert outcome.state == state
    assert toasts(outcome) == [Why.NOT_YOUR_TURN_BUTTON]


def test_the_chair_can_go_back_one_step() -> None:
    state = start_meeting(PUPIL_MEETING)
    state = answer(state, PARENT, "reads a lot").state

    outcome = press(state, CHAIR, Button.BACK)

    assert current_speaker(outcome.state) == PARENT
    assert outcome.state.step > state.step
    assert texts(outcome.state, "meeting_goals") == ["reads a lot"]
    assert outcome.effects == (AskTurn(),)


def test_going_back_from_a_phases_first_turn_returns_to_the_last_turn_before_it() -> None:
    state = skip_to_phase(start_meeting(PUPIL_MEETING), "goes_well")

    outcome = press(state, CHAIR, Button.BACK)

    assert phase_key(outcome.state) == "meeting_goals"
    assert current_speaker(outcome.state) == CHAIR


def test_there_is_nothing_before_the_first_turn() -> None:
    state = start_meeting(PUPIL_MEETING)

    outcome = press(state, CHAIR, Button.BACK)

    assert outcome.state == state
    assert toasts(outcome) == [Why.NOTHING_BEFORE]


def test_going_back_after_skipping_the_optional_phase_offers_the_choice_again() -> None:
    state = skip_to_phase(start_meeting(PUPIL_MEETING), "still_hard")
    state = press(state, CHAIR, Button.CLOSE_PHASE).state
    state = press(state, CHAIR, Button.SKIP_PHASE).state
    assert phase_key(state) == "goals"

    outcome = press(state, CHAIR, Button.BACK)

    # Back to the choice about the optional phase, not into its questions.
    assert phase_key(outcome.state) == "insight"
    assert outcome.state.awaiting is Awaiting.PHASE_CHOICE
    assert outcome.effects == (AskOptionalPhase(),)


def test_going_back_after_doing_the_optional_phase_returns_to_its_last_turn() -> None:
    state = skip_to_phase(start_meeting(PUPIL_MEETING), "insight")
    while phase_key(state) == "insight":
        state = answer_turn(state, "anxious when timed").state
    assert phase_key(state) == "goals"

    outcome = press(state, CHAIR, Button.BACK)

    assert phase_key(outcome.state) == "insight"
    assert current_speaker(outcome.state) == CHAIR
    assert outcome.effects == (AskTurn(),)


def test_only_the_chair_can_go_back() -> None:
    state = answer(start_meeting(PUPIL_MEETING), PARENT, "reads a lot").state

    outcome = press(state, MENTOR, Button.BACK)

    assert outcome.state == state
    assert toasts(outcome) == [Why.ONLY_CHAIR]


def test_the_chair_can_close_a_phase_early() -> None:
    state = start_meeting(PUPIL_MEETING)

    outcome = press(state, CHAIR, Button.CLOSE_PHASE)

    assert phase_key(outcome.state) == "goes_well"
    assert current_speaker(outcome.state) == PARENT
    assert outcome.effects == (AskTurn(),)


def test_only_the_chair_can_close_a_phase() -> None:
    state = start_meeting(PUPIL_MEETING)

    outcome = press(state, PARENT, Button.CLOSE_PHASE)

    assert outcome.state == state
    assert toasts(outcome) == [Why.ONLY_CHAIR]


# ---------------------------------------------------------------- steps


def test_every_new_prompt_has_a_new_step() -> None:
    state = start_meeting(PUPIL_MEETING)
    steps = [state.step]
    for text in ("a", "b", "c"):
        state = answer_turn(state, text).state
        steps.append(state.step)

    assert steps == sorted(set(steps))


@pytest.mark.parametrize(
    ("button", "by"),
    [
        (Button.PASS, MENTOR),
        (Button.SKIP, CHAIR),
        (Button.BACK, CHAIR),
        (Button.CLOSE_PHASE, CHAIR),
    ],
)
def test_a_button_on_an_old_prompt_is_stale_and_not_acted_on(button: Button, by: Person) -> None:
    state = start_meeting(PUPIL_MEETING)
    old_step = state.step
    state = answer(state, PARENT, "reads a lot").state
    assert current_speaker(state) == MENTOR

    outcome = press(state, by, button, step=old_step)

    assert outcome.state == state
    assert toasts(outcome) == [Why.STALE_BUTTON]


def test_an_old_optional_phase_choice_is_stale() -> None:
    state = skip_to_phase(start_meeting(PUPIL_MEETING), "still_hard")
    state = press(state, CHAIR, Button.CLOSE_PHASE).state
    old_step = state.step
    state = press(state, CHAIR, Button.DO_PHASE).state

    outcome = press(state, CHAIR, Button.SKIP_PHASE, step=old_step)

    assert outcome.state == state
    assert toasts(outcome) == [Why.STALE_BUTTON]


def test_a_non_participant_pressing_pass_gets_a_toast() -> None:
    state = start_meeting(PUPIL_MEETING)

    outcome = press(state, OUTSIDER, Button.PASS)

    assert outcome.state == state
    assert toasts(outcome) == [Why.NOT_YOUR_TURN_BUTTON]
