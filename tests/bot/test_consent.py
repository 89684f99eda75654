"""/toestemming and /intrekken: an external professional takes part only with consent."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, select

from rondetafel.bot import consent_texts as say
from rondetafel.bot.texts import WHY, texts
from rondetafel.flows.effects import Why
from rondetafel.flows.events import Button
from rondetafel.flows.state import MeetingState, Status
from rondetafel.storage.models import AuditEntry, ConsentRow
from rondetafel.storage.unit_of_work import in_transaction
from tests.support.updates import User

from .conftest import ANNA, FATMA, MO, Harness

NL = texts("nl")
ELI = User(21, "Eli")  # youth care


async def meeting(harness: Harness) -> MeetingState:
    loaded = await in_transaction(
        harness.db, lambda repos: repos.meetings.active_in_chat(harness.group.id)
    )
    assert loaded is not None
    return loaded.state


def popup(harness: Harness) -> str:
    text: str = harness.request.sent("answerCallbackQuery")[-1].params["text"]
    return text


async def consents(harness: Harness) -> list[Row[Any]]:
    async with harness.db.connection() as connection:
        return list(await connection.execute(select(ConsentRow).order_by(ConsentRow.id)))


async def trail(harness: Harness) -> list[tuple[int | None, str]]:
    async with harness.db.connection() as connection:
        rows = await connection.execute(select(AuditEntry.user_id, AuditEntry.action))
        return [(user_id, action) for user_id, action in rows]


async def test_without_consent_the_role_button_says_why_and_with_it_they_join(
    harness: Harness,
) -> None:
    await harness.setup_meeting()
    await harness.press(ELI, Button.JOIN, "external")
    assert harness.request.sent("answerCallbackQuery")[-1].params["text"] == NL(
        WHY[Why.NEEDS_CONSENT]
    )
    assert (await meeting(harness)).participant_of_user(ELI.id) is None

    command = "/toestemming ouders: dit MDO en het verslag"
    await harness.send(harness.group.command_replying(ANNA, command, ELI))
    [row] = await consents(harness)
    assert (row.professional_user_id, row.given_by, row.purpose) == (
        ELI.id,
        "parents",
        "dit MDO en het verslag",
    )
    assert "Eli" in harness.last_text() and "dit MDO en het verslag" in harness.last_text()
    assert ELI.id in (await meeting(harness)).consented

    await harness.press(ELI, Button.JOIN, "external")
    assert (await meeting(harness)).participant_of_user(ELI.id) is not None
    assert (ANNA.id, "consent_recorded") in await trail(harness)


async def test_the_pupil_may_be_the_one_who_agreed(harness: Harness) -> None:
    await harness.setup_meeting()
    await harness.send(harness.group.command_replying(ANNA, "/consent pupil", ELI))
    [row] = await consents(harness)
    assert row.given_by == "pupil" and row.purpose == NL(say.DEFAULT_PURPOSE)


async def test_only_the_chair_records_consent(harness: Harness) -> None:
    await harness.setup_meeting()
    await harness.send(harness.group.command_replying(MO, "/toestemming", ELI))
    assert await consents(harness) == []
    assert harness.last_text() == NL.html(WHY[Why.ONLY_CHAIR], name="Anna")


async def test_without_a_reply_the_chair_is_told_how(harness: Harness) -> None:
    await harness.setup_meeting()
    await harness.send(harness.group.command(ANNA, "/toestemming"))
    assert await consents(harness) == []
    assert "/toestemming" in harness.last_text()


async def test_withdrawn_consent_takes_them_out_of_the_running_meeting(harness: Harness) -> None:
    await harness.setup_meeting()
    await harness.send(harness.group.command_replying(ANNA, "/toestemming", ELI))
    await harness.press(ELI, Button.JOIN, "external")
    await harness.press(ANNA, Button.START)
    state = await meeting(harness)
    assert state.status is Status.RUNNING
    eli = state.participant_of_user(ELI.id)
    assert eli is not None and eli.id in state.turn_order

    await harness.send(harness.group.command_replying(ANNA, "/intrekken", ELI))
    state = await meeting(harness)
    assert eli.id in state.withdrawn and ELI.id not in state.consented
    assert eli.id not in state.turn_order[state.turn_index :]
    [row] = await consents(harness)
    assert row.withdrawn_at is not None
    assert "Eli" in harness.last_text()
    assert (ANNA.id, "consent_withdrawn") in await trail(harness)

    # What they type now is not kept, and they cannot join again in another role.
    before = await meeting(harness)
    await harness.send(
        harness.group.reply(ELI, "nog een opmerking", harness.last_question().message_id)
    )
    assert await meeting(harness) == before
    await harness.press(ELI, Button.JOIN, "parent")
    assert harness.request.sent("answerCallbackQuery")[-1].params["text"] == NL(
        WHY[Why.CONSENT_WITHDRAWN]
    )
    assert (await meeting(harness)).participant_of_user(FATMA.id) is not None


async def test_withdrawing_what_was_never_given_says_so(harness: Harness) -> None:
    await harness.setup_meeting()
    await harness.send(harness.group.command_replying(ANNA, "/intrekken", ELI))
    assert "Eli" in harness.last_text()
    assert await consents(harness) == []
