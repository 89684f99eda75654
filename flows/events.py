"""What people do, as the state machine hears it.

The shell parses a Telegram update into one of these; it carries only what the
machine needs (ids, names, text), never a Telegram object.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .family import FamilyMember, HomePoint


@dataclass(frozen=True)
class Person:
    user_id: int
    name: str


@dataclass(frozen=True)
class MeetingRequested:
    """Someone sent /meeting in a group."""

    by: Person
    # The case already linked to this group, if any: then the pupil is known.
    pupil: str | None = None
    # The language of the command used (/overleg or /meeting), if it says one.
    language: str | None = None
    # Telegram says the sender is a group admin.
    admin: bool = False
    # The professionals the case has consent in force for (the shell reads them).
    consented: tuple[int, ...] = ()
    # The case's parents and what they brought in from home (the shell reads them).
    family: tuple[FamilyMember, ...] = ()
    from_home: tuple[HomePoint, ...] = ()


@dataclass(frozen=True)
class Replied:
    """A text reply to one of the bot's messages."""

    by: Person
    text: str
    message_id: int


@dataclass(frozen=True)
class RepliedWithMedia:
    """A sticker, photo, voice note… as a reply: we only read text."""

    by: Person
    message_id: int


@dataclass(frozen=True)
class Edited:
    """A person edited a message of theirs the bot had received."""

    by: Person
    text: str
    message_id: int


class Button(StrEnum):
    """What a button (or the command standing in for it) asks.

    Retired values stay unused, so an old message's button reads as stale:
    "l" (language), "h" (sentence starter), "d"/"n" (optional phase), "w".
    """

    KIND = "k"
    JOIN = "j"
    VOICE_PUPIL = "v"
    START = "s"
    PASS = "p"
    SKIP = "x"
    BACK = "b"
    CLOSE_PHASE = "c"
    OWNER = "o"
    DUE = "u"
    EVALUATION = "e"
    ACCEPT_NOTE = "a"
    DISMISS_NOTE = "r"
    STOP_YES = "y"
    STOP_NO = "z"


@dataclass(frozen=True)
class Pressed:
    """A button press. `step` is the prompt the button belonged to.

    A typed command that stands in for a button (/pas, /terug, /volgende)
    is a press with `command` set to the command's message: it is meant for
    the prompt of now, so it carries no step, and a refusal answers that
    message instead of a pop-up.
    """

    by: Person
    button: Button
    arg: str = ""
    step: int = 0
    command: int | None = None


@dataclass(frozen=True)
class StopRequested:
    by: Person
    # A group admin may stop a meeting whose chair is gone (the shell asks Telegram).
    admin: bool = False


@dataclass(frozen=True)
class ChairClaimed:
    """Someone sent /chair: a group admin takes over a meeting whose chair is gone."""

    by: Person
    admin: bool = False


@dataclass(frozen=True)
class AnonymousSender:
    """A message from an anonymous group admin: Telegram does not say who it is."""

    message_id: int


class ResumeReason(StrEnum):
    BACK = "back"  # the bot was removed from the group and added again
    MIGRATED = "migrated"  # the group became a supergroup: the old messages are out of reach


@dataclass(frozen=True)
class Resumed:
    """The group lost sight of the meeting's prompt: post it anew."""

    reason: ResumeReason


@dataclass(frozen=True)
class Expired:
    """Nothing happened in the meeting for `days` days: close it, so the group is free."""

    days: int


@dataclass(frozen=True)
class ConsentRecorded:
    """The chair recorded consent for this external professional (the shell stored it)."""

    user_id: int


@dataclass(frozen=True)
class ConsentWithdrawn:
    """Consent for this professional was withdrawn: from now on they get nothing new."""

    user_id: int


Event = (
    MeetingRequested
    | Replied
    | RepliedWithMedia
    | Edited
    | Pressed
    | StopRequested
    | ChairClaimed
    | AnonymousSender
    | Resumed
    | Expired
    | ConsentRecorded
    | ConsentWithdrawn
)
