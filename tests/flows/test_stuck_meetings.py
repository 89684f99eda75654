"""A meeting never blocks its group: admins take over, idle meetings close, lost prompts return."""

import datetime as dt

from rondetafel.flows.effects import (
    AskEvaluationDate,
    AskPupil,
    ChairChanged,
    ConfirmStop,
    Continues,
    MeetingExpired,
    Notice,
    ShowJoin,
    ShowSideNote,
    Why,
)
from rondetafel.flows.events import (
    AnonymousSender,
    Button,
    ChairClaimed,
    Expired,
    Resumed,
    ResumeReason,
    StopRequested,
)
from rondetafel.flows.script import MeetingKind, Role
from rondetafel.flows.state import Status
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
    assert outcome.effects[:2] == (ChairChanged(previous), ShowJoin(edit=True))


def test_an_admin_who_takes_part_keeps_their_role_and_gets_the_chair() -> None:
    state = start_meeting(KIND)

    outcome = step(state, ChairClaimed(MENTOR, admin=True))

    assert outcome.state.chair == pid(state, MENTOR)
    assert outcome.state.chair_participant().role is Role.MENTOR
    assert len(outcome.state.participants) == len(state.participants)


def test_the_new_chair_is_asked_what_the_old_chair_was_asked() -> None:
    state = skip_to_phase(start_meeting(KIND), "agreements")
    state = press(state, CHAIR, Button.CLOSE_PHASE).state

    outcome = step(state, ChairClaimed(OUTSIDER, admin=True))

    assert outcome.effects[-1] == AskEvaluationDate()
    closed = press(outcome.state, OUTSIDER, Button.EVALUATION, 14)
    assert closed.state.evaluation_date == NOW.date() + dt.timedelta(days=14)


def test_a_new_chair_while_naming_the_pupil_is_asked_for_the_pupil() -> None:
    state = press(open_meeting().state, CHAIR, Button.KIND, KIND.value).state

    outcome = step(state, ChairClaimed(OUTSIDER, admin=True))

    assert outcome.effects[-1] == AskPupil()
    assert answer(outcome.state, OUTSIDER, "S.V.").state.pupil == "S.V."


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
