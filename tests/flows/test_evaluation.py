"""The private evaluation conversation: per goal reached / partly / not yet, what we
see now, the next step; its one guard is the prompt table."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rondetafel.flows.evaluation import (
    BUTTON_EVENTS,
    BUTTONS,
    EVALUATION_PROMPTS,
    MAX_ANSWER,
    RESULT_NAMES,
    RESULT_SYMBOLS,
    WHOLE_PLAN,
    AskNext,
    AskResult,
    AskSeen,
    EvaluationButton,
    EvaluationComplete,
    EvaluationEvent,
    EvaluationOutcome,
    EvaluationPrompt,
    EvaluationState,
    EvaluationWhy,
    GoalAnswer,
    GoalResult,
    NothingToAdd,
    NotNow,
    ResultChosen,
    StepBack,
    TextGiven,
    buttons,
    evaluate,
    from_json,
    goals_of,
    press,
    start_evaluation,
    to_json,
)
from rondetafel.flows.script import Role
from rondetafel.flows.state import Contribution, Mark, MeetingState, Participant, Status

TWO_GOALS = ("Starts his work within five minutes", "Asks for help when stuck")


def started(goals: tuple[str, ...] = TWO_GOALS) -> EvaluationState:
    return start_evaluation(goals).state


def run(state: EvaluationState, *events: EvaluationEvent) -> EvaluationOutcome:
    outcome = EvaluationOutcome(state, ())
    for event in events:
        outcome = evaluate(outcome.state, event)
    return outcome


def choose(state: EvaluationState, result: GoalResult) -> EvaluationOutcome:
    return evaluate(state, ResultChosen(result, state.step))


def at(prompt: EvaluationPrompt, index: int = 0) -> EvaluationState:
    """A state of the two-goal conversation on `prompt` of goal `index`, reached by answering."""
    state = started()
    while not (state.prompt is prompt and state.index == index):
        if state.prompt is EvaluationPrompt.RESULT:
            state = choose(state, GoalResult.PARTLY).state
        elif state.prompt is EvaluationPrompt.COMPLETE:
            raise AssertionError(f"{prompt} of goal {index} not reached")
        else:
            state = evaluate(state, TextGiven("something")).state
    return state


# ---------------------------------------------------------------- the conversation


def test_the_whole_conversation_over_two_goals_asks_each_question_once_and_completes() -> None:
    outcome = start_evaluation(TWO_GOALS)
    assert outcome.effects == (AskResult(0),)

    asked = []
    for event_of in (
        lambda s: ResultChosen(GoalResult.REACHED, s.step),
        lambda s: TextGiven("  He starts on time nearly every lesson.  "),
        lambda s: TextGiven("Keep the timer, then drop it after the holiday."),
        lambda s: ResultChosen(GoalResult.NOT_YET, s.step),
        lambda s: NothingToAdd(s.step),
        lambda s: TextGiven("A help card on his desk."),
    ):
        outcome = evaluate(outcome.state, event_of(outcome.state))
        asked += outcome.effects

    assert asked == [
        AskSeen(0),
        AskNext(0),
        AskResult(1),
        AskSeen(1),
        AskNext(1),
        EvaluationComplete(),
    ]
    state = outcome.state
    assert state.complete and state.current is None
    assert state.goals == (
        GoalAnswer(
            TWO_GOALS[0],
            GoalResult.REACHED,
            "He starts on time nearly every lesson.",
            "Keep the timer, then drop it after the holiday.",
        ),
        GoalAnswer(TWO_GOALS[1], GoalResult.NOT_YET, "", "A help card on his desk."),
    )


def test_every_question_asked_bumps_the_step_once() -> None:
    state = started()
    first = choose(state, GoalResult.PARTLY).state
    second = evaluate(first, TextGiven("a little")).state

    assert (state.step, first.step, second.step) == (0, 1, 2)


def test_nothing_to_add_on_the_last_next_step_completes_the_evaluation() -> None:
    state = at(EvaluationPrompt.NEXT, 1)

    outcome = evaluate(state, NothingToAdd(state.step))

    assert outcome.effects == (EvaluationComplete(),)
    assert outcome.state.goals[1].next_step == ""


def test_without_goals_the_plan_is_evaluated_as_a_whole() -> None:
    outcome = start_evaluation(())

    assert outcome.state.goals == (GoalAnswer(WHOLE_PLAN),)
    assert outcome.effects == (AskResult(0),)
    assert buttons(outcome.state) == (
        EvaluationButton.REACHED,
        EvaluationButton.PARTLY,
        EvaluationButton.NOT_YET,
    )


# ---------------------------------------------------------------- going back


def test_back_from_the_next_goal_returns_to_the_previous_goals_next_step() -> None:
    state = at(EvaluationPrompt.RESULT, 1)

    outcome = evaluate(state, StepBack(state.step))

    assert outcome.effects == (AskNext(0),)
    assert (outcome.state.index, outcome.state.prompt) == (0, EvaluationPrompt.NEXT)
    assert outcome.state.step == state.step + 1


def test_back_walks_every_question_in_reverse_and_keeps_what_was_said() -> None:
    state = at(EvaluationPrompt.NEXT, 1)
    asked = []
    while state.has_before:
        outcome = evaluate(state, StepBack(state.step))
        asked += outcome.effects
        state = outcome.state

    assert asked == [AskSeen(1), AskResult(1), AskNext(0), AskSeen(0), AskResult(0)]
    assert state.goals[0] == GoalAnswer(TWO_GOALS[0], GoalResult.PARTLY, "something", "something")
    assert state.goals[1].result is GoalResult.PARTLY


def test_answering_again_after_going_back_replaces_the_answer() -> None:
    state = at(EvaluationPrompt.RESULT, 1)
    state = run(state, StepBack(state.step)).state
    state = run(state, StepBack(state.step)).state  # to "what do we see now" of goal 1

    outcome = run(state, TextGiven("Now he starts on time."), NothingToAdd(state.step + 1))

    assert outcome.state.goals[0].seen == "Now he starts on time."
    assert outcome.state.goals[0].next_step == ""
    assert (outcome.state.index, outcome.state.prompt) == (1, EvaluationPrompt.RESULT)


def test_back_on_the_first_question_is_not_shown_and_a_forged_press_changes_nothing() -> None:
    state = started()

    outcome = evaluate(state, StepBack(state.step))

    assert EvaluationButton.BACK not in buttons(state)
    assert outcome == EvaluationOutcome(state, (NotNow(EvaluationWhy.STALE_BUTTON),))


def test_back_is_shown_wherever_there_is_a_question_before() -> None:
    for prompt, index in [
        (EvaluationPrompt.SEEN, 0),
        (EvaluationPrompt.NEXT, 0),
        (EvaluationPrompt.RESULT, 1),
        (EvaluationPrompt.SEEN, 1),
    ]:
        assert EvaluationButton.BACK in buttons(at(prompt, index)), (prompt, index)


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize("behind", [1, 2, 7])
def test_a_button_of_an_older_question_is_stale_and_changes_nothing(behind: int) -> None:
    state = at(EvaluationPrompt.RESULT, 1)
    old = state.step - behind

    for event in (ResultChosen(GoalResult.REACHED, old), StepBack(old)):
        assert evaluate(state, event) == EvaluationOutcome(
            state, (NotNow(EvaluationWhy.STALE_BUTTON),)
        )


def test_a_double_tap_on_a_result_counts_once() -> None:
    state = started()
    tap = ResultChosen(GoalResult.REACHED, state.step)

    first = evaluate(state, tap)
    second = evaluate(first.state, tap)

    assert first.effects == (AskSeen(0),)
    assert second == EvaluationOutcome(first.state, (NotNow(EvaluationWhy.STALE_BUTTON),))


def test_text_while_a_result_button_is_expected_is_refused() -> None:
    for state in (started(), at(EvaluationPrompt.RESULT, 1)):
        outcome = evaluate(state, TextGiven("reached, I think"))

        assert outcome == EvaluationOutcome(state, (NotNow(EvaluationWhy.TEXT_NOT_EXPECTED),))


@pytest.mark.parametrize("text", ["", "   ", "\n\t \n"])
@pytest.mark.parametrize("prompt", [EvaluationPrompt.SEEN, EvaluationPrompt.NEXT])
def test_an_empty_answer_is_refused_and_keeps_the_state(
    prompt: EvaluationPrompt, text: str
) -> None:
    state = at(prompt, 1)

    assert evaluate(state, TextGiven(text)) == EvaluationOutcome(
        state, (NotNow(EvaluationWhy.EMPTY),)
    )


@pytest.mark.parametrize("prompt", [EvaluationPrompt.SEEN, EvaluationPrompt.NEXT])
def test_an_answer_over_the_limit_is_refused_and_keeps_the_state(
    prompt: EvaluationPrompt,
) -> None:
    state = at(prompt)

    outcome = evaluate(state, TextGiven("x" * (MAX_ANSWER + 1)))

    assert outcome == EvaluationOutcome(state, (NotNow(EvaluationWhy.TOO_LONG),))


def test_an_answer_of_exactly_the_limit_after_stripping_is_taken() -> None:
    state = at(EvaluationPrompt.SEEN)

    outcome = evaluate(state, TextGiven(f"  {'x' * MAX_ANSWER}\n"))

    assert outcome.effects == (AskNext(0),)
    assert outcome.state.goals[0].seen == "x" * MAX_ANSWER


def test_once_complete_nothing_changes_it() -> None:
    state = at(EvaluationPrompt.NEXT, 1)
    state = evaluate(state, NothingToAdd(state.step)).state

    for event in (
        ResultChosen(GoalResult.REACHED, state.step),
        TextGiven("one more thing"),
        NothingToAdd(state.step),
        StepBack(state.step),
    ):
        assert evaluate(state, event) == EvaluationOutcome(
            state, (NotNow(EvaluationWhy.ALREADY_COMPLETE),)
        )


# ---------------------------------------------------------------- the prompt table

# One reachable state per prompt, and each event type pressed with the current step.
STATES = {
    EvaluationPrompt.RESULT: at(EvaluationPrompt.RESULT, 1),
    EvaluationPrompt.SEEN: at(EvaluationPrompt.SEEN, 1),
    EvaluationPrompt.NEXT: at(EvaluationPrompt.NEXT, 0),
    EvaluationPrompt.COMPLETE: run(
        at(EvaluationPrompt.NEXT, 1), NothingToAdd(at(EvaluationPrompt.NEXT, 1).step)
    ).state,
}
EVENTS: dict[type, Any] = {
    ResultChosen: lambda step: ResultChosen(GoalResult.PARTLY, step),
    TextGiven: lambda step: TextGiven("We see him ask twice a lesson."),
    NothingToAdd: NothingToAdd,
    StepBack: StepBack,
}
CELLS = [(prompt, kind) for prompt in EvaluationPrompt for kind in EVENTS]


def test_the_table_covers_every_prompt_and_names_only_known_events() -> None:
    assert set(EVALUATION_PROMPTS) == set(EvaluationPrompt) == set(STATES)
    assert all(accepted <= set(EVENTS) for accepted in EVALUATION_PROMPTS.values())
    assert all(STATES[p].prompt is p for p in EvaluationPrompt)


@pytest.mark.parametrize(("prompt", "kind"), CELLS, ids=[f"{p}-{k.__name__}" for p, k in CELLS])
def test_the_prompt_table_is_the_one_guard(prompt: EvaluationPrompt, kind: type) -> None:
    state = STATES[prompt]

    outcome = evaluate(state, EVENTS[kind](state.step))

    refused = [e for e in outcome.effects if isinstance(e, NotNow)]
    if kind in EVALUATION_PROMPTS[prompt]:
        assert not refused and outcome.state.step == state.step + 1
    else:
        assert outcome.state == state and len(refused) == 1


def test_each_prompt_shows_exactly_the_buttons_whose_events_it_accepts() -> None:
    for prompt, accepted in EVALUATION_PROMPTS.items():
        shown = {BUTTON_EVENTS[b] for b in BUTTONS[prompt]}
        assert shown == accepted - {TextGiven}, prompt
    assert BUTTONS[EvaluationPrompt.RESULT][:3] == (
        EvaluationButton.REACHED,
        EvaluationButton.PARTLY,
        EvaluationButton.NOT_YET,
    )
    assert EvaluationButton.NOTHING_TO_ADD in BUTTONS[EvaluationPrompt.SEEN]
    assert BUTTONS[EvaluationPrompt.COMPLETE] == ()


@pytest.mark.parametrize("button", list(EvaluationButton))
def test_a_press_stands_for_its_buttons_event_with_the_step_it_carries(
    button: EvaluationButton,
) -> None:
    event = press(button, 7)

    assert type(event) is BUTTON_EVENTS[button]
    assert getattr(event, "step", None) == 7


def test_every_result_has_a_name_and_a_symbol() -> None:
    assert set(RESULT_NAMES) == set(RESULT_SYMBOLS) == set(GoalResult)


# ---------------------------------------------------------------- random walks

EVENT = st.one_of(
    st.builds(ResultChosen, st.sampled_from(GoalResult), st.integers(-2, 30)),
    st.builds(TextGiven, st.one_of(st.text(max_size=20), st.just("y" * (MAX_ANSWER + 1)))),
    st.builds(NothingToAdd, st.integers(-2, 30)),
    st.builds(StepBack, st.integers(-2, 30)),
)


@settings(max_examples=200, deadline=None)
@given(
    goals=st.lists(st.text(max_size=10), max_size=4),
    moves=st.lists(st.tuples(st.booleans(), EVENT), max_size=40),
)
def test_any_walk_keeps_the_state_consistent_and_storable(
    goals: list[str], moves: list[tuple[bool, EvaluationEvent]]
) -> None:
    state = start_evaluation(goals).state
    for current_step, event in moves:
        if current_step and not isinstance(event, TextGiven):
            event = replace(event, step=state.step)
        outcome = evaluate(state, event)
        new = outcome.state

        assert len(outcome.effects) == 1
        if isinstance(outcome.effects[0], NotNow):
            assert new == state
        else:
            assert new.step == state.step + 1
            assert type(event) in EVALUATION_PROMPTS[state.prompt]
        assert 0 <= new.index < len(new.goals) == max(1, len(goals))
        assert from_json(json.loads(json.dumps(to_json(new)))) == new
        state = new


# ---------------------------------------------------------------- storage form


def test_the_json_form_round_trips_at_every_prompt() -> None:
    for state in STATES.values():
        data = json.loads(json.dumps(to_json(state)))
        assert from_json(data) == state


def test_the_json_form_is_plain_and_named_as_in_the_code() -> None:
    state = at(EvaluationPrompt.SEEN)

    assert to_json(state) == {
        "v": 1,
        "goals": [
            {"goal": TWO_GOALS[0], "result": "partly", "seen": "", "next_step": ""},
            {"goal": TWO_GOALS[1], "result": None, "seen": "", "next_step": ""},
        ],
        "index": 0,
        "prompt": "seen",
        "step": 1,
    }


def _broken(change: Any) -> dict[str, Any]:
    data = to_json(at(EvaluationPrompt.SEEN, 1))
    change(data)
    return data


BROKEN = {
    "unknown result": lambda d: d["goals"][0].update(result="done"),
    "unknown prompt": lambda d: d.update(prompt="asking"),
    "unknown key": lambda d: d.update(extra=1),
    "unknown goal key": lambda d: d["goals"][0].update(note="x"),
    "missing key": lambda d: d.pop("step"),
    "missing goal key": lambda d: d["goals"][1].pop("seen"),
    "other version": lambda d: d.update(v=2),
    "version as bool": lambda d: d.update(v=True),
    "no goals": lambda d: d.update(goals=[]),
    "goals not a list": lambda d: d.update(goals={"goal": "x"}),
    "goal not an object": lambda d: d.update(goals=["x"]),
    "index out of range": lambda d: d.update(index=2),
    "negative step": lambda d: d.update(step=-1),
    "step as text": lambda d: d.update(step="3"),
    "index as bool": lambda d: d.update(index=True),
    "goal as number": lambda d: d["goals"][0].update(goal=3),
    "answer over the limit": lambda d: d["goals"][0].update(seen="x" * (MAX_ANSWER + 1)),
    "a goal asked past without result": lambda d: d["goals"][0].update(result=None),
    "the current goal without result": lambda d: d["goals"][1].update(result=None),
    "complete before the last goal": lambda d: d.update(prompt="complete", index=0),
}


@pytest.mark.parametrize("change", BROKEN.values(), ids=list(BROKEN))
def test_reading_is_strict_anything_unknown_raises_value_error(change: Any) -> None:
    with pytest.raises(ValueError):
        from_json(_broken(change))


@pytest.mark.parametrize("data", [None, [], "x", 1])
def test_reading_something_that_is_not_an_object_raises_value_error(data: Any) -> None:
    with pytest.raises(ValueError):
        from_json(data)


# ---------------------------------------------------------------- the plan's goals

CREATED = dt.datetime(2025, 3, 10, 15, 30, tzinfo=dt.UTC)


def meeting(*points: tuple[str, str, Mark]) -> MeetingState:
    return MeetingState(
        meeting_id=1,
        status=Status.FINISHED,
        language="nl",
        chair=1,
        participants=(
            Participant(1, "Chris", Role.CHAIR, 1001),
            Participant(2, "Mila", Role.MENTOR, 1002),
        ),
        created_at=CREATED,
        contributions=tuple(
            Contribution(seq, phase, 2, text, mark)
            for seq, (phase, text, mark) in enumerate(points, start=1)
        ),
    )


def test_the_goals_are_the_points_of_the_goals_round_in_order() -> None:
    state = meeting(
        ("meeting_goals", "Know how it goes", Mark.POINT),
        ("goals", "Starts within five minutes", Mark.POINT),
        ("goals", "", Mark.PASSED),
        ("goals", "A side note left out", Mark.DISMISSED),
        ("needs", "a teacher who …", Mark.POINT),
        ("goals", "Asks for help\nReads every day", Mark.POINT),
    )

    assert goals_of(state) == ("Starts within five minutes", "Asks for help", "Reads every day")


def test_without_goals_the_meetings_own_goals_are_evaluated() -> None:
    state = meeting(
        ("meeting_goals", "Know how it goes", Mark.POINT),
        ("goals", "", Mark.PASSED),
        ("meeting_goals", "Agree on the start of the lesson", Mark.POINT),
    )

    assert goals_of(state) == ("Know how it goes", "Agree on the start of the lesson")


def test_a_meeting_without_any_goal_gives_none_and_the_plan_is_evaluated_whole() -> None:
    goals = goals_of(meeting(("goes_well", "Gym", Mark.POINT)))

    assert goals == ()
    assert start_evaluation(goals).state.goals == (GoalAnswer(WHOLE_PLAN),)
