"""The reminder loop: claims due reminders and turns each into what the bot owes.

Every tick it claims a batch of due reminders (`storage/reminders.py`: on
PostgreSQL `FOR UPDATE SKIP LOCKED`, so several bots share the work and never
send one twice) and, in the same transaction, decides each one:

- not a moment to send (night, weekend, holiday): postponed to the next one;
- about an agreement that is done, or gone: cancelled;
- to a person who never opened a private chat with the bot: a neutral
  mention in the meeting's group, with a button to open that chat, and the
  failure recorded (nothing about the pupil is posted);
- otherwise: the private message, stored as an outbox row, which the one
  sender delivers once. Should Telegram refuse it (the person blocked the
  bot), the row carries the group's mention, which the sender owes instead.

A crash before the commit leaves the reminders pending; after it, the outbox
holds the messages. So a reminder is sent once, not zero or two times.

The batch size follows `REMINDERS_PER_MINUTE`: 100,000 reminders due at the
same minute go out at that pace instead of all at once, within Telegram's
overall limit and with room left for the meetings.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import html
import logging
import math
import time
from collections.abc import Callable

from rondetafel.clock import Clock, utcnow
from rondetafel.flows.evaluation import from_json, goals_of, start_evaluation, to_json
from rondetafel.flows.follow_up import AgreementFacts
from rondetafel.flows.reminder_plan import ReminderKind
from rondetafel.settings import Settings
from rondetafel.storage.audit import EVALUATION_STARTED, REMINDER_SENT, REMINDER_UNDELIVERABLE
from rondetafel.storage.db import Database
from rondetafel.storage.evaluations import ASKING, WAITING, EvaluationRecord
from rondetafel.storage.meetings import LoadedMeeting
from rondetafel.storage.outbox import FALLBACK, REMINDER_KEY, Outgoing
from rondetafel.storage.reminders import CANCELLED, SENT, UNDELIVERABLE, Reminder
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction

from . import follow_up_texts as say
from . import home_news
from .deep_links import open_private
from .evaluation_desk import current_question, meeting_label, render_evaluation
from .family_desk import home_now
from .operations import Operation, Send
from .outgoing import rows_for
from .reminder_desk import reminder_message
from .texts import Markup, Texts, texts

log = logging.getLogger(__name__)

TICK = 1.0  # seconds between batches while reminders are due
IDLE = 30.0  # seconds between looks when nothing was due


class ReminderLoop:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        clock: Clock,
        wake: Callable[[int], None],
        username: Callable[[], str],
    ) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self.wake = wake
        self.username = username
        self._task: asyncio.Task[None] | None = None
        self._nudge = asyncio.Event()

    @property
    def batch(self) -> int:
        return max(1, math.ceil(self.settings.reminders_per_minute * TICK / 60))

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="reminders")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def nudge(self) -> None:
        """Something became due now (a person opened the private chat): look at once."""
        self._nudge.set()

    async def _run(self) -> None:
        while True:
            began = time.monotonic()
            try:
                handled = await self.run_once()
            except Exception:  # a database hiccup must not end reminders for good
                log.exception("reminder loop: a batch failed; trying again")
                handled = 0
            self._nudge.clear()
            # Batches start TICK apart, not TICK after the last one ended: else the
            # batch's own time slows the pace (`rondetafel bench --reminders`
            # measured 0.79 of REMINDERS_PER_MINUTE at 25 a second, docs/reminders.md).
            wait = max(0.0, TICK - (time.monotonic() - began)) if handled else IDLE
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._nudge.wait(), wait)

    async def run_once(self) -> int:
        """Claim and decide one batch in one transaction; how many were claimed."""
        now = self.clock()
        chats: set[int] = set()

        async def work(repos: Repositories) -> int:
            chats.clear()
            # (person, group) already told in this batch: two undeliverable reminders
            # of one person make one line in the group, not two identical ones.
            mentioned: set[tuple[int, int]] = set()
            claimed = await repos.reminders.claim_due(now, self.batch)
            for reminder in claimed:
                rows = await self._decide(repos, reminder, now, mentioned)
                await repos.outbox.add(rows, utcnow())
                chats.update(row.chat_id for row in rows)
            # The day's overviews of what parents shared (`home_news.py`), once it is time.
            overviews = await home_news.digests(repos, self.settings, now)
            await repos.outbox.add(overviews, utcnow())
            chats.update(row.chat_id for row in overviews)
            return len(claimed)

        handled = await in_transaction(self.db, work, school_name=self.settings.school_name)
        for chat_id in chats:
            self.wake(chat_id)
        if handled:
            log.info("reminder loop: %d reminders handled", handled)  # counts only
        return handled

    async def _decide(
        self,
        repos: Repositories,
        reminder: Reminder,
        now: dt.datetime,
        mentioned: set[tuple[int, int]],
    ) -> list[Outgoing]:
        calendar = self.settings.calendar
        meeting = await repos.meetings.get(reminder.meeting_id)
        agreement = (
            await repos.agreements.get(reminder.agreement_id)
            if reminder.agreement_id is not None
            else None
        )
        evaluation = await repos.evaluations.of_meeting(reminder.meeting_id)
        if reminder.kind is ReminderKind.HOME:
            return await self._home(repos, reminder, meeting is not None, now)
        gone = meeting is None or (
            agreement is None
            if reminder.kind is not ReminderKind.EVALUATION
            else evaluation is None
        )
        if gone or (agreement is not None and agreement.settled):
            await repos.reminders.set_status(reminder.id, CANCELLED)
            return []
        if (
            reminder.kind is ReminderKind.BEFORE
            and reminder.sent_at is None
            and agreement is not None
            and agreement.due is not None
            and agreement.due <= now.date()
        ):
            # Never sent, and held back until the date itself (an outage, a holiday,
            # the person unreachable): the date's own reminder says it all; two at
            # once would be noise. A snoozed one was asked for, and comes.
            await repos.reminders.set_status(reminder.id, CANCELLED)
            return []
        assert meeting is not None
        if not calendar.allowed(now):
            await repos.reminders.postpone(reminder.id, calendar.next_allowed(now))
            return []
        private = await repos.chats.get(reminder.user_id)
        if private is None:
            await repos.reminders.set_status(reminder.id, UNDELIVERABLE)
            await repos.audit.add(reminder.case_id, reminder.user_id, REMINDER_UNDELIVERABLE, now)
            if (reminder.user_id, meeting.chat_id) in mentioned:
                return []
            mentioned.add((reminder.user_id, meeting.chat_id))
            return [self._mention(meeting, reminder, agreement)]
        t = texts(private.language)
        await repos.reminders.set_status(reminder.id, SENT, sent_at=now)
        if reminder.kind is ReminderKind.EVALUATION:
            assert evaluation is not None
            operations = await self._evaluation(repos, reminder, evaluation, meeting, t, now)
        else:
            assert agreement is not None
            await repos.audit.add(reminder.case_id, reminder.user_id, REMINDER_SENT, now)
            evaluation_day = evaluation.due if evaluation is not None else None
            operations = [
                reminder_message(reminder, agreement, meeting.state, evaluation_day, t, now.date())
            ]
        # Private rows name the meeting too: erasing the case takes what is still
        # owed to the person along, and the evaluation's questions are tagged by it.
        rows = rows_for(
            operations,
            chat_id=reminder.user_id,
            thread_id=None,
            meeting_id=reminder.meeting_id,
            reply_to=None,
        )
        if rows:
            # Should Telegram refuse the first of them (blocked), the sender marks the
            # reminder undeliverable and owes the group this mention instead.
            fallback = self._mention(meeting, reminder, agreement)
            rows[0].payload[REMINDER_KEY] = reminder.id
            rows[0].payload[FALLBACK] = {
                "chat_id": fallback.chat_id,
                "thread_id": fallback.thread_id,
                "meeting_id": fallback.meeting_id,
                "method": fallback.method,
                "payload": fallback.payload,
            }
        return rows

    async def _home(
        self, repos: Repositories, reminder: Reminder, meeting_there: bool, now: dt.datetime
    ) -> list[Outgoing]:
        """A parent's evaluation question: what do they see at home now?

        Only in their private chat: a parent need not be in the group, so one
        who cannot be reached is not mentioned there.
        """
        member = await repos.family.member_in_case(reminder.case_id, reminder.user_id)
        if not meeting_there or member is None or not member.active:
            await repos.reminders.set_status(reminder.id, CANCELLED)
            return []
        calendar = self.settings.calendar
        if not calendar.allowed(now):
            await repos.reminders.postpone(reminder.id, calendar.next_allowed(now))
            return []
        if await repos.chats.get(reminder.user_id) is None:
            await repos.reminders.set_status(reminder.id, UNDELIVERABLE)
            await repos.audit.add(reminder.case_id, reminder.user_id, REMINDER_UNDELIVERABLE, now)
            return []
        await repos.reminders.set_status(reminder.id, SENT, sent_at=now)
        await repos.audit.add(reminder.case_id, reminder.user_id, REMINDER_SENT, now)
        operations = await home_now(repos, member)
        return rows_for(
            operations,
            chat_id=reminder.user_id,
            thread_id=None,
            meeting_id=reminder.meeting_id,
            reply_to=None,
        )

    @staticmethod
    async def _evaluation(
        repos: Repositories,
        reminder: Reminder,
        evaluation: EvaluationRecord,
        meeting: LoadedMeeting,
        t: Texts,
        now: dt.datetime,
    ) -> list[Operation]:
        """Start the evaluation; or, delivered again (the person pressed Start only now),
        ask where it stands."""
        if evaluation.status == WAITING or evaluation.state is None:
            outcome = start_evaluation(goals_of(meeting.state))
            state, effects = outcome.state, outcome.effects
            await repos.evaluations.save(evaluation.id, to_json(state), ASKING)
            await repos.audit.add(reminder.case_id, reminder.user_id, EVALUATION_STARTED, now)
        elif evaluation.status == ASKING:
            state = from_json(evaluation.state)
            effects = (current_question(state),)
        else:
            return []  # complete already
        intro = Send(t.html(say.EVALUATION_START, meeting=meeting_label(meeting.state, t)))
        return [intro, *render_evaluation(evaluation.id, state, effects, t)]

    def _mention(
        self, meeting: LoadedMeeting, reminder: Reminder, agreement: AgreementFacts | None
    ) -> Outgoing:
        """The group's neutral line: someone has something waiting, nothing about what."""
        state = meeting.state
        t = texts(state.language)
        person = state.participant_of_user(reminder.user_id)
        name = person.name if person is not None else (agreement.owner_name if agreement else "")
        mention = Markup(
            f'<a href="tg://user?id={reminder.user_id}">{html.escape(name or "…")}</a>'
        )
        send = Send(
            t.html(say.WAITING_PRIVATELY, mention=mention),
            markup=open_private(t, self.username()),
        )
        (row,) = rows_for(
            [send],
            chat_id=meeting.chat_id,
            thread_id=meeting.thread_id,
            meeting_id=meeting.id,
            reply_to=None,
        )
        return row
