"""What the demo's people say: a small, plausible pupil meeting, in Dutch and English.

Keyed by phase and by the role of the person whose turn it is. The people and
the pupil are made up; the pupil is "S.B." (initials, as the bot asks).

After the meeting, in their private chats: how each owner answers a reminder
about an agreement (`reminder_answer`), and how the mentor evaluates the
plan, goal by goal (`evaluation_answer`).
"""

from __future__ import annotations

from dataclasses import dataclass

from rondetafel.flows.evaluation import GoalResult
from rondetafel.flows.follow_up import AgreementStatus
from rondetafel.flows.reminder_plan import Snooze
from rondetafel.flows.script import Role


@dataclass(frozen=True)
class Cast:
    chair: str
    mentor: str
    parent: str
    pupil: str  # initials: the pupil has no Telegram; the mentor relays their words


CAST = Cast(chair="Ilse", mentor="Daan", parent="Fatma", pupil="S.B.")


@dataclass(frozen=True)
class Agreement:
    what: str
    owner: Role
    due: str  # a number of days for a quick choice, "typed" for a typed date, or "ongoing"


@dataclass(frozen=True)
class Starter:
    """Complete the sentence starter `starter` (its source text) the question offers."""

    starter: str
    text: str


Say = str | Starter | tuple[Agreement, ...] | None  # None: pass

SIDE_NOTE = {
    "nl": "En hij leest elke avond een half uur!",
    "en": "And he reads half an hour every evening!",
}
TYPED_DATE = {"nl": "over 3 weken", "en": "in 3 weeks"}

_NL: dict[str, dict[Role, Say]] = {
    "meeting_goals": {
        Role.PUPIL: "Dat ik niet meer zo vaak boos word in de klas",
        Role.PARENT: "Weten hoe het op school gaat\nHoe we thuis kunnen helpen",
        Role.MENTOR: "Afspraken over de start van de les",
        Role.CHAIR: None,
    },
    "goes_well": {
        Role.PUPIL: "Gym en tekenen\nIk help graag anderen",
        Role.PARENT: "Thuis speelt hij rustig met zijn zusje",
        Role.MENTOR: "Na een korte uitleg werkt hij goed door",
        Role.CHAIR: "Hij heeft een goede band met de conciërge",
    },
    "still_hard": {
        Role.PUPIL: "Als het druk is in de klas",
        Role.PARENT: "De ochtenden: hij slaapt slecht",
        Role.MENTOR: "De eerste tien minuten van de les\nLange instructies",
        Role.CHAIR: None,
    },
    "insight": {
        Role.PUPIL: "Als ik moe ben, word ik sneller boos",
        Role.PARENT: "Na een slechte nacht is alles zwaarder",
        Role.MENTOR: "Drukte en lange uitleg samen is te veel",
        Role.CHAIR: "Slaap en prikkels spelen samen; zijn sterke kant is helpen",
    },
    "goals": {
        Role.PUPIL: "Rustig beginnen aan mijn werk",
        Role.PARENT: "Dat hij met plezier naar school gaat",
        Role.MENTOR: "Binnen 5 minuten na de start is hij aan het werk, 4 van de 5 dagen",
        Role.CHAIR: None,
    },
    "needs": {
        Role.PUPIL: "Een vaste plek bij het raam",
        Role.PARENT: Starter("a teacher who …", "hem 's ochtends even begroet"),
        Role.MENTOR: Starter("instruction that …", "kort is, met de stappen op het bord"),
        Role.CHAIR: "Een rustige werkplek om naartoe te gaan",
    },
    "agreements": {
        Role.PUPIL: (
            Agreement("Ik leg de hulpkaart op tafel als ik hulp nodig heb", Role.PUPIL, "14"),
        ),
        Role.PARENT: (Agreement("Om 21 uur naar bed, ook in het weekend", Role.PARENT, "ongoing"),),
        Role.MENTOR: (
            Agreement("Instructie in stappen op het bord", Role.MENTOR, "42"),
            Agreement("S. bij de deur begroeten", Role.MENTOR, "14"),
        ),
        Role.CHAIR: (
            Agreement("Ouders elke maand bellen over de voortgang", Role.MENTOR, "typed"),
        ),
    },
    "support_needs": {
        Role.PARENT: Starter("support with …", "een vast avondritueel"),
        Role.MENTOR: Starter("a colleague who …", "één lesstart met mij meekijkt"),
    },
    "tops_tips": {
        Role.PUPIL: "Fijn dat ik mee mocht praten",
        Role.PARENT: "Top: iedereen kwam aan het woord",
        Role.MENTOR: "Tip: de volgende keer wat korter",
        Role.CHAIR: "Top: duidelijke afspraken",
    },
}

_EN: dict[str, dict[Role, Say]] = {
    "meeting_goals": {
        Role.PUPIL: "That I get angry less often in class",
        Role.PARENT: "How things go at school\nHow we can help at home",
        Role.MENTOR: "Agreements about the start of lessons",
        Role.CHAIR: None,
    },
    "goes_well": {
        Role.PUPIL: "PE and drawing\nI like helping others",
        Role.PARENT: "At home he plays calmly with his sister",
        Role.MENTOR: "After a short explanation he works well",
        Role.CHAIR: "He gets on well with the caretaker",
    },
    "still_hard": {
        Role.PUPIL: "When the class is noisy",
        Role.PARENT: "Mornings: he sleeps badly",
        Role.MENTOR: "The first ten minutes of a lesson\nLong instructions",
        Role.CHAIR: None,
    },
    "insight": {
        Role.PUPIL: "When I'm tired I get angry faster",
        Role.PARENT: "After a bad night everything is harder",
        Role.MENTOR: "Noise and long explanations together are too much",
        Role.CHAIR: "Sleep and noise add up; his strength is helping",
    },
    "goals": {
        Role.PUPIL: "Start my work calmly",
        Role.PARENT: "That he enjoys going to school",
        Role.MENTOR: "Working within 5 minutes of the start, 4 days out of 5",
        Role.CHAIR: None,
    },
    "needs": {
        Role.PUPIL: "A fixed seat by the window",
        Role.PARENT: Starter("a teacher who …", "greets him briefly in the morning"),
        Role.MENTOR: Starter("instruction that …", "is short, with the steps on the board"),
        Role.CHAIR: "A quiet place to go to",
    },
    "agreements": {
        Role.PUPIL: (
            Agreement("I put the help card on my desk when I need help", Role.PUPIL, "14"),
        ),
        Role.PARENT: (Agreement("Bed at 9 pm, weekends too", Role.PARENT, "ongoing"),),
        Role.MENTOR: (
            Agreement("Instructions in steps on the board", Role.MENTOR, "42"),
            Agreement("Greet S. at the door", Role.MENTOR, "14"),
        ),
        Role.CHAIR: (
            Agreement("Call the parents every month about progress", Role.MENTOR, "typed"),
        ),
    },
    "support_needs": {
        Role.PARENT: Starter("support with …", "a fixed bedtime routine"),
        Role.MENTOR: Starter("a colleague who …", "watches one lesson start with me"),
    },
    "tops_tips": {
        Role.PUPIL: "Nice that I could join in",
        Role.PARENT: "Top: everyone had their say",
        Role.MENTOR: "Tip: a bit shorter next time",
        Role.CHAIR: "Top: clear agreements",
    },
}
BOOK = {"nl": _NL, "en": _EN}


def say(language: str, phase: str, role: Role) -> Say:
    """What `role` says in `phase`; phases the book lacks get a short generic answer."""
    book = BOOK[language]
    if phase in book:
        return book[phase].get(role)
    if phase == "pupil_needs":
        return book["needs"].get(role)
    generic = {"nl": "Daar heb ik niets aan toe te voegen", "en": "Nothing to add from me"}
    return generic[language] if role is not Role.CHAIR else None


# ---------------------------------------------------------------- after the meeting


@dataclass(frozen=True)
class ReminderAnswer:
    """A reminder's button, and what the owner types after it (None: "no note")."""

    choice: AgreementStatus | Snooze
    note: str | None = None


@dataclass(frozen=True)
class GoalEvaluation:
    """One goal in the evaluation: its result, what is seen now, the next step.

    None for `seen` or `next_step`: the "nothing to add" button instead of typing.
    """

    result: GoalResult
    seen: str | None
    next_step: str | None


# By the agreement's text, as it was typed in the meeting (the reminder quotes it).
_REMINDERS: dict[str, dict[str, ReminderAnswer]] = {
    "nl": {
        "S. bij de deur begroeten": ReminderAnswer(
            AgreementStatus.DONE, "Elke ochtend gedaan; hij zegt nu zelf goedemorgen"
        ),
        "Om 21 uur naar bed, ook in het weekend": ReminderAnswer(AgreementStatus.IN_PROGRESS),
    },
    "en": {
        "Greet S. at the door": ReminderAnswer(
            AgreementStatus.DONE, "Done every morning; he now says good morning himself"
        ),
        "Bed at 9 pm, weekends too": ReminderAnswer(AgreementStatus.IN_PROGRESS),
    },
}
# The goals in the order of the goals round: the pupil's, the parent's, the mentor's.
_EVALUATION: dict[str, tuple[GoalEvaluation, ...]] = {
    "nl": (
        GoalEvaluation(
            GoalResult.PARTLY,
            "Met de hulpkaart begint hij op drie van de vijf dagen rustig",
            "De hulpkaart ook bij rekenen gebruiken",
        ),
        GoalEvaluation(GoalResult.REACHED, None, None),
        GoalEvaluation(
            GoalResult.NOT_YET,
            "Na de gym duurt het nog lang",
            "Na de gym eerst vijf minuten lezen",
        ),
    ),
    "en": (
        GoalEvaluation(
            GoalResult.PARTLY,
            "With the help card he starts calmly three days out of five",
            "Use the help card in maths too",
        ),
        GoalEvaluation(GoalResult.REACHED, None, None),
        GoalEvaluation(
            GoalResult.NOT_YET,
            "After PE it still takes long",
            "After PE, five minutes of reading first",
        ),
    ),
}


def reminder_answer(language: str, reminder: str) -> ReminderAnswer:
    """How the owner answers the reminder whose text is `reminder` (unknown agreements: done)."""
    for what, answer in _REMINDERS[language].items():
        if what in reminder:
            return answer
    return ReminderAnswer(AgreementStatus.DONE)


def evaluation_answer(language: str, index: int) -> GoalEvaluation:
    """The evaluation of the plan's goal number `index` (from 0)."""
    book = _EVALUATION[language]
    return book[index] if index < len(book) else GoalEvaluation(GoalResult.REACHED, None, None)
