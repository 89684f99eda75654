"""The demo's pupil meeting as a finished state, built by hand from the demo book.

Every phase of the script is answered the way the demo's people answer it
(`rondetafel.demo_book`), so the summary and the report are rendered from a
meeting of realistic size: chair, mentor, parent and the pupil whose words
the mentor relays.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from rondetafel.demo_book import CAST, Starter, say
from rondetafel.flows.script import SCRIPTS, MeetingKind, PhaseType, Role
from rondetafel.flows.state import (
    MEETING_QUESTIONS,
    Agreement,
    Contribution,
    Mark,
    MeetingState,
    Participant,
    Status,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
STARTED = dt.datetime(2025, 3, 10, 15, 30, tzinfo=AMSTERDAM)
FINISHED = STARTED + dt.timedelta(minutes=55)
TODAY = STARTED.date()
EVALUATION = TODAY + dt.timedelta(days=42)

CHAIR, MENTOR, PARENT, PUPIL = 1, 2, 3, 4
PARTICIPANTS = (
    Participant(CHAIR, CAST.chair, Role.CHAIR, 501),
    Participant(MENTOR, CAST.mentor, Role.MENTOR, 502),
    Participant(PARENT, CAST.parent, Role.PARENT, 503),
    Participant(PUPIL, CAST.pupil, Role.PUPIL, None, voiced_by=MENTOR),
)
BY_ROLE = {p.role: p.id for p in PARTICIPANTS}
# The questions asked before the meeting, as meetings made before that step was dropped hold them.
QUESTIONS = {
    "nl": ("Wat helpt S. om rustig aan de les te beginnen?", "Wie doet wat de komende zes weken?"),
    "en": ("What helps S. to start lessons calmly?", "Who does what in the coming six weeks?"),
}
# What the demo's person types when choosing to type a date: "in 3 weeks".
TYPED_DAYS = 21


def demo_meeting(
    kind: MeetingKind = MeetingKind.PUPIL_MEETING,
    language: str = "nl",
    *,
    questions: bool = True,
) -> MeetingState:
    """The demo meeting of `kind`, finished; `questions` adds the setup questions."""
    script = SCRIPTS[kind]
    contributions: list[Contribution] = []
    agreements: list[Agreement] = []

    def add(phase: str, who: int, text: str, mark: Mark, starter: str | None = None) -> None:
        seq = len(contributions) + 1
        contributions.append(Contribution(seq, phase, who, text, mark, 9000 + seq, starter))

    if questions:
        for line in QUESTIONS[language]:
            add(MEETING_QUESTIONS, CHAIR, line, Mark.POINT)
    for phase in script.phases:
        for role in script.ask_order:
            if role not in BY_ROLE or phase.question_for(role) is None:
                continue
            who = BY_ROLE[role]
            answer = say(language, phase.key, role)
            if answer is None:
                add(phase.key, who, "", Mark.PASSED)
            elif isinstance(answer, str):
                add(phase.key, who, answer, Mark.POINT)
            elif isinstance(answer, Starter):
                add(phase.key, who, answer.text, Mark.POINT, answer.starter)
            else:
                assert phase.type is PhaseType.AGREEMENTS
                for a in answer:
                    ongoing = a.due == "ongoing"
                    days = int(a.due) if a.due.isdigit() else TYPED_DAYS
                    agreements.append(
                        Agreement(
                            seq=len(agreements) + 1,
                            what=a.what,
                            proposed_by=who,
                            owner=BY_ROLE[a.owner],
                            due=None if ongoing else TODAY + dt.timedelta(days=days),
                            ongoing=ongoing,
                        )
                    )
    return MeetingState(
        meeting_id=7,
        status=Status.FINISHED,
        language=language,
        chair=CHAIR,
        participants=PARTICIPANTS,
        created_at=STARTED - dt.timedelta(minutes=10),
        kind=kind,
        pupil=CAST.pupil,
        contributions=tuple(contributions),
        agreements=tuple(agreements),
        evaluation_date=EVALUATION,
        started_at=STARTED,
        finished_at=FINISHED,
    )
