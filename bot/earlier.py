"""The next meeting opens with the last one: its goals, its agreements and how they
stand, and the evaluation (feed up, feedback, feed forward).

Posted when the first round starts, in the transaction that starts it, so that
everyone answers the first question knowing where the plan stands.
"""

from __future__ import annotations

import datetime as dt

from rondetafel.flows.evaluation import from_json, goals_of
from rondetafel.storage.evaluations import COMPLETE
from rondetafel.storage.repositories import Repositories

from .follow_up_views import EarlierView
from .operations import Operation, Send
from .templating import render_earlier
from .texts import Texts


async def earlier_operations(
    repos: Repositories, case_id: int | None, t: Texts, tz: dt.tzinfo
) -> list[Operation]:
    """The opening message, or nothing when the case has no finished meeting yet."""
    if case_id is None:
        return []
    previous = await repos.meetings.last_finished_of_case(case_id)
    if previous is None:
        return []
    evaluation = await repos.evaluations.of_meeting(previous.id)
    results, evaluated_on = None, None
    if evaluation is not None and evaluation.status == COMPLETE and evaluation.state is not None:
        results = from_json(evaluation.state).goals
        completed = evaluation.completed_at
        # Stored in UTC: the school's date, or just after midnight reads as the day before.
        evaluated_on = completed.astimezone(tz).date() if completed is not None else None
    view = EarlierView(
        goals=goals_of(previous.state),
        agreements=tuple(await repos.agreements.of_meeting(previous.id)),
        evaluation=results,
        evaluated_on=evaluated_on,
    )
    return [Send(render_earlier(view, t))]
