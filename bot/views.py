"""What the templates show, computed once from a meeting's state.

Templates only loop and print; every decision (order, grouping, which points
count, how a sentence starter reads, what leads the report) is made here, in
Python, and tested.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rondetafel.flows.markers import N_
from rondetafel.flows.script import GOALS, PhaseType, Role
from rondetafel.flows.state import Agreement, Contribution, Mark, MeetingState, Participant

from .texts import Texts

# Ids of the sections that lead the report; a round shown there links to them.
AGREEMENTS_ID = "agreements"
GOALS_ID = "goals"


@dataclass(frozen=True)
class PersonView:
    name: str
    role: str
    via: str | None  # who relayed the pupil's words
    # Not at the meeting: their points were brought in from home beforehand.
    away: bool = False


@dataclass(frozen=True)
class EntryView:
    person: PersonView
    points: tuple[str, ...]
    passed: bool
    skipped: bool
    # The language the points were written in, when not the meeting's ("Turks").
    language: str | None = None


@dataclass(frozen=True)
class PhaseView:
    """One round of the meeting, numbered as in the script."""

    number: int
    title: str
    entries: tuple[EntryView, ...]
    # The agreements and the goals lead the report and the summary (what was
    # decided comes first); their round only points there, by this section id.
    above: str | None = None

    @property
    def spoken(self) -> tuple[EntryView, ...]:
        """The entries with points: the compact summary leaves out who passed."""
        return tuple(e for e in self.entries if e.points)


@dataclass(frozen=True)
class AgreementView:
    number: int
    what: str
    owner: PersonView | None
    due: str | None
    ongoing: bool
    # Ready to print: "by Fri 5 Dec 2025", "ongoing" or "no date yet". Only a
    # dated agreement says "by": an ongoing one ("in bed by nine") has no end.
    when: str


@dataclass(frozen=True)
class GoalView:
    text: str
    person: PersonView


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
    agreements: tuple[AgreementView, ...]
    goals: tuple[GoalView, ...]
    evaluation: str | None
    phases: tuple[PhaseView, ...]
    side_notes: tuple[tuple[PersonView, str], ...]


# When an agreement is due, as the summary and the report say it; a parent reads
# these too (bot/family_texts.py).
ONGOING = N_("ongoing")
BY_DATE = N_("by %(date)s")
NO_DATE = N_("no date yet")
VIEW_MESSAGES = (ONGOING, BY_DATE, NO_DATE)


def person(state: MeetingState, p: Participant, t: Texts) -> PersonView:
    via = state.participant(p.voiced_by).name if p.voiced_by else None
    return PersonView(p.name, t.role(p.role), via, p.absent)


def point_text(c: Contribution, t: Texts) -> str:
    if c.starter is None:
        return c.text
    return f"{t(c.starter).rstrip(' …').rstrip('.')} {c.text}"


def when(a: Agreement, t: Texts) -> str:
    if a.ongoing:
        return t(ONGOING)
    if a.due is not None:
        # %-style: the sentence the summary template has always used, already translated.
        return t(BY_DATE) % {"date": t.date(a.due)}
    return t(NO_DATE)


def agreement_view(state: MeetingState, number: int, a: Agreement, t: Texts) -> AgreementView:
    return AgreementView(
        number=number,
        what=a.what,
        owner=person(state, state.participant(a.owner), t) if a.owner else None,
        due=None if a.ongoing or a.due is None else t.date(a.due),
        ongoing=a.ongoing,
        when=when(a, t),
    )


def meeting_view(state: MeetingState, t: Texts, tz: dt.tzinfo) -> MeetingView:
    assert state.kind is not None
    order = state.script.ask_order if state.script else tuple(Role)
    people_in_order = sorted(state.participants, key=lambda p: (order.index(p.role), p.id))
    started = (state.started_at or state.created_at).astimezone(tz)
    ended = (state.finished_at or started).astimezone(tz)
    agreements = tuple(
        agreement_view(state, number, a, t) for number, a in enumerate(state.agreements, start=1)
    )
    phases = []
    goals: list[GoalView] = []
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
            written = next((c.language for c in mine if c.language), None)
            if points or passed or skipped:
                entries.append(
                    EntryView(
                        person(state, p, t),
                        points,
                        passed and not points,
                        skipped and not points,
                        t.language_name(written) if written else None,
                    )
                )
        title = t(phase.title)
        if phase.type is PhaseType.AGREEMENTS:
            if agreements or state.evaluation_date:
                phases.append(PhaseView(number, title, (), above=AGREEMENTS_ID))
        elif phase.key == GOALS.key:
            goals_here = [GoalView(point, e.person) for e in entries for point in e.points]
            goals += goals_here
            if goals_here:
                phases.append(PhaseView(number, title, (), above=GOALS_ID))
        elif entries:
            phases.append(PhaseView(number, title, tuple(entries)))
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
        questions=state.meeting_questions(),
        agreements=agreements,
        goals=tuple(goals),
        evaluation=t.date(state.evaluation_date) if state.evaluation_date else None,
        phases=tuple(phases),
        side_notes=notes,
    )
