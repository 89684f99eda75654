"""Privacy mode: which group messages reach the bot, and membership updates."""

from __future__ import annotations

import telegram

from rondetafel.standin import BotApiStandIn, SimChat, SimUser


def received_texts(standin: BotApiStandIn) -> list[str]:
    return [u["message"].get("text", "") for u in standin.pending_updates() if "message" in u]


def update_kinds(standin: BotApiStandIn) -> list[str]:
    return [next(key for key in u if key != "update_id") for u in standin.pending_updates()]


async def test_plain_chatter_in_a_group_stays_hidden(
    standin: BotApiStandIn, group: SimChat, anna: SimUser
) -> None:
    message = await standin.send_message(anna, group, "Goedemorgen allemaal")
    assert received_texts(standin) == []
    assert standin.messages(group)[-1] == message  # people still see it


async def test_a_command_addressed_to_the_bot_arrives_with_a_bot_command_entity(
    standin: BotApiStandIn, group: SimChat, anna: SimUser
) -> None:
    await standin.send_message(anna, group, "/meeting@RondetafelTestBot 2b")
    await standin.send_message(anna, group, "/meeting@SomeOtherBot")
    (update,) = standin.pending_updates()
    assert update["message"]["text"] == "/meeting@RondetafelTestBot 2b"
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 26}]


async def test_a_bare_command_arrives_only_while_this_bot_spoke_last(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat, anna: SimUser
) -> None:
    await standin.send_message(anna, group, "/meeting")  # no bot has spoken yet
    await bot.send_message(group.id, "Welkom")
    await standin.send_message(anna, group, "/agenda")
    await standin.sim_other_bot_posts(group)
    await standin.send_message(anna, group, "/stop")
    assert received_texts(standin) == ["/agenda"]


async def test_a_reply_to_the_bot_arrives_but_a_reply_to_a_person_does_not(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat, anna: SimUser, bert: SimUser
) -> None:
    question = await bot.send_message(
        group.id, "Wat gaat goed?", reply_markup=telegram.ForceReply(selective=True)
    )
    answer = await standin.send_message(anna, group, "Lezen", reply_to=question.message_id)
    await standin.send_message(bert, group, "Eens", reply_to=answer["message_id"])
    assert received_texts(standin) == ["Lezen"]
    update = standin.pending_updates()[0]["message"]
    assert update["reply_to_message"]["message_id"] == question.message_id


async def test_a_mention_of_the_bot_arrives_in_any_letter_case(
    standin: BotApiStandIn, group: SimChat, anna: SimUser
) -> None:
    await standin.send_message(anna, group, "vraag voor @rondetafeltestbot")
    await standin.send_message(anna, group, "vraag voor @anna_m")
    assert received_texts(standin) == ["vraag voor @rondetafeltestbot"]


async def test_service_messages_always_arrive(
    standin: BotApiStandIn, group: SimChat, anna: SimUser
) -> None:
    newcomer = standin.add_user("Cees")
    await standin.add_member(group, newcomer, by=anna)
    await standin.rename_group(group, "Zorgoverleg 3b", by=anna)
    await standin.remove_member(group, newcomer, by=anna)
    updates = [u["message"] for u in standin.pending_updates()]
    assert updates[0]["new_chat_members"][0]["first_name"] == "Cees"
    assert updates[1]["new_chat_title"] == "Zorgoverleg 3b"
    assert updates[2]["left_chat_member"]["first_name"] == "Cees"


async def test_media_reach_the_bot_only_on_the_same_terms(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat, anna: SimUser
) -> None:
    question = await bot.send_message(group.id, "Foto?")
    await standin.send_photo(anna, group, caption="zomaar")
    await standin.send_sticker(anna, group)
    await standin.send_voice(anna, group, reply_to=question.message_id)
    (update,) = standin.pending_updates()
    assert "voice" in update["message"]


async def test_without_privacy_mode_every_message_arrives(clock: object) -> None:
    async with BotApiStandIn(privacy_mode=False) as standin:
        anna = standin.add_user("Anna")
        group = standin.create_group("Open groep", members=[anna])
        await standin.add_bot_to_group(group, by=anna)
        await standin.send_message(anna, group, "gewoon gepraat")
        assert received_texts(standin)[-1] == "gewoon gepraat"


async def test_an_administrator_bot_receives_everything(
    standin: BotApiStandIn, anna: SimUser
) -> None:
    group = standin.create_group("Bestuur", members=[anna])
    await standin.add_bot_to_group(group, by=anna, as_admin=True)
    await standin.send_message(anna, group, "gewoon gepraat")
    assert received_texts(standin)[-1] == "gewoon gepraat"


async def test_everything_in_a_private_chat_arrives(standin: BotApiStandIn, anna: SimUser) -> None:
    await standin.start_private_chat(anna, payload="ouder-7Hq")
    await standin.send_message(anna, standin.private_chat(anna), "hallo")
    assert received_texts(standin) == ["/start ouder-7Hq", "hallo"]


async def test_an_edit_arrives_only_if_the_original_did(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat, anna: SimUser
) -> None:
    hidden = await standin.send_message(anna, group, "typo")
    await standin.edit_message(anna, group, hidden["message_id"], "@RondetafelTestBot typo")
    seen = await standin.send_message(anna, group, "@RondetafelTestBot vraag")
    await standin.edit_message(anna, group, seen["message_id"], "@RondetafelTestBot vraag!")
    assert update_kinds(standin) == ["message", "edited_message"]
    edited = standin.pending_updates()[1]["edited_message"]
    assert edited["text"] == "@RondetafelTestBot vraag!"
    assert "edit_date" in edited


async def test_adding_the_bot_gives_my_chat_member_then_the_service_message(
    standin: BotApiStandIn, bot: telegram.Bot, anna: SimUser
) -> None:
    group = standin.create_group("Nieuw", members=[anna])
    await standin.add_bot_to_group(group, by=anna)
    membership, joined = await bot.get_updates()
    change = membership.my_chat_member
    assert (change.old_chat_member.status, change.new_chat_member.status) == ("left", "member")
    assert change.from_user.id == anna.id
    assert joined.message.new_chat_members[0].id == bot.id


async def test_removing_the_bot_gives_my_chat_member_and_nothing_more(
    standin: BotApiStandIn, bot: telegram.Bot, group: SimChat, anna: SimUser
) -> None:
    await standin.remove_bot_from_group(group, by=anna)
    await standin.send_message(anna, group, "/meeting@RondetafelTestBot")
    (update,) = await bot.get_updates()
    change = update.my_chat_member
    assert (change.old_chat_member.status, change.new_chat_member.status) == ("member", "left")


async def test_blocking_and_unblocking_the_bot_are_my_chat_member_updates(
    standin: BotApiStandIn, bot: telegram.Bot, anna: SimUser
) -> None:
    await standin.start_private_chat(anna)
    anna.block_bot()
    anna.unblock_bot()
    _, blocked, unblocked = await bot.get_updates()
    assert blocked.my_chat_member.new_chat_member.status == "kicked"
    assert blocked.my_chat_member.chat.type == "private"
    assert unblocked.my_chat_member.new_chat_member.status == "member"
