"""Every sentence a person reads is in the catalogs, complete in Dutch and English; and
everything a parent reads in each of the parents' six languages."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.pofile import read_po

from rondetafel.bot.family_texts import parent_messages_with_templates
from rondetafel.bot.texts import DONE, WHY
from rondetafel.flows.effects import Done, Why
from rondetafel.flows.family import PARENT_LANGUAGES
from rondetafel.i18n import (
    CHAT_LANGUAGES,
    PARENT_ONLY_LANGUAGES,
    UNREVIEWED,
    catalog_path,
    translations,
)

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


# ---------------------------------------------------------------- the parents' languages


def unreviewed(language: str) -> int:
    with catalog_path(language).open("rb") as po:
        return sum(
            1 for m in read_po(po, locale=language) if m.id and UNREVIEWED in m.user_comments
        )


@pytest.mark.parametrize("language", PARENT_LANGUAGES)
def test_everything_a_parent_reads_is_translated_in_their_language(language: str) -> None:
    catalog = entries(language)
    missing = sorted(m for m in parent_messages_with_templates() if not catalog.get(m))
    assert missing == []


@pytest.mark.parametrize("language", PARENT_ONLY_LANGUAGES)
def test_a_parents_catalog_holds_what_a_parent_reads_and_no_more(language: str) -> None:
    assert set(entries(language)) == set(parent_messages_with_templates())


@pytest.mark.parametrize("language", PARENT_ONLY_LANGUAGES)
def test_parent_translations_keep_every_placeholder_and_tag(language: str) -> None:
    broken = [
        (msgid, text)
        for msgid, text in entries(language).items()
        if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(text))
    ]
    assert broken == []


def test_the_check_catches_a_missing_or_broken_translation() -> None:
    """The checks above can fail: a catalog with a gap or a lost placeholder is found."""
    source = "<b>{pupil}</b> · {school}"
    assert sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall("<b>{pupil}</b>"))
    assert sorted(PLACEHOLDER.findall(source)) != sorted(
        PLACEHOLDER.findall("<i>{pupil}</i> {school}")
    )


def unreviewed_table() -> str:
    rows = ["| language | sentences | not yet reviewed by a native speaker |", "|---|---|---|"]
    for language in PARENT_ONLY_LANGUAGES:
        name = Locale.parse(language).get_display_name("en") or language
        rows.append(f"| {name} ({language}) | {len(entries(language))} | {unreviewed(language)} |")
    return "\n".join(rows)


def test_the_readme_lists_the_translations_no_native_speaker_has_reviewed() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme.split("<!-- unreviewed:start -->\n", 1)[1].split("\n<!-- unreviewed:end -->")[0]
    assert shown == unreviewed_table()
