"""What the bot tests of the follow-up between meetings share.

A finished meeting is stored the way a meeting that ends stores it: its state
saved finished, then `plan_follow_up` in the same transaction, at the
harness's frozen clock (NOW: Monday 23 November 2026, 14:00 in Amsterdam).
Each test file builds its own state and takes its own steps after.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from rondetafel.bot.context import SERVICES
from rondetafel.bot.scheduling import plan_follow_up
from rondetafel.flows.script import Role
from rondetafel.flows.state import MeetingState, Participant
from rondetafel.storage.reminders import Reminder
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction
from tests.support.recording import Call
from tests.support.updates import User, private_message

from .conftest import ANNA, FATMA, MO, NOW, Harness

TZ = NOW.tzinfo
# The case: a meeting about S.B., chaired by Anna, with Mo the mentor (who also
# voices the pupil, not on Telegram) and Fatma the parent.
PUPIL_INITIALS = "S.B."
CHAIR, MENTOR, PARENT, PUPIL = 1, 2, 3, 4
PARTICIPANTS = (
    Participant(CHAIR, ANNA.first_name, Role.CHAIR, ANNA.id),
    Participant(MENTOR, MO.first_name, Role.MENTOR, MO.id),
    Participant(PARENT, FATMA.first_name, Role.PARENT, FATMA.id),
    Participant(PUPIL, PUPIL_INITIALS, Role.PUPIL, None, voiced_by=MENTOR),
)


@dataclasses.dataclass(frozen=True)
class Case:
    id: int
    meeting_id: int
    # By seq: the stored agreement's id.
    agreements: dict[int, int]


async def store_finished(harness: Harness, state: MeetingState) -> Case:
    """`state`, a finished meeting, stored in the harness's group at NOW with its
    follow-up planned, in one transaction."""
    settings = harness.app.bot_data[SERVICES].settings

    async def make(repos: Repositories) -> Case:
        loaded = await repos.meetings.create(
            harness.group.id, lambda mid: state.evolve(meeting_id=mid), NOW
        )
        assert loaded.case_id is not None
        await plan_follow_up(
            repos,
            settings,
            case_id=loaded.case_id,
            meeting_id=loaded.id,
            state=loaded.state,
            now=NOW,
        )
        ids = {a.seq: a.id for a in await repos.agreements.of_meeting(loaded.id)}
        return Case(loaded.case_id, loaded.id, ids)

    return await in_transaction(harness.db, make)


# ---------------------------------------------------------------- the clock


def moment(day: dt.date, hour: int = 8, minute: int = 30) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


def go_to(harness: Harness, when: dt.datetime) -> None:
    # In the school's zone on both sides: the step is wall-clock time, also across
    # a change to or from summer time.
    when = when.astimezone(TZ)
    assert when >= harness.now[0], "the clock only moves on"
    harness.later(when - harness.now[0])


# ---------------------------------------------------------------- chats


async def type_privately(harness: Harness, user: User, text: str) -> None:
    await harness.send(private_message(harness.app.bot, user, text))


def to(harness: Harness, chat_id: int, method: str = "sendMessage") -> list[Call]:
    return [c for c in harness.request.sent(method) if int(c.params["chat_id"]) == chat_id]


def pop_up(harness: Harness) -> str | None:
    answer: str | None = harness.request.sent("answerCallbackQuery")[-1].params.get("text")
    return answer


# ---------------------------------------------------------------- what is stored


async def reminders(harness: Harness, case: Case) -> list[Reminder]:
    return await in_transaction(harness.db, lambda repos: repos.reminders.of_case(case.id))


async def audit(harness: Harness, case: Case) -> list[tuple[int | None, str]]:
    entries = await in_transaction(harness.db, lambda repos: repos.audit.for_case(case.id))
    return [(e.user_id, e.action) for e in entries]
