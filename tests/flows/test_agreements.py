"""5. Agreements: what, who, by when; then the evaluation date."""

import datetime as dt

import pytest

from rondetafel.flows.effects import (
    AgreementRecorded,
    AskAgreementDue,
    AskAgreementOwner,
    AskEvaluationDate,
    AskTurn,
    AskTypedDate,
    Done,
    EvaluationDateSet,
    ShowSideNote,
    Toast,
    Why,
)
from rondetafel.flows.events import Button
from rondetafel.flows.script import MeetingKind, Role
from rondetafel.flows.state import Awaiting, MeetingState
from rondetafel.flows.transition import DUE_CHOICES, EVALUATION_CHOICES

from .builders import (
    AMSTERDAM,
    CHAIR,
    MENTOR,
    OUTSIDER,
    PARENT,
    TODAY,
    agree,
    answer,
    current_role,
    current_speaker,
    edit,
    next_message_id,
    notices,
    pass_turn,
    phase_key,
    pid,
    press,
    skip_to_phase,
    start_with_voiced_pupil,
    toasts,
)

DAY = dt.timedelta(days=1)


def in_agreements(kind: MeetingKind = MeetingKind.PUPIL_MEETING) -> MeetingState:
    """The agreements phase, the voiced pupil's turn (the parent types)."""
    state = skip_to_phase(start_with_voiced_pupil(kind), "agreements")
    assert current_role(state) is Role.PUPIL
    return state


def proposed(text: str = "read 15 minutes a day\nweekly check-in") -> MeetingState:
    return answer(in_agreements(), PARENT, text).state


def owner_chosen(owner: int | None = None) -> MeetingState:
    state = proposed()
    return press(state, PARENT, Button.OWNER, owner or pid(state, MENTOR)).state


def at_evaluation() -> MeetingState:
    state = in_agreements()
    while state.awaiting is not Awaiting.EVALUATION_DATE:
        state = pass_turn(state).state
    return state


# ---------------------------------------------------------------- proposing


def test_each_line_of_a_proposal_is_one_agreement_and_who_is_asked_for_the_first() -> None:
    state = in_agreements()
    mid = next_message_id()

    outcome = answer(state, PARENT, "read 15 minutes a day\nweekly check-in", message_id=mid)

    new = outcome.state
    assert [(a.what, a.proposed_by, a.message_id) for a in new.agreements] == [
        ("read 15 minutes a day", new.turn_order[0], mid),
        ("weekly check-in", new.turn_order[0], mid),
    ]
    assert new.open_agreements == (1, 2)
    assert new.awaiting is Awaiting.AGREEMENT_OWNER
    assert outcome.effects == (AskAgreementOwner(1),)


def test_an_empty_proposal_is_asked_again() -> None:
    state = in_agreements()

    outcome = answer(state, PARENT, "\n  \n")

    assert outcome.state == state
    assert notices(outcome) == [Why.EMPTY_ANSWER]


def test_choosing_who_asks_by_when() -> None:
    state = proposed()

    outcome = press(state, PARENT, Button.OWNER, pid(state, MENTOR))

    assert outcome.state.agreement(1).owner == pid(state, MENTOR)
    assert outcome.state.awaiting is Awaiting.AGREEMENT_DUE
    assert AskAgreementDue(1) in outcome.effects


def test_the_voiced_pupil_can_own_an_agreement() -> None:
    state = proposed()
    pupil = state.turn_order[0]

    outcome = press(state, PARENT, Button.OWNER, pupil)

    assert outcome.state.agreement(1).owner == pupil


def test_the_chair_may_choose_who_on_the_speakers_behalf() -> None:
    state = proposed()

    outcome = press(state, CHAIR, Button.OWNER, pid(state, PARENT))

    assert outcome.state.agreement(1).owner == pid(state, PARENT)


def test_someone_else_cannot_choose_who() -> None:
    state = proposed()

    outcome = press(state, MENTOR, Button.OWNER, pid(state, MENTOR))

    assert outcome.state == state
    assert toasts(outcome) == [Why.NOT_YOUR_TURN_BUTTON]


def test_who_must_be_a_participant() -> None:
    state = proposed()

    outcome = press(state, PARENT, Button.OWNER, 99)

    assert outcome.state == state
    assert toasts(outcome) == [Why.STALE_BUTTON]


@pytest.mark.parametrize("days", DUE_CHOICES)
def test_a_quick_choice_sets_the_due_date_in_days(days: int) -> None:
    state = owner_chosen()

    outcome = press(state, PARENT, Button.DUE, days)

    assert outcome.state.agreement(1).due == TODAY + days * DAY
    assert AgreementRecorded(1) in outcome.effects


def test_the_quick_choices_are_one_two_and_six_weeks() -> None:
    assert DUE_CHOICES == (7, 14, 42)


def test_after_the_first_agreement_who_is_asked_for_the_next() -> None:
    state = owner_chosen()

    outcome = press(state, PARENT, Button.DUE, 7)

    assert outcome.state.awaiting is Awaiting.AGREEMENT_OWNER
    assert outcome.state.open_agreements == (2,)
    assert outcome.effects[-2:] == (AgreementRecorded(1), AskAgreementOwner(2))


def test_after_the_last_agreement_the_next_person_is_asked() -> None:
    state = answer(in_agreements(), PARENT, "read 15 minutes a day").state
    state = press(state, PARENT, Button.OWNER, pid(state, PARENT)).state

    outcome = press(state, PARENT, Button.DUE, 14)

    assert outcome.state.agreement(1).complete
    assert current_role(outcome.state) is Role.PARENT
    assert outcome.state.awaiting is Awaiting.ANSWER
    assert outcome.effects[-2:] == (AgreementRecorded(1), AskTurn())


def test_each_agreement_gets_who_and_by_when_in_turn() -> None:
    state = in_agreements()
    pupil = state.turn_order[0]

    state = agree(state, "read daily\nweekly check-in", [(pupil, 7), (MENTOR, "vrijdag")])

    assert [(a.what, a.owner, a.due) for a in state.agreements] == [
        ("read daily", pupil, TODAY + 7 * DAY),
        ("weekly check-in", pid(state, MENTOR), dt.date(2025, 3, 14)),
    ]
    assert all(a.complete for a in state.agreements)
    assert current_role(state) is Role.PARENT


def test_more_agreements_typed_while_who_is_asked_are_queued() -> None:
    state = answer(in_agreements(), PARENT, "read daily").state

    outcome = answer(state, PARENT, "tablet off at eight")

    assert [a.what for a in outcome.state.agreements] == ["read daily", "tablet off at eight"]
    assert outcome.state.open_agreements == (1, 2)
    assert outcome.state.awaiting is Awaiting.AGREEMENT_OWNER


def test_the_type_a_date_button_asks_for_a_typed_date() -> None:
    state = owner_chosen()

    outcome = press(state, PARENT, Button.DUE, "t")

    assert outcome.state == state
    assert AskTypedDate(PARENT.user_id, 1) in outcome.effects


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("vrijdag", dt.date(2025, 3, 14)),
        ("over 2 weken", dt.date(2025, 3, 24)),
        ("15 april", dt.date(2025, 4, 15)),
        ("next friday", dt.date(2025, 3, 14)),
        ("in 3 weeks", dt.date(2025, 3, 31)),
        ("April 1st", dt.date(2025, 4, 1)),
    ],
)
def test_a_due_date_can_be_typed_in_dutch_or_english(typed: str, expected: dt.date) -> None:
    state = press(owner_chosen(), PARENT, Button.DUE, "t").state

    outcome = answer(state, PARENT, typed)

    assert outcome.state.agreement(1).due == expected


def test_the_chair_may_type_the_due_date() -> None:
    outcome = answer(owner_chosen(), CHAIR, "morgen")

    assert outcome.state.agreement(1).due == TODAY + DAY


def test_a_due_date_that_is_not_understood_is_asked_again() -> None:
    state = owner_chosen()

    outcome = answer(state, PARENT, "when the cows come home")

    assert outcome.state == state
    assert notices(outcome) == [Why.DATE_NOT_UNDERSTOOD]
    assert outcome.effects[-1] == AskTypedDate(PARENT.user_id, 1)


def test_a_due_date_in_the_past_is_asked_again() -> None:
    state = owner_chosen()

    outcome = answer(state, PARENT, "1-3-2025")

    assert outcome.state == state
    assert notices(outcome) == [Why.DATE_IN_PAST]
    assert outcome.effects[-1] == AskTypedDate(PARENT.user_id, 1)


def test_today_is_not_in_the_past() -> None:
    outcome = answer(owner_chosen(), PARENT, "vandaag")

    assert outcome.state.agreement(1).due == TODAY


def test_days_count_from_the_schools_date_not_utcs() -> None:
    # 23:30 UTC on Monday 10 March is already Tuesday 00:30 in Amsterdam.
    just_after_midnight = dt.datetime(2025, 3, 10, 23, 30, tzinfo=dt.UTC).astimezone(AMSTERDAM)
    state = owner_chosen()

    quick = press(state, PARENT, Button.DUE, 7, now=just_after_midnight).state
    typed = answer(state, PARENT, "vandaag", now=just_after_midnight).state

    assert quick.agreement(1).due == dt.date(2025, 3, 18)
    assert typed.agreement(1).due == dt.date(2025, 3, 11)


def test_someone_else_typing_while_the_due_date_is_asked_is_a_side_note() -> None:
    state = owner_chosen()

    outcome = answer(state, MENTOR, "morgen")

    assert outcome.state.agreement(1).due is None
    assert [type(e) for e in outcome.effects] == [ShowSideNote]


def test_an_old_who_button_is_stale() -> None:
    state = proposed()
    old = state.step
    state = owner_chosen()

    outcome = press(state, PARENT, Button.OWNER, pid(state, PARENT), step=old)

    assert outcome.state == state
    assert toasts(outcome) == [Why.STALE_BUTTON]


def test_an_old_by_when_button_is_stale() -> None:
    state = owner_chosen()
    old = state.step
    state = press(state, PARENT, Button.DUE, 7).state

    outcome = press(state, PARENT, Button.DUE, 7, step=old)

    assert outcome.state == state
    assert toasts(outcome) == [Why.STALE_BUTTON]


def test_editing_the_proposal_renames_its_agreements() -> None:
    state = in_agreements()
    mid = next_message_id()
    state = answer(state, PARENT, "read daily\ncheck-in", message_id=mid).state

    outcome = edit(state, PARENT, mid, "read 15 minutes daily\nweekly check-in")

    assert [a.what for a in outcome.state.agreements] == [
        "read 15 minutes daily",
        "weekly check-in",
    ]


def test_an_edit_that_changes_the_number_of_agreements_is_refused() -> None:
    state = in_agreements()
    mid = next_message_id()
    state = answer(state, PARENT, "read daily\ncheck-in", message_id=mid).state

    outcome = edit(state, PARENT, mid, "read daily")

    assert outcome.state == state
    assert notices(outcome) == [Why.EDIT_AGREEMENT_LINES]


# ---------------------------------------------------------------- evaluation


def test_after_the_last_person_the_chair_is_asked_for_the_evaluation_date() -> None:
    state = in_agreements()
    while current_speaker(state) != CHAIR:
        state = pass_turn(state).state

    outcome = pass_turn(state)

    assert outcome.state.awaiting is Awaiting.EVALUATION_DATE
    assert outcome.state.current is None
    assert outcome.effects == (AskEvaluationDate(),)


@pytest.mark.parametrize("days", EVALUATION_CHOICES)
def test_the_chair_sets_the_evaluation_date_with_a_quick_choice(days: int) -> None:
    state = at_evaluation()

    outcome = press(state, CHAIR, Button.EVALUATION, days)

    assert outcome.state.evaluation_date == TODAY + days * DAY
    assert EvaluationDateSet(TODAY + days * DAY) in outcome.effects
    assert phase_key(outcome.state) == "tops_tips"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("over 6 weken", dt.date(2025, 4, 21)),
        ("in six weeks", dt.date(2025, 4, 21)),
        ("1 juni", dt.date(2025, 6, 1)),
        ("June 1", dt.date(2025, 6, 1)),
    ],
)
def test_the_chair_can_type_the_evaluation_date(typed: str, expected: dt.date) -> None:
    state = press(at_evaluation(), CHAIR, Button.EVALUATION, "t").state

    outcome = answer(state, CHAIR, typed)

    assert outcome.state.evaluation_date == expected
    assert EvaluationDateSet(expected) in outcome.effects


def test_the_type_a_date_button_for_the_evaluation_asks_the_chair_to_type() -> None:
    state = at_evaluation()

    outcome = press(state, CHAIR, Button.EVALUATION, "t")

    assert outcome.state == state
    assert outcome.effects == (Toast(Done.OK), AskTypedDate(CHAIR.user_id))


@pytest.mark.parametrize(
    ("typed", "why"), [("soon-ish", Why.DATE_NOT_UNDERSTOOD), ("1 januari 2025", Why.DATE_IN_PAST)]
)
def test_a_bad_evaluation_date_is_asked_again(typed: str, why: Why) -> None:
    state = at_evaluation()

    outcome = answer(state, CHAIR, typed)

    assert outcome.state == state
    assert notices(outcome) == [why]
    assert outcome.effects[-1] == AskTypedDate(CHAIR.user_id)


def test_only_the_chair_sets_the_evaluation_date() -> None:
    state = at_evaluation()

    outcome = press(state, MENTOR, Button.EVALUATION, 42)

    assert outcome.state == state
    assert toasts(outcome) == [Why.ONLY_CHAIR]


def test_a_date_typed_by_someone_else_is_not_the_evaluation_date() -> None:
    outcome = answer(at_evaluation(), MENTOR, "over 6 weken")

    assert outcome.state.evaluation_date is None
    assert outcome.state.awaiting is Awaiting.EVALUATION_DATE


def test_an_old_evaluation_button_is_stale() -> None:
    state = at_evaluation()
    old = state.step
    state = press(state, CHAIR, Button.EVALUATION, 14).state

    outcome = press(state, CHAIR, Button.EVALUATION, 42, step=old)

    assert outcome.state == state
    assert toasts(outcome) == [Why.STALE_BUTTON]


# ---------------------------------------------------------------- malformed buttons

# Callback data comes from the client. "²" passes str.isdigit() but not int();
# a huge day count overflows date arithmetic. Both once raised.


@pytest.mark.parametrize("arg", ["²", "x", "-1", "", "1.5"])
def test_a_malformed_who_button_gets_a_toast(arg: str) -> None:
    state = proposed()

    outcome = press(state, PARENT, Button.OWNER, arg)

    assert outcome.state == state
    assert toasts(outcome) == [Why.STALE_BUTTON]


@pytest.mark.parametrize("arg", ["²", "x", "-7", "", "99999999", "9999999999", "1" * 40])
def test_a_malformed_by_when_button_gets_a_toast(arg: str) -> None:
    state = owner_chosen()

    outcome = press(state, PARENT, Button.DUE, arg)

    assert outcome.state == state
    assert toasts(outcome) == [Why.STALE_BUTTON]


@pytest.mark.parametrize("arg", ["²", "x", "-14", "", "99999999", "9999999999"])
def test_a_malformed_evaluation_button_gets_a_toast(arg: str) -> None:
    state = at_evaluation()

    outcome = press(state, CHAIR, Button.EVALUATION, arg)

    assert outcome.state == state
    assert toasts(outcome) == [Why.STALE_BUTTON]


def test_a_non_participant_cannot_choose_who() -> None:
    state = proposed()

    outcome = press(state, OUTSIDER, Button.OWNER, pid(state, MENTOR))

    assert outcome.state == state
    assert toasts(outcome) == [Why.NOT_YOUR_TURN_BUTTON]
