"""A whole meeting of each kind, from /meeting to MeetingFinished.

Four participants each time: the chair, the mentor, a parent, and the pupil
without Telegram whose words the parent relays.
"""

import datetime as dt
from collections.abc import Mapping, Sequence

from rondetafel.flows.effects import (
    AgreementRecorded,
    AskAgreementOwner,
    AskEvaluationDate,
    AskMeetingQuestions,
    AskOptionalPhase,
    AskPupil,
    AskTurn,
    EvaluationDateSet,
    MeetingFinished,
    ShowJoin,
    ShowKindChoice,
)
from rondetafel.flows.events import Button
from rondetafel.flows.script import PUPIL_NEED_STARTERS, SUPPORT_NEED_STARTERS, MeetingKind, Role
from rondetafel.flows.state import Awaiting, Mark, MeetingState, Status
from rondetafel.flows.transition import Outcome

from .builders import (
    CHAIR,
    MENTOR,
    PARENT,
    PUPIL_ALIAS,
    answer,
    current_role,
    current_speaker,
    open_meeting,
    pass_turn,
    phase_key,
    pid,
    press,
)

PUPIL, PAR, MEN, CHA = Role.PUPIL, Role.PARENT, Role.MENTOR, Role.CHAIR
D = dt.date  # today is Monday 10 March 2025


def begin(kind: MeetingKind) -> MeetingState:
    """/meeting, the kind, the pupil, the questions, the join message, Start."""
    outcome = open_meeting(CHAIR)
    assert outcome.effects == (ShowKindChoice(),)
    outcome = press(outcome.state, CHAIR, Button.KIND, kind.value)
    assert outcome.effects == (ShowKindChoice(edit=True), AskPupil())
    outcome = answer(outcome.state, CHAIR, PUPIL_ALIAS)
    assert outcome.effects == (AskMeetingQuestions(),)
    outcome = answer(outcome.state, CHAIR, "What helps S. read?\nWhen do we meet again?")
    assert outcome.effects == (ShowJoin(),)
    state = outcome.state
    state = press(state, MENTOR, Button.JOIN, Role.MENTOR.value).state
    state = press(state, PARENT, Button.JOIN, Role.PARENT.value).state
    state = press(state, PARENT, Button.VOICE_PUPIL).state
    outcome = press(state, CHAIR, Button.START)
    assert outcome.effects == (ShowJoin(edit=True), AskTurn())
    assert outcome.state.status is Status.RUNNING
    assert [p.role for p in outcome.state.participants] == [CHA, MEN, PAR, PUPIL]
    return outcome.state


def round_of(state: MeetingState, key: str, said: Mapping[Role, str]) -> Outcome:
    """Everyone asked in phase `key` answers what `said` gives them, or passes."""
    assert phase_key(state) == key
    outcome = Outcome(state)
    while outcome.state.status is Status.RUNNING and phase_key(outcome.state) == key:
        state = outcome.state
        assert state.awaiting is Awaiting.ANSWER
        role = current_role(state)
        if role in said:
            outcome = answer(state, current_speaker(state), said[role])
        else:
            outcome = pass_turn(state)
    return outcome


def needs_round(
    state: MeetingState, key: str, said: Mapping[Role, tuple[int | None, str]]
) -> MeetingState:
    """Like `round_of`, each person first choosing a starter (its index) or none."""
    assert phase_key(state) == key
    while phase_key(state) == key:
        role = current_role(state)
        starter, text = said[role]
        if starter is not None:
            state = press(state, current_speaker(state), Button.STARTER, starter).state
        state = answer(state, current_speaker(state), text).state
    return state


Plan = Sequence[tuple[str, Role, int | str]]


def agreements_round(state: MeetingState, plans: Mapping[Role, Plan]) -> MeetingState:
    """Each person proposes their agreements, then chooses who and by when."""
    assert phase_key(state) == "agreements"
    while state.awaiting is not Awaiting.EVALUATION_DATE:
        role = current_role(state)
        plan = plans.get(role, ())
        if not plan:
            state = pass_turn(state).state
            continue
        speaker = current_speaker(state)
        outcome = answer(state, speaker, "\n".join(what for what, _, _ in plan))
        assert isinstance(outcome.effects[0], AskAgreementOwner)
        state = outcome.state
        for _, owner, due in plan:
            owner_id = next(p.id for p in state.participants if p.role is owner)
            state = press(state, speaker, Button.OWNER, owner_id).state
            if isinstance(due, int):
                outcome = press(state, speaker, Button.DUE, due)
            else:
                state = press(state, speaker, Button.DUE, "t").state
                outcome = answer(state, speaker, due)
            assert any(isinstance(e, AgreementRecorded) for e in outcome.effects)
            state = outcome.state
    return state


def said(state: MeetingState, key: str) -> list[tuple[Role, str]]:
    return [(state.participant(c.participant).role, c.text) for c in state.points(key)]


def agreed(state: MeetingState) -> list[tuple[str, Role, Role | None, dt.date | None]]:
    """What was agreed: the words, who proposed it, who does it, by when."""
    return [
        (
            a.what,
            state.participant(a.proposed_by).role,
            state.participant(a.owner).role if a.owner is not None else None,
            a.due,
        )
        for a in state.agreements
    ]


def set_evaluation(state: MeetingState, typed_or_days: int | str) -> MeetingState:
    assert state.awaiting is Awaiting.EVALUATION_DATE
    if isinstance(typed_or_days, int):
        outcome = press(state, CHAIR, Button.EVALUATION, typed_or_days)
    else:
        state = press(state, CHAIR, Button.EVALUATION, "t").state
        outcome = answer(state, CHAIR, typed_or_days)
    assert any(isinstance(e, EvaluationDateSet) for e in outcome.effects)
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
    assert outcome.state.current is None
    return outcome.state


def common_checks(state: MeetingState) -> None:
    assert state.meeting_questions() == ("What helps S. read?", "When do we meet again?")
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
    assert all(a.complete for a in state.agreements)
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
    assert outcome.effects == (AskOptionalPhase(),)
    state = press(outcome.state, CHAIR, Button.DO_PHASE).state
    state = round_of(state, "insight", {MEN: "gets anxious when timed"}).state
    state = round_of(state, "goals", {PUPIL: "read a comic aloud to my sister"}).state
    state = needs_round(
        state,
        "needs",
        {
            PUPIL: (None, "a quiet place"),
            PAR: (0, "is short"),
            MEN: (len(PUPIL_NEED_STARTERS), "dyslexia"),
            CHA: (None, "a reading buddy"),
        },
    )
    assert phase_key(state) == "agreements"
    state = agreements_round(
        state,
        {
            PUPIL: [("read 10 minutes a day", PUPIL, 7)],
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
    assert [
        (r, t, p.starter)
        for (r, t), p in zip(said(state, "needs"), state.points("needs"), strict=True)
    ] == [
        (PUPIL, "a quiet place", None),
        (PAR, "is short", PUPIL_NEED_STARTERS[0].text),
        (MEN, "dyslexia", SUPPORT_NEED_STARTERS[0].text),
        (CHA, "a reading buddy", None),
    ]
    assert agreed(state) == [
        ("read 10 minutes a day", PUPIL, PUPIL, D(2025, 3, 17)),
        ("audio books in class", MEN, MEN, D(2025, 3, 24)),
        ("talk to PE teacher", MEN, CHA, D(2025, 3, 14)),
    ]
    assert state.evaluation_date == D(2025, 4, 21)


def test_a_whole_multidisciplinary_meeting() -> None:
    state = begin(MeetingKind.MDO)
    state = round_of(state, "meeting_goals", GOALS_OF_MEETING).state
    state = round_of(state, "goes_well", {PUPIL: "football", PAR: "cooks with dad"}).state
    state = round_of(state, "still_hard", {MEN: "sums with money", CHA: "transitions"}).state
    assert state.awaiting is Awaiting.PHASE_CHOICE
    state = press(state, CHAIR, Button.SKIP_PHASE).state
    state = round_of(state, "goals", {MEN: "pay in the canteen alone"}).state
    state = needs_round(
        state,
        "pupil_needs",
        {
            PUPIL: (4, "help me"),
            PAR: (None, "visual steps"),
            MEN: (2, "comes right away"),
            CHA: (None, "same plan at home"),
        },
    )
    state = needs_round(
        state,
        "support_needs",
        {PAR: (2, "homework"), MEN: (0, "dyscalculia")},
    )
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
    assert said(state, "goals") == [(MEN, "pay in the canteen alone")]
    assert [(p.text, p.starter) for p in state.points("pupil_needs")] == [
        ("help me", PUPIL_NEED_STARTERS[4].text),
        ("visual steps", None),
        ("comes right away", PUPIL_NEED_STARTERS[2].text),
        ("same plan at home", None),
    ]
    assert [
        (r, p.starter)
        for (r, _), p in zip(
            said(state, "support_needs"), state.points("support_needs"), strict=True
        )
    ] == [
        (PAR, SUPPORT_NEED_STARTERS[2].text),
        (MEN, SUPPORT_NEED_STARTERS[0].text),
    ]
    assert said(state, "decisions") == [(PAR, "yes"), (CHA, "start the plan")]
    assert agreed(state) == [
        ("practise paying at the shop", PAR, PAR, D(2025, 4, 21)),
        ("ask the care team for material", CHA, CHA, D(2025, 4, 1)),
    ]
    assert state.evaluation_date == D(2025, 5, 5)


def test_a_whole_circle_conversation() -> None:
    state = begin(MeetingKind.CIRCLE)
    state = round_of(state, "meeting_goals", GOALS_OF_MEETING).state
    state = round_of(state, "goes_well", {PUPIL: "my friends", MEN: "asks for help"}).state
    state = round_of(state, "still_hard", {PUPIL: "mornings", PAR: "getting up"}).state
    state = round_of(state, "questions", {PAR: "is there a homework club?"}).state
    state = round_of(state, "goals", {PUPIL: "be on time 4 days a week"}).state
    state = needs_round(
        state,
        "needs",
        {
            PUPIL: (5, "wake me up once"),
            PAR: (None, "a reminder"),
            MEN: (None, "a morning check-in"),
            CHA: (None, "same rules"),
        },
    )
    state = agreements_round(state, {PUPIL: [("alarm at 7:00", PUPIL, "morgen")]})
    state = set_evaluation(state, 56)
    state = finish_with_tops_and_tips(state)

    common_checks(state)
    assert said(state, "goes_well") == [(PUPIL, "my friends"), (MEN, "asks for help")]
    assert said(state, "still_hard") == [(PUPIL, "mornings"), (PAR, "getting up")]
    assert said(state, "questions") == [(PAR, "is there a homework club?")]
    assert said(state, "goals") == [(PUPIL, "be on time 4 days a week")]
    assert [p.starter for p in state.points("needs")] == [
        PUPIL_NEED_STARTERS[5].text,
        None,
        None,
        None,
    ]
    assert agreed(state) == [("alarm at 7:00", PUPIL, PUPIL, D(2025, 3, 11))]
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
    state = needs_round(
        state,
        "needs",
        {
            PUPIL: (None, "a buddy"),
            PAR: (None, "regular updates"),
            MEN: (len(PUPIL_NEED_STARTERS) + 1, "autism in class"),
            CHA: (None, "nothing more"),
        },
    )
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
    assert [
        (r, p.starter)
        for (r, _), p in zip(said(state, "needs"), state.points("needs"), strict=True)
    ] == [
        (PUPIL, None),
        (PAR, None),
        (MEN, SUPPORT_NEED_STARTERS[1].text),
        (CHA, None),
    ]
    assert agreed(state) == [
        ("weekly email", PAR, MEN, D(2025, 3, 17)),
        ("share the old plan", PAR, PAR, D(2025, 3, 14)),
        ("buddy in class", MEN, MEN, D(2025, 3, 24)),
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


def test_after_the_agreements_the_evaluation_date_is_asked_once() -> None:
    state = begin(MeetingKind.START)
    state = round_of(state, "meeting_goals", {}).state
    state = round_of(state, "hand_over", {}).state
    state = round_of(state, "goals", {}).state
    state = round_of(state, "needs", {}).state
    while state.awaiting is not Awaiting.EVALUATION_DATE:
        outcome = pass_turn(state)
        state = outcome.state
    assert outcome.effects == (AskEvaluationDate(),)
