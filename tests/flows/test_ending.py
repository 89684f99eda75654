"""6. Finishing, /stop, /meeting while one runs, and resuming after a restart."""

from collections.abc import Callable

import pytest

from rondetafel.flows.effects import (
    AskAgreementDue,
    AskAgreementOwner,
    AskEvaluationDate,
    AskMeetingQuestions,
    AskOptionalPhase,
    AskPupil,
    AskTurn,
    ConfirmStop,
    Continues,
    Effect,
    MeetingFinished,
    MeetingStopped,
    ShowJoin,
    ShowKindChoice,
    Why,
)
from rondetafel.flows.events import Button, ResumeReason
from rondetafel.flows.script import MeetingKind
from rondetafel.flows.state import Awaiting, MeetingState, Status

from .builders import (
    CHAIR,
    MENTOR,
    NOW,
    PARENT,
    answer,
    gather,
    notices,
    open_meeting,
    pass_turn,
    press,
    request_meeting,
    request_stop,
    resume,
    skip_to_phase,
    start_meeting,
    start_with_voiced_pupil,
    toasts,
)

KIND = MeetingKind.START
Closer = Callable[[], MeetingState]


def at_last_turn() -> MeetingState:
    state = skip_to_phase(start_meeting(KIND), "tops_tips")
    while state.turn_index + 1 < len(state.turn_order):
        state = pass_turn(state).state
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
    assert outcome.state.finished_at == NOW
    assert outcome.state.current is None
    assert outcome.effects == (MeetingFinished(),)


def test_closing_the_last_phase_finishes_the_meeting() -> None:
    state = skip_to_phase(start_meeting(KIND), "tops_tips")

    outcome = press(state, CHAIR, Button.CLOSE_PHASE)

    assert outcome.state.status is Status.FINISHED
    assert MeetingFinished() in outcome.effects


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
    assert outcome.state.finished_at == NOW
    assert MeetingStopped() in outcome.effects
    assert MeetingFinished() not in outcome.effects


def test_the_chair_can_stop_before_the_meeting_started() -> None:
    state = gather(KIND)

    outcome = press(request_stop(state, CHAIR).state, CHAIR, Button.STOP_YES)

    assert outcome.state.status is Status.STOPPED


def test_not_confirming_stop_lets_the_meeting_go_on() -> None:
    state = start_meeting(KIND)

    outcome = press(request_stop(state, CHAIR).state, CHAIR, Button.STOP_NO)

    assert outcome.state == state
    assert MeetingStopped() not in outcome.effects


def test_only_the_chair_or_a_group_admin_can_stop_the_meeting() -> None:
    state = start_meeting(KIND)

    outcome = request_stop(state, MENTOR)

    assert outcome.state == state
    assert notices(outcome) == [Why.ONLY_CHAIR_OR_ADMIN]


def test_only_the_chair_can_confirm_stop() -> None:
    state = start_meeting(KIND)

    outcome = press(state, PARENT, Button.STOP_YES)

    assert outcome.state == state
    assert toasts(outcome) == [Why.ONLY_CHAIR]


@pytest.mark.parametrize("closed", [finished, stopped])
def test_slash_stop_after_the_meeting_closed_says_there_is_no_meeting(closed: Closer) -> None:
    state = closed()

    outcome = request_stop(state, CHAIR)

    assert outcome.state == state
    assert notices(outcome) == [Why.NO_MEETING]


@pytest.mark.parametrize("closed", [finished, stopped])
@pytest.mark.parametrize("button", [Button.PASS, Button.STOP_YES, Button.JOIN, Button.START])
def test_buttons_after_the_meeting_closed_are_stale(closed: Closer, button: Button) -> None:
    state = closed()

    outcome = press(state, CHAIR, button, "mentor")

    assert outcome.state == state
    assert toasts(outcome) == [Why.STALE_BUTTON]


# ---------------------------------------------------------------- /meeting while one runs


def in_each_active_status() -> list[MeetingState]:
    choosing = open_meeting().state
    naming = press(choosing, CHAIR, Button.KIND, KIND.value).state
    asking = answer(naming, CHAIR, "S.V.").state
    gathering = answer(asking, CHAIR, "a question").state
    running = start_meeting(KIND)
    return [choosing, naming, asking, gathering, running]


@pytest.mark.parametrize("index", range(5))
def test_slash_meeting_while_one_runs_says_one_is_already_running(index: int) -> None:
    state = in_each_active_status()[index]

    outcome = request_meeting(state, MENTOR)

    assert outcome.state == state
    assert notices(outcome) == [Why.ALREADY_RUNNING]


# ---------------------------------------------------------------- resuming


def pending_prompts() -> list[tuple[str, MeetingState, Effect]]:
    choosing, naming, asking, gathering, running = in_each_active_status()
    pupil = skip_to_phase(start_with_voiced_pupil(MeetingKind.PUPIL_MEETING), "still_hard")
    choice = press(pupil, CHAIR, Button.CLOSE_PHASE).state
    agreements = skip_to_phase(pupil, "agreements")
    owner = answer(agreements, PARENT, "read daily").state
    due = press(owner, PARENT, Button.OWNER, 1).state
    evaluation = press(agreements, CHAIR, Button.CLOSE_PHASE).state
    long = answer(running, PARENT, "x" * 4000).state
    assert choice.awaiting is Awaiting.PHASE_CHOICE
    assert evaluation.awaiting is Awaiting.EVALUATION_DATE
    return [
        ("choosing the kind", choosing, ShowKindChoice()),
        ("naming the pupil", naming, AskPupil()),
        ("asking the questions", asking, AskMeetingQuestions()),
        ("gathering", gathering, ShowJoin()),
        ("a turn", running, AskTurn()),
        ("the rest of a long answer", long, AskTurn(more=True)),
        ("the optional phase choice", choice, AskOptionalPhase()),
        ("who", owner, AskAgreementOwner(1)),
        ("by when", due, AskAgreementDue(1)),
        ("the evaluation date", evaluation, AskEvaluationDate()),
    ]


@pytest.mark.parametrize("index", range(10))
def test_resumed_re_presents_exactly_the_pending_prompt(index: int) -> None:
    _, state, prompt = pending_prompts()[index]

    outcome = resume(state)

    assert outcome.state == state
    assert outcome.effects == (Continues(ResumeReason.BACK), prompt)


@pytest.mark.parametrize("closed", [finished, stopped])
def test_resumed_after_the_meeting_closed_does_nothing(closed: Closer) -> None:
    state = closed()

    assert resume(state).effects == ()
    assert resume(state).state == state
