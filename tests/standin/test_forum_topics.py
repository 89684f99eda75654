"""Forum supergroups: topics, what lands in which thread, and General."""

from __future__ import annotations

import pytest
import telegram
from telegram.error import BadRequest

from rondetafel.standin import BotApiStandIn, SimChat, SimUser

from .conftest import call_raw

TOPIC_ICON_COLOR = 7322096


@pytest.fixture
async def forum(standin: BotApiStandIn, anna: SimUser, bert: SimUser) -> SimChat:
    """A forum with Anna, Bert and the bot; the joining updates already confirmed."""
    chat = standin.create_group("Team 2b", members=[anna, bert], forum=True)
    await standin.add_bot_to_group(chat, by=anna)
    standin.clear_pending_updates()
    return chat


def received(standin: BotApiStandIn) -> list[dict[str, object]]:
    return [u["message"] for u in standin.pending_updates() if "message" in u]


async def test_a_forum_is_a_supergroup_that_says_it_has_topics(
    standin: BotApiStandIn, bot: telegram.Bot, forum: SimChat
) -> None:
    assert forum.type == "supergroup" and str(forum.id).startswith("-100")
    assert forum.to_api()["is_forum"] is True
    assert (await bot.get_chat(forum.id)).is_forum
    plain = standin.create_group("Gewoon", supergroup=True)
    assert "is_forum" not in plain.to_api()


async def test_opening_a_topic_posts_a_service_message_that_is_itself_in_the_topic(
    standin: BotApiStandIn, forum: SimChat, anna: SimUser
) -> None:
    thread = await standin.create_topic(forum, "Rekenen", by=anna)
    opening = standin.messages(forum)[-1]
    assert opening["message_id"] == thread
    assert opening["message_thread_id"] == thread and opening["is_topic_message"] is True
    assert opening["forum_topic_created"] == {"name": "Rekenen", "icon_color": TOPIC_ICON_COLOR}
    assert opening["from"]["id"] == anna.id
    assert "reply_to_message" not in opening
    assert thread != 1  # on Telegram id 1 stands for the General topic


async def test_the_bot_receives_the_opening_of_a_topic_despite_privacy_mode(
    standin: BotApiStandIn, bot: telegram.Bot, forum: SimChat, anna: SimUser
) -> None:
    thread = await standin.create_topic(forum, "Rekenen", by=anna)
    (update,) = await bot.get_updates()
    assert update.message.forum_topic_created.name == "Rekenen"
    assert update.message.message_thread_id == thread and update.message.is_topic_message


async def test_a_message_in_a_topic_replies_to_the_topics_opening_message(
    standin: BotApiStandIn, forum: SimChat, anna: SimUser
) -> None:
    thread = await standin.create_topic(forum, "Rekenen", by=anna)
    message = await standin.send_message(anna, forum, "Tafels gaan goed", thread_id=thread)
    assert message["message_thread_id"] == thread and message["is_topic_message"] is True
    assert message["reply_to_message"]["message_id"] == thread
    assert message["reply_to_message"]["forum_topic_created"]["name"] == "Rekenen"


async def test_a_reply_to_a_message_in_a_topic_lands_in_that_topic(
    standin: BotApiStandIn, forum: SimChat, anna: SimUser, bert: SimUser
) -> None:
    thread = await standin.create_topic(forum, "Rekenen", by=anna)
    question = await standin.send_message(anna, forum, "Wie helpt?", thread_id=thread)
    answer = await standin.send_message(bert, forum, "Ik", reply_to=question["message_id"])
    assert answer["message_thread_id"] == thread and answer["is_topic_message"] is True
    assert answer["reply_to_message"]["message_id"] == question["message_id"]


async def test_without_a_thread_a_forum_message_goes_to_general(
    standin: BotApiStandIn, forum: SimChat, anna: SimUser
) -> None:
    await standin.create_topic(forum, "Rekenen", by=anna)
    message = await standin.send_message(anna, forum, "Voor iedereen")
    assert not {"message_thread_id", "is_topic_message", "reply_to_message"} & message.keys()
    assert standin.topic_of(message) is None


async def test_a_reply_in_general_joins_a_reply_thread_that_is_no_topic(
    standin: BotApiStandIn, bot: telegram.Bot, forum: SimChat, anna: SimUser, bert: SimUser
) -> None:
    first = await standin.send_message(anna, forum, "Voor iedereen")
    reply = await standin.send_message(bert, forum, "Gezien", reply_to=first["message_id"])
    # Telegram numbers reply threads too, but only a topic can be sent to.
    assert reply["message_thread_id"] == first["message_id"]
    assert "is_topic_message" not in reply and standin.topic_of(reply) is None
    with pytest.raises(BadRequest, match=r"^Message thread not found$"):
        await bot.send_message(forum.id, "x", message_thread_id=first["message_id"])


async def test_people_cannot_write_to_a_topic_that_does_not_exist(
    standin: BotApiStandIn, forum: SimChat, group: SimChat, anna: SimUser
) -> None:
    thread = await standin.create_topic(forum, "Rekenen", by=anna)
    other = await standin.create_topic(forum, "Taal", by=anna)
    elsewhere = await standin.send_message(anna, forum, "Taal?", thread_id=other)
    with pytest.raises(ValueError, match=r"no topic 999"):
        await standin.send_message(anna, forum, "x", thread_id=999)
    with pytest.raises(ValueError, match=r"not in topic"):
        await standin.send_message(anna, forum, "x", elsewhere["message_id"], thread_id=thread)
    with pytest.raises(ValueError, match=r"not a forum"):
        await standin.send_message(anna, group, "x", thread_id=thread)
    with pytest.raises(ValueError, match=r"not a forum"):
        await standin.create_topic(group, "Rekenen", by=anna)
    with pytest.raises(ValueError, match=r"topic name"):
        await standin.create_topic(forum, "", by=anna)


async def test_media_and_documents_can_go_into_a_topic(
    standin: BotApiStandIn, forum: SimChat, anna: SimUser
) -> None:
    thread = await standin.create_topic(forum, "Rekenen", by=anna)
    sent = [
        await standin.send_photo(anna, forum, caption="bord", thread_id=thread),
        await standin.send_sticker(anna, forum, thread_id=thread),
        await standin.send_voice(anna, forum, thread_id=thread),
        await standin.send_document(anna, forum, "plan.pdf", b"%PDF", thread_id=thread),
    ]
    assert [standin.topic_of(message) for message in sent] == [thread] * 4


async def test_an_edited_message_stays_in_its_topic(
    standin: BotApiStandIn, forum: SimChat, anna: SimUser
) -> None:
    thread = await standin.create_topic(forum, "Rekenen", by=anna)
    message = await standin.send_message(anna, forum, "@RondetafelTestBot vraag", thread_id=thread)
    await standin.edit_message(anna, forum, message["message_id"], "@RondetafelTestBot vraag!")
    edited = standin.pending_updates()[-1]["edited_message"]
    assert edited["text"] == "@RondetafelTestBot vraag!"
    assert (edited["message_thread_id"], edited["is_topic_message"]) == (thread, True)
    assert edited["reply_to_message"]["message_id"] == thread


async def test_the_bot_writes_into_a_topic_with_message_thread_id(
    standin: BotApiStandIn, bot: telegram.Bot, forum: SimChat, anna: SimUser
) -> None:
    thread = await standin.create_topic(forum, "Rekenen", by=anna)
    sent = await bot.send_message(forum.id, "Agenda", message_thread_id=thread)
    assert (sent.message_thread_id, sent.is_topic_message) == (thread, True)
    assert sent.reply_to_message.forum_topic_created.name == "Rekenen"
    document = await bot.send_document(
        forum.id, b"verslag", filename="verslag.txt", message_thread_id=thread
    )
    assert document.is_topic_message and document.message_thread_id == thread
    general = await bot.send_message(forum.id, "Voor iedereen")
    assert general.message_thread_id is None and not general.is_topic_message


async def test_the_bot_cannot_write_to_a_thread_that_is_not_a_topic(
    standin: BotApiStandIn, bot: telegram.Bot, forum: SimChat, anna: SimUser
) -> None:
    chatter = await standin.send_message(anna, forum, "Voor iedereen")
    for thread in (999, chatter["message_id"]):
        with pytest.raises(BadRequest, match=r"^Message thread not found$"):
            await bot.send_message(forum.id, "x", message_thread_id=thread)
    with pytest.raises(BadRequest, match=r"^Message thread not found$"):
        await bot.send_document(forum.id, b"x", filename="x.txt", message_thread_id=999)
    status, body = await call_raw(
        standin, "sendMessage", json={"chat_id": forum.id, "text": "x", "message_thread_id": 1}
    )
    assert (status, body["description"]) == (400, "Bad Request: message thread not found")


async def test_a_bot_reply_to_a_message_in_a_topic_lands_in_that_topic(
    standin: BotApiStandIn, bot: telegram.Bot, forum: SimChat, anna: SimUser
) -> None:
    thread = await standin.create_topic(forum, "Rekenen", by=anna)
    other = await standin.create_topic(forum, "Taal", by=anna)
    question = await standin.send_message(anna, forum, "Wie helpt?", thread_id=thread)
    answer = await bot.send_message(forum.id, "Ik", reply_to_message_id=question["message_id"])
    assert (answer.message_thread_id, answer.is_topic_message) == (thread, True)
    assert answer.reply_to_message.message_id == question["message_id"]
    # Telegram documents allow_sending_without_reply as always false across topics.
    with pytest.raises(BadRequest, match=r"^Message to be replied not found$"):
        await bot.send_message(
            forum.id,
            "x",
            message_thread_id=other,
            reply_parameters=telegram.ReplyParameters(
                question["message_id"], allow_sending_without_reply=True
            ),
        )


async def test_python_telegram_bots_reply_text_answers_in_the_same_topic(
    standin: BotApiStandIn, bot: telegram.Bot, forum: SimChat, anna: SimUser
) -> None:
    thread = await standin.create_topic(forum, "Rekenen", by=anna)
    await standin.send_message(anna, forum, "/agenda@RondetafelTestBot", thread_id=thread)
    _, command = await bot.get_updates()
    answer = await command.message.reply_text("Hier is de agenda", do_quote=False)
    assert answer.message_thread_id == thread and answer.is_topic_message


async def test_privacy_mode_treats_a_topic_like_any_other_part_of_the_group(
    standin: BotApiStandIn, forum: SimChat, anna: SimUser
) -> None:
    thread = await standin.create_topic(forum, "Rekenen", by=anna)
    standin.clear_pending_updates()
    # Every message in the topic replies to Anna's opening message, not to the bot.
    await standin.send_message(anna, forum, "gewoon gepraat", thread_id=thread)
    await standin.send_message(anna, forum, "/agenda@RondetafelTestBot", thread_id=thread)
    (command,) = received(standin)
    assert command["text"] == "/agenda@RondetafelTestBot"
    assert command["message_thread_id"] == thread


async def test_messages_can_be_read_back_per_topic(
    standin: BotApiStandIn, bot: telegram.Bot, forum: SimChat, anna: SimUser
) -> None:
    rekenen = await standin.create_topic(forum, "Rekenen", by=anna)
    taal = await standin.create_topic(forum, "Taal", by=anna)
    await bot.send_message(forum.id, "Over rekenen", message_thread_id=rekenen)
    await bot.send_message(forum.id, "Over taal", message_thread_id=taal)
    await bot.send_message(forum.id, "Voor iedereen")
    texts = [m["text"] for m in standin.bot_messages(forum, thread_id=taal)]
    assert texts == ["Over taal"]
    assert [standin.topic_of(m) for m in standin.bot_messages(forum)] == [rekenen, taal, None]
    assert len(standin.messages(forum, thread_id=rekenen)) == 2  # the opening and the bot's
