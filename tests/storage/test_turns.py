"""Turns on the database: urgent work first, the rest in order, nothing lost on cancel."""

from __future__ import annotations

import asyncio
from functools import partial

import pytest

from rondetafel.storage.db import POSTGRESQL_CONNECTIONS, Database
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.turns import Turns
from rondetafel.storage.unit_of_work import in_transaction


async def _queue_up(turns: Turns, order: list[str], label: str, *, urgent: bool) -> None:
    async with turns.turn(urgent=urgent):
        order.append(label)
        await asyncio.sleep(0)


async def test_urgent_work_goes_before_work_that_was_waiting_longer() -> None:
    turns = Turns(1)
    order: list[str] = []
    async with turns.turn():
        waiting = [
            asyncio.create_task(_queue_up(turns, order, "decision 1", urgent=False)),
            asyncio.create_task(_queue_up(turns, order, "decision 2", urgent=False)),
            asyncio.create_task(_queue_up(turns, order, "parking", urgent=True)),
            asyncio.create_task(_queue_up(turns, order, "decision 3", urgent=False)),
        ]
        await asyncio.sleep(0)
        assert turns.waiting == 4
    await asyncio.gather(*waiting)
    assert order == ["parking", "decision 1", "decision 2", "decision 3"]


async def test_as_many_turns_at_once_as_there_are_connections() -> None:
    turns = Turns(3)
    inside = 0
    most = 0

    async def work() -> None:
        nonlocal inside, most
        async with turns.turn():
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.001)
            inside -= 1

    await asyncio.gather(*(work() for _ in range(10)))
    assert most == 3


async def test_a_cancelled_waiter_neither_keeps_nor_loses_a_turn() -> None:
    turns = Turns(1)
    order: list[str] = []
    async with turns.turn():
        gone = asyncio.create_task(_queue_up(turns, order, "cancelled", urgent=True))
        stays = asyncio.create_task(_queue_up(turns, order, "stays", urgent=False))
        await asyncio.sleep(0)
        gone.cancel()
        await asyncio.sleep(0)
    await asyncio.wait_for(stays, timeout=1)
    with pytest.raises(asyncio.CancelledError):
        await gone
    assert order == ["stays"]
    # The turn came back: the next one takes it without waiting.
    await asyncio.wait_for(_queue_up(turns, order, "after", urgent=False), timeout=1)


async def test_a_waiter_cancelled_as_it_is_given_the_turn_passes_it_on() -> None:
    turns = Turns(1)
    order: list[str] = []
    held = turns.turn()
    await held.__aenter__()
    first = asyncio.create_task(_queue_up(turns, order, "first", urgent=False))
    second = asyncio.create_task(_queue_up(turns, order, "second", urgent=False))
    await asyncio.sleep(0)
    await held.__aexit__(None, None, None)  # hands the turn to `first`...
    first.cancel()  # ...which is cancelled before it runs
    await asyncio.wait_for(second, timeout=1)
    assert order == ["second"]
    with pytest.raises(asyncio.CancelledError):
        await first


async def test_urgent_transactions_take_the_next_connection_before_waiting_ones(
    db: Database,
) -> None:
    """Parking in a backlog (`bot/polling.py`) does not wait behind every decision under way."""
    order: list[str] = []

    async def work(label: str, repositories: Repositories) -> None:
        await repositories.parked_updates.parked()
        order.append(label)

    def queued(label: str, *, urgent: bool) -> asyncio.Task[None]:
        return asyncio.create_task(
            in_transaction(db, partial(work, label), urgent=urgent), name=label
        )

    # Every connection taken, as under load; decisions wait, then a parking comes.
    connections = 1 if db.dialect == "sqlite" else POSTGRESQL_CONNECTIONS
    held = [db.turns.turn() for _ in range(connections)]
    for turn in held:
        await turn.__aenter__()
    decisions = [queued(f"decision {n}", urgent=False) for n in range(1, 4)]
    await asyncio.sleep(0)
    parking = queued("parking", urgent=True)
    await asyncio.sleep(0)
    await held[0].__aexit__(None, None, None)  # one connection comes free
    await asyncio.wait_for(parking, timeout=10)
    assert order[0] == "parking"  # its turn then goes to decision 1, which may be done too
    for turn in held[1:]:
        await turn.__aexit__(None, None, None)
    await asyncio.wait_for(asyncio.gather(*decisions), timeout=10)
    assert sorted(order) == ["decision 1", "decision 2", "decision 3", "parking"]
