"""Run `mypy --strict` on the packages as they are installed (`rondetafel.*`).

The top-level folders (flows/, storage/, bot/ …) install under one namespace
through setuptools' package-dir mapping, which mypy cannot follow in an
editable install. This builds a tree of symlinks with the installed layout
and checks that.

    python tools/typecheck.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUBPACKAGES = ("bot", "flows", "storage", "standin", "templates", "locales")
CHECKED = ("rondetafel",)  # the whole namespace: core, storage, shell, stand-in


def link_tree(target: Path) -> Path:
    package = target / "rondetafel"
    package.mkdir()
    for item in (ROOT / "rondetafel").iterdir():
        if item.suffix == ".py":
            (package / item.name).symlink_to(item)
        elif (item / "__init__.py").exists():  # a subpackage inside rondetafel/ (bench/)
            (package / item.name).symlink_to(item, target_is_directory=True)
    for name in SUBPACKAGES:
        (package / name).symlink_to(ROOT / name, target_is_directory=True)
    return target


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="rondetafel-types-") as tmp:
        # mypy also searches its working folder: run it from an empty one.
        tree = Path(tmp) / "tree"
        tree.mkdir()
        link_tree(tree)
        command = [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(ROOT / ".mypy_cache"),
        ]
        for package in CHECKED:
            command += ["-p", package]
        return subprocess.run(
            command, cwd=tmp, env={"MYPYPATH": str(tree), "PATH": ""}, check=False
        ).returncode


if __name__ == "__main__":
    raise SystemExit(main())
