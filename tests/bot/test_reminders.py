"""Reminders about agreements, between meetings: real Updates through the real Application.

A finished meeting is stored the way a meeting that ends stores it (its state
saved finished, then `plan_follow_up` in the same transaction), at the
harness's frozen clock: Monday 23 November 2026, 14:00 in Amsterdam. The
clock is then moved, and `harness.remind()` runs one round of the reminder
loop at it and delivers what that round owes. Nothing is mocked: the private
chat, the buttons and Telegram's refusals go through the dispatcher and the
recording transport.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import urllib.parse
from collections.abc import Iterable

import pytest

from rondetafel.bot import follow_up_texts as say
from rondetafel.bot.callback_data import ReminderData, decode_reminder, encode_reminder
from rondetafel.bot.context import SERVICES
from rondetafel.bot.handlers import PRIVATE_ONLY_GROUPS
from rondetafel.bot.texts import WHY, Markup, texts
from rondetafel.flows.effects import Why
from rondetafel.flows.events import Button
from rondetafel.flows.follow_up import STATUS_NAMES, AgreementFacts, AgreementStatus
from rondetafel.flows.reminder_plan import ReminderKind
from rondetafel.flows.script import Role
from rondetafel.flows.state import Agreement, Participant
from rondetafel.storage.audit import (
    AGREEMENT_ANSWERED,
    REMINDER_SENT,
    REMINDER_UNDELIVERABLE,
)
from rondetafel.storage.reminders import (
    ANSWERED,
    CANCELLED,
    NOTING,
    PENDING,
    SENT,
    UNDELIVERABLE,
    Reminder,
)
from rondetafel.storage.unit_of_work import in_transaction
from tests.support.recording import BOT, Call
from tests.support.updates import GroupChat, User, private_message, private_press

from .conftest import ANNA, FATMA, MO, NOW, Harness
from .demo_state import demo_meeting
from .follow_up_cases import (
    MENTOR,
    PARENT,
    PARTICIPANTS,
    PUPIL_INITIALS,
    Case,
    audit,
    go_to,
    moment,
    pop_up,
    reminders,
    store_finished,
    to,
    type_privately,
)

NL = texts("nl")
CARD = "Hulpkaart op tafel bij elke les"
BED = "Om 21 uur naar bed, ook in het weekend"
NOTE = "Het gaat beter sinds de kaart er ligt; thuis is het onrustig"

# Monday 23 November 2026 is NOW. Two school days before Thursday 3 December is
# Tuesday 1 December; two before Monday 7 December is Thursday 3 December.
TUESDAY_1_DEC = dt.date(2026, 12, 1)
WEDNESDAY_2_DEC = dt.date(2026, 12, 2)
THURSDAY_3_DEC = dt.date(2026, 12, 3)
FRIDAY_4_DEC = dt.date(2026, 12, 4)
MONDAY_7_DEC = dt.date(2026, 12, 7)


async def finished_meeting(
    harness: Harness, *agreements: Agreement, evaluation: dt.date | None = None
) -> Case:
    """A meeting about S.B. chaired by Anna that finished an hour before NOW, with
    `agreements`, its follow-up planned as a meeting that finishes plans it."""
    state = demo_meeting().evolve(
        participants=PARTICIPANTS,
        agreements=agreements,
        evaluation_date=evaluation,
        started_at=NOW - dt.timedelta(hours=2),
        finished_at=NOW - dt.timedelta(hours=1),
    )
    return await store_finished(harness, state)


def card_for_mo(due: dt.date = THURSDAY_3_DEC) -> Agreement:
    return Agreement(1, CARD, MENTOR, MENTOR, due=due)


# ---------------------------------------------------------------- helpers


async def remind_at(harness: Harness, when: dt.datetime) -> int:
    go_to(harness, when)
    return await harness.remind()


async def start_privately(harness: Harness, user: User, text: str = "/start") -> None:
    await harness.send(private_message(harness.app.bot, user, text))


def reminder_choices(call: Call) -> list[tuple[str, str]]:
    """(label, choice) of each reminder button on the message."""
    found = []
    for button in call.buttons():
        data = decode_reminder(button.get("callback_data", ""))
        assert data is not None, button
        found.append((button["text"], data.choice))
    return found


def reminder_button(call: Call, choice: str) -> str:
    for button in call.buttons():
        data = decode_reminder(button.get("callback_data", ""))
        if data is not None and data.choice == choice:
            return str(button["callback_data"])
    raise AssertionError(f"no reminder button {choice!r} on {call.text!r}")


async def press(harness: Harness, user: User, call: Call, choice: str) -> None:
    await harness.send(
        private_press(harness.app.bot, user, reminder_button(call, choice), call.message_id)
    )


async def reminder_of(harness: Harness, case: Case, kind: ReminderKind, seq: int = 1) -> Reminder:
    (found,) = [
        r
        for r in await reminders(harness, case)
        if r.kind is kind and r.agreement_id == case.agreements[seq]
    ]
    return found


async def agreement(harness: Harness, case: Case, seq: int = 1) -> AgreementFacts:
    found = await in_transaction(
        harness.db, lambda repos: repos.agreements.get(case.agreements[seq])
    )
    assert found is not None
    return found


def label() -> str:
    """ "the meeting about S.B. on …": which meeting a private message is about."""
    return NL.plain(say.MEETING_OF, pupil=PUPIL_INITIALS, date=NL.date(NOW.date()))


def before_text(what: str, due: dt.date) -> str:
    return NL.html(say.REMINDER_BEFORE, meeting=label(), what=what, due=NL.date(due))


def due_text(what: str) -> str:
    return NL.html(say.REMINDER_DUE, meeting=label(), what=what)


FIVE_BUTTONS = [
    (NL(say.DONE), "d"),
    (NL(say.IN_PROGRESS), "i"),
    (NL(say.NOT_DONE), "n"),
    (NL(say.TOMORROW), "m"),
    (NL(say.NEXT_WEEK), "w"),
]


def assert_reminds_of(call: Call, what: str) -> None:
    """A reminder about `what` with its five buttons (a reminder that comes after the
    agreement's date is worded apart: see the holiday test below)."""
    assert f"«{what}»" in call.text, call.text
    assert reminder_choices(call) == FIVE_BUTTONS


def mention(user: User) -> str:
    return f'<a href="tg://user?id={user.id}">{user.first_name}</a>'


def url_buttons(call: Call) -> list[str]:
    return [str(b["url"]) for b in call.buttons() if "url" in b]


def start_parameter(url: str) -> str:
    parsed = urllib.parse.urlsplit(url)
    assert (parsed.scheme, parsed.netloc, parsed.path) == ("https", "t.me", f"/{BOT['username']}")
    (parameter,) = urllib.parse.parse_qs(parsed.query)["start"]
    return parameter


def texts_of(calls: Iterable[Call]) -> list[str]:
    return [c.text for c in calls]


# ---------------------------------------------------------------- when they come


async def test_the_owner_hears_two_school_days_before_the_date_and_on_it(
    harness: Harness,
) -> None:
    await finished_meeting(harness, card_for_mo(THURSDAY_3_DEC))
    await start_privately(harness, MO)
    greeting = to(harness, MO.id)

    assert await harness.remind() == 0  # at the meeting's end nothing is due
    assert await remind_at(harness, moment(TUESDAY_1_DEC, 8, 29)) == 0
    assert to(harness, MO.id) == greeting

    assert await remind_at(harness, moment(TUESDAY_1_DEC)) == 1
    before = to(harness, MO.id)[-1]
    assert before.text == before_text(CARD, THURSDAY_3_DEC)
    assert reminder_choices(before) == FIVE_BUTTONS

    assert await remind_at(harness, moment(WEDNESDAY_2_DEC)) == 0
    assert await remind_at(harness, moment(THURSDAY_3_DEC)) == 1
    due = to(harness, MO.id)[-1]
    assert due.text == due_text(CARD)
    assert reminder_choices(due) == FIVE_BUTTONS
    assert len(to(harness, MO.id)) == len(greeting) + 2

    # Nobody else hears about Mo's agreement: not Anna, not Fatma, not the group.
    assert to(harness, ANNA.id) == to(harness, FATMA.id) == []
    assert to(harness, harness.group.id) == []


async def test_a_date_on_a_monday_is_reminded_on_the_thursday_before(harness: Harness) -> None:
    await finished_meeting(harness, Agreement(1, BED, PARENT, PARENT, due=MONDAY_7_DEC))
    await start_privately(harness, FATMA)
    greeting = to(harness, FATMA.id)

    assert await remind_at(harness, moment(WEDNESDAY_2_DEC)) == 0
    assert await remind_at(harness, moment(THURSDAY_3_DEC)) == 1
    assert to(harness, FATMA.id)[-1].text == before_text(BED, MONDAY_7_DEC)
    for day in (FRIDAY_4_DEC, dt.date(2026, 12, 5), dt.date(2026, 12, 6)):
        assert await remind_at(harness, moment(day)) == 0
    assert await remind_at(harness, moment(MONDAY_7_DEC)) == 1
    assert to(harness, FATMA.id)[-1].text == due_text(BED)
    assert len(to(harness, FATMA.id)) == len(greeting) + 2
    assert to(harness, MO.id) == []


async def test_an_ongoing_agreement_is_asked_about_the_school_day_before_the_evaluation(
    harness: Harness,
) -> None:
    evaluation = MONDAY_7_DEC
    await finished_meeting(
        harness, Agreement(1, BED, PARENT, PARENT, ongoing=True), evaluation=evaluation
    )
    await start_privately(harness, FATMA)

    assert await remind_at(harness, moment(THURSDAY_3_DEC)) == 0
    assert await remind_at(harness, moment(FRIDAY_4_DEC, 8, 29)) == 0
    assert await remind_at(harness, moment(FRIDAY_4_DEC)) == 1  # the school day before Monday

    ongoing = to(harness, FATMA.id)[-1]
    assert ongoing.text == NL.html(
        say.REMINDER_ONGOING, evaluation=NL.date(evaluation), meeting=label(), what=BED
    )
    assert reminder_choices(ongoing) == FIVE_BUTTONS


# ---------------------------------------------------------------- answering in place

ANSWERS = [
    ("d", AgreementStatus.DONE),
    ("i", AgreementStatus.IN_PROGRESS),
    ("n", AgreementStatus.NOT_DONE),
]


async def reminded_mo(harness: Harness, due: dt.date = THURSDAY_3_DEC) -> tuple[Case, Call]:
    """Mo's agreement, and its BEFORE reminder as it reached his private chat."""
    case = await finished_meeting(harness, card_for_mo(due))
    await start_privately(harness, MO)
    assert await remind_at(harness, moment(TUESDAY_1_DEC)) == 1
    return case, to(harness, MO.id)[-1]


@pytest.mark.parametrize(("choice", "status"), ANSWERS)
async def test_an_answer_edits_the_reminder_in_place_and_is_stored(
    harness: Harness, choice: str, status: AgreementStatus
) -> None:
    case, reminder = await reminded_mo(harness)
    sent_before = len(to(harness, MO.id))

    await press(harness, MO, reminder, choice)

    (edit,) = to(harness, MO.id, "editMessageText")
    assert edit.params["message_id"] == reminder.message_id
    assert edit.text == "\n\n".join(
        [
            before_text(CARD, THURSDAY_3_DEC),
            NL.html(say.ANSWERED, status=NL(STATUS_NAMES[status])) + "\n" + NL.html(say.ASK_NOTE),
        ]
    )
    assert reminder_choices(edit) == [(NL(say.NO_NOTE), "x")]
    assert pop_up(harness) == NL(say.THANKS)
    assert len(to(harness, MO.id)) == sent_before  # in place: no new message
    stored = await agreement(harness, case)
    assert stored.status is status and stored.status_at == harness.now[0]
    assert (MO.id, AGREEMENT_ANSWERED) in await audit(harness, case)
    assert (await reminder_of(harness, case, ReminderKind.BEFORE)).status == NOTING


@pytest.mark.parametrize("again", ["i", "n", "m", "w"])
async def test_once_answered_only_the_note_prompts_button_works(
    harness: Harness, again: str
) -> None:
    """The prompt table: a reminder that asks for a note takes "no note" and nothing else,
    so an old button of the status question (a double tap) changes nothing."""
    case, reminder = await reminded_mo(harness)
    await press(harness, MO, reminder, "d")
    edits = len(to(harness, MO.id, "editMessageText"))

    await press(harness, MO, reminder, again)

    assert pop_up(harness) == NL(say.STALE)
    assert len(to(harness, MO.id, "editMessageText")) == edits
    assert (await agreement(harness, case)).status is AgreementStatus.DONE
    assert (await reminder_of(harness, case, ReminderKind.BEFORE)).status == NOTING


async def test_done_cancels_the_reminder_on_the_date(harness: Harness) -> None:
    case, reminder = await reminded_mo(harness)

    await press(harness, MO, reminder, "d")

    assert (await reminder_of(harness, case, ReminderKind.DUE)).status == CANCELLED
    messages = len(to(harness, MO.id))
    assert await remind_at(harness, moment(THURSDAY_3_DEC)) == 0
    assert len(to(harness, MO.id)) == messages


@pytest.mark.parametrize("choice", ["i", "n"])
async def test_an_answer_that_is_not_done_keeps_the_reminder_on_the_date(
    harness: Harness, choice: str
) -> None:
    case, reminder = await reminded_mo(harness)

    await press(harness, MO, reminder, choice)

    assert (await reminder_of(harness, case, ReminderKind.DUE)).status == PENDING
    assert await remind_at(harness, moment(THURSDAY_3_DEC)) == 1
    assert to(harness, MO.id)[-1].text == due_text(CARD)


async def test_the_next_private_words_are_the_note_kept_with_the_agreement(
    harness: Harness,
) -> None:
    case, reminder = await reminded_mo(harness)
    await press(harness, MO, reminder, "i")

    await type_privately(harness, MO, NOTE)

    assert to(harness, MO.id)[-1].text == NL.html(say.NOTE_KEPT, what=CARD)
    stored = await agreement(harness, case)
    assert stored.note == NOTE and stored.status is AgreementStatus.IN_PROGRESS
    assert (await reminder_of(harness, case, ReminderKind.BEFORE)).status == ANSWERED
    # The note is the owner's: it goes to nobody else, and never to the group.
    assert all(
        NOTE not in c.text
        for c in harness.request.calls
        if int(c.params.get("chat_id", 0)) != MO.id
    )
    assert to(harness, harness.group.id) == []

    # Asked once: the next words are not a note again.
    await type_privately(harness, MO, "Nog iets anders")
    assert (await agreement(harness, case)).note == NOTE
    assert to(harness, MO.id)[-1].text == NL.html(PRIVATE_ONLY_GROUPS)


async def test_no_note_ends_the_answer_and_the_next_words_are_no_note(harness: Harness) -> None:
    case, reminder = await reminded_mo(harness)
    await press(harness, MO, reminder, "n")
    asked = to(harness, MO.id, "editMessageText")[-1]

    await press(harness, MO, asked, "x")

    edit = to(harness, MO.id, "editMessageText")[-1]
    assert edit.params["message_id"] == reminder.message_id
    assert edit.text == "\n\n".join(
        [
            before_text(CARD, THURSDAY_3_DEC),
            NL.html(say.ANSWERED, status=NL(STATUS_NAMES[AgreementStatus.NOT_DONE])),
        ]
    )
    assert edit.buttons() == []
    assert (await reminder_of(harness, case, ReminderKind.BEFORE)).status == ANSWERED

    await type_privately(harness, MO, NOTE)
    assert (await agreement(harness, case)).note is None
    assert to(harness, MO.id)[-1].text == NL.html(PRIVATE_ONLY_GROUPS)


# ---------------------------------------------------------------- snoozing


async def test_tomorrow_on_a_friday_comes_back_on_monday_morning(harness: Harness) -> None:
    case = await finished_meeting(harness, card_for_mo(FRIDAY_4_DEC))
    await start_privately(harness, MO)
    assert await remind_at(harness, moment(WEDNESDAY_2_DEC)) == 1  # BEFORE
    assert await remind_at(harness, moment(FRIDAY_4_DEC)) == 1
    due = to(harness, MO.id)[-1]
    assert due.text == due_text(CARD)
    go_to(harness, moment(FRIDAY_4_DEC, 10, 15))

    await press(harness, MO, due, "m")

    edit = to(harness, MO.id, "editMessageText")[-1]
    assert edit.params["message_id"] == due.message_id
    assert edit.text == due_text(CARD) + "\n\n" + NL.html(say.SNOOZED, when=NL.date(MONDAY_7_DEC))
    assert pop_up(harness) == NL(say.THANKS)
    snoozed = await reminder_of(harness, case, ReminderKind.DUE)
    assert (snoozed.status, snoozed.due_at) == (PENDING, moment(MONDAY_7_DEC))
    assert (await agreement(harness, case)).status is AgreementStatus.OPEN

    messages = len(to(harness, MO.id))
    for when in (
        moment(dt.date(2026, 12, 5)),
        moment(dt.date(2026, 12, 6)),
        moment(MONDAY_7_DEC, 8, 29),
    ):
        assert await remind_at(harness, when) == 0
    assert len(to(harness, MO.id)) == messages
    assert await remind_at(harness, moment(MONDAY_7_DEC)) == 1
    again = to(harness, MO.id)[-1]
    assert_reminds_of(again, CARD)
    assert again.message_id != due.message_id


async def test_next_week_comes_back_seven_days_later(harness: Harness) -> None:
    case, reminder = await reminded_mo(harness)
    tuesday_8_dec = dt.date(2026, 12, 8)
    go_to(harness, moment(TUESDAY_1_DEC, 9, 5))

    await press(harness, MO, reminder, "w")

    edit = to(harness, MO.id, "editMessageText")[-1]
    assert edit.params["message_id"] == reminder.message_id
    assert edit.text == "\n\n".join(
        [before_text(CARD, THURSDAY_3_DEC), NL.html(say.SNOOZED, when=NL.date(tuesday_8_dec))]
    )
    snoozed = await reminder_of(harness, case, ReminderKind.BEFORE)
    assert (snoozed.status, snoozed.due_at) == (PENDING, moment(tuesday_8_dec))

    assert await remind_at(harness, moment(THURSDAY_3_DEC)) == 1  # the date's own reminder
    messages = len(to(harness, MO.id))
    assert await remind_at(harness, moment(tuesday_8_dec, 8, 29)) == 0
    assert len(to(harness, MO.id)) == messages
    # Asked for, so it comes, though after the date: it says the date was.
    assert await remind_at(harness, moment(tuesday_8_dec)) == 1
    assert to(harness, MO.id)[-1].text == NL.html(
        say.REMINDER_LATE,
        meeting=label(),
        what=CARD,
        due=NL.date(THURSDAY_3_DEC),
    )


# ---------------------------------------------------------------- quiet hours and holidays


async def test_a_reminder_due_while_it_is_22_00_waits_for_the_next_school_morning(
    harness: Harness,
) -> None:
    """The loop was not running at 08:30 on Friday; at 22:00 it finds the reminder due."""
    case = await finished_meeting(harness, card_for_mo(FRIDAY_4_DEC))
    await start_privately(harness, MO)
    assert await remind_at(harness, moment(WEDNESDAY_2_DEC)) == 1  # BEFORE, on time
    messages = len(to(harness, MO.id))

    assert await remind_at(harness, moment(FRIDAY_4_DEC, 22, 0)) == 1  # claimed, not sent
    assert len(to(harness, MO.id)) == messages
    postponed = await reminder_of(harness, case, ReminderKind.DUE)
    assert postponed.status == PENDING
    assert postponed.due_at == moment(MONDAY_7_DEC, 8, 0)  # the quiet hours end at 08:00

    for when in (moment(dt.date(2026, 12, 5), 10, 0), moment(MONDAY_7_DEC, 7, 59)):
        assert await remind_at(harness, when) == 0
    assert len(to(harness, MO.id)) == messages
    assert await remind_at(harness, moment(MONDAY_7_DEC, 8, 0)) == 1
    assert_reminds_of(to(harness, MO.id)[-1], CARD)


@pytest.mark.parametrize(
    ("due", "first_day_off", "back_at_school"),
    [
        # Christmas, region middle: Saturday 19 December 2026 to Sunday 3 January 2027.
        (dt.date(2026, 12, 22), dt.date(2026, 12, 21), dt.date(2027, 1, 4)),
        # Autumn 2027, region middle: Saturday 16 to Sunday 24 October.
        (dt.date(2027, 10, 20), dt.date(2027, 10, 18), dt.date(2027, 10, 25)),
    ],
    ids=["christmas", "autumn"],
)
async def test_a_date_in_the_holiday_is_reminded_on_the_first_school_day_after(
    harness: Harness, due: dt.date, first_day_off: dt.date, back_at_school: dt.date
) -> None:
    case = await finished_meeting(harness, card_for_mo(due))
    await start_privately(harness, MO)
    last_school_day = first_day_off - dt.timedelta(days=3)  # the Friday before
    before = await reminder_of(harness, case, ReminderKind.BEFORE)
    assert before.due_at == moment(last_school_day - dt.timedelta(days=1))  # 2 school days
    assert await remind_at(harness, before.due_at) == 1
    messages = len(to(harness, MO.id))

    for when in (moment(first_day_off), moment(due), moment(back_at_school, 8, 29)):
        assert await remind_at(harness, when) == 0
    assert len(to(harness, MO.id)) == messages
    assert await remind_at(harness, moment(back_at_school)) == 1
    assert_reminds_of(to(harness, MO.id)[-1], CARD)


async def test_a_reminder_that_waited_into_the_holiday_waits_until_school_starts(
    harness: Harness,
) -> None:
    """Friday 18 December's reminder could not reach Mo; he opens the private chat on
    Tuesday 22 December, in the Christmas holiday."""
    case = await finished_meeting(harness, card_for_mo(dt.date(2026, 12, 18)))
    assert await remind_at(harness, moment(dt.date(2026, 12, 16))) == 1  # BEFORE: no chat
    assert await remind_at(harness, moment(dt.date(2026, 12, 18))) == 1  # DUE: no chat
    go_to(harness, moment(dt.date(2026, 12, 22), 11, 0))

    await start_privately(harness, MO)

    assert await harness.remind() == 2  # both claimed, neither sent
    assert len(to(harness, MO.id)) == 1  # the greeting
    back_at_school = moment(dt.date(2027, 1, 4), 8, 0)
    # The one before the date never reached Mo and the date has passed: it goes unsent.
    assert (await reminder_of(harness, case, ReminderKind.BEFORE)).status == CANCELLED
    waiting = await reminder_of(harness, case, ReminderKind.DUE)
    assert (waiting.status, waiting.due_at) == (PENDING, back_at_school)
    assert await remind_at(harness, moment(dt.date(2026, 12, 28), 9, 0)) == 0
    assert len(to(harness, MO.id)) == 1
    assert await remind_at(harness, back_at_school) == 1
    (due,) = to(harness, MO.id)[1:]
    assert_reminds_of(due, CARD)


async def test_a_date_reminded_after_the_holiday_names_that_date_instead_of_today(
    harness: Harness,
) -> None:
    """Tuesday 22 December is in the Christmas holiday: its reminder comes on Monday
    4 January, and must not tell Mo that today is the agreement's date."""
    due = dt.date(2026, 12, 22)
    await finished_meeting(harness, card_for_mo(due))
    await start_privately(harness, MO)
    assert await remind_at(harness, moment(dt.date(2026, 12, 17))) == 1  # BEFORE

    assert await remind_at(harness, moment(dt.date(2027, 1, 4))) == 1

    late = to(harness, MO.id)[-1]
    assert_reminds_of(late, CARD)
    assert late.text != due_text(CARD)  # "Today is the date …" is not true on 4 January
    assert NL.date(due) in late.text


# ---------------------------------------------------------------- who cannot be reached


def neutral_mention(harness: Harness, user: User) -> Call:
    """The one message in the group saying something waits for `user` privately."""
    (posted,) = to(harness, harness.group.id)
    assert posted.text == NL.html(say.WAITING_PRIVATELY, mention=Markup(mention(user)))
    assert [b["text"] for b in posted.buttons()] == [NL(say.OPEN_PRIVATE)]
    (url,) = url_buttons(posted)
    start_parameter(url)  # a link that opens the private chat with this bot
    # Nothing about the pupil or the agreement in a group many people read.
    assert CARD not in posted.text and PUPIL_INITIALS not in posted.text
    assert "S.B" not in url
    return posted


async def test_an_owner_without_a_private_chat_is_mentioned_neutrally_in_the_group(
    harness: Harness,
) -> None:
    case = await finished_meeting(harness, card_for_mo())

    assert await remind_at(harness, moment(TUESDAY_1_DEC)) == 1

    assert to(harness, MO.id) == []
    neutral_mention(harness, MO)
    assert (await reminder_of(harness, case, ReminderKind.BEFORE)).status == UNDELIVERABLE
    assert await audit(harness, case) == [(MO.id, REMINDER_UNDELIVERABLE)]


async def test_once_the_owner_starts_the_private_chat_the_reminder_follows(
    harness: Harness,
) -> None:
    case = await finished_meeting(harness, card_for_mo())
    assert await remind_at(harness, moment(TUESDAY_1_DEC)) == 1
    (url,) = url_buttons(neutral_mention(harness, MO))
    go_to(harness, moment(TUESDAY_1_DEC, 12, 40))

    await start_privately(harness, MO, f"/start {start_parameter(url)}")

    (hello,) = to(harness, MO.id)
    assert hello.text == NL.html(say.HELLO_PRIVATE) + "\n" + NL.html(say.HELLO_WAITING)
    assert await harness.remind() == 1
    reminder = to(harness, MO.id)[-1]
    assert reminder.text == before_text(CARD, THURSDAY_3_DEC)
    assert reminder_choices(reminder) == FIVE_BUTTONS
    assert (await reminder_of(harness, case, ReminderKind.BEFORE)).status == SENT
    assert len(to(harness, harness.group.id)) == 1  # the group heard once, neutrally
    assert await audit(harness, case) == [
        (MO.id, REMINDER_UNDELIVERABLE),
        (MO.id, REMINDER_SENT),
    ]


async def test_a_start_at_night_brings_what_waited_the_next_school_morning(
    harness: Harness,
) -> None:
    """The quiet hours hold for a reminder that waited, too."""
    case = await finished_meeting(harness, card_for_mo())
    assert await remind_at(harness, moment(TUESDAY_1_DEC)) == 1  # undeliverable: no chat
    go_to(harness, moment(TUESDAY_1_DEC, 22, 0))

    await start_privately(harness, MO)

    assert await harness.remind() == 1
    assert len(to(harness, MO.id)) == 1  # the greeting only
    waiting = await reminder_of(harness, case, ReminderKind.BEFORE)
    assert (waiting.status, waiting.due_at) == (PENDING, moment(WEDNESDAY_2_DEC, 8, 0))
    assert await remind_at(harness, moment(WEDNESDAY_2_DEC, 8, 0)) == 1
    assert to(harness, MO.id)[-1].text == before_text(CARD, THURSDAY_3_DEC)


async def test_a_plain_start_without_anything_waiting_only_greets(harness: Harness) -> None:
    await finished_meeting(harness, card_for_mo())

    await start_privately(harness, MO)

    assert texts_of(to(harness, MO.id)) == [NL.html(say.HELLO_PRIVATE)]
    assert await harness.remind() == 0


async def test_an_owner_who_blocked_the_bot_is_mentioned_in_the_group_and_not_retried(
    harness: Harness,
) -> None:
    case = await finished_meeting(harness, card_for_mo())
    await start_privately(harness, MO)
    harness.request.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")

    assert await remind_at(harness, moment(TUESDAY_1_DEC)) == 1

    refused = to(harness, MO.id)[-1]
    assert refused.text == before_text(CARD, THURSDAY_3_DEC)
    assert refused.result["error_code"] == 403
    neutral_mention(harness, MO)
    assert (await reminder_of(harness, case, ReminderKind.BEFORE)).status == UNDELIVERABLE
    attempts = len(to(harness, MO.id))

    # Nothing is tried again: not on the next round, not by the sender.
    assert await harness.remind() == 0
    await harness.app.bot_data[SERVICES].sender.drain()
    assert len(to(harness, MO.id)) == attempts
    assert len(to(harness, harness.group.id)) == 1
    # The chat counts as closed now: the date's reminder goes to the group, not to Mo.
    assert await remind_at(harness, moment(THURSDAY_3_DEC)) == 1
    assert len(to(harness, MO.id)) == attempts
    assert len(to(harness, harness.group.id)) == 2
    assert (await reminder_of(harness, case, ReminderKind.DUE)).status == UNDELIVERABLE

    # Unblocked and started again: what could not reach Mo follows, once each.
    await start_privately(harness, MO)
    assert await harness.remind() == 2
    # The date has come: its own reminder says it all, the one before goes unsent.
    assert texts_of(to(harness, MO.id)[attempts + 1 :]) == [due_text(CARD)]


# ---------------------------------------------------------------- stale and forged presses


async def test_someone_else_pressing_a_reminder_changes_nothing(harness: Harness) -> None:
    case, reminder = await reminded_mo(harness)
    await start_privately(harness, FATMA)
    calls = len(harness.request.calls)

    await harness.send(
        private_press(harness.app.bot, FATMA, reminder_button(reminder, "d"), reminder.message_id)
    )

    assert pop_up(harness) == NL(say.NOT_YOURS)
    assert [c.method for c in harness.request.calls[calls:]] == ["answerCallbackQuery"]
    assert (await agreement(harness, case)).status is AgreementStatus.OPEN
    assert (await reminder_of(harness, case, ReminderKind.BEFORE)).status == SENT
    assert (await reminder_of(harness, case, ReminderKind.DUE)).status == PENDING
    assert AGREEMENT_ANSWERED not in [action for _, action in await audit(harness, case)]


async def test_a_press_for_a_reminder_that_does_not_exist_changes_nothing(
    harness: Harness,
) -> None:
    case, reminder = await reminded_mo(harness)
    calls = len(harness.request.calls)
    forged = encode_reminder(ReminderData(999, "d"))
    assert forged == "r1|999|d"

    await harness.send(private_press(harness.app.bot, MO, forged, reminder.message_id))

    assert pop_up(harness) == NL(say.REMINDER_GONE)
    assert [c.method for c in harness.request.calls[calls:]] == ["answerCallbackQuery"]
    assert (await agreement(harness, case)).status is AgreementStatus.OPEN


@pytest.mark.parametrize("data", ["", "garbage", "r1|1|z", "r1|one|d", "r1|1|d|x", "r2|1|d"])
async def test_unreadable_reminder_data_gets_the_standard_stale_pop_up(
    harness: Harness, data: str
) -> None:
    case, reminder = await reminded_mo(harness)
    calls = len(harness.request.calls)

    await harness.send(private_press(harness.app.bot, MO, data, reminder.message_id))

    assert pop_up(harness) == NL(WHY[Why.STALE_BUTTON])
    assert [c.method for c in harness.request.calls[calls:]] == ["answerCallbackQuery"]
    assert (await agreement(harness, case)).status is AgreementStatus.OPEN
    assert (await reminder_of(harness, case, ReminderKind.BEFORE)).status == SENT


# ---------------------------------------------------------------- the offer at the meeting's start


def offers(harness: Harness) -> list[Call]:
    """The group's messages with a button that opens the private chat."""
    return [c for c in to(harness, harness.group.id) if url_buttons(c)]


async def test_the_meeting_start_offers_the_private_chat_to_who_cannot_be_reached(
    harness: Harness,
) -> None:
    await start_privately(harness, ANNA)
    await start_privately(harness, FATMA)
    await harness.setup_meeting()
    assert offers(harness) == []  # not while people join
    posted = len(to(harness, harness.group.id))

    await harness.press(ANNA, Button.START)

    (offer,) = offers(harness)
    mo = Participant(MENTOR, MO.first_name, Role.MENTOR, MO.id)
    assert offer.text == NL.html(say.OFFER_PRIVATE, mention=NL.mention(mo))
    assert mention(MO) in offer.text
    assert f"tg://user?id={FATMA.id}" not in offer.text and FATMA.first_name not in offer.text
    assert f"tg://user?id={ANNA.id}" not in offer.text
    assert [b["text"] for b in offer.buttons()] == [NL(say.OPEN_PRIVATE)]
    (url,) = url_buttons(offer)
    start_parameter(url)
    # With the first round, before its first question.
    started = to(harness, harness.group.id)[posted:]
    first_question = next(c for c in started if c.markup.get("force_reply"))
    assert started.index(offer) < started.index(first_question)


async def test_when_everyone_can_be_reached_nothing_is_offered(harness: Harness) -> None:
    for user in (ANNA, MO, FATMA):
        await start_privately(harness, user)
    await harness.setup_meeting()

    await harness.press(ANNA, Button.START)

    assert offers(harness) == []
    assert all(NL(say.OPEN_PRIVATE) not in c.text for c in to(harness, harness.group.id))


async def test_the_deep_link_parameter_is_short_plain_and_says_nothing_about_the_pupil(
    harness: Harness,
) -> None:
    await finished_meeting(harness, card_for_mo())
    assert await remind_at(harness, moment(TUESDAY_1_DEC)) == 1
    # A meeting about another pupil, in another group.
    other = dataclasses.replace(harness, group=GroupChat(harness.app.bot, id=-1009876543210987))
    await other.setup_meeting(pupil="T.K.")
    await other.press(ANNA, Button.START)

    links = [
        url
        for group in (harness.group, other.group)
        for call in to(harness, group.id)
        for url in url_buttons(call)
    ]
    assert len(links) == 2  # the reminder's mention and the meeting's offer
    for url in links:
        parameter = start_parameter(url)
        assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", parameter), parameter
        squeezed = parameter.lower().replace("_", "").replace("-", "")
        for pupil in ("S.B.", "T.K."):
            assert pupil.replace(".", "").lower() not in squeezed
        assert all(str(abs(group.id)) not in parameter for group in (harness.group, other.group))
