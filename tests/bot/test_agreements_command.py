"""/afspraken (/agreements): real Updates through the real Application.

The case's finished meeting is stored the way a meeting that ends stores it
(its state saved finished, then its follow-up planned by `plan_follow_up`),
with dates after the harness's frozen clock, so that its reminders are
pending and a change can be seen to move them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rondetafel.bot import agreements_texts as say
from rondetafel.bot.callback_data import (
    MAX_BYTES,
    AgreementsData,
    AgreementsVerb,
    decode_agreements,
    encode_agreements,
)
from rondetafel.bot.case_texts import NO_CASE
from rondetafel.bot.texts import WHY, texts
from rondetafel.flows.effects import Why
from rondetafel.flows.follow_up import STATUS_NAMES, AgreementFacts, AgreementStatus
from rondetafel.flows.reminder_plan import ReminderKind
from rondetafel.flows.state import Agreement
from rondetafel.storage.audit import AGREEMENT_REPLANNED
from rondetafel.storage.reminders import CANCELLED, PENDING, Reminder
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction
from tests.support.recording import Call
from tests.support.updates import User

from .conftest import ANNA, FATMA, MO, NOW, STRANGER, Harness
from .demo_state import demo_meeting
from .follow_up_cases import (
    MENTOR,
    PARENT,
    PARTICIPANTS,
    PUPIL,
    Case,
    pop_up,
    reminders,
    store_finished,
)

NL = texts("nl")
TODAY = NOW.date()  # Monday 23 November 2026
EVALUATION = TODAY + dt.timedelta(days=42)  # Monday 4 January 2027, after Christmas
CHRISTMAS_EVE_OF_SCHOOL = dt.date(2026, 12, 18)  # the last school day before the holiday
CARD = "Ik leg de hulpkaart op tafel als ik hulp nodig heb"
BED = "Om 21 uur naar bed, ook in het weekend"
STEPS = "Instructie in stappen op het bord"
DOOR = "S. bij de deur begroeten"
NOTE = "Thuis is het moeilijk, zijn vader is weg"  # the owner's private note
AGREEMENTS = (
    Agreement(1, CARD, PUPIL, PUPIL, due=TODAY + dt.timedelta(days=14)),
    Agreement(2, BED, PARENT, PARENT, ongoing=True),
    Agreement(3, STEPS, MENTOR, MENTOR, due=TODAY + dt.timedelta(days=21)),
    Agreement(4, DOOR, MENTOR, MENTOR, due=TODAY + dt.timedelta(days=7)),
)


async def finished_case(harness: Harness, *, done: tuple[int, ...] = (4,)) -> Case:
    """A finished meeting chaired by Anna with four agreements; the `done` ones (by
    seq) are done, and the third is in progress with a private note."""
    state = demo_meeting().evolve(
        participants=PARTICIPANTS,
        agreements=AGREEMENTS,
        evaluation_date=EVALUATION,
        started_at=NOW - dt.timedelta(hours=2),
        finished_at=NOW - dt.timedelta(hours=1),
    )
    case = await store_finished(harness, state)

    async def answered(repos: Repositories) -> Case:
        ids = case.agreements
        await repos.agreements.set_status(ids[3], AgreementStatus.IN_PROGRESS, NOW, note=NOTE)
        for seq in done:
            await repos.agreements.set_status(ids[seq], AgreementStatus.DONE, NOW)
            await repos.reminders.cancel_for_agreement(ids[seq])
        return case

    return await in_transaction(harness.db, answered)


# ---------------------------------------------------------------- helpers


def agreement_buttons(harness: Harness) -> list[tuple[str, AgreementsData, int]]:
    """The /agreements buttons of the newest message that has them: (label, data, message)."""
    for call in reversed(harness.request.calls):
        if call.method not in ("sendMessage", "editMessageText"):
            continue
        found = [
            (b["text"], data, call.message_id)
            for b in call.buttons()
            if (data := decode_agreements(b.get("callback_data", ""))) is not None
        ]
        if found:
            return found
    raise AssertionError("no /agreements buttons")


def labels(harness: Harness) -> list[str]:
    return [label for label, _, _ in agreement_buttons(harness)]


async def press(harness: Harness, user: User, label: str) -> str | None:
    """Press the newest button with this label; the pop-up's text."""
    for text, data, message_id in agreement_buttons(harness):
        if text == label:
            await harness.send(harness.group.press(user, encode_agreements(data), message_id))
            return pop_up(harness)
    raise AssertionError(f"no button {label!r} in {labels(harness)}")


def edits(harness: Harness) -> list[Call]:
    return harness.request.sent("editMessageText")


async def agreement(harness: Harness, agreement_id: int) -> AgreementFacts:
    found = await in_transaction(harness.db, lambda repos: repos.agreements.get(agreement_id))
    assert found is not None
    return found


def pending(rows: list[Reminder], agreement_id: int | None) -> list[tuple[ReminderKind, int, Any]]:
    return [
        (r.kind, r.user_id, r.due_at.astimezone(NOW.tzinfo).replace(tzinfo=None))
        for r in rows
        if r.agreement_id == agreement_id and r.status == PENDING
    ]


def at(day: dt.date) -> dt.datetime:
    """A reminder's moment: 08:30 on `day`, the school's default."""
    return dt.datetime.combine(day, dt.time(8, 30))


def by(day: dt.date) -> str:
    return NL.plain(say.BY, date=NL.date(day))


def line(number: int, what: str, owner: str, due: str, status: AgreementStatus) -> str:
    return NL.html(
        say.LINE, number=number, what=what, owner=owner, due=due, status=NL(STATUS_NAMES[status])
    )


async def list_by(harness: Harness, user: User, command: str = "/afspraken") -> Call:
    await harness.send(harness.group.command(user, command))
    return harness.messages()[-1]


# ---------------------------------------------------------------- the list


async def test_a_participant_lists_the_open_agreements_with_owner_date_and_status(
    harness: Harness,
) -> None:
    await finished_case(harness)

    command = harness.group.command(MO, "/afspraken")
    await harness.send(command)

    listing = harness.messages()[-1]
    assert listing.text.split("\n") == [
        NL.html(say.TITLE, pupil="S.B."),
        line(1, CARD, "S.B.", by(TODAY + dt.timedelta(days=14)), AgreementStatus.OPEN),
        line(2, BED, "Fatma", NL(say.ONGOING), AgreementStatus.OPEN),
        line(3, STEPS, "Mo", by(TODAY + dt.timedelta(days=21)), AgreementStatus.IN_PROGRESS),
        "",
        NL.html(say.EVALUATION, date=NL.date(EVALUATION), name="Mo"),
        "",
        NL.html(say.CHAIR_CHANGES, name="Anna"),
    ]
    assert NL(say.ONGOING) == "doorlopend"
    assert command.message is not None
    assert listing.params["reply_parameters"]["message_id"] == command.message.message_id
    assert labels(harness) == ["✏️ 1", "✏️ 2", "✏️ 3", NL.plain(say.CHANGE_EVALUATOR, name="Mo")]


async def test_the_list_never_shows_an_owners_note_or_what_is_done(harness: Harness) -> None:
    await finished_case(harness)

    listing = await list_by(harness, FATMA, "/agreements")

    assert NOTE not in listing.text and DOOR not in listing.text
    assert STEPS in listing.text


async def test_with_everything_done_the_list_says_so_and_still_shows_the_evaluation(
    harness: Harness,
) -> None:
    await finished_case(harness, done=(1, 2, 3, 4))

    listing = await list_by(harness, ANNA)

    assert listing.text.split("\n")[0] == NL.html(say.NOTHING_OPEN, pupil="S.B.")
    assert NL.html(say.EVALUATION, date=NL.date(EVALUATION), name="Mo") in listing.text
    assert labels(harness) == [NL.plain(say.CHANGE_EVALUATOR, name="Mo")]


async def test_a_group_without_a_case_is_told_there_is_none(harness: Harness) -> None:
    listing = await list_by(harness, ANNA)

    assert listing.text == NL.html(NO_CASE)
    assert listing.buttons() == []


# ---------------------------------------------------------------- who may


async def test_a_member_or_an_admin_not_taking_part_may_not_list(harness: Harness) -> None:
    await finished_case(harness)
    harness.request.admins.add(STRANGER.id)

    refused = await list_by(harness, STRANGER)

    assert refused.text == NL.html(say.NOT_IN_CASE)
    assert STEPS not in refused.text and refused.buttons() == []


async def test_only_the_chair_changes_and_anothers_press_changes_nothing(
    harness: Harness,
) -> None:
    case = await finished_case(harness)
    await list_by(harness, ANNA)
    await press(harness, ANNA, "✏️ 3")
    await press(harness, ANNA, NL(say.CHANGE_OWNER))
    before = (await agreement(harness, case.agreements[3]), await reminders(harness, case))
    edited = len(edits(harness))

    on_owner = await press(harness, MO, "👪 Fatma")
    on_back = await press(harness, FATMA, NL(say.BACK))

    only_chair = NL.plain(WHY[Why.ONLY_CHAIR], name="Anna")
    assert on_owner == only_chair and on_back == only_chair
    assert len(edits(harness)) == edited
    after = (await agreement(harness, case.agreements[3]), await reminders(harness, case))
    assert after == before


# ---------------------------------------------------------------- changes


async def test_the_chair_gives_an_agreement_to_someone_else_and_the_reminders_follow(
    harness: Harness,
) -> None:
    case = await finished_case(harness)
    listing = await list_by(harness, ANNA)
    steps = case.agreements[3]
    assert {user for _, user, _ in pending(await reminders(harness, case), steps)} == {MO.id}

    await press(harness, ANNA, "✏️ 3")
    assert labels(harness) == [NL(say.CHANGE_OWNER), NL(say.CHANGE_DATE), NL(say.BACK)]
    await press(harness, ANNA, NL(say.CHANGE_OWNER))
    assert labels(harness) == [
        "🪑 Anna",
        "✓ 🧑‍🏫 Mo",
        "👪 Fatma",
        "🧒 " + NL.plain(say.REMINDED_VIA, name="S.B.", relay="Mo"),
        NL(say.BACK),
    ]
    answer = await press(harness, ANNA, "👪 Fatma")

    changed = await agreement(harness, steps)
    assert (changed.owner_name, changed.owner_user_id) == ("Fatma", FATMA.id)
    rows = await reminders(harness, case)
    due = TODAY + dt.timedelta(days=21)
    assert pending(rows, steps) == [
        (ReminderKind.BEFORE, FATMA.id, at(due - dt.timedelta(days=4))),  # two school days
        (ReminderKind.DUE, FATMA.id, at(due)),
    ]
    assert {r.status for r in rows if r.agreement_id == steps and r.user_id == MO.id} == {CANCELLED}
    assert answer == NL(say.CHANGED)
    edited = edits(harness)[-1]
    assert edited.params["message_id"] == listing.message_id
    assert line(3, STEPS, "Fatma", by(due), AgreementStatus.IN_PROGRESS) in edited.text
    trail = await in_transaction(harness.db, lambda repos: repos.audit.for_case(case.id))
    assert [(e.user_id, e.action) for e in trail] == [(ANNA.id, AGREEMENT_REPLANNED)]


async def test_the_pupil_without_telegram_may_own_an_agreement_reminded_to_the_relay(
    harness: Harness,
) -> None:
    case = await finished_case(harness)
    await list_by(harness, ANNA)

    await press(harness, ANNA, "✏️ 3")
    await press(harness, ANNA, NL(say.CHANGE_OWNER))
    await press(harness, ANNA, "🧒 " + NL.plain(say.REMINDED_VIA, name="S.B.", relay="Mo"))

    changed = await agreement(harness, case.agreements[3])
    assert (changed.owner_name, changed.owner_user_id) == ("S.B.", None)
    # The pupil has no Telegram: Mo, who relays the pupil's words, is asked.
    assert {user for _, user, _ in pending(await reminders(harness, case), case.agreements[3])} == {
        MO.id
    }


@pytest.mark.parametrize(
    ("choice", "due"),
    [
        (say.IN_ONE_WEEK, dt.date(2026, 12, 2)),
        (say.IN_TWO_WEEKS, dt.date(2026, 12, 9)),
        (say.BEFORE_HOLIDAY, CHRISTMAS_EVE_OF_SCHOOL),
    ],
)
async def test_the_chair_picks_a_date_by_the_school_clock_and_the_reminders_follow(
    harness: Harness, choice: str, due: dt.date
) -> None:
    case = await finished_case(harness)
    harness.later(dt.timedelta(days=2))  # Wednesday 25 November, on the bot's clock
    await list_by(harness, ANNA)
    card = case.agreements[1]

    await press(harness, ANNA, "✏️ 1")
    await press(harness, ANNA, NL(say.CHANGE_DATE))
    shown = labels(harness)
    await press(harness, ANNA, NL.plain(choice, date=NL.date(due)))

    assert shown == [
        NL.plain(say.IN_ONE_WEEK, date=NL.date(dt.date(2026, 12, 2))),
        NL.plain(say.IN_TWO_WEEKS, date=NL.date(dt.date(2026, 12, 9))),
        NL.plain(say.BEFORE_HOLIDAY, date=NL.date(CHRISTMAS_EVE_OF_SCHOOL)),
        NL(say.ONGOING),
        NL(say.BACK),
    ]
    changed = await agreement(harness, card)
    assert (changed.due, changed.ongoing) == (due, False)
    # The pupil owns it and is not on Telegram: give it to Fatma to see its reminders.
    await press(harness, ANNA, "✏️ 1")
    await press(harness, ANNA, NL(say.CHANGE_OWNER))
    await press(harness, ANNA, "👪 Fatma")
    assert [(kind, day) for kind, _, day in pending(await reminders(harness, case), card)] == [
        (ReminderKind.BEFORE, at(due - dt.timedelta(days=2))),
        (ReminderKind.DUE, at(due)),
    ]


async def test_ongoing_is_asked_about_before_the_evaluation(harness: Harness) -> None:
    case = await finished_case(harness)
    await list_by(harness, ANNA)
    steps = case.agreements[3]

    await press(harness, ANNA, "✏️ 3")
    await press(harness, ANNA, NL(say.CHANGE_DATE))
    await press(harness, ANNA, NL(say.ONGOING))

    changed = await agreement(harness, steps)
    assert (changed.due, changed.ongoing) == (None, True)
    # The school day before the evaluation (4 January) is the one before Christmas.
    assert pending(await reminders(harness, case), steps) == [
        (ReminderKind.ONGOING, MO.id, at(CHRISTMAS_EVE_OF_SCHOOL))
    ]
    line_3 = line(3, STEPS, "Mo", NL(say.ONGOING), AgreementStatus.IN_PROGRESS)
    assert line_3 in edits(harness)[-1].text


async def test_a_date_shown_days_ago_that_has_passed_changes_nothing(harness: Harness) -> None:
    case = await finished_case(harness)
    await list_by(harness, ANNA)
    await press(harness, ANNA, "✏️ 3")
    await press(harness, ANNA, NL(say.CHANGE_DATE))
    harness.later(dt.timedelta(days=8))

    week = TODAY + dt.timedelta(days=7)  # shown on the 23rd; today is the 1st of December
    answer = await press(harness, ANNA, NL.plain(say.IN_ONE_WEEK, date=NL.date(week)))

    assert answer == NL(WHY[Why.STALE_BUTTON])
    assert (await agreement(harness, case.agreements[3])).due == TODAY + dt.timedelta(days=21)
    assert edits(harness)[-1].text.startswith(NL.html(say.TITLE, pupil="S.B."))


async def test_the_chair_changes_who_evaluates_and_the_evaluation_reminder_follows(
    harness: Harness,
) -> None:
    case = await finished_case(harness)
    await list_by(harness, ANNA)
    assert pending(await reminders(harness, case), None) == [
        (ReminderKind.EVALUATION, MO.id, at(EVALUATION))
    ]

    await press(harness, ANNA, NL.plain(say.CHANGE_EVALUATOR, name="Mo"))
    # The pupil, not on Telegram, cannot evaluate in a private chat.
    assert labels(harness) == ["🪑 Anna", "✓ 🧑‍🏫 Mo", "👪 Fatma", NL(say.BACK)]
    answer = await press(harness, ANNA, "👪 Fatma")

    evaluation = await in_transaction(
        harness.db, lambda repos: repos.evaluations.of_meeting(case.meeting_id)
    )
    assert evaluation is not None
    assert (evaluation.user_id, evaluation.evaluator_name) == (FATMA.id, "Fatma")
    rows = await reminders(harness, case)
    assert pending(rows, None) == [(ReminderKind.EVALUATION, FATMA.id, at(EVALUATION))]
    assert [r.status for r in rows if r.kind is ReminderKind.EVALUATION and r.user_id == MO.id] == [
        CANCELLED
    ]
    assert answer == NL(say.CHANGED)
    assert (
        NL.html(say.EVALUATION, date=NL.date(EVALUATION), name="Fatma") in edits(harness)[-1].text
    )


# ---------------------------------------------------------------- stale buttons


async def test_a_press_after_the_case_was_erased_is_stale_and_loses_its_buttons(
    harness: Harness,
) -> None:
    await finished_case(harness)
    listing = await list_by(harness, ANNA)
    await harness.send(harness.group.command(ANNA, "/vergeet"))
    question = harness.messages()[-1]
    yes = next(b for b in question.buttons() if b["callback_data"].split("|")[2] == "y")
    await harness.send(harness.group.press(ANNA, yes["callback_data"], question.message_id))
    edited = len(edits(harness))

    answer = await press(harness, ANNA, "✏️ 1")

    assert answer == NL(WHY[Why.STALE_BUTTON])
    assert len(edits(harness)) == edited
    cleared = harness.request.sent("editMessageReplyMarkup")[-1]
    assert cleared.params["message_id"] == listing.message_id


async def test_a_press_on_the_list_of_a_closed_case_does_not_touch_the_new_one(
    harness: Harness,
) -> None:
    old = await finished_case(harness)
    listing = await list_by(harness, ANNA)
    await harness.send(harness.group.command(ANNA, "/afsluiten"))
    new = await finished_case(harness)  # the group's next case, with agreements of its own
    assert new.id != old.id
    edited = len(edits(harness))

    answers = [
        await press(harness, ANNA, label)
        for label in ("✏️ 1", NL.plain(say.CHANGE_EVALUATOR, name="Mo"))
    ]

    assert answers == [NL(WHY[Why.STALE_BUTTON])] * 2
    assert len(edits(harness)) == edited
    cleared = harness.request.sent("editMessageReplyMarkup")[-1]
    assert cleared.params["message_id"] == listing.message_id


async def test_an_agreement_done_since_the_list_was_posted_is_stale(harness: Harness) -> None:
    case = await finished_case(harness)
    await list_by(harness, ANNA)
    await in_transaction(
        harness.db,
        lambda repos: repos.agreements.set_status(case.agreements[1], AgreementStatus.DONE, NOW),
    )

    answer = await press(harness, ANNA, "✏️ 1")

    assert answer == NL(WHY[Why.STALE_BUTTON])
    assert CARD not in edits(harness)[-1].text  # the list as it is now


# ---------------------------------------------------------------- the buttons' data


def test_the_buttons_data_round_trips_and_fits_telegrams_limit() -> None:
    big = 10**17
    for data in (
        AgreementsData(big, AgreementsVerb.DUE, big, "20261218"),
        AgreementsData(big, AgreementsVerb.DUE, big, "g"),
        AgreementsData(big, AgreementsVerb.OWNER, big, "4"),
        AgreementsData(big, AgreementsVerb.LIST),
    ):
        text = encode_agreements(data)
        assert len(text.encode()) <= MAX_BYTES
        assert decode_agreements(text) == data


@pytest.mark.parametrize(
    "text",
    [
        "a1|5|t|9|20261331",  # no such date
        "a1|5|t|9|",  # a date press without a date
        "a1|5|o|9|²",  # not a participant
        "a1|5|l|0|x",  # the list takes no argument
        "a1|5|z|9|",  # no such verb
        "a2|5|l|0|",  # another version
        "a1|5|l|0",
    ],
)
def test_data_this_version_does_not_read_is_refused(text: str) -> None:
    assert decode_agreements(text) is None
