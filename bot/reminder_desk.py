"""A reminder in the private chat: its message, its buttons, and the answers to them.

The owner answers in place: done / in progress / not done edits the reminder
to show the answer and asks for an optional note (the person's next words in
this chat); "tomorrow" and "next week" snooze it. Each press is one
transaction: the agreement's status, the reminder's, the audit line and
whatever the bot says back, stored together; the sender delivers it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from rondetafel.clock import Clock
from rondetafel.flows.follow_up import STATUS_NAMES, AgreementFacts, AgreementStatus
from rondetafel.flows.prompts import REMINDER_PROMPTS, ReminderButton, ReminderPrompt
from rondetafel.flows.reminder_plan import ReminderKind, Snooze, snoozed
from rondetafel.flows.state import MeetingState
from rondetafel.settings import Settings
from rondetafel.storage.audit import AGREEMENT_ANSWERED
from rondetafel.storage.reminders import ANSWERED, NOTING, SENT, Reminder
from rondetafel.storage.repositories import Repositories

from . import follow_up_texts as say
from .callback_data import ReminderData, encode_reminder
from .evaluation_desk import meeting_label
from .operations import EditMessage, Send
from .owed import Owed
from .texts import Texts

STATUS_OF_CHOICE = {
    ReminderButton.DONE: AgreementStatus.DONE,
    ReminderButton.IN_PROGRESS: AgreementStatus.IN_PROGRESS,
    ReminderButton.NOT_DONE: AgreementStatus.NOT_DONE,
}
SNOOZE_OF_CHOICE = {
    ReminderButton.TOMORROW: Snooze.TOMORROW,
    ReminderButton.NEXT_WEEK: Snooze.NEXT_WEEK,
}
LABELS = {
    ReminderButton.DONE: say.DONE,
    ReminderButton.IN_PROGRESS: say.IN_PROGRESS,
    ReminderButton.NOT_DONE: say.NOT_DONE,
    ReminderButton.TOMORROW: say.TOMORROW,
    ReminderButton.NEXT_WEEK: say.NEXT_WEEK,
    ReminderButton.NO_NOTE: say.NO_NOTE,
}
# A reminder's prompt is where its row stands: sent, it asks the status; noting, a note.
PROMPT_OF_STATUS = {SENT: ReminderPrompt.STATUS, NOTING: ReminderPrompt.NOTE}
NOTE_LIMIT = 1000


def reminder_text(
    reminder: Reminder,
    agreement: AgreementFacts,
    state: MeetingState,
    evaluation: dt.date | None,
    t: Texts,
    today: dt.date,
) -> str:
    meeting = meeting_label(state, t)
    if reminder.kind is ReminderKind.ONGOING:
        day = t.date(evaluation) if evaluation is not None else "…"
        return t.html(say.REMINDER_ONGOING, evaluation=day, meeting=meeting, what=agreement.what)
    if agreement.due is not None and agreement.due < today:
        # Held back past the date (a holiday, a snooze, quiet hours): "today" would be untrue.
        return t.html(
            say.REMINDER_LATE, meeting=meeting, what=agreement.what, due=t.date(agreement.due)
        )
    if reminder.kind is ReminderKind.DUE or agreement.due is None:
        return t.html(say.REMINDER_DUE, meeting=meeting, what=agreement.what)
    return t.html(
        say.REMINDER_BEFORE, meeting=meeting, what=agreement.what, due=t.date(agreement.due)
    )


def reminder_buttons(
    reminder_id: int, t: Texts, prompt: ReminderPrompt = ReminderPrompt.STATUS
) -> InlineKeyboardMarkup:
    """The prompt's buttons, from the prompt table: the answers on one row, snoozes on another."""

    def button(choice: ReminderButton) -> InlineKeyboardButton:
        data = encode_reminder(ReminderData(reminder_id, choice.value))
        return InlineKeyboardButton(t(LABELS[choice]), callback_data=data)

    shown = REMINDER_PROMPTS[prompt]
    answers = [button(b) for b in shown if b not in SNOOZE_OF_CHOICE]
    later = [button(b) for b in shown if b in SNOOZE_OF_CHOICE]
    return InlineKeyboardMarkup([row for row in (answers, later) if row])


def reminder_message(
    reminder: Reminder,
    agreement: AgreementFacts,
    state: MeetingState,
    evaluation: dt.date | None,
    t: Texts,
    today: dt.date,
) -> Send:
    return Send(
        reminder_text(reminder, agreement, state, evaluation, t, today),
        markup=reminder_buttons(reminder.id, t),
    )


@dataclasses.dataclass(frozen=True)
class Pressed:
    user_id: int
    message_id: int
    data: ReminderData


class ReminderDesk:
    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock

    async def press(self, repos: Repositories, pressed: Pressed, t: Texts) -> Owed:
        """What a press changes and says, in the private chat and as its pop-up."""
        reminder = await repos.reminders.get(pressed.data.reminder_id)
        if reminder is None or reminder.user_id != pressed.user_id:
            return Owed(answer=t(say.NOT_YOURS if reminder is not None else say.REMINDER_GONE))
        agreement = (
            await repos.agreements.get(reminder.agreement_id)
            if reminder.agreement_id is not None
            else None
        )
        meeting = await repos.meetings.get(reminder.meeting_id)
        if agreement is None or meeting is None:
            return Owed([EditMessage(pressed.message_id, t.html(say.REMINDER_GONE))])
        evaluation = await repos.evaluations.of_meeting(reminder.meeting_id)
        day = evaluation.due if evaluation is not None else None
        now = self.clock()
        mid = reminder.meeting_id
        text = reminder_text(reminder, agreement, meeting.state, day, t, now.date())
        choice = ReminderButton(pressed.data.choice)
        prompt = PROMPT_OF_STATUS.get(reminder.status)
        if prompt is None or choice not in REMINDER_PROMPTS[prompt]:
            # Not what the reminder asks now (answered, snoozed, asked again since).
            return Owed(answer=t(say.STALE))
        if choice is ReminderButton.NO_NOTE:
            await repos.reminders.set_status(reminder.id, ANSWERED)
            answered = t.html(say.ANSWERED, status=t(STATUS_NAMES[agreement.status]))
            return Owed(
                [EditMessage(pressed.message_id, f"{text}\n\n{answered}")],
                t(say.THANKS),
                meeting_id=mid,
            )
        if choice in SNOOZE_OF_CHOICE:
            when = snoozed(
                SNOOZE_OF_CHOICE[choice],
                now,
                calendar=self.settings.calendar,
                send_at=self.settings.reminders_at,
            )
            await repos.reminders.postpone(reminder.id, when)
            later = t.html(say.SNOOZED, when=t.date(when.date()))
            return Owed(
                [EditMessage(pressed.message_id, f"{text}\n\n{later}")],
                t(say.THANKS),
                meeting_id=mid,
            )
        status = STATUS_OF_CHOICE[choice]
        await repos.agreements.set_status(agreement.id, status, now)
        await repos.reminders.set_status(reminder.id, NOTING)
        await repos.audit.add(reminder.case_id, reminder.user_id, AGREEMENT_ANSWERED, now)
        if status is AgreementStatus.DONE:
            await repos.reminders.cancel_for_agreement(agreement.id)
        answered = t.html(say.ANSWERED, status=t(STATUS_NAMES[status]))
        no_note = reminder_buttons(reminder.id, t, ReminderPrompt.NOTE)
        body = f"{text}\n\n{answered}\n{t.html(say.ASK_NOTE)}"
        return Owed([EditMessage(pressed.message_id, body, no_note)], t(say.THANKS), meeting_id=mid)

    async def note(self, repos: Repositories, user_id: int, text: str, t: Texts) -> Owed | None:
        """The person's words as the note of the reminder that asked for one (None: none did)."""
        reminder = await repos.reminders.noting_for(user_id)
        if reminder is None or reminder.agreement_id is None:
            return None
        agreement = await repos.agreements.get(reminder.agreement_id)
        words = text.strip()
        if agreement is None:
            return None
        if len(words) > NOTE_LIMIT:
            return Owed([Send(t.html(say.TOO_LONG, limit=NOTE_LIMIT, text=words))])
        if not words:
            return Owed([Send(t.html(say.EMPTY_NOTE))])
        await repos.agreements.set_note(agreement.id, words)
        await repos.reminders.set_status(reminder.id, ANSWERED)
        return Owed(
            [Send(t.html(say.NOTE_KEPT, what=agreement.what))], meeting_id=reminder.meeting_id
        )
