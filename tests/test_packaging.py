"""What `pip install .` installs: every module, template, catalog and migration."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = {"bot": "bot", "flows": "flows", "storage": "storage", "standin": "standin"}


def test_the_wheel_holds_every_file_the_program_needs(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("rondetafel-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())

    expected = {f"rondetafel/{p.name}" for p in (ROOT / "rondetafel").glob("*.py")}
    for package, folder in FOLDERS.items():
        for path in (ROOT / folder).rglob("*.py"):
            expected.add(f"rondetafel/{package}/{path.relative_to(ROOT / folder)}")
    expected |= {f"rondetafel/templates/{p.name}" for p in (ROOT / "templates").glob("*.j2")}
    expected |= {
        f"rondetafel/locales/{p.relative_to(ROOT / 'locales')}"
        for p in (ROOT / "locales").rglob("*.po")
    }
    expected.add("rondetafel/storage/migrations/script.py.mako")
    assert sorted(expected - names) == []
    # Nothing installs a top-level `bot` or `storage` into a user's site-packages.
    assert {n.split("/")[0] for n in names} <= {
        "rondetafel",
        wheel.name.split("-")[0] + "-" + wheel.name.split("-")[1] + ".dist-info",
    }
