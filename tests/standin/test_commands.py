"""setMyCommands and friends: one list per scope and language."""

from __future__ import annotations

import pytest
import telegram
from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeChat
from telegram.error import BadRequest

from rondetafel.standin import BotApiStandIn, SimChat


async def test_commands_are_kept_per_scope_and_language(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat
) -> None:
    await bot.set_my_commands([BotCommand("start", "Begin")])
    await bot.set_my_commands([BotCommand("start", "Beginnen")], language_code="nl")
    await bot.set_my_commands(
        [BotCommand("meeting", "Start een overleg")], scope=BotCommandScopeAllGroupChats()
    )
    await bot.set_my_commands(
        [BotCommand("stop", "Stop het overleg")], scope=BotCommandScopeChat(group.id)
    )
    assert standin.commands() == [{"command": "start", "description": "Begin"}]
    assert standin.commands(language_code="nl")[0]["description"] == "Beginnen"
    assert standin.commands({"type": "all_group_chats"})[0]["command"] == "meeting"
    assert standin.commands({"type": "chat", "chat_id": group.id})[0]["command"] == "stop"
    assert standin.commands(language_code="en") == []  # no fallback: exactly that list
    fetched = await bot.get_my_commands(language_code="nl")
    assert fetched == (BotCommand("start", "Beginnen"),)


async def test_deleting_commands_removes_only_that_list(
    standin: BotApiStandIn, bot: telegram.Bot
) -> None:
    await bot.set_my_commands([BotCommand("start", "Begin")])
    await bot.set_my_commands([BotCommand("start", "Beginnen")], language_code="nl")
    await bot.delete_my_commands(language_code="nl")
    assert standin.commands(language_code="nl") == []
    assert await bot.get_my_commands() == (BotCommand("start", "Begin"),)


@pytest.mark.parametrize(
    ("command", "description", "error"),
    [
        ("Start", "Begin", "(?i)bot_command_invalid"),
        ("a" * 33, "Begin", "(?i)bot_command_invalid"),
        ("start", "", "(?i)bot_command_description_invalid"),
    ],
)
async def test_invalid_commands_are_refused(
    bot: telegram.Bot, command: str, description: str, error: str
) -> None:
    with pytest.raises(BadRequest, match=error):
        await bot.set_my_commands([BotCommand(command, description)])


async def test_a_chat_scope_needs_a_known_chat(bot: telegram.Bot) -> None:
    with pytest.raises(BadRequest, match=r"^Chat not found$"):
        await bot.set_my_commands([BotCommand("a", "b")], scope=BotCommandScopeChat(-777))


async def test_name_and_descriptions_are_stored_per_language(bot: telegram.Bot) -> None:
    await bot.set_my_description("Ik help bij zorgoverleg", language_code="nl")
    await bot.set_my_short_description("Zorgoverleg")
    assert (await bot.get_my_description("nl")).description == "Ik help bij zorgoverleg"
    assert (await bot.get_my_short_description("en")).short_description == "Zorgoverleg"
    assert (await bot.get_my_name()).name == "Rondetafel"
