"""`rondetafel bench` end to end: two meetings and their echo chats, and a complete report;
a small reminder burst (`--reminders`), and the claim's query plan.

Only that it runs and reports: its timings are never asserted, a busy test
machine would make such a test flaky and say nothing about the bot. What is
asserted of the burst is what must hold at any speed: everyone reached once,
no 429.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from rondetafel.bench import claim_plan
from rondetafel.bench.protocol import mentioned_ids
from rondetafel.bench.reminder_report import pace
from rondetafel.bench.report import ROWS

ROOT = Path(__file__).resolve().parent.parent
SUMMARY_FIELDS = {key for key, _, _ in ROWS} | {
    "chats",
    "finished",
    "button_presses",
    "button_answer_p50_ms",
    "per_chat",
}
COMPARED = {key for key, _, compared in ROWS if compared}

Report = dict[str, Any]
Bench = tuple[subprocess.CompletedProcess[str], Report]


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Bench:
    report = tmp_path_factory.mktemp("bench") / "bench.json"
    command = [sys.executable, "-m", "rondetafel.cli", "bench", "--meetings", "2"]
    command += ["--limits", "off", "--timeout", "40", "--json", str(report)]
    # Run outside the checkout: no .env of a developer changes the bot under test.
    result = subprocess.run(
        command, cwd=report.parent, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result, json.loads(report.read_text())


@pytest.mark.e2e
def test_every_meeting_and_every_echo_chat_finishes(bench: Bench) -> None:
    _, report = bench
    for side in ("bot", "echo"):
        assert report[side]["chats"] == report[side]["finished"] == 2
        assert all(chat["finished"] for chat in report[side]["per_chat"])


@pytest.mark.e2e
def test_the_json_report_has_every_number_for_both_bots(bench: Bench) -> None:
    _, report = bench
    for side in ("bot", "echo"):
        assert SUMMARY_FIELDS - set(report[side]) == set()
    assert set(report["bot_to_echo"]) == COMPARED
    assert report["limits"] == "off"
    assert report["database"].startswith("sqlite")


@pytest.mark.e2e
def test_the_printed_table_has_a_row_for_every_number(bench: Bench) -> None:
    result, _ = bench
    for _, label, _ in ROWS:
        assert label in result.stdout


def test_a_mention_is_read_from_a_text_mention_or_a_user_link() -> None:
    message = {
        "entities": [
            {"type": "bold", "offset": 0, "length": 2},
            {"type": "text_mention", "offset": 3, "length": 4, "user": {"id": 11}},
            {"type": "text_link", "offset": 8, "length": 4, "url": "tg://user?id=22"},
            {"type": "text_link", "offset": 13, "length": 4, "url": "https://example.org"},
        ]
    }
    assert mentioned_ids(message) == [11, 22]


@pytest.fixture(scope="module")
def reminders(tmp_path_factory: pytest.TempPathFactory) -> Report:
    report = tmp_path_factory.mktemp("reminders") / "reminders.json"
    command = [sys.executable, "-m", "rondetafel.cli", "bench", "--reminders", "12"]
    command += ["--rate", "6", "--json", str(report)]
    result = subprocess.run(
        command, cwd=report.parent, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "achieved rate (per s)" in result.stdout
    found: Report = json.loads(report.read_text())
    return found


@pytest.mark.e2e
def test_a_reminder_burst_reaches_everyone_once_without_a_429(reminders: Report) -> None:
    summary = reminders["summary"]
    assert summary["delivered_people"] == summary["delivered"] == 12
    assert summary["duplicates"] == summary["too_many_requests"] == summary["group_mentions"] == 0
    assert summary["reminder_statuses"] == {"sent": 12}
    assert summary["outbox_statuses"] == {"done": 12}
    # --rate 6: REMINDERS_PER_MINUTE 360, MESSAGES_PER_SECOND 6, Telegram's 30 in the stand-in.
    assert (summary["reminders_per_minute"], summary["messages_per_second"]) == (360, 6)
    assert summary["standin_global_limit_per_second"] == 30
    assert sum(reminders["per_second"]) == 12


def test_the_pace_is_read_off_the_delivery_times() -> None:
    times = [10.0, 10.1, 10.2, 11.0, 11.05, 13.5]
    found = pace(times)
    assert found is not None
    assert found.per_second == [3, 2, 0, 1]
    assert found.largest_second == 4  # 10.1 to 11.05
    assert found.largest_gap == pytest.approx(2.45)
    assert found.rate == pytest.approx(5 / 3.5)
    assert pace([]) is None


def test_the_claim_finds_due_reminders_through_the_partial_index(tmp_path: Path) -> None:
    """On SQLite; docs/reminders.md has the PostgreSQL plan with a million pending."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'plan.db'}"
    shown = asyncio.run(claim_plan.measure(url, pending=300, sent=300, due=30, batches=[10]))
    plans = [line for line in shown.splitlines() if line.startswith("QUERY PLAN: SEARCH reminders")]
    assert "USING INDEX ix_reminders_pending_due_at (due_at<?)" in plans[0]
    assert "-- claimed 10" in shown
