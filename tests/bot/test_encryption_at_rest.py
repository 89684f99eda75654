"""What people type in a meeting is stored, but nobody reading the database file can read it."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import make_url

from rondetafel.flows.events import Button
from rondetafel.storage.codec import encode_state
from rondetafel.storage.unit_of_work import in_transaction

from .conftest import ANNA, FATMA, Harness

PSEUDONYM = "Zwaluw-7731"
ANSWER = "Antwoord-dat-nooit-leesbaar-mag-zijn-7731"
SIDE_NOTE = "Opmerking-tussendoor-van-Fatma-2290"


def database_bytes(harness: Harness) -> bytes:
    """The SQLite file and its write-ahead log, as a backup or a thief would copy them."""
    path = Path(str(make_url(harness.db.url).database))
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-journal")]
    return b"".join(f.read_bytes() for f in files if f.exists())


async def test_answers_side_notes_and_the_pupil_are_not_in_the_database_file(
    harness: Harness,
) -> None:
    await harness.setup_meeting(pupil=PSEUDONYM)
    await harness.press(ANNA, Button.START)
    await harness.answer(ANNA, ANSWER)  # the chair's replies are always her points
    await harness.answer(FATMA, SIDE_NOTE)  # her turn or not, it is kept

    # Stored they are: the storage layer reads them back.
    meeting = await in_transaction(
        harness.db, lambda repos: repos.meetings.active_in_chat(harness.group.id)
    )
    assert meeting is not None
    kept = json.dumps(encode_state(meeting.state), ensure_ascii=False)
    assert all(secret in kept for secret in (PSEUDONYM, ANSWER, SIDE_NOTE))
    stored = database_bytes(harness)
    for secret in (PSEUDONYM, ANSWER, SIDE_NOTE, "Fatma"):
        assert secret.encode() not in stored, secret
    assert b"rt1:" in stored
