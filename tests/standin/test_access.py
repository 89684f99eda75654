"""Who the bot may write to: 403s, unknown chats, and the supergroup upgrade."""

from __future__ import annotations

import pytest
import telegram
from telegram.error import BadRequest, ChatMigrated, Forbidden

from rondetafel.standin import BotApiStandIn, SimChat, SimUser

from .conftest import call_raw, retry_seconds


async def test_the_bot_cannot_write_first_to_a_person(
    standin: BotApiStandIn, bot: telegram.Bot, anna: SimUser
) -> None:
    with pytest.raises(Forbidden, match=r"bot can't initiate conversation with a user"):
        await bot.send_message(anna.id, "Hallo")
    await standin.start_private_chat(anna)
    sent = await bot.send_message(anna.id, "Hallo")
    assert sent.chat.type == "private" and sent.chat.first_name == "Anna"


async def test_a_person_who_blocked_the_bot_is_unreachable_until_they_restart(
    standin: BotApiStandIn, bot: telegram.Bot, anna: SimUser
) -> None:
    await standin.start_private_chat(anna)
    anna.block_bot()
    with pytest.raises(Forbidden, match=r"bot was blocked by the user"):
        await bot.send_message(anna.id, "Hallo?")
    await standin.start_private_chat(anna)
    await bot.send_message(anna.id, "Welkom terug")


async def test_a_removed_bot_is_kicked_from_the_group(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat, anna: SimUser
) -> None:
    sent = await bot.send_message(group.id, "nog even")
    await standin.remove_bot_from_group(group, by=anna)
    with pytest.raises(Forbidden, match=r"^Forbidden: bot was kicked from the group chat$"):
        await bot.send_message(group.id, "hallo?")
    with pytest.raises(Forbidden, match=r"kicked"):
        await bot.edit_message_text("x", group.id, sent.message_id)


async def test_a_supergroup_names_itself_in_the_403(
    standin: BotApiStandIn, bot: telegram.Bot, anna: SimUser
) -> None:
    group = standin.create_group("Groot", members=[anna], supergroup=True)
    await standin.add_bot_to_group(group, by=anna)
    await standin.remove_bot_from_group(group, by=anna)
    with pytest.raises(Forbidden, match=r"bot was kicked from the supergroup chat"):
        await bot.send_message(group.id, "hallo?")


async def test_after_leaving_the_bot_is_not_a_member(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat
) -> None:
    assert await bot.leave_chat(group.id)
    with pytest.raises(Forbidden, match=r"bot is not a member of the group chat"):
        await bot.send_message(group.id, "hallo?")


async def test_unknown_chats_and_groups_without_the_bot_are_not_found(
    standin: BotApiStandIn, bot: telegram.Bot, anna: SimUser
) -> None:
    elsewhere = standin.create_group("Zonder bot", members=[anna])
    for chat_id in (-4242, elsewhere.id):
        with pytest.raises(BadRequest, match=r"^Chat not found$"):
            await bot.send_message(chat_id, "hallo?")
    status, body = await call_raw(standin, "sendMessage", json={"chat_id": "@nergens", "text": "x"})
    assert (status, body["description"]) == (400, "Bad Request: chat not found")


async def test_an_upgraded_group_answers_with_its_new_id(
    standin: BotApiStandIn, group: SimChat, anna: SimUser
) -> None:
    supergroup = await standin.upgrade_to_supergroup(group, by=anna)
    status, body = await call_raw(standin, "sendMessage", json={"chat_id": group.id, "text": "x"})
    assert status == 400
    assert body == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: group chat was upgraded to a supergroup chat",
        "parameters": {"migrate_to_chat_id": supergroup.id},
    }
    assert supergroup.type == "supergroup" and str(supergroup.id).startswith("-100")


async def test_the_upgrade_is_announced_in_both_chats(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat, anna: SimUser
) -> None:
    supergroup = await standin.upgrade_to_supergroup(group, by=anna)
    old, new = await bot.get_updates()
    assert (old.message.chat.id, old.message.migrate_to_chat_id) == (group.id, supergroup.id)
    assert (new.message.chat.id, new.message.migrate_from_chat_id) == (supergroup.id, group.id)
    sent = await bot.send_message(supergroup.id, "Verder hier")
    assert sent.message_id == 2  # a supergroup counts its messages afresh
    info = await bot.get_chat(supergroup.id)
    assert info.type == "supergroup"


# PTB 22 warns, when RetryAfter is built, that retry_after will become a timedelta.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_python_telegram_bot_raises_its_own_exception_types(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat, anna: SimUser
) -> None:
    with pytest.raises(BadRequest):
        await bot.send_message(group.id, "<b>", parse_mode="HTML")
    with pytest.raises(Forbidden):
        await bot.send_message(anna.id, "hallo")
    standin.inject_error(
        "sendMessage", 429, "Too Many Requests: retry after 7", parameters={"retry_after": 7}
    )
    with pytest.raises(telegram.error.RetryAfter) as retry:
        await bot.send_message(group.id, "x")
    assert retry_seconds(retry.value) == 7
    supergroup = await standin.upgrade_to_supergroup(group, by=anna)
    with pytest.raises(ChatMigrated) as migrated:
        await bot.send_message(group.id, "x")
    assert migrated.value.new_chat_id == supergroup.id


async def test_members_and_administrators_can_be_read(
    standin: BotApiStandIn, bot: telegram.Bot, anna: SimUser, bert: SimUser
) -> None:
    group = standin.create_group("Team", members=[anna, bert], admins=[bert])
    await standin.add_bot_to_group(group, by=anna)
    assert (await bot.get_chat_member(group.id, anna.id)).status == "creator"
    assert (await bot.get_chat_member(group.id, bert.id)).status == "administrator"
    assert (await bot.get_chat_member(group.id, bot.id)).status == "member"
    admins = await bot.get_chat_administrators(group.id)
    assert {a.user.id for a in admins} == {anna.id, bert.id}
    assert await bot.get_chat_member_count(group.id) == 3


@pytest.mark.parametrize("supergroup", [False, True], ids=["group", "supergroup"])
async def test_a_removed_bot_is_refused_until_it_is_added_back(
    standin: BotApiStandIn, bot: telegram.Bot, anna: SimUser, supergroup: bool
) -> None:
    group = standin.create_group("Heen en weer", members=[anna], supergroup=supergroup)
    await standin.add_bot_to_group(group, by=anna)
    await standin.remove_bot_from_group(group, by=anna)
    with pytest.raises(Forbidden, match=rf"^Forbidden: bot was kicked from the {group.type} chat$"):
        await bot.send_message(group.id, "hallo?")
    await standin.add_bot_to_group(group, by=anna)
    assert (await bot.send_message(group.id, "Terug")).chat.id == group.id
    changes = [u.my_chat_member for u in await bot.get_updates() if u.my_chat_member]
    # A supergroup keeps a ban list; a basic group just forgets a removed member.
    away = "kicked" if supergroup else "left"
    assert [(c.old_chat_member.status, c.new_chat_member.status) for c in changes] == [
        ("left", "member"),
        ("member", away),
        (away, "member"),
    ]


async def test_a_bot_that_left_is_not_a_member_until_it_is_added_back(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat, anna: SimUser
) -> None:
    assert await bot.leave_chat(group.id)
    with pytest.raises(Forbidden, match=r"^Forbidden: bot is not a member of the group chat$"):
        await bot.send_message(group.id, "hallo?")
    await standin.add_bot_to_group(group, by=anna)
    await bot.send_message(group.id, "Terug")
