"""Callback data: a small, versioned, validated codec (at most 64 bytes).

Everything a button means is in its data (meeting, button, argument, step),
so a press still means the same after a restart or on another worker; nothing
is kept in process memory.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from rondetafel.flows.evaluation import EvaluationButton
from rondetafel.flows.events import Button
from rondetafel.flows.family import Relation
from rondetafel.flows.prompts import (
    CASE_PROMPTS,
    INVITE_PROMPT,
    CaseButton,
    CasePrompt,
    FamilyButton,
    NewsButton,
    ReminderButton,
)

VERSION = "1"
MAX_BYTES = 64
_SEP = "|"
_BUTTONS = {b.value: b for b in Button}


@dataclass(frozen=True)
class ButtonData:
    meeting_id: int
    button: Button
    arg: str = ""
    step: int = 0


def encode(data: ButtonData) -> str:
    if _SEP in data.arg:
        raise ValueError(f"argument may not contain {_SEP!r}: {data.arg!r}")
    text = _SEP.join((VERSION, str(data.meeting_id), data.button.value, data.arg, str(data.step)))
    if len(text.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {text!r}")
    return text


def decode(text: str) -> ButtonData | None:
    """The button's meaning, or None for data this version does not understand."""
    parts = text.split(_SEP)
    if len(parts) != 5 or parts[0] != VERSION:
        return None
    _, meeting, button, arg, step = parts
    if not (_number(meeting) and _number(step)) or button not in _BUTTONS:
        return None
    return ButtonData(int(meeting), _BUTTONS[button], arg, int(step))


def _number(text: str) -> bool:
    # ASCII digits only (str.isdigit() accepts "²", which int() refuses), and few
    # enough of them for the database's 64-bit ids.
    return text.isascii() and text.isdigit() and len(text) <= 18


# The case's own buttons (/forget's confirmation) name a case, not a meeting,
# in a form of their own: "f1|<case>|<y or n>|<minute asked>". The minute makes
# a press long after the question stale (see `bot/case_commands.py`).
CASE_VERSION = "f1"
CASE_PATTERN = rf"^{CASE_VERSION}\|"


@dataclass(frozen=True)
class ForgetData:
    case_id: int
    confirm: bool
    # Minutes since the epoch when the chair asked.
    asked: int


def encode_forget(data: ForgetData) -> str:
    text = _SEP.join(
        (CASE_VERSION, str(data.case_id), "y" if data.confirm else "n", str(data.asked))
    )
    if len(text.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {text!r}")
    return text


def decode_forget(text: str) -> ForgetData | None:
    parts = text.split(_SEP)
    if len(parts) != 4 or parts[0] != CASE_VERSION:
        return None
    _, case, answer, asked = parts
    if not (_number(case) and _number(asked)) or answer not in ("y", "n"):
        return None
    return ForgetData(int(case), answer == "y", int(asked))


# A reminder's buttons in a private chat: "r1|<reminder>|<choice>". The reminder
# row says whose it is and what it is about; the choice is one letter.
REMINDER_VERSION = "r1"
REMINDER_PATTERN = rf"^{REMINDER_VERSION}\|"
REMINDER_CHOICES = frozenset(button.value for button in ReminderButton)


@dataclass(frozen=True)
class ReminderData:
    reminder_id: int
    choice: str


def encode_reminder(data: ReminderData) -> str:
    if data.choice not in REMINDER_CHOICES:
        raise ValueError(f"unknown reminder choice {data.choice!r}")
    return _SEP.join((REMINDER_VERSION, str(data.reminder_id), data.choice))


def decode_reminder(text: str) -> ReminderData | None:
    parts = text.split(_SEP)
    if len(parts) != 3 or parts[0] != REMINDER_VERSION:
        return None
    _, reminder, choice = parts
    if not _number(reminder) or choice not in REMINDER_CHOICES:
        return None
    return ReminderData(int(reminder), choice)


# The evaluation conversation's buttons: "v1|<evaluation>|<action>|<step>". The
# step makes a button of an earlier question stale (`flows.evaluation`).
EVALUATION_VERSION = "v1"
EVALUATION_PATTERN = rf"^{EVALUATION_VERSION}\|"
EVALUATION_ACTIONS = frozenset(button.value for button in EvaluationButton)


@dataclass(frozen=True)
class EvaluationData:
    evaluation_id: int
    action: str
    step: int


def encode_evaluation(data: EvaluationData) -> str:
    if data.action not in EVALUATION_ACTIONS:
        raise ValueError(f"unknown evaluation action {data.action!r}")
    return _SEP.join((EVALUATION_VERSION, str(data.evaluation_id), data.action, str(data.step)))


def decode_evaluation(text: str) -> EvaluationData | None:
    parts = text.split(_SEP)
    if len(parts) != 4 or parts[0] != EVALUATION_VERSION:
        return None
    _, evaluation, action, step = parts
    if not (_number(evaluation) and _number(step)) or action not in EVALUATION_ACTIONS:
        return None
    return EvaluationData(int(evaluation), action, int(step))


# The /agreements list's buttons in the group: "a1|<case>|<verb>|<item>|<arg>".
# The item is an agreement, or for who evaluates the evaluation (0: the list
# itself); the arg is a participant of that meeting, or a date as YYYYMMDD
# ("g" for ongoing). The case makes a press stale once the group's case changed
# (erased, or closed and a new one opened); the date is the one the button showed.
AGREEMENTS_VERSION = "a1"
AGREEMENTS_PATTERN = rf"^{AGREEMENTS_VERSION}\|"
ONGOING_ARG = "g"


# /afspraken's buttons are the case prompt table's (`flows.prompts.CASE_PROMPTS`):
# the codec reads exactly the buttons that table lists for the prompt.
AgreementsVerb = CaseButton


_VERBS = {v.value: v for v in CASE_PROMPTS[CasePrompt.AGREEMENTS]}
_WITH_PARTICIPANT = frozenset({AgreementsVerb.OWNER, AgreementsVerb.EVALUATOR})


@dataclass(frozen=True)
class AgreementsData:
    case_id: int
    verb: AgreementsVerb
    item: int = 0
    arg: str = ""

    @property
    def due(self) -> dt.date | None:
        """The date a DUE press chose (None: ongoing)."""
        return None if self.arg == ONGOING_ARG else _date(self.arg)


def encode_agreements(data: AgreementsData) -> str:
    if not _agreements_arg_ok(data.verb, data.arg):
        raise ValueError(f"argument {data.arg!r} does not fit {data.verb!r}")
    text = _SEP.join(
        (AGREEMENTS_VERSION, str(data.case_id), data.verb.value, str(data.item), data.arg)
    )
    if len(text.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {text!r}")
    return text


def decode_agreements(text: str) -> AgreementsData | None:
    parts = text.split(_SEP)
    if len(parts) != 5 or parts[0] != AGREEMENTS_VERSION:
        return None
    _, case, verb, item, arg = parts
    if not (_number(case) and _number(item)) or verb not in _VERBS:
        return None
    if not _agreements_arg_ok(_VERBS[verb], arg):
        return None
    return AgreementsData(int(case), _VERBS[verb], int(item), arg)


def _agreements_arg_ok(verb: AgreementsVerb, arg: str) -> bool:
    if verb in _WITH_PARTICIPANT:
        return _number(arg)
    if verb is AgreementsVerb.DUE:
        return arg == ONGOING_ARG or _date(arg) is not None
    return arg == ""


def _date(text: str) -> dt.date | None:
    if len(text) != 8 or not _number(text):
        return None
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def date_arg(day: dt.date) -> str:
    return f"{day:%Y%m%d}"


# A parent's buttons in their private chat: "p1|<link>|<button>|<arg>". The link
# (family_members.id) names the case; the desk checks it is the presser's own.
FAMILY_VERSION = "p1"
FAMILY_PATTERN = rf"^{FAMILY_VERSION}\|"
_FAMILY_BUTTONS = frozenset(button.value for button in FamilyButton)
_FAMILY_ARG = re.compile(r"[a-z0-9]{0,12}")


@dataclass(frozen=True)
class FamilyData:
    member_id: int
    button: FamilyButton
    arg: str = ""


def encode_family(data: FamilyData) -> str:
    if not _FAMILY_ARG.fullmatch(data.arg):
        raise ValueError(f"bad family argument {data.arg!r}")
    return _SEP.join((FAMILY_VERSION, str(data.member_id), data.button.value, data.arg))


def decode_family(text: str) -> FamilyData | None:
    parts = text.split(_SEP)
    if len(parts) != 4 or parts[0] != FAMILY_VERSION:
        return None
    _, member, button, arg = parts
    if not _number(member) or button not in _FAMILY_BUTTONS or not _FAMILY_ARG.fullmatch(arg):
        return None
    return FamilyData(int(member), FamilyButton(button), arg)


# /uitnodigen's choice in the group, "i1|<case>|<relation>", and a staff member's
# choice in private of how they hear what parents bring in, "m1|<news button>".
INVITE_VERSION = "i1"
INVITE_PATTERN = rf"^{INVITE_VERSION}\|"
NOTIFY_VERSION = "m1"
NOTIFY_PATTERN = rf"^{NOTIFY_VERSION}\|"
_NEWS_BUTTONS = {button.value: button for button in NewsButton}


@dataclass(frozen=True)
class InviteData:
    case_id: int
    relation: Relation


def encode_invite(data: InviteData) -> str:
    return _SEP.join((INVITE_VERSION, str(data.case_id), data.relation.value))


def decode_invite(text: str) -> InviteData | None:
    parts = text.split(_SEP)
    if len(parts) != 3 or parts[0] != INVITE_VERSION or not _number(parts[1]):
        return None
    relation = next((r for r in INVITE_PROMPT if r.value == parts[2]), None)
    return None if relation is None else InviteData(int(parts[1]), relation)


def encode_notify(button: NewsButton) -> str:
    return _SEP.join((NOTIFY_VERSION, button.value))


def decode_notify(text: str) -> bool | None:
    """Whether the press asks for the daily overview (None: not a choice this version reads)."""
    parts = text.split(_SEP)
    if len(parts) != 2 or parts[0] != NOTIFY_VERSION or parts[1] not in _NEWS_BUTTONS:
        return None
    return _NEWS_BUTTONS[parts[1]] is NewsButton.DAILY
