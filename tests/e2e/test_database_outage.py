"""The database away for a while in the middle of a meeting: nothing is lost, nothing doubled.

The real bot in long polling against the stand-in, on a real PostgreSQL
database. The database is taken away the way an outage looks to the bot
(every connection cut, no new one accepted) without stopping the server,
which other tests use: `pg_terminate_backend` and `ALLOW_CONNECTIONS false`.
While it is away people go on answering; Telegram (the stand-in) must still
hold those updates, because none may be confirmed before it is stored.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import asyncpg
import pytest
from sqlalchemy import make_url

from rondetafel.autopilot import Autopilot
from rondetafel.bot.handlers import OOPS
from rondetafel.bot.texts import texts
from rondetafel.demo import World, demo_settings, start_bot
from rondetafel.flows.script import Role

from ..conftest import POSTGRES_URL, _asyncpg_dsn
from .test_meetings import begin, summary_of

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]
Message = dict[str, Any]
NL = texts("nl")
ANSWER = "De ochtenden: hij slaapt slecht\nHuiswerk na het eten"
STORED = "Fatma: De ochtenden: hij slaapt slecht; Huiswerk na het eten"
# Long enough for the bot to fetch the answer and fail on it several times.
OUTAGE = 2.0


@asynccontextmanager
async def database_away(database_url: str) -> AsyncIterator[None]:
    """No connection to the bot's database, until the block ends."""
    name = make_url(database_url).database
    admin = await asyncpg.connect(_asyncpg_dsn(make_url(POSTGRES_URL)))
    try:
        # `name` is the fixture's own database, made by tests/conftest.py, not input.
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name
        )
        try:
            yield
        finally:
            await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    finally:
        await admin.close()


def update_of(world: World, message: Message) -> int:
    """The update id the stand-in holds for a message someone sent."""
    [update_id] = [
        u["update_id"]
        for u in world.standin.world.updates.snapshot()
        if (u.get("message") or {}).get("message_id") == message["message_id"]
        and (u.get("message") or {}).get("chat", {}).get("id") == message["chat"]["id"]
    ]
    return int(update_id)


def still_held(world: World, update_id: int) -> bool:
    """Telegram still holds the update: no getUpdates call confirmed it."""
    return any(u["update_id"] == update_id for u in world.standin.world.updates.snapshot())


def offsets_seen(world: World, since: int) -> list[int]:
    return [
        int(c.params.get("offset") or 0)
        for c in world.standin.world.calls[since:]
        if c.method == "getUpdates"
    ]


def handed_out(world: World, update_id: int) -> bool:
    return any(
        u.update_id == update_id and u.handed_out for u in world.standin.world.updates.peek(100)
    )


async def to_fatmas_question_in_phase_3(world: World, pilot: Autopilot) -> tuple[int, Message]:
    await begin(world, "nl")
    handled = await pilot.run(stop=lambda m: pilot.turn(m) == ("still_hard", Role.PARENT))
    return handled, await world.phones[Role.PARENT].question()


def assert_answer_kept_once(world: World, question: Message) -> None:
    summary = summary_of(world)
    still_hard = summary.split("3. Wat is nog moeilijk", 1)[1].split("\n\n", 1)[0]
    assert still_hard.count(STORED) == 1  # her turn's answer, stored once
    assert summary.count("ochtenden") == 1
    assert "8. Tops & tips" in summary  # and the meeting went on to the end
    said = [m.get("text", "") for m in world.standin.bot_messages(world.group)]
    assert said.count(question["text"]) == 1  # her question was not asked again
    assert not any("tussendoor" in text for text in said if "ochtenden" in text)
    assert NL(OOPS) not in said  # nobody was asked to type it again
    assert sum(1 for text in said if text.startswith("Samenvatting")) == 1
    assert len(world.standin.documents(world.group)) == 1


async def test_answers_given_while_the_database_is_away_are_kept_once_when_it_is_back(
    world: World, stack: AsyncExitStack, _empty_postgres: str
) -> None:
    await start_bot(stack, demo_settings(world.standin, _empty_postgres))
    pilot = Autopilot(world.standin, world.group, world.phones, timeout=30)
    handled, question = await to_fatmas_question_in_phase_3(world, pilot)
    fatma, ilse = world.phones[Role.PARENT], world.phones[Role.CHAIR]
    calls_before = len(world.standin.world.calls)

    async with database_away(_empty_postgres):
        answer = await fatma.send(ANSWER, reply_to=question["message_id"])
        pilot.answered.add(("still_hard", Role.PARENT))
        # Another chat's update waits too, and is not confirmed either.
        hello = await world.standin.start_private_chat(ilse.user)
        answer_id, hello_id = update_of(world, answer), update_of(world, hello)
        await world.standin.wait_for(lambda: handed_out(world, hello_id), timeout=10)
        await asyncio.sleep(OUTAGE)  # the bot tries, and tries again

        # Fetched, failed on, and still held by Telegram: never confirmed.
        assert still_held(world, answer_id) and still_held(world, hello_id)
        assert max(offsets_seen(world, calls_before)) <= answer_id
        assert world.standin.bot_messages(world.standin.private_chat(ilse.user)) == []

    await pilot.run(after=handled)

    assert_answer_kept_once(world, question)
    private = world.standin.bot_messages(world.standin.private_chat(ilse.user))
    assert len(private) == 1  # /start answered once, after the database came back
    assert not still_held(world, answer_id)


async def test_a_restart_while_the_database_is_away_gets_the_unstored_answers_again(
    world: World, _empty_postgres: str
) -> None:
    pilot = Autopilot(world.standin, world.group, world.phones, timeout=30)
    settings = demo_settings(world.standin, _empty_postgres)
    first = AsyncExitStack()
    await start_bot(first, settings)
    handled, question = await to_fatmas_question_in_phase_3(world, pilot)
    fatma = world.phones[Role.PARENT]

    async with database_away(_empty_postgres):
        answer = await fatma.send(ANSWER, reply_to=question["message_id"])
        pilot.answered.add(("still_hard", Role.PARENT))
        answer_id = update_of(world, answer)
        await world.standin.wait_for(lambda: handed_out(world, answer_id), timeout=10)
        await asyncio.sleep(OUTAGE / 2)
        await first.aclose()  # the bot stops while the answer is not stored
        assert still_held(world, answer_id)

    async with AsyncExitStack() as second:
        await start_bot(second, settings)
        await pilot.run(after=handled)

    assert_answer_kept_once(world, question)
