"""Anonymous group admins: messages on behalf of the group, from GroupAnonymousBot."""

from __future__ import annotations

import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from rondetafel.standin import BotApiStandIn, SimChat, SimUser

GROUP_ANONYMOUS_BOT = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}


@pytest.fixture
async def board(standin: BotApiStandIn, anna: SimUser, bert: SimUser) -> SimChat:
    """A supergroup created by Anna with Bert as admin and the bot as a plain member."""
    cees = standin.add_user("Cees")
    chat = standin.create_group(
        "Bestuur", members=[anna, bert, cees], supergroup=True, admins=[bert]
    )
    await standin.add_bot_to_group(chat, by=anna)
    standin.clear_pending_updates()
    return chat


def received_texts(standin: BotApiStandIn) -> list[str]:
    return [u["message"].get("text", "") for u in standin.pending_updates() if "message" in u]


async def test_an_anonymous_admin_posts_as_the_group(
    standin: BotApiStandIn, board: SimChat, bert: SimUser
) -> None:
    message = await standin.send_message(bert, board, "Namens het bestuur", anonymous=True)
    assert message["from"] == GROUP_ANONYMOUS_BOT
    assert message["sender_chat"] == board.to_api()
    assert "Bert" not in str(message)


async def test_privacy_mode_delivers_an_anonymous_admins_commands_and_replies_only(
    standin: BotApiStandIn, bot: telegram.Bot, board: SimChat, bert: SimUser
) -> None:
    question = await bot.send_message(board.id, "Wie zit voor?")
    await standin.send_message(bert, board, "gewoon gepraat", anonymous=True)
    await standin.send_message(bert, board, "/agenda@RondetafelTestBot", anonymous=True)
    await standin.send_message(bert, board, "Ik", question.message_id, anonymous=True)
    assert received_texts(standin) == ["/agenda@RondetafelTestBot", "Ik"]
    command, reply = await bot.get_updates()
    assert command.message.sender_chat.id == board.id
    assert command.message.from_user.id == GROUP_ANONYMOUS_BOT["id"]
    assert reply.message.reply_to_message.message_id == question.message_id


async def test_the_creator_counts_as_an_admin_and_other_members_do_not(
    standin: BotApiStandIn, board: SimChat, anna: SimUser
) -> None:
    await standin.send_message(anna, board, "Van de voorzitter", anonymous=True)
    cees = next(member for member in board.members if member.first_name == "Cees")
    with pytest.raises(ValueError, match=r"Cees is not an admin"):
        await standin.send_message(cees, board, "Ik ook", anonymous=True)
    with pytest.raises(ValueError, match=r"Cees is not an admin"):
        await standin.send_photo(cees, board, anonymous=True)


async def test_only_a_supergroup_has_anonymous_admins(
    standin: BotApiStandIn, anna: SimUser
) -> None:
    # Telegram upgrades a basic group as soon as an admin turns anonymity on.
    basic = standin.create_group("Klein", members=[anna])
    with pytest.raises(ValueError, match=r"supergroup"):
        await standin.send_message(anna, basic, "hoi", anonymous=True)
    await standin.start_private_chat(anna)
    with pytest.raises(ValueError, match=r"supergroup"):
        await standin.send_message(anna, standin.private_chat(anna), "hoi", anonymous=True)


async def test_a_button_pressed_by_an_anonymous_admin_shows_the_real_person(
    standin: BotApiStandIn, bot: telegram.Bot, board: SimChat, bert: SimUser
) -> None:
    await standin.send_message(bert, board, "/stemmen@RondetafelTestBot", anonymous=True)
    keyboard = InlineKeyboardMarkup.from_button(InlineKeyboardButton("Ja", callback_data="ja"))
    question = await bot.send_message(board.id, "Akkoord?", reply_markup=keyboard)
    await standin.press_button(bert, board, question.message_id, "ja")
    command, press = await bot.get_updates()
    assert command.message.from_user.username == "GroupAnonymousBot"
    assert press.callback_query.from_user.id == bert.id


async def test_an_anonymous_admin_can_edit_their_message_and_it_stays_anonymous(
    standin: BotApiStandIn, board: SimChat, anna: SimUser, bert: SimUser
) -> None:
    message = await standin.send_message(bert, board, "@RondetafelTestBot vraag", anonymous=True)
    with pytest.raises(ValueError, match=r"no text message"):
        await standin.edit_message(anna, board, message["message_id"], "van Anna")
    edited = await standin.edit_message(bert, board, message["message_id"], "@RondetafelTestBot!")
    assert edited["from"] == GROUP_ANONYMOUS_BOT and edited["sender_chat"]["id"] == board.id
    assert standin.pending_updates()[-1]["edited_message"]["text"] == "@RondetafelTestBot!"


async def test_an_anonymous_admin_can_write_in_a_forum_topic(
    standin: BotApiStandIn, anna: SimUser
) -> None:
    forum = standin.create_group("Team", members=[anna], forum=True)
    thread = await standin.create_topic(forum, "Planning", by=anna)
    message = await standin.send_message(anna, forum, "Ik plan", thread_id=thread, anonymous=True)
    assert message["from"] == GROUP_ANONYMOUS_BOT
    assert standin.topic_of(message) == thread
