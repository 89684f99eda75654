"""Encryption at rest: sealed values, the column types, and re-sealing under a new key."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import BigInteger, Integer, Text, column, insert, make_url, select, table
from sqlalchemy.exc import StatementError

from rondetafel.flows.events import Button
from rondetafel.flows.family import HomeKind, Relation
from rondetafel.flows.follow_up import AgreementStatus
from rondetafel.flows.script import Role
from rondetafel.flows.state import MeetingState, Status
from rondetafel.storage.crypto import (
    HEADER_CHARS,
    UNENCRYPTED,
    Keyring,
    NoEncryptionDecision,
    NotAKey,
    TamperedValue,
    UnknownKey,
    key_id,
    new_key,
    parse_key,
    sealed_with,
)
from rondetafel.storage.db import Database
from rondetafel.storage.models import Case, ConsentRow, School, UTCDateTime
from rondetafel.storage.outbox import Outgoing
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.sealed_columns import (
    Resealed,
    newest_key_ids,
    reseal,
    sealed_columns,
)
from rondetafel.storage.unit_of_work import in_transaction
from tests.conftest import TEST_KEYRING

from .states import CHAIR, GROUP, MENTOR, NOW, OTHER_GROUP, PARENT, opened, press, reply

KEY_A, KEY_B = bytes(range(32)), bytes(range(32, 64))
CONTEXT = "agreements.what"

# Texts no ciphertext, key id or other column could hold by chance.
PSEUDONYM = "Zwaluw-7731"
ANSWER = "Antwoord-dat-nooit-leesbaar-mag-zijn-7731"
AGREEMENT = "Afspraak-die-versleuteld-blijft-4417"
PROFESSIONAL = "Jeugdarts-Wilhelmina-9021"
PURPOSE = "Doel-van-de-toestemming-5580"
NOTE = "Notitie-van-de-eigenaar-3318"
EVALUATOR = "Mentor-Evaluator-6604"
OBSERVATION = "Wat-we-nu-zien-8812"
MOTHER = "Moeder-Voornaam-5120"
FROM_HOME = "Thuis-slaapt-hij-slecht-7301"
SECRETS = (
    PSEUDONYM,
    ANSWER,
    AGREEMENT,
    PROFESSIONAL,
    PURPOSE,
    NOTE,
    EVALUATOR,
    OBSERVATION,
    MOTHER,
    FROM_HOME,
)
ENCRYPTED = {
    "cases.pseudonym",
    "meetings.state",
    "agreements.what",
    "agreements.owner_name",
    "outbox.payload",
    "consents.professional_name",
    "consents.purpose",
    "parked_updates.data",  # updates as people sent them, waiting to be handled
    "agreements.status_note",  # an owner's words with a reminder's answer
    "evaluations.evaluator_name",
    "evaluations.state",  # the evaluation conversation: results, observations, next steps
    "family_members.name",  # a parent's first name
    "home_contributions.text",  # what a parent shared from home
}


def flip(sealed: str, at: int) -> str:
    """`sealed` with one byte of its body changed, kept valid base64url."""
    body = bytearray(base64.urlsafe_b64decode(sealed[HEADER_CHARS:] + "=="))
    body[at] ^= 0x01
    return sealed[:HEADER_CHARS] + base64.urlsafe_b64encode(bytes(body)).decode().rstrip("=")


# ---------------------------------------------------------------- the keyring


def test_a_sealed_value_opens_to_what_was_sealed_and_shows_none_of_it() -> None:
    keyring = Keyring(KEY_A)
    text = "Fatma: 21 uur naar bed, ook in het weekend 🌙 — ë"

    sealed = keyring.seal(text, CONTEXT)

    assert keyring.open(sealed, CONTEXT) == text
    assert sealed.startswith(f"rt1:{key_id(KEY_A)}:") and "bed" not in sealed


def test_the_same_text_seals_differently_every_time() -> None:
    keyring = Keyring(KEY_A)
    assert keyring.seal("S.B.", CONTEXT) != keyring.seal("S.B.", CONTEXT)


@pytest.mark.parametrize("at", [0, 11, 12, -1])  # nonce, its last byte, ciphertext, tag
def test_a_changed_byte_is_told_not_read_as_other_text(at: int) -> None:
    keyring = Keyring(KEY_A)
    sealed = keyring.seal("Om 21 uur naar bed", CONTEXT)
    body_length = len(base64.urlsafe_b64decode(sealed[HEADER_CHARS:] + "=="))

    with pytest.raises(TamperedValue, match=r"agreements\.what fails its integrity check"):
        keyring.open(flip(sealed, at % body_length), CONTEXT)


@pytest.mark.parametrize(
    "damage",
    [
        lambda sealed: sealed[:-4],  # cut short
        lambda sealed: sealed[:HEADER_CHARS],  # no body at all
        lambda sealed: sealed[:HEADER_CHARS] + "!" + sealed[HEADER_CHARS + 1 :],  # not base64
        lambda sealed: "rt1:short",  # not even a header
    ],
)
def test_a_damaged_value_is_told(damage: Any) -> None:
    keyring = Keyring(KEY_A)
    with pytest.raises(TamperedValue):
        keyring.open(damage(keyring.seal("Om 21 uur naar bed", CONTEXT)), CONTEXT)


def test_a_value_moved_to_another_column_does_not_open() -> None:
    keyring = Keyring(KEY_A)
    sealed = keyring.seal("Om 21 uur naar bed", "agreements.what")
    with pytest.raises(TamperedValue, match=r"cases\.pseudonym"):
        keyring.open(sealed, "cases.pseudonym")


def test_a_value_sealed_with_another_key_names_that_key() -> None:
    sealed = Keyring(KEY_A).seal("S.B.", CONTEXT)
    with pytest.raises(UnknownKey, match=key_id(KEY_A)) as raised:
        Keyring(KEY_B).open(sealed, CONTEXT)
    assert raised.value.key_id == key_id(KEY_A)


def test_old_keys_open_and_the_current_key_seals() -> None:
    old = Keyring(KEY_A).seal("S.B.", CONTEXT)
    keyring = Keyring(KEY_B, old=[KEY_A])

    assert keyring.open(old, CONTEXT) == "S.B."
    assert not keyring.is_current(old)
    assert keyring.is_current(keyring.seal("S.B.", CONTEXT))
    assert keyring.ids == {key_id(KEY_A), key_id(KEY_B)}


def test_plain_text_from_before_encryption_reads_as_it_is() -> None:
    assert Keyring(KEY_A).open("S.B.", CONTEXT) == "S.B."
    assert Keyring(KEY_A).open('{"v": 2}', "meetings.state") == '{"v": 2}'


def test_unencrypted_stores_plain_text_that_is_never_taken_for_a_sealed_value() -> None:
    assert UNENCRYPTED.seal("S.B.", CONTEXT) == "S.B."
    for text in ("rt1:00000000:looks sealed", "rt0:looks marked", "rt1", "rt"):
        stored = UNENCRYPTED.seal(text, CONTEXT)
        assert UNENCRYPTED.open(stored, CONTEXT) == text
        assert Keyring(KEY_A).open(stored, CONTEXT) == text
    with pytest.raises(UnknownKey):
        UNENCRYPTED.open(Keyring(KEY_A).seal("S.B.", CONTEXT), CONTEXT)


def test_a_key_is_32_bytes_of_base64_in_either_alphabet() -> None:
    key = new_key()
    assert len(key) == 44 and len(parse_key(key)) == 32
    raw = bytes(range(200, 232))  # has bytes that need + and / (or - and _)
    for text in (
        base64.b64encode(raw).decode(),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
        f"  {base64.b64encode(raw).decode()}\n",
    ):
        assert parse_key(text) == raw
    for wrong in ("", "not base64!", base64.b64encode(bytes(16)).decode()):
        with pytest.raises(NotAKey):
            parse_key(wrong)


def test_keyed_hashes_are_stable_per_key_and_found_under_old_keys() -> None:
    token = "invite-3f9a"
    old, new = Keyring(KEY_A), Keyring(KEY_B, old=[KEY_A])

    assert old.lookup_hash(token) == Keyring(KEY_A).lookup_hash(token)
    assert new.lookup_hash(token) != old.lookup_hash(token)
    assert old.lookup_hash(token) in new.lookup_hashes(token)
    assert new.lookup_hash(token) in new.lookup_hashes(token)
    assert old.lookup_hash("invite-3f9b") != old.lookup_hash(token)
    # Not the key's id, nor a plain hash anyone could compute without the key.
    assert len(old.lookup_hash(token)) == 64 and key_id(KEY_A) not in old.lookup_hash(token)


# ---------------------------------------------------------------- the columns


def test_exactly_the_free_text_columns_are_encrypted_each_under_its_own_name() -> None:
    found = sealed_columns()
    assert {c.context for c in found} == ENCRYPTED
    assert all(c.context == f"{c.table}.{c.column}" for c in found)


async def test_a_database_without_a_decision_refuses_to_store_free_text(
    database_url: str,
) -> None:
    await _upgraded(database_url)
    db = Database(database_url)
    try:
        with pytest.raises(StatementError) as raised:
            await in_transaction(db, lambda repos: repos.cases.open(GROUP, "S.B.", NOW))
        assert isinstance(raised.value.orig, NoEncryptionDecision)
    finally:
        await db.dispose()


async def test_two_databases_in_one_process_each_use_their_own_key(tmp_path: Path) -> None:
    first = await _upgraded(f"sqlite+aiosqlite:///{tmp_path / 'a.db'}", Keyring(KEY_A))
    second = await _upgraded(f"sqlite+aiosqlite:///{tmp_path / 'b.db'}", Keyring(KEY_B))
    try:
        await in_transaction(first, lambda repos: repos.cases.open(GROUP, "A.A.", NOW))
        await in_transaction(second, lambda repos: repos.cases.open(GROUP, "B.B.", NOW))

        assert await _raw_key_ids(first, "cases", "pseudonym") == [key_id(KEY_A)]
        assert await _raw_key_ids(second, "cases", "pseudonym") == [key_id(KEY_B)]
        found = await in_transaction(second, lambda repos: repos.cases.for_chat(GROUP))
        assert found is not None and found.pseudonym == "B.B."
    finally:
        await first.dispose()
        await second.dispose()


async def test_rows_written_before_encryption_still_read(db: Database) -> None:
    raw_cases = table(
        "cases",
        column("school_id", Integer),
        column("chat_id", BigInteger),
        column("pseudonym", Text),
        column("created_at", UTCDateTime),
    )
    raw_outbox = table("outbox", column("id", Integer), column("payload", Text))
    async with db.connection() as connection, connection.begin():
        school = (
            await connection.execute(insert(School).values(name="X").returning(School.id))
        ).one()
        await connection.execute(
            insert(raw_cases).values(
                school_id=school.id, chat_id=GROUP, pseudonym="S.B.", created_at=NOW
            )
        )
    await in_transaction(
        db, lambda repos: repos.outbox.add([Outgoing(OTHER_GROUP, "send", {"text": "x"})], NOW)
    )
    async with db.connection() as connection, connection.begin():
        await connection.execute(raw_outbox.update().values(payload='{"text": "plain ë"}'))

    found = await in_transaction(db, lambda repos: repos.cases.for_chat(GROUP))
    pending = await in_transaction(db, lambda repos: repos.outbox.next_for(OTHER_GROUP))

    assert found is not None and found.pseudonym == "S.B."
    assert pending is not None and pending.payload == {"text": "plain ë"}
    assert await newest_key_ids(db) == {"cases.pseudonym": None, "outbox.payload": None}


async def test_a_tampered_row_is_an_error_not_garbage(db: Database) -> None:
    await in_transaction(db, lambda repos: repos.cases.open(GROUP, "S.B.", NOW))
    raw = table("cases", column("id", Integer), column("pseudonym", Text))
    async with db.connection() as connection, connection.begin():
        sealed = await connection.scalar(select(raw.c.pseudonym))
        assert sealed is not None
        await connection.execute(raw.update().values(pseudonym=flip(sealed, 20)))

    with pytest.raises(TamperedValue, match=r"cases\.pseudonym"):
        await in_transaction(db, lambda repos: repos.cases.for_chat(GROUP))


# ---------------------------------------------------------------- nothing readable at rest


def secret_meeting(meeting_id: int) -> MeetingState:
    """A whole pupil meeting whose pupil, answer and agreement are the SECRETS."""
    state = reply(opened(meeting_id), CHAIR, PSEUDONYM, 1)
    assert state.pupil == PSEUDONYM
    state = press(state, MENTOR, Button.JOIN, Role.MENTOR.value)
    state = press(state, PARENT, Button.JOIN, Role.PARENT.value)
    state = press(state, CHAIR, Button.START)
    # The chair's replies are always their points, whoever's turn it is.
    state = reply(state, CHAIR, ANSWER, 5)
    for _ in range(20):
        if state.phase is not None and state.phase.key == "agreements":
            break
        state = press(state, CHAIR, Button.CLOSE_PHASE)
    state = reply(state, PARENT, AGREEMENT, 10)  # the parent speaks first here
    state = press(state, PARENT, Button.DUE, "14")
    state = press(state, CHAIR, Button.CLOSE_PHASE)
    state = press(state, CHAIR, Button.EVALUATION, "42")
    for _ in range(20):
        if state.status is Status.FINISHED:
            break
        state = press(state, CHAIR, Button.CLOSE_PHASE)
    assert state.status is Status.FINISHED
    assert [a.what for a in state.agreements] == [AGREEMENT]
    return state


async def store_secrets(db: Database) -> None:
    """The secret meeting through the repositories, with its texts owed and a consent."""
    loaded = await in_transaction(db, lambda repos: repos.meetings.create(GROUP, opened, NOW))
    await in_transaction(
        db, lambda repos: repos.meetings.save(loaded, secret_meeting(loaded.id), NOW)
    )
    owed = Outgoing(GROUP, "send", {"text": f"{PSEUDONYM}: {ANSWER}"}, meeting_id=loaded.id)
    await in_transaction(db, lambda repos: repos.outbox.add([owed], NOW))
    # The same answer as it came from Telegram, parked until handled.
    waiting = (77, GROUP, {"update_id": 77, "message": {"text": ANSWER}})
    await in_transaction(db, lambda repos: repos.parked_updates.park([waiting], NOW))
    async with db.connection() as connection, connection.begin():
        case_id = await connection.scalar(select(Case.id))
        await connection.execute(
            insert(ConsentRow).values(
                case_id=case_id, professional_user_id=1, professional_name=PROFESSIONAL,
                given_by="parents", purpose=PURPOSE, recorded_by=CHAIR.user_id, given_at=NOW,
            )
        )  # fmt: skip

    async def follow_up(repos: Repositories) -> None:
        # Between meetings: an owner's note, and the evaluation with what was seen.
        (agreement, *_) = await repos.agreements.of_meeting(loaded.id)
        await repos.agreements.set_status(agreement.id, AgreementStatus.IN_PROGRESS, NOW, note=NOTE)
        evaluation = await repos.evaluations.add(
            agreement_case, loaded.id, user_id=MENTOR.user_id, evaluator_name=EVALUATOR,
            due=NOW.date(), now=NOW,
        )  # fmt: skip
        await repos.evaluations.save(evaluation, {"seen": OBSERVATION}, "asking")
        # A parent linked in private, and what she shared from home.
        await repos.family.join(
            agreement_case, 4242, Relation.PARENT, name=MOTHER, language="tr", prompt="menu",
            now=NOW,
        )  # fmt: skip
        mother = await repos.family.member_in_case(agreement_case, 4242)
        assert mother is not None
        await repos.family.add(
            mother, HomeKind.HARD, FROM_HOME, now=NOW, notify_user_id=MENTOR.user_id
        )

    agreement_case = case_id
    assert agreement_case is not None
    await in_transaction(db, follow_up)


async def test_no_free_text_is_readable_in_the_database_itself(db: Database) -> None:
    await store_secrets(db)
    # Read back through the storage layer, everything is there.
    finished = await in_transaction(db, lambda repos: repos.meetings.last_finished_in_chat(GROUP))
    assert finished is not None and finished.state.pupil == PSEUDONYM

    if db.dialect == "sqlite":
        stored = _sqlite_bytes(db)
        await db.dispose()  # the checkpoint moves the log into the file: read that too
        stored += _sqlite_bytes(db)
    else:
        stored = await _postgres_rows(db)
    for secret in (*SECRETS, "Chris", "Pieter"):
        assert secret.encode() not in stored, secret
    assert b"rt1:" + key_id(parse_key(_TEST_KEY_TEXT)).encode() in stored


_TEST_KEY_TEXT = base64.b64encode(b"rondetafel test key, not secret!").decode()


def _sqlite_bytes(db: Database) -> bytes:
    path = Path(str(make_url(db.url).database))
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-journal")]
    return b"".join(f.read_bytes() for f in files if f.exists())


async def _postgres_rows(db: Database) -> bytes:
    """Every row of every table, as PostgreSQL itself renders it, fetched around SQLAlchemy."""
    dsn = make_url(db.url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        names = await connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        )
        rows = []
        for (name,) in names:
            # Names from the catalog, not input; identifiers cannot be parameters.
            rows += await connection.fetch(f'SELECT t::text FROM "{name}" t')
    finally:
        await connection.close()
    return "\n".join(row[0] for row in rows).encode()


# ---------------------------------------------------------------- rotate-key


class Interrupted(Exception):
    pass


async def test_resealing_is_resumable_and_leaves_everything_under_the_new_key(
    database_url: str,
) -> None:
    old_db = await _upgraded(database_url, Keyring(KEY_A))
    try:
        await store_secrets(old_db)
        # And one row from before encryption was turned on.
        await in_transaction(old_db, lambda repos: repos.cases.open(OTHER_GROUP, "P.L.", NOW))
        raw = table("cases", column("chat_id", BigInteger), column("pseudonym", Text))
        async with old_db.connection() as connection, connection.begin():
            await connection.execute(
                raw.update().where(raw.c.chat_id == OTHER_GROUP).values(pseudonym="P.L.")
            )
    finally:
        await old_db.dispose()
    rotating = Keyring(KEY_B, old=[KEY_A])
    db = Database(database_url, keyring=rotating)
    interrupted: list[Resealed] = []

    async def interrupt(done: Resealed) -> None:
        interrupted.append(done)
        raise Interrupted

    try:
        before = _flatten(await _all_key_ids(db))
        with pytest.raises(Interrupted):
            await reseal(db, rotating, batch=1, after_batch=interrupt)
        halfway = _flatten(await _all_key_ids(db))
        again = await reseal(db, rotating, batch=1)
        once_more = await reseal(db, rotating, batch=1)
    finally:
        await db.dispose()

    assert before == {key_id(KEY_A): sum(before.values()) - 1, None: 1}
    # The first batch (one value) stayed done; the second run did the rest, once.
    assert interrupted[0].total == halfway[key_id(KEY_B)] == 1
    assert interrupted[0].total + again.total == sum(before.values())
    assert interrupted[0].sealed + again.sealed == 1
    assert once_more.total == 0
    # Only the new key is needed now, and everything reads back.
    new_db = Database(database_url, keyring=Keyring(KEY_B))
    try:
        assert _flatten(await _all_key_ids(new_db)).keys() == {key_id(KEY_B)}
        finished = await in_transaction(
            new_db, lambda repos: repos.meetings.last_finished_in_chat(GROUP)
        )
        other = await in_transaction(new_db, lambda repos: repos.cases.for_chat(OTHER_GROUP))
        pending = await in_transaction(new_db, lambda repos: repos.outbox.next_for(GROUP))
        async with new_db.connection() as connection:
            consent = (await connection.execute(select(ConsentRow.professional_name))).scalar()
    finally:
        await new_db.dispose()
    assert finished is not None and finished.state.pupil == PSEUDONYM
    assert [a.what for a in finished.state.agreements] == [AGREEMENT]
    assert other is not None and other.pseudonym == "P.L."
    assert pending is not None and pending.payload["text"] == f"{PSEUDONYM}: {ANSWER}"
    assert consent == PROFESSIONAL


async def test_resealing_stops_at_a_value_under_a_key_it_was_not_given(db: Database) -> None:
    await in_transaction(db, lambda repos: repos.cases.open(GROUP, "S.B.", NOW))
    with pytest.raises(UnknownKey):
        await reseal(db, Keyring(KEY_B), batch=1)


async def test_the_newest_value_of_each_column_names_its_key(db: Database) -> None:
    assert await newest_key_ids(db) == {}
    await store_secrets(db)
    found = await newest_key_ids(db)
    assert found.keys() == ENCRYPTED and set(found.values()) == {TEST_KEYRING.current_id}


# ---------------------------------------------------------------- helpers


async def _upgraded(url: str, keyring: Keyring | None = None) -> Database:
    db = Database(url, keyring=keyring)
    await db.upgrade()
    return db


async def _raw_key_ids(db: Database, name: str, field: str) -> list[str | None]:
    raw = table(name, column(field, Text))
    async with db.engine.connect() as connection:
        # NULL is no value (a note nobody wrote): nothing to seal.
        values = await connection.scalars(select(raw.c[field]).where(raw.c[field].is_not(None)))
        return [sealed_with(v) for v in values]


async def _all_key_ids(db: Database) -> dict[str, list[str | None]]:
    return {c.context: await _raw_key_ids(db, c.table, c.column) for c in sealed_columns()}


def _flatten(found: dict[str, list[str | None]]) -> dict[str | None, int]:
    counts: dict[str | None, int] = {}
    for ids in found.values():
        for kid in ids:
            counts[kid] = counts.get(kid, 0) + 1
    return counts
