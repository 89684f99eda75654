"""6. Finishing, /stop, /meeting while one runs, and resuming after a restart."""

from collections.abc import Callable

import pytest

from rondetafel.flows.effects import (
    AskTurn,
    ConfirmStop,
    Continues,
    Done,
    Effect,
    MeetingFinished,
    MeetingStopped,
    Notice,
    ShowAgreement,
    ShowEvaluation,
    ShowMeeting,
    ShowSideNote,
    Toast,
    Why,
)
from rondetafel.flows.events import Button, Pressed, ResumeReason
from rondetafel.flows.prompts import Prompt
from rondetafel.flows.script import MeetingKind
from rondetafel.flows.state import MeetingState, Status

from .builders import (
    CHAIR,
    MENTOR,
    NOW,
    PARENT,
    answer,
    answer_turn,
    gather,
    next_message_id,
    notices,
    open_meeting,
    press,
    request_meeting,
    request_stop,
    resume,
    skip_to_phase,
    start_meeting,
    start_with_voiced_pupil,
    step,
)

KIND = MeetingKind.START
Closer = Callable[[], MeetingState]


def at_last_turn() -> MeetingState:
    state = skip_to_phase(start_meeting(KIND), "tops_tips")
    while state.turn_index + 1 < len(state.turn_order):
        state = answer_turn(state, "-").state  # a dash passes
    return state


def finished() -> MeetingState:
    state = answer(at_last_turn(), CHAIR, "good pace").state
    assert state.status is Status.FINISHED
    return state


def stopped() -> MeetingState:
    state = start_meeting(KIND)
    return press(state, CHAIR, Button.STOP_YES).state


# ---------------------------------------------------------------- finishing


def test_after_the_last_phase_the_meeting_is_finished_with_a_summary() -> None:
    outcome = answer(at_last_turn(), CHAIR, "good pace")

    assert outcome.state.status is Status.FINISHED
    assert outcome.state.prompt is Prompt.CLOSED
    assert outcome.state.finished_at == NOW
    assert outcome.state.current is None
    assert outcome.effects == (MeetingFinished(),)


def test_closing_the_last_phase_finishes_the_meeting() -> None:
    state = skip_to_phase(start_meeting(KIND), "tops_tips")

    outcome = press(state, CHAIR, Button.CLOSE_PHASE)

    assert outcome.state.status is Status.FINISHED
    # A closed meeting's message shows what happened, not the controls of before.
    assert outcome.effects == (MeetingFinished(),)


# ---------------------------------------------------------------- /stop


def test_slash_stop_by_the_chair_asks_for_confirmation() -> None:
    state = start_meeting(KIND)

    outcome = request_stop(state, CHAIR)

    assert outcome.state == state
    assert outcome.effects == (ConfirmStop(),)


def test_confirming_stop_stops_the_meeting_without_a_summary() -> None:
    state = request_stop(start_meeting(KIND), CHAIR).state

    outcome = press(state, CHAIR, Button.STOP_YES)

    assert outcome.state.status is Status.STOPPED
    assert outcome.state.prompt is Prompt.CLOSED
    assert outcome.state.finished_at == NOW
    assert outcome.effects == (Toast(Done.OK, clear_buttons=True), MeetingStopped())


def test_stopping_while_the_evaluation_date_is_asked_closes_that_message_too() -> None:
    state = skip_to_phase(start_meeting(KIND), "agreements")
    state = press(state, CHAIR, Button.CLOSE_PHASE).state
    assert state.prompt is Prompt.EVALUATION

    outcome = press(request_stop(state, CHAIR).state, CHAIR, Button.STOP_YES)

    assert outcome.state.status is Status.STOPPED
    assert outcome.state.evaluation_date is None
    assert outcome.effects == (
        Toast(Done.OK, clear_buttons=True),
        ShowEvaluation(edit=True),
        MeetingStopped(),
    )


def test_the_chair_can_stop_before_the_meeting_started() -> None:
    state = gather(KIND)

    outcome = press(request_stop(state, CHAIR).state, CHAIR, Button.STOP_YES)

    assert outcome.state.status is Status.STOPPED


def test_not_confirming_stop_lets_the_meeting_go_on() -> None:
    state = start_meeting(KIND)

    outcome = press(request_stop(state, CHAIR).state, CHAIR, Button.STOP_NO)

    assert outcome.state == state
    assert outcome.effects == (Toast(Done.OK, clear_buttons=True),)


def test_only_the_chair_or_a_group_admin_can_stop_the_meeting() -> None:
    state = start_meeting(KIND)

    outcome = request_stop(state, MENTOR)

    assert outcome.state == state
    assert notices(outcome) == [Why.ONLY_CHAIR_OR_ADMIN]


def test_only_the_chair_can_confirm_stop() -> None:
    state = start_meeting(KIND)

    outcome = press(state, PARENT, Button.STOP_YES)

    assert outcome.state == state
    assert outcome.effects == (Toast(Why.ONLY_CHAIR, (("name", "Chris"),)),)


@pytest.mark.parametrize("closed", [finished, stopped])
def test_slash_stop_after_the_meeting_closed_says_there_is_no_meeting(closed: Closer) -> None:
    state = closed()

    outcome = request_stop(state, CHAIR)

    assert outcome.state == state
    assert notices(outcome) == [Why.NO_MEETING]


@pytest.mark.parametrize("closed", [finished, stopped])
@pytest.mark.parametrize("button", list(Button))
def test_buttons_after_the_meeting_closed_are_stale(closed: Closer, button: Button) -> None:
    state = closed()

    outcome = press(state, CHAIR, button, "mentor")
    controls = press(state, CHAIR, button, "1", step=state.controls)

    assert outcome.state == controls.state == state
    assert outcome.effects == controls.effects == (Toast(Why.STALE_BUTTON, clear_buttons=True),)


@pytest.mark.parametrize("closed", [finished, stopped])
@pytest.mark.parametrize("button", [Button.PASS, Button.SKIP, Button.BACK, Button.CLOSE_PHASE])
def test_a_typed_command_after_the_meeting_closed_says_there_is_no_meeting(
    closed: Closer, button: Button
) -> None:
    state = closed()
    mid = next_message_id()

    outcome = step(state, Pressed(CHAIR, button, command=mid))

    assert outcome.state == state
    assert outcome.effects == (Notice(Why.NO_MEETING, to_user=CHAIR.user_id, reply_to=mid),)


# ---------------------------------------------------------------- /meeting while one runs


def in_each_active_status() -> list[MeetingState]:
    naming = open_meeting().state
    gathering = answer(naming, CHAIR, "S.V.").state
    running = start_meeting(KIND)
    assert [s.status for s in (naming, gathering, running)] == [
        Status.NAMING_PUPIL,
        Status.GATHERING,
        Status.RUNNING,
    ]
    return [naming, gathering, running]


@pytest.mark.parametrize("index", range(3))
def test_slash_meeting_while_one_runs_says_one_is_already_running(index: int) -> None:
    state = in_each_active_status()[index]

    outcome = request_meeting(state, MENTOR)

    assert outcome.state == state
    assert notices(outcome) == [Why.ALREADY_RUNNING]


# ---------------------------------------------------------------- resuming


def pending_prompts() -> list[tuple[str, MeetingState, tuple[Effect, ...]]]:
    _, gathering, running = in_each_active_status()
    pupil = skip_to_phase(start_with_voiced_pupil(MeetingKind.PUPIL_MEETING), "still_hard")
    optional = press(pupil, CHAIR, Button.CLOSE_PHASE).state
    agreements = skip_to_phase(pupil, "agreements")
    first = answer(agreements, PARENT, "read daily\nweekly check-in").state
    second = press(first, PARENT, Button.DUE, 7).state
    evaluation = press(agreements, CHAIR, Button.CLOSE_PHASE).state
    long = answer(running, PARENT, "x" * 4000).state
    noted = answer(running, MENTOR, "the bus is late on Mondays").state
    [note] = noted.pending_side_notes()
    assert optional.phase is not None and optional.phase.optional
    assert (first.prompt, second.prompt) == (Prompt.AGREEMENT, Prompt.AGREEMENT)
    assert evaluation.prompt is Prompt.EVALUATION
    return [
        # While people gather, the meeting message is the prompt.
        ("gathering", gathering, ()),
        ("a turn", running, (AskTurn(),)),
        ("the rest of a long answer", long, (AskTurn(more=True),)),
        ("a turn in an optional phase", optional, (AskTurn(),)),
        ("an open agreement", first, (ShowAgreement(1),)),
        ("the next open agreement", second, (ShowAgreement(2),)),
        ("the evaluation date", evaluation, (ShowEvaluation(),)),
        ("a side note waiting for the chair", noted, (AskTurn(), ShowSideNote(note.seq))),
    ]


@pytest.mark.parametrize("index", range(8))
def test_resumed_re_presents_the_meeting_message_and_exactly_the_pending_prompt(
    index: int,
) -> None:
    _, state, prompt = pending_prompts()[index]

    outcome = resume(state)

    assert outcome.state == state
    assert outcome.effects == (Continues(ResumeReason.BACK), ShowMeeting(), *prompt)


@pytest.mark.parametrize("closed", [finished, stopped])
def test_resumed_after_the_meeting_closed_does_nothing(closed: Closer) -> None:
    state = closed()

    assert resume(state).effects == ()
    assert resume(state).state == state
