"""sendMessage options, reply markup checks, edits and deletion."""

from __future__ import annotations

import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest

from rondetafel.standin import BotApiStandIn, SimChat, SimUser

from .conftest import FakeClock, call_raw


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d, callback_data=d) for d in data]])


async def test_a_sent_message_looks_like_telegrams(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat
) -> None:
    sent = await bot.send_message(
        group.id, "Hallo", protect_content=True, reply_markup=keyboard("a")
    )
    assert sent.from_user.id == bot.id and sent.from_user.is_bot
    assert sent.chat.id == group.id and sent.chat.type == "group"
    assert sent.has_protected_content
    stored = standin.bot_messages(group)[-1]
    assert isinstance(stored["date"], int)
    assert stored["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "a"


async def test_callback_data_may_be_64_bytes_but_not_65(bot: telegram.Bot, group: SimChat) -> None:
    await bot.send_message(group.id, "ok", reply_markup=keyboard("x" * 64))
    with pytest.raises(BadRequest, match=r"^Button_data_invalid$"):
        await bot.send_message(group.id, "te lang", reply_markup=keyboard("x" * 65))


async def test_callback_data_is_counted_in_utf8_bytes(bot: telegram.Bot, group: SimChat) -> None:
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(group.id, "é", reply_markup=keyboard("é" * 33))  # 66 bytes


async def test_empty_callback_data_is_refused(standin: BotApiStandIn, group: SimChat) -> None:
    markup = {"inline_keyboard": [[{"text": "Leeg", "callback_data": ""}]]}
    status, body = await call_raw(
        standin, "sendMessage", json={"chat_id": group.id, "text": "x", "reply_markup": markup}
    )
    assert (status, body["description"]) == (400, "Bad Request: BUTTON_DATA_INVALID")


async def test_more_than_8_buttons_in_a_row_or_100_in_all_are_too_long(
    bot: telegram.Bot, group: SimChat
) -> None:
    await bot.send_message(group.id, "8", reply_markup=keyboard(*"abcdefgh"))
    with pytest.raises(BadRequest, match=r"(?i)reply markup is too long"):
        await bot.send_message(group.id, "9", reply_markup=keyboard(*"abcdefghi"))
    rows = [[InlineKeyboardButton(f"{r}{c}", callback_data=f"{r}{c}") for c in range(5)]
            for r in range(21)]  # fmt: skip
    with pytest.raises(BadRequest, match=r"(?i)reply markup is too long"):
        await bot.send_message(group.id, "105", reply_markup=InlineKeyboardMarkup(rows))


async def test_a_button_without_an_action_is_refused(
    standin: BotApiStandIn, group: SimChat
) -> None:
    markup = {"inline_keyboard": [[{"text": "Niets"}]]}
    status, body = await call_raw(
        standin, "sendMessage", json={"chat_id": group.id, "text": "x", "reply_markup": markup}
    )
    assert status == 400
    assert "Text buttons are unallowed in the inline keyboard" in body["description"]


async def test_force_reply_is_kept_for_people_but_not_echoed_in_the_result(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat
) -> None:
    markup = telegram.ForceReply(selective=True, input_field_placeholder="Jouw antwoord")
    sent = await bot.send_message(group.id, "@anna_m wat gaat goed?", reply_markup=markup)
    assert sent.reply_markup is None
    stored = standin.bot_messages(group)[-1]["reply_markup"]
    assert stored == {
        "force_reply": True,
        "selective": True,
        "input_field_placeholder": "Jouw antwoord",
    }


async def test_a_placeholder_over_64_characters_is_refused(
    bot: telegram.Bot, group: SimChat
) -> None:
    with pytest.raises(BadRequest, match=r"placeholder"):
        await bot.send_message(
            group.id, "?", reply_markup=telegram.ForceReply(input_field_placeholder="p" * 65)
        )


async def test_a_reply_needs_its_original_unless_told_otherwise(
    bot: telegram.Bot, group: SimChat
) -> None:
    first = await bot.send_message(group.id, "eerste")
    reply = await bot.send_message(group.id, "tweede", reply_to_message_id=first.message_id)
    assert reply.reply_to_message.message_id == first.message_id
    with pytest.raises(BadRequest, match=r"^Message to be replied not found$"):
        await bot.send_message(group.id, "x", reply_parameters=telegram.ReplyParameters(999))
    loose = await bot.send_message(
        group.id,
        "toch",
        reply_parameters=telegram.ReplyParameters(999, allow_sending_without_reply=True),
    )
    assert loose.reply_to_message is None


async def test_a_thread_id_must_name_a_thread(bot: telegram.Bot, group: SimChat) -> None:
    with pytest.raises(BadRequest, match=r"thread not found"):
        await bot.send_message(group.id, "x", message_thread_id=5)


async def test_editing_changes_text_and_entities(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat
) -> None:
    sent = await bot.send_message(group.id, "oud")
    edited = await bot.edit_message_text(
        "<b>nieuw</b>", group.id, sent.message_id, parse_mode="HTML"
    )
    assert edited.text == "nieuw" and edited.edit_date is not None
    assert standin.messages(group)[-1]["entities"] == [{"type": "bold", "offset": 0, "length": 5}]


async def test_an_identical_edit_is_not_modified(bot: telegram.Bot, group: SimChat) -> None:
    sent = await bot.send_message(
        group.id, "<b>Agenda</b>", parse_mode="HTML", reply_markup=keyboard("a")
    )
    with pytest.raises(BadRequest, match=r"^Message is not modified: specified new message"):
        await bot.edit_message_text(
            "<b>Agenda</b>",
            group.id,
            sent.message_id,
            parse_mode="HTML",
            reply_markup=keyboard("a"),
        )
    with pytest.raises(BadRequest, match=r"not modified"):
        await bot.edit_message_reply_markup(group.id, sent.message_id, reply_markup=keyboard("a"))


async def test_same_text_with_other_entities_is_a_real_edit(
    bot: telegram.Bot, group: SimChat
) -> None:
    sent = await bot.send_message(group.id, "<b>Agenda</b>", parse_mode="HTML")
    edited = await bot.edit_message_text(
        "<i>Agenda</i>", group.id, sent.message_id, parse_mode="HTML"
    )
    assert edited.entities[0].type == "italic"


async def test_an_edit_without_reply_markup_removes_the_keyboard(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat
) -> None:
    sent = await bot.send_message(group.id, "Kies", reply_markup=keyboard("a", "b"))
    await bot.edit_message_text("Gekozen: a", group.id, sent.message_id)
    assert "reply_markup" not in standin.messages(group)[-1]


async def test_edit_reply_markup_swaps_or_clears_the_keyboard(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat
) -> None:
    sent = await bot.send_message(group.id, "Kies", reply_markup=keyboard("a"))
    await bot.edit_message_reply_markup(group.id, sent.message_id, reply_markup=keyboard("b"))
    assert standin.messages(group)[-1]["reply_markup"]["inline_keyboard"][0][0]["text"] == "b"
    await bot.edit_message_reply_markup(group.id, sent.message_id)
    assert "reply_markup" not in standin.messages(group)[-1]
    with pytest.raises(BadRequest, match=r"not modified"):
        await bot.edit_message_reply_markup(group.id, sent.message_id)


async def test_edits_of_missing_or_foreign_messages_fail(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat, anna: SimUser
) -> None:
    with pytest.raises(BadRequest, match=r"^Message to edit not found$"):
        await bot.edit_message_text("x", group.id, 999)
    theirs = await standin.send_message(anna, group, "van Anna")
    with pytest.raises(BadRequest, match=r"^Message can't be edited$"):
        await bot.edit_message_text("x", group.id, theirs["message_id"])


async def test_only_an_inline_keyboard_can_be_edited_in(bot: telegram.Bot, group: SimChat) -> None:
    sent = await bot.send_message(group.id, "x")
    with pytest.raises(BadRequest, match=r"(?i)inline keyboard expected"):
        await bot.edit_message_text(
            "y", group.id, sent.message_id, reply_markup=telegram.ForceReply()
        )


async def test_a_caption_edit_needs_a_captionable_message(
    bot: telegram.Bot, group: SimChat
) -> None:
    document = await bot.send_document(group.id, b"pdf", filename="verslag.pdf", caption="v1")
    edited = await bot.edit_message_caption(group.id, document.message_id, caption="v2")
    assert edited.caption == "v2"
    text = await bot.send_message(group.id, "tekst")
    with pytest.raises(BadRequest, match=r"no caption"):
        await bot.edit_message_caption(group.id, text.message_id, caption="x")


async def test_delete_own_messages_but_not_other_peoples_in_a_group(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat, anna: SimUser
) -> None:
    sent = await bot.send_message(group.id, "weg ermee")
    assert await bot.delete_message(group.id, sent.message_id)
    assert all(m["message_id"] != sent.message_id for m in standin.messages(group))
    with pytest.raises(BadRequest, match=r"^Message to delete not found$"):
        await bot.delete_message(group.id, sent.message_id)
    theirs = await standin.send_message(anna, group, "van Anna")
    with pytest.raises(BadRequest, match=r"^Message can't be deleted$"):
        await bot.delete_message(group.id, theirs["message_id"])


async def test_messages_older_than_48_hours_cannot_be_deleted(
    bot: telegram.Bot, group: SimChat, clock: FakeClock
) -> None:
    sent = await bot.send_message(group.id, "oud nieuws")
    clock.advance(48 * 3600 + 1)
    with pytest.raises(BadRequest, match=r"can't be deleted for everyone"):
        await bot.delete_message(group.id, sent.message_id)


async def test_chat_actions_are_checked_and_accepted(bot: telegram.Bot, group: SimChat) -> None:
    assert await bot.send_chat_action(group.id, "typing")
    with pytest.raises(BadRequest, match=r"(?i)wrong parameter action"):
        await bot.send_chat_action(group.id, "dancing")
