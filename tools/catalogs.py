"""Extract every translatable sentence and update the catalogs.

    python tools/catalogs.py          # extract → locales/rondetafel.pot, update every catalog

Source texts are English; `en` is filled with the source text where a
translator left it empty, so "English" is a real catalog that can be edited.
The parents' own languages (Arabic, Turkish, Polish, Ukrainian) keep only
what a parent reads (`parent_messages`); a new sentence there arrives empty
and marked unreviewed, so the catalog test fails until it is translated.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
POT = LOCALES / "rondetafel.pot"
LANGUAGES = ("nl", "en")


def main() -> int:
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run(
        [
            str(pybabel),
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "--no-location",
            "--sort-output",
            "--omit-header",
            "-o",
            str(POT),
            "flows",
            "bot",
            "rondetafel",
            "templates",
        ],
        check=True,
        cwd=ROOT,
    )
    for language in LANGUAGES:
        po = LOCALES / language / "LC_MESSAGES" / "rondetafel.po"
        po.parent.mkdir(parents=True, exist_ok=True)
        action = ["update", "--no-fuzzy-matching", "--ignore-obsolete", "--omit-header"]
        if not po.exists():
            action = ["init"]
        catalog = ["-D", "rondetafel", "-i", str(POT), "-d", str(LOCALES), "-l", language]
        subprocess.run([str(pybabel), "-q", action[0], *catalog, *action[1:]], check=True, cwd=ROOT)
    english = LOCALES / "en" / "LC_MESSAGES" / "rondetafel.po"
    with english.open("rb") as f:
        catalog = read_po(f, locale="en")
    for message in catalog:
        if message.id and not message.string:
            message.string = message.id
    with english.open("wb") as f:
        write_po(f, catalog, omit_header=True, no_location=True, sort_output=True, width=100)
    update_parent_catalogs()
    return 0


def update_parent_catalogs() -> None:
    from rondetafel.bot.family_texts import parent_messages_with_templates
    from rondetafel.i18n import PARENT_ONLY_LANGUAGES, UNREVIEWED

    wanted = parent_messages_with_templates()
    with POT.open("rb") as f:
        template = read_po(f)
    for language in PARENT_ONLY_LANGUAGES:
        po = LOCALES / language / "LC_MESSAGES" / "rondetafel.po"
        po.parent.mkdir(parents=True, exist_ok=True)
        old: dict[str, tuple[str, list[str]]] = {}
        if po.exists():
            with po.open("rb") as f:
                for message in read_po(f, locale=language):
                    if message.id:
                        old[str(message.id)] = (str(message.string), list(message.user_comments))
        catalog = Catalog(locale=language, domain="rondetafel")
        for message in template:
            if not message.id or message.id not in wanted:
                continue
            string, comments = old.get(str(message.id), ("", [UNREVIEWED]))
            catalog.add(
                message.id,
                string,
                user_comments=comments,
                flags=[f for f in message.flags if f != "fuzzy"],
            )
        with po.open("wb") as f:
            write_po(f, catalog, omit_header=True, no_location=True, sort_output=True, width=100)


if __name__ == "__main__":
    raise SystemExit(main())
