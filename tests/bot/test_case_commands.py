"""/export, /forget, /close and /audit: real Updates through the real Application."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from sqlalchemy import select

from rondetafel.bot import case_texts as say
from rondetafel.bot.callback_data import decode_forget
from rondetafel.bot.context import SERVICES
from rondetafel.bot.texts import WHY, texts
from rondetafel.flows.effects import Why
from rondetafel.storage.models import Erasure, OutboxRow
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction
from tests.support.recording import Call
from tests.support.updates import User, private_message

from .conftest import ANNA, FATMA, MO, NOW, Harness
from .demo_state import demo_meeting

NL = texts("nl")
LINK = "https://t.me/RondetafelTestBot"
PEOPLE = {501: ANNA, 502: MO, 503: FATMA}
ANSWER = "Na een korte uitleg werkt hij goed door"  # one of the demo meeting's answers


async def finished_meeting(harness: Harness) -> int:
    """The demo's finished meeting in the harness's group, chaired by Anna: its case id."""
    demo = demo_meeting()
    participants = tuple(
        dataclasses.replace(p, user_id=PEOPLE[p.user_id].id, name=PEOPLE[p.user_id].first_name)
        if p.user_id in PEOPLE
        else p
        for p in demo.participants
    )
    assert any(c.text == ANSWER for c in demo.contributions)

    async def make(repos: Repositories) -> int:
        await repos.meetings.create(
            harness.group.id,
            lambda mid: demo.evolve(meeting_id=mid, participants=participants),
            NOW,
        )
        case = await repos.cases.for_chat(harness.group.id)
        assert case is not None
        return case.id

    return await in_transaction(harness.db, make)


async def start_privately(harness: Harness, user: User) -> None:
    await harness.send(private_message(harness.app.bot, user, "/start"))


def reply(message: str, user: User, command: str = "", **params: Any) -> str:
    return NL.html(message, name=user.first_name, link=LINK, command=command, **params)


def to(harness: Harness, chat_id: int, method: str = "sendMessage") -> list[Call]:
    return [c for c in harness.request.sent(method) if int(c.params["chat_id"]) == chat_id]


async def owed_documents(harness: Harness, chat_id: int) -> list[dict[str, Any]]:
    async with harness.db.connection() as connection:
        rows = await connection.scalars(
            select(OutboxRow.payload).where(
                OutboxRow.chat_id == chat_id, OutboxRow.method == "document"
            )
        )
        return list(rows)


async def case_exists(harness: Harness) -> bool:
    found = await in_transaction(
        harness.db, lambda repos: repos.cases.latest_for_chat(harness.group.id)
    )
    return found is not None


async def erasures(harness: Harness) -> list[tuple[str, int]]:
    async with harness.db.connection() as connection:
        return [tuple(r) for r in await connection.execute(select(Erasure.reason, Erasure.records))]  # type: ignore[misc]


def forget_button(harness: Harness, *, yes: bool = True) -> tuple[str, int]:
    for call in reversed(harness.messages()):
        for b in call.buttons():
            data = decode_forget(b.get("callback_data", ""))
            if data is not None and data.confirm is yes:
                return b["callback_data"], call.message_id
    raise AssertionError("no /forget question")


async def press_forget(harness: Harness, user: User, *, yes: bool = True) -> str | None:
    data, message_id = forget_button(harness, yes=yes)
    await harness.send(harness.group.press(user, data, message_id))
    answer: str | None = harness.request.sent("answerCallbackQuery")[-1].params.get("text")
    return answer


# ---------------------------------------------------------------- /export


async def test_export_by_the_chair_sends_the_data_and_the_reports_privately(
    harness: Harness,
) -> None:
    await finished_meeting(harness)
    await start_privately(harness, ANNA)

    await harness.send(harness.group.command(ANNA, "/export"))

    documents = await owed_documents(harness, ANNA.id)
    data = json.loads(documents[0]["text"])
    assert data["format"] == "rondetafel-case" and data["case"]["pseudonym"] == "S.B."
    assert ANSWER in json.dumps(data["meetings"][0]["state"], ensure_ascii=False)
    assert [e["action"] for e in data["audit"]] == ["export"]
    assert documents[1]["filename"].endswith(".html") and ANSWER in documents[1]["text"]
    assert len(to(harness, ANNA.id, "sendDocument")) == 2
    assert [c.text for c in to(harness, harness.group.id)] == [
        reply(say.SENT_PRIVATELY, ANNA, "export")
    ]


async def test_the_group_reply_to_export_holds_nothing_of_the_case(harness: Harness) -> None:
    await finished_meeting(harness)
    await start_privately(harness, ANNA)

    await harness.send(harness.group.command(ANNA, "/export"))

    (group_reply,) = to(harness, harness.group.id)
    assert "S.B." not in group_reply.text and ANSWER not in group_reply.text
    assert to(harness, harness.group.id, "sendDocument") == []


async def test_export_without_a_private_chat_says_how_to_open_one(harness: Harness) -> None:
    await finished_meeting(harness)

    await harness.send(harness.group.command(ANNA, "/export"))

    assert harness.last_text() == reply(say.NEEDS_PRIVATE_CHAT, ANNA, "export")
    assert LINK in harness.last_text()
    assert harness.request.sent("sendDocument") == []


async def test_export_by_someone_who_is_not_the_chair_is_refused(harness: Harness) -> None:
    await finished_meeting(harness)
    await start_privately(harness, MO)

    await harness.send(harness.group.command(MO, "/export"))

    assert harness.last_text() == NL.html(WHY[Why.ONLY_CHAIR], name="Anna")
    assert harness.request.sent("sendDocument") == []
    assert await owed_documents(harness, MO.id) == []


async def test_export_in_a_group_without_a_case_says_there_is_none(harness: Harness) -> None:
    await harness.send(harness.group.command(ANNA, "/export"))

    assert harness.last_text() == NL.html(say.NO_CASE)


async def test_a_private_chat_telegram_refuses_is_forgotten_and_no_group_is_paused(
    harness: Harness,
) -> None:
    await finished_meeting(harness)
    await start_privately(harness, ANNA)
    harness.request.fail_next("sendDocument", 403, "Forbidden: bot was blocked by the user")
    harness.request.fail_next("sendDocument", 403, "Forbidden: bot was blocked by the user")

    await harness.send(harness.group.command(ANNA, "/export"))
    await harness.send(harness.group.command(ANNA, "/export"))

    private = await in_transaction(harness.db, lambda repos: repos.chats.get(ANNA.id))
    group = await in_transaction(harness.db, lambda repos: repos.chats.get(harness.group.id))
    assert private is None and group is not None and not group.removed
    assert len(to(harness, ANNA.id, "sendDocument")) == 2  # tried once each, not again
    assert harness.last_text() == reply(say.NEEDS_PRIVATE_CHAT, ANNA, "export")


# ---------------------------------------------------------------- /forget


async def test_forget_asks_the_chair_and_yes_erases_the_case(harness: Harness) -> None:
    await finished_meeting(harness)

    await harness.send(harness.group.command(ANNA, "/vergeet"))
    question = harness.messages()[-1]
    await press_forget(harness, ANNA)

    assert question.text == NL.html(say.CONFIRM_FORGET)
    assert not await case_exists(harness)
    assert [reason for reason, _ in await erasures(harness)] == ["forget"]
    assert harness.last_text() == NL.html(say.ERASED)
    cleared = harness.request.sent("editMessageReplyMarkup")[-1]
    assert cleared.params["message_id"] == question.message_id


async def test_pressing_yes_twice_erases_once(harness: Harness) -> None:
    await finished_meeting(harness)
    await harness.send(harness.group.command(ANNA, "/forget"))

    await press_forget(harness, ANNA)
    sent = len(harness.messages())
    second = await press_forget(harness, ANNA)

    assert len(await erasures(harness)) == 1
    assert second == NL(WHY[Why.STALE_BUTTON])
    assert len(harness.messages()) == sent


async def test_a_press_long_after_the_question_erases_nothing(harness: Harness) -> None:
    await finished_meeting(harness)
    await harness.send(harness.group.command(ANNA, "/vergeet"))
    harness.later(dt.timedelta(minutes=16))

    answer = await press_forget(harness, ANNA)

    assert answer == NL(WHY[Why.STALE_BUTTON])
    assert await case_exists(harness) and await erasures(harness) == []


async def test_no_keeps_the_case(harness: Harness) -> None:
    await finished_meeting(harness)
    await harness.send(harness.group.command(ANNA, "/vergeet"))

    answer = await press_forget(harness, ANNA, yes=False)

    assert answer == NL(say.KEPT)
    assert await case_exists(harness)


async def test_only_the_chair_can_confirm_forget(harness: Harness) -> None:
    await finished_meeting(harness)
    await harness.send(harness.group.command(ANNA, "/vergeet"))

    answer = await press_forget(harness, FATMA)

    assert answer == NL.plain(WHY[Why.ONLY_CHAIR], name="Anna")
    assert await case_exists(harness)


async def test_forget_while_a_meeting_runs_asks_to_stop_it_first(harness: Harness) -> None:
    await harness.setup_meeting()

    await harness.send(harness.group.command(ANNA, "/vergeet"))

    assert harness.last_text() == reply(say.MEETING_RUNS, ANNA)
    assert await case_exists(harness)


async def test_after_forget_the_group_reads_no_trace_of_the_case(harness: Harness) -> None:
    await finished_meeting(harness)
    await start_privately(harness, ANNA)
    await harness.send(harness.group.command(ANNA, "/export"))
    await harness.send(harness.group.command(ANNA, "/vergeet"))

    await press_forget(harness, ANNA)

    async with harness.db.connection() as connection:
        payloads = list(await connection.scalars(select(OutboxRow.payload)))
    assert not any("S.B." in json.dumps(p) or ANSWER in json.dumps(p) for p in payloads)
    assert "S.B." not in harness.last_text()


# ---------------------------------------------------------------- /close and /audit


async def test_close_closes_the_case_and_the_next_meeting_starts_a_new_one(
    harness: Harness,
) -> None:
    case_id = await finished_meeting(harness)

    await harness.send(harness.group.command(ANNA, "/afsluiten"))
    closed = harness.last_text()
    await harness.send(harness.group.command(ANNA, "/overleg"))

    assert closed == reply(say.CLOSED_NOTE, ANNA, months=24)
    new = await in_transaction(harness.db, lambda repos: repos.cases.for_chat(harness.group.id))
    assert new is None  # the pupil is asked for again: a new case
    assert "initialen" in harness.last_question().text
    trail = await in_transaction(harness.db, lambda repos: repos.audit.for_case(case_id))
    assert [(e.user_id, e.action) for e in trail] == [(ANNA.id, "close")]


async def test_close_is_for_the_chair_and_not_while_a_meeting_runs(harness: Harness) -> None:
    await harness.setup_meeting()

    await harness.send(harness.group.command(MO, "/close"))
    refused = harness.last_text()
    await harness.send(harness.group.command(ANNA, "/close"))

    assert refused == NL.html(WHY[Why.ONLY_CHAIR], name="Anna")
    assert harness.last_text() == reply(say.MEETING_RUNS, ANNA)


async def test_audit_sends_the_trail_privately_with_names_and_no_content(
    harness: Harness,
) -> None:
    await finished_meeting(harness)
    await start_privately(harness, ANNA)
    await harness.send(harness.group.command(ANNA, "/export"))

    await harness.send(harness.group.command(ANNA, "/logboek"))

    trail = to(harness, ANNA.id)[-1].text
    assert trail.startswith(NL.html(say.AUDIT_TITLE, pupil="S.B."))
    assert f"Anna · {NL(say.ACTION_WORDS['export'])}" in trail
    assert f"Anna · {NL(say.ACTION_WORDS['read_audit'])}" in trail
    assert ANSWER not in trail
    assert harness.last_text() == reply(say.SENT_PRIVATELY, ANNA, "logboek")


async def test_the_trail_shows_an_unknown_person_by_user_id(harness: Harness) -> None:
    case_id = await finished_meeting(harness)
    await in_transaction(harness.db, lambda repos: repos.audit.add(case_id, 999, "export", NOW))
    await start_privately(harness, ANNA)

    await harness.send(harness.group.command(ANNA, "/audit"))

    assert "999 · " in to(harness, ANNA.id)[-1].text


# ---------------------------------------------------------------- retention


async def test_the_daily_job_erases_a_case_closed_longer_ago_than_the_period(
    harness: Harness,
) -> None:
    await finished_meeting(harness)
    await harness.send(harness.group.command(ANNA, "/afsluiten"))
    housekeeping = harness.app.bot_data[SERVICES].housekeeping
    harness.later(dt.timedelta(days=2 * 365))
    kept = await housekeeping.erase_expired_cases()
    harness.later(dt.timedelta(days=2))

    erased = await housekeeping.erase_expired_cases()

    assert kept == (0, 0) and erased[0] == 1
    assert not await case_exists(harness)
    assert await erasures(harness) == [("retention", erased[1])]


async def test_the_trail_of_a_meeting_reads_in_words(harness: Harness) -> None:
    await harness.setup_meeting()
    await start_privately(harness, ANNA)

    await harness.send(harness.group.command(ANNA, "/audit"))

    trail = to(harness, ANNA.id)[-1].text
    assert f"Anna · {NL(say.ACTION_WORDS['pupil_named'])}" in trail
    assert f"Mo · {NL(say.ACTION_WORDS['joined'])}" in trail
    assert "_" not in trail.split("</b>", 1)[1]  # no action shown by its stored name
