"""The Telegram shell: real Updates through the real Application, calls recorded."""

from __future__ import annotations

import asyncio
import html
from pathlib import Path
from typing import Any

import pytest

from rondetafel.bot import polling
from rondetafel.bot.app import build_application, start_services, stop_services
from rondetafel.bot.chat_order import PerChatOrder
from rondetafel.bot.context import SERVICES
from rondetafel.bot.handlers import OOPS
from rondetafel.bot.polling import ConfirmingUpdater
from rondetafel.bot.texts import texts
from rondetafel.flows.events import Button
from rondetafel.settings import Settings
from rondetafel.storage.db import Database
from tests.conftest import TEST_KEYRING
from tests.support.recording import RecordingRequest
from tests.support.updates import private_message

from .conftest import ANNA, FATMA, MO, STRANGER, Harness


async def test_overleg_asks_the_chair_for_the_pupil_in_a_selective_force_reply(
    harness: Harness,
) -> None:
    await harness.send(harness.group.command(ANNA, "/overleg"))
    question = harness.last_question()
    assert question.markup["force_reply"] is True and question.markup["selective"] is True
    assert 'href="tg://user?id=11"' in question.text
    assert "initialen of de schuilnaam" in question.text
    assert question.params["parse_mode"] == "HTML"
    assert question.params["protect_content"] is True


async def test_the_meeting_message_offers_the_four_kinds_roles_and_start(harness: Harness) -> None:
    await harness.send(harness.group.command(ANNA, "/overleg"))
    await harness.answer(ANNA, "S.B.")
    call = harness.messages()[-1]
    labels = [b["text"] for b in call.buttons()]
    assert labels[:4] == [
        "✓ leerlingbespreking",
        "multidisciplinair overleg (MDO)",
        "cirkelgesprek",
        "startgesprek",
    ]
    assert "▶️ Overleg starten (voorzitter)" in labels


async def test_slash_meeting_runs_the_meeting_in_english(harness: Harness) -> None:
    await harness.send(harness.group.command(ANNA, "/meeting"))
    assert "what are the pupil's initials" in harness.last_question().text
    await harness.answer(ANNA, "S.B.")
    assert "✓ pupil meeting" in [b["text"] for b in harness.messages()[-1].buttons()]


async def test_the_chair_picks_another_kind_on_the_meeting_message(harness: Harness) -> None:
    await harness.setup_meeting()
    await harness.press(ANNA, Button.KIND, "mdo")
    edit = harness.request.sent("editMessageText")[-1]
    assert "Multidisciplinair overleg (MDO) over S.B." in edit.text
    assert "✓ multidisciplinair overleg (MDO)" in [b["text"] for b in edit.buttons()]


async def test_a_full_name_for_the_pupil_is_refused_and_asked_again(harness: Harness) -> None:
    await harness.send(harness.group.command(ANNA, "/overleg"))
    await harness.answer(ANNA, "Sam de Vries")
    notice, again = harness.messages()[-2:]
    assert "volledige naam" in notice.text
    assert notice.params["reply_parameters"]["message_id"]
    assert again.markup.get("force_reply")


async def test_html_typed_by_people_is_escaped_in_what_the_bot_posts(harness: Harness) -> None:
    await harness.setup_meeting(pupil="<b>S</b>&<i>")
    await harness.press(ANNA, Button.START)
    meeting = harness.request.sent("editMessageText")[-1]
    assert "&lt;b&gt;S&lt;/b&gt;&amp;&lt;i&gt;" in meeting.text


async def test_the_join_message_shows_who_takes_part_with_roles(harness: Harness) -> None:
    await harness.setup_meeting()
    await harness.press(ANNA, Button.START)
    join = harness.request.sent("editMessageText")[-1]
    assert "Anna — voorzitter" in join.text
    assert "Mo — mentor / leerkracht" in join.text
    assert "Fatma — ouder" in join.text


async def test_a_sticker_as_an_answer_is_met_with_a_request_for_text(harness: Harness) -> None:
    await harness.setup_meeting()
    await harness.press(ANNA, Button.START)
    await harness.send(harness.group.sticker_reply(FATMA, harness.last_question().message_id))
    assert "alleen tekst" in harness.last_text()


async def test_meeting_while_one_runs_says_so(harness: Harness) -> None:
    await harness.setup_meeting()
    await harness.send(harness.group.command(MO, "/overleg"))
    assert "loopt hier al een overleg" in harness.last_text()


async def test_stop_is_for_the_chair_and_asks_for_confirmation(harness: Harness) -> None:
    await harness.setup_meeting()
    await harness.send(harness.group.command(MO, "/stop"))
    assert "Alleen de voorzitter (Anna)" in harness.last_text()
    await harness.send(harness.group.command(ANNA, "/stop"))
    await harness.press(ANNA, Button.STOP_YES)
    assert "gestopt" in harness.last_text()
    await harness.send(harness.group.command(ANNA, "/stop"))
    assert "Er loopt hier geen overleg" in harness.last_text()


async def test_a_button_from_an_unknown_version_is_answered_as_no_longer_current(
    harness: Harness,
) -> None:
    await harness.send(harness.group.press(ANNA, "0|garbage", 1))
    answer = harness.request.sent("answerCallbackQuery")[-1]
    assert "niet meer" in answer.params["text"]


async def test_a_button_of_a_stopped_meeting_is_stale_and_loses_its_keyboard(
    harness: Harness,
) -> None:
    await harness.setup_meeting()
    start_data, start_message = harness.button(Button.START)
    await harness.send(harness.group.command(ANNA, "/stop"))
    await harness.press(ANNA, Button.STOP_YES)
    await harness.send(harness.group.press(ANNA, start_data, start_message))
    assert "niet meer" in harness.request.sent("answerCallbackQuery")[-1].params["text"]


async def test_every_button_press_is_answered(harness: Harness) -> None:
    await harness.setup_meeting()
    await harness.press(ANNA, Button.START)
    presses = [c for c in harness.request.calls if c.method == "answerCallbackQuery"]
    assert len(presses) == 3  # two joins, start


async def test_the_chats_next_press_does_not_wait_for_the_last_ones_answer(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # At a meeting's start three people press JOIN and the chair START at once:
    # each press used to hold its chat's turn until Telegram confirmed its
    # answer, so under load START's answer came after a second and more.
    await harness.send(harness.group.command(ANNA, "/overleg"))
    await harness.answer(ANNA, "S.B.")
    answers_held = asyncio.Event()
    real = harness.request.do_request

    async def held(url: str, method: str, request_data: Any = None, **kw: Any) -> Any:
        if url.endswith("/answerCallbackQuery"):
            await answers_held.wait()
        return await real(url, method, request_data, **kw)

    monkeypatch.setattr(harness.request, "do_request", held)
    for user, role in ((MO, "mentor"), (FATMA, "parent")):
        data, message_id = harness.button(Button.JOIN, role)
        async with asyncio.timeout(5):  # the answer is held: only the decision is awaited
            await harness.app.process_update(harness.group.press(user, data, message_id))
    answers_held.set()
    await harness.app.bot_data[SERVICES].sender.drain()

    answered = [c for c in harness.request.calls if c.method == "answerCallbackQuery"]
    assert len(answered) == 2
    join = harness.request.sent("editMessageText")[-1]
    assert "Mo — mentor / leerkracht" in join.text and "Fatma — ouder" in join.text


async def test_a_non_participant_reply_gets_one_hint_only(harness: Harness) -> None:
    await harness.setup_meeting()
    await harness.press(ANNA, Button.START)
    question = harness.last_question().message_id
    await harness.send(harness.group.reply(STRANGER, "ik ook", question))
    hints = len(harness.messages())
    await harness.send(harness.group.reply(STRANGER, "hallo?", question))
    assert "doet nog niet mee" in harness.messages()[hints - 1].text
    assert len(harness.messages()) == hints


async def test_an_unknown_command_gets_a_short_help(harness: Harness) -> None:
    await harness.send(harness.group.command(ANNA, "/foo"))
    assert "ken ik niet" in harness.last_text()


async def test_a_command_for_another_bot_is_ignored(harness: Harness) -> None:
    await harness.send(harness.group.command(ANNA, "/foo@OtherBot"))
    assert harness.messages() == []


async def test_privacy_answers_with_the_policy(harness: Harness) -> None:
    await harness.send(private_message(harness.app.bot, ANNA, "/privacy"))
    assert "Je gegevens" in harness.last_text()


async def test_a_private_message_points_to_group_chats(harness: Harness) -> None:
    await harness.send(private_message(harness.app.bot, ANNA, "hallo"))
    assert "groepsgesprekken" in harness.last_text()


async def test_being_added_to_a_group_posts_a_welcome(harness: Harness) -> None:
    await harness.send(harness.group.bot_added(ANNA))
    assert "/meeting" in harness.last_text() or "/overleg" in harness.last_text()


async def test_the_command_menu_is_registered_in_dutch_and_english(harness: Harness) -> None:
    menus = harness.request.sent("setMyCommands")
    codes = {c.params.get("language_code") for c in menus}
    assert {"nl", "en", None} <= codes
    english = [
        c
        for c in menus
        if c.params.get("language_code") == "en" and c.params["scope"]["type"] == "all_group_chats"
    ]
    assert english[0].params["commands"][0]["command"] == "meeting"


async def test_every_command_in_a_menu_is_one_the_bot_answers(harness: Harness) -> None:
    from telegram.ext import CommandHandler

    handled = {
        command
        for handlers in harness.app.handlers.values()
        for handler in handlers
        if isinstance(handler, CommandHandler)
        for command in handler.commands
    }
    menus = harness.request.sent("setMyCommands")
    shown = {entry["command"] for call in menus for entry in call.params["commands"]}
    assert shown and shown <= handled


async def stored_points(harness: Harness, phase: str) -> list[str]:
    from rondetafel.storage.repositories import Repositories
    from rondetafel.storage.unit_of_work import in_transaction

    async def load(repos: Repositories) -> list[str]:
        loaded = await repos.meetings.active_in_chat(harness.group.id)
        assert loaded is not None
        return [c.text for c in loaded.state.points(phase)]

    return await in_transaction(harness.db, load)


async def test_an_edited_answer_replaces_what_was_stored(harness: Harness) -> None:
    await harness.setup_meeting()
    await harness.press(ANNA, Button.START)
    answer_id = await harness.answer(FATMA, "Hij leest graag")

    await harness.send(
        harness.group.edit(FATMA, answer_id, "Hij leest elke avond\nHij helpt zijn zusje")
    )

    assert await stored_points(harness, "meeting_goals") == [
        "Hij leest elke avond",
        "Hij helpt zijn zusje",
    ]


async def test_a_very_long_answer_keeps_the_turn_open_for_the_rest(harness: Harness) -> None:
    await harness.setup_meeting()
    await harness.press(ANNA, Button.START)

    await harness.answer(FATMA, "woord " * 700)

    question = harness.messages()[-1]
    assert question.text.startswith("<b>Fase 1/8 · Vragen voor dit overleg</b>")
    assert "Telegram" in question.text and "tg://user?id=13" in question.text


async def test_a_reply_out_of_turn_is_kept_as_a_side_note_for_the_chair(harness: Harness) -> None:
    await harness.setup_meeting()
    await harness.press(ANNA, Button.START)

    await harness.answer(MO, "Ik wil ook iets zeggen")
    note = harness.messages()[-1]
    assert "Mo" in note.text and "Ik wil ook iets zeggen" in note.text
    await harness.press(ANNA, Button.ACCEPT_NOTE)

    assert "Ik wil ook iets zeggen" in await stored_points(harness, "meeting_goals")


async def test_an_unreadable_button_is_answered_in_the_chats_language(harness: Harness) -> None:
    await harness.send(harness.group.command(ANNA, "/meeting"))

    await harness.send(harness.group.press(ANNA, "0|from-an-older-bot", 1))

    assert harness.request.sent("answerCallbackQuery")[-1].params["text"] == (
        "This button is no longer current."
    )


async def test_when_the_database_fails_the_person_still_gets_an_apology(harness: Harness) -> None:
    from sqlalchemy import text

    async with harness.db.connection() as connection, connection.begin():
        await connection.execute(text("DROP TABLE chats"))  # now every chat lookup fails

    await harness.send(harness.group.command(ANNA, "/overleg"))

    assert harness.last_text() == html.escape(texts("nl")(OOPS))  # in the default language


async def test_a_parents_app_shows_the_private_menu_in_their_language(harness: Harness) -> None:
    from rondetafel.bot.texts import texts

    for language in ("ar", "tr", "pl", "uk"):
        [menu] = [
            c.params
            for c in harness.request.sent("setMyCommands")
            if c.params.get("language_code") == language
        ]
        assert menu["scope"]["type"] == "all_private_chats"
        stop = next(e for e in menu["commands"] if e["command"] == "stop")
        assert stop["description"] == texts(language)("Stop sharing from home (parents)")
        assert stop["description"] != "Stop sharing from home (parents)"


async def test_menus_that_telegram_refuses_do_not_stop_the_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    )
    db = Database(settings.database_url, keyring=TEST_KEYRING)
    request = RecordingRequest()
    request.fail_next("setMyCommands", 500, "Internal Server Error")
    app = build_application(settings, db, token="7000:TEST", request=request, rate_limiter=False)
    await app.initialize()
    try:
        await start_services(app)  # does not wait for the menus, nor fail with them
        menus = app.bot_data[SERVICES].menus
        assert menus is not None
        await menus
        assert "could not set the command menus" in caplog.text
        # The others were set all the same.
        assert len(request.sent("setMyCommands")) == 10
    finally:
        await stop_services(app)
        await app.shutdown()
        await db.dispose()


async def test_every_press_the_bot_takes_in_is_promised_an_answer_in_time(tmp_path: Path) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    )
    db = Database(settings.database_url, keyring=TEST_KEYRING)
    app = build_application(settings, db, token="7000:TEST", request=RecordingRequest())
    try:
        processor = app.update_processor
        assert isinstance(processor, PerChatOrder)
        assert processor.on_press == app.bot_data[SERVICES].sender.expect_answer
    finally:
        await db.dispose()


async def answers_to(harness: Harness, press: Any) -> list[Any]:
    """Hand `press` to the updater as a getUpdates answer; the answers it got."""
    updater = harness.app.updater
    assert isinstance(updater, ConfirmingUpdater)
    updater._dispatch([press])
    await asyncio.gather(*updater._handling)
    await harness.app.bot_data[SERVICES].sender.drain()
    return [
        c
        for c in harness.request.calls
        if c.method == "answerCallbackQuery"
        and c.params["callback_query_id"] == press.callback_query.id
    ]


async def test_a_press_fetched_with_a_backlog_is_answered_at_once_without_its_toast(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A full answer of getUpdates says updates queued at Telegram meanwhile: a
    # press among them may have spent most of its second there already.
    await harness.setup_meeting()
    data, message_id = harness.button(Button.START)
    monkeypatch.setattr(polling, "PARK_AT", 1)

    [answer] = await answers_to(harness, harness.group.press(STRANGER, data, message_id))

    assert "text" not in answer.params


async def test_a_press_fetched_alone_gets_its_decisions_toast(harness: Harness) -> None:
    await harness.setup_meeting()
    data, message_id = harness.button(Button.START)

    [answer] = await answers_to(harness, harness.group.press(STRANGER, data, message_id))

    assert answer.params["text"]  # why nothing happened: not theirs to press
