"""Kill the running bot in the middle of a meeting, start it again: nothing is lost."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from rondetafel.autopilot import Autopilot
from rondetafel.demo import DEMO_TOKEN, World
from rondetafel.flows.script import Role
from tests.conftest import TEST_KEY

from .test_meetings import begin, summary_of

pytestmark = pytest.mark.e2e


@asynccontextmanager
async def bot_process(
    world: World, database: Path, log: Path
) -> AsyncIterator[asyncio.subprocess.Process]:
    """`rondetafel run` in its own process, pointed at the stand-in."""
    env = {
        **os.environ,
        "BOT_TOKEN": DEMO_TOKEN,
        # The same key for both runs: the second reads what the first stored.
        "ENCRYPTION_KEY": TEST_KEY,
        "TELEGRAM_API_URL": world.standin.base_url,
        "TELEGRAM_FILE_URL": world.standin.base_file_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "GROUP_MESSAGES_PER_MINUTE": "6000",
        "CHAT_MESSAGES_PER_SECOND": "30",
    }
    with log.open("ab") as out:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "rondetafel.cli", "run", env=env, stdout=out, stderr=out
        )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGKILL)
            await process.wait()


async def test_killing_the_bot_after_phase_3_continues_the_meeting_with_no_answer_lost(
    world: World, tmp_path: Path
) -> None:
    database, log = tmp_path / "restart.db", tmp_path / "bot.log"
    pilot = Autopilot(world.standin, world.group, world.phones, timeout=20)
    fatma = world.phones[Role.PARENT]

    def fatmas_turn_in_phase_3(message: dict[str, object]) -> bool:
        return pilot.turn(message) == ("still_hard", Role.PARENT)

    async with bot_process(world, database, log) as first:
        await begin(world, "nl")
        handled = await pilot.run(stop=fatmas_turn_in_phase_3)
        question = await fatma.question()  # her question has arrived: now kill the bot hard
        first.send_signal(signal.SIGKILL)
        await first.wait()

    # While the bot is down, Fatma answers; Telegram keeps the update for the bot.
    await fatma.send(
        "De ochtenden: hij slaapt slecht\nHuiswerk na het eten", reply_to=question["message_id"]
    )
    pilot.answered.add(("still_hard", Role.PARENT))

    async with bot_process(world, database, log):
        await pilot.run(after=handled)

    summary = summary_of(world)
    still_hard = summary.split("3. Wat is nog moeilijk", 1)[1].split("\n\n", 1)[0]
    # Typed while the bot was dead, and taken as her turn's answer (not a side note).
    assert "Fatma: De ochtenden: hij slaapt slecht; Huiswerk na het eten" in still_hard
    assert "Gym en tekenen" in summary  # said before the kill
    assert "8. Tops & tips" in summary  # and the meeting went on to the end
    # The queued answer was read first: her question was not asked a second time,
    # and nothing of her answer became a side note.
    texts = [m.get("text", "") for m in world.standin.bot_messages(world.group)]
    assert texts.count(question["text"]) == 1
    assert not any("tussendoor" in text for text in texts if "ochtenden" in text)
