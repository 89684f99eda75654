"""`rondetafel bench`: run, print the table, keep the JSON, and say if meetings were left."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from .child import BenchError
from .report import to_json, to_text
from .runner import BenchOptions, run_bench


def main(options: BenchOptions, json_path: Path | None = None) -> int:
    """0 when every meeting and echo chat finished; 1 otherwise, or when a bot failed."""
    try:
        report = asyncio.run(run_bench(options))
    except BenchError as error:
        print(f"rondetafel bench: {error}", file=sys.stderr)
        return 1
    print(to_text(report))
    if json_path is not None:
        json_path.write_text(json.dumps(to_json(report), indent=2) + "\n", encoding="utf-8")
    left = [
        f"{run.label}: {len(run.chats) - run.finished} of {len(run.chats)}"
        for run in (report.bot, report.echo)
        if run is not None and run.finished < len(run.chats)
    ]
    if report.open_meetings is not None and report.open_meetings.opened < options.open_meetings:
        left.append(f"open meetings: {options.open_meetings - report.open_meetings.opened}")
    if left:
        print(f"rondetafel bench: unfinished ({'; '.join(left)})", file=sys.stderr)
        return 1
    return 0
