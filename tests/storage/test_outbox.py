"""The outbox: what the bot owes each chat, in order, until it is delivered or given up."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from rondetafel.storage.db import Database
from rondetafel.storage.models import OutboxRow
from rondetafel.storage.outbox import Outgoing, Pending
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction

from .states import GROUP, NOW, OTHER_GROUP, opened

OLD_GROUP = -4_987_654_321  # an ordinary group's id, before it became a supergroup
TOPIC = 2_147_483_648  # a forum topic's id, past 32 bits
BIG_MESSAGE_ID = 2**40
LATER = NOW + dt.timedelta(minutes=5)


def message(chat_id: int, text: str, **fields: Any) -> Outgoing:
    return Outgoing(chat_id, "sendMessage", {"text": text}, **fields)


async def add(db: Database, *rows: Outgoing, now: dt.datetime = NOW) -> None:
    await in_transaction(db, lambda repos: repos.outbox.add(rows, now))


async def next_for(db: Database, chat_id: int) -> Pending | None:
    return await in_transaction(db, lambda repos: repos.outbox.next_for(chat_id))


async def first_for(db: Database, chat_id: int) -> Pending:
    row = await next_for(db, chat_id)
    assert row is not None
    return row


async def deliver(db: Database, row_id: int, at: dt.datetime = LATER, *, calls: int = 1) -> None:
    await in_transaction(db, lambda repos: repos.outbox.delivered(row_id, at, calls=calls))


async def chats_with_work(db: Database) -> dict[int, dt.datetime]:
    return await in_transaction(db, lambda repos: repos.outbox.chats_with_work())


async def new_meeting(db: Database, chat_id: int) -> int:
    async def work(repos: Repositories) -> int:
        return (await repos.meetings.create(chat_id, opened, NOW)).id

    return await in_transaction(db, work)


async def stored(db: Database) -> dict[str, tuple[Any, ...]]:
    """Every row, by its text: (chat, status, attempts, sent_at, message_id)."""
    async with db.connection() as connection:
        rows = await connection.execute(
            select(
                OutboxRow.payload, OutboxRow.chat_id, OutboxRow.status, OutboxRow.attempts,
                OutboxRow.sent_at, OutboxRow.message_id,
            )
        )  # fmt: skip
        return {row.payload["text"]: tuple(row)[1:] for row in rows}


async def ids_by_text(db: Database) -> dict[str, int]:
    async with db.connection() as connection:
        rows = await connection.execute(select(OutboxRow.payload, OutboxRow.id))
        return {payload["text"]: row_id for payload, row_id in rows}


async def statuses(db: Database) -> dict[str, str]:
    return {text: row[1] for text, row in (await stored(db)).items()}


async def test_a_chats_rows_come_back_oldest_first_and_only_while_pending(db: Database) -> None:
    await add(db, message(GROUP, "one"), message(OTHER_GROUP, "elsewhere"), message(GROUP, "two"))
    await add(db, message(GROUP, "three 📚", thread_id=TOPIC), now=LATER)

    texts = []
    while (row := await next_for(db, GROUP)) is not None:
        texts.append(row.payload["text"])
        await deliver(db, row.id)

    assert texts == ["one", "two", "three 📚"]
    elsewhere = await first_for(db, OTHER_GROUP)
    assert elsewhere == Pending(
        id=elsewhere.id, chat_id=OTHER_GROUP, thread_id=None, meeting_id=None, method="sendMessage",
        payload={"text": "elsewhere"}, attempts=0, due_at=NOW,
    )  # fmt: skip


async def test_a_pending_row_keeps_its_topic_meeting_method_and_payload(db: Database) -> None:
    meeting_id = await new_meeting(db, GROUP)
    payload = {"text": "Wie begint?", "reply_markup": {"inline_keyboard": [[{"text": "Ik"}]]}}
    await add(db, Outgoing(GROUP, "sendMessage", payload, TOPIC, meeting_id, prompt=True))

    row = await first_for(db, GROUP)

    assert (row.chat_id, row.thread_id, row.meeting_id, row.method, row.payload) == (
        GROUP, TOPIC, meeting_id, "sendMessage", payload
    )  # fmt: skip
    assert (row.attempts, row.due_at) == (0, NOW)


async def test_adding_no_rows_adds_nothing(db: Database) -> None:
    await add(db)

    assert await stored(db) == {}


async def test_chats_with_work_gives_each_chat_with_pending_rows_its_earliest_due_time(
    db: Database,
) -> None:
    await add(db, message(GROUP, "later"), now=LATER)
    await add(db, message(GROUP, "sooner"), message(OTHER_GROUP, "elsewhere"), now=NOW)
    await add(db, message(-1003333333333333, "done"))
    await deliver(db, (await first_for(db, -1003333333333333)).id)

    assert await chats_with_work(db) == {GROUP: NOW, OTHER_GROUP: NOW}


async def test_a_delivered_row_records_when_it_was_sent_and_is_no_longer_pending(
    db: Database,
) -> None:
    await add(db, message(GROUP, "hello"))
    row = await first_for(db, GROUP)

    await in_transaction(
        db, lambda repos: repos.outbox.delivered(row.id, LATER, message_id=BIG_MESSAGE_ID)
    )

    assert await stored(db) == {"hello": (GROUP, "done", 0, LATER, BIG_MESSAGE_ID)}
    assert await next_for(db, GROUP) is None
    assert await chats_with_work(db) == {}


async def test_sent_since_returns_per_chat_when_it_was_sent_something_in_the_window(
    db: Database,
) -> None:
    since = NOW + dt.timedelta(minutes=1)
    sent = {
        "before the window": (GROUP, since - dt.timedelta(seconds=1)),
        "at its start": (GROUP, since),
        "last": (GROUP, since + dt.timedelta(seconds=40)),
        "first": (GROUP, since + dt.timedelta(seconds=10)),
        "elsewhere": (OTHER_GROUP, since + dt.timedelta(seconds=20)),
    }
    for text, (chat_id, at) in sent.items():
        await add(db, message(chat_id, text))
        await deliver(db, (await first_for(db, chat_id)).id, at)
    await add(db, message(GROUP, "still pending"))

    found = await in_transaction(db, lambda repos: repos.outbox.sent_since(since))

    assert found == {
        GROUP: [since, since + dt.timedelta(seconds=10), since + dt.timedelta(seconds=40)],
        OTHER_GROUP: [since + dt.timedelta(seconds=20)],
    }


async def test_a_row_delivered_without_a_bot_api_call_is_not_counted_as_sent(
    db: Database,
) -> None:
    await add(db, message(GROUP, "nothing to send"))
    await deliver(db, (await first_for(db, GROUP)).id, LATER, calls=0)

    assert await in_transaction(db, lambda repos: repos.outbox.sent_since(NOW)) == {}
    assert await statuses(db) == {"nothing to send": "done"}


async def test_retrying_a_row_counts_the_attempt_and_moves_its_due_time_but_keeps_its_place(
    db: Database,
) -> None:
    await add(db, message(GROUP, "one"), message(GROUP, "two"))
    row = await first_for(db, GROUP)
    much_later = LATER + dt.timedelta(minutes=10)

    await in_transaction(db, lambda repos: repos.outbox.retry_at(row.id, LATER))
    await in_transaction(db, lambda repos: repos.outbox.retry_at(row.id, much_later))

    again = await first_for(db, GROUP)
    assert (again.id, again.attempts, again.due_at) == (row.id, 2, much_later)
    # The second row was due at NOW, but a chat's rows go out in order.
    assert await chats_with_work(db) == {GROUP: NOW}


async def test_a_failed_row_is_no_longer_pending(db: Database) -> None:
    await add(db, message(GROUP, "refused"), message(GROUP, "next"))

    row = await first_for(db, GROUP)
    await in_transaction(db, lambda repos: repos.outbox.failed(row.id))

    assert (await first_for(db, GROUP)).payload == {"text": "next"}
    assert await statuses(db) == {"refused": "failed", "next": "pending"}


async def test_dropping_pending_prompts_drops_only_the_pending_prompts_of_that_meeting(
    db: Database,
) -> None:
    here = await new_meeting(db, GROUP)
    there = await new_meeting(db, OTHER_GROUP)
    await add(db, message(GROUP, "old prompt, sent", meeting_id=here, prompt=True))
    await deliver(db, (await first_for(db, GROUP)).id)
    await add(
        db,
        message(GROUP, "prompt", meeting_id=here, prompt=True),
        message(GROUP, "an answer noted", meeting_id=here),
        message(GROUP, "not about a meeting", prompt=True),
        message(OTHER_GROUP, "another meeting's prompt", meeting_id=there, prompt=True),
    )

    await in_transaction(db, lambda repos: repos.outbox.drop_pending_prompts(here))

    assert await statuses(db) == {
        "old prompt, sent": "done",
        "prompt": "dropped",
        "an answer noted": "pending",
        "not about a meeting": "pending",
        "another meeting's prompt": "pending",
    }
    assert (await first_for(db, GROUP)).payload == {"text": "an answer noted"}


async def test_the_next_rows_of_many_chats_are_read_at_once_with_what_their_edits_act_on(
    db: Database,
) -> None:
    meeting, other_meeting = await new_meeting(db, GROUP), await new_meeting(db, OTHER_GROUP)
    edit = {"tag": "join", "html": "Bram doet mee"}
    await add(
        db,
        Outgoing(GROUP, "edit", edit, meeting_id=meeting),
        message(GROUP, "after the edit"),
        Outgoing(OTHER_GROUP, "edit", edit, meeting_id=other_meeting),
        message(OLD_GROUP, "waits"),
    )
    await in_transaction(db, lambda repos: repos.bot_messages.remember(meeting, "join", GROUP, 41))
    await in_transaction(db, lambda repos: repos.chats.set_removed(OLD_GROUP, NOW))

    following = await in_transaction(
        db, lambda repos: repos.outbox.next_for_chats([GROUP, OTHER_GROUP, OLD_GROUP])
    )

    assert sorted(following) == sorted([GROUP, OTHER_GROUP])  # not the chat the bot is out of
    assert (following[GROUP].payload, following[GROUP].target) == (edit, 41)
    # The other meeting's join message was never delivered: nothing to edit.
    assert following[OTHER_GROUP].target is None
    assert following == {
        GROUP: await next_for(db, GROUP),
        OTHER_GROUP: await next_for(db, OTHER_GROUP),
    }


async def test_a_chat_marked_removed_gets_nothing_until_it_is_back(db: Database) -> None:
    await add(db, message(GROUP, "waits"), message(OTHER_GROUP, "goes"))

    await in_transaction(db, lambda repos: repos.chats.set_removed(GROUP, NOW))

    assert await chats_with_work(db) == {OTHER_GROUP: NOW}
    assert await next_for(db, GROUP) is None

    await in_transaction(db, lambda repos: repos.chats.set_removed(GROUP, None))

    assert await chats_with_work(db) == {GROUP: NOW, OTHER_GROUP: NOW}
    assert (await first_for(db, GROUP)).payload == {"text": "waits"}


async def test_forgetting_delivered_rows_deletes_done_failed_and_dropped_rows_older_than_the_cutoff(
    db: Database,
) -> None:
    long_ago = NOW - dt.timedelta(days=2)
    cutoff = NOW - dt.timedelta(days=1)
    meeting_id = await new_meeting(db, GROUP)
    await add(
        db,
        message(GROUP, "sent long ago"),
        message(GROUP, "refused long ago"),
        message(GROUP, "replaced long ago", meeting_id=meeting_id, prompt=True),
        message(GROUP, "nothing to send long ago"),
        message(GROUP, "sent just now"),
        message(GROUP, "still pending"),
        now=long_ago,
    )
    await add(db, message(GROUP, "refused just now"), now=NOW)

    ids = await ids_by_text(db)

    async def settle(repos: Repositories) -> None:
        await repos.outbox.delivered(ids["sent long ago"], long_ago)
        await repos.outbox.failed(ids["refused long ago"])
        await repos.outbox.drop_pending_prompts(meeting_id)
        await repos.outbox.delivered(ids["nothing to send long ago"], NOW, calls=0)
        await repos.outbox.delivered(ids["sent just now"], NOW)
        await repos.outbox.failed(ids["refused just now"])

    await in_transaction(db, settle)

    forgotten = await in_transaction(db, lambda repos: repos.outbox.forget_delivered(cutoff))

    assert forgotten == 4
    assert await statuses(db) == {
        "sent just now": "done",
        "still pending": "pending",
        "refused just now": "failed",
    }


async def test_moving_to_a_supergroup_moves_pending_rows_and_forgets_the_old_bot_messages(
    db: Database,
) -> None:
    async def group_with_history(repos: Repositories) -> int:
        await repos.chats.get_or_create(OLD_GROUP, language="en")
        meeting = await repos.meetings.create(OLD_GROUP, opened, NOW)
        await repos.bot_messages.remember(meeting.id, "join", OLD_GROUP, 77)
        await repos.outbox.add([message(OLD_GROUP, "sent", meeting_id=meeting.id)], NOW)
        return meeting.id

    meeting_id = await in_transaction(db, group_with_history)
    await deliver(db, (await first_for(db, OLD_GROUP)).id, NOW)
    await add(db, message(OLD_GROUP, "owed", meeting_id=meeting_id))

    moved = await in_transaction(db, lambda repos: repos.chats.migrate(OLD_GROUP, GROUP))
    again = await in_transaction(db, lambda repos: repos.chats.migrate(OLD_GROUP, GROUP))

    assert (moved, again) == (True, False)
    assert (await first_for(db, GROUP)).payload == {"text": "owed"}
    assert await next_for(db, OLD_GROUP) is None
    assert await chats_with_work(db) == {GROUP: NOW}
    # What was sent stays with the old group: it was sent there.
    assert {text: row[0] for text, row in (await stored(db)).items()} == {
        "sent": OLD_GROUP,
        "owed": GROUP,
    }
    join = await in_transaction(db, lambda repos: repos.bot_messages.find(meeting_id, "join"))
    assert join is None
