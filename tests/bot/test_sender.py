"""The one sender: the outbox delivered in order, once, within Telegram's limits."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.ext import Defaults, ExtBot

from rondetafel.bot import sender as sender_module
from rondetafel.bot.budget import SendBudget
from rondetafel.bot.operations import ClearButtons, Edit, Operation, Send
from rondetafel.bot.outgoing import rows_for
from rondetafel.bot.sender import Sender
from rondetafel.bot.text_split import visible_length
from rondetafel.storage.db import Database
from rondetafel.storage.models import OutboxRow
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction
from tests.support.recording import RecordingRequest

GROUP, OTHER_GROUP, SUPERGROUP = -4800000001, -4800000002, -1001234567890123


@dataclass
class Wire:
    sender: Sender
    request: RecordingRequest
    db: Database
    migrations: list[tuple[int, int]] = field(default_factory=list)

    async def owe(self, *operations: Operation, chat: int = GROUP) -> None:
        rows = rows_for(operations, chat_id=chat, thread_id=None, meeting_id=None, reply_to=None)

        async def add(repos: Repositories) -> None:
            await repos.outbox.add(rows, dt.datetime.now(dt.UTC))

        await in_transaction(self.db, add)

    async def statuses(self) -> list[str]:
        async with self.db.connection() as connection:
            rows = await connection.execute(OutboxRow.__table__.select().order_by(OutboxRow.id))
            return [row.status for row in rows]

    def sent_to(self, chat: int) -> list[str]:
        return [c.text for c in self.request.messages() if int(c.params["chat_id"]) == chat]


async def make_wire(db: Database, **budget: float) -> AsyncIterator[Wire]:
    request = RecordingRequest()
    bot = ExtBot("7000:TEST", request=request, defaults=Defaults(parse_mode=ParseMode.HTML))
    limits = {"group_per_minute": 1000, "chat_per_second": 1000.0} | budget
    sender = Sender(bot, db, SendBudget(**limits))  # type: ignore[arg-type]
    wire = Wire(sender, request, db)

    async def migrate(old: int, new: int) -> None:
        wire.migrations.append((old, new))
        await in_transaction(db, lambda repos: repos.chats.migrate(old, new))

    sender.on_migrate = migrate
    async with bot:
        await sender.start()
        try:
            yield wire
        finally:
            await sender.stop()


@pytest.fixture
async def wire(db: Database) -> AsyncIterator[Wire]:
    async for made in make_wire(db):
        yield made


async def test_a_long_summary_goes_out_in_parts_within_telegrams_limit(wire: Wire) -> None:
    paragraphs = [
        f"<b>Fase {i}</b>\n" + "• Een punt met 😀 en &amp; tekens. " * 40 for i in range(12)
    ]

    await wire.owe(Send("\n\n".join(paragraphs)))
    await wire.sender.drain()

    parts = wire.request.messages()
    assert len(parts) > 1
    assert all(visible_length(p.text) <= 4096 for p in parts)
    assert all(p.text.count("<b>") == p.text.count("</b>") for p in parts)
    assert set(await wire.statuses()) == {"done"}


async def test_the_buttons_go_on_the_last_part_and_the_reply_on_the_first(wire: Wire) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("OK", callback_data="x")]])

    await wire.owe(Send("\n\n".join(["x" * 3000] * 3), markup, reply_to=55))
    await wire.sender.drain()

    first, *_, last = wire.request.messages()
    assert first.params["reply_parameters"]["message_id"] == 55
    assert "reply_parameters" not in last.params
    assert last.markup == markup.to_dict()
    assert "reply_markup" not in first.params


async def test_too_many_requests_makes_that_chat_wait_and_the_message_still_arrives_once(
    wire: Wire,
) -> None:
    wire.request.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)

    started = time.monotonic()
    await wire.owe(Send("first"), Send("second"))
    await wire.sender.drain()

    assert time.monotonic() - started >= 1.0
    assert wire.sent_to(GROUP) == ["first", "first", "second"]  # the 429, then each once
    assert await wire.statuses() == ["done", "done"]


async def test_server_errors_and_dropped_connections_are_retried_in_order(wire: Wire) -> None:
    wire.request.fail_next("sendMessage", 500, "Internal Server Error")
    wire.request.fail_next("sendMessage", 502, "Bad Gateway")

    await wire.owe(Send("summary"), Send("after it"))
    await wire.sender.drain()

    assert wire.sent_to(GROUP) == ["summary"] * 3 + ["after it"]
    assert await wire.statuses() == ["done", "done"]


async def test_one_chat_waiting_for_telegram_does_not_hold_up_another(wire: Wire) -> None:
    wire.request.fail_next("sendMessage", 429, "Too Many Requests: retry after 2", retry_after=2)
    await wire.owe(Send("slow group"), chat=GROUP)
    drained = asyncio.create_task(wire.sender.drain())
    await asyncio.sleep(0.2)

    await wire.owe(Send("other group"), chat=OTHER_GROUP)
    wire.sender.wake()
    await asyncio.sleep(0.5)

    assert wire.sent_to(OTHER_GROUP) == ["other group"]
    assert wire.sent_to(GROUP) == ["slow group"]  # only the refused try so far
    await drained


async def test_a_group_that_became_a_supergroup_gets_the_message_there(wire: Wire) -> None:
    wire.request.fail_next(
        "sendMessage",
        400,
        "Bad Request: group chat was upgraded to a supergroup chat",
        migrate_to_chat_id=SUPERGROUP,
    )

    await wire.owe(Send("summary"))
    await wire.sender.drain()

    assert wire.migrations == [(GROUP, SUPERGROUP)]
    assert wire.sent_to(SUPERGROUP) == ["summary"]


async def test_edits_that_change_nothing_or_find_no_message_are_harmless(wire: Wire) -> None:
    wire.request.fail_next(
        "editMessageReplyMarkup", 400, "Bad Request: message is not modified: specified new …"
    )

    await wire.owe(ClearButtons(12), Edit("join", "never delivered"), Send("next"))
    await wire.sender.drain()

    assert [c.method for c in wire.request.calls if c.method != "getMe"] == [
        "editMessageReplyMarkup",
        "sendMessage",
    ]
    assert await wire.statuses() == ["done", "done", "done"]


async def test_a_group_that_removed_the_bot_is_paused_until_the_bot_is_back(wire: Wire) -> None:
    wire.request.fail_next("sendMessage", 403, "Forbidden: bot was kicked from the group chat")

    await wire.owe(Send("question"), Send("more"))
    await wire.sender.drain()
    assert await wire.statuses() == ["pending", "pending"]

    await in_transaction(wire.db, lambda repos: repos.chats.set_removed(GROUP, None))
    await wire.sender.drain()

    assert wire.sent_to(GROUP) == ["question", "question", "more"]
    assert await wire.statuses() == ["done", "done"]


async def test_html_telegram_cannot_parse_fails_that_row_and_the_rest_goes_on(
    wire: Wire,
) -> None:
    wire.request.fail_next("sendMessage", 400, "Bad Request: can't parse entities: …")

    await wire.owe(Send("<b>broken"), Send("fine"))
    await wire.sender.drain()

    assert await wire.statuses() == ["failed", "done"]


async def test_a_button_answered_too_late_is_harmless(wire: Wire) -> None:
    wire.request.fail_next(
        "answerCallbackQuery", 400, "Bad Request: query is too old and response timeout expired"
    )

    wire.sender.answer("q1", "OK")
    await wire.sender.drain()  # nothing raised, nothing logged as an error

    assert len(wire.request.sent("answerCallbackQuery")) == 1


async def test_an_answer_text_is_cut_to_telegrams_200_characters(wire: Wire) -> None:
    wire.sender.answer("q1", "x" * 500)
    await wire.sender.drain()

    [call] = wire.request.sent("answerCallbackQuery")
    assert len(call.params["text"]) == 200


async def test_after_a_restart_a_group_that_had_its_minute_waits_for_it(db: Database) -> None:
    async for first in make_wire(db, group_per_minute=3):
        await first.owe(Send("1"), Send("2"), Send("3"))
        await first.sender.drain()
        assert len(first.sent_to(GROUP)) == 3

    async for restarted in make_wire(db, group_per_minute=3):
        await restarted.owe(Send("4"))
        budget = restarted.sender.budget
        assert budget.wait(GROUP, time.time()) > 50  # restored from the outbox
        assert restarted.sent_to(GROUP) == []


async def test_only_what_asks_someone_something_makes_phones_buzz(wire: Wire) -> None:
    question = ForceReply(selective=True)

    await wire.owe(Send("✅ Afspraak 1"), Send("Fatma, jouw beurt.", question))
    await wire.sender.drain()

    note, asked = wire.request.messages()
    assert note.params.get("disable_notification") is True
    assert not asked.params.get("disable_notification")


async def test_a_press_still_undecided_is_answered_without_a_text_in_time(
    wire: Wire, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sender_module, "ANSWER_WITHIN", 0.05)
    wire.sender.expect_answer("q1")
    await asyncio.sleep(0.1)  # the decision takes longer than that
    await wire.sender.drain()
    [early] = wire.request.sent("answerCallbackQuery")
    assert early.params["callback_query_id"] == "q1" and "text" not in early.params

    wire.sender.answer("q1", "Je doet mee als mentor.")  # decided now: Telegram takes one answer
    await wire.sender.drain()
    assert len(wire.request.sent("answerCallbackQuery")) == 1


async def test_a_press_decided_in_time_is_answered_once_with_its_text(
    wire: Wire, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sender_module, "ANSWER_WITHIN", 0.05)
    wire.sender.expect_answer("q1")
    wire.sender.answer("q1", "Je doet mee als mentor.")
    await asyncio.sleep(0.1)  # past the deadline: its timer is gone
    await wire.sender.drain()
    [answer] = wire.request.sent("answerCallbackQuery")
    assert answer.params["text"] == "Je doet mee als mentor."


async def test_a_press_from_a_backlog_is_answered_at_once_and_only_once(wire: Wire) -> None:
    wire.sender.answer_at_once("q1")
    wire.sender.expect_answer("q1")  # the processor announces it too, as every press
    await wire.sender.drain()
    [early] = wire.request.sent("answerCallbackQuery")
    assert early.params["callback_query_id"] == "q1" and "text" not in early.params

    wire.sender.answer("q1", "Je doet mee als mentor.")  # its decision's answer is dropped
    await wire.sender.drain()
    assert len(wire.request.sent("answerCallbackQuery")) == 1
