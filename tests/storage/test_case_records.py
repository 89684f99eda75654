"""A case's own records: closing it, its audit trail, and its export."""

from __future__ import annotations

import datetime as dt
import json

from rondetafel.storage.case_export import FORMAT, VERSION
from rondetafel.storage.db import Database
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction

from .states import CHAIR, GROUP, NOW, finished

LATER = NOW + dt.timedelta(days=1)


async def a_case_with_a_finished_meeting(db: Database) -> int:
    async def make(repos: Repositories) -> int:
        await repos.meetings.create(GROUP, finished, NOW)
        case = await repos.cases.for_chat(GROUP)
        assert case is not None
        return case.id

    return await in_transaction(db, make)


async def test_a_closed_case_is_still_the_groups_latest_until_a_new_one_opens(
    db: Database,
) -> None:
    case_id = await a_case_with_a_finished_meeting(db)

    closed = await in_transaction(db, lambda repos: repos.cases.close(case_id, LATER))
    again = await in_transaction(db, lambda repos: repos.cases.close(case_id, LATER))
    latest = await in_transaction(db, lambda repos: repos.cases.latest_for_chat(GROUP))
    new = await in_transaction(db, lambda repos: repos.cases.open(GROUP, "K.L.", LATER))
    newest = await in_transaction(db, lambda repos: repos.cases.latest_for_chat(GROUP))

    assert (closed, again) == (True, False)
    assert latest is not None and (latest.id, latest.closed_at) == (case_id, LATER)
    assert newest == new


async def test_the_audit_trail_lists_who_did_what_and_when_oldest_first(db: Database) -> None:
    case_id = await a_case_with_a_finished_meeting(db)

    async def log(repos: Repositories) -> None:
        await repos.audit.add(case_id, CHAIR.user_id, "read_audit", LATER)
        await repos.audit.add(case_id, None, "export", NOW)

    await in_transaction(db, log)
    trail = await in_transaction(db, lambda repos: repos.audit.for_case(case_id))

    assert [(e.user_id, e.action, e.at) for e in trail] == [
        (None, "export", NOW),
        (CHAIR.user_id, "read_audit", LATER),
    ]


async def test_the_export_holds_the_case_its_meetings_states_and_agreements(db: Database) -> None:
    case_id = await a_case_with_a_finished_meeting(db)

    data = await in_transaction(db, lambda repos: repos.case_export.case_data(case_id, LATER))

    assert data is not None
    text = json.dumps(data)  # JSON-ready as it is
    assert (data["format"], data["version"]) == (FORMAT, VERSION)
    assert data["case"]["pseudonym"] == "S.V." and data["exported_at"] == LATER.isoformat()
    assert data["meetings"][0]["state"]["v"] == 2 and "Reading plan" in text
    assert [a["what"] for a in data["agreements"]] == ["Reading plan", "Talk to the PE teacher"]
    assert data["consents"] == [] and data["audit"] == []
