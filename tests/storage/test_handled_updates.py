"""Handled updates: recorded once per update, looked up, forgotten after two days."""

from __future__ import annotations

import datetime as dt

from rondetafel.storage.db import Database
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction

NOW = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)


async def test_an_update_recorded_twice_is_one_record(db: Database) -> None:
    async def record(repos: Repositories) -> None:
        await repos.handled_updates.record(7_000_000_001, NOW)
        await repos.handled_updates.record(7_000_000_001, NOW)  # a second step of one update

    await in_transaction(db, record)
    await in_transaction(db, record)  # and in a later transaction

    async def read(repos: Repositories) -> tuple[bool, bool, int | None]:
        handled = repos.handled_updates
        return (
            await handled.handled(7_000_000_001),
            await handled.handled(5),
            await handled.newest(),
        )

    assert await in_transaction(db, read) == (True, False, 7_000_000_001)


async def test_old_records_are_forgotten(db: Database) -> None:
    async def record(repos: Repositories) -> None:
        await repos.handled_updates.record(1, NOW - dt.timedelta(days=3))
        await repos.handled_updates.record(2, NOW)

    await in_transaction(db, record)
    forgotten = await in_transaction(
        db, lambda repos: repos.handled_updates.forget_before(NOW - dt.timedelta(days=2))
    )
    assert forgotten == 1
    assert await in_transaction(db, lambda repos: repos.handled_updates.newest()) == 2
    assert not await in_transaction(db, lambda repos: repos.handled_updates.handled(1))
