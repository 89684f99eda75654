"""The evaluation conversation in the evaluator's private chat, and its end in the group.

`flows.evaluation` decides each step (its prompt table says what each prompt
accepts); this loads and stores its state, renders each prompt with the
buttons that same table names, and when the evaluation is complete owes the
meeting's group the short evaluation summary (a Jinja2 template that leaves
out the observations typed here: those stay in this chat and the case's export).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from rondetafel.clock import Clock
from rondetafel.flows.evaluation import (
    BUTTON_RESULTS,
    EVALUATION_PROMPTS,
    MAX_ANSWER,
    RESULT_NAMES,
    RESULT_SYMBOLS,
    WHOLE_PLAN_NAME,
    AskNext,
    AskResult,
    AskSeen,
    EvaluationButton,
    EvaluationComplete,
    EvaluationEffect,
    EvaluationEvent,
    EvaluationPrompt,
    EvaluationState,
    EvaluationWhy,
    NotNow,
    TextGiven,
    buttons,
    evaluate,
    from_json,
    press,
    to_json,
)
from rondetafel.flows.state import MeetingState
from rondetafel.storage.audit import EVALUATION_COMPLETE
from rondetafel.storage.evaluations import ASKING, COMPLETE, EvaluationRecord
from rondetafel.storage.outbox import Outgoing
from rondetafel.storage.repositories import Repositories

from . import follow_up_texts as say
from .callback_data import EvaluationData, encode_evaluation
from .follow_up_views import EvaluationSummaryView
from .operations import ClearTag, Operation, Send
from .outgoing import rows_for
from .owed import Owed
from .templating import render_evaluation_summary
from .texts import Texts, texts

# The question being asked, remembered under this tag with the evaluated meeting:
# a new question (or the end) removes the buttons of the one before, however it
# was answered (a button, or typed words).
QUESTION = "evaluation-question"


def meeting_label(state: MeetingState, t: Texts) -> str:
    """ "the meeting about S.B. on Tue 1 Dec 2026": which plan a private message is about."""
    held = state.started_at or state.created_at
    return t.plain(say.MEETING_OF, pupil=state.pupil or "…", date=t.date(held.date()))


def _goal_text(goal: str, t: Texts) -> str:
    return goal or t(WHOLE_PLAN_NAME)


def _keyboard(evaluation_id: int, state: EvaluationState, t: Texts) -> InlineKeyboardMarkup | None:
    """The prompt's buttons, as `flows.evaluation`'s table names them: the answers on
    one row, "back" on its own (four buttons in a row are too narrow on a phone)."""
    answers: list[InlineKeyboardButton] = []
    back: list[InlineKeyboardButton] = []
    for button in buttons(state):
        if button in BUTTON_RESULTS:
            result = BUTTON_RESULTS[button]
            label = f"{RESULT_SYMBOLS[result]} {t(RESULT_NAMES[result])}"
        elif button is EvaluationButton.NOTHING_TO_ADD:
            label = t(say.NOTHING_TO_ADD)
        else:
            label = t(say.BACK)
        data = encode_evaluation(EvaluationData(evaluation_id, button.value, state.step))
        row = back if button is EvaluationButton.BACK else answers
        row.append(InlineKeyboardButton(label, callback_data=data))
    rows = [row for row in (answers, back) if row]
    return InlineKeyboardMarkup(rows) if rows else None


def current_question(state: EvaluationState) -> EvaluationEffect:
    """The effect that asks the prompt the conversation is at (to ask it again)."""
    if state.prompt is EvaluationPrompt.SEEN:
        return AskSeen(state.index)
    if state.prompt is EvaluationPrompt.NEXT:
        return AskNext(state.index)
    if state.prompt is EvaluationPrompt.COMPLETE:
        return EvaluationComplete()
    return AskResult(state.index)


def render_evaluation(
    evaluation_id: int, state: EvaluationState, effects: Sequence[object], t: Texts
) -> list[Operation]:
    """The messages an evaluation step owes the evaluator."""
    operations: list[Operation] = []
    total = len(state.goals)
    for effect in effects:
        if isinstance(effect, AskResult):
            goal = state.goals[effect.index]
            text = t.html(
                say.GOAL_QUESTION,
                number=effect.index + 1,
                total=total,
                goal=_goal_text(goal.goal, t),
            )
            operations.append(Send(text, _keyboard(evaluation_id, state, t), tag=QUESTION))
        elif isinstance(effect, AskSeen):
            goal = state.goals[effect.index]
            result = t(RESULT_NAMES[goal.result]) if goal.result is not None else "…"
            text = t.html(say.SEEN_QUESTION, goal=_goal_text(goal.goal, t), result=result)
            operations.append(Send(text, _keyboard(evaluation_id, state, t), tag=QUESTION))
        elif isinstance(effect, AskNext):
            keyboard = _keyboard(evaluation_id, state, t)
            operations.append(Send(t.html(say.NEXT_QUESTION), keyboard, tag=QUESTION))
        elif isinstance(effect, EvaluationComplete):
            operations += [ClearTag(QUESTION), Send(t.html(say.EVALUATION_DONE))]
    return operations


def _refusal(why: EvaluationWhy, t: Texts, typed: str | None) -> str:
    if why is EvaluationWhy.TOO_LONG:
        return t.html(say.TOO_LONG, limit=MAX_ANSWER, text=typed or "")
    if why is EvaluationWhy.EMPTY:
        return t.html(say.EMPTY_TEXT)
    if why is EvaluationWhy.ALREADY_COMPLETE:
        return t.html(say.EVALUATION_GONE)
    if why is EvaluationWhy.STALE_BUTTON:
        return t.html(say.STALE)
    return t.html(say.USE_BUTTONS)


class EvaluationDesk:
    def __init__(self, clock: Clock, tz: dt.tzinfo) -> None:
        self.clock = clock
        self.tz = tz

    async def press(
        self, repos: Repositories, user_id: int, message_id: int, data: EvaluationData, t: Texts
    ) -> Owed:
        record = await repos.evaluations.get(data.evaluation_id)
        if record is None or record.user_id != user_id:
            return Owed([], t(say.NOT_YOURS))
        if record.status == COMPLETE or record.state is None:
            return Owed([], t(say.EVALUATION_GONE))
        event = press(EvaluationButton(data.action), data.step)
        return await self._step(repos, record, event, t, None)

    async def text(
        self, repos: Repositories, user_id: int, typed: str, t: Texts, *, expected: bool
    ) -> Owed | None:
        """The person typed in the private chat: an answer, if an evaluation asks one.

        `expected`: only if the question now asked takes words (not buttons), so
        that a note a reminder asked for is not refused as "use the buttons".
        """
        record = await repos.evaluations.asking(user_id)
        if record is None or record.state is None:
            return None
        if expected and TextGiven not in EVALUATION_PROMPTS[from_json(record.state).prompt]:
            return None
        return await self._step(repos, record, TextGiven(typed), t, typed)

    async def _step(
        self,
        repos: Repositories,
        record: EvaluationRecord,
        event: EvaluationEvent,
        t: Texts,
        typed: str | None,
    ) -> Owed:
        assert record.state is not None
        state = from_json(record.state)
        outcome = evaluate(state, event)
        refusals = [e for e in outcome.effects if isinstance(e, NotNow)]
        if refusals:
            why = refusals[0].why
            if why is EvaluationWhy.STALE_BUTTON or (
                typed is None and why is not EvaluationWhy.TOO_LONG
            ):
                return Owed([], _plain(_refusal(why, t, typed)), meeting_id=record.meeting_id)
            return Owed([Send(_refusal(why, t, typed))], meeting_id=record.meeting_id)
        now = self.clock()
        complete = outcome.state.complete
        await repos.evaluations.save(
            record.id,
            to_json(outcome.state),
            COMPLETE if complete else ASKING,
            completed_at=now if complete else None,
        )
        operations = render_evaluation(record.id, outcome.state, outcome.effects, t)
        group: list[Outgoing] = []
        if complete:
            await repos.audit.add(record.case_id, record.user_id, EVALUATION_COMPLETE, now)
            group = await self._summary(repos, record, outcome.state, now)
        return Owed(operations, None, group, record.meeting_id)

    async def _summary(
        self,
        repos: Repositories,
        record: EvaluationRecord,
        state: EvaluationState,
        now: dt.datetime,
    ) -> list[Outgoing]:
        meeting = await repos.meetings.get(record.meeting_id)
        if meeting is None:
            return []
        group_t = texts(meeting.state.language)
        view = EvaluationSummaryView(
            evaluator=record.evaluator_name,
            date=now.astimezone(self.tz).date(),
            goals=state.goals,
            agreements=tuple(await repos.agreements.of_meeting(record.meeting_id)),
        )
        html = render_evaluation_summary(view, group_t)
        return rows_for(
            [Send(html)],
            chat_id=meeting.chat_id,
            thread_id=meeting.thread_id,
            meeting_id=meeting.id,
            reply_to=None,
        )


def _plain(html_text: str) -> str:
    """A pop-up shows plain text: the catalog's few tags go."""
    return html.unescape(re.sub(r"<[^>]+>", "", html_text))
