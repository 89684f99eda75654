"""1. /meeting: the command's language, the pupil's name, and the kind on the meeting message."""

import pytest

from rondetafel.flows.effects import AskPupil, Done, ShowMeeting, Toast, Why
from rondetafel.flows.events import Button, MeetingRequested, Person
from rondetafel.flows.prompts import Prompt
from rondetafel.flows.script import SCRIPTS, MeetingKind, Role
from rondetafel.flows.state import MeetingState, Status
from rondetafel.flows.transition import new_meeting

from .builders import (
    CHAIR,
    MEETING_ID,
    MENTOR,
    NOW,
    OUTSIDER,
    PARENT,
    PUPIL_ALIAS,
    answer,
    gather,
    notices,
    open_meeting,
    phase_key,
    press,
    start_meeting,
    texts,
    toasts,
)

DEFAULT_KIND = MeetingKind.PUPIL_MEETING
OTHER_KINDS = [k for k in MeetingKind if k is not DEFAULT_KIND]


def naming_pupil() -> MeetingState:
    state = open_meeting().state
    assert state.prompt is Prompt.PUPIL
    return state


def gathering() -> MeetingState:
    """The pupil is named and the meeting message is up; the mentor joined."""
    state = answer(naming_pupil(), CHAIR, PUPIL_ALIAS).state
    state = press(state, MENTOR, Button.JOIN, Role.MENTOR.value).state
    assert state.prompt is Prompt.GATHERING
    return state


def requested(language: str | None, *, group_language: str = "nl") -> MeetingState:
    event = MeetingRequested(CHAIR, language=language)
    return new_meeting(MEETING_ID, event, NOW, language=group_language).state


# ---------------------------------------------------------------- /meeting


def test_the_person_who_sends_slash_meeting_chairs_it_and_is_asked_for_the_pupil() -> None:
    outcome = open_meeting(CHAIR)

    assert outcome.effects == (AskPupil(),)
    state = outcome.state
    assert state.status is Status.NAMING_PUPIL
    assert state.prompt is Prompt.PUPIL
    assert [(p.user_id, p.role) for p in state.participants] == [(CHAIR.user_id, Role.CHAIR)]
    assert state.chair_participant().user_id == CHAIR.user_id


def test_a_new_meeting_is_a_pupil_meeting_until_the_chair_picks_another_kind() -> None:
    assert open_meeting().state.kind is DEFAULT_KIND
    assert open_meeting(pupil="J.K.").state.kind is DEFAULT_KIND


def test_there_are_exactly_five_kinds_of_meeting() -> None:
    assert {k.value for k in MeetingKind} == {"pupil", "mdo", "circle", "start", "evaluation"}


# ---------------------------------------------------------------- language


def test_slash_meeting_speaks_english_and_slash_overleg_speaks_dutch() -> None:
    assert requested("en", group_language="nl").language == "en"
    assert requested("nl", group_language="en").language == "nl"


def test_a_command_without_a_language_speaks_the_groups_language() -> None:
    assert requested(None, group_language="en").language == "en"
    assert requested(None, group_language="nl").language == "nl"


def test_a_meeting_speaks_dutch_unless_the_group_speaks_english() -> None:
    assert open_meeting().state.language == "nl"
    assert open_meeting(language="en").state.language == "en"
    assert open_meeting(language="fr").state.language == "nl"


def test_the_commands_language_is_kept_through_naming_the_pupil_and_gathering() -> None:
    state = answer(requested("en"), CHAIR, PUPIL_ALIAS).state
    state = press(state, MENTOR, Button.JOIN, Role.MENTOR.value).state
    state = press(state, CHAIR, Button.KIND, MeetingKind.MDO.value).state

    state = press(state, CHAIR, Button.START).state

    assert state.status is Status.RUNNING
    assert state.language == "en"


# ---------------------------------------------------------------- the pupil


def test_the_pupil_named_by_initials_is_accepted_and_the_meeting_message_is_shown() -> None:
    state = naming_pupil()

    outcome = answer(state, CHAIR, "S.V.")

    assert outcome.state.pupil == "S.V."
    assert outcome.state.status is Status.GATHERING
    assert outcome.state.prompt is Prompt.GATHERING
    assert outcome.state.step > state.step
    assert outcome.effects == (ShowMeeting(),)


def test_a_pseudonym_for_the_pupil_is_accepted() -> None:
    assert answer(naming_pupil(), CHAIR, "Sam V.").state.pupil == "Sam V."


def test_a_full_name_for_the_pupil_is_refused_and_asked_again() -> None:
    state = naming_pupil()

    outcome = answer(state, CHAIR, "Sam de Vries")

    assert outcome.state == state
    assert notices(outcome) == [Why.FULL_NAME]
    assert AskPupil() in outcome.effects


@pytest.mark.parametrize("alias", ["SV", "S.V.", "Sam V.", "Sam de V.", "Puck", "J-W. v.d. B."])
def test_initials_and_pseudonyms_are_accepted(alias: str) -> None:
    assert answer(naming_pupil(), CHAIR, alias).state.pupil == alias


@pytest.mark.parametrize(
    "name",
    ["sam devries", "SAM DE VRIES", "Jan-Willem van den Berg", "Mohammed Al Amin", "Анна Иванова"],
)
def test_names_that_look_like_first_name_and_surname_are_refused(name: str) -> None:
    outcome = answer(naming_pupil(), CHAIR, name)

    assert outcome.state.status is Status.NAMING_PUPIL
    assert notices(outcome) == [Why.FULL_NAME]


@pytest.mark.parametrize("empty", ["", "   ", "\n-\n"])
def test_an_empty_pupil_name_is_asked_again(empty: str) -> None:
    state = naming_pupil()

    outcome = answer(state, CHAIR, empty)

    assert outcome.state == state
    assert notices(outcome) == [Why.EMPTY_ANSWER]
    assert AskPupil() in outcome.effects


def test_a_full_name_is_accepted_when_the_school_allows_names() -> None:
    state = open_meeting(allow_full_names=True).state

    outcome = answer(state, CHAIR, "Sam de Vries")

    assert outcome.state.pupil == "Sam de Vries"
    assert outcome.state.status is Status.GATHERING


def test_a_too_long_pseudonym_is_refused() -> None:
    state = naming_pupil()

    outcome = answer(state, CHAIR, "x" * 40)

    assert outcome.state == state
    assert notices(outcome) == [Why.PSEUDONYM_TOO_LONG]


def test_only_the_chair_names_the_pupil() -> None:
    state = naming_pupil()

    outcome = answer(state, MENTOR, "S.V.")

    assert outcome.state == state
    assert notices(outcome) == [Why.ONLY_CHAIR]


def test_naming_the_pupil_is_skipped_when_the_groups_case_already_knows_the_pupil() -> None:
    outcome = open_meeting(pupil="J.K.")

    assert outcome.state.status is Status.GATHERING
    assert outcome.state.prompt is Prompt.GATHERING
    assert outcome.state.pupil == "J.K."
    assert outcome.effects == (ShowMeeting(),)


# ---------------------------------------------------------------- no separate questions step


def test_text_while_people_gather_is_not_stored_as_meeting_questions() -> None:
    state = gathering()

    for person in (CHAIR, MENTOR):
        outcome = answer(state, person, "Does S. need a reading plan?")
        assert outcome.state == state
        assert outcome.effects == ()


@pytest.mark.parametrize("kind", list(MeetingKind))
def test_the_first_phase_asks_the_goals_of_the_meeting(kind: MeetingKind) -> None:
    state = start_meeting(kind)

    assert phase_key(state) == "meeting_goals"
    assert SCRIPTS[kind].phases[0].key == "meeting_goals"
    text = "Does S. need a reading plan?\n- Who talks to the PE teacher?"
    state = answer(state, PARENT, text).state
    assert texts(state, "meeting_goals") == [
        "Does S. need a reading plan?",
        "Who talks to the PE teacher?",
    ]


# ---------------------------------------------------------------- the kind on the meeting message


@pytest.mark.parametrize("kind", OTHER_KINDS)
def test_the_chair_picks_the_kind_on_the_meeting_message(kind: MeetingKind) -> None:
    state = gathering()

    outcome = press(state, CHAIR, Button.KIND, kind.value)

    assert outcome.state == state.evolve(kind=kind)
    assert outcome.effects == (ShowMeeting(edit=True), Toast(Done.OK))


@pytest.mark.parametrize("kind", OTHER_KINDS)
def test_the_kind_can_be_switched_back(kind: MeetingKind) -> None:
    state = gathering()
    state = press(state, CHAIR, Button.KIND, kind.value).state

    outcome = press(state, CHAIR, Button.KIND, DEFAULT_KIND.value)

    assert outcome.state.kind is DEFAULT_KIND
    assert ShowMeeting(edit=True) in outcome.effects


@pytest.mark.parametrize("kind", list(MeetingKind))
def test_the_meeting_walks_the_script_of_the_kind_picked_last(kind: MeetingKind) -> None:
    state = start_meeting(kind)

    assert state.kind is kind
    assert state.phases == SCRIPTS[kind].phases


def test_tapping_the_kind_that_is_already_picked_changes_nothing() -> None:
    state = press(gathering(), CHAIR, Button.KIND, MeetingKind.MDO.value).state

    outcome = press(state, CHAIR, Button.KIND, MeetingKind.MDO.value)

    assert outcome.state == state
    assert outcome.effects == (Toast(Done.OK),)


def test_the_kind_toggle_carries_no_step() -> None:
    state = gathering()
    assert state.step != 0

    outcome = press(state, CHAIR, Button.KIND, MeetingKind.CIRCLE.value, step=0)

    assert outcome.state.kind is MeetingKind.CIRCLE


@pytest.mark.parametrize("person", [MENTOR, OUTSIDER])
def test_only_the_chair_can_pick_the_kind(person: Person) -> None:
    state = gathering()

    outcome = press(state, person, Button.KIND, MeetingKind.MDO.value)

    assert outcome.state == state
    assert outcome.effects == (Toast(Why.ONLY_CHAIR, (("name", CHAIR.name),)),)


def test_a_kind_the_bot_does_not_know_is_not_picked() -> None:
    state = gathering()

    outcome = press(state, CHAIR, Button.KIND, "party")

    assert outcome.state == state
    assert toasts(outcome) == [Why.STALE_BUTTON]


def test_the_kind_is_not_offered_before_the_pupil_is_named() -> None:
    state = naming_pupil()

    outcome = press(state, CHAIR, Button.KIND, MeetingKind.MDO.value)

    assert outcome.state == state
    # A button of the meeting message, which stays live: it keeps its buttons.
    assert outcome.effects == (Toast(Why.STALE_BUTTON),)


def test_the_kind_cannot_be_changed_once_the_meeting_runs() -> None:
    state = press(gather(DEFAULT_KIND, [(MENTOR, Role.MENTOR)]), CHAIR, Button.START).state
    assert state.status is Status.RUNNING

    outcome = press(state, CHAIR, Button.KIND, MeetingKind.MDO.value)

    assert outcome.state == state
    # A button of the meeting message, which stays live: it keeps its buttons.
    assert outcome.effects == (Toast(Why.STALE_BUTTON),)
