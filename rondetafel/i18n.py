"""Translation catalogs: gettext `.po` files compiled with Babel when loaded.

The catalogs ship as `.po` only; compiling them in memory at start-up (a few
milliseconds) means no generated `.mo` file has to be built, committed or
forgotten.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "rondetafel"
# Languages a chat (the meeting) can run in.
CHAT_LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
# Languages only parents read: their catalogs hold what a parent reads and no more
# (`bot/family_texts.parent_messages`); a sentence missing there shows in English.
PARENT_ONLY_LANGUAGES = ("ar", "tr", "pl", "uk")
# The translator comment on a translation no native speaker has checked yet: a
# school can find them (and the README counts them) before relying on them.
UNREVIEWED = "unreviewed: not yet checked by a native speaker"


def catalog_path(language: str) -> resources.abc.Traversable:
    return resources.files("rondetafel.locales") / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalog for `language`; a missing entry shows the source text.

    Catalog completeness for Dutch and English is enforced by a test, so the
    fallback is a safety net, not a feature.
    """
    path = catalog_path(language)
    if not path.is_file():
        path = catalog_path(DEFAULT_LANGUAGE)
    with path.open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)
