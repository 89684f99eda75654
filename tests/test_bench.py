"""`rondetafel bench` end to end: two meetings and their echo chats, and a complete report.

Only that it runs and reports: its numbers are never asserted, a busy test
machine would make such a test flaky and say nothing about the bot.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from rondetafel.bench.protocol import mentioned_ids
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
