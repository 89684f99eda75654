"""3. Phases in order, turns in order, pass / skip / back / close, typed commands, stale taps."""

from collections.abc import Callable

import pytest

from rondetafel.flows.effects import (
    AskTurn,
    Effect,
    Notice,
    ShowEvaluation,
    ShowMeeting,
    Toast,
    Why,
)
from rondetafel.flows.events import Button, Person, Pressed
from rondetafel.flows.prompts import Prompt
from rondetafel.flows.script import SCRIPTS, MeetingKind, Role
from rondetafel.flows.state import Mark, MeetingState, Status
from rondetafel.flows.transition import Outcome

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
    command,
    current_role,
    current_speaker,
    gather,
    next_message_id,
    pass_turn,
    phase_key,
    pid,
    press,
    skip_to_phase,
    start_meeting,
    start_with_voiced_pupil,
    step,
    texts,
    toasts,
    turn_roles,
)

PUPIL_MEETING = MeetingKind.PUPIL_MEETING
CONTROLS = [Button.SKIP, Button.BACK, Button.CLOSE_PHASE]


def walk_phases(state: MeetingState) -> list[str]:
    """Everybody passes; the chair picks an evaluation date. The phase keys seen."""
    seen: list[str] = []
    for _ in range(200):
        if state.status is not Status.RUNNING:
            return seen
        key = phase_key(state)
        if not seen or seen[-1] != key:
            seen.append(key)
        if state.prompt is Prompt.EVALUATION:
            state = press(state, CHAIR, Button.EVALUATION, 42).state
        else:
            state = pass_turn(state).state
    raise AssertionError("the meeting never ended")


def mentors_turn() -> MeetingState:
    """The parent answered; it is the mentor's turn, and there is a turn to go back to."""
    state = answer(start_meeting(PUPIL_MEETING), PARENT, "reads a lot").state
    assert current_speaker(state) == MENTOR
    return state


def asking_evaluation() -> MeetingState:
    state = skip_to_phase(start_meeting(PUPIL_MEETING), "agreements")
    state = press(state, CHAIR, Button.CLOSE_PHASE).state
    assert state.prompt is Prompt.EVALUATION
    assert state.current is None
    return state


def typed(state: MeetingState, person: Person, button: Button) -> tuple[Outcome, int]:
    """`person` types the command for `button`; also returns the command's message id."""
    message_id = next_message_id()
    return step(state, Pressed(person, button, command=message_id)), message_id


def marks(state: MeetingState, key: str) -> list[tuple[Mark, int]]:
    return [(c.mark, c.participant) for c in state.contributions if c.phase == key]


def without_toasts(effects: tuple[Effect, ...]) -> tuple[Effect, ...]:
    return tuple(e for e in effects if not isinstance(e, Toast))


# ---------------------------------------------------------------- phases


@pytest.mark.parametrize("kind", list(MeetingKind))
def test_the_phases_of_the_chosen_script_come_in_order(kind: MeetingKind) -> None:
    seen = walk_phases(start_with_voiced_pupil(kind))

    assert seen == [p.key for p in SCRIPTS[kind].phases]


@pytest.mark.parametrize("kind", [MeetingKind.PUPIL_MEETING, MeetingKind.MDO, MeetingKind.CIRCLE])
def test_what_goes_well_is_asked_before_what_is_still_hard(kind: MeetingKind) -> None:
    seen = walk_phases(start_with_voiced_pupil(kind))

    assert seen.index("goes_well") < seen.index("still_hard")


# ---------------------------------------------------------------- an optional phase


def test_an_optional_phase_simply_begins_without_asking_the_chair() -> None:
    state = skip_to_phase(start_meeting(PUPIL_MEETING), "still_hard")
    while phase_key(state) == "still_hard":
        outcome = pass_turn(state)
        state = outcome.state

    assert phase_key(state) == "insight"
    assert state.phases[state.phase_index].optional
    assert state.prompt is Prompt.TURN
    assert current_speaker(state) == PARENT
    assert outcome.effects == (AskTurn(),)


def test_the_chair_closes_the_optional_phase_when_it_is_not_needed() -> None:
    state = skip_to_phase(start_meeting(PUPIL_MEETING), "insight")

    outcome = press(state, CHAIR, Button.CLOSE_PHASE)

    assert phase_key(outcome.state) == "goals"
    assert current_speaker(outcome.state) == PARENT
    assert marks(outcome.state, "insight") == []  # no points, and nobody marked skipped
    assert outcome.effects == (AskTurn(), ShowMeeting(edit=True))


def test_the_chair_closes_the_optional_phase_by_typing_the_command() -> None:
    state = skip_to_phase(start_meeting(PUPIL_MEETING), "insight")

    outcome = command(state, CHAIR, Button.CLOSE_PHASE)

    assert phase_key(outcome.state) == "goals"
    assert outcome.effects == (AskTurn(), ShowMeeting(edit=True))


def test_what_was_said_in_the_optional_phase_before_it_was_closed_is_kept() -> None:
    state = skip_to_phase(start_meeting(PUPIL_MEETING), "insight")
    state = answer(state, PARENT, "anxious when timed").state

    state = press(state, CHAIR, Button.CLOSE_PHASE).state

    assert phase_key(state) == "goals"
    assert texts(state, "insight") == ["anxious when timed"]


def test_going_back_after_closing_the_optional_phase_returns_to_its_last_turn() -> None:
    state = skip_to_phase(start_meeting(PUPIL_MEETING), "insight")
    state = press(state, CHAIR, Button.CLOSE_PHASE).state
    assert phase_key(state) == "goals"

    outcome = press(state, CHAIR, Button.BACK)

    assert phase_key(outcome.state) == "insight"
    assert current_speaker(outcome.state) == CHAIR
    assert outcome.effects == (AskTurn(), ShowMeeting(edit=True))


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
    # Pass is the presser's own business: the meeting message keeps its controls.
    assert outcome.state.controls == state.controls


def test_the_adult_relaying_the_voiced_pupil_passes_for_the_pupil() -> None:
    state = start_with_voiced_pupil(PUPIL_MEETING)
    assert current_role(state) is Role.PUPIL
    pupil = state.turn_order[0]

    outcome = press(state, PARENT, Button.PASS)

    assert marks(outcome.state, "meeting_goals") == [(Mark.PASSED, pupil)]
    assert current_role(outcome.state) is Role.PARENT


def test_the_chair_can_skip_someone() -> None:
    state = start_meeting(PUPIL_MEETING)

    outcome = press(state, CHAIR, Button.SKIP)

    assert current_speaker(outcome.state) == MENTOR
    assert marks(outcome.state, "meeting_goals") == [(Mark.SKIPPED, pid(state, PARENT))]
    assert outcome.state.controls == state.controls + 1
    assert outcome.effects == (AskTurn(), ShowMeeting(edit=True))


def test_the_chair_pressing_pass_on_someone_elses_turn_is_refused() -> None:
    state = start_meeting(PUPIL_MEETING)

    outcome = press(state, CHAIR, Button.PASS)

    assert outcome.state == state
    assert outcome.effects == (Toast(Why.NOT_YOUR_TURN_BUTTON, (("name", PARENT.name),)),)


def test_the_chair_can_pass_their_own_turn() -> None:
    state = answer(mentors_turn(), MENTOR, "draws").state
    assert current_speaker(state) == CHAIR

    outcome = press(state, CHAIR, Button.PASS)

    assert phase_key(outcome.state) == "goes_well"
    assert marks(outcome.state, "meeting_goals")[-1] == (Mark.PASSED, state.chair)


def test_only_the_chair_can_skip_someone() -> None:
    state = start_meeting(PUPIL_MEETING)

    outcome = press(state, MENTOR, Button.SKIP)

    assert outcome.state == state
    assert outcome.effects == (Toast(Why.ONLY_CHAIR, (("name", CHAIR.name),)),)


def test_someone_whose_turn_it_is_not_cannot_pass_for_another() -> None:
    state = start_meeting(PUPIL_MEETING)

    outcome = press(state, MENTOR, Button.PASS)

    assert outcome.state == state
    assert outcome.effects == (Toast(Why.NOT_YOUR_TURN_BUTTON, (("name", PARENT.name),)),)


def test_the_chair_can_go_back_one_step() -> None:
    state = mentors_turn()

    outcome = press(state, CHAIR, Button.BACK)

    assert current_speaker(outcome.state) == PARENT
    assert outcome.state.step > state.step
    assert texts(outcome.state, "meeting_goals") == ["reads a lot"]
    assert outcome.effects == (AskTurn(), ShowMeeting(edit=True))


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


def test_going_back_after_doing_the_optional_phase_returns_to_its_last_turn() -> None:
    state = skip_to_phase(start_meeting(PUPIL_MEETING), "insight")
    while phase_key(state) == "insight":
        state = answer_turn(state, "anxious when timed").state
    assert phase_key(state) == "goals"

    outcome = press(state, CHAIR, Button.BACK)

    assert phase_key(outcome.state) == "insight"
    assert current_speaker(outcome.state) == CHAIR
    assert outcome.effects == (AskTurn(), ShowMeeting(edit=True))


def test_only_the_chair_can_go_back() -> None:
    state = mentors_turn()

    outcome = press(state, MENTOR, Button.BACK)

    assert outcome.state == state
    assert toasts(outcome) == [Why.ONLY_CHAIR]


def test_the_chair_can_close_a_phase_early() -> None:
    state = start_meeting(PUPIL_MEETING)

    outcome = press(state, CHAIR, Button.CLOSE_PHASE)

    assert phase_key(outcome.state) == "goes_well"
    assert current_speaker(outcome.state) == PARENT
    assert outcome.effects == (AskTurn(), ShowMeeting(edit=True))


def test_only_the_chair_can_close_a_phase() -> None:
    state = start_meeting(PUPIL_MEETING)

    outcome = press(state, PARENT, Button.CLOSE_PHASE)

    assert outcome.state == state
    assert toasts(outcome) == [Why.ONLY_CHAIR]


# ---------------------------------------------------------------- pass by replying "-"


@pytest.mark.parametrize("dash", ["-", "–", "—", "  -  ", "-\n"])
def test_replying_only_a_dash_passes_the_turn(dash: str) -> None:
    state = start_meeting(PUPIL_MEETING)

    outcome = answer(state, PARENT, dash)

    assert current_speaker(outcome.state) == MENTOR
    assert marks(outcome.state, "meeting_goals") == [(Mark.PASSED, pid(state, PARENT))]
    assert outcome.effects == (AskTurn(),)


def test_the_adult_relaying_the_voiced_pupil_passes_for_the_pupil_with_a_dash() -> None:
    state = start_with_voiced_pupil(PUPIL_MEETING)
    pupil = state.turn_order[0]

    outcome = answer(state, PARENT, "-")

    assert marks(outcome.state, "meeting_goals") == [(Mark.PASSED, pupil)]
    assert current_role(outcome.state) is Role.PARENT


def test_a_dash_before_words_is_a_bullet_not_a_pass() -> None:
    outcome = answer(start_meeting(PUPIL_MEETING), PARENT, "- reads every evening")

    assert texts(outcome.state, "meeting_goals") == ["reads every evening"]
    assert [m for m, _ in marks(outcome.state, "meeting_goals")] == [Mark.POINT]


@pytest.mark.parametrize("person", [MENTOR, CHAIR])
def test_a_dash_from_someone_whose_turn_it_is_not_passes_nothing(person: Person) -> None:
    state = start_meeting(PUPIL_MEETING)

    outcome = answer(state, person, "-")

    assert outcome.state == state
    assert outcome.effects == ()


def test_a_dash_after_a_long_answer_ends_the_turn_without_a_pass() -> None:
    state = answer(start_meeting(PUPIL_MEETING), PARENT, "a" * 4000).state

    outcome = answer(state, PARENT, "-")

    assert current_speaker(outcome.state) == MENTOR
    assert [m for m, _ in marks(outcome.state, "meeting_goals")] == [Mark.POINT]


def test_a_dash_in_the_agreements_phase_passes_without_proposing_anything() -> None:
    state = skip_to_phase(start_meeting(PUPIL_MEETING), "agreements")

    outcome = answer(state, PARENT, "-")

    assert outcome.state.agreements == ()
    assert outcome.state.prompt is Prompt.TURN
    assert current_speaker(outcome.state) == MENTOR
    assert marks(outcome.state, "agreements") == [(Mark.PASSED, pid(state, PARENT))]


# ---------------------------------------------------------------- typed commands


def test_the_speaker_passes_by_typing_the_command() -> None:
    state = start_meeting(PUPIL_MEETING)

    outcome = command(state, PARENT, Button.PASS)

    assert outcome.state == press(state, PARENT, Button.PASS).state
    assert outcome.effects == (AskTurn(),)


@pytest.mark.parametrize("button", CONTROLS)
def test_a_typed_control_does_what_its_button_does(button: Button) -> None:
    state = mentors_turn()
    pressed = press(state, CHAIR, button)
    assert pressed.state != state

    outcome = command(state, CHAIR, button)

    assert outcome.state == pressed.state
    assert outcome.effects == without_toasts(pressed.effects)
    assert toasts(outcome) == []


@pytest.mark.parametrize("button", CONTROLS)
def test_a_typed_control_carries_no_step_so_it_acts_after_the_controls_changed(
    button: Button,
) -> None:
    state = press(start_meeting(PUPIL_MEETING), CHAIR, Button.SKIP).state  # the parent
    state = answer(state, MENTOR, "draws").state  # the chair's turn, with one before it
    assert state.controls > 0

    outcome = command(state, CHAIR, button)

    assert outcome.state.controls == state.controls + 1
    assert ShowMeeting(edit=True) in outcome.effects


@pytest.mark.parametrize("button", CONTROLS)
def test_a_typed_control_by_someone_other_than_the_chair_is_refused_in_reply(
    button: Button,
) -> None:
    state = mentors_turn()

    outcome, message_id = typed(state, MENTOR, button)

    assert outcome.state == state
    assert outcome.effects == (
        Notice(Why.ONLY_CHAIR, MENTOR.user_id, message_id, (("name", CHAIR.name),)),
    )


def test_the_chair_typing_pass_on_someone_elses_turn_is_refused_in_reply() -> None:
    state = start_meeting(PUPIL_MEETING)

    outcome, message_id = typed(state, CHAIR, Button.PASS)

    assert outcome.state == state
    assert outcome.effects == (
        Notice(Why.NOT_YOUR_TURN_BUTTON, CHAIR.user_id, message_id, (("name", PARENT.name),)),
    )


def test_typing_back_at_the_first_turn_is_answered_in_reply() -> None:
    state = start_meeting(PUPIL_MEETING)

    outcome, message_id = typed(state, CHAIR, Button.BACK)

    assert outcome.state == state
    assert outcome.effects == (Notice(Why.NOTHING_BEFORE, CHAIR.user_id, message_id),)


def test_typing_pass_while_the_evaluation_date_is_asked_says_it_is_nobodys_turn() -> None:
    state = asking_evaluation()

    outcome, message_id = typed(state, PARENT, Button.PASS)

    assert outcome.state == state
    assert outcome.effects == (Notice(Why.NO_TURN, PARENT.user_id, message_id),)


def test_a_typed_control_while_people_gather_is_refused_in_reply() -> None:
    state = gather(PUPIL_MEETING, [(MENTOR, Role.MENTOR)])

    outcome, message_id = typed(state, CHAIR, Button.CLOSE_PHASE)

    assert outcome.state == state
    assert outcome.effects == (Notice(Why.NOT_NOW, CHAIR.user_id, message_id),)


# ---------------------------------------------------------------- steps


def test_every_new_prompt_has_a_new_step() -> None:
    state = start_meeting(PUPIL_MEETING)
    steps = [state.step]
    for text in ("a", "b", "c"):
        state = answer_turn(state, text).state
        steps.append(state.step)

    assert steps == sorted(set(steps))


@pytest.mark.parametrize("button", CONTROLS)
def test_a_double_tap_on_a_control_acts_once(button: Button) -> None:
    state = answer(mentors_turn(), MENTOR, "draws").state  # the chair's turn; two turns before
    first = press(state, CHAIR, button)
    assert first.state != state
    # The second tap carries the controls of the message tapped twice.
    second = press(first.state, CHAIR, button, step=state.controls)

    assert second.state == first.state
    # The edited meeting message is on its way: its buttons stay.
    assert second.effects == (Toast(Why.STALE_BUTTON),)
    # A tap on the edited message acts again.
    assert press(first.state, CHAIR, button).state != first.state


@pytest.mark.parametrize("button", CONTROLS)
def test_the_controls_stay_current_while_people_answer(button: Button) -> None:
    state = start_meeting(PUPIL_MEETING)
    controls = state.controls
    state = answer_turn(answer_turn(state, "reads").state, "draws").state
    assert state.step > 1

    outcome = press(state, CHAIR, button, step=controls)

    assert outcome.state != state
    assert ShowMeeting(edit=True) in outcome.effects


def test_pass_pressed_twice_by_the_same_speaker_passes_only_their_turn() -> None:
    state = start_meeting(PUPIL_MEETING)
    first = press(state, PARENT, Button.PASS)

    second = press(first.state, PARENT, Button.PASS)

    assert second.state == first.state
    assert second.effects == (Toast(Why.NOT_YOUR_TURN_BUTTON, (("name", MENTOR.name),)),)
    assert current_speaker(second.state) == MENTOR
    assert marks(second.state, "meeting_goals") == [(Mark.PASSED, pid(state, PARENT))]


def _relayed_pupils_turn() -> MeetingState:
    """The pupil's turn, typed by the parent, whose own turn comes next."""
    state = start_with_voiced_pupil(PUPIL_MEETING)
    assert current_role(state) is Role.PUPIL and current_speaker(state) == PARENT
    return state


def _externals_last_turn_before_their_first() -> MeetingState:
    """In an MDO without parents the external speaks last in one phase and first in the next."""
    people = [(MENTOR, Role.MENTOR), (EXTERNAL, Role.EXTERNAL)]
    state = skip_to_phase(start_meeting(MeetingKind.MDO, people), "support_needs")
    state = pass_turn(state).state
    assert (phase_key(state), current_speaker(state)) == ("support_needs", EXTERNAL)
    return state


@pytest.mark.parametrize(
    ("setup", "speaker"),
    [(_relayed_pupils_turn, PARENT), (_externals_last_turn_before_their_first, EXTERNAL)],
    ids=["relayed_pupil_then_parent", "external_across_phases"],
)
def test_a_double_tap_on_pass_passes_one_turn_even_if_the_speaker_speaks_next(
    setup: Callable[[], MeetingState], speaker: Person
) -> None:
    state = setup()
    first = press(state, speaker, Button.PASS)
    assert current_speaker(first.state) == speaker  # their own turn is next

    # The same tap again, on the same (unchanged) meeting message.
    second = press(first.state, speaker, Button.PASS, step=state.controls)

    assert second.state == first.state


def test_pass_while_the_evaluation_date_is_asked_is_nobodys_turn() -> None:
    state = asking_evaluation()

    outcome = press(state, PARENT, Button.PASS)

    assert outcome.state == state
    # The meeting message keeps its buttons: they act again once a turn is asked.
    assert outcome.effects == (Toast(Why.NO_TURN),)


def test_skip_while_the_evaluation_date_is_asked_is_nobodys_turn() -> None:
    state = asking_evaluation()

    outcome = press(state, CHAIR, Button.SKIP)

    assert outcome.state == state
    assert outcome.effects == (Toast(Why.NO_TURN),)


def test_going_back_from_the_evaluation_date_returns_to_the_last_agreements_turn() -> None:
    state = asking_evaluation()

    outcome = press(state, CHAIR, Button.BACK)

    assert phase_key(outcome.state) == "agreements"
    assert outcome.state.prompt is Prompt.TURN
    assert current_speaker(outcome.state) == CHAIR
    assert outcome.effects == (ShowEvaluation(edit=True), AskTurn(), ShowMeeting(edit=True))


def test_a_non_participant_pressing_pass_gets_a_toast() -> None:
    state = start_meeting(PUPIL_MEETING)

    outcome = press(state, OUTSIDER, Button.PASS)

    assert outcome.state == state
    assert toasts(outcome) == [Why.NOT_YOUR_TURN_BUTTON]
