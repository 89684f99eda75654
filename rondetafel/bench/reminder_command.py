"""`rondetafel bench --reminders N`: run the burst, print the table, keep the JSON.

Exit 0 when every person got their reminder once and the stand-in answered no
429; 1 otherwise, or when the bot failed.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from .child import BenchError
from .reminder_report import to_json, to_text
from .reminders import ReminderOptions, run_reminders


def main(options: ReminderOptions, json_path: Path | None = None) -> int:
    try:
        run = asyncio.run(run_reminders(options))
    except BenchError as error:
        print(f"rondetafel bench: {error}", file=sys.stderr)
        return 1
    print(to_text(run))
    if json_path is not None:
        json_path.write_text(json.dumps(to_json(run), indent=2) + "\n", encoding="utf-8")
    if not run.complete:
        print(
            f"rondetafel bench: {run.delivered_chats} of {options.reminders} reached,"
            f" {run.duplicates} sent twice, {run.too_many_requests} 429s"
            + (", timed out" if run.timed_out else ""),
            file=sys.stderr,
        )
        return 1
    return 0
