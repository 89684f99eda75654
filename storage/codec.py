"""MeetingState ⇄ a JSON-able dict, for the `meetings.state` column.

The format is explicit and versioned: ``{"v": 2, <field>: <value>, ...}``, one
key per field of the flows dataclasses, named as in the code. Values:

- enums: their value; dates: ISO 8601 (``"2025-03-10"``);
- datetimes: ISO 8601 with their offset, followed by the zone name in brackets
  when they carry a named zone (RFC 9557), so a time in the school's zone reads
  back in that zone: ``"2025-03-10T09:30:00+01:00[Europe/Amsterdam]"``;
- tuples: lists; nested dataclasses: objects; None: null.

Reading is strict: an unknown key, a missing required key or a value of the
wrong shape raises `StateFormatError`, never a silent loss. A field that flows
adds later *with a default* reads from older rows as that default, so it needs
no new version; any other change does: bump `VERSION` and convert older
states as they are read (`_from_v1`), so a meeting running during an upgrade
goes on; the next save writes the new version.
"""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Callable, Mapping
from dataclasses import MISSING, fields, is_dataclass
from enum import Enum
from functools import cache, partial
from operator import attrgetter
from typing import Any, Union, get_args, get_origin, get_type_hints
from zoneinfo import ZoneInfo

from rondetafel.flows.state import MeetingState

from .errors import StateFormatError

VERSION = 2


def encode_state(state: MeetingState) -> dict[str, Any]:
    encoded: dict[str, Any] = _encoder(MeetingState)(state)
    return {"v": VERSION, **encoded}


def decode_state(data: Mapping[str, Any]) -> MeetingState:
    version = data.get("v")
    if version == 1:
        try:
            data, version = _from_v1(data), VERSION
        except _Invalid as exc:
            raise StateFormatError(f"state (version 1): {exc}") from None
    if version != VERSION:
        raise StateFormatError(
            f"meeting state has format version {version!r}; this program reads version {VERSION}"
        )
    try:
        state: MeetingState = _decoder(MeetingState)({k: v for k, v in data.items() if k != "v"})
    except _Invalid as exc:
        raise StateFormatError(f"state{''.join(reversed(exc.path))}: {exc}") from None
    return state


_V1_PROMPTS = {
    "answer": "turn",
    "phase_choice": "turn",  # optional phases are no longer asked about: they simply begin
    "agreement_owner": "agreement",
    "agreement_due": "agreement",
    "evaluation_date": "evaluation",
}


def _from_v1(data: Mapping[str, Any]) -> dict[str, Any]:
    """A state saved by version 1 (one status, an `awaiting` flag, a sentence starter
    and chosen-away phases), as version 2 reads it: the meeting goes on where it was."""
    state = {k: v for k, v in data.items() if k not in ("awaiting", "starter", "skipped_phases")}
    status = data.get("status")
    if status in ("choosing_kind", "asking_questions"):
        # The kind is chosen on the join message now, and the meeting's questions
        # are its first phase: both go on as a meeting that gathers people.
        state["status"] = "gathering" if data.get("pupil") else "naming_pupil"
        state["kind"] = data.get("kind") or "pupil"
        status = state["status"]
    if status == "naming_pupil":
        state["prompt"] = "pupil"
    elif status == "gathering":
        state["prompt"] = "gathering"
    elif status == "running":
        awaiting = data.get("awaiting")
        if awaiting not in _V1_PROMPTS and awaiting != "nothing":
            raise _Invalid(f"version 1 `awaiting` {awaiting!r} is not one it wrote")
        state["prompt"] = _V1_PROMPTS.get(str(awaiting), "turn")
    else:
        state["prompt"] = "closed"
    # Version 1 asked who does an open agreement first; version 2 starts from its
    # proposer. An agreement left without an owner in the past stays without one.
    still_open = set(data.get("open_agreements") or ())
    agreements = data.get("agreements", [])
    if state["prompt"] == "agreement":
        # Version 1 counted the turn as answered only after its last agreement;
        # version 2 once one of the reply's agreements is recorded.
        reply = {a.get("message_id") for a in agreements if a.get("seq") in still_open}
        state["answered_this_turn"] = any(
            a.get("message_id") in reply and a.get("owner") is not None and a.get("due")
            for a in agreements
            if a.get("seq") not in still_open
        )
    state["agreements"] = [
        {**a, "owner": a.get("proposed_by")}
        if a.get("owner") is None and a.get("seq") in still_open
        else a
        for a in data.get("agreements", [])
    ]
    return state


# ---------------------------------------------------------------- by type hint
#
# The type hints of the flows dataclasses are read once per type and turned
# into one small function per type (`_encoder`, `_decoder`); a save or load
# then only calls those.

Convert = Callable[[Any], Any]


class _Invalid(Exception):
    """A stored value does not fit its field; `path` grows as it passes outwards."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.path: list[str] = []


@cache
def _encoder(hint: Any) -> Convert:
    if (inner := _optional_of(hint)) is not None:
        encode_inner = _encoder(inner)
        return lambda value: None if value is None else encode_inner(value)
    if (item := _item_of(hint)) is not None:
        encode_item = _encoder(item)
        return lambda value: [encode_item(v) for v in value]
    if _is_dataclass(hint):
        parts = [(name, _encoder(field_hint)) for name, field_hint, _ in _fields(hint)]
        return lambda value: {name: encode(getattr(value, name)) for name, encode in parts}
    if _is_enum(hint):
        return attrgetter("value")
    if hint is dt.datetime:
        return _encode_datetime
    if hint is dt.date:
        return dt.date.isoformat
    if hint in (bool, int, str):
        return lambda value: value
    raise TypeError(f"the state codec cannot store a {hint}")


@cache
def _decoder(hint: Any) -> Convert:
    if (inner := _optional_of(hint)) is not None:
        decode_inner = _decoder(inner)
        return lambda data: None if data is None else decode_inner(data)
    if (item := _item_of(hint)) is not None:
        return partial(_decode_tuple, _decoder(item))
    if _is_dataclass(hint):
        parts = [
            (name, _decoder(field_hint), required) for name, field_hint, required in _fields(hint)
        ]
        return partial(_decode_dataclass, hint, parts)
    if _is_enum(hint):
        return partial(_parse, hint)
    if hint is dt.datetime:
        return partial(_parse, _decode_datetime)
    if hint is dt.date:
        return partial(_parse, dt.date.fromisoformat)
    if hint in (bool, int, str):
        return partial(_expect, hint)
    raise TypeError(f"the state codec cannot read a {hint}")


def _decode_tuple(decode_item: Convert, data: Any) -> tuple[Any, ...]:
    items = []
    for index, value in enumerate(_expect(list, data)):
        try:
            items.append(decode_item(value))
        except _Invalid as exc:
            exc.path.append(f"[{index}]")
            raise
    return tuple(items)


def _decode_dataclass(cls: type, parts: list[tuple[str, Convert, bool]], data: Any) -> Any:
    _expect(dict, data)
    if unknown := sorted(data.keys() - {name for name, _, _ in parts}):
        raise _Invalid(f"unknown fields {unknown}")
    values = {}
    for name, decode, required in parts:
        if name in data:
            try:
                values[name] = decode(data[name])
            except _Invalid as exc:
                exc.path.append(f".{name}")
                raise
        elif required:
            raise _Invalid(f"missing field {name!r}")
    return cls(**values)


def _expect(kind: type, data: Any) -> Any:
    # `type(...) is` rather than isinstance: JSON true must not pass for an int.
    if type(data) is not kind:
        raise _Invalid(f"expected {kind.__name__}, got {data!r}")
    return data


def _parse(parse: Convert, data: Any) -> Any:
    try:
        return parse(data)
    except (ValueError, TypeError, KeyError) as exc:
        raise _Invalid(f"cannot read {data!r}") from exc


def _fields(cls: type) -> list[tuple[str, Any, bool]]:
    """(name, type hint, required) per field of a dataclass."""
    hints = get_type_hints(cls)
    return [
        (f.name, hints[f.name], f.default is MISSING and f.default_factory is MISSING)
        for f in fields(cls)
    ]


def _is_dataclass(hint: Any) -> bool:
    return isinstance(hint, type) and is_dataclass(hint)


def _is_enum(hint: Any) -> bool:
    return isinstance(hint, type) and issubclass(hint, Enum)


def _optional_of(hint: Any) -> Any | None:
    """X for `X | None`, else None (only optionals are supported, not other unions)."""
    if get_origin(hint) in (Union, types.UnionType):
        args = [a for a in get_args(hint) if a is not type(None)]
        if len(args) != 1 or len(get_args(hint)) != 2:
            raise TypeError(f"the state codec supports only `X | None` unions, not {hint}")
        return args[0]
    return None


def _item_of(hint: Any) -> Any | None:
    """X for `tuple[X, ...]`, else None."""
    if get_origin(hint) is tuple:
        item, ellipsis = get_args(hint)
        if ellipsis is not Ellipsis:
            raise TypeError(f"the state codec supports only tuple[X, ...], not {hint}")
        return item
    return None


# ---------------------------------------------------------------- datetimes


def _encode_datetime(value: dt.datetime) -> str:
    zone = value.tzinfo.key if isinstance(value.tzinfo, ZoneInfo) else None
    return f"{value.isoformat()}[{zone}]" if zone else value.isoformat()


def _decode_datetime(text: str) -> dt.datetime:
    stamp, bracket, zone = text.partition("[")
    value = dt.datetime.fromisoformat(stamp)
    if not bracket:
        return value
    tz = ZoneInfo(zone.removesuffix("]"))
    # Keep the wall-clock time, and of the two readings of a time the clocks
    # pass twice (fold 0 and 1, when summer time ends) take the one with the
    # stored offset. Should the zone's rules have changed since (tzdata
    # updates do that), the stored instant wins over the wall-clock time.
    for fold in (0, 1):
        candidate = value.replace(tzinfo=tz, fold=fold)
        if candidate.utcoffset() == value.utcoffset():
            return candidate
    return value.astimezone(tz)
