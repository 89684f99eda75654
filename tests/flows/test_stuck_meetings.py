"""A meeting never blocks its group: admins take over, idle meetings close, lost prompts return."""

import datetime as dt
from collections.abc import Callable

import pytest

from rondetafel.flows.effects import (
    AskPupil,
    AskTurn,
    ChairChanged,
    ConfirmStop,
    Continues,
    Effect,
    MeetingExpired,
    Notice,
    ShowAgreement,
    ShowEvaluation,
    ShowMeeting,
    ShowSideNote,
    Toast,
    Why,
)
from rondetafel.flows.events import (
    AnonymousSender,
    Button,
    ChairClaimed,
    Expired,
    Pressed,
    Resumed,
    ResumeReason,
    StopRequested,
)
from rondetafel.flows.prompts import Prompt
from rondetafel.flows.script import MeetingKind, Role
from rondetafel.flows.state import MeetingState, Status
from rondetafel.flows.transition import without_meeting

from .builders import (
    CHAIR,
    MENTOR,
    NOW,
    OUTSIDER,
    PARENT,
    answer,
    gather,
    notices,
    open_meeting,
    pid,
    press,
    skip_to_phase,
    start_meeting,
    step,
    toasts,
)

KIND = MeetingKind.PUPIL_MEETING


def test_a_group_admin_who_is_not_the_chair_can_stop_the_meeting_after_confirming() -> None:
    state = start_meeting(KIND)

    asked = step(state, StopRequested(OUTSIDER, admin=True))
    stopped = press(asked.state, OUTSIDER, Button.STOP_YES)

    assert asked.effects == (ConfirmStop(),)
    assert stopped.state.status is Status.STOPPED


def test_someone_else_cannot_confirm_the_stop_an_admin_asked_for() -> None:
    asked = step(start_meeting(KIND), StopRequested(OUTSIDER, admin=True)).state

    outcome = press(asked, PARENT, Button.STOP_YES)

    assert outcome.state == asked
    assert toasts(outcome) == [Why.ONLY_CHAIR]


def test_a_group_admin_takes_the_chair_and_joins_as_chair() -> None:
    state = start_meeting(KIND)
    previous = state.chair

    outcome = step(state, ChairClaimed(OUTSIDER, admin=True))

    chair = outcome.state.chair_participant()
    assert (chair.user_id, chair.role) == (OUTSIDER.user_id, Role.CHAIR)
    # A turn does not address the chair: it is not asked again.
    assert outcome.effects == (ChairChanged(previous), ShowMeeting(edit=True))


def test_an_admin_who_takes_part_keeps_their_role_and_gets_the_chair() -> None:
    state = start_meeting(KIND)

    outcome = step(state, ChairClaimed(MENTOR, admin=True))

    assert outcome.state.chair == pid(state, MENTOR)
    assert outcome.state.chair_participant().role is Role.MENTOR
    assert len(outcome.state.participants) == len(state.participants)


def test_the_new_chair_is_asked_what_the_old_chair_was_asked() -> None:
    state = skip_to_phase(start_meeting(KIND), "agreements")
    state = press(state, CHAIR, Button.CLOSE_PHASE).state

    previous = state.chair

    outcome = step(state, ChairClaimed(OUTSIDER, admin=True))

    assert outcome.effects == (ChairChanged(previous), ShowMeeting(edit=True), ShowEvaluation())
    closed = press(outcome.state, OUTSIDER, Button.EVALUATION, 14)
    assert closed.state.evaluation_date == NOW.date() + dt.timedelta(days=14)
    assert toasts(press(outcome.state, CHAIR, Button.EVALUATION, 14)) == [Why.ONLY_CHAIR]


def test_a_new_chair_while_naming_the_pupil_is_asked_for_the_pupil() -> None:
    state = open_meeting().state
    assert state.prompt is Prompt.PUPIL

    outcome = step(state, ChairClaimed(OUTSIDER, admin=True))

    assert outcome.effects[0] == ChairChanged(state.chair)
    assert outcome.effects[-1] == AskPupil()
    assert answer(outcome.state, OUTSIDER, "S.V.").state.pupil == "S.V."
    assert notices(answer(outcome.state, CHAIR, "S.V.")) == [Why.ONLY_CHAIR]


def test_someone_who_is_not_an_admin_cannot_take_the_chair() -> None:
    state = start_meeting(KIND)

    outcome = step(state, ChairClaimed(PARENT, admin=False))

    assert outcome.state == state
    assert notices(outcome) == [Why.ONLY_CHAIR_OR_ADMIN]


def test_the_chair_claiming_the_chair_is_told_they_have_it() -> None:
    outcome = step(start_meeting(KIND), ChairClaimed(CHAIR, admin=True))

    assert notices(outcome) == [Why.ALREADY_CHAIR]


def test_an_idle_meeting_expires_with_a_short_note_and_frees_the_group() -> None:
    later = NOW + dt.timedelta(days=15)

    outcome = step(start_meeting(KIND), Expired(days=14), later)

    assert outcome.state.status is Status.STOPPED
    assert not outcome.state.active
    assert outcome.state.finished_at == later
    assert outcome.state.prompt is Prompt.CLOSED
    assert outcome.effects == (MeetingExpired(14),)


def test_an_ended_meeting_does_not_expire_again() -> None:
    stopped = step(start_meeting(KIND), Expired(days=14)).state

    outcome = step(stopped, Expired(days=14))

    assert (outcome.state, outcome.effects) == (stopped, ())


def test_resuming_shows_side_notes_still_waiting_for_the_chair() -> None:
    state = answer(start_meeting(KIND), MENTOR, "out of turn").state
    [note] = state.pending_side_notes()

    outcome = step(state, Resumed(ResumeReason.MIGRATED))

    assert outcome.effects[0] == Continues(ResumeReason.MIGRATED)
    assert outcome.effects[-1] == ShowSideNote(note.seq)


def test_an_anonymous_admin_is_told_to_show_their_name_with_or_without_a_meeting() -> None:
    event = AnonymousSender(message_id=77)
    told = (Notice(Why.ANONYMOUS_ADMIN, reply_to=77),)

    assert step(start_meeting(KIND), event).effects == told
    assert without_meeting(event) == told


def test_a_chair_who_handed_over_keeps_the_chair_role_in_the_record() -> None:
    state = step(gather(KIND, [(MENTOR, Role.MENTOR)]), ChairClaimed(MENTOR, admin=True)).state

    outcome = press(state, CHAIR, Button.JOIN, Role.PARENT.value)

    assert toasts(outcome) == [Why.CHAIR_KEEPS_ROLE]
    assert state.participant_of_user(CHAIR.user_id).role is Role.CHAIR  # type: ignore[union-attr]


def asking_evaluation() -> MeetingState:
    state = skip_to_phase(start_meeting(KIND), "agreements")
    state = press(state, CHAIR, Button.CLOSE_PHASE).state
    assert state.prompt is Prompt.EVALUATION
    return state


def test_expiring_while_the_evaluation_date_is_asked_closes_that_message_too() -> None:
    outcome = step(asking_evaluation(), Expired(days=14))

    assert outcome.state.status is Status.STOPPED
    assert outcome.effects == (ShowEvaluation(edit=True), MeetingExpired(14))


def test_a_new_chair_while_people_gather_sees_the_meeting_message_updated() -> None:
    state = gather(KIND, [(MENTOR, Role.MENTOR)])

    outcome = step(state, ChairClaimed(OUTSIDER, admin=True))

    assert outcome.effects == (ChairChanged(state.chair), ShowMeeting(edit=True))
    assert press(outcome.state, OUTSIDER, Button.START).state.status is Status.RUNNING


def _with_open_agreement() -> MeetingState:
    state = skip_to_phase(start_meeting(KIND), "agreements")
    state = answer(state, PARENT, "reads every evening").state
    assert state.prompt is Prompt.AGREEMENT
    return state


def _long_answer() -> MeetingState:
    return answer(start_meeting(KIND), PARENT, "a" * 4000).state


@pytest.mark.parametrize(
    ("setup", "prompt"),
    [
        (lambda: gather(KIND, [(MENTOR, Role.MENTOR)]), ()),
        (lambda: start_meeting(KIND), (AskTurn(),)),
        (_long_answer, (AskTurn(more=True),)),
        (_with_open_agreement, None),
        (asking_evaluation, (ShowEvaluation(),)),
    ],
    ids=["gathering", "turn", "rest_of_a_long_answer", "agreement", "evaluation"],
)
def test_resuming_shows_the_meeting_message_and_the_prompt_again(
    setup: Callable[[], MeetingState], prompt: tuple[Effect, ...] | None
) -> None:
    state = setup()
    if prompt is None:
        prompt = (ShowAgreement(state.open_agreements[0]),)

    outcome = step(state, Resumed(ResumeReason.BACK))

    assert outcome.state == state
    assert outcome.effects == (Continues(ResumeReason.BACK), ShowMeeting(), *prompt)


def test_resuming_before_the_pupil_is_named_only_asks_for_the_pupil_again() -> None:
    state = open_meeting().state
    assert state.prompt is Prompt.PUPIL

    outcome = step(state, Resumed(ResumeReason.BACK))

    assert outcome.state == state
    # The meeting message is first posted once the pupil is named (one message, not two).
    assert outcome.effects == (Continues(ResumeReason.BACK), AskPupil())
    assert answer(state, CHAIR, "S.V.").effects == (ShowMeeting(),)


def test_a_closed_meeting_is_not_resumed() -> None:
    stopped = step(start_meeting(KIND), Expired(days=14)).state

    outcome = step(stopped, Resumed(ResumeReason.MIGRATED))

    assert (outcome.state, outcome.effects) == (stopped, ())


def test_a_typed_command_where_no_meeting_runs_is_answered_in_reply() -> None:
    event = Pressed(CHAIR, Button.PASS, command=88)

    assert without_meeting(event) == (Notice(Why.NO_MEETING, to_user=CHAIR.user_id, reply_to=88),)
    assert without_meeting(Pressed(CHAIR, Button.PASS)) == (
        Toast(Why.STALE_BUTTON, clear_buttons=True),
    )
    stopped = step(start_meeting(KIND), Expired(days=14)).state
    assert step(stopped, event).effects == without_meeting(event)


def test_a_chair_taken_over_before_the_pupil_is_named_edits_no_meeting_message() -> None:
    outcome = step(open_meeting().state, ChairClaimed(MENTOR, admin=True))
    assert not any(isinstance(e, ShowMeeting) for e in outcome.effects)
    assert AskPupil() in outcome.effects
