"""What Telegram stores for a text, and the length limits in UTF-16 units."""

from __future__ import annotations

import pytest
import telegram
from telegram.error import BadRequest

from rondetafel.standin import BotApiStandIn, SimChat


async def test_4096_characters_pass_and_4097_fail(bot: telegram.Bot, group: SimChat) -> None:
    sent = await bot.send_message(group.id, "a" * 4096)
    assert len(sent.text) == 4096
    with pytest.raises(BadRequest, match=r"^Message is too long$"):
        await bot.send_message(group.id, "a" * 4097)


async def test_emoji_count_as_two_units_so_2100_of_them_are_too_long(
    bot: telegram.Bot, group: SimChat
) -> None:
    await bot.send_message(group.id, "😀" * 2048)
    with pytest.raises(BadRequest, match=r"too long"):
        await bot.send_message(group.id, "😀" * 2100)


async def test_the_limit_applies_to_the_visible_text_after_markup(
    bot: telegram.Bot, group: SimChat
) -> None:
    sent = await bot.send_message(group.id, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")
    assert sent.entities[0].length == 4096


async def test_escaped_characters_count_once(bot: telegram.Bot, group: SimChat) -> None:
    sent = await bot.send_message(group.id, "&lt;" * 4096, parse_mode="HTML")
    assert sent.text == "<" * 4096


async def test_text_that_is_blank_after_parsing_is_empty(bot: telegram.Bot, group: SimChat) -> None:
    for text in ("", " \n ", "<b> </b>"):
        with pytest.raises(BadRequest, match=r"^Message text is empty$"):
            await bot.send_message(group.id, text, parse_mode="HTML")


async def test_surrounding_blanks_are_trimmed_and_entities_follow(
    bot: telegram.Bot, group: SimChat
) -> None:
    sent = await bot.send_message(group.id, "\n  hallo <b>jij</b>  \n\n", parse_mode="HTML")
    assert sent.text == "hallo jij"
    assert sent.entities[0].offset == 6


async def test_carriage_returns_vanish_and_tabs_become_spaces(
    bot: telegram.Bot, group: SimChat
) -> None:
    sent = await bot.send_message(group.id, "a\r\nb\tc")
    assert sent.text == "a\nb c"


async def test_unparseable_html_is_a_400_with_telegrams_reason(
    bot: telegram.Bot, group: SimChat
) -> None:
    with pytest.raises(BadRequest) as raised:
        await bot.send_message(group.id, "Notities <voor> Anna", parse_mode="HTML")
    assert raised.value.message == (
        'Can\'t parse entities: unsupported start tag "voor" at byte offset 9'
    )


async def test_the_raw_description_keeps_telegrams_wording(
    standin: BotApiStandIn, group: SimChat
) -> None:
    from .conftest import call_raw

    _, body = await call_raw(
        standin, "sendMessage", json={"chat_id": group.id, "text": "<b>x", "parse_mode": "HTML"}
    )
    assert body["description"] == (
        "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\""
    )


async def test_without_parse_mode_markup_is_plain_text(bot: telegram.Bot, group: SimChat) -> None:
    sent = await bot.send_message(group.id, "<b>x</b>")
    assert sent.text == "<b>x</b>"
    assert sent.entities == ()


async def test_explicit_entities_are_checked_against_the_text(
    bot: telegram.Bot, group: SimChat
) -> None:
    bold = telegram.MessageEntity("bold", 0, 2)
    sent = await bot.send_message(group.id, "hé", entities=[bold])
    assert sent.entities == (bold,)
    with pytest.raises(BadRequest, match=r"ends after the end of the text"):
        await bot.send_message(group.id, "hé", entities=[telegram.MessageEntity("bold", 1, 5)])


async def test_mentions_commands_and_urls_are_detected(bot: telegram.Bot, group: SimChat) -> None:
    sent = await bot.send_message(group.id, "@anna_m zie https://school.example/plan. /help")
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("mention", 0, 7),
        ("url", 12, 27),
        ("bot_command", 41, 5),
    ]


async def test_a_caption_over_1024_units_is_refused(bot: telegram.Bot, group: SimChat) -> None:
    await bot.send_document(group.id, b"x", filename="a.txt", caption="c" * 1024)
    with pytest.raises(BadRequest, match=r"^Message caption is too long$"):
        await bot.send_document(group.id, b"x", filename="a.txt", caption="c" * 1025)


async def test_entities_move_along_when_characters_are_dropped(
    bot: telegram.Bot, group: SimChat
) -> None:
    sent = await bot.send_message(group.id, "x\r\n<b>a\r\nb</b>", parse_mode="HTML")
    assert sent.text == "x\na\nb"
    assert (sent.entities[0].offset, sent.entities[0].length) == (2, 3)
