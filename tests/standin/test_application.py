"""A real python-telegram-bot Application, long polling the stand-in over HTTP."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes
from telegram.request import HTTPXRequest

from rondetafel.standin import BotApiStandIn, SimChat, SimUser

from .conftest import _SHARED_SSL


async def meeting(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_chat is not None
    keyboard = InlineKeyboardMarkup.from_button(InlineKeyboardButton("Ja", callback_data="ja"))
    await update.effective_chat.send_message("Overleg gestart. Klaar?", reply_markup=keyboard)


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer("Genoteerd")
    await update.callback_query.edit_message_text("Iedereen is klaar")


async def test_the_real_bot_runs_a_command_and_a_button_against_the_stand_in(
    standin: BotApiStandIn, group: SimChat, anna: SimUser
) -> None:
    application = (
        Application.builder()
        .token(standin.token)
        .base_url(standin.base_url)
        .base_file_url(standin.base_file_url)
        .request(HTTPXRequest(httpx_kwargs={"verify": _SHARED_SSL}))
        .get_updates_request(HTTPXRequest(httpx_kwargs={"verify": _SHARED_SSL}))
        .build()
    )
    application.add_handler(CommandHandler("meeting", meeting))
    application.add_handler(CallbackQueryHandler(pressed))
    async with application:
        assert application.updater is not None
        await application.updater.start_polling(timeout=1)
        await application.start()
        try:
            await standin.send_message(anna, group, "/meeting@RondetafelTestBot")
            question = await standin.wait_for_bot_message(group, lambda m: "Klaar?" in m["text"])
            query_id = await standin.press_button(anna, group, question["message_id"], "ja")
            await standin.wait_for_bot_message(group, lambda m: m["text"] == "Iedereen is klaar")
            assert standin.callback_answer(query_id) == {
                "text": "Genoteerd",
                "show_alert": False,
                "url": None,
                "cache_time": 0,
            }
            await standin.wait_until_idle(timeout=2, settle=0.02)
        finally:
            await application.updater.stop()
            await application.stop()
    assert not [call for call in standin.calls if not call.ok]
