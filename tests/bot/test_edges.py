"""The shell at the edges: admins, anonymous admins, a removed bot, idle meetings, reports."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from rondetafel.bot.context import SERVICES
from rondetafel.bot.handlers import WELCOME
from rondetafel.bot.present import CONTINUES, report_filename
from rondetafel.bot.texts import texts
from rondetafel.flows.events import Button, ResumeReason
from rondetafel.flows.script import MeetingKind
from rondetafel.flows.state import MeetingState, Status
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction
from tests.flows.builders import NOW as FLOWS_NOW
from tests.flows.builders import start_meeting

from .conftest import ANNA, FATMA, MO, STRANGER, Harness

NL = texts("nl")


async def status_of_meeting(harness: Harness) -> Status | None:
    async def read(repos: Repositories) -> Status | None:
        loaded = await repos.meetings.get(1)
        return None if loaded is None else loaded.state.status

    return await in_transaction(harness.db, read)


async def test_a_group_admin_takes_over_the_chair_with_slash_chair(harness: Harness) -> None:
    await harness.setup_meeting()
    harness.request.admins.add(STRANGER.id)

    await harness.send(harness.group.command(STRANGER, "/voorzitter"))

    assert "Kees is nu voorzitter van dit overleg, in plaats van Anna." in harness.last_text()
    await harness.press(STRANGER, Button.START)
    assert await status_of_meeting(harness) is Status.RUNNING


async def test_slash_chair_by_someone_who_is_not_an_admin_says_who_may(harness: Harness) -> None:
    await harness.setup_meeting()

    await harness.send(harness.group.command(FATMA, "/chair"))

    assert harness.last_text() == (
        "Alleen de voorzitter (Anna) of een beheerder van de groep kan dat."
    )


async def test_a_group_admin_can_stop_a_meeting_whose_chair_is_gone(harness: Harness) -> None:
    await harness.setup_meeting()
    harness.request.admins.add(MO.id)

    await harness.send(harness.group.command(MO, "/stop"))
    await harness.press(MO, Button.STOP_YES)

    assert await status_of_meeting(harness) is Status.STOPPED


async def test_an_anonymous_admin_is_asked_to_show_their_name(harness: Harness) -> None:
    await harness.send(harness.group.anonymous_command("/overleg"))

    assert "anonieme beheerder" in harness.last_text()
    assert await status_of_meeting(harness) is None  # no meeting chaired by nobody


async def test_an_idle_meeting_is_closed_after_two_weeks_and_the_group_is_free(
    harness: Harness,
) -> None:
    await harness.setup_meeting()
    harness.later(dt.timedelta(days=15))

    await harness.app.bot_data[SERVICES].housekeeping.run_once()
    await harness.app.bot_data[SERVICES].sender.drain()

    assert "gesloten na 14 dagen zonder activiteit" in harness.last_text()
    assert await status_of_meeting(harness) is Status.STOPPED
    await harness.send(harness.group.command(ANNA, "/overleg"))
    assert "Tik op je rol om mee te doen" in harness.last_text()  # a new one, for the same pupil


async def test_a_meeting_with_recent_activity_is_left_alone(harness: Harness) -> None:
    await harness.setup_meeting()
    harness.later(dt.timedelta(days=13))

    await harness.app.bot_data[SERVICES].housekeeping.run_once()

    assert await status_of_meeting(harness) is Status.GATHERING


async def test_removed_and_added_back_the_bot_says_the_meeting_goes_on_and_shows_the_prompt(
    harness: Harness,
) -> None:
    await harness.setup_meeting()
    await harness.send(harness.group.bot_removed(ANNA))
    before = len(harness.messages())

    await harness.send(harness.group.bot_added(ANNA))

    said = [c.text for c in harness.messages()[before:]]
    assert said[0] == NL(CONTINUES[ResumeReason.BACK])
    assert any("Tik op je rol" in text for text in said)  # the join message, anew
    assert NL(WELCOME) not in said


async def test_added_to_a_group_without_a_meeting_the_bot_says_hello(harness: Harness) -> None:
    await harness.send(harness.group.bot_added(ANNA))

    assert harness.last_text() == NL(WELCOME)


def test_three_meetings_on_one_day_give_three_report_names() -> None:
    tz = FLOWS_NOW.tzinfo
    assert tz is not None
    states = [
        start_meeting_at(meeting_id, FLOWS_NOW + dt.timedelta(minutes=minutes))
        for meeting_id, minutes in ((1, 0), (2, 0), (3, 90))
    ]

    names = {report_filename(state, tz) for state in states}

    assert len(names) == 3
    assert all(name.startswith("rondetafel-2025-03-10-") for name in names)


def start_meeting_at(meeting_id: int, when: dt.datetime) -> MeetingState:
    state = start_meeting(MeetingKind.PUPIL_MEETING)
    return state.evolve(meeting_id=meeting_id, started_at=when)


async def test_what_people_type_never_reaches_the_log_at_the_default_level(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    secret = "Zijn vader zit in de gevangenis"
    await harness.setup_meeting()
    # Telegram refuses and fails a few sends: the errors are logged, the words are not.
    harness.request.fail_next("sendMessage", 400, "Bad Request: can't parse entities")
    harness.request.fail_next("sendMessage", 500, "Internal Server Error")

    await harness.press(ANNA, Button.START)
    await harness.answer(FATMA, secret)

    assert caplog.records  # the failures were logged
    assert secret not in caplog.text
