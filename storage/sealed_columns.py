"""The encrypted columns as a whole: which keys sealed them, and sealing them anew.

`rondetafel run` asks `newest_key_ids` at start, so that a database sealed
with another key is named at once instead of failing on the first update.
`rondetafel rotate-key` calls `reseal`: every value not yet under the current
key (sealed under an older one, or plain text from before encryption) is
sealed under it, a batch at a time, each batch its own transaction. Values
already under the current key are skipped, so running it again after an
interruption finishes the job.

Both read and write the columns as raw text (the tables below carry plain
`Text`, not the sealing types) and seal with the keyring directly: a value is
opened and sealed again without ever being parsed, JSON included.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import Integer, Table, TableClause, Text, column, func, select, table, update

from .crypto import HEADER_CHARS, SEALED, EncryptedJSON, EncryptedText, Keyring, sealed_with
from .db import Database, changed_rows
from .models import Base

DEFAULT_BATCH = 200


@dataclass(frozen=True)
class SealedColumn:
    table: str
    column: str
    primary_key: str
    # The associated data values of this column are sealed with ("meetings.state").
    context: str

    def raw(self) -> TableClause:
        """The column as plain text, next to the row's key: what is stored, unopened."""
        return table(self.table, column(self.primary_key, Integer), column(self.column, Text))


def sealed_columns() -> list[SealedColumn]:
    """Every encrypted column of the schema, found by its type: a new one is covered too."""
    found = []
    for model_table in Base.metadata.sorted_tables:
        for model_column in model_table.columns:
            if isinstance(model_column.type, EncryptedText | EncryptedJSON):
                found.append(
                    SealedColumn(
                        model_table.name,
                        model_column.name,
                        _single_key(model_table),
                        model_column.type.context,
                    )
                )
    return found


def _single_key(model_table: Table) -> str:
    keys = list(model_table.primary_key.columns)
    if len(keys) != 1:
        raise TypeError(f"{model_table.name}: resealing needs a one-column primary key")
    return keys[0].name


async def newest_key_ids(db: Database) -> dict[str, str | None]:
    """Per column that holds a value: the key id its newest value was sealed with (None: plain).

    The newest row only: enough to tell a database sealed with another key, and
    cheap at every start however many meetings the database holds.
    """
    found: dict[str, str | None] = {}
    async with db.engine.connect() as connection:
        for sealed in sealed_columns():
            raw = sealed.raw()
            value = raw.c[sealed.column]
            header = await connection.scalar(
                select(func.substr(value, 1, HEADER_CHARS))
                .where(value.is_not(None))
                .order_by(raw.c[sealed.primary_key].desc())
                .limit(1)
            )
            if header is not None:
                found[sealed.context] = sealed_with(header)
    return found


@dataclass
class Resealed:
    """What `reseal` did: counts only, never content."""

    # Values that were under an older key.
    rekeyed: int = 0
    # Values that were plain text (written before encryption, or unencrypted).
    sealed: int = 0
    # Values that changed between reading and writing: the bot rewrote them
    # meanwhile, under the current key, so nothing was lost.
    raced: int = 0

    @property
    def total(self) -> int:
        return self.rekeyed + self.sealed


async def reseal(
    db: Database,
    keyring: Keyring,
    *,
    batch: int = DEFAULT_BATCH,
    after_batch: Callable[[Resealed], Awaitable[None]] | None = None,
) -> Resealed:
    """Seal every stored value under `keyring`'s current key; see the module's docstring.

    Raises `crypto.UnknownKey` for a value sealed under a key not in the
    keyring, and `crypto.TamperedValue` for one that fails to open; the
    batches before it stay done. `after_batch` runs after each committed batch
    (progress, or a test interrupting the run).
    """
    if batch < 1:
        raise ValueError("batch must be at least 1")
    done = Resealed()
    current = f"{SEALED}{keyring.current_id}:%"
    for sealed in sealed_columns():
        raw = sealed.raw()
        key, value = raw.c[sealed.primary_key], raw.c[sealed.column]
        last = None
        while True:
            # One short transaction per batch: the bot keeps working meanwhile,
            # and an interruption loses at most the batch in hand.
            async with db.engine.begin() as connection:
                query = select(key, value).where(value.is_not(None), value.not_like(current))
                if last is not None:
                    query = query.where(key > last)
                rows = (await connection.execute(query.order_by(key).limit(batch))).all()
                for row_key, stored in rows:
                    fresh = keyring.seal(keyring.open(stored, sealed.context), sealed.context)
                    # Only over the value read: if the bot saved the row since,
                    # its value is already under the current key.
                    written = await connection.execute(
                        update(raw).where(key == row_key, value == stored).values({value: fresh})
                    )
                    if not changed_rows(written):
                        done.raced += 1
                    elif sealed_with(stored) is None:
                        done.sealed += 1
                    else:
                        done.rekeyed += 1
            if not rows:
                break
            last = rows[-1][0]
            if after_batch is not None:
                await after_batch(done)
    return done
