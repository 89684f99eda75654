"""Errors the storage layer raises on purpose."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError


class ConcurrentUpdate(Exception):
    """Another transaction changed or created the same thing first.

    Raised when a meeting was saved from a version that is no longer the
    stored one, and when an insert loses a race on a uniqueness rule (a chat
    row, a school, the open case of a chat, the active meeting of a chat).
    The work that raised it must be rolled back and run again on fresh data;
    `unit_of_work.in_transaction` does that.
    """


class ActiveMeetingExists(ConcurrentUpdate):
    """The chat already has an active meeting; at most one may run per chat.

    A kind of `ConcurrentUpdate`: a caller that looked for the active meeting
    before creating one only meets this when another update created it in
    between, and running the work again then finds that meeting.
    """

    def __init__(self, chat_id: int) -> None:
        super().__init__(f"chat {chat_id} already has an active meeting")
        self.chat_id = chat_id


class StateFormatError(ValueError):
    """A stored meeting state cannot be read by this version of the program."""


@contextmanager
def insert_race(what: str) -> Iterator[None]:
    """Turn a uniqueness violation on an insert into `ConcurrentUpdate`.

    Every get-or-create here checks first and inserts second; when two
    transactions pass the check together, the database's unique constraint
    lets one insert through and fails the other, which then runs again and
    finds the row.
    """
    try:
        yield
    except IntegrityError as exc:
        raise ConcurrentUpdate(f"{what} was created by another transaction meanwhile") from exc
