"""A whole meeting of each kind, from /meeting to MeetingFinished.

Four participants each time: the chair, the mentor, a parent, and the pupil
without Telegram whose words the parent relays.
"""

import datetime as dt
from collections.abc import Mapping, Sequence

from rondetafel.flows.effects import (
    AskPupil,
    AskTurn,
    Done,
    MeetingFinished,
    ShowAgreement,
    ShowEvaluation,
    ShowMeeting,
    Toast,
)
from rondetafel.flows.events import Button
from rondetafel.flows.prompts import Prompt
from rondetafel.flows.script import MeetingKind, Role
from rondetafel.flows.state import Mark, MeetingState, Status
from rondetafel.flows.transition import Outcome

from .builders import (
    CHAIR,
    MENTOR,
    PARENT,
    PUPIL_ALIAS,
    answer,
    command,
    current_role,
    current_speaker,
    open_meeting,
    phase_key,
    pid,
)
from .test_prompts import pass_turn, press  # presses as the keyboards make them

PUPIL, PAR, MEN, CHA = Role.PUPIL, Role.PARENT, Role.MENTOR, Role.CHAIR
D = dt.date  # today is Monday 10 March 2025


def begin(kind: MeetingKind) -> MeetingState:
    """/meeting, the pupil, the kind on the meeting message, the joins, Start."""
    outcome = open_meeting(CHAIR)
    assert outcome.effects == (AskPupil(),)
    assert outcome.state.prompt is Prompt.PUPIL
    outcome = answer(outcome.state, CHAIR, PUPIL_ALIAS)
    assert outcome.effects == (ShowMeeting(),)
    assert outcome.state.prompt is Prompt.GATHERING
    assert outcome.state.kind is MeetingKind.PUPIL_MEETING  # until the chair picks another
    if kind is not MeetingKind.PUPIL_MEETING:
        outcome = press(outcome.state, CHAIR, Button.KIND, kind.value)
        assert outcome.effects == (ShowMeeting(edit=True), Toast(Done.OK))
    state = outcome.state
    assert state.kind is kind
    for person, role in ((MENTOR, MEN), (PARENT, PAR)):
        outcome = press(state, person, Button.JOIN, role.value)
        assert outcome.effects == (
            ShowMeeting(edit=True, lazy=True),
            Toast(Done.JOINED, (("role", role.value),)),
        )
        state = outcome.state
    state = press(state, PARENT, Button.VOICE_PUPIL).state
    outcome = press(state, CHAIR, Button.START)
    assert outcome.effects == (ShowMeeting(edit=True), AskTurn())
    assert outcome.state.status is Status.RUNNING
    assert outcome.state.prompt is Prompt.TURN
    assert [p.role for p in outcome.state.participants] == [CHA, MEN, PAR, PUPIL]
    return outcome.state


def round_of(
    state: MeetingState, key: str, said: Mapping[Role, str], *, dash: bool = False
) -> Outcome:
    """Everyone asked in phase `key` answers what `said` gives them, or passes
    (with the button, or with a reply of "-" if `dash`)."""
    assert phase_key(state) == key
    outcome = Outcome(state)
    for _ in range(len(state.turn_order)):
        state = outcome.state
        if not state.active or phase_key(state) != key:
            break
        assert state.prompt is Prompt.TURN
        role = current_role(state)
        if role in said:
            outcome = answer(state, current_speaker(state), said[role])
        elif dash:
            outcome = answer(state, current_speaker(state), "-")
        else:
            outcome = pass_turn(state)
        assert outcome.state.step > state.step, outcome.effects
    assert not outcome.state.active or phase_key(outcome.state) != key
    return outcome


# Per agreement: the words, who does it, and by when: days (a quick choice),
# a typed date, or None for an ongoing agreement.
Plan = Sequence[tuple[str, Role, int | str | None]]


def agreements_round(state: MeetingState, plans: Mapping[Role, Plan]) -> MeetingState:
    """Each person proposes their agreements, then who (the proposer unless changed)
    and by when, one agreement at a time."""
    assert phase_key(state) == "agreements"
    for _ in range(len(state.turn_order)):
        if state.prompt is Prompt.EVALUATION:
            break
        role = current_role(state)
        plan = plans.get(role, ())
        if not plan:
            state = pass_turn(state).state
            continue
        speaker = current_speaker(state)
        proposer = state.current
        assert proposer is not None
        outcome = answer(state, speaker, "\n".join(what for what, _, _ in plan))
        state = outcome.state
        assert state.prompt is Prompt.AGREEMENT
        assert outcome.effects == (ShowAgreement(state.open_agreements[0]),)
        for _, owner, due in plan:
            seq = state.open_agreements[0]
            assert state.agreement(seq).owner == proposer.id  # who proposes it, by default
            owner_id = next(p.id for p in state.participants if p.role is owner)
            if owner_id != proposer.id:
                outcome = press(state, speaker, Button.OWNER, owner_id)
                assert outcome.effects == (Toast(Done.OK), ShowAgreement(seq, edit=True))
                state = outcome.state
            if due is None:
                outcome = press(state, speaker, Button.DUE, "o")
            elif isinstance(due, int):
                outcome = press(state, speaker, Button.DUE, due)
            else:
                outcome = answer(state, speaker, due)
            assert ShowAgreement(seq, edit=True) in outcome.effects
            state = outcome.state
            assert state.agreement(seq).complete
    assert state.prompt is Prompt.EVALUATION
    return state


def said(state: MeetingState, key: str) -> list[tuple[Role, str]]:
    return [(state.participant(c.participant).role, c.text) for c in state.points(key)]


Agreed = tuple[str, Role, Role | None, dt.date | None, bool]


def agreed(state: MeetingState) -> list[Agreed]:
    """What was agreed: the words, who proposed it, who does it, by when, ongoing."""
    return [
        (
            a.what,
            state.participant(a.proposed_by).role,
            state.participant(a.owner).role if a.owner is not None else None,
            a.due,
            a.ongoing,
        )
        for a in state.agreements
    ]


def set_evaluation(state: MeetingState, typed_or_days: int | str) -> MeetingState:
    assert state.prompt is Prompt.EVALUATION
    if isinstance(typed_or_days, int):
        outcome = press(state, CHAIR, Button.EVALUATION, typed_or_days)
    else:
        outcome = answer(state, CHAIR, typed_or_days)
    assert ShowEvaluation(edit=True) in outcome.effects
    assert outcome.state.prompt is Prompt.TURN
    assert phase_key(outcome.state) == "tops_tips"
    return outcome.state


GOALS_OF_MEETING = {
    PUPIL: "that reading is less scary",
    PAR: "know how to help with homework",
    MEN: "decide on a reading plan",
    CHA: "satisfied when we have a plan\nand a date",
}


def finish_with_tops_and_tips(state: MeetingState) -> MeetingState:
    outcome = round_of(
        state,
        "tops_tips",
        {PUPIL: "I could say what I wanted", PAR: "top: listened", CHA: "tip: shorter"},
    )
    assert outcome.effects == (MeetingFinished(),)
    assert outcome.state.status is Status.FINISHED
    assert outcome.state.prompt is Prompt.CLOSED
    assert outcome.state.current is None
    return outcome.state


def common_checks(state: MeetingState) -> None:
    # The first phase asks what the meeting is for: there is no separate questions step.
    assert state.phases[0].key == "meeting_goals"
    assert state.meeting_questions() == ()
    assert said(state, "meeting_goals") == [
        (PUPIL, "that reading is less scary"),
        (PAR, "know how to help with homework"),
        (MEN, "decide on a reading plan"),
        (CHA, "satisfied when we have a plan"),
        (CHA, "and a date"),
    ]
    assert said(state, "tops_tips") == [
        (PUPIL, "I could say what I wanted"),
        (PAR, "top: listened"),
        (CHA, "tip: shorter"),
    ]
    tops_tips_marks = [c.mark for c in state.contributions if c.phase == "tops_tips"]
    assert tops_tips_marks.count(Mark.PASSED) == 1  # the mentor passed
    seqs = [c.seq for c in state.contributions]
    assert len(seqs) == len(set(seqs))
    # Sentence starters are words in the question now, never a field of a point.
    assert all(c.starter is None for c in state.contributions)
    assert state.agreements and all(a.complete for a in state.agreements)
    assert state.open_agreements == ()
    assert state.pending_side_notes() == ()


# ---------------------------------------------------------------- the four kinds


def test_a_whole_pupil_meeting() -> None:
    state = begin(MeetingKind.PUPIL_MEETING)
    state = round_of(state, "meeting_goals", GOALS_OF_MEETING).state
    state = round_of(
        state,
        "goes_well",
        {PUPIL: "drawing", PAR: "reads comics at home", MEN: "helps classmates", CHA: "on time"},
    ).state
    outcome = round_of(
        state, "still_hard", {PUPIL: "reading aloud", MEN: "long texts\ntests", PAR: "homework"}
    )
    # The optional phase is not asked about: it simply begins.
    assert outcome.effects == (AskTurn(),)
    assert phase_key(outcome.state) == "insight"
    assert outcome.state.phase is not None and outcome.state.phase.optional
    state = round_of(outcome.state, "insight", {MEN: "gets anxious when timed"}).state
    state = round_of(state, "goals", {PUPIL: "read a comic aloud to my sister"}).state
    state = round_of(
        state,
        "needs",
        {
            PUPIL: "a quiet place",
            PAR: "instruction that is short",
            MEN: "knowledge about dyslexia",
            CHA: "a reading buddy",
        },
    ).state
    assert phase_key(state) == "agreements"
    state = agreements_round(
        state,
        {
            PUPIL: [("read 10 minutes a day", PUPIL, 7)],
            PAR: [("in bed by nine", PUPIL, None)],
            MEN: [("audio books in class", MEN, 14), ("talk to PE teacher", CHA, "vrijdag")],
        },
    )
    state = set_evaluation(state, 42)
    state = finish_with_tops_and_tips(state)

    common_checks(state)
    assert said(state, "goes_well") == [
        (PUPIL, "drawing"),
        (PAR, "reads comics at home"),
        (MEN, "helps classmates"),
        (CHA, "on time"),
    ]
    assert said(state, "still_hard") == [
        (PUPIL, "reading aloud"),
        (PAR, "homework"),
        (MEN, "long texts"),
        (MEN, "tests"),
    ]
    assert said(state, "insight") == [(MEN, "gets anxious when timed")]
    assert said(state, "goals") == [(PUPIL, "read a comic aloud to my sister")]
    assert said(state, "needs") == [
        (PUPIL, "a quiet place"),
        (PAR, "instruction that is short"),
        (MEN, "knowledge about dyslexia"),
        (CHA, "a reading buddy"),
    ]
    assert agreed(state) == [
        ("read 10 minutes a day", PUPIL, PUPIL, D(2025, 3, 17), False),
        ("in bed by nine", PAR, PUPIL, None, True),
        ("audio books in class", MEN, MEN, D(2025, 3, 24), False),
        ("talk to PE teacher", MEN, CHA, D(2025, 3, 14), False),
    ]
    assert state.evaluation_date == D(2025, 4, 21)


def test_a_whole_multidisciplinary_meeting() -> None:
    state = begin(MeetingKind.MDO)
    state = round_of(state, "meeting_goals", GOALS_OF_MEETING).state
    state = round_of(state, "goes_well", {PUPIL: "football", PAR: "cooks with dad"}).state
    state = round_of(state, "still_hard", {MEN: "sums with money", CHA: "transitions"}).state
    assert phase_key(state) == "insight"
    # Not needed today: the chair types /volgende instead of answering for everyone.
    outcome = command(state, CHAIR, Button.CLOSE_PHASE)
    assert outcome.effects == (AskTurn(), ShowMeeting(edit=True))
    state = outcome.state
    state = round_of(state, "goals", {MEN: "pay in the canteen alone"}).state
    state = round_of(
        state,
        "pupil_needs",
        {
            PUPIL: "a teacher who helps me",
            PAR: "visual steps",
            MEN: "feedback that comes right away",
            CHA: "same plan at home",
        },
    ).state
    assert [current_role(state), phase_key(state)] == [PAR, "support_needs"]
    state = round_of(
        state,
        "support_needs",
        {PAR: "contact with school about homework", MEN: "knowledge about dyscalculia"},
    ).state
    state = round_of(state, "decisions", {PAR: "yes", CHA: "start the plan"}).state
    state = agreements_round(
        state,
        {
            PAR: [("practise paying at the shop", PAR, 42)],
            CHA: [("ask the care team for material", CHA, "1 april")],
        },
    )
    state = set_evaluation(state, "over 8 weken")
    state = finish_with_tops_and_tips(state)

    common_checks(state)
    assert [p.key for p in state.phases if state.points(p.key)] == [
        "meeting_goals",
        "goes_well",
        "still_hard",
        "goals",
        "pupil_needs",
        "support_needs",
        "decisions",
        "tops_tips",
    ]
    assert said(state, "goes_well") == [(PUPIL, "football"), (PAR, "cooks with dad")]
    assert said(state, "still_hard") == [(MEN, "sums with money"), (CHA, "transitions")]
    assert said(state, "insight") == []
    assert [c.phase for c in state.contributions].count("insight") == 0  # closed, not skipped
    assert said(state, "goals") == [(MEN, "pay in the canteen alone")]
    assert said(state, "pupil_needs") == [
        (PUPIL, "a teacher who helps me"),
        (PAR, "visual steps"),
        (MEN, "feedback that comes right away"),
        (CHA, "same plan at home"),
    ]
    assert said(state, "support_needs") == [
        (PAR, "contact with school about homework"),
        (MEN, "knowledge about dyscalculia"),
    ]
    assert said(state, "decisions") == [(PAR, "yes"), (CHA, "start the plan")]
    assert agreed(state) == [
        ("practise paying at the shop", PAR, PAR, D(2025, 4, 21), False),
        ("ask the care team for material", CHA, CHA, D(2025, 4, 1), False),
    ]
    assert state.evaluation_date == D(2025, 5, 5)


def test_a_whole_circle_conversation() -> None:
    state = begin(MeetingKind.CIRCLE)
    state = round_of(state, "meeting_goals", GOALS_OF_MEETING).state
    state = round_of(state, "goes_well", {PUPIL: "my friends", MEN: "asks for help"}).state
    # The pupil has nothing to add: the parent who relays types /pas for them.
    assert current_role(state) is PUPIL
    outcome = command(state, PARENT, Button.PASS)
    # The parent speaks next too: the meeting message gets fresh controls.
    assert outcome.effects == (AskTurn(), ShowMeeting(edit=True))
    assert current_role(outcome.state) is PAR
    state = round_of(outcome.state, "still_hard", {PAR: "getting up", CHA: "mornings"}).state
    # Everybody else passes by replying "-".
    state = round_of(state, "questions", {PAR: "is there a homework club?"}, dash=True).state
    state = round_of(state, "goals", {PUPIL: "be on time 4 days a week"}, dash=True).state
    state = round_of(
        state,
        "needs",
        {
            PUPIL: "parents who wake me up once",
            PAR: "a reminder",
            MEN: "a morning check-in",
            CHA: "same rules",
        },
    ).state
    state = agreements_round(
        state,
        {
            PUPIL: [("alarm at 7:00", PUPIL, "morgen")],
            CHA: [("morning check-in", MEN, None)],
        },
    )
    state = set_evaluation(state, 56)
    state = finish_with_tops_and_tips(state)

    common_checks(state)
    assert said(state, "goes_well") == [(PUPIL, "my friends"), (MEN, "asks for help")]
    assert said(state, "still_hard") == [(PAR, "getting up"), (CHA, "mornings")]
    still_hard = [c for c in state.contributions if c.phase == "still_hard"]
    assert [c.mark for c in still_hard] == [Mark.PASSED, Mark.POINT, Mark.PASSED, Mark.POINT]
    assert said(state, "questions") == [(PAR, "is there a homework club?")]
    questions = [c for c in state.contributions if c.phase == "questions"]
    assert [c.mark for c in questions] == [Mark.PASSED, Mark.POINT, Mark.PASSED, Mark.PASSED]
    assert all(c.text == "" for c in questions if c.mark is Mark.PASSED)
    assert said(state, "goals") == [(PUPIL, "be on time 4 days a week")]
    assert said(state, "needs")[0] == (PUPIL, "parents who wake me up once")
    assert agreed(state) == [
        ("alarm at 7:00", PUPIL, PUPIL, D(2025, 3, 11), False),
        ("morning check-in", CHA, MEN, None, True),
    ]
    assert state.evaluation_date == D(2025, 5, 5)


def test_a_whole_start_conversation() -> None:
    state = begin(MeetingKind.START)
    state = round_of(state, "meeting_goals", GOALS_OF_MEETING).state
    state = round_of(
        state,
        "hand_over",
        {PUPIL: "the quiet corner", PAR: "loves animals\nneeds structure", MEN: "new to me"},
    ).state
    state = round_of(state, "goals", {MEN: "settle in within 6 weeks", CHA: "one friend"}).state
    state = round_of(
        state,
        "needs",
        {
            PUPIL: "a buddy",
            PAR: "regular updates",
            MEN: "skills to handle autism in class",
            CHA: "nothing more",
        },
    ).state
    state = agreements_round(
        state,
        {
            PAR: [("weekly email", MEN, 7), ("share the old plan", PAR, "next friday")],
            MEN: [("buddy in class", MEN, 14)],
        },
    )
    state = set_evaluation(state, "June 1")
    state = finish_with_tops_and_tips(state)

    common_checks(state)
    assert said(state, "hand_over") == [
        (PUPIL, "the quiet corner"),
        (PAR, "loves animals"),
        (PAR, "needs structure"),
        (MEN, "new to me"),
    ]
    assert said(state, "goals") == [(MEN, "settle in within 6 weeks"), (CHA, "one friend")]
    assert said(state, "needs") == [
        (PUPIL, "a buddy"),
        (PAR, "regular updates"),
        (MEN, "skills to handle autism in class"),
        (CHA, "nothing more"),
    ]
    assert agreed(state) == [
        ("weekly email", PAR, MEN, D(2025, 3, 17), False),
        ("share the old plan", PAR, PAR, D(2025, 3, 14), False),
        ("buddy in class", MEN, MEN, D(2025, 3, 24), False),
    ]
    assert state.evaluation_date == D(2025, 6, 1)


def test_the_pupils_words_are_attributed_to_the_pupil_not_to_the_parent_who_typed() -> None:
    state = begin(MeetingKind.START)
    outcome = round_of(state, "meeting_goals", GOALS_OF_MEETING)

    [pupil_point] = [c for c in outcome.state.points("meeting_goals") if c.text.startswith("that")]
    assert pupil_point.participant != pid(outcome.state, PARENT)
    assert outcome.state.participant(pupil_point.participant).voiced_by == pid(
        outcome.state, PARENT
    )


def test_the_pupils_agreement_is_the_pupils_to_do_unless_someone_else_is_chosen() -> None:
    state = begin(MeetingKind.START)
    for key in ("meeting_goals", "hand_over", "goals", "needs"):
        state = round_of(state, key, {}).state
    assert current_role(state) is PUPIL
    state = answer(state, PARENT, "pack my bag the evening before").state

    [agreement] = state.agreements
    assert agreement.owner == agreement.proposed_by
    assert state.participant(agreement.proposed_by).role is PUPIL


def test_after_the_agreements_the_evaluation_date_is_asked_once() -> None:
    state = begin(MeetingKind.START)
    state = round_of(state, "meeting_goals", {}).state
    state = round_of(state, "hand_over", {}).state
    state = round_of(state, "goals", {}).state
    state = round_of(state, "needs", {}).state
    asked = []
    for _ in range(len(state.turn_order)):
        outcome = pass_turn(state)
        asked += [e for e in outcome.effects if isinstance(e, ShowEvaluation)]
        state = outcome.state
    assert state.prompt is Prompt.EVALUATION
    assert outcome.effects == (ShowEvaluation(),)
    assert asked == [ShowEvaluation()]
    assert state.current is None
