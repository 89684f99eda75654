"""Meetings: created, found, saved under an optimistic lock, and finished."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import insert, select

from rondetafel.flows.events import Button, Replied, StopRequested
from rondetafel.flows.prompts import Prompt
from rondetafel.flows.state import MeetingState
from rondetafel.storage.codec import decode_state
from rondetafel.storage.db import Database
from rondetafel.storage.errors import ActiveMeetingExists, ConcurrentUpdate
from rondetafel.storage.meetings import LoadedMeeting
from rondetafel.storage.models import AgreementRow, Meeting
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction

from .states import (
    CHAIR,
    EVERY_FIELD,
    GROUP,
    MENTOR,
    NOW,
    OTHER_GROUP,
    PARENT,
    PUPIL,
    V1_STATES,
    agreeing,
    drive,
    finished,
    opened,
    press,
    running,
)

LATER = NOW + dt.timedelta(minutes=5)
TOPIC = 2_147_483_648  # a forum topic's id (message_thread_id), past 32 bits
THIRD_GROUP = -1001111111111111
FOURTH_GROUP = -1002222222222222


async def create(db: Database, chat_id: int = GROUP) -> LoadedMeeting:
    return await in_transaction(db, lambda repos: repos.meetings.create(chat_id, opened, NOW))


async def save(
    db: Database, loaded: LoadedMeeting, make: Callable[[int], MeetingState]
) -> LoadedMeeting:
    return await in_transaction(
        db, lambda repos: repos.meetings.save(loaded, make(loaded.id), LATER)
    )


async def get(db: Database, meeting_id: int) -> LoadedMeeting | None:
    return await in_transaction(db, lambda repos: repos.meetings.get(meeting_id))


async def columns(db: Database, meeting_id: int) -> dict[str, Any]:
    async with db.connection() as connection:
        row = (
            await connection.execute(
                select(
                    Meeting.case_id, Meeting.kind, Meeting.status, Meeting.language,
                    Meeting.version, Meeting.started_at, Meeting.finished_at,
                    Meeting.evaluation_date, Meeting.updated_at,
                ).where(Meeting.id == meeting_id)
            )
        ).one()  # fmt: skip
    return dict(row._mapping)


async def test_a_new_meeting_gets_its_id_in_its_state_and_is_the_chats_active_one(
    db: Database,
) -> None:
    created = await create(db)

    active = await in_transaction(db, lambda repos: repos.meetings.active_in_chat(GROUP))

    assert active == created
    assert created == LoadedMeeting(created.id, GROUP, None, 1, opened(created.id))


async def test_a_meeting_started_in_a_forum_topic_keeps_its_topic_when_loaded_and_saved(
    db: Database,
) -> None:
    created = await in_transaction(
        db, lambda repos: repos.meetings.create(GROUP, opened, NOW, thread_id=TOPIC)
    )

    saved = await save(db, created, running)

    assert (created.thread_id, saved.thread_id) == (TOPIC, TOPIC)
    assert saved.case_id is not None  # running: the pupil is named, the case is linked
    assert await get(db, created.id) == LoadedMeeting(
        created.id, GROUP, TOPIC, 2, running(created.id), saved.case_id
    )


async def test_a_chat_without_a_meeting_has_no_active_one(db: Database) -> None:
    await create(db, OTHER_GROUP)

    assert await in_transaction(db, lambda repos: repos.meetings.active_in_chat(GROUP)) is None


async def test_an_unknown_meeting_is_not_found(db: Database) -> None:
    assert await get(db, 12345) is None


async def test_saving_stores_the_new_state_and_bumps_the_version(db: Database) -> None:
    created = await create(db)

    saved = await save(db, created, running)

    assert saved.case_id is not None
    assert saved == LoadedMeeting(created.id, GROUP, None, 2, running(created.id), saved.case_id)
    assert await get(db, created.id) == saved


async def test_saving_copies_status_kind_language_and_dates_into_their_columns(
    db: Database,
) -> None:
    loaded = await save(db, await create(db), finished)

    stored = await columns(db, loaded.id)

    state = loaded.state
    assert stored.pop("case_id") is not None
    assert stored == {
        "kind": "pupil",
        "status": "finished",
        "language": "nl",
        "version": 2,
        "started_at": state.started_at,
        "finished_at": state.finished_at,
        "evaluation_date": state.evaluation_date,
        "updated_at": LATER,
    }


async def test_saving_over_a_version_that_is_no_longer_stored_raises_and_changes_nothing(
    db: Database,
) -> None:
    created = await create(db)
    await save(db, created, running)

    with pytest.raises(ConcurrentUpdate):
        await save(db, created, lambda meeting_id: opened(meeting_id, pupil="K.L."))

    stored = await get(db, created.id)
    assert stored is not None and (stored.version, stored.state) == (2, running(created.id))


async def test_saving_the_state_of_another_meeting_is_refused(db: Database) -> None:
    created = await create(db)

    with pytest.raises(ValueError, match="saved as meeting"):
        await save(db, created, lambda meeting_id: opened(meeting_id + 1))


async def test_a_second_meeting_cannot_start_while_one_is_active(db: Database) -> None:
    await create(db)

    with pytest.raises(ActiveMeetingExists):
        await in_transaction(
            db, lambda repos: repos.meetings.create(GROUP, opened, NOW), attempts=1
        )


async def test_a_finished_or_stopped_meeting_makes_room_for_a_new_one(db: Database) -> None:
    first = await save(db, await create(db), finished)
    second = await create(db)
    await save(
        db, second, lambda i: press(drive(running(i), StopRequested(CHAIR)), CHAIR, Button.STOP_YES)
    )

    third = await create(db)

    assert len({first.id, second.id, third.id}) == 3


async def test_naming_the_pupil_opens_the_groups_case_and_links_the_meeting(
    db: Database,
) -> None:
    loaded = await save(db, await create(db), running)

    case = await in_transaction(db, lambda repos: repos.cases.for_chat(GROUP))

    assert case is not None and case.pseudonym == PUPIL
    assert (await columns(db, loaded.id))["case_id"] == case.id


async def test_a_meeting_in_a_group_with_a_case_is_linked_to_that_case(db: Database) -> None:
    case = await in_transaction(db, lambda repos: repos.cases.open(GROUP, "K.L.", NOW))
    created = await in_transaction(
        db,
        lambda repos: repos.meetings.create(GROUP, lambda i: opened(i, pupil="K.L."), NOW),
    )

    assert (await columns(db, created.id))["case_id"] == case.id


async def agreement_rows(db: Database) -> list[tuple[Any, ...]]:
    async with db.connection() as connection:
        rows = await connection.execute(
            select(
                AgreementRow.meeting_id, AgreementRow.case_id, AgreementRow.seq,
                AgreementRow.what, AgreementRow.owner_name, AgreementRow.owner_role,
                AgreementRow.owner_user_id, AgreementRow.due, AgreementRow.created_at,
            ).order_by(AgreementRow.seq)
        )  # fmt: skip
        return [tuple(row) for row in rows]


async def test_finishing_a_meeting_writes_its_agreements_with_their_owners(db: Database) -> None:
    loaded = await save(db, await create(db), finished)
    case = await in_transaction(db, lambda repos: repos.cases.for_chat(GROUP))
    assert case is not None
    due = {a.seq: a.due for a in loaded.state.agreements}
    assert due[1] is not None and loaded.state.agreement(2).ongoing

    rows = await agreement_rows(db)

    # The third agreement got no date before the chair moved on: it was not
    # recorded, so it is not written either; an ongoing one has no due date.
    assert rows == [
        (loaded.id, case.id, 1, "Reading plan", "Mila", "mentor", MENTOR.user_id, due[1], LATER),
        (loaded.id, case.id, 2, "Talk to the PE teacher", "Pieter", "parent", PARENT.user_id,
         None, LATER),
    ]  # fmt: skip


async def test_saving_a_finished_meeting_again_writes_its_agreements_only_once(
    db: Database,
) -> None:
    loaded = await save(db, await create(db), finished)
    before = await agreement_rows(db)

    await save(db, loaded, finished)

    assert await agreement_rows(db) == before


async def test_a_meeting_that_is_not_finished_writes_no_agreements(db: Database) -> None:
    await save(db, await create(db), agreeing)

    assert await agreement_rows(db) == []


async def test_idle_since_lists_only_active_meetings_not_updated_since_the_cutoff(
    db: Database,
) -> None:
    async def saved_at(at: dt.datetime, chat_id: int, make: Callable[[int], MeetingState]) -> int:
        async def work(repos: Repositories) -> int:
            loaded = await repos.meetings.create(chat_id, opened, NOW, thread_id=TOPIC)
            return (await repos.meetings.save(loaded, make(loaded.id), at)).id

        return await in_transaction(db, work)

    cutoff = NOW + dt.timedelta(hours=1)
    await saved_at(NOW, GROUP, finished)  # finished long ago: not active
    idle = await saved_at(NOW, GROUP, running)
    await saved_at(cutoff, OTHER_GROUP, running)  # updated at the cutoff: not before it
    await saved_at(cutoff + dt.timedelta(minutes=1), THIRD_GROUP, running)
    waiting = await in_transaction(  # still being set up, untouched since NOW: active too
        db, lambda repos: repos.meetings.create(FOURTH_GROUP, opened, NOW)
    )

    found = await in_transaction(db, lambda repos: repos.meetings.idle_since(cutoff))

    assert found == [(idle, GROUP, TOPIC), (waiting.id, FOURTH_GROUP, None)]


async def test_the_last_finished_meeting_of_a_chat_is_the_newest_finished_one(
    db: Database,
) -> None:
    async def finish_at(at: dt.datetime) -> LoadedMeeting:
        def make(meeting_id: int) -> MeetingState:
            return dataclasses.replace(finished(meeting_id), finished_at=at)

        return await save(db, await create(db), make)

    await finish_at(NOW)
    newest = await finish_at(NOW + dt.timedelta(days=7))
    await finish_at(NOW + dt.timedelta(days=1))
    await create(db)  # still running: not finished

    last = await in_transaction(db, lambda repos: repos.meetings.last_finished_in_chat(GROUP))

    assert last == newest


async def test_a_chat_without_a_finished_meeting_has_no_last_one(db: Database) -> None:
    await create(db)

    assert (
        await in_transaction(db, lambda repos: repos.meetings.last_finished_in_chat(GROUP)) is None
    )


async def test_a_state_with_every_field_and_telegram_size_ids_reads_back_from_the_database(
    db: Database,
) -> None:
    def every_field(meeting_id: int) -> MeetingState:
        return dataclasses.replace(EVERY_FIELD, meeting_id=meeting_id)

    async def work(repos: Repositories) -> LoadedMeeting:
        return await repos.meetings.create(GROUP, every_field, NOW)

    created = await in_transaction(db, work)

    stored = await get(db, created.id)
    assert stored.case_id is not None
    assert stored == LoadedMeeting(
        created.id, GROUP, None, 1, every_field(created.id), stored.case_id
    )
    assert stored.chat_id == -1001234567890123


async def test_a_meeting_saved_before_the_upgrade_goes_on_and_is_saved_in_the_new_format(
    db: Database,
) -> None:
    # A meeting asking a date for its second agreement, saved by version 1.
    old = V1_STATES["agreement_due"]
    async with db.connection() as connection, connection.begin():
        await connection.execute(
            insert(Meeting).values(
                id=old["meeting_id"], chat_id=GROUP, kind=old["kind"], status=old["status"],
                language=old["language"], state=old, version=5, created_at=NOW, updated_at=NOW,
            )
        )  # fmt: skip

    loaded = await in_transaction(db, lambda repos: repos.meetings.active_in_chat(GROUP))

    assert loaded is not None and (loaded.id, loaded.version) == (old["meeting_id"], 5)
    assert loaded.state == decode_state(old) and loaded.state.prompt is Prompt.AGREEMENT
    going_on = drive(loaded.state, Replied(PARENT, "vrijdag", 30))
    assert going_on.agreement(2).due == dt.date(2025, 3, 14)
    saved = await in_transaction(db, lambda repos: repos.meetings.save(loaded, going_on, LATER))
    expected = LoadedMeeting(loaded.id, GROUP, None, 6, going_on, saved.case_id)
    assert saved.case_id is not None
    assert await get(db, loaded.id) == saved == expected
    async with db.connection() as connection:
        stored = await connection.scalar(select(Meeting.state).where(Meeting.id == loaded.id))
    assert stored is not None and stored["v"] == 2
