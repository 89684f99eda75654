"""An update Telegram hands out again after a restart is handled once, not twice.

Long polling confirms updates only in order (bot/polling.py), so after a
restart Telegram may repeat updates that were already handled. Their ids are
stored with their effect; a fresh process (memory empty) asks the database.
"""

from __future__ import annotations

from telegram import Update

from rondetafel.bot.context import SERVICES, Services
from rondetafel.bot.seen_updates import SeenUpdates
from rondetafel.flows.events import Button
from rondetafel.storage.unit_of_work import in_transaction
from tests.support.updates import private_message

from .conftest import ANNA, MO, Harness


async def restart_memory(harness: Harness) -> None:
    """What a restarted process knows: nothing in memory, the newest recorded id."""
    services: Services = harness.app.bot_data[SERVICES]
    services.seen = SeenUpdates()
    services.seen.recorded_before_start = await services.decider.newest_handled()


async def handled(harness: Harness, update: Update) -> bool:
    return await in_transaction(
        harness.db, lambda repos: repos.handled_updates.handled(update.update_id)
    )


async def test_a_reply_repeated_after_a_restart_is_not_stored_again(harness: Harness) -> None:
    await harness.setup_meeting()
    await harness.press(ANNA, Button.START)
    question = harness.last_question()
    reply = harness.group.reply(MO, "Hij leest graag", question.message_id)
    await harness.send(reply)
    assert await handled(harness, reply)
    calls = len(harness.request.calls)

    await restart_memory(harness)
    await harness.send(reply)

    assert len(harness.request.calls) == calls  # nothing said, nothing asked again


async def test_an_update_not_handled_before_the_restart_is_handled_after_it(
    harness: Harness,
) -> None:
    await harness.setup_meeting()
    await restart_memory(harness)
    help_command = private_message(harness.app.bot, MO, "/help")
    await harness.send(help_command)
    assert await handled(harness, help_command)
    assert "/overleg" in harness.last_text()


async def test_a_repeated_command_in_a_new_process_gets_one_answer(harness: Harness) -> None:
    start = harness.group.command(ANNA, "/overleg")
    await harness.send(start)
    asked = len(harness.request.messages())
    await restart_memory(harness)
    await harness.send(start)
    assert len(harness.request.messages()) == asked
