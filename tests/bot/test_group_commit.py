"""Group commit: the sender's workers record their rows and read their next ones together."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from sqlalchemy import event

from rondetafel.bot.group_commit import GroupCommit
from rondetafel.bot.operations import Send
from rondetafel.bot.outgoing import rows_for
from rondetafel.storage.db import Database
from rondetafel.storage.outbox import Pending
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction

from .test_sender import Wire, make_wire

Work = Callable[[Repositories], Awaitable[dict[int, Pending]]]
CHATS = [-4800000100 - n for n in range(10)]


@pytest.fixture
async def wire(db: Database) -> AsyncIterator[Wire]:
    async for made in make_wire(db):
        yield made


def count_commits(db: Database) -> list[int]:
    commits = [0]

    def committed(connection: object) -> None:
        commits[0] += 1

    event.listen(db.engine.sync_engine, "commit", committed)
    return commits


async def test_rows_of_many_chats_delivered_together_are_recorded_in_few_transactions(
    wire: Wire, db: Database
) -> None:
    for chat in CHATS:
        await wire.owe(Send("Welkom"), Send("Wie is de leerling?"), chat=chat)
    commits = count_commits(db)

    await wire.sender.drain()

    assert all(wire.sent_to(chat) == ["Welkom", "Wie is de leerling?"] for chat in CHATS)
    assert set(await wire.statuses()) == {"done"}
    # One transaction per row and per look (40 and more) before group commit.
    assert commits[0] <= 8, commits


async def test_a_change_the_database_refuses_fails_only_its_own_chat(db: Database) -> None:
    async def run(work: Work) -> dict[int, Pending]:
        return await in_transaction(db, work)

    group = GroupCommit(run)
    rows = [
        row
        for chat in CHATS[:2]
        for row in rows_for(
            [Send("Welkom")], chat_id=chat, thread_id=None, meeting_id=None, reply_to=None
        )
    ]
    await in_transaction(db, lambda repos: repos.outbox.add(rows, dt.datetime.now(dt.UTC)))

    async def refused(repos: Repositories) -> None:
        raise ValueError("refused")

    bad, good = await asyncio.gather(
        group.settle(CHATS[0], refused), group.settle(CHATS[1], None), return_exceptions=True
    )

    assert isinstance(bad, ValueError)
    assert not isinstance(good, BaseException) and good is not None
    assert good.chat_id == CHATS[1]
