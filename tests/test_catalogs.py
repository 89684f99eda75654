"""Every sentence a person reads is in the catalogs, complete in Dutch and English."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from rondetafel.bot.texts import DONE, WHY
from rondetafel.flows.effects import Done, Why
from rondetafel.i18n import CHAT_LANGUAGES, catalog_path, translations

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{\w+\}|%\(\w+\)s|</?\w+[^>]*>")


def entries(language: str) -> dict[str, str]:
    with catalog_path(language).open("rb") as po:
        catalog = read_po(po, locale=language)
    return {m.id: m.string for m in catalog if m.id and not m.fuzzy}  # type: ignore[misc]


@pytest.mark.parametrize("language", CHAT_LANGUAGES)
def test_every_sentence_is_translated(language: str) -> None:
    missing = [msgid for msgid, text in entries(language).items() if not text]
    assert missing == []


@pytest.mark.parametrize("language", CHAT_LANGUAGES)
def test_translations_keep_every_placeholder_and_tag(language: str) -> None:
    broken = [
        (msgid, text)
        for msgid, text in entries(language).items()
        if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(text))
    ]
    assert broken == []


def test_the_catalogs_hold_every_sentence_in_the_code(tmp_path: Path) -> None:
    pot = tmp_path / "fresh.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "--no-location",
            "-o",
            str(pot),
            "flows",
            "bot",
            "rondetafel",
            "templates",
        ],
        cwd=ROOT,
        check=True,
    )
    with pot.open("rb") as f:
        in_code = {m.id for m in read_po(f) if m.id}
    assert sorted(in_code - set(entries("nl"))) == []


def test_every_refusal_and_confirmation_has_a_sentence() -> None:
    assert set(WHY) == set(Why)
    assert set(DONE) == set(Done)


def test_dutch_is_dutch() -> None:
    assert translations("nl").gettext("What goes well") == "Wat gaat goed"
