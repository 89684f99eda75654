"""Decoded meeting states reused across updates: only ever the committed version."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from rondetafel.flows.events import Replied
from rondetafel.flows.transition import transition
from rondetafel.storage import meetings as meetings_module
from rondetafel.storage.db import Database
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.state_cache import Entry, StateCache
from rondetafel.storage.unit_of_work import in_transaction

from .states import GROUP, NOW, PARENT, finished, running


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How often a stored state was decoded (by meeting id)."""
    seen: list[int] = []
    decode = meetings_module.decode_state

    def counting(data: Any) -> Any:
        state = decode(data)
        seen.append(state.meeting_id)
        return state

    monkeypatch.setattr(meetings_module, "decode_state", counting)
    yield seen


async def test_a_meeting_this_process_saved_is_loaded_without_decoding_it(
    db: Database, decodes: list[int]
) -> None:
    created = await in_transaction(db, lambda repos: repos.meetings.create(GROUP, running, NOW))

    loaded = await in_transaction(db, lambda repos: repos.meetings.active_in_chat(GROUP))
    again = await in_transaction(db, lambda repos: repos.meetings.get(created.id))

    assert loaded == again == created
    assert decodes == []


async def test_a_save_that_was_rolled_back_is_never_reused(
    db: Database, other_worker: Database, decodes: list[int]
) -> None:
    created = await in_transaction(db, lambda repos: repos.meetings.create(GROUP, running, NOW))
    answered = transition(created.state, Replied(PARENT, "Rolled back", 5), NOW).state

    async def save_then_fail(repos: Repositories) -> None:
        await repos.meetings.save(created, answered, NOW)
        raise RuntimeError("the handler broke after saving")

    with pytest.raises(RuntimeError):
        await in_transaction(db, save_then_fail)
    # Another worker saves a different state as that same next version.
    kept = transition(created.state, Replied(PARENT, "Kept", 6), NOW).state
    await in_transaction(other_worker, lambda repos: repos.meetings.save(created, kept, NOW))

    loaded = await in_transaction(db, lambda repos: repos.meetings.get(created.id))

    assert loaded is not None and loaded.version == created.version + 1
    assert loaded.state == kept
    assert decodes == [created.id]  # read from the row: the cache held no such version


async def test_a_save_by_another_worker_is_read_from_the_database(
    db: Database, other_worker: Database, decodes: list[int]
) -> None:
    created = await in_transaction(db, lambda repos: repos.meetings.create(GROUP, running, NOW))
    newer = transition(created.state, Replied(PARENT, "Elsewhere", 7), NOW).state
    await in_transaction(other_worker, lambda repos: repos.meetings.save(created, newer, NOW))

    loaded = await in_transaction(db, lambda repos: repos.meetings.active_in_chat(GROUP))

    assert loaded is not None and loaded.state == newer


async def test_erasing_a_case_leaves_no_state_in_memory(db: Database) -> None:
    saved = await in_transaction(db, lambda repos: repos.meetings.create(GROUP, finished, NOW))
    assert saved.case_id is not None and len(db.states) == 1
    case_id = saved.case_id

    await in_transaction(db, lambda repos: repos.erasure.erase(case_id, "test", NOW))

    assert len(db.states) == 0


def test_an_entry_answers_only_for_its_meeting_version_and_creation() -> None:
    cache = StateCache(size=2)
    state = running(1)
    created = NOW.astimezone(dt.UTC)
    cache.add([Entry(1, 3, created, state)])

    assert cache.get(1, 3, created) is state
    assert cache.get(1, 4, created) is None  # saved since
    assert cache.get(1, 3, created + dt.timedelta(seconds=1)) is None  # the id given again
    cache.add([Entry(1, 2, created, running(1))])  # an older version committed later
    assert cache.get(1, 3, created) is state
    cache.add([Entry(1, 1, created + dt.timedelta(days=1), state)])  # a new meeting, same id
    assert cache.get(1, 1, created + dt.timedelta(days=1)) is state


def test_the_oldest_entry_goes_first() -> None:
    cache = StateCache(size=2)
    for meeting_id in (1, 2):
        cache.add([Entry(meeting_id, 1, NOW, running(meeting_id))])
    assert cache.get(1, 1, NOW) is not None  # 1 used again: 2 is now the oldest
    cache.add([Entry(3, 1, NOW, running(3))])

    assert (cache.get(1, 1, NOW) is not None, cache.get(2, 1, NOW), len(cache)) == (True, None, 2)
