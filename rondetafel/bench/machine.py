"""The machine a run was made on, for the report: numbers mean little without it."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def load_average() -> str:
    """The 1, 5 and 15 minute load: other work on the machine skews every number."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def machine() -> dict[str, str]:
    found = {
        "cpus": str(os.cpu_count() or "?"),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }
    for name, path, key in (
        ("cpu", "/proc/cpuinfo", "model name"),
        ("memory", "/proc/meminfo", "MemTotal"),
    ):
        try:
            lines = Path(path).read_text().splitlines()
        except OSError:
            continue
        value = next((line.split(":", 1)[1].strip() for line in lines if line.startswith(key)), "")
        if value:
            found[name] = value
    found["load at start"] = load_average()
    return found
