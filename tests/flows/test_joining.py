"""2. The join message: roles, unique roles, a voiced pupil, Start."""

import pytest

from rondetafel.flows.effects import AskTurn, Done, ShowMeeting, Toast, Why
from rondetafel.flows.events import Button, ConsentRecorded, Person
from rondetafel.flows.prompts import Prompt
from rondetafel.flows.script import MeetingKind, Role
from rondetafel.flows.state import Status
from rondetafel.flows.transition import transition

from .builders import (
    CARE,
    CHAIR,
    EXTERNAL,
    MENTOR,
    NOW,
    OLDER_PUPIL,
    OUTSIDER,
    PARENT,
    PUPIL_ALIAS,
    SECOND_PARENT,
    current_speaker,
    gather,
    open_meeting,
    pid,
    press,
    skip_to_phase,
    start_meeting,
    toasts,
)

KIND = MeetingKind.PUPIL_MEETING


@pytest.mark.parametrize(
    ("person", "role"),
    [
        (MENTOR, Role.MENTOR),
        (PARENT, Role.PARENT),
        (OLDER_PUPIL, Role.PUPIL),
        (CARE, Role.CARE_COORDINATOR),
        (EXTERNAL, Role.EXTERNAL),
    ],
)
def test_pressing_a_role_button_joins_the_meeting_in_that_role(person: Person, role: Role) -> None:
    state = gather(KIND)
    if role is Role.EXTERNAL:
        state = transition(state, ConsentRecorded(person.user_id), NOW).state
    outcome = press(state, person, Button.JOIN, role.value)

    joined = outcome.state.participant_of_user(person.user_id)
    assert joined is not None
    assert joined.role is role
    # Joins come in a burst: the meeting message may wait for the next one.
    assert outcome.effects == (
        ShowMeeting(edit=True, lazy=True),
        Toast(Done.JOINED, (("role", role.value),)),
    )


def test_nobody_else_can_take_the_chair() -> None:
    state = gather(KIND)

    outcome = press(state, MENTOR, Button.JOIN, Role.CHAIR.value)

    assert outcome.state == state
    assert toasts(outcome) == [Why.ROLE_TAKEN]


def test_the_pupil_role_can_be_taken_only_once() -> None:
    state = gather(KIND, [(OLDER_PUPIL, Role.PUPIL)])

    outcome = press(state, MENTOR, Button.JOIN, Role.PUPIL.value)

    assert outcome.state == state
    assert toasts(outcome) == [Why.ROLE_TAKEN]


def test_two_parents_can_both_join_as_parent() -> None:
    state = gather(KIND, [(PARENT, Role.PARENT), (SECOND_PARENT, Role.PARENT)])

    assert [p.role for p in state.participants] == [Role.CHAIR, Role.PARENT, Role.PARENT]


def test_a_participant_may_change_their_role() -> None:
    state = gather(KIND, [(MENTOR, Role.PARENT)])

    outcome = press(state, MENTOR, Button.JOIN, Role.MENTOR.value)

    me = outcome.state.participant_of_user(MENTOR.user_id)
    assert me is not None
    assert me.role is Role.MENTOR
    assert me.id == pid(state, MENTOR)
    assert len(outcome.state.participants) == 2
    assert toasts(outcome) == [Done.ROLE_CHANGED]
    assert ShowMeeting(edit=True, lazy=True) in outcome.effects


def test_the_chair_cannot_change_role() -> None:
    state = gather(KIND)

    outcome = press(state, CHAIR, Button.JOIN, Role.MENTOR.value)

    assert outcome.state == state
    assert toasts(outcome) == [Why.CHAIR_KEEPS_ROLE]


def test_pressing_ones_own_role_again_changes_nothing() -> None:
    state = gather(KIND, [(MENTOR, Role.MENTOR)])

    outcome = press(state, MENTOR, Button.JOIN, Role.MENTOR.value)

    assert outcome.state == state
    assert toasts(outcome) == [Done.JOINED]


def test_a_pupil_without_telegram_can_be_added_voiced_by_an_adult() -> None:
    state = gather(KIND, [(PARENT, Role.PARENT)])

    outcome = press(state, PARENT, Button.VOICE_PUPIL)

    pupil = outcome.state.participants[-1]
    assert pupil.role is Role.PUPIL
    assert pupil.user_id is None
    assert pupil.voiced_by == pid(state, PARENT)
    assert pupil.name == PUPIL_ALIAS
    assert outcome.state.speaker_for(pupil).user_id == PARENT.user_id
    assert outcome.effects == (ShowMeeting(edit=True, lazy=True), Toast(Done.OK))


def test_a_voiced_pupil_cannot_be_added_when_the_pupil_is_already_there() -> None:
    state = gather(KIND, [(OLDER_PUPIL, Role.PUPIL), (PARENT, Role.PARENT)])

    outcome = press(state, PARENT, Button.VOICE_PUPIL)

    assert outcome.state == state
    assert toasts(outcome) == [Why.PUPIL_ALREADY_THERE]


def test_the_pupil_role_is_taken_once_a_voiced_pupil_is_added() -> None:
    state = gather(KIND, [(PARENT, Role.PARENT)], voiced_by=PARENT)

    outcome = press(state, OLDER_PUPIL, Button.JOIN, Role.PUPIL.value)

    assert outcome.state == state
    assert toasts(outcome) == [Why.ROLE_TAKEN]


def test_only_a_participant_can_add_the_voiced_pupil() -> None:
    state = gather(KIND)

    outcome = press(state, OUTSIDER, Button.VOICE_PUPIL)

    assert outcome.state == state
    assert toasts(outcome) == [Why.NOT_PARTICIPANT]


def test_the_chair_starts_the_meeting_with_the_first_turn() -> None:
    state = gather(KIND, [(MENTOR, Role.MENTOR)])

    outcome = press(state, CHAIR, Button.START)

    assert outcome.state.status is Status.RUNNING
    assert outcome.state.started_at is not None
    assert outcome.state.phase_index == 0
    assert outcome.state.prompt is Prompt.TURN
    assert outcome.effects == (ShowMeeting(edit=True), AskTurn())


def test_start_needs_at_least_two_participants() -> None:
    state = gather(KIND)

    outcome = press(state, CHAIR, Button.START)

    assert outcome.state == state
    assert toasts(outcome) == [Why.NEED_PARTICIPANTS]


def test_only_the_chair_can_start() -> None:
    state = gather(KIND, [(MENTOR, Role.MENTOR)])

    outcome = press(state, MENTOR, Button.START)

    assert outcome.state == state
    assert toasts(outcome) == [Why.ONLY_CHAIR]


def test_someone_can_join_late_while_the_meeting_runs() -> None:
    state = press(gather(KIND, [(MENTOR, Role.MENTOR)]), CHAIR, Button.START).state

    outcome = press(state, CARE, Button.JOIN, Role.CARE_COORDINATOR.value)

    assert outcome.state.participant_of_user(CARE.user_id) is not None
    assert toasts(outcome) == [Done.JOINED_LATE]
    # Not lazy: nobody else is about to join, and the meeting message holds the controls.
    assert ShowMeeting(edit=True) in outcome.effects
    assert outcome.state.step == state.step


def test_a_participants_role_is_fixed_once_the_meeting_runs() -> None:
    people = [(MENTOR, Role.MENTOR), (PARENT, Role.PARENT)]
    state = skip_to_phase(start_meeting(MeetingKind.MDO, people), "decisions")
    assert current_speaker(state) == PARENT  # decisions asks parent, external and chair

    outcome = press(state, PARENT, Button.JOIN, Role.MENTOR.value)

    assert outcome.state == state
    assert toasts(outcome) == [Why.ROLE_FIXED]


def test_a_double_tap_on_start_starts_the_meeting_once() -> None:
    state = gather(KIND, [(MENTOR, Role.MENTOR)])
    started = press(state, CHAIR, Button.START).state

    outcome = press(started, CHAIR, Button.START)

    assert outcome.state == started
    # A button of the meeting message, which stays live: it keeps its buttons.
    assert outcome.effects == (Toast(Why.STALE_BUTTON),)


def test_nobody_joins_before_the_pupil_is_named() -> None:
    state = open_meeting().state
    assert state.prompt is Prompt.PUPIL

    outcome = press(state, MENTOR, Button.JOIN, Role.MENTOR.value)

    assert outcome.state == state
    # A button of the meeting message, which stays live: it keeps its buttons.
    assert outcome.effects == (Toast(Why.STALE_BUTTON),)


def test_a_role_the_bot_does_not_know_is_not_joined() -> None:
    state = gather(KIND)

    outcome = press(state, MENTOR, Button.JOIN, "headmaster")

    assert outcome.state == state
    assert toasts(outcome) == [Why.STALE_BUTTON]


def test_joining_carries_no_step_so_an_old_meeting_message_still_lets_people_join() -> None:
    state = press(gather(KIND, [(MENTOR, Role.MENTOR)]), CHAIR, Button.START).state
    state = press(state, CHAIR, Button.SKIP).state
    assert state.step > 1 and state.controls > 0

    outcome = press(state, CARE, Button.JOIN, Role.CARE_COORDINATOR.value, step=0)

    assert outcome.state.participant_of_user(CARE.user_id) is not None
