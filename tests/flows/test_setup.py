"""1. /meeting: the chair picks the kind, the language, names the pupil and asks questions."""

import pytest

from rondetafel.flows.effects import (
    AskMeetingQuestions,
    AskPupil,
    Notice,
    ShowJoin,
    ShowKindChoice,
    Toast,
    Why,
)
from rondetafel.flows.events import Button
from rondetafel.flows.script import MeetingKind, Role
from rondetafel.flows.state import MEETING_QUESTIONS, MeetingState, Status

from .builders import (
    CHAIR,
    MENTOR,
    PUPIL_ALIAS,
    answer,
    effects_of,
    open_meeting,
    press,
)


def naming_pupil(kind: MeetingKind = MeetingKind.PUPIL_MEETING) -> MeetingState:
    return press(open_meeting().state, CHAIR, Button.KIND, kind.value).state


def test_the_person_who_sends_slash_meeting_chairs_it_and_is_shown_the_kinds() -> None:
    outcome = open_meeting(CHAIR)

    assert outcome.effects == (ShowKindChoice(),)
    state = outcome.state
    assert state.status is Status.CHOOSING_KIND
    assert [(p.user_id, p.role) for p in state.participants] == [(CHAIR.user_id, Role.CHAIR)]
    assert state.chair_participant().user_id == CHAIR.user_id


@pytest.mark.parametrize("kind", list(MeetingKind))
def test_each_of_the_four_kinds_can_be_chosen_with_a_button(kind: MeetingKind) -> None:
    outcome = press(open_meeting().state, CHAIR, Button.KIND, kind.value)

    assert outcome.state.kind is kind
    assert outcome.state.status is Status.NAMING_PUPIL
    assert AskPupil() in outcome.effects


def test_there_are_exactly_four_kinds_of_meeting() -> None:
    assert {k.value for k in MeetingKind} == {"pupil", "mdo", "circle", "start"}


def test_only_the_chair_can_choose_the_kind() -> None:
    state = open_meeting().state

    outcome = press(state, MENTOR, Button.KIND, MeetingKind.MDO.value)

    assert outcome.state == state
    assert [t.text for t in effects_of(outcome, Toast)] == [Why.ONLY_CHAIR]


def test_the_chair_can_switch_the_chat_language_to_english_while_choosing_the_kind() -> None:
    outcome = press(open_meeting(language="nl").state, CHAIR, Button.LANGUAGE, "en")

    assert outcome.state.language == "en"
    assert outcome.state.status is Status.CHOOSING_KIND
    assert ShowKindChoice(edit=True) in outcome.effects


def test_the_chair_can_switch_the_chat_language_back_to_dutch() -> None:
    outcome = press(open_meeting(language="en").state, CHAIR, Button.LANGUAGE, "nl")

    assert outcome.state.language == "nl"


def test_a_meeting_speaks_dutch_unless_the_group_speaks_english() -> None:
    assert open_meeting().state.language == "nl"
    assert open_meeting(language="en").state.language == "en"
    assert open_meeting(language="fr").state.language == "nl"


def test_a_language_the_bot_does_not_speak_is_not_chosen() -> None:
    state = open_meeting().state

    outcome = press(state, CHAIR, Button.LANGUAGE, "fr")

    assert outcome.state == state
    assert [t.text for t in effects_of(outcome, Toast)] == [Why.STALE_BUTTON]


def test_the_language_cannot_be_switched_once_the_kind_is_chosen() -> None:
    state = naming_pupil()

    outcome = press(state, CHAIR, Button.LANGUAGE, "en")

    assert outcome.state == state


def test_the_pupil_named_by_initials_is_accepted_and_the_meeting_questions_are_asked() -> None:
    outcome = answer(naming_pupil(), CHAIR, "S.V.")

    assert outcome.state.pupil == "S.V."
    assert outcome.state.status is Status.ASKING_QUESTIONS
    assert outcome.effects == (AskMeetingQuestions(),)


def test_a_pseudonym_for_the_pupil_is_accepted() -> None:
    assert answer(naming_pupil(), CHAIR, "Sam V.").state.pupil == "Sam V."


def test_a_full_name_for_the_pupil_is_refused_and_asked_again() -> None:
    state = naming_pupil()

    outcome = answer(state, CHAIR, "Sam de Vries")

    assert outcome.state == state
    assert [n.why for n in effects_of(outcome, Notice)] == [Why.FULL_NAME]
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
    assert [n.why for n in effects_of(outcome, Notice)] == [Why.FULL_NAME]


@pytest.mark.parametrize("empty", ["", "   ", "\n-\n"])
def test_an_empty_pupil_name_is_asked_again(empty: str) -> None:
    state = naming_pupil()

    outcome = answer(state, CHAIR, empty)

    assert outcome.state == state
    assert [n.why for n in effects_of(outcome, Notice)] == [Why.EMPTY_ANSWER]


def test_a_full_name_is_accepted_when_the_school_allows_names() -> None:
    state = open_meeting(allow_full_names=True).state
    state = press(state, CHAIR, Button.KIND, MeetingKind.CIRCLE.value).state

    outcome = answer(state, CHAIR, "Sam de Vries")

    assert outcome.state.pupil == "Sam de Vries"
    assert outcome.state.status is Status.ASKING_QUESTIONS


def test_a_too_long_pseudonym_is_refused() -> None:
    state = naming_pupil()

    outcome = answer(state, CHAIR, "x" * 40)

    assert outcome.state == state
    assert [n.why for n in effects_of(outcome, Notice)] == [Why.PSEUDONYM_TOO_LONG]


def test_only_the_chair_names_the_pupil() -> None:
    state = naming_pupil()

    outcome = answer(state, MENTOR, "S.V.")

    assert outcome.state == state
    assert [n.why for n in effects_of(outcome, Notice)] == [Why.ONLY_CHAIR]


def test_naming_the_pupil_is_skipped_when_the_groups_case_already_knows_the_pupil() -> None:
    state = open_meeting(pupil="J.K.").state

    outcome = press(state, CHAIR, Button.KIND, MeetingKind.START.value)

    assert outcome.state.status is Status.ASKING_QUESTIONS
    assert outcome.state.pupil == "J.K."
    assert AskPupil() not in outcome.effects
    assert AskMeetingQuestions() in outcome.effects


def test_each_line_of_the_chairs_reply_is_one_meeting_question() -> None:
    state = answer(naming_pupil(), CHAIR, PUPIL_ALIAS).state

    outcome = answer(state, CHAIR, "Does S. need a reading plan?\n\n- Who talks to the PE teacher?")

    assert outcome.state.meeting_questions() == (
        "Does S. need a reading plan?",
        "Who talks to the PE teacher?",
    )
    assert all(c.phase == MEETING_QUESTIONS for c in outcome.state.contributions)
    assert outcome.state.status is Status.GATHERING
    assert outcome.effects == (ShowJoin(),)


def test_an_empty_set_of_meeting_questions_is_asked_again() -> None:
    state = answer(naming_pupil(), CHAIR, PUPIL_ALIAS).state

    outcome = answer(state, CHAIR, "  \n - \n")

    assert outcome.state == state
    assert [n.why for n in effects_of(outcome, Notice)] == [Why.EMPTY_ANSWER]
    assert AskMeetingQuestions() in outcome.effects
