"""The one sender: limits, retries, splitting and Telegram's harmless errors."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from telegram.constants import ParseMode
from telegram.ext import Defaults, ExtBot

from rondetafel.bot.sender import Sender
from rondetafel.bot.text_split import visible_length
from tests.support.recording import RecordingRequest

GROUP = -1001234567890123


@pytest.fixture
async def wire() -> AsyncIterator[tuple[Sender, RecordingRequest, list[tuple[int, int]]]]:
    request = RecordingRequest()
    bot: Bot = ExtBot(
        "7000:TEST",
        request=request,
        get_updates_request=request,
        defaults=Defaults(parse_mode=ParseMode.HTML),
    )
    migrations: list[tuple[int, int]] = []

    async def migrated(old: int, new: int) -> None:
        migrations.append((old, new))

    async with bot:
        yield Sender(bot, on_migrate=migrated), request, migrations


async def test_a_long_summary_is_split_into_messages_within_telegrams_limit(
    wire: tuple[Sender, RecordingRequest, list[tuple[int, int]]],
) -> None:
    sender, request, _ = wire
    paragraphs = [
        f"<b>Fase {i}</b>\n" + "• Een punt met 😀 en &amp; tekens. " * 40 for i in range(12)
    ]

    await sender.send(GROUP, "\n\n".join(paragraphs))

    parts = request.messages()
    assert len(parts) > 1
    assert all(visible_length(p.text) <= 4096 for p in parts)
    assert all(p.text.count("<b>") == p.text.count("</b>") for p in parts)


async def test_the_buttons_go_on_the_last_part_and_the_reply_on_the_first(
    wire: tuple[Sender, RecordingRequest, list[tuple[int, int]]],
) -> None:
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    sender, request, _ = wire
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("OK", callback_data="x")]])

    await sender.send(GROUP, "a\n\n" + "b " * 3000, markup=markup, reply_to=42)

    first, *_, last = request.messages()
    assert (
        first.params["reply_parameters"]["message_id"] == 42 and "reply_markup" not in first.params
    )
    assert (
        last.markup["inline_keyboard"][0][0]["text"] == "OK"
        and "reply_parameters" not in last.params
    )


async def test_too_many_requests_is_waited_out_and_retried(
    wire: tuple[Sender, RecordingRequest, list[tuple[int, int]]],
) -> None:
    sender, request, _ = wire
    request.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)

    message = await sender.send(GROUP, "Hallo")

    assert message is not None
    assert [
        c.result.get("error_code")
        if isinstance(c.result, dict) and "error_code" in c.result
        else "ok"
        for c in request.messages()
    ] == [429, "ok"]


async def test_a_network_hiccup_is_retried(
    wire: tuple[Sender, RecordingRequest, list[tuple[int, int]]],
) -> None:
    sender, request, _ = wire
    request.fail_next("sendMessage", 502, "Bad Gateway")

    assert await sender.send(GROUP, "Hallo") is not None
    assert len(request.messages()) == 2


async def test_a_group_that_became_a_supergroup_is_followed_and_storage_told(
    wire: tuple[Sender, RecordingRequest, list[tuple[int, int]]],
) -> None:
    sender, request, migrations = wire
    request.fail_next(
        "sendMessage",
        400,
        "Bad Request: group chat was upgraded to a supergroup chat",
        migrate_to_chat_id=-1009999,
    )

    await sender.send(-4242, "Hallo")

    assert migrations == [(-4242, -1009999)]
    assert int(request.messages()[-1].params["chat_id"]) == -1009999


async def test_an_edit_that_changes_nothing_is_harmless(
    wire: tuple[Sender, RecordingRequest, list[tuple[int, int]]],
) -> None:
    sender, request, _ = wire
    request.fail_next(
        "editMessageText",
        400,
        "Bad Request: message is not modified: specified new message content and reply markup "
        "are exactly the same",
    )

    await sender.edit(GROUP, 7, "zelfde tekst")


async def test_a_button_answered_too_late_is_harmless(
    wire: tuple[Sender, RecordingRequest, list[tuple[int, int]]],
) -> None:
    sender, request, _ = wire
    request.fail_next(
        "answerCallbackQuery",
        400,
        "Bad Request: query is too old and response timeout expired or query ID is invalid",
    )

    await sender.answer("q1", "OK")


async def test_a_group_that_removed_the_bot_is_logged_not_raised(
    wire: tuple[Sender, RecordingRequest, list[tuple[int, int]]],
) -> None:
    sender, request, _ = wire
    request.fail_next("sendMessage", 403, "Forbidden: bot was kicked from the supergroup chat")

    assert await sender.send(GROUP, "Hallo") is None


async def test_html_it_cannot_parse_is_not_swallowed(
    wire: tuple[Sender, RecordingRequest, list[tuple[int, int]]],
) -> None:
    from telegram.error import BadRequest

    sender, request, _ = wire
    request.fail_next(
        "sendMessage",
        400,
        'Bad Request: can\'t parse entities: Unsupported start tag "div" at byte offset 0',
    )

    with pytest.raises(BadRequest):
        await sender.send(GROUP, "<div>x</div>")


async def test_an_answer_text_is_cut_to_telegrams_200_characters(
    wire: tuple[Sender, RecordingRequest, list[tuple[int, int]]],
) -> None:
    sender, request, _ = wire

    await sender.answer("q1", "x" * 500)

    assert len(request.sent("answerCallbackQuery")[-1].params["text"]) == 200
