"""The meeting scripts: which phases a meeting walks, and what each role is asked.

Scripts are data, not code: a new kind of meeting is a new `Script` here, and
the state machine (`flows.transition`) walks any of them the same way. Every
sentence is the English source text, marked for the catalogs; the shell
translates it into the chat's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from .markers import N_


class Role(StrEnum):
    CHAIR = "chair"
    MENTOR = "mentor"
    PARENT = "parent"
    PUPIL = "pupil"
    CARE_COORDINATOR = "care"
    EXTERNAL = "external"


# Roles one person at most may hold in a meeting.
UNIQUE_ROLES = frozenset({Role.CHAIR, Role.PUPIL})

# Who speaks first: the pupil and the parents before the professionals, the
# chair last (principle 6: talk *with* pupil and parents, not about them).
ASK_ORDER: tuple[Role, ...] = (
    Role.PUPIL,
    Role.PARENT,
    Role.MENTOR,
    Role.EXTERNAL,
    Role.CARE_COORDINATOR,
    Role.CHAIR,
)

ROLE_NAMES: Mapping[Role, str] = {
    Role.CHAIR: N_("chair"),
    Role.MENTOR: N_("mentor / teacher"),
    Role.PARENT: N_("parent"),
    Role.PUPIL: N_("pupil"),
    Role.CARE_COORDINATOR: N_("care coordinator"),
    Role.EXTERNAL: N_("external professional"),
}


class MeetingKind(StrEnum):
    PUPIL_MEETING = "pupil"
    MDO = "mdo"
    CIRCLE = "circle"
    START = "start"
    EVALUATION = "evaluation"


class PhaseType(StrEnum):
    POINTS = "points"  # each person gives points, one per line
    NEEDS = "needs"  # points, with the HGW sentence starters offered in the question
    AGREEMENTS = "agreements"  # structured: what, who, by when


@dataclass(frozen=True)
class Starter:
    """A sentence starter (hulpzin) offered in a needs phase's question, for those roles."""

    text: str
    roles: frozenset[Role]


@dataclass(frozen=True)
class Phase:
    key: str
    title: str
    # Role → question. Roles that are absent are not asked in this phase.
    questions: Mapping[Role, str]
    type: PhaseType = PhaseType.POINTS
    optional: bool = False
    starters: tuple[Starter, ...] = ()
    # Phases that collect what goes well; used to prove positives come first.
    positive: bool = False
    difficult: bool = False

    def question_for(self, role: Role) -> str | None:
        return self.questions.get(role)

    def starters_for(self, role: Role) -> tuple[Starter, ...]:
        return tuple(s for s in self.starters if role in s.roles)


@dataclass(frozen=True)
class Script:
    kind: MeetingKind
    title: str
    phases: tuple[Phase, ...]
    ask_order: tuple[Role, ...] = field(default=ASK_ORDER)


def _ask(adult: str, pupil: str, **per_role: str) -> Mapping[Role, str]:
    """Everyone gets `adult` unless named; the pupil gets words a child understands."""
    questions = {role: adult for role in Role}
    questions[Role.PUPIL] = pupil
    for name, text in per_role.items():
        questions[Role(name)] = text
    return questions


ADULTS = frozenset(Role) - {Role.PUPIL}
EVERYONE = frozenset(Role)

SUPPORTERS = frozenset({Role.MENTOR, Role.PARENT, Role.CARE_COORDINATOR, Role.EXTERNAL})
# A colleague or a manager is something only the school's own staff can ask for.
STAFF = frozenset({Role.MENTOR, Role.CARE_COORDINATOR})

# The HGW sentence starters (hulpzinnen): what the pupil needs (principle 3)…
PUPIL_NEED_STARTERS: tuple[Starter, ...] = (
    Starter(N_("instruction that …"), EVERYONE),
    Starter(N_("tasks or activities that …"), EVERYONE),
    Starter(N_("feedback that …"), EVERYONE),
    Starter(N_("a learning environment that …"), EVERYONE),
    Starter(N_("a teacher who …"), EVERYONE),
    Starter(N_("classmates who …"), EVERYONE),
    Starter(N_("parents who …"), EVERYONE),
    Starter(N_("help with …"), EVERYONE),
)
# …and what the adults around the pupil need to give that (principle 4).
SUPPORT_NEED_STARTERS: tuple[Starter, ...] = (
    Starter(N_("knowledge about …"), SUPPORTERS),
    Starter(N_("skills to …"), SUPPORTERS),
    Starter(N_("support with …"), SUPPORTERS),
    Starter(N_("extra material for …"), SUPPORTERS),
    Starter(N_("a colleague who …"), STAFF),
    Starter(N_("a manager who …"), STAFF),
    Starter(N_("a care coordinator who …"), STAFF),
    Starter(N_("contact with school about …"), frozenset({Role.PARENT})),
)

MEETING_GOALS = Phase(
    key="meeting_goals",
    title=N_("Questions for this meeting"),
    questions=_ask(
        N_("What do you want to know or decide by the end of this meeting?"),
        N_("What would you like to come out of this talk today?"),
        chair=N_(
            "What would make this meeting worthwhile? Add anything the others have not mentioned."
        ),
    ),
)
GOES_WELL = Phase(
    key="goes_well",
    title=N_("What goes well"),
    positive=True,
    questions=_ask(
        N_("What is going well? When is it already working?"),
        N_("What is going well for you, at school or at home? What are you good at?"),
        parent=N_("What is going well at home? What is your child good at?"),
        mentor=N_("What is going well in class? When is it already working?"),
    ),
)
STILL_HARD = Phase(
    key="still_hard",
    title=N_("What is still hard"),
    difficult=True,
    questions=_ask(
        N_("What is still difficult? When do you notice it?"),
        N_("What is still hard for you? When does that happen?"),
        parent=N_("What is still difficult at home? When do you notice it?"),
        mentor=N_("What is still difficult in class? When do you notice it?"),
    ),
)
INSIGHT = Phase(
    key="insight",
    title=N_("Insight"),
    optional=True,
    questions=_ask(
        N_("Why do you think things are the way they are? Which strengths can we build on?"),
        N_("Why do you think it is hard sometimes? What helps you?"),
    ),
)
GOALS = Phase(
    key="goals",
    title=N_("Goals for the pupil"),
    questions=_ask(
        N_("What is the goal? What will we see and hear once it is reached?"),
        N_("What would you like to be able to do? How would we notice?"),
    ),
)
NEEDS = Phase(
    key="needs",
    title=N_("Needs"),
    type=PhaseType.NEEDS,
    starters=PUPIL_NEED_STARTERS + SUPPORT_NEED_STARTERS,
    questions=_ask(
        N_("To reach these goals, what does the pupil need?"),
        N_("What helps you? What do you need from your teacher, classmates or parents?"),
        mentor=N_("What does the pupil need to reach these goals? And what do you need yourself?"),
        parent=N_("What does your child need to reach these goals? And what do you need yourself?"),
    ),
)
PUPIL_NEEDS = Phase(
    key="pupil_needs",
    title=N_("What the pupil needs"),
    type=PhaseType.NEEDS,
    starters=PUPIL_NEED_STARTERS,
    questions=_ask(
        N_("To reach these goals, what does the pupil need?"),
        N_("What helps you? What do you need from your teacher, classmates or parents?"),
    ),
)
SUPPORT_NEEDS = Phase(
    key="support_needs",
    title=N_("What school and parents need"),
    type=PhaseType.NEEDS,
    starters=SUPPORT_NEED_STARTERS,
    questions={
        Role.MENTOR: N_("What do you need yourself to support the pupil?"),
        Role.PARENT: N_("What do you need yourself to support your child?"),
        Role.CARE_COORDINATOR: N_("What does the school need to support the pupil?"),
        Role.EXTERNAL: N_("What support can you offer school and parents?"),
    },
)
DECISIONS = Phase(
    key="decisions",
    title=N_("Answers and decisions"),
    questions={
        Role.PARENT: N_("Have your questions for this meeting been answered?"),
        Role.EXTERNAL: N_("Which advice or decision do you propose?"),
        Role.CHAIR: N_("Which questions of this meeting are answered, and what do we decide?"),
    },
)
AGREEMENTS = Phase(
    key="agreements",
    title=N_("Agreements"),
    type=PhaseType.AGREEMENTS,
    questions=_ask(
        N_("Which agreement do you propose? Write what will be done, and by whom."),
        N_("What will you do yourself? Or what would you like someone else to do?"),
    ),
)
TOPS_TIPS = Phase(
    key="tops_tips",
    title=N_("Tops & tips"),
    questions=_ask(
        N_("Tops & tips for this meeting: what went well, what could be better next time?"),
        N_("What did you like about this talk? What could be better next time?"),
    ),
)
HAND_OVER = Phase(
    key="hand_over",
    title=N_("Hand-over"),
    positive=True,
    questions=_ask(
        N_("What should we know from last year? What worked well?"),
        N_("What went well for you last year? What helped you?"),
        parent=N_("What should the new mentor know about your child? What worked well?"),
    ),
)
# The evaluation meeting looks back on the previous plan: what went well with
# the agreements and goals (feedback, tops) before what is not there yet, then
# the next goals and agreements (feed forward).
LOOKING_BACK = Phase(
    key="looking_back",
    title=N_("How did it go?"),
    positive=True,
    questions=_ask(
        N_("What went well with the agreements? Which goals were reached?"),
        N_("What went well for you since the last talk? What can you do now that was hard before?"),
        parent=N_("What went well at home since the last meeting? What did your child manage?"),
        mentor=N_("What went well in class since the last meeting? Which goals were reached?"),
    ),
)
NOT_YET = Phase(
    key="not_yet",
    title=N_("What is not there yet?"),
    difficult=True,
    questions=_ask(
        N_("Which goals are not reached yet? Which agreements did not work out, and why?"),
        N_("What does not work yet for you? What would you like to get better at?"),
    ),
)
CIRCLE_QUESTIONS = Phase(
    key="questions",
    title=N_("Questions"),
    questions=_ask(
        N_("What do you still wonder about?"),
        N_("Is there something you would like to ask?"),
    ),
)

SCRIPTS: Mapping[MeetingKind, Script] = {
    MeetingKind.PUPIL_MEETING: Script(
        kind=MeetingKind.PUPIL_MEETING,
        title=N_("pupil meeting"),
        phases=(MEETING_GOALS, GOES_WELL, STILL_HARD, INSIGHT, GOALS, NEEDS, AGREEMENTS, TOPS_TIPS),
    ),
    MeetingKind.MDO: Script(
        kind=MeetingKind.MDO,
        title=N_("multidisciplinary meeting (MDO)"),
        phases=(
            MEETING_GOALS,
            GOES_WELL,
            STILL_HARD,
            INSIGHT,
            GOALS,
            PUPIL_NEEDS,
            SUPPORT_NEEDS,
            DECISIONS,
            AGREEMENTS,
            TOPS_TIPS,
        ),
    ),
    MeetingKind.CIRCLE: Script(
        kind=MeetingKind.CIRCLE,
        title=N_("circle conversation"),
        phases=(
            MEETING_GOALS,
            GOES_WELL,
            STILL_HARD,
            CIRCLE_QUESTIONS,
            GOALS,
            NEEDS,
            AGREEMENTS,
            TOPS_TIPS,
        ),
    ),
    MeetingKind.START: Script(
        kind=MeetingKind.START,
        title=N_("start conversation"),
        phases=(MEETING_GOALS, HAND_OVER, GOALS, NEEDS, AGREEMENTS, TOPS_TIPS),
    ),
    MeetingKind.EVALUATION: Script(
        kind=MeetingKind.EVALUATION,
        title=N_("evaluation meeting"),
        phases=(MEETING_GOALS, LOOKING_BACK, NOT_YET, GOALS, NEEDS, AGREEMENTS, TOPS_TIPS),
    ),
}
