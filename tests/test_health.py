"""`rondetafel health` and the heartbeat it reads; the container that uses them."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

from rondetafel.bot.app import build_application, start_services, stop_services
from rondetafel.settings import Settings
from rondetafel.storage.db import Database
from tests.conftest import TEST_KEYRING
from tests.support.recording import RecordingRequest

ROOT = Path(__file__).resolve().parent.parent


def health(tmp_path: Path, heartbeat: Path | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "HEARTBEAT_FILE"}
    if heartbeat is not None:
        env["HEARTBEAT_FILE"] = str(heartbeat)
    return subprocess.run(
        [sys.executable, "-m", "rondetafel.cli", "health"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_health_is_good_while_the_heartbeat_is_fresh(tmp_path: Path) -> None:
    alive = tmp_path / "alive"
    alive.touch()

    assert health(tmp_path, alive).returncode == 0


def test_health_says_not_running_when_there_is_no_heartbeat(tmp_path: Path) -> None:
    result = health(tmp_path, tmp_path / "alive")

    assert result.returncode == 1
    assert result.stderr == f"Not running: {tmp_path / 'alive'} does not exist.\n"


def test_health_says_not_healthy_when_the_heartbeat_is_old(tmp_path: Path) -> None:
    alive = tmp_path / "alive"
    alive.touch()
    two_minutes_ago = time.time() - 120
    os.utime(alive, (two_minutes_ago, two_minutes_ago))

    result = health(tmp_path, alive)

    assert result.returncode == 1
    assert result.stderr.startswith(f"Not healthy: the bot last touched {alive} 12")


async def test_the_running_bot_touches_the_heartbeat(tmp_path: Path) -> None:
    alive = tmp_path / "alive"
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        heartbeat_file=alive,
    )
    db = Database(settings.database_url, keyring=TEST_KEYRING)
    app = build_application(
        settings, db, token="7000:TEST", request=RecordingRequest(), rate_limiter=False
    )
    await app.initialize()
    await start_services(app)
    try:
        for _ in range(50):
            if alive.exists():
                break
            await asyncio.sleep(0.02)
        assert alive.exists()
    finally:
        await stop_services(app)
        await app.shutdown()
        await db.dispose()


def test_the_image_owns_its_data_folder_and_checks_its_health() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    ignored = (ROOT / ".dockerignore").read_text().split()

    # A named volume copies the folder's owner: it must exist, owned, before VOLUME.
    owned = dockerfile.index("install -d -o rondetafel -g rondetafel /home/rondetafel/data")
    assert owned < dockerfile.index("VOLUME [")
    assert 'CMD ["rondetafel", "health"]' in dockerfile
    assert {".env", ".venv", "*.db", "*.key"} <= set(ignored)  # no key beside its data
