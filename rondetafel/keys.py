"""The encryption key: where it comes from, and what start-up says when it is missing or wrong.

The key is `ENCRYPTION_KEY` (base64 of 32 bytes, as `rondetafel keygen`
prints it) or the file named by `ENCRYPTION_KEY_FILE`, kept outside the
database and its backups. `ENCRYPTION_OLD_KEYS` lists keys that are only read:
during a rotation the bot runs with the new key as `ENCRYPTION_KEY` and the
old one there, while `rondetafel rotate-key` re-encrypts what is stored.
Without a key, `run` stops unless `ALLOW_UNENCRYPTED=true` says that storing
plain text is meant.
"""

from __future__ import annotations

import logging
from pathlib import Path

from rondetafel.settings import KEY_FORMAT, Settings
from rondetafel.setup_errors import SetupError
from rondetafel.storage.crypto import UNENCRYPTED, Keyring, NotAKey, Sealing, parse_key
from rondetafel.storage.db import Database

_LOG = logging.getLogger("rondetafel")

NO_KEY = (
    "Set ENCRYPTION_KEY or ENCRYPTION_KEY_FILE to a key from `rondetafel keygen`, so that"
    " what people type is stored encrypted (or ALLOW_UNENCRYPTED=true to store it in the clear)."
)


def sealing_from(settings: Settings) -> Sealing:
    """The keyring the settings describe, or UNENCRYPTED if allowed; else a SetupError."""
    current = _current_key(settings)
    old = _old_keys(settings)
    if current is None:
        if old:
            raise SetupError(
                "ENCRYPTION_OLD_KEYS is set but ENCRYPTION_KEY is not:"
                " set ENCRYPTION_KEY (or ENCRYPTION_KEY_FILE) to the current key."
            )
        if settings.allow_unencrypted:
            return UNENCRYPTED
        raise SetupError(NO_KEY)
    return Keyring(current, old=old)


def keyring_from(settings: Settings) -> Keyring:
    """The keyring, for commands that only make sense with one (`rotate-key`)."""
    if settings.encryption_key is None and settings.encryption_key_file is None:
        raise SetupError(
            "Set ENCRYPTION_KEY (or ENCRYPTION_KEY_FILE) to the new key, and"
            " ENCRYPTION_OLD_KEYS to the key or keys it replaces."
        )
    sealing = sealing_from(settings)
    assert isinstance(sealing, Keyring)  # a key is set: never UNENCRYPTED
    return sealing


def database_for(settings: Settings) -> Database:
    """The database of `settings`, with the keys of `settings`."""
    return Database(settings.database_url, keyring=sealing_from(settings))


def _current_key(settings: Settings) -> bytes | None:
    given, path = settings.encryption_key, settings.encryption_key_file
    if given is not None and path is not None:
        raise SetupError("Set ENCRYPTION_KEY or ENCRYPTION_KEY_FILE, not both.")
    if given is not None:
        return parse_key(given.get_secret_value())  # checked by Settings already
    if path is None:
        return None
    return _key_in_file(path)


def _key_in_file(path: Path) -> bytes:
    try:
        text = path.read_text(encoding="ascii")
    except UnicodeDecodeError:
        text = ""  # then "does not hold a key", below
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise SetupError(f"Cannot read ENCRYPTION_KEY_FILE ({path}): {reason}.") from None
    try:
        return parse_key(text)
    except NotAKey:
        raise SetupError(
            f"ENCRYPTION_KEY_FILE ({path}) does not hold a key: {KEY_FORMAT}."
        ) from None


def _old_keys(settings: Settings) -> list[bytes]:
    if settings.encryption_old_keys is None:
        return []
    return [parse_key(key) for key in settings.encryption_old_keys.get_secret_value().split(",")]


async def check_database_keys(db: Database, sealing: Sealing) -> None:
    """Stop with a SetupError if the database was sealed with keys `sealing` lacks.

    Plain text left from before encryption is no reason to stop: it reads as
    it is. The log says how to seal it.
    """
    from rondetafel.storage.sealed_columns import newest_key_ids

    found = await newest_key_ids(db)
    sealed = sorted({key_id for key_id in found.values() if key_id is not None})
    if not isinstance(sealing, Keyring):
        if sealed:
            raise SetupError(
                f"The database is encrypted (key {', '.join(sealed)}), but no ENCRYPTION_KEY"
                " is set: set the key it was encrypted with."
            )
        return
    unknown = [key_id for key_id in sealed if key_id not in sealing.ids]
    if unknown:
        raise SetupError(
            f"The database was encrypted with another key (key {', '.join(unknown)};"
            f" ENCRYPTION_KEY is key {sealing.current_id}): set ENCRYPTION_KEY to the key"
            " it was encrypted with, or add that key to ENCRYPTION_OLD_KEYS."
        )
    if None in found.values():
        _LOG.warning(
            "Some stored text is not encrypted yet (written before ENCRYPTION_KEY was set):"
            " `rondetafel rotate-key` encrypts it."
        )
