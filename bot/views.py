"""What the templates show, computed once from a meeting's state.

Templates only loop and print; every decision (order, grouping, which points
count, how a sentence starter reads) is made here, in Python, and tested.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rondetafel.flows.script import PhaseType, Role
from rondetafel.flows.state import MEETING_QUESTIONS, Contribution, Mark, MeetingState, Participant

from .texts import Texts


@dataclass(frozen=True)
class PersonView:
    name: str
    role: str
    via: str | None  # who relayed the pupil's words


@dataclass(frozen=True)
class EntryView:
    person: PersonView
    points: tuple[str, ...]
    passed: bool
    skipped: bool


@dataclass(frozen=True)
class PhaseView:
    number: int
    title: str
    entries: tuple[EntryView, ...]
    # The agreements phase shows the agreements (who, what, by when) instead of points.
    agreements: bool = False


@dataclass(frozen=True)
class AgreementView:
    number: int
    what: str
    owner: PersonView | None
    due: str | None


@dataclass(frozen=True)
class MeetingView:
    title: str
    kind: str
    pupil: str
    date: str
    start_time: str
    end_time: str
    people: tuple[PersonView, ...]
    questions: tuple[str, ...]
    phases: tuple[PhaseView, ...]
    agreements: tuple[AgreementView, ...]
    evaluation: str | None
    side_notes: tuple[tuple[PersonView, str], ...]


def person(state: MeetingState, p: Participant, t: Texts) -> PersonView:
    via = state.participant(p.voiced_by).name if p.voiced_by else None
    return PersonView(p.name, t.role(p.role), via)


def point_text(c: Contribution, t: Texts) -> str:
    if c.starter is None:
        return c.text
    return f"{t(c.starter).rstrip(' …').rstrip('.')} {c.text}"


def meeting_view(state: MeetingState, t: Texts, tz: dt.tzinfo) -> MeetingView:
    assert state.kind is not None
    order = state.script.ask_order if state.script else tuple(Role)
    people_in_order = sorted(state.participants, key=lambda p: (order.index(p.role), p.id))
    started = (state.started_at or state.created_at).astimezone(tz)
    ended = (state.finished_at or started).astimezone(tz)
    phases = []
    for number, phase in enumerate(state.phases, start=1):
        entries = []
        for p in people_in_order:
            mine = [
                c for c in state.contributions if c.phase == phase.key and c.participant == p.id
            ]
            # An accepted side note is one message of possibly several lines.
            points = tuple(
                line for c in mine if c.mark is Mark.POINT for line in point_text(c, t).split("\n")
            )
            passed = any(c.mark is Mark.PASSED for c in mine)
            skipped = any(c.mark is Mark.SKIPPED for c in mine)
            if points or passed or skipped:
                entries.append(
                    EntryView(
                        person(state, p, t), points, passed and not points, skipped and not points
                    )
                )
        if phase.type is PhaseType.AGREEMENTS:
            phases.append(PhaseView(number, t(phase.title), (), agreements=True))
        elif entries:
            phases.append(PhaseView(number, t(phase.title), tuple(entries)))
    agreements = tuple(
        AgreementView(
            number,
            a.what,
            person(state, state.participant(a.owner), t) if a.owner else None,
            t.date(a.due) if a.due else None,
        )
        for number, a in enumerate(state.agreements, start=1)
    )
    notes = tuple(
        (person(state, state.participant(c.participant), t), c.text)
        for c in state.pending_side_notes()
    )
    return MeetingView(
        title=f"{t.kind(state.kind)} · {state.pupil or ''}",
        kind=t.kind(state.kind),
        pupil=state.pupil or "",
        date=t.date(started.date()),
        start_time=started.strftime("%H:%M"),
        end_time=ended.strftime("%H:%M"),
        people=tuple(person(state, p, t) for p in people_in_order),
        questions=tuple(c.text for c in state.points(MEETING_QUESTIONS)),
        phases=tuple(phases),
        agreements=agreements,
        evaluation=t.date(state.evaluation_date) if state.evaluation_date else None,
        side_notes=notes,
    )
