"""The simulation API: people, transcripts, and waiting for the bot."""

from __future__ import annotations

import asyncio

import pytest
import telegram

from rondetafel.standin import BotApiStandIn, SimChat, SimUser


async def test_people_cannot_do_what_telegram_would_not_let_them(
    standin: BotApiStandIn, group: SimChat, anna: SimUser
) -> None:
    outsider = standin.add_user("Olga")
    with pytest.raises(ValueError, match=r"not in"):
        await standin.send_message(outsider, group, "hoi")
    with pytest.raises(ValueError, match=r"Start"):
        await standin.send_message(anna, standin.private_chat(anna), "hoi")
    with pytest.raises(ValueError, match=r"no message 99"):
        await standin.send_message(anna, group, "hoi", reply_to=99)
    with pytest.raises(ValueError, match=r"start payload"):
        await standin.start_private_chat(anna, payload="met spatie")


async def test_the_transcript_shows_everyone_in_order_after_edits(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat, anna: SimUser
) -> None:
    first = await standin.send_message(anna, group, "Goedemorgen")
    sent = await bot.send_message(group.id, "Welkom")
    await bot.edit_message_text("Welkom allemaal", group.id, sent.message_id)
    texts = [m.get("text") for m in standin.messages(group)]
    assert texts[0] is None  # the service message of the bot joining
    assert texts[1:] == ["Goedemorgen", "Welkom allemaal"]
    assert standin.messages(group)[1] == first
    assert [m["text"] for m in standin.bot_messages(group)] == ["Welkom allemaal"]


async def test_listeners_hear_every_kind_of_change(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat, anna: SimUser
) -> None:
    heard: list[tuple[str, int, str | None]] = []
    standin.add_listener(lambda kind, chat, m: heard.append((kind, chat.id, m.get("text"))))
    await standin.send_message(anna, group, "vraag")
    sent = await bot.send_message(group.id, "antwoord")
    await bot.edit_message_text("beter antwoord", group.id, sent.message_id)
    await bot.delete_message(group.id, sent.message_id)
    assert heard == [
        ("user_message", group.id, "vraag"),
        ("sent", group.id, "antwoord"),
        ("edited", group.id, "beter antwoord"),
        ("deleted", group.id, "beter antwoord"),
    ]


async def test_wait_for_bot_message_wakes_when_the_bot_posts(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat
) -> None:
    old = await bot.send_message(group.id, "oud")
    waiting = asyncio.create_task(
        standin.wait_for_bot_message(group, lambda m: "Agenda" in m["text"], after=old.message_id)
    )
    await asyncio.sleep(0)
    await bot.send_message(group.id, "iets anders")
    await bot.send_message(group.id, "Agenda van vandaag")
    message = await asyncio.wait_for(waiting, 2)
    assert message["text"] == "Agenda van vandaag"


async def test_a_wait_that_times_out_explains_what_happened(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat
) -> None:
    await bot.send_message(group.id, "Welkom")
    with pytest.raises(TimeoutError) as raised:
        await standin.wait_for_bot_message(group, lambda m: "Agenda" in m["text"], timeout=0.02)
    explanation = str(raised.value)
    assert "sendMessage: ok" in explanation
    assert "'Welkom'" in explanation


async def test_wait_until_idle_returns_once_updates_are_fetched(
    standin: BotApiStandIn, bot: telegram.Bot, anna: SimUser
) -> None:
    await standin.start_private_chat(anna)
    with pytest.raises(TimeoutError, match=r"idle"):
        await standin.wait_until_idle(timeout=0.05, settle=0.01)
    await bot.get_updates()
    await standin.wait_until_idle(timeout=1, settle=0.01)


async def test_the_bot_can_be_added_again_after_removal(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat, anna: SimUser
) -> None:
    await standin.remove_bot_from_group(group, by=anna)
    await standin.add_bot_to_group(group, by=anna)
    await bot.send_message(group.id, "Terug")
    with pytest.raises(ValueError, match=r"already"):
        await standin.add_bot_to_group(group, by=anna)
