"""A bot in a process of its own, and what /proc says about it.

Separate processes keep each bot's memory, CPU time and start-up apart from
the stand-in and the people, which run in the bench's own process. Linux
only: the readings come from /proc/<pid>.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import time
from collections.abc import Mapping
from pathlib import Path

# A record in rondetafel.cli.LOG_FORMAT: "2026-12-01 14:08:12,703 ERROR name: message".
_ERROR_RECORD = re.compile(r"^\S+ \S+ (?:ERROR|CRITICAL) ", re.MULTILINE)
_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")
_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


class BenchError(Exception):
    """The bench could not measure: a bot did not start, or died."""


class Child:
    def __init__(self, process: asyncio.subprocess.Process, started_at: float, log: Path) -> None:
        self.process = process
        self.started_at = started_at  # time.monotonic() just before the fork
        self.log = log

    @classmethod
    async def start(cls, argv: list[str], *, env: Mapping[str, str], cwd: Path, log: Path) -> Child:
        _require_proc()
        with log.open("wb") as output:
            started_at = time.monotonic()
            process = await asyncio.create_subprocess_exec(
                *argv,
                env=dict(env),
                cwd=cwd,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=output,
                stderr=asyncio.subprocess.STDOUT,
            )
        return cls(process, started_at, log)

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.returncode is None

    def rss_bytes(self) -> int:
        """Resident memory now."""
        fields = Path(f"/proc/{self.pid}/statm").read_text().split()
        return int(fields[1]) * _PAGE_BYTES

    def peak_rss_bytes(self) -> int:
        """The most resident memory so far (VmHWM)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        raise BenchError(f"/proc/{self.pid}/status has no VmHWM")

    def cpu_seconds(self) -> float:
        """User plus system time of all its threads so far."""
        stat = Path(f"/proc/{self.pid}/stat").read_text()
        # The command name (field 2) may hold spaces; the numbers follow its ")".
        fields = stat[stat.rindex(")") + 2 :].split()
        utime, stime = int(fields[11]), int(fields[12])
        return (utime + stime) / _TICKS_PER_SECOND

    def errors_logged(self) -> int:
        """Log records at ERROR or worse so far (both bots log as `rondetafel run` does)."""
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return 0
        return len(_ERROR_RECORD.findall(text))

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    async def stop(self, grace: float = 15.0) -> None:
        """SIGTERM, as a service manager stops the bot; SIGKILL if it does not go."""
        if not self.alive():
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(grace):
                await self.process.wait()
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
            await self.process.wait()


def _require_proc() -> None:
    if not Path("/proc/self/stat").exists():
        raise BenchError("rondetafel bench reads /proc to measure the bots: run it on Linux")
