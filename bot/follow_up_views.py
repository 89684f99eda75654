"""What the evaluation summary and the next meeting's opening show.

The shell gathers plain facts (`EvaluationSummaryView`, `EarlierView`) from
storage; the functions here turn them into lines ready to print, translated,
so the templates only loop and print. What someone *saw* ("what do we see
now") and an owner's note about an agreement are not carried into any of
these lines: they are about the child, and a group holds many readers. They
stay in the private chat and the report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from rondetafel.flows.evaluation import (
    RESULT_NAMES,
    RESULT_SYMBOLS,
    WHOLE_PLAN,
    WHOLE_PLAN_NAME,
    GoalAnswer,
)
from rondetafel.flows.follow_up import STATUS_NAMES, AgreementFacts

from .texts import Texts

# ---------------------------------------------------------------- the facts


@dataclass(frozen=True)
class EvaluationSummaryView:
    """A completed evaluation, for the short summary in the meeting's group."""

    evaluator: str
    date: dt.date
    goals: tuple[GoalAnswer, ...]
    agreements: tuple[AgreementFacts, ...]


@dataclass(frozen=True)
class EarlierView:
    """The previous meeting's plan and how it went, for the next meeting's opening."""

    goals: tuple[str, ...]
    agreements: tuple[AgreementFacts, ...]
    evaluation: tuple[GoalAnswer, ...] | None  # None: not evaluated
    evaluated_on: dt.date | None


# ---------------------------------------------------------------- ready to print


@dataclass(frozen=True)
class GoalLine:
    # The goal's number in the opening's feed up, so it is not written out
    # three times; None where it is not listed there (then `goal` is shown).
    number: int | None
    goal: str
    symbol: str
    result: str | None  # None: no result given
    next_step: str


@dataclass(frozen=True)
class AgreementLine:
    what: str
    owner: str | None
    status: str


@dataclass(frozen=True)
class EvaluationSummaryLines:
    date: str
    evaluator: str
    goals: tuple[GoalLine, ...]
    agreements: tuple[AgreementLine, ...]


@dataclass(frozen=True)
class EarlierLines:
    goals: tuple[str, ...]  # feed up
    evaluated_on: str | None
    results: tuple[GoalLine, ...]  # feedback, with the agreements
    agreements: tuple[AgreementLine, ...]
    next_steps: tuple[GoalLine, ...]  # feed forward

    @property
    def empty(self) -> bool:
        return not (self.goals or self.results or self.agreements or self.next_steps)


def goal_name(goal: str, t: Texts) -> str:
    return t(WHOLE_PLAN_NAME) if goal == WHOLE_PLAN else goal


def goal_line(answer: GoalAnswer, t: Texts, numbers: Mapping[str, int] | None = None) -> GoalLine:
    return GoalLine(
        number=(numbers or {}).get(answer.goal),
        goal=goal_name(answer.goal, t),
        symbol=RESULT_SYMBOLS[answer.result] if answer.result else "",
        result=t(RESULT_NAMES[answer.result]) if answer.result else None,
        next_step=answer.next_step,
    )


def agreement_line(a: AgreementFacts, t: Texts) -> AgreementLine:
    # The owner's note is left out on purpose: see the module's docstring.
    return AgreementLine(what=a.what, owner=a.owner_name, status=t(STATUS_NAMES[a.status]))


def evaluation_summary_lines(view: EvaluationSummaryView, t: Texts) -> EvaluationSummaryLines:
    return EvaluationSummaryLines(
        date=t.date(view.date),
        evaluator=view.evaluator,
        goals=tuple(goal_line(g, t) for g in view.goals),
        agreements=tuple(agreement_line(a, t) for a in view.agreements),
    )


def earlier_lines(view: EarlierView, t: Texts) -> EarlierLines:
    numbers: dict[str, int] = {}
    for number, goal in enumerate(view.goals, start=1):
        numbers.setdefault(goal, number)
    evaluated = tuple(goal_line(g, t, numbers) for g in view.evaluation or ())
    return EarlierLines(
        goals=view.goals,
        evaluated_on=t.date(view.evaluated_on) if view.evaluated_on and evaluated else None,
        results=tuple(g for g in evaluated if g.result),
        agreements=tuple(agreement_line(a, t) for a in view.agreements),
        next_steps=tuple(g for g in evaluated if g.next_step),
    )
