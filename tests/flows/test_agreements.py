"""5. Agreements: what, who (the proposer unless changed), by when; then the evaluation date."""

import datetime as dt

import pytest

from rondetafel.flows.effects import (
    AskTurn,
    Done,
    Notice,
    ShowAgreement,
    ShowEvaluation,
    ShowMeeting,
    ShowSideNote,
    Toast,
    Why,
)
from rondetafel.flows.events import Button
from rondetafel.flows.prompts import DUE_CHOICES, EVALUATION_CHOICES, ONGOING, Prompt
from rondetafel.flows.script import MeetingKind, Role
from rondetafel.flows.state import Mark, MeetingState
from rondetafel.flows.transition import MAX_DAYS_AHEAD

from .builders import (
    AMSTERDAM,
    CHAIR,
    MENTOR,
    OUTSIDER,
    PARENT,
    TODAY,
    agree,
    answer,
    answer_turn,
    command,
    current_role,
    current_speaker,
    edit,
    next_message_id,
    notices,
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


def owner_changed(owner: int | None = None) -> MeetingState:
    """`proposed`, with the first agreement given to the mentor (or `owner`)."""
    state = proposed()
    return press(state, PARENT, Button.OWNER, owner or pid(state, MENTOR)).state


def first_recorded() -> MeetingState:
    """`proposed`, with the first agreement done in a week; the second is open."""
    return press(proposed(), PARENT, Button.DUE, 7).state


def at_evaluation() -> MeetingState:
    state = in_agreements()
    while state.prompt is not Prompt.EVALUATION:
        state = answer_turn(state, "-").state  # a dash passes
    return state


# ---------------------------------------------------------------- proposing


def test_each_line_of_a_proposal_is_one_agreement_of_its_proposer_and_the_first_is_shown() -> None:
    state = in_agreements()
    mid = next_message_id()

    outcome = answer(state, PARENT, "read 15 minutes a day\nweekly check-in", message_id=mid)

    new = outcome.state
    pupil = new.turn_order[0]
    assert [(a.what, a.proposed_by, a.owner, a.due, a.message_id) for a in new.agreements] == [
        ("read 15 minutes a day", pupil, pupil, None, mid),
        ("weekly check-in", pupil, pupil, None, mid),
    ]
    assert not any(a.complete or a.ongoing for a in new.agreements)
    assert new.open_agreements == (1, 2)
    assert new.prompt is Prompt.AGREEMENT
    assert new.step == state.step + 1
    assert outcome.effects == (ShowAgreement(1),)


def test_a_voiced_pupils_proposal_is_the_pupils_not_the_relaying_adults() -> None:
    state = proposed("read daily")

    assert state.agreement(1).owner == state.turn_order[0] != pid(state, PARENT)
    assert state.participant(state.turn_order[0]).role is Role.PUPIL


def test_an_empty_proposal_is_asked_again() -> None:
    state = in_agreements()

    outcome = answer(state, PARENT, "\n  \n")

    assert outcome.state == state
    assert notices(outcome) == [Why.EMPTY_ANSWER]


# ---------------------------------------------------------------- who


def test_changing_who_updates_the_agreements_message_and_still_asks_by_when() -> None:
    state = proposed()

    outcome = press(state, PARENT, Button.OWNER, pid(state, MENTOR))

    assert outcome.state.agreement(1).owner == pid(state, MENTOR)
    assert outcome.state.prompt is Prompt.AGREEMENT
    assert outcome.state.open_agreements == (1, 2)
    assert outcome.state.step == state.step  # the same message: its buttons stay good
    assert outcome.effects == (Toast(Done.OK), ShowAgreement(1, edit=True))


def test_who_can_be_changed_again_before_by_when() -> None:
    state = owner_changed()

    outcome = press(state, PARENT, Button.OWNER, pid(state, PARENT))

    assert outcome.state.agreement(1).owner == pid(state, PARENT)
    assert ShowAgreement(1, edit=True) in outcome.effects


def test_choosing_the_owner_it_already_has_changes_nothing() -> None:
    state = proposed()

    outcome = press(state, PARENT, Button.OWNER, state.turn_order[0])

    assert outcome.state == state
    assert outcome.effects == (Toast(Done.OK),)


def test_the_voiced_pupil_can_be_made_the_owner_on_someone_elses_turn() -> None:
    state = agree(in_agreements(), "read daily", [(MENTOR, 7)])
    assert current_role(state) is Role.PARENT
    pupil = next(p.id for p in state.participants if p.role is Role.PUPIL)
    state = answer(state, PARENT, "ask about the library").state
    assert state.agreement(2).owner == pid(state, PARENT)

    outcome = press(state, PARENT, Button.OWNER, pupil)

    assert outcome.state.agreement(2).owner == pupil


def test_the_chair_may_choose_who_on_the_speakers_behalf() -> None:
    state = proposed()

    outcome = press(state, CHAIR, Button.OWNER, pid(state, PARENT))

    assert outcome.state.agreement(1).owner == pid(state, PARENT)


def test_someone_else_cannot_choose_who() -> None:
    state = proposed()

    outcome = press(state, MENTOR, Button.OWNER, pid(state, MENTOR))

    assert outcome.state == state
    assert outcome.effects == (Toast(Why.NOT_YOUR_TURN_BUTTON, (("name", "S.V."),)),)


def test_a_non_participant_cannot_choose_who() -> None:
    state = proposed()

    outcome = press(state, OUTSIDER, Button.OWNER, pid(state, MENTOR))

    assert outcome.state == state
    assert toasts(outcome) == [Why.NOT_YOUR_TURN_BUTTON]


def test_who_must_be_a_participant() -> None:
    state = proposed()

    outcome = press(state, PARENT, Button.OWNER, 99)

    assert outcome.state == state
    assert toasts(outcome) == [Why.STALE_BUTTON]


def test_a_who_button_of_an_agreement_already_recorded_is_stale() -> None:
    state = proposed()
    old = state.step
    state = first_recorded()

    outcome = press(state, PARENT, Button.OWNER, pid(state, MENTOR), step=old)

    assert outcome.state == state
    assert outcome.effects == (Toast(Why.STALE_BUTTON, clear_buttons=True),)


# ---------------------------------------------------------------- by when


@pytest.mark.parametrize("days", DUE_CHOICES)
def test_a_quick_choice_sets_the_due_date_in_days(days: int) -> None:
    state = owner_changed()

    outcome = press(state, PARENT, Button.DUE, days)

    recorded = outcome.state.agreement(1)
    assert (recorded.owner, recorded.due, recorded.ongoing) == (
        pid(state, MENTOR),
        TODAY + days * DAY,
        False,
    )
    assert recorded.complete
    assert outcome.effects[:2] == (Toast(Done.OK), ShowAgreement(1, edit=True))


def test_a_date_of_its_own_sets_exactly_that_day() -> None:
    """ "Before the holiday" carries its date: pressed days later it still means that day."""
    state = owner_changed()
    day = TODAY + 25 * DAY

    outcome = press(state, PARENT, Button.DUE, day.isoformat())

    assert outcome.state.agreement(1).due == day
    assert outcome.effects[:2] == (Toast(Done.OK), ShowAgreement(1, edit=True))


@pytest.mark.parametrize(
    "arg",
    [
        (TODAY - DAY).isoformat(),  # passed since the button was made
        (TODAY + (MAX_DAYS_AHEAD + 1) * DAY).isoformat(),
        "2026-02-30",
        "2026-1-5xx",
    ],
)
def test_a_date_argument_that_is_past_far_or_no_date_is_stale(arg: str) -> None:
    state = owner_changed()

    outcome = press(state, PARENT, Button.DUE, arg)

    assert outcome.state == state
    assert toasts(outcome) == [Why.STALE_BUTTON]


def test_the_quick_choices_are_one_two_and_six_weeks() -> None:
    assert DUE_CHOICES == (7, 14, 42)


def test_by_when_can_be_chosen_straight_away_for_the_proposer() -> None:
    state = proposed()

    outcome = press(state, PARENT, Button.DUE, 14)

    assert outcome.state.agreement(1).owner == state.turn_order[0]
    assert outcome.state.agreement(1).complete


def test_an_ongoing_agreement_is_complete_without_a_date() -> None:
    state = proposed()

    outcome = press(state, PARENT, Button.DUE, ONGOING)

    recorded = outcome.state.agreement(1)
    assert (recorded.due, recorded.ongoing, recorded.complete) == (None, True, True)
    assert outcome.effects[:2] == (Toast(Done.OK), ShowAgreement(1, edit=True))
    assert ONGOING == "o"


def test_after_the_first_agreement_the_next_one_is_shown() -> None:
    state = owner_changed()

    outcome = press(state, PARENT, Button.DUE, 7)

    assert outcome.state.prompt is Prompt.AGREEMENT
    assert outcome.state.open_agreements == (2,)
    assert outcome.state.step == state.step + 1
    assert current_role(outcome.state) is Role.PUPIL
    assert outcome.effects == (
        Toast(Done.OK),
        ShowAgreement(1, edit=True),
        ShowAgreement(2),
    )


def test_after_the_last_agreement_the_next_person_is_asked() -> None:
    state = answer(in_agreements(), PARENT, "read 15 minutes a day").state

    outcome = press(state, PARENT, Button.DUE, 14)

    assert outcome.state.agreement(1).complete
    assert current_role(outcome.state) is Role.PARENT
    assert outcome.state.prompt is Prompt.TURN
    assert outcome.state.open_agreements == ()
    assert outcome.effects == (Toast(Done.OK), ShowAgreement(1, edit=True), AskTurn())


def test_each_agreement_gets_who_and_by_when_in_turn() -> None:
    state = in_agreements()
    pupil = state.turn_order[0]

    state = agree(
        state,
        "read daily\nweekly check-in\nin bed by nine",
        [(pupil, 7), (MENTOR, "vrijdag"), (pupil, None)],
    )

    assert [(a.what, a.owner, a.due, a.ongoing) for a in state.agreements] == [
        ("read daily", pupil, TODAY + 7 * DAY, False),
        ("weekly check-in", pid(state, MENTOR), dt.date(2025, 3, 14), False),
        ("in bed by nine", pupil, None, True),
    ]
    assert all(a.complete for a in state.agreements)
    assert current_role(state) is Role.PARENT
    # The turn was answered: no "passed" is recorded for the pupil.
    assert [c for c in state.contributions if c.phase == "agreements"] == []


def test_an_old_by_when_button_is_stale() -> None:
    state = owner_changed()
    old = state.step
    state = press(state, PARENT, Button.DUE, 7).state

    outcome = press(state, PARENT, Button.DUE, 7, step=old)

    assert outcome.state == state
    assert outcome.effects == (Toast(Why.STALE_BUTTON, clear_buttons=True),)


def test_a_by_when_button_after_the_turn_moved_on_is_stale() -> None:
    state = answer(in_agreements(), PARENT, "read daily").state
    old = state.step
    state = press(state, PARENT, Button.DUE, 7).state
    assert state.prompt is Prompt.TURN

    outcome = press(state, PARENT, Button.DUE, 14, step=old)

    assert outcome.state == state
    assert outcome.effects == (Toast(Why.STALE_BUTTON, clear_buttons=True),)


def test_someone_else_cannot_choose_by_when() -> None:
    state = proposed()

    outcome = press(state, MENTOR, Button.DUE, 7)

    assert outcome.state == state
    assert toasts(outcome) == [Why.NOT_YOUR_TURN_BUTTON]


def test_the_chair_may_choose_by_when_on_the_speakers_behalf() -> None:
    state = proposed()

    outcome = press(state, CHAIR, Button.DUE, 42)

    assert outcome.state.agreement(1).due == TODAY + 42 * DAY


# ---------------------------------------------------------------- a typed date


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
def test_a_reply_while_an_agreement_is_open_is_its_due_date(typed: str, expected: dt.date) -> None:
    state = owner_changed()

    outcome = answer(state, PARENT, typed)

    assert outcome.state.agreement(1).due == expected
    assert outcome.state.agreement(1).owner == pid(state, MENTOR)
    assert outcome.effects == (ShowAgreement(1, edit=True), ShowAgreement(2))


def test_the_chair_may_type_the_due_date() -> None:
    outcome = answer(owner_changed(), CHAIR, "morgen")

    assert outcome.state.agreement(1).due == TODAY + DAY


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("when the cows come home", Why.DATE_NOT_UNDERSTOOD),
        ("1-3-2025", Why.DATE_IN_PAST),
        ("1-1-2030", Why.DATE_TOO_FAR),
    ],
)
def test_a_bad_due_date_gets_a_notice_and_nothing_else(typed: str, why: Why) -> None:
    state = owner_changed()
    mid = next_message_id()

    outcome = answer(state, PARENT, typed, message_id=mid)

    assert outcome.state == state
    assert outcome.effects == (Notice(why, to_user=PARENT.user_id, reply_to=mid),)


def test_a_due_date_as_far_ahead_as_allowed_is_taken() -> None:
    last = TODAY + MAX_DAYS_AHEAD * DAY

    outcome = answer(owner_changed(), PARENT, last.isoformat())

    assert outcome.state.agreement(1).due == last


def test_more_agreements_typed_while_one_is_open_are_read_as_a_date() -> None:
    state = answer(in_agreements(), PARENT, "read daily").state

    outcome = answer(state, PARENT, "tablet off at eight")

    assert outcome.state == state
    assert [a.what for a in outcome.state.agreements] == ["read daily"]
    assert notices(outcome) == [Why.DATE_NOT_UNDERSTOOD]


def test_today_is_not_in_the_past() -> None:
    outcome = answer(owner_changed(), PARENT, "vandaag")

    assert outcome.state.agreement(1).due == TODAY


def test_days_count_from_the_schools_date_not_utcs() -> None:
    # 23:30 UTC on Monday 10 March is already Tuesday 00:30 in Amsterdam.
    just_after_midnight = dt.datetime(2025, 3, 10, 23, 30, tzinfo=dt.UTC).astimezone(AMSTERDAM)
    state = owner_changed()

    quick = press(state, PARENT, Button.DUE, 7, now=just_after_midnight).state
    typed = answer(state, PARENT, "vandaag", now=just_after_midnight).state

    assert quick.agreement(1).due == dt.date(2025, 3, 18)
    assert typed.agreement(1).due == dt.date(2025, 3, 11)


def test_someone_else_typing_while_an_agreement_is_open_is_a_side_note() -> None:
    state = owner_changed()

    outcome = answer(state, MENTOR, "morgen")

    assert outcome.state.agreement(1).due is None
    assert [type(e) for e in outcome.effects] == [ShowSideNote]


# ---------------------------------------------------------------- leaving open agreements


def test_passing_while_an_agreement_is_open_does_not_record_it() -> None:
    state = proposed()

    outcome = press(state, PARENT, Button.PASS, step=state.controls)

    assert outcome.state.agreements == ()
    assert outcome.state.open_agreements == ()
    assert current_role(outcome.state) is Role.PARENT
    assert outcome.state.prompt is Prompt.TURN
    # The parent relayed the pupil and speaks next: the controls are renewed,
    # so that a double tap does not pass the parent's own turn too.
    assert outcome.state.controls == state.controls + 1
    assert outcome.effects == (ShowAgreement(1, edit=True), AskTurn(), ShowMeeting(edit=True))
    [passed] = [c for c in outcome.state.contributions if c.phase == "agreements"]
    assert (passed.participant, passed.mark) == (state.turn_order[0], Mark.PASSED)


def test_passing_on_ones_own_agreement_does_not_record_it_and_asks_the_next_person() -> None:
    state = agree(in_agreements(), "read daily", [(MENTOR, 7)])
    state = answer(state, PARENT, "ask about the library").state
    assert current_role(state) is Role.PARENT and state.open_agreements == (2,)

    outcome = press(state, PARENT, Button.PASS, step=state.controls)

    assert [a.what for a in outcome.state.agreements] == ["read daily"]
    assert current_role(outcome.state) is Role.MENTOR
    assert outcome.state.controls == state.controls
    assert outcome.effects == (ShowAgreement(2, edit=True), AskTurn())


def test_passing_keeps_the_agreements_already_recorded_and_counts_as_answered() -> None:
    state = first_recorded()

    outcome = press(state, PARENT, Button.PASS, step=state.controls)

    assert [(a.seq, a.complete) for a in outcome.state.agreements] == [(1, True)]
    assert outcome.effects[:2] == (ShowAgreement(2, edit=True), AskTurn())
    assert [c for c in outcome.state.contributions if c.phase == "agreements"] == []


def test_skipping_while_an_agreement_is_open_does_not_record_it() -> None:
    state = first_recorded()

    outcome = press(state, CHAIR, Button.SKIP)

    assert [a.seq for a in outcome.state.agreements] == [1]
    assert current_role(outcome.state) is Role.PARENT
    assert outcome.state.controls == state.controls + 1
    assert outcome.effects == (ShowAgreement(2, edit=True), AskTurn(), ShowMeeting(edit=True))


def test_going_back_while_an_agreement_is_open_does_not_record_it() -> None:
    state = agree(in_agreements(), "read daily", [(MENTOR, 7)])
    state = answer(state, PARENT, "ask about the library\nweekly check-in").state
    assert state.open_agreements == (2, 3)

    outcome = press(state, CHAIR, Button.BACK)

    assert [a.what for a in outcome.state.agreements] == ["read daily"]
    assert current_role(outcome.state) is Role.PUPIL
    assert outcome.state.prompt is Prompt.TURN
    assert outcome.effects == (ShowAgreement(2, edit=True), AskTurn(), ShowMeeting(edit=True))


def test_closing_the_phase_while_an_agreement_is_open_does_not_record_it() -> None:
    state = first_recorded()

    outcome = press(state, CHAIR, Button.CLOSE_PHASE)

    assert [a.seq for a in outcome.state.agreements] == [1]
    assert outcome.state.prompt is Prompt.EVALUATION
    assert outcome.effects == (
        ShowAgreement(2, edit=True),
        ShowEvaluation(),
        ShowMeeting(edit=True),
    )


def test_the_typed_next_command_while_an_agreement_is_open_does_not_record_it() -> None:
    state = proposed()

    outcome = command(state, CHAIR, Button.CLOSE_PHASE)

    assert outcome.state.agreements == ()
    assert outcome.state.prompt is Prompt.EVALUATION
    assert outcome.effects == (
        ShowAgreement(1, edit=True),
        ShowEvaluation(),
        ShowMeeting(edit=True),
    )


def test_a_double_tap_on_close_phase_does_not_skip_the_evaluation_date() -> None:
    state = in_agreements()
    first = press(state, CHAIR, Button.CLOSE_PHASE).state
    assert first.prompt is Prompt.EVALUATION

    outcome = press(first, CHAIR, Button.CLOSE_PHASE, step=state.controls)

    assert outcome.state == first
    assert outcome.effects == (Toast(Why.STALE_BUTTON),)


# ---------------------------------------------------------------- editing


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


def test_editing_a_proposal_whose_last_agreement_was_not_recorded_renames_the_rest() -> None:
    state = in_agreements()
    mid = next_message_id()
    state = answer(state, PARENT, "read dialy\nweekly check-in", message_id=mid).state
    state = press(state, PARENT, Button.DUE, 7).state
    state = press(state, PARENT, Button.PASS, step=state.controls).state
    assert [a.what for a in state.agreements] == ["read dialy"]

    # The parent fixes the typo and leaves the message as it was otherwise.
    outcome = edit(state, PARENT, mid, "read daily\nweekly check-in")

    assert notices(outcome) == []
    assert [a.what for a in outcome.state.agreements] == ["read daily"]


# ---------------------------------------------------------------- evaluation


def test_after_the_last_person_the_chair_is_asked_for_the_evaluation_date() -> None:
    state = in_agreements()
    while current_speaker(state) != CHAIR:
        state = answer_turn(state, "-").state

    outcome = answer_turn(state, "-")

    assert outcome.state.prompt is Prompt.EVALUATION
    assert outcome.state.current is None
    assert outcome.effects == (ShowEvaluation(),)


@pytest.mark.parametrize("days", EVALUATION_CHOICES)
def test_the_chair_sets_the_evaluation_date_with_a_quick_choice(days: int) -> None:
    state = at_evaluation()

    outcome = press(state, CHAIR, Button.EVALUATION, days)

    assert outcome.state.evaluation_date == TODAY + days * DAY
    assert outcome.effects == (Toast(Done.OK), ShowEvaluation(edit=True), AskTurn())
    assert phase_key(outcome.state) == "tops_tips"


def test_the_evaluation_quick_choices_are_two_six_and_eight_weeks() -> None:
    assert EVALUATION_CHOICES == (14, 42, 56)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("over 6 weken", dt.date(2025, 4, 21)),
        ("in six weeks", dt.date(2025, 4, 21)),
        ("1 juni", dt.date(2025, 6, 1)),
        ("June 1", dt.date(2025, 6, 1)),
    ],
)
def test_the_chair_can_reply_with_the_evaluation_date(typed: str, expected: dt.date) -> None:
    state = at_evaluation()

    outcome = answer(state, CHAIR, typed)

    assert outcome.state.evaluation_date == expected
    assert outcome.effects == (ShowEvaluation(edit=True), AskTurn())


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("soon-ish", Why.DATE_NOT_UNDERSTOOD),
        ("1 januari 2025", Why.DATE_IN_PAST),
        ("1 januari 2030", Why.DATE_TOO_FAR),
    ],
)
def test_a_bad_evaluation_date_gets_a_notice_and_nothing_else(typed: str, why: Why) -> None:
    state = at_evaluation()
    mid = next_message_id()

    outcome = answer(state, CHAIR, typed, message_id=mid)

    assert outcome.state == state
    assert outcome.effects == (Notice(why, to_user=CHAIR.user_id, reply_to=mid),)


def test_only_the_chair_sets_the_evaluation_date() -> None:
    state = at_evaluation()

    outcome = press(state, MENTOR, Button.EVALUATION, 42)

    assert outcome.state == state
    assert toasts(outcome) == [Why.ONLY_CHAIR]


def test_a_date_typed_by_someone_else_is_not_the_evaluation_date() -> None:
    outcome = answer(at_evaluation(), MENTOR, "over 6 weken")

    assert outcome.state.evaluation_date is None
    assert outcome.state.prompt is Prompt.EVALUATION
    assert [type(e) for e in outcome.effects] == [ShowSideNote]


def test_an_old_evaluation_button_is_stale() -> None:
    state = at_evaluation()
    old = state.step
    state = press(state, CHAIR, Button.EVALUATION, 14).state

    outcome = press(state, CHAIR, Button.EVALUATION, 42, step=old)

    assert outcome.state == state
    assert outcome.effects == (Toast(Why.STALE_BUTTON, clear_buttons=True),)


def test_closing_the_phase_at_the_evaluation_date_moves_on_without_one() -> None:
    state = at_evaluation()

    outcome = press(state, CHAIR, Button.CLOSE_PHASE)

    assert outcome.state.evaluation_date is None
    assert phase_key(outcome.state) == "tops_tips"
    assert outcome.effects == (ShowEvaluation(edit=True), AskTurn(), ShowMeeting(edit=True))


# ---------------------------------------------------------------- malformed buttons

# Callback data comes from the client. "²" passes str.isdigit() but not int();
# a huge day count overflows date arithmetic. Both once raised. "t" was the
# retired "type a date" choice: a date is now typed as a reply.


@pytest.mark.parametrize("arg", ["²", "x", "-1", "", "1.5"])
def test_a_malformed_who_button_gets_a_toast(arg: str) -> None:
    state = proposed()

    outcome = press(state, PARENT, Button.OWNER, arg)

    assert outcome.state == state
    assert toasts(outcome) == [Why.STALE_BUTTON]


@pytest.mark.parametrize(
    "arg", ["²", "x", "-7", "", "t", "O", "oo", "99999999", "9999999999", "1" * 40]
)
def test_a_malformed_by_when_button_gets_a_toast(arg: str) -> None:
    state = owner_changed()

    outcome = press(state, PARENT, Button.DUE, arg)

    assert outcome.state == state
    assert toasts(outcome) == [Why.STALE_BUTTON]


def test_a_by_when_button_just_past_the_furthest_date_gets_a_toast() -> None:
    state = owner_changed()

    outcome = press(state, PARENT, Button.DUE, MAX_DAYS_AHEAD + 1)

    assert outcome.state == state
    assert toasts(outcome) == [Why.STALE_BUTTON]


@pytest.mark.parametrize("arg", ["²", "x", "-14", "", "t", ONGOING, "99999999", "9999999999"])
def test_a_malformed_evaluation_button_gets_a_toast(arg: str) -> None:
    state = at_evaluation()

    outcome = press(state, CHAIR, Button.EVALUATION, arg)

    assert outcome.state == state
    assert toasts(outcome) == [Why.STALE_BUTTON]
