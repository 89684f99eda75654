"""Callback data: a small, versioned, validated codec (at most 64 bytes).

Everything a button means is in its data (meeting, button, argument, step),
so a press still means the same after a restart or on another worker; nothing
is kept in process memory.
"""

from __future__ import annotations

from dataclasses import dataclass

from rondetafel.flows.events import Button

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
