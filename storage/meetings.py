"""Meetings: their state, stored whole, with an optimistic lock.

The shell loads a meeting, lets `flows.transition` compute the next state and
saves it. `save` writes only if the row is still at the version that was
loaded; if another update saved first, it raises `ConcurrentUpdate` and
`unit_of_work.in_transaction` runs the whole update again on the newer state,
so two answers that arrive together are both kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from rondetafel.flows.state import Agreement, MeetingState, Status

from .cases import CaseRepository
from .codec import decode_state, encode_state
from .errors import ActiveMeetingExists, ConcurrentUpdate, insert_race
from .models import MEETING_IS_ACTIVE, AgreementRow, Meeting
from .state_cache import Entry, StateCache


@dataclass(frozen=True)
class LoadedMeeting:
    id: int
    chat_id: int
    # The forum topic the meeting runs in (None: the chat itself, or General).
    thread_id: int | None
    # The version `state` was read at; `save` writes only over that version.
    version: int
    state: MeetingState
    # The case it is about, once the pupil is named (known after a save).
    case_id: int | None = None


class MeetingRepository:
    def __init__(
        self,
        connection: AsyncConnection,
        cases: CaseRepository,
        states: StateCache | None = None,
    ) -> None:
        self._connection = connection
        self._cases = cases
        # Decoded states of committed transactions (`state_cache.py`); None: read every time.
        self._states = states
        # What this transaction read or wrote, for the cache once it is committed.
        self._seen: list[Entry] = []

    def committed(self) -> None:
        """The transaction is committed: what it read and wrote may be reused."""
        if self._states is not None:
            self._states.add(self._seen)
        self._seen = []

    async def create(
        self,
        chat_id: int,
        make_state: Callable[[int], MeetingState],
        now: dt.datetime,
        *,
        thread_id: int | None = None,
    ) -> LoadedMeeting:
        """A new meeting in `chat_id`, its state built by `make_state(meeting_id)`.

        Raises `ActiveMeetingExists` if the chat already has an active one.
        """
        if await self._connection.scalar(_ACTIVE_ID, {"chat_id": chat_id}) is not None:
            raise ActiveMeetingExists(chat_id)
        # The state holds the meeting's id, which only the insert gives: the
        # row starts empty at version 0 and gets its state as version 1, in
        # the same transaction, so nobody ever sees it empty.
        empty: dict[str, Any] = {
            "chat_id": chat_id,
            "thread_id": thread_id,
            "status": "",
            "language": "",
            "state": {},
            "version": 0,
            "created_at": now,
            "updated_at": now,
        }
        meeting_id = (await self._connection.execute(_CREATE, empty)).scalar_one()
        with insert_race(f"the active meeting of chat {chat_id}"):
            return await self._store(meeting_id, 0, make_state(meeting_id), now)

    async def get(self, meeting_id: int) -> LoadedMeeting | None:
        return await self._cached(_HEAD_BY_ID, {"meeting_id": meeting_id})

    async def active_in_chat(self, chat_id: int) -> LoadedMeeting | None:
        return await self._cached(_HEAD_ACTIVE_IN_CHAT, {"chat_id": chat_id})

    async def _cached(self, head: Select[Any], parameters: dict[str, Any]) -> LoadedMeeting | None:
        """The meeting's row without its state, and the state from the cache if it holds
        that version; else the whole row (read anew: another worker may have saved since)."""
        row = (await self._connection.execute(head, parameters)).one_or_none()
        if row is None:
            return None
        cached = (
            self._states.get(row.id, row.version, row.created_at)
            if self._states is not None
            else None
        )
        if cached is None:
            return await self._one(_BY_ID, {"meeting_id": row.id})
        return LoadedMeeting(row.id, row.chat_id, row.thread_id, row.version, cached, row.case_id)

    async def idle_since(self, before: dt.datetime) -> list[tuple[int, int, int | None]]:
        """Active meetings nothing happened in since `before`: (id, chat, thread), oldest first."""
        rows = await self._connection.execute(
            select(Meeting.id, Meeting.chat_id, Meeting.thread_id)
            .where(MEETING_IS_ACTIVE, Meeting.updated_at < before)
            .order_by(Meeting.id)
        )
        return [(meeting_id, chat_id, thread_id) for meeting_id, chat_id, thread_id in rows]

    async def last_finished_in_chat(self, chat_id: int) -> LoadedMeeting | None:
        return await self._first(
            Meeting.chat_id == chat_id,
            Meeting.status == Status.FINISHED.value,
            order_by=(Meeting.finished_at.desc(), Meeting.id.desc()),
        )

    async def last_finished_of_case(self, case_id: int) -> LoadedMeeting | None:
        """The case's plan in force: its newest finished meeting."""
        return await self._first(
            Meeting.case_id == case_id,
            Meeting.status == Status.FINISHED.value,
            order_by=(Meeting.finished_at.desc(), Meeting.id.desc()),
        )

    async def latest_of_case(self, case_id: int) -> LoadedMeeting | None:
        """The case's newest meeting: who chairs it is who answers for the case."""
        return await self._first(Meeting.case_id == case_id, order_by=(Meeting.id.desc(),))

    async def of_case(self, case_id: int) -> list[LoadedMeeting]:
        """Every meeting of the case, oldest first (the export)."""
        rows = await self._connection.execute(
            select(*_LOADED).where(Meeting.case_id == case_id).order_by(Meeting.id)
        )
        return [_loaded(row) for row in rows]

    async def save(
        self, loaded: LoadedMeeting, state: MeetingState, now: dt.datetime
    ) -> LoadedMeeting:
        """Store `state` over `loaded`; the result is at the next version.

        Raises `ConcurrentUpdate` if the meeting was saved since `loaded` was
        read. Naming the pupil opens (or finds) the group's case and links
        it; finishing copies the agreements to the `agreements` table.
        """
        return await self._store(loaded.id, loaded.version, state, now)

    async def _store(
        self, meeting_id: int, version: int, state: MeetingState, now: dt.datetime
    ) -> LoadedMeeting:
        if state.meeting_id != meeting_id:
            raise ValueError(
                f"the state of meeting {state.meeting_id} saved as meeting {meeting_id}"
            )
        stored = await self._connection.execute(
            _STORE,
            {
                "meeting_id": meeting_id,
                "loaded_version": version,
                "new_state": encode_state(state),
                "new_status": state.status.value,
                "new_kind": state.kind.value if state.kind else None,
                "new_language": state.language,
                "new_started_at": state.started_at,
                "new_finished_at": state.finished_at,
                "new_evaluation_date": state.evaluation_date,
                "now": now,
            },
        )
        row = stored.one_or_none()
        if row is None:
            raise ConcurrentUpdate(f"meeting {meeting_id} was saved since version {version}")
        chat_id, case_id = row.chat_id, row.case_id
        if case_id is None and state.pupil is not None:
            case_id = (await self._cases.open(chat_id, state.pupil, now)).id
            await self._connection.execute(
                update(Meeting).where(Meeting.id == meeting_id).values(case_id=case_id)
            )
        if state.status is Status.FINISHED:
            await self._record_agreements(meeting_id, case_id, state, now)
        self._seen.append(Entry(meeting_id, version + 1, row.created_at, state))
        return LoadedMeeting(meeting_id, chat_id, row.thread_id, version + 1, state, case_id)

    async def _record_agreements(
        self, meeting_id: int, case_id: int | None, state: MeetingState, now: dt.datetime
    ) -> None:
        """Copy the agreements not copied yet, so that saving again adds nothing."""
        stored = set(
            await self._connection.scalars(
                select(AgreementRow.seq).where(AgreementRow.meeting_id == meeting_id)
            )
        )
        new = [a for a in state.agreements if a.seq not in stored]
        if not new:
            return
        if case_id is None:
            raise ValueError(f"meeting {meeting_id} finished with agreements but without a pupil")
        rows = [_agreement_row(meeting_id, case_id, a, state, now) for a in new]
        await self._connection.execute(insert(AgreementRow), rows)

    async def _first(
        self, *where: ColumnElement[bool], order_by: Sequence[Any] = ()
    ) -> LoadedMeeting | None:
        return await self._one(select(*_LOADED).where(*where).order_by(*order_by).limit(1))

    async def _one(
        self, query: Select[Any], parameters: dict[str, Any] | None = None
    ) -> LoadedMeeting | None:
        row = (await self._connection.execute(query, parameters)).one_or_none()
        if row is None:
            return None
        loaded = _loaded(row)
        self._seen.append(Entry(loaded.id, loaded.version, row.created_at, loaded.state))
        return loaded


_HEAD: tuple[Any, ...] = (
    Meeting.id,
    Meeting.chat_id,
    Meeting.thread_id,
    Meeting.version,
    Meeting.case_id,
    Meeting.created_at,
)
_LOADED = (*_HEAD, Meeting.state)

# The statements of every update, built once: building a statement and its
# cache key anew for each call was about a sixth of the bot's CPU per update
# (docs/benchmarks.md). The values come as parameters.
_BY_ID = select(*_LOADED).where(Meeting.id == bindparam("meeting_id"))
_HEAD_BY_ID = select(*_HEAD).where(Meeting.id == bindparam("meeting_id"))
_HEAD_ACTIVE_IN_CHAT = (
    select(*_HEAD).where(Meeting.chat_id == bindparam("chat_id"), MEETING_IS_ACTIVE).limit(1)
)
_ACTIVE_ID = select(Meeting.id).where(Meeting.chat_id == bindparam("chat_id"), MEETING_IS_ACTIVE)
_CREATE = insert(Meeting).returning(Meeting.id)
_STORE = (
    update(Meeting)
    .where(Meeting.id == bindparam("meeting_id"), Meeting.version == bindparam("loaded_version"))
    .values(
        state=bindparam("new_state", type_=Meeting.state.type),
        version=Meeting.version + 1,
        status=bindparam("new_status", type_=Meeting.status.type),
        kind=bindparam("new_kind", type_=Meeting.kind.type),
        language=bindparam("new_language", type_=Meeting.language.type),
        started_at=bindparam("new_started_at", type_=Meeting.started_at.type),
        finished_at=bindparam("new_finished_at", type_=Meeting.finished_at.type),
        evaluation_date=bindparam("new_evaluation_date", type_=Meeting.evaluation_date.type),
        updated_at=bindparam("now", type_=Meeting.updated_at.type),
    )
    .returning(Meeting.chat_id, Meeting.thread_id, Meeting.case_id, Meeting.created_at)
)


def _loaded(row: Row[Any]) -> LoadedMeeting:
    return LoadedMeeting(
        row.id, row.chat_id, row.thread_id, row.version, decode_state(row.state), row.case_id
    )


def _agreement_row(
    meeting_id: int, case_id: int, agreement: Agreement, state: MeetingState, now: dt.datetime
) -> dict[str, Any]:
    owner = None if agreement.owner is None else state.participant(agreement.owner)
    return {
        "meeting_id": meeting_id,
        "case_id": case_id,
        "seq": agreement.seq,
        "what": agreement.what,
        "owner_name": owner.name if owner else None,
        "owner_role": owner.role.value if owner else None,
        "owner_user_id": owner.user_id if owner else None,
        "due": agreement.due,
        "ongoing": agreement.ongoing,
        "created_at": now,
    }
