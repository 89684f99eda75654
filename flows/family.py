"""Parents (and whoever relays the pupil's words) between meetings: the rules, no I/O.

A parent is invited by a single-use link, confirms once, and from then on may
bring in points for the case's next meeting from their private chat, in their
own language. What they bring in is read into the meeting at the start of
the round it belongs to (`KIND_PHASES`), attributed to them, in the words
they wrote; the meeting does not translate it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from .markers import N_

# The languages a parent can read the bot in. Everything a parent reads is in
# these six; everything else (the group's meeting, the staff's own messages)
# is in Dutch or English.
PARENT_LANGUAGES: tuple[str, ...] = ("nl", "en", "ar", "tr", "pl", "uk")
# Each language's own name for itself, for the language buttons.
ENDONYMS: Mapping[str, str] = {
    "nl": "Nederlands",
    "en": "English",
    "ar": "العربية",
    "tr": "Türkçe",
    "pl": "Polski",
    "uk": "Українська",
}
RIGHT_TO_LEFT = frozenset({"ar"})

# How long an invitation link works: a week to reach the parent and be opened.
INVITE_DAYS = 7
# Long enough to read, short enough for a phone screen; the same cap as the
# evaluation's answers.
MAX_TEXT = 1000


class Relation(StrEnum):
    """Whom an invitation is for."""

    PARENT = "parent"
    # The adult who brings in the pupil's own words (the pupil has no Telegram).
    RELAY = "relay"


class HomeKind(StrEnum):
    """What a parent can bring in: each kind is one of the meeting's rounds."""

    QUESTION = "q"  # a question for school → the meeting's own questions
    GOES_WELL = "g"  # what goes well at home
    HARD = "h"  # what is still hard at home
    NEEDS = "n"  # what helps at home / what our child needs
    NOW = "w"  # after a meeting, the evaluation's "what do you see at home now?"


# Which round reads each kind in: the first of these phases the meeting's script has.
KIND_PHASES: Mapping[HomeKind, tuple[str, ...]] = {
    HomeKind.QUESTION: ("meeting_goals",),
    HomeKind.GOES_WELL: ("goes_well", "looking_back", "hand_over"),
    HomeKind.HARD: ("still_hard", "not_yet"),
    HomeKind.NEEDS: ("needs", "pupil_needs", "support_needs"),
    HomeKind.NOW: ("looking_back", "goes_well", "hand_over"),
}

# The buttons and headings a parent reads, per kind.
KIND_NAMES: Mapping[HomeKind, str] = {
    HomeKind.QUESTION: N_("A question for school"),
    HomeKind.GOES_WELL: N_("What goes well at home"),
    HomeKind.HARD: N_("What is hard at home"),
    HomeKind.NEEDS: N_("What helps at home / what our child needs"),
    HomeKind.NOW: N_("What we see at home now"),
}
# What the bot asks after a kind's button: the question the meeting's round asks.
KIND_QUESTIONS: Mapping[HomeKind, str] = {
    HomeKind.QUESTION: N_("What would you like to ask school, or know after the next meeting?"),
    HomeKind.GOES_WELL: N_("What is going well at home? What is your child good at?"),
    HomeKind.HARD: N_("What is still difficult at home? When do you notice it?"),
    HomeKind.NEEDS: N_("What helps at home? What does your child need, and what do you need?"),
    HomeKind.NOW: N_("What do you see at home now? What has changed since the meeting?"),
}
# The kinds a parent may add at any time (the menu); NOW is asked after a meeting.
MENU_KINDS = (HomeKind.GOES_WELL, HomeKind.HARD, HomeKind.QUESTION, HomeKind.NEEDS)


def phase_for(kind: HomeKind, phase_keys: tuple[str, ...]) -> str | None:
    """The round of a script (its phases' keys, in order) that reads `kind` in."""
    for key in KIND_PHASES[kind]:
        if key in phase_keys:
            return key
    return None


def preselected_language(telegram_code: str | None) -> str:
    """The parent's Telegram app language, if it is one of ours; else Dutch.

    Telegram sends an IETF tag ("tr", "pt-br", "uk"); only its language part counts.
    """
    code = (telegram_code or "").split("-")[0].lower()
    return code if code in PARENT_LANGUAGES else PARENT_LANGUAGES[0]


# ---------------------------------------------------------------- invitations


@dataclass(frozen=True)
class InviteFacts:
    id: int
    case_id: int
    relation: Relation
    expires_at: dt.datetime
    used_by: int | None


class InviteVerdict(StrEnum):
    OPEN = "open"  # first use: welcome this person
    AGAIN = "again"  # the same person opens their link again before confirming
    USED = "used"  # someone else opened it first (forwarded, reused)
    EXPIRED = "expired"
    UNKNOWN = "unknown"  # never issued (guessed, mistyped, or its case was erased)


def judge_invite(invite: InviteFacts | None, user_id: int, now: dt.datetime) -> InviteVerdict:
    """A link works once, for whoever opens it first, until it expires."""
    if invite is None:
        return InviteVerdict.UNKNOWN
    if invite.used_by is not None:
        return InviteVerdict.AGAIN if invite.used_by == user_id else InviteVerdict.USED
    if now >= invite.expires_at:
        return InviteVerdict.EXPIRED
    return InviteVerdict.OPEN


# ---------------------------------------------------------------- what a parent types


class TextVerdict(StrEnum):
    OK = "ok"
    EMPTY = "empty"
    TOO_LONG = "too_long"


def judge_text(text: str) -> TextVerdict:
    if not text.strip():
        return TextVerdict.EMPTY
    if len(text) > MAX_TEXT:
        return TextVerdict.TOO_LONG
    return TextVerdict.OK


# ---------------------------------------------------------------- in the meeting


@dataclass(frozen=True)
class FamilyMember:
    """A parent (or relay) linked to the case, as a meeting needs to know them."""

    user_id: int
    name: str
    language: str
    relation: Relation = Relation.PARENT


@dataclass(frozen=True)
class HomePoint:
    """One contribution from home, waiting for its round."""

    id: int
    user_id: int
    kind: HomeKind
    text: str
    language: str
