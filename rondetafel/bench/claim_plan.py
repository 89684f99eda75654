"""The reminder loop's claim against a million pending reminders: its query plan and its time.

`python -m rondetafel.bench.claim_plan [--db postgresql://...]` fills a scratch
database (a fresh SQLite file, and with --db a database of its own on that
PostgreSQL server, dropped afterwards) with PENDING pending and SENT sent
reminders, DUE of the pending ones due at 08:00 and the rest spread over the
months after, and prints:

- the exact statements `ReminderRepository.claim_due` issues, caught on their
  way to the driver (so with the dialect's own SQL and parameters);
- PostgreSQL: `EXPLAIN (ANALYZE, BUFFERS)` of both with those parameters, at
  the burst (DUE due) and at a quiet moment (none due), and the plan a generic
  prepared statement would get; SQLite: `EXPLAIN QUERY PLAN`;
- the claim's time, run as the loop runs it (claim, then roll back), median
  of many, and on PostgreSQL whether the prepared statement was planned
  custom or generic (`pg_prepared_statements`).

docs/reminders.md shows its output.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from rondetafel.storage.crypto import UNENCRYPTED
from rondetafel.storage.db import Database
from rondetafel.storage.models import ReminderRow
from rondetafel.storage.reminders import ReminderRepository

from .databases import fresh_database
from .reminders import DUE_AT, seed_meeting

PENDING, SENT, DUE = 1_000_000, 1_000_000, 100_000
SPREAD_SECONDS = 25  # between two pending reminders after the burst: ~260 days for 900,000
TIMED = 50  # claims timed per case
FIRST_USER = 6_100_000_000

_FILL_POSTGRESQL = """
INSERT INTO reminders (case_id, meeting_id, agreement_id, kind, user_id, due_at, status,
                       created_at, sent_at)
SELECT CAST(:case_id AS integer), CAST(:meeting_id AS integer), CAST(:agreement_id AS integer),
       'due', CAST(:first_user AS bigint) + g,
       CAST(:due_at AS timestamptz) - interval '1 day' * (1 + g % 365), 'sent',
       CAST(:made AS timestamptz), CAST(:due_at AS timestamptz) - interval '1 day' * (1 + g % 365)
FROM generate_series(1, CAST(:sent AS integer)) AS g;
INSERT INTO reminders (case_id, meeting_id, agreement_id, kind, user_id, due_at, status,
                       created_at)
SELECT CAST(:case_id AS integer), CAST(:meeting_id AS integer), CAST(:agreement_id AS integer),
       'due', CAST(:first_user AS bigint) + g,
       CASE WHEN g <= CAST(:due AS integer) THEN CAST(:due_at AS timestamptz)
            ELSE CAST(:due_at AS timestamptz)
                 + interval '1 second' * ((g - CAST(:due AS integer)) * CAST(:spread AS integer))
       END,
       'pending', CAST(:made AS timestamptz)
FROM generate_series(1, CAST(:pending AS integer)) AS g;
ANALYZE reminders;
"""
# SQLAlchemy keeps SQLite's times as text, 'YYYY-MM-DD HH:MM:SS.ffffff', in UTC.
_FILL_SQLITE = """
INSERT INTO reminders (case_id, meeting_id, agreement_id, kind, user_id, due_at, status,
                       created_at, sent_at)
WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < :sent)
SELECT :case_id, :meeting_id, :agreement_id, 'due', :first_user + n,
       strftime('%Y-%m-%d %H:%M:%S', :due_at, '-' || (1 + n % 365) || ' days') || '.000000',
       'sent', :made,
       strftime('%Y-%m-%d %H:%M:%S', :due_at, '-' || (1 + n % 365) || ' days') || '.000000'
FROM g;
INSERT INTO reminders (case_id, meeting_id, agreement_id, kind, user_id, due_at, status,
                       created_at)
WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < :pending)
SELECT :case_id, :meeting_id, :agreement_id, 'due', :first_user + n,
       CASE WHEN n <= :due THEN :due_at || '.000000'
            ELSE strftime('%Y-%m-%d %H:%M:%S', :due_at,
                          '+' || ((n - :due) * :spread) || ' seconds') || '.000000' END,
       'pending', :made
FROM g;
"""


class Caught:
    """The statements a piece of code sends to the driver, with their parameters."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Any]] = []

    def __call__(self, conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        self.statements.append((statement, parameters))


async def measure(url: str, pending: int, sent: int, due: int, batches: Sequence[int]) -> str:
    db = Database(url, keyring=UNENCRYPTED)
    out: list[str] = []
    try:
        await db.upgrade()
        began = time.monotonic()
        case_id, meeting_id, agreement_id = await seed_meeting(db, group_id=-1, user_ids=[1, 2, 3])
        await _fill(db, case_id, meeting_id, agreement_id, pending, sent, due)
        out.append(
            f"-- {db.dialect}: {pending:,} pending ({due:,} due at the burst), {sent:,} sent;"
        )
        out.append(f"-- filled in {time.monotonic() - began:.1f} s")
        out.append(await _counts(db))
        burst, quiet = DUE_AT, DUE_AT - dt.timedelta(minutes=1)
        for label, now in (("at the burst", burst), ("nothing due", quiet)):
            for batch in batches:
                out.append(f"\n-- claim_due({label}, limit={batch})")
                out.append(await _explain(db, now, batch))
                out.append(await _timing(db, now, batch))
        if db.dialect == "postgresql":
            out.append(
                "\n-- the claim as a generic plan would run it"
                " (PREPARE, plan_cache_mode = force_generic_plan, EXECUTE)"
            )
            out.append(await _explain(db, burst, batches[0], generic=True))
            out.append(
                "\n-- for contrast, not the repository's SQL: the status as a parameter ($3),"
                " generic plan"
            )
            out.append(await _explain(db, burst, batches[0], generic=True, status_parameter=True))
    finally:
        await db.dispose()
    return "\n".join(out)


async def _fill(
    db: Database,
    case_id: int,
    meeting_id: int,
    agreement_id: int,
    pending: int,
    sent: int,
    due: int,
) -> None:
    values: dict[str, Any] = {
        "case_id": case_id,
        "meeting_id": meeting_id,
        "agreement_id": agreement_id,
        "first_user": FIRST_USER,
        "made": DUE_AT - dt.timedelta(days=400),
        "due_at": DUE_AT,
        "pending": pending,
        "sent": sent,
        "due": due,
        "spread": SPREAD_SECONDS,
    }
    script = _FILL_POSTGRESQL if db.dialect == "postgresql" else _FILL_SQLITE
    if db.dialect == "sqlite":
        # As SQLAlchemy stores them on SQLite: UTC text without an offset.
        utc = DUE_AT.astimezone(dt.UTC).replace(tzinfo=None)
        values["due_at"] = utc.strftime("%Y-%m-%d %H:%M:%S")
        values["made"] = (utc - dt.timedelta(days=400)).isoformat(sep=" ", timespec="microseconds")
    async with db.engine.begin() as conn:
        for statement in filter(str.strip, script.split(";")):
            used = {k: v for k, v in values.items() if f":{k}" in statement}
            await conn.execute(text(statement), used)
    if db.dialect == "sqlite":
        # Autocommit: VACUUM and ANALYZE may not run in a transaction. ANALYZE is
        # not what a deployment runs by itself; the plan is shown both ways.
        async with db.engine.connect() as conn:
            await conn.exec_driver_sql("VACUUM")


async def _counts(db: Database) -> str:
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            select(ReminderRow.status, func.count()).group_by(ReminderRow.status)
        )
        counts = ", ".join(f"{status}: {count:,}" for status, count in rows)
        sizes = ""
        if db.dialect == "postgresql":
            found = await conn.execute(
                text(
                    "SELECT pg_size_pretty(pg_relation_size('reminders')),"
                    " pg_size_pretty(pg_relation_size('ix_reminders_pending_due_at'))"
                )
            )
            table, index = found.one()
            sizes = f"; table {table}, ix_reminders_pending_due_at {index}"
        return f"-- {counts}{sizes}"


async def _caught_claim(conn: AsyncConnection, now: dt.datetime, limit: int) -> tuple[Caught, int]:
    """Run the repository's claim on `conn` (in its transaction) and catch what it sent."""
    caught = Caught()
    event.listen(conn.sync_connection, "before_cursor_execute", caught)
    try:
        claimed = await ReminderRepository(conn).claim_due(now, limit)
    finally:
        event.remove(conn.sync_connection, "before_cursor_execute", caught)
    return caught, len(claimed)


async def _explain(
    db: Database,
    now: dt.datetime,
    limit: int,
    *,
    generic: bool = False,
    status_parameter: bool = False,
) -> str:
    lines: list[str] = []
    async with db.engine.connect() as conn:
        transaction = await conn.begin()
        try:
            caught, claimed = await _caught_claim(conn, now, limit)
        finally:
            await transaction.rollback()
        claim_statements = [s for s in caught.statements if "reminders" in s[0]]
        for statement, parameters in claim_statements:
            if status_parameter:
                statement = statement.replace("'pending'", "$3::VARCHAR")
                parameters = (*parameters, "pending")
            lines.append(statement.strip())
            lines.append(f"-- parameters: {_shown(parameters)}")
            raw = (await conn.get_raw_connection()).driver_connection
            assert raw is not None
            if generic:
                lines.extend(await _generic_plan(raw, statement, parameters))
                break  # the SELECT is what a generic plan would change
            lines.extend(await _plan(raw, db.dialect, statement, parameters))
        lines.append(f"-- claimed {claimed}")
    return "\n".join(lines)


async def _plan(raw: Any, dialect: str, statement: str, parameters: Any) -> list[str]:
    if dialect == "postgresql":
        # asyncpg prepares the EXPLAIN with the parameters the claim binds; ANALYZE
        # runs the statement, so in a transaction that is rolled back.
        transaction = raw.transaction()
        await transaction.start()
        try:
            rows = await raw.fetch("EXPLAIN (ANALYZE, BUFFERS) " + statement, *parameters)
        finally:
            await transaction.rollback()
        return [row[0] for row in rows]
    cursor = await raw.execute("EXPLAIN QUERY PLAN " + statement, parameters)
    return [f"QUERY PLAN: {row[3]}" for row in await cursor.fetchall()]


async def _generic_plan(raw: Any, statement: str, parameters: Sequence[Any]) -> list[str]:
    """EXPLAIN of the statement prepared, as a plan made without looking at its parameters."""
    transaction = raw.transaction()
    await transaction.start()
    try:
        await raw.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        await raw.execute(f"PREPARE generic_claim AS {statement}")
        values = ", ".join(_literal(value) for value in parameters)
        rows = await raw.fetch(f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE generic_claim({values})")
    finally:
        await transaction.rollback()  # the locks and SET LOCAL go with it; PREPARE does not
        await raw.execute("DEALLOCATE generic_claim")
    return [row[0] for row in rows]


def _literal(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return f"'{value.isoformat()}'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return str(int(value))


async def _timing(db: Database, now: dt.datetime, limit: int) -> str:
    """The claim as the loop runs it, TIMED times, each rolled back: median and p95."""
    times: list[float] = []
    async with db.engine.connect() as conn:
        for _ in range(TIMED):
            transaction = await conn.begin()
            began = time.perf_counter()
            await ReminderRepository(conn).claim_due(now, limit)
            times.append(time.perf_counter() - began)
            await transaction.rollback()
        plans = ""
        if db.dialect == "postgresql":
            rows = await conn.execute(
                text(
                    "SELECT sum(generic_plans), sum(custom_plans) FROM pg_prepared_statements"
                    " WHERE statement LIKE 'SELECT reminders.id%FOR UPDATE SKIP LOCKED%'"
                )
            )
            found = rows.first()
            if found is not None:
                plans = f"; the prepared claim so far: {found[0]} generic, {found[1]} custom plans"
    ordered = sorted(times)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return (
        f"-- claim + UPDATE ... RETURNING, {TIMED} runs: median"
        f" {1000 * statistics.median(times):.2f} ms, p95 {1000 * p95:.2f} ms{plans}"
    )


def _shown(parameters: Any) -> str:
    if isinstance(parameters, tuple | list) and len(parameters) > 8:
        return f"{list(parameters[:6])} … ({len(parameters)} in all)"
    return repr(parameters)


async def _main(args: argparse.Namespace) -> None:
    batches = args.batch or [10, 40]
    with tempfile.TemporaryDirectory(prefix="rondetafel-plan-") as tmp:
        folder = Path(tmp)
        targets = [None, args.db] if args.db else [None]
        for target in targets:
            async with fresh_database(target, folder, "plan") as url:
                print(await measure(url, args.pending, args.sent, args.due, batches), flush=True)
                print(flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rondetafel.bench.claim_plan")
    parser.add_argument("--db", default=None, help="a PostgreSQL URL (a scratch database is made)")
    parser.add_argument("--pending", type=int, default=PENDING)
    parser.add_argument("--sent", type=int, default=SENT)
    parser.add_argument("--due", type=int, default=DUE)
    parser.add_argument("--batch", type=int, action="append", help="claim size (10 and 40)")
    asyncio.run(_main(parser.parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
