"""Telegram in a storm of 429s, 5xx and dropped connections, for a whole meeting.

`rondetafel run` in its own process against the stand-in, which fails every
second call of each method the bot uses (getUpdates and answerCallbackQuery
too) in bursts, for as long as the meeting lasts. The process must live
through it, the meeting must end with exactly one summary and one report, no
message may arrive twice, and each retry must keep to what the sender
promises: 429's retry_after, and a backoff after a server error.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from pathlib import Path

import pytest

from rondetafel.autopilot import Autopilot
from rondetafel.bot.handlers import OOPS
from rondetafel.bot.polling import FAILED_POLL_FIRST
from rondetafel.bot.sender import BACKOFF_FIRST
from rondetafel.bot.texts import texts
from rondetafel.demo import World
from rondetafel.standin import BotApiStandIn
from rondetafel.standin.state import ApiCall

from .test_meetings import begin
from .test_restart import bot_process

pytestmark = pytest.mark.e2e
NL = texts("nl")
RETRY_AFTER = 1  # Telegram's retry_after is whole seconds
GROUP_CALLS = ("sendMessage", "editMessageText", "editMessageReplyMarkup", "sendDocument")
# Per method, one burst: a fault, a call let through, the next fault…
FAULTS = ("429", "500", "502", "drop")
STORM: dict[str, tuple[str, ...]] = {
    "getUpdates": ("502", "429", "drop", "500"),
    "sendMessage": FAULTS,
    "editMessageText": ("500", "429", "drop"),
    "editMessageReplyMarkup": ("502", "429"),
    "sendDocument": ("500", "drop", "429"),
    "answerCallbackQuery": ("500", "429", "drop"),
}
# A new burst for a method once its last one is spent, at most this often.
BURST_EVERY = 3.0
# Calls answered at almost the same moment may be recorded in either order.
SLACK = 0.05


def inject_burst(standin: BotApiStandIn, method: str, faults: tuple[str, ...]) -> None:
    for fault in faults:
        if fault == "429":
            standin.inject_error(
                method,
                429,
                f"Too Many Requests: retry after {RETRY_AFTER}",
                {"retry_after": RETRY_AFTER},
            )
        elif fault == "drop":
            standin.inject_timeout(method, hold=0.05)  # closed without an answer
        else:
            standin.inject_error(method, int(fault), "Internal Server Error")
        standin.inject_ok(method)


async def storm(standin: BotApiStandIn) -> None:
    """Bursts of faults on every method, until cancelled."""
    while True:
        for method, faults in STORM.items():
            if not standin.world.injected_errors.get(method):
                inject_burst(standin, method, faults)
        await asyncio.sleep(BURST_EVERY)


def chat_of(call: ApiCall) -> str | None:
    chat = call.params.get("chat_id")
    return None if chat is None else str(chat)


def code_of(call: ApiCall) -> int | None:
    if call.ok or call.lost is not None:
        return None
    return int(call.result_or_error.get("error_code", 0))


def too_early(calls: list[ApiCall]) -> list[str]:
    """Calls that came before the wait the failure in front of them asked for."""
    found = []
    for i, failed in enumerate(calls):
        code = code_of(failed)
        if code is None and failed.lost is None:
            continue
        # After a 429: retry_after; after a server error or a drop: the sender's backoff.
        wait = RETRY_AFTER if code == 429 else BACKOFF_FIRST
        if failed.method == "getUpdates":
            same = [c for c in calls[i + 1 :] if c.method == "getUpdates"]
            wait = RETRY_AFTER if code == 429 else FAILED_POLL_FIRST  # the poller's own backoff
        elif failed.method in GROUP_CALLS:
            same = [c for c in calls[i + 1 :] if chat_of(c) == chat_of(failed)]
        else:
            continue  # a button's answer is not retried: it would come too late
        if same and same[0].at < failed.at + wait - SLACK:
            found.append(
                f"{same[0].method} {same[0].at - failed.at:.2f}s after {failed.method} {code}"
            )
    return found


async def test_a_whole_meeting_in_a_storm_of_429_5xx_and_dropped_connections(
    world: World, tmp_path: Path
) -> None:
    database, log = tmp_path / "storm.db", tmp_path / "bot.log"
    standin = world.standin
    pilot = Autopilot(standin, world.group, world.phones, timeout=40)

    async with bot_process(world, database, log) as bot:
        await begin(world, "nl")
        weather = asyncio.create_task(storm(standin))
        try:
            await pilot.run()
        finally:
            weather.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await weather
        await asyncio.sleep(0.5)  # anything still owed would come now
        assert bot.returncode is None, log.read_text()  # it lived through the storm

    said = [m.get("text", "") for m in standin.bot_messages(world.group) if m.get("text")]
    assert sum(1 for text in said if text.startswith("Samenvatting")) == 1
    assert len(standin.documents(world.group)) == 1
    assert [text for text, n in Counter(said).items() if n > 1] == []  # nothing twice
    assert NL(OOPS) not in said

    calls = list(standin.world.calls)
    faults = Counter(code_of(c) or c.lost for c in calls if not c.ok)
    assert faults[429] and faults[500] and faults[502] and faults["dropped"]  # it stormed
    stormed = {c.method for c in calls if not c.ok}
    assert {"getUpdates", "sendMessage", "answerCallbackQuery"} <= stormed
    assert too_early(calls) == []
    assert "Traceback" not in log.read_text()
