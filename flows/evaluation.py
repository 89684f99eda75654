"""The evaluation of a plan: a private conversation, goal by goal.

On the evaluation date the person the chair named (usually the mentor) is
asked, in a private chat, per goal of the plan: is it reached, partly, or not
yet — what do we see now — what is the next step (growth language: *doel*,
*al*, *nog*). Its answers open the next meeting (feed up, feedback, feed
forward), so a mistake must be easy to fix: "back" goes to the previous
question, across goals too, and keeps what was said there.

Like the meeting (`flows.prompts`), this conversation is a table:
`EVALUATION_PROMPTS` says which events each prompt accepts. `evaluate` refuses
anything else through that one table, and the shell builds each prompt's
buttons from the same table (`BUTTONS`), so the two cannot disagree. Pure:
no clock, no storage, no Telegram.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from .markers import N_
from .script import GOALS, MEETING_GOALS
from .state import MeetingState


class GoalResult(StrEnum):
    REACHED = "reached"
    PARTLY = "partly"
    NOT_YET = "not_yet"


RESULT_NAMES: Mapping[GoalResult, str] = {
    GoalResult.REACHED: N_("reached"),
    GoalResult.PARTLY: N_("partly reached"),
    GoalResult.NOT_YET: N_("not reached yet"),
}
# Shown next to a result wherever it appears (buttons, summary, next meeting).
RESULT_SYMBOLS: Mapping[GoalResult, str] = {
    GoalResult.REACHED: "✅",
    GoalResult.PARTLY: "🟡",
    GoalResult.NOT_YET: "⏳",
}

# A plan without goals is still evaluated: as a whole, under this one "goal".
WHOLE_PLAN = ""
WHOLE_PLAN_NAME = N_("the plan as a whole")

# Longer answers are refused, not cut: the shell echoes the text back so that
# nothing typed is lost.
MAX_ANSWER = 1000


class EvaluationPrompt(StrEnum):
    RESULT = "result"  # reached, partly or not yet?
    SEEN = "seen"  # what do we see now? (typed, or nothing to add)
    NEXT = "next"  # what is the next step? (typed, or nothing to add)
    COMPLETE = "complete"


@dataclass(frozen=True)
class GoalAnswer:
    goal: str  # WHOLE_PLAN: the plan as a whole
    result: GoalResult | None = None
    # What we see now: for this chat and the report, never posted in the group.
    seen: str = ""
    next_step: str = ""


@dataclass(frozen=True)
class EvaluationState:
    goals: tuple[GoalAnswer, ...]
    index: int = 0
    prompt: EvaluationPrompt = EvaluationPrompt.RESULT
    # Bumped whenever the prompt changes: a button carries it, so a press on an
    # old message (or a double tap) is recognised as stale.
    step: int = 0

    @property
    def complete(self) -> bool:
        return self.prompt is EvaluationPrompt.COMPLETE

    @property
    def current(self) -> GoalAnswer | None:
        """The goal being asked about; None once the evaluation is complete."""
        return None if self.complete else self.goals[self.index]

    @property
    def has_before(self) -> bool:
        """Whether "back" has a question to go back to."""
        return not self.complete and (self.index > 0 or self.prompt is not EvaluationPrompt.RESULT)


# ---------------------------------------------------------------- events


@dataclass(frozen=True)
class ResultChosen:
    result: GoalResult
    step: int


@dataclass(frozen=True)
class TextGiven:
    """What the person typed: the answer to SEEN or NEXT."""

    text: str


@dataclass(frozen=True)
class NothingToAdd:
    """The "nothing to add" button on SEEN or NEXT."""

    step: int


@dataclass(frozen=True)
class StepBack:
    """Back to the previous question (across goals too), to fix a mistake."""

    step: int


EvaluationEvent = ResultChosen | TextGiven | NothingToAdd | StepBack


# ---------------------------------------------------------------- effects


@dataclass(frozen=True)
class AskResult:
    index: int


@dataclass(frozen=True)
class AskSeen:
    index: int


@dataclass(frozen=True)
class AskNext:
    index: int


@dataclass(frozen=True)
class EvaluationComplete:
    """Post the short summary in the meeting's group; the state holds the answers."""


class EvaluationWhy(StrEnum):
    STALE_BUTTON = "stale_button"
    TEXT_NOT_EXPECTED = "text_not_expected"  # a button is expected (the result)
    EMPTY = "empty"
    TOO_LONG = "too_long"
    ALREADY_COMPLETE = "already_complete"


@dataclass(frozen=True)
class NotNow:
    """Nothing changed, and why (the shell echoes a refused text back)."""

    why: EvaluationWhy


EvaluationEffect = AskResult | AskSeen | AskNext | EvaluationComplete | NotNow


@dataclass(frozen=True)
class EvaluationOutcome:
    state: EvaluationState
    effects: tuple[EvaluationEffect, ...]


# ---------------------------------------------------------------- the prompt table

EVALUATION_PROMPTS: Mapping[EvaluationPrompt, frozenset[type]] = {
    EvaluationPrompt.RESULT: frozenset({ResultChosen, StepBack}),
    EvaluationPrompt.SEEN: frozenset({TextGiven, NothingToAdd, StepBack}),
    EvaluationPrompt.NEXT: frozenset({TextGiven, NothingToAdd, StepBack}),
    # Once complete the summary is in the group: nothing is changed afterwards.
    EvaluationPrompt.COMPLETE: frozenset(),
}


class EvaluationButton(StrEnum):
    """A button of the conversation; the shell labels it and puts its value in the callback data."""

    REACHED = "reached"
    PARTLY = "partly"
    NOT_YET = "not_yet"
    NOTHING_TO_ADD = "none"
    BACK = "back"


BUTTON_RESULTS: Mapping[EvaluationButton, GoalResult] = {
    EvaluationButton.REACHED: GoalResult.REACHED,
    EvaluationButton.PARTLY: GoalResult.PARTLY,
    EvaluationButton.NOT_YET: GoalResult.NOT_YET,
}
# The event each button sends.
BUTTON_EVENTS: Mapping[EvaluationButton, type] = {
    **dict.fromkeys(BUTTON_RESULTS, ResultChosen),
    EvaluationButton.NOTHING_TO_ADD: NothingToAdd,
    EvaluationButton.BACK: StepBack,
}
# Per prompt, the buttons it shows: exactly those whose event the table accepts.
BUTTONS: Mapping[EvaluationPrompt, tuple[EvaluationButton, ...]] = {
    prompt: tuple(b for b in EvaluationButton if BUTTON_EVENTS[b] in accepted)
    for prompt, accepted in EVALUATION_PROMPTS.items()
}


def buttons(state: EvaluationState) -> tuple[EvaluationButton, ...]:
    """The buttons to show now: the prompt's, without "back" on the very first question."""
    return tuple(
        b for b in BUTTONS[state.prompt] if b is not EvaluationButton.BACK or state.has_before
    )


def press(button: EvaluationButton, step: int) -> EvaluationEvent:
    """The event a press of `button` (carrying `step`) stands for."""
    if button in BUTTON_RESULTS:
        return ResultChosen(BUTTON_RESULTS[button], step)
    if button is EvaluationButton.NOTHING_TO_ADD:
        return NothingToAdd(step)
    return StepBack(step)


# ---------------------------------------------------------------- the machine


def start_evaluation(goals: Sequence[str]) -> EvaluationOutcome:
    """The conversation for the plan's goals; without goals, for the plan as a whole."""
    answers = tuple(GoalAnswer(g) for g in goals) or (GoalAnswer(WHOLE_PLAN),)
    state = EvaluationState(goals=answers)
    return EvaluationOutcome(state, (AskResult(0),))


def evaluate(state: EvaluationState, event: EvaluationEvent) -> EvaluationOutcome:
    why = _refusal(state, event)
    if why is not None:
        return _not_now(state, why)
    match event:
        case ResultChosen(result=result):
            return _go(_answer(state, result=result), state.index, EvaluationPrompt.SEEN)
        case TextGiven(text=text):
            return _text_given(state, text.strip())
        case NothingToAdd():
            return _typed(state, "")
        case StepBack():
            return _step_back(state)


def _refusal(state: EvaluationState, event: EvaluationEvent) -> EvaluationWhy | None:
    """The one guard: the prompt table, then the step a button carries."""
    if type(event) not in EVALUATION_PROMPTS[state.prompt]:
        if state.complete:
            return EvaluationWhy.ALREADY_COMPLETE
        if isinstance(event, TextGiven):
            return EvaluationWhy.TEXT_NOT_EXPECTED
        # A button this prompt does not show can only come from an older message.
        return EvaluationWhy.STALE_BUTTON
    if not isinstance(event, TextGiven) and event.step != state.step:
        return EvaluationWhy.STALE_BUTTON
    return None


def _text_given(state: EvaluationState, text: str) -> EvaluationOutcome:
    if not text:
        return _not_now(state, EvaluationWhy.EMPTY)
    if len(text) > MAX_ANSWER:
        return _not_now(state, EvaluationWhy.TOO_LONG)
    return _typed(state, text)


def _typed(state: EvaluationState, text: str) -> EvaluationOutcome:
    """An answer to SEEN or NEXT (empty: nothing to add), and the next question."""
    if state.prompt is EvaluationPrompt.SEEN:
        return _go(_answer(state, seen=text), state.index, EvaluationPrompt.NEXT)
    state = _answer(state, next_step=text)
    if state.index + 1 < len(state.goals):
        return _go(state, state.index + 1, EvaluationPrompt.RESULT)
    return _go(state, state.index, EvaluationPrompt.COMPLETE)


def _step_back(state: EvaluationState) -> EvaluationOutcome:
    """The previous question, keeping every answer: answering again replaces it."""
    if not state.has_before:
        # No "back" is shown on the first question: only a forged press gets here.
        return _not_now(state, EvaluationWhy.STALE_BUTTON)
    if state.prompt is EvaluationPrompt.RESULT:
        return _go(state, state.index - 1, EvaluationPrompt.NEXT)
    if state.prompt is EvaluationPrompt.NEXT:
        return _go(state, state.index, EvaluationPrompt.SEEN)
    return _go(state, state.index, EvaluationPrompt.RESULT)


_ASK: Mapping[EvaluationPrompt, Callable[[int], EvaluationEffect]] = {
    EvaluationPrompt.RESULT: AskResult,
    EvaluationPrompt.SEEN: AskSeen,
    EvaluationPrompt.NEXT: AskNext,
}


def _answer(state: EvaluationState, **changes: Any) -> EvaluationState:
    goals = list(state.goals)
    goals[state.index] = replace(goals[state.index], **changes)
    return replace(state, goals=tuple(goals))


def _go(state: EvaluationState, index: int, prompt: EvaluationPrompt) -> EvaluationOutcome:
    state = replace(state, index=index, prompt=prompt, step=state.step + 1)
    effect = EvaluationComplete() if state.complete else _ASK[prompt](index)
    return EvaluationOutcome(state, (effect,))


def _not_now(state: EvaluationState, why: EvaluationWhy) -> EvaluationOutcome:
    return EvaluationOutcome(state, (NotNow(why),))


# ---------------------------------------------------------------- the plan's goals


def goals_of(meeting: MeetingState) -> tuple[str, ...]:
    """The goals to evaluate: the points of the goals round, one per line, in order.

    Without any, the meeting's own goals (the first round) are what is looked back on.
    """
    for key in (GOALS.key, MEETING_GOALS.key):
        found = tuple(
            line.strip() for c in meeting.points(key) for line in c.text.split("\n") if line.strip()
        )
        if found:
            return found
    return ()


# ---------------------------------------------------------------- storage form

FORMAT = 1
_STATE_KEYS = frozenset({"v", "goals", "index", "prompt", "step"})
_GOAL_KEYS = frozenset({"goal", "result", "seen", "next_step"})


def to_json(state: EvaluationState) -> dict[str, Any]:
    return {
        "v": FORMAT,
        "goals": [
            {
                "goal": g.goal,
                "result": g.result.value if g.result else None,
                "seen": g.seen,
                "next_step": g.next_step,
            }
            for g in state.goals
        ],
        "index": state.index,
        "prompt": state.prompt.value,
        "step": state.step,
    }


def from_json(data: Mapping[str, Any]) -> EvaluationState:
    """The state `to_json` wrote; anything else raises ValueError, never a silent loss."""
    _keys(data, _STATE_KEYS, "evaluation")
    if data["v"] != FORMAT or isinstance(data["v"], bool):
        raise ValueError(f"evaluation has format version {data['v']!r}; this reads {FORMAT}")
    if not isinstance(data["goals"], list) or not data["goals"]:
        raise ValueError("evaluation: goals must be a non-empty list")
    state = EvaluationState(
        goals=tuple(_goal(g) for g in data["goals"]),
        index=_count(data["index"], "index"),
        prompt=EvaluationPrompt(_text(data["prompt"], "prompt")),
        step=_count(data["step"], "step"),
    )
    _check(state)
    return state


def _goal(data: Any) -> GoalAnswer:
    _keys(data, _GOAL_KEYS, "goal")
    result = data["result"]
    return GoalAnswer(
        goal=_text(data["goal"], "goal"),
        result=None if result is None else GoalResult(_text(result, "result")),
        seen=_answer_text(data["seen"], "seen"),
        next_step=_answer_text(data["next_step"], "next_step"),
    )


def _check(state: EvaluationState) -> None:
    """What the machine itself never lets happen: an index out of range, a skipped result."""
    if state.index >= len(state.goals):
        raise ValueError(f"evaluation: index {state.index} of {len(state.goals)} goals")
    answered = state.index + (state.prompt is not EvaluationPrompt.RESULT)
    if state.complete:
        answered = len(state.goals)
        if state.index != len(state.goals) - 1:
            raise ValueError("evaluation: complete before the last goal")
    if any(g.result is None for g in state.goals[:answered]):
        raise ValueError("evaluation: a goal asked past has no result")


def _keys(data: Any, expected: frozenset[str], what: str) -> None:
    if not isinstance(data, Mapping) or set(data) != expected:
        found = sorted(data) if isinstance(data, Mapping) else type(data).__name__
        raise ValueError(f"{what}: expected the keys {sorted(expected)}, found {found}")


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what}: expected text, found {type(value).__name__}")
    return value


def _answer_text(value: Any, what: str) -> str:
    text = _text(value, what)
    if len(text) > MAX_ANSWER:
        raise ValueError(f"{what}: longer than {MAX_ANSWER} characters")
    return text


def _count(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{what}: expected a whole number from 0, found {value!r}")
    return value
