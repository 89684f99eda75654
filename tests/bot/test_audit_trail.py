"""The audit trail: every action of a meeting, who and when, and never what was typed."""

from __future__ import annotations

from sqlalchemy import inspect, select

from rondetafel.bot.case_texts import ACTION_WORDS
from rondetafel.flows.audit import ACTIONS
from rondetafel.flows.events import Button
from rondetafel.storage.audit import CASE_ACTIONS
from rondetafel.storage.models import AuditEntry

from .conftest import ANNA, FATMA, MO, Harness

SECRET = "Zijn moeder is ernstig ziek"


async def trail(harness: Harness) -> list[tuple[int | None, str]]:
    async with harness.db.connection() as connection:
        rows = await connection.execute(
            select(AuditEntry.user_id, AuditEntry.action).order_by(AuditEntry.id)
        )
        return [(user_id, action) for user_id, action in rows]


async def test_a_meeting_leaves_who_did_what_and_no_content(harness: Harness) -> None:
    await harness.setup_meeting(pupil="S.B.")
    await harness.press(ANNA, Button.START)
    await harness.answer(MO, SECRET)  # whoever is asked first: the table says who answers
    entries = await trail(harness)
    # Naming the pupil opens the case: the trail starts there.
    assert entries[0] == (ANNA.id, "pupil_named")
    assert (MO.id, "joined") in entries and (FATMA.id, "joined") in entries
    assert (ANNA.id, "meeting_begun") in entries
    assert entries[-1][1] in ("answered", "side_note")
    # The table has no column to put content in, and no value holds any.
    columns = {c.name for c in inspect(AuditEntry).columns}
    assert columns == {"id", "case_id", "user_id", "action", "at"}
    assert all(SECRET not in action for _, action in entries)


async def test_a_refused_press_leaves_no_line(harness: Harness) -> None:
    await harness.setup_meeting()
    before = await trail(harness)
    await harness.press(MO, Button.START)  # only the chair starts
    assert await trail(harness) == before


async def test_the_next_meeting_of_the_case_is_on_the_same_trail(harness: Harness) -> None:
    await harness.setup_meeting()
    await harness.send(harness.group.command(ANNA, "/stop"))
    await harness.press(ANNA, Button.STOP_YES)
    await harness.send(harness.group.command(MO, "/overleg"))
    entries = await trail(harness)
    # The chair's own /stop only asks to confirm: the confirmation is the line.
    assert entries[-2:] == [(ANNA.id, "stopped"), (MO.id, "meeting_opened")]


def test_every_action_on_the_trail_reads_in_words() -> None:
    written = ACTIONS | CASE_ACTIONS
    assert written == set(ACTION_WORDS)
