"""Properties of the meeting scripts (scripts are data; these hold for all of them)."""

import pytest

from rondetafel.flows.script import (
    ASK_ORDER,
    SCRIPTS,
    MeetingKind,
    Phase,
    PhaseType,
    Role,
    Script,
)

ALL_SCRIPTS = list(SCRIPTS.values())
ALL_PHASES = sorted(
    {(s.kind, p.key): p for s in ALL_SCRIPTS for p in s.phases}.items(),
    key=lambda item: (item[0][0].value, item[0][1]),
)
ADULT_ROLES = [r for r in Role if r is not Role.PUPIL]
NEEDS_PHASES = [(k, p) for k, p in ALL_PHASES if p.type is PhaseType.NEEDS]
PUPIL_ASKED = [(k, p) for k, p in ALL_PHASES if p.question_for(Role.PUPIL)]


def ids(items: list[tuple[tuple[MeetingKind, str], Phase]]) -> list[str]:
    return [f"{kind.value}-{key}" for (kind, key), _ in items]


# ---------------------------------------------------------------- the shape of a script


def test_every_kind_of_meeting_has_a_script() -> None:
    assert set(SCRIPTS) == set(MeetingKind)
    assert all(script.kind is kind for kind, script in SCRIPTS.items())


@pytest.mark.parametrize("script", ALL_SCRIPTS, ids=lambda s: s.kind.value)
def test_in_every_script_what_goes_well_comes_before_what_is_hard(script: Script) -> None:
    positives = [i for i, p in enumerate(script.phases) if p.positive]
    difficult = [i for i, p in enumerate(script.phases) if p.difficult]

    assert positives, "every meeting looks for what goes well"
    assert all(p < d for p in positives for d in difficult)


@pytest.mark.parametrize("script", ALL_SCRIPTS, ids=lambda s: s.kind.value)
def test_every_script_starts_with_the_meetings_goals_and_ends_with_tops_and_tips(
    script: Script,
) -> None:
    keys = [p.key for p in script.phases]

    assert keys[0] == "meeting_goals"
    assert keys[-1] == "tops_tips"
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("script", ALL_SCRIPTS, ids=lambda s: s.kind.value)
def test_every_script_has_one_agreements_phase_after_goals_and_needs(script: Script) -> None:
    types = [p.type for p in script.phases]
    keys = [p.key for p in script.phases]

    assert types.count(PhaseType.AGREEMENTS) == 1
    agreements = types.index(PhaseType.AGREEMENTS)
    assert keys.index("goals") < agreements
    needs = [i for i, t in enumerate(types) if t is PhaseType.NEEDS]
    assert needs
    assert max(needs) < agreements


@pytest.mark.parametrize("script", ALL_SCRIPTS, ids=lambda s: s.kind.value)
def test_the_overview_comes_before_the_outlook(script: Script) -> None:
    keys = [p.key for p in script.phases]
    outlook = keys.index("goals")

    assert all(
        keys.index(k) < outlook for k in ("goes_well", "still_hard", "hand_over") if k in keys
    )


def test_only_the_insight_phase_is_optional() -> None:
    assert {p.key for _, p in ALL_PHASES if p.optional} == {"insight"}


# ---------------------------------------------------------------- who is asked


@pytest.mark.parametrize(("where", "phase"), ALL_PHASES, ids=ids(ALL_PHASES))
def test_every_phase_asks_at_least_one_adult_role(where: object, phase: Phase) -> None:
    assert any(phase.question_for(r) for r in ADULT_ROLES)


@pytest.mark.parametrize(("where", "phase"), ALL_PHASES, ids=ids(ALL_PHASES))
def test_every_question_and_title_is_a_real_sentence(where: object, phase: Phase) -> None:
    assert phase.title.strip()
    for role, question in phase.questions.items():
        assert question.strip(), role
        assert question.rstrip().endswith(("?", ".")), (role, question)


@pytest.mark.parametrize(("where", "phase"), PUPIL_ASKED, ids=ids(PUPIL_ASKED))
def test_the_pupils_question_is_in_a_childs_words(where: object, phase: Phase) -> None:
    question = phase.question_for(Role.PUPIL)
    assert question is not None

    for role in ADULT_ROLES:
        assert question != phase.question_for(role), role
    assert "the pupil" not in question.lower()
    assert "your child" not in question.lower()
    assert " you" in question.lower() or question.lower().startswith("you")


@pytest.mark.parametrize("script", ALL_SCRIPTS, ids=lambda s: s.kind.value)
def test_the_pupil_is_heard_about_goals_what_goes_well_needs_and_agreements(
    script: Script,
) -> None:
    asked = {p.key for p in script.phases if p.question_for(Role.PUPIL)}
    needs = {p.key for p in script.phases if p.type is PhaseType.NEEDS}

    assert {"meeting_goals", "goals", "agreements", "tops_tips"} <= asked
    assert any(p.positive for p in script.phases if p.key in asked)
    assert asked & needs


def test_pupil_and_parents_are_asked_first_and_the_chair_last() -> None:
    assert ASK_ORDER[:2] == (Role.PUPIL, Role.PARENT)
    assert ASK_ORDER[-1] is Role.CHAIR
    assert sorted(ASK_ORDER) == sorted(Role)
    assert all(s.ask_order == ASK_ORDER for s in ALL_SCRIPTS)


# ---------------------------------------------------------------- sentence starters

# The HGW sentence starters (hulpzinnen), as domain.md lists them (principles 3 and 4).
PUPIL_NEED_HGW = [
    "instruction that",
    "tasks",  # "tasks/activities that"
    "feedback that",
    "a learning environment that",
    "classmates who",
    "a teacher who",
    "parents who",
    "help with",
]
SUPPORT_NEED_HGW = [
    "knowledge about",
    "skills to",
    "support with",
    "extra material for",
    "a colleague who",
    "a manager who",
    "a care coordinator who",
]
# Help from inside the school is something only the school's own staff can ask for;
# a parent asks for contact with school instead.
STAFF_ONLY_HGW = ["a colleague who", "a manager who", "a care coordinator who"]
FOR_EVERY_SUPPORTER_HGW = [s for s in SUPPORT_NEED_HGW if s not in STAFF_ONLY_HGW]


PUPIL_NEED_PHASES = [(k, p) for k, p in NEEDS_PHASES if p.question_for(Role.PUPIL)]
# Phases where mentor and parents are asked what they need themselves.
SUPPORT_NEED_PHASES = [
    (k, p)
    for k, p in NEEDS_PHASES
    if "yourself" in (p.question_for(Role.MENTOR) or "")
    and "yourself" in (p.question_for(Role.PARENT) or "")
]


def test_the_needs_phases_are_where_they_should_be() -> None:
    assert ids(PUPIL_NEED_PHASES) == [
        "circle-needs",
        "evaluation-needs",
        "mdo-pupil_needs",
        "pupil-needs",
        "start-needs",
    ]
    assert ids(SUPPORT_NEED_PHASES) == [
        "circle-needs",
        "evaluation-needs",
        "mdo-support_needs",
        "pupil-needs",
        "start-needs",
    ]


@pytest.mark.parametrize(("where", "phase"), NEEDS_PHASES, ids=ids(NEEDS_PHASES))
def test_every_needs_phase_offers_starters_and_only_needs_phases_do(
    where: object, phase: Phase
) -> None:
    assert phase.starters
    assert all(not p.starters for _, p in ALL_PHASES if p.type is not PhaseType.NEEDS)
    texts = [s.text for s in phase.starters]
    assert len(texts) == len(set(texts))
    assert all(t.endswith("…") for t in texts)


@pytest.mark.parametrize("starter", PUPIL_NEED_HGW)
def test_the_pupil_is_offered_each_hgw_pupil_need_starter(starter: str) -> None:
    for where, phase in PUPIL_NEED_PHASES:
        offered = [s.text for s in phase.starters_for(Role.PUPIL)]
        assert any(t.startswith(starter) for t in offered), where


@pytest.mark.parametrize("starter", FOR_EVERY_SUPPORTER_HGW)
def test_mentor_and_parents_are_offered_each_general_support_need_starter(starter: str) -> None:
    for where, phase in SUPPORT_NEED_PHASES:
        for role in (Role.MENTOR, Role.PARENT):
            offered = [s.text for s in phase.starters_for(role)]
            assert any(t.startswith(starter) for t in offered), (where, role)


@pytest.mark.parametrize("starter", STAFF_ONLY_HGW)
def test_only_school_staff_are_offered_help_from_inside_the_school(starter: str) -> None:
    for where, phase in SUPPORT_NEED_PHASES:
        for role in Role:
            offered = [s.text for s in phase.starters_for(role)]
            staff = role in (Role.MENTOR, Role.CARE_COORDINATOR)
            assert any(t.startswith(starter) for t in offered) == staff, (where, role)


def test_parents_are_offered_contact_with_school() -> None:
    for where, phase in SUPPORT_NEED_PHASES:
        for role in Role:
            offered = [s.text for s in phase.starters_for(role)]
            wanted = any(t.startswith("contact with school") for t in offered)
            assert wanted == (role is Role.PARENT), (where, role)


def test_support_need_starters_are_not_offered_to_the_pupil() -> None:
    for _, phase in NEEDS_PHASES:
        offered = {s.text for s in phase.starters_for(Role.PUPIL)}
        assert not any(t.startswith((*SUPPORT_NEED_HGW, "contact with school")) for t in offered)


def test_every_role_asked_about_needs_is_offered_a_starter() -> None:
    for where, phase in NEEDS_PHASES:
        for role in Role:
            if phase.question_for(role):
                assert phase.starters_for(role), (where, role)
