"""The follow-up of a finished meeting, planned in the transaction that finishes it.

Every dated agreement gets its reminders, every ongoing one a question before
the evaluation, and the plan its evaluation: rows in `reminders`, which the
reminder loop (`reminder_loop.py`) turns into messages when they are due.
When an agreement's owner or date changes (/afspraken), its pending
reminders are replaced by a new plan.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from rondetafel.flows.follow_up import AgreementFacts
from rondetafel.flows.reminder_plan import Planned, ReminderKind, plan_agreement, plan_evaluation
from rondetafel.flows.script import Role
from rondetafel.flows.state import MeetingState, Participant
from rondetafel.settings import Settings
from rondetafel.storage.repositories import Repositories


def evaluator_of(state: MeetingState) -> Participant | None:
    """Who evaluates the plan: the mentor (HGW's owner of the plan), else the chair."""
    for participant in state.participants:
        if participant.role is Role.MENTOR and participant.user_id is not None:
            return participant
    chair = state.chair_participant()
    return chair if chair.user_id is not None else None


def relayed(agreement: AgreementFacts, state: MeetingState) -> AgreementFacts:
    """A pupil without Telegram owns it: the adult who relays the pupil's words is asked."""
    if agreement.owner_user_id is not None or agreement.owner_name is None:
        return agreement
    # By name: the owner may have been changed since the meeting (/afspraken).
    for person in state.participants:
        if person.name == agreement.owner_name and person.voiced_by is not None:
            relay = state.participant(person.voiced_by)
            return dataclasses.replace(agreement, owner_user_id=relay.user_id)
    return agreement


def agreement_reminders(
    settings: Settings,
    agreement: AgreementFacts,
    evaluation: dt.date | None,
    now: dt.datetime,
    state: MeetingState,
) -> tuple[Planned, ...]:
    return plan_agreement(
        relayed(agreement, state),
        evaluation=evaluation,
        calendar=settings.calendar,
        days_before=settings.remind_days_before,
        send_at=settings.reminders_at,
        now=now,
    )


async def plan_follow_up(
    repos: Repositories,
    settings: Settings,
    *,
    case_id: int,
    meeting_id: int,
    state: MeetingState,
    now: dt.datetime,
) -> None:
    """Reminders for the meeting's agreements, and its evaluation (once)."""
    if await repos.evaluations.of_meeting(meeting_id) is not None:
        return  # planned already: a finished meeting saved again plans nothing new
    planned: list[Planned] = []
    for agreement in await repos.agreements.of_meeting(meeting_id):
        planned.extend(agreement_reminders(settings, agreement, state.evaluation_date, now, state))
    evaluator = evaluator_of(state)
    if state.evaluation_date is not None and evaluator is not None:
        assert evaluator.user_id is not None
        await repos.evaluations.add(
            case_id,
            meeting_id,
            user_id=evaluator.user_id,
            evaluator_name=evaluator.name,
            due=state.evaluation_date,
            now=now,
        )
        evaluation = plan_evaluation(
            evaluator.user_id,
            state.evaluation_date,
            calendar=settings.calendar,
            send_at=settings.reminders_at,
            now=now,
        )
        if evaluation is not None:
            planned.append(evaluation)
            # The parents linked in private are asked what they see at home now.
            planned += [
                dataclasses.replace(evaluation, kind=ReminderKind.HOME, user_id=member.user_id)
                for member in await repos.family.of_case(case_id)
            ]
    await repos.reminders.add(case_id, meeting_id, planned, now)


async def replan_agreement(
    repos: Repositories, settings: Settings, agreement_id: int, now: dt.datetime
) -> None:
    """The owner or the date changed: the pending reminders follow."""
    await repos.reminders.cancel_for_agreement(agreement_id)
    agreement = await repos.agreements.get(agreement_id)
    case_id = await repos.agreements.case_of(agreement_id)
    meeting = await repos.meetings.get(agreement.meeting_id) if agreement is not None else None
    if agreement is None or case_id is None or meeting is None:
        return
    evaluation = await repos.evaluations.of_meeting(agreement.meeting_id)
    day = evaluation.due if evaluation is not None else None
    planned = agreement_reminders(settings, agreement, day, now, meeting.state)
    await repos.reminders.add(case_id, agreement.meeting_id, planned, now)
