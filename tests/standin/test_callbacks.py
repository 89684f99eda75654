"""Inline button presses and answerCallbackQuery's answer window."""

from __future__ import annotations

import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest

from rondetafel.standin import BotApiStandIn, SimChat, SimUser

from .conftest import FakeClock

TOO_OLD = "^Query is too old and response timeout expired or query id is invalid$"


async def ask(bot: telegram.Bot, group: SimChat, *data: str) -> telegram.Message:
    buttons = [InlineKeyboardButton(d, callback_data=d) for d in data]
    return await bot.send_message(group.id, "Kies", reply_markup=InlineKeyboardMarkup([buttons]))


async def test_a_press_becomes_a_callback_query_with_the_current_message(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat, anna: SimUser
) -> None:
    question = await ask(bot, group, "ja", "nee")
    query_id = await standin.press_button(anna, group, question.message_id, "nee")
    (update,) = await bot.get_updates()
    query = update.callback_query
    assert (query.id, query.data, query.from_user.id) == (query_id, "nee", anna.id)
    assert query.message.message_id == question.message_id
    assert query.message.reply_markup == question.reply_markup


async def test_only_buttons_on_the_current_keyboard_can_be_pressed(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat, anna: SimUser
) -> None:
    question = await ask(bot, group, "ja")
    with pytest.raises(ValueError, match=r"no button with callback_data 'nee'"):
        await standin.press_button(anna, group, question.message_id, "nee")
    await bot.edit_message_reply_markup(group.id, question.message_id)
    with pytest.raises(ValueError):
        await standin.press_button(anna, group, question.message_id, "ja")


async def test_a_prompt_answer_is_recorded(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat, anna: SimUser
) -> None:
    question = await ask(bot, group, "ja")
    query_id = await standin.press_button(anna, group, question.message_id, "ja")
    assert standin.callback_answer(query_id) is None
    assert await bot.answer_callback_query(query_id, text="Genoteerd", show_alert=True)
    answer = standin.callback_answer(query_id)
    assert answer is not None
    assert (answer["text"], answer["show_alert"]) == ("Genoteerd", True)


async def test_an_answer_after_the_window_is_too_old(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat, anna: SimUser, clock: FakeClock
) -> None:
    question = await ask(bot, group, "ja")
    query_id = await standin.press_button(anna, group, question.message_id, "ja")
    clock.advance(15.5)
    with pytest.raises(BadRequest, match=TOO_OLD):
        await bot.answer_callback_query(query_id)


async def test_a_second_answer_or_an_unknown_id_is_refused(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat, anna: SimUser
) -> None:
    question = await ask(bot, group, "ja")
    query_id = await standin.press_button(anna, group, question.message_id, "ja")
    await bot.answer_callback_query(query_id)
    with pytest.raises(BadRequest, match=TOO_OLD):
        await bot.answer_callback_query(query_id)
    with pytest.raises(BadRequest, match=TOO_OLD):
        await bot.answer_callback_query("123456789")


async def test_the_window_is_configurable(clock: FakeClock) -> None:
    from .conftest import make_bot

    async with BotApiStandIn(clock=clock, callback_answer_timeout=60) as standin:
        anna = standin.add_user("Anna")
        group = standin.create_group("G", members=[anna])
        await standin.add_bot_to_group(group, by=anna)
        async with make_bot(standin) as bot:
            question = await ask(bot, group, "ja")
            query_id = await standin.press_button(anna, group, question.message_id, "ja")
            clock.advance(59)
            assert await bot.answer_callback_query(query_id)


async def test_answer_text_over_200_characters_is_refused(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat, anna: SimUser
) -> None:
    question = await ask(bot, group, "ja")
    query_id = await standin.press_button(anna, group, question.message_id, "ja")
    with pytest.raises(BadRequest, match=r"(?i)message_too_long"):
        await bot.answer_callback_query(query_id, text="x" * 201)
