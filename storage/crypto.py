"""Encryption at rest: the keyring, the sealed-value format, and the column types.

Every free-text column (answers, notes, names, agreements, the outbox's texts,
consents) is declared as `EncryptedText` or `EncryptedJSON`. Those types seal a
value on its way into the database and open it on its way out, so the
repositories and handlers above only ever see plain values.

A sealed value is text:

    rt1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>

- AES-256-GCM (authenticated: a changed byte fails to open, it never reads as
  other text), a random 96-bit nonce per value, and the column's name
  ("meetings.state") as associated data, so that a value copied into another
  column fails to open too.
- The key id (8 hex digits of an HMAC of the key) says which key sealed the
  value: `rotate-key` skips values already under the current key, and a
  value under a key this program was not given is named as such, not as
  tampering.
- A value without the prefix is plain text: a row written before encryption
  was turned on, or with `ALLOW_UNENCRYPTED`. It reads as it is, and
  `rotate-key` seals it. Plain text that itself begins with ``rt`` and a digit
  is written behind ``rt0:`` so that it can never be taken for a sealed value.

The keyring a `Database` uses is attached to its engine's dialect (`attach`),
which the column types receive with every value: two databases in one process
(the tests run SQLite and PostgreSQL side by side) each use their own keys,
and no module-level key exists.

Keyed hashes (`Keyring.lookup_hash`) are for equality lookups on secrets such
as invite tokens: HMAC-SHA256 under a key derived (HKDF) from the encryption
key. Decided: derived from the same key rather than a separate lookup secret,
so there is one key to keep and back up. The price: a hash changes with the
key, and `rotate-key` cannot re-hash (a hash cannot be opened). A lookup
therefore tries every key in the ring (`lookup_hashes`), and an old key stays
in ENCRYPTION_OLD_KEYS as long as values hashed under it must still be found
(invites expire in days; then the old key can go).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import Dialect, Text
from sqlalchemy.types import TypeDecorator

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # 96 bits: GCM's native nonce size
KEY_ID_CHARS = 8
SEALED = "rt1:"
# "rt0:" + plain text: a plain value that would otherwise look like a sealed one.
PLAIN = "rt0:"
# "rt1:" + key id + ":": how many characters say which key sealed a value.
HEADER_CHARS = len(SEALED) + KEY_ID_CHARS + 1

_SEAL_INFO = b"rondetafel/aes-256-gcm/v1"
_LOOKUP_INFO = b"rondetafel/lookup-hmac-sha256/v1"
_KEY_ID_INFO = b"rondetafel/key-id/v1"


class EncryptionError(Exception):
    """A value cannot be sealed or opened. Messages never include the value."""


class NoEncryptionDecision(EncryptionError):
    """A `Database` was made without a keyring and without choosing UNENCRYPTED."""


class UnknownKey(EncryptionError):
    """A value was sealed under a key this program was not given."""

    def __init__(self, context: str, key_id: str) -> None:
        super().__init__(
            f"a value in {context} was encrypted with key {key_id}, which is not configured"
            " (set it as ENCRYPTION_KEY or add it to ENCRYPTION_OLD_KEYS)"
        )
        self.key_id = key_id


class TamperedValue(EncryptionError):
    """A sealed value fails to open: changed, truncated, or moved from another column."""


class NotAKey(ValueError):
    """Text that is not a key as `new_key` makes them."""


def new_key() -> str:
    """A fresh random key, as text (base64url of 32 bytes): what `rondetafel keygen` prints."""
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode("ascii")


def parse_key(text: str) -> bytes:
    """The 32 bytes of a key given as base64 (standard or URL-safe, padding optional)."""
    cleaned = "".join(text.split()).translate(str.maketrans("-_", "+/"))
    try:
        key = base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise NotAKey("not base64") from None
    if len(key) != KEY_BYTES:
        raise NotAKey(f"{len(key)} bytes instead of {KEY_BYTES}")
    return key


def key_id(key: bytes) -> str:
    """A short public name for a key: reveals nothing about it, tells keys apart."""
    return hmac.new(key, _KEY_ID_INFO, hashlib.sha256).hexdigest()[:KEY_ID_CHARS]


def sealed_with(stored: str) -> str | None:
    """The id of the key that sealed `stored` (or its first HEADER_CHARS); None if plain text."""
    if not stored.startswith(SEALED) or len(stored) < HEADER_CHARS:
        return None
    return stored[len(SEALED) : HEADER_CHARS - 1]


@dataclass(frozen=True)
class _Key:
    id: str
    aead: AESGCM
    lookup: bytes


def _derive(key: bytes, info: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info).derive(key)


class Keyring:
    """The current key, which seals, and older keys, which only open (during a rotation)."""

    def __init__(self, current: bytes, *, old: Iterable[bytes] = ()) -> None:
        # Imported here, not at the top: `rondetafel health` and a start with
        # ALLOW_UNENCRYPTED need the settings and models but never a cipher.
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        keys = [current, *old]
        for key in keys:
            if len(key) != KEY_BYTES:
                raise NotAKey(f"{len(key)} bytes instead of {KEY_BYTES}")
        self._keys = {
            key_id(key): _Key(
                key_id(key), AESGCM(_derive(key, _SEAL_INFO)), _derive(key, _LOOKUP_INFO)
            )
            for key in reversed(keys)  # the current key wins should an old one repeat it
        }
        self._current = self._keys[key_id(current)]

    @property
    def current_id(self) -> str:
        return self._current.id

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(self._keys)

    def seal(self, plaintext: str, context: str) -> str:
        """`plaintext` sealed under the current key, bound to the column `context`."""
        nonce = os.urandom(NONCE_BYTES)
        # surrogatepass: a lone surrogate (half an emoji from a broken client) is
        # stored and read back as it came, not refused halfway through a save.
        sealed = self._current.aead.encrypt(
            nonce, plaintext.encode("utf-8", "surrogatepass"), context.encode()
        )
        body = base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode("ascii")
        return f"{SEALED}{self._current.id}:{body}"

    def open(self, stored: str, context: str) -> str:
        """The plain text of a value read from the column `context`."""
        if not stored.startswith(SEALED):
            return _plain(stored)
        from cryptography.exceptions import InvalidTag

        kid = sealed_with(stored)
        if kid is None or stored[HEADER_CHARS - 1] != ":":
            raise TamperedValue(f"a value in {context} is damaged: it is not a sealed value")
        key = self._keys.get(kid)
        if key is None:
            raise UnknownKey(context, kid)
        body = stored[HEADER_CHARS:]
        try:
            data = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            opened = key.aead.decrypt(data[:NONCE_BYTES], data[NONCE_BYTES:], context.encode())
        except (binascii.Error, ValueError, InvalidTag):
            raise TamperedValue(
                f"a value in {context} fails its integrity check: it was changed,"
                " or it belongs in another column"
            ) from None
        return opened.decode("utf-8", "surrogatepass")

    def is_current(self, stored: str) -> bool:
        return sealed_with(stored) == self._current.id

    def lookup_hash(self, value: str) -> str:
        """A keyed hash of `value` to store for equality lookups (hex HMAC-SHA256)."""
        return _hmac(self._current.lookup, value)

    def lookup_hashes(self, value: str) -> tuple[str, ...]:
        """`value`'s hash under every key in the ring: a lookup matches any of them."""
        return tuple(_hmac(key.lookup, value) for key in self._keys.values())


def _hmac(key: bytes, value: str) -> str:
    return hmac.new(key, value.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


class Unencrypted:
    """The decision to store plain text (`ALLOW_UNENCRYPTED`): values pass unchanged."""

    def seal(self, plaintext: str, context: str) -> str:
        marked = plaintext[:2] == "rt" and plaintext[2:4] in _MARKERS
        return PLAIN + plaintext if marked else plaintext

    def open(self, stored: str, context: str) -> str:
        kid = sealed_with(stored)
        if kid is not None:
            raise UnknownKey(context, kid)
        return _plain(stored)


# Both markers, after "rt": plain text starting with either is written behind PLAIN.
_MARKERS = frozenset({SEALED[2:], PLAIN[2:]})


def _plain(stored: str) -> str:
    return stored[len(PLAIN) :] if stored.startswith(PLAIN) else stored


UNENCRYPTED: Final = Unencrypted()
Sealing = Keyring | Unencrypted

# The attribute of an engine's dialect that holds its Database's Sealing.
_DIALECT_ATTRIBUTE = "rondetafel_sealing"


def attach(dialect: Dialect, sealing: Sealing) -> None:
    """Make `sealing` the keys of every encrypted column read or written through `dialect`."""
    setattr(dialect, _DIALECT_ATTRIBUTE, sealing)


def sealing_of(dialect: Dialect) -> Sealing:
    sealing: Sealing | None = getattr(dialect, _DIALECT_ATTRIBUTE, None)
    if sealing is None:
        raise NoEncryptionDecision(
            "this database was opened without a keyring: pass Database(url, keyring=Keyring(...))"
            " or, on purpose, keyring=UNENCRYPTED"
        )
    return sealing


class EncryptedText(TypeDecorator[str]):
    """Text stored sealed (see the module's docstring); `context` is "table.column"."""

    impl = Text
    cache_ok = True

    def __init__(self, context: str) -> None:
        super().__init__()
        self.context = context

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else sealing_of(dialect).seal(value, self.context)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else sealing_of(dialect).open(value, self.context)


class EncryptedJSON(TypeDecorator[Any]):
    """A JSON value stored as sealed text; reads plain JSON text written before encryption."""

    impl = Text
    cache_ok = True

    def __init__(self, context: str) -> None:
        super().__init__()
        self.context = context

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        # Compact, and UTF-8 as typed rather than \u escapes: less to encrypt and store.
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return sealing_of(dialect).seal(text, self.context)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else json.loads(sealing_of(dialect).open(value, self.context))
