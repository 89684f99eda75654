"""An external professional takes part only with consent, and withdrawing it silences them."""

from rondetafel.flows.effects import Done, ShowMeeting, Toast, Why
from rondetafel.flows.events import Button, ConsentRecorded, ConsentWithdrawn, Replied
from rondetafel.flows.script import MeetingKind, Role
from rondetafel.flows.state import Mark, MeetingState
from rondetafel.flows.transition import transition

from .builders import (
    CHAIR,
    EXTERNAL,
    MENTOR,
    NOW,
    PARENT,
    current_speaker,
    gather,
    pid,
    press,
    start_meeting,
)

KIND = MeetingKind.MDO
WITH_EXTERNAL = ((PARENT, Role.PARENT), (MENTOR, Role.MENTOR), (EXTERNAL, Role.EXTERNAL))


def consent(state: MeetingState) -> MeetingState:
    return transition(state, ConsentRecorded(EXTERNAL.user_id), NOW).state


def withdraw(state: MeetingState) -> MeetingState:
    return transition(state, ConsentWithdrawn(EXTERNAL.user_id), NOW).state


def test_without_consent_the_external_role_button_says_why_and_does_nothing() -> None:
    state = gather(KIND)
    outcome = press(state, EXTERNAL, Button.JOIN, Role.EXTERNAL.value)
    assert outcome.state == state
    assert outcome.effects == (Toast(Why.NEEDS_CONSENT),)


def test_with_consent_the_external_professional_joins() -> None:
    outcome = press(consent(gather(KIND)), EXTERNAL, Button.JOIN, Role.EXTERNAL.value)
    assert outcome.state.participant_of_user(EXTERNAL.user_id) is not None
    assert Toast(Done.JOINED, (("role", "external"),)) in outcome.effects


def test_consent_is_for_that_person_only() -> None:
    outcome = press(consent(gather(KIND)), MENTOR, Button.JOIN, Role.EXTERNAL.value)
    assert outcome.effects == (Toast(Why.NEEDS_CONSENT),)


def test_the_other_roles_need_no_consent() -> None:
    outcome = press(gather(KIND), EXTERNAL, Button.JOIN, Role.MENTOR.value)
    assert outcome.state.participant_of_user(EXTERNAL.user_id) is not None


def test_after_withdrawal_they_are_asked_nothing_more() -> None:
    state = start_meeting(KIND, WITH_EXTERNAL)
    me = pid(state, EXTERNAL)
    assert me in state.turn_order
    state = withdraw(state)
    assert me in state.withdrawn and EXTERNAL.user_id not in state.consented
    assert me not in state.turn_order[state.turn_index :]
    # Through the rest of the meeting, nobody asks them.
    for _ in range(60):
        if not state.active or state.current is None:
            break
        assert state.speaker_for(state.current).user_id != EXTERNAL.user_id
        state = press(state, current_speaker(state), Button.PASS).state


def test_withdrawal_on_their_turn_ends_the_turn() -> None:
    state = start_meeting(KIND, WITH_EXTERNAL)
    while state.current is None or state.current.user_id != EXTERNAL.user_id:
        state = press(state, current_speaker(state), Button.PASS).state
    before = state.step
    outcome = transition(state, ConsentWithdrawn(EXTERNAL.user_id), NOW)
    assert outcome.effects[0] == ShowMeeting(edit=True)
    assert outcome.state.step > before
    assert outcome.state.current is None or outcome.state.current.user_id != EXTERNAL.user_id
    [skipped] = [c for c in outcome.state.contributions if c.participant == pid(state, EXTERNAL)]
    assert skipped.mark is Mark.SKIPPED


def test_after_withdrawal_nothing_they_type_is_kept_and_no_button_works() -> None:
    state = withdraw(start_meeting(KIND, WITH_EXTERNAL))
    reply = Replied(EXTERNAL, "a note about the pupil", message_id=900)
    assert transition(state, reply, NOW).state == state
    for button, arg in ((Button.JOIN, Role.PARENT.value), (Button.PASS, "")):
        outcome = press(state, EXTERNAL, button, arg)
        assert outcome.state == state
        assert outcome.effects == (Toast(Why.CONSENT_WITHDRAWN),)


def test_consent_recorded_again_lets_them_back() -> None:
    state = consent(withdraw(start_meeting(KIND, WITH_EXTERNAL)))
    assert state.withdrawn == () and EXTERNAL.user_id in state.consented


def test_the_chair_cannot_be_withdrawn_from_their_own_meeting() -> None:
    state = start_meeting(KIND, WITH_EXTERNAL)
    outcome = transition(state, ConsentWithdrawn(CHAIR.user_id), NOW)
    assert outcome.state.withdrawn == ()
