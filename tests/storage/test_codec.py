"""The meeting state codec: every state reads back exactly as it was written."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rondetafel.flows.events import (
    Button,
    Edited,
    Event,
    Person,
    Pressed,
    Replied,
    Resumed,
    ResumeReason,
    StopRequested,
)
from rondetafel.flows.script import MeetingKind, Role
from rondetafel.flows.state import (
    Agreement,
    Awaiting,
    Contribution,
    Mark,
    MeetingState,
    Participant,
    Status,
)
from rondetafel.flows.transition import transition
from rondetafel.storage.codec import VERSION, decode_state, encode_state
from rondetafel.storage.errors import StateFormatError

from .states import AMSTERDAM, CHAIR, EVERY_FIELD, MENTOR, NOW, PARENT, opened


def round_trip(state: MeetingState) -> MeetingState:
    """Through the codec and through JSON text, as the database stores it."""
    return decode_state(json.loads(json.dumps(encode_state(state))))


def assert_exact(state: MeetingState) -> None:
    back = round_trip(state)
    assert back == state
    # Equal datetimes may still differ in zone or offset; the encoding shows both.
    assert encode_state(back) == encode_state(state)


def test_the_hand_built_state_sets_every_field_to_something_other_than_its_default() -> None:
    for field in dataclasses.fields(MeetingState):
        if field.default is not dataclasses.MISSING:
            assert getattr(EVERY_FIELD, field.name) != field.default, field.name


def test_a_state_with_every_field_set_reads_back_exactly() -> None:
    assert_exact(EVERY_FIELD)


def test_a_time_in_the_schools_zone_reads_back_in_that_zone_with_its_fold() -> None:
    back = round_trip(EVERY_FIELD)
    assert back.created_at.tzinfo is AMSTERDAM
    assert (back.created_at.fold, back.finished_at and back.finished_at.fold) == (1, 0)
    assert back.created_at.utcoffset() == dt.timedelta(hours=1)


def test_the_stored_form_is_versioned_and_readable() -> None:
    data = encode_state(EVERY_FIELD)
    assert data["v"] == VERSION == 1
    assert data["status"] == "running"
    assert data["created_at"] == "2025-10-26T02:30:00+01:00[Europe/Amsterdam]"
    assert data["agreements"][0]["due"] == "2025-11-07"


def test_a_state_from_an_unknown_format_version_is_refused_with_a_clear_error() -> None:
    data = encode_state(EVERY_FIELD) | {"v": 2}
    with pytest.raises(StateFormatError, match="version 2; this program reads version 1"):
        decode_state(data)


def test_a_state_without_a_version_is_refused() -> None:
    data = {k: v for k, v in encode_state(EVERY_FIELD).items() if k != "v"}
    with pytest.raises(StateFormatError, match="version None"):
        decode_state(data)


def test_an_unknown_field_is_refused_rather_than_dropped() -> None:
    data = encode_state(EVERY_FIELD)
    data["participants"][0]["shoe_size"] = 42
    with pytest.raises(StateFormatError, match=r"state.participants\[0\]: unknown fields"):
        decode_state(data)


@pytest.mark.parametrize(
    ("field", "value"),
    [("status", "dancing"), ("step", "17"), ("allow_full_names", 1), ("created_at", "yesterday")],
)
def test_a_value_of_the_wrong_shape_is_refused_naming_the_field(field: str, value: Any) -> None:
    data = encode_state(EVERY_FIELD) | {field: value}
    with pytest.raises(StateFormatError, match=rf"state\.{field}:"):
        decode_state(data)


def test_a_missing_field_with_a_default_reads_as_that_default() -> None:
    # What a row written before flows added the field looks like.
    data = {k: v for k, v in encode_state(EVERY_FIELD).items() if k != "hinted_users"}
    assert decode_state(data).hinted_users == ()


def test_a_missing_required_field_is_refused() -> None:
    data = {k: v for k, v in encode_state(EVERY_FIELD).items() if k != "chair"}
    with pytest.raises(StateFormatError, match="missing field 'chair'"):
        decode_state(data)


# ---------------------------------------------------------------- generated states

big_ints = st.integers(min_value=-(2**63), max_value=2**63 - 1)
small_ints = st.integers(min_value=-5, max_value=50)
aware_times = st.datetimes(
    timezones=st.timezones()
    | st.just(dt.UTC)
    # Fixed offsets as they occur: whole minutes (ISO 8601 keeps no more).
    | st.builds(dt.timezone, st.integers(-23 * 60, 23 * 60).map(lambda m: dt.timedelta(minutes=m)))
)
dates = st.dates()


def _optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def _tuples(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[Any, ...]]:
    return st.lists(strategy, max_size=4).map(tuple)


participants = st.builds(
    Participant, small_ints, st.text(), st.sampled_from(Role), _optional(big_ints),
    _optional(small_ints),
)  # fmt: skip
contributions = st.builds(
    Contribution, small_ints, st.text(), small_ints, st.text(), st.sampled_from(Mark),
    _optional(big_ints), _optional(st.text()),
)  # fmt: skip
agreements = st.builds(
    Agreement, small_ints, st.text(), small_ints, _optional(small_ints), _optional(dates),
    _optional(big_ints),
)  # fmt: skip
any_states = st.builds(
    MeetingState,
    meeting_id=big_ints,
    status=st.sampled_from(Status),
    language=st.text(max_size=8),
    chair=small_ints,
    participants=_tuples(participants),
    created_at=aware_times,
    kind=_optional(st.sampled_from(MeetingKind)),
    pupil=_optional(st.text()),
    allow_full_names=st.booleans(),
    phase_index=small_ints,
    turn_order=_tuples(small_ints),
    turn_index=small_ints,
    awaiting=st.sampled_from(Awaiting),
    step=small_ints,
    starter=_optional(st.text()),
    answered_this_turn=st.booleans(),
    open_agreements=_tuples(small_ints),
    contributions=_tuples(contributions),
    agreements=_tuples(agreements),
    evaluation_date=_optional(dates),
    hinted_users=_tuples(big_ints),
    started_at=_optional(aware_times),
    finished_at=_optional(aware_times),
)


@given(any_states)
def test_any_hand_built_state_reads_back_exactly(state: MeetingState) -> None:
    assert_exact(state)


# Walks through meetings: random people press random buttons and send random
# replies and edits, between sensible moves (PROGRESS) that carry the meeting
# forward, so that walks reach every phase and the end. Presses at step
# CURRENT are on the current prompt.
CURRENT = -1
PROGRESS = Resumed(ResumeReason.BACK)  # a placeholder, replaced by `_progress(state)`
PEOPLE = st.sampled_from((CHAIR, MENTOR, PARENT, Person(7_123_456_792, "Cora")))
ARGS = ("pupil", "mdo", "circle", "start", "en", "mentor", "parent", "care", "external",
        "1", "2", "3", "4", "7", "14", "42", "t", "0")  # fmt: skip
TEXTS = st.sampled_from(
    ("S.V.", "Lezen gaat goed\nRekenen nog niet", "morgen", "15 maart", "Jan Jansen",
     "Reading plan\nLibrary card", "", "<b>&amp;</b> 🙂")
) | st.text(max_size=30)  # fmt: skip
MESSAGE_IDS = st.integers(1, 40)
ANY_EVENT: st.SearchStrategy[Event] = st.one_of(
    st.builds(
        Pressed, PEOPLE, st.sampled_from(Button), st.sampled_from(ARGS),
        st.just(CURRENT) | st.integers(0, 60),
    ),
    st.builds(Replied, PEOPLE, TEXTS, MESSAGE_IDS),
    st.builds(Edited, PEOPLE, TEXTS, MESSAGE_IDS),
    st.builds(StopRequested, PEOPLE),
    st.just(Resumed(ResumeReason.BACK)),
)  # fmt: skip
# Half the steps carry the meeting forward.
EVENTS = st.tuples(st.booleans(), ANY_EVENT).map(lambda pair: PROGRESS if pair[0] else pair[1])


def _progress(state: MeetingState, text: str) -> Event:
    def chair(button: Button, arg: str = "") -> Event:
        return Pressed(CHAIR, button, arg, state.step)

    if state.status is Status.CHOOSING_KIND:
        return chair(Button.KIND, MeetingKind.PUPIL_MEETING.value)
    if state.status in (Status.NAMING_PUPIL, Status.ASKING_QUESTIONS):
        return Replied(CHAIR, "S.V." if state.status is Status.NAMING_PUPIL else text, 1)
    if state.status is Status.GATHERING and len(state.participants) < 3:
        person, role = (
            (MENTOR, Role.MENTOR) if len(state.participants) < 2 else (PARENT, Role.PARENT)
        )
        return Pressed(person, Button.JOIN, role.value)
    if state.status is Status.GATHERING:
        return chair(Button.START)
    current = state.current
    speaker = state.speaker_for(current) if current else None
    user = Person(speaker.user_id or 0, speaker.name) if speaker else CHAIR
    if state.awaiting is Awaiting.ANSWER:
        return Replied(user, text or "Goed", 5)
    if state.awaiting is Awaiting.AGREEMENT_OWNER:
        return Pressed(user, Button.OWNER, "1", state.step)
    if state.awaiting is Awaiting.AGREEMENT_DUE:
        return Pressed(user, Button.DUE, "14", state.step)
    if state.awaiting is Awaiting.EVALUATION_DATE:
        return chair(Button.EVALUATION, "42")
    if state.awaiting is Awaiting.PHASE_CHOICE:
        return chair(Button.DO_PHASE)
    return chair(Button.CLOSE_PHASE)


@settings(max_examples=40, deadline=None)
@given(
    big_ints, st.sampled_from([None, "S.V."]), st.lists(EVENTS, min_size=40, max_size=120), TEXTS
)
def test_every_state_a_meeting_passes_through_reads_back_exactly(
    meeting_id: int, pupil: str | None, events: list[Event], text: str
) -> None:
    state = opened(meeting_id, pupil=pupil)
    for minute, event in enumerate(events):
        if event is PROGRESS:
            event = _progress(state, text)
        elif isinstance(event, Pressed) and event.step == CURRENT:
            event = dataclasses.replace(event, step=state.step)
        state = transition(state, event, NOW + dt.timedelta(minutes=minute)).state
        assert_exact(state)


def test_a_zone_name_the_system_does_not_know_is_refused() -> None:
    data = encode_state(EVERY_FIELD)
    data["created_at"] = "2025-03-10T15:30:00+01:00[Mars/Olympus_Mons]"
    with pytest.raises(StateFormatError, match=r"state\.created_at"):
        decode_state(data)


def test_a_time_whose_zone_rules_changed_keeps_its_instant() -> None:
    # Written when the zone was at +02:00; today's rules say +01:00 for that date.
    data = encode_state(EVERY_FIELD) | {"created_at": "2025-01-10T15:30:00+02:00[Europe/Amsterdam]"}
    created_at = decode_state(data).created_at
    assert created_at.tzinfo == ZoneInfo("Europe/Amsterdam")
    assert created_at == dt.datetime(2025, 1, 10, 13, 30, tzinfo=dt.UTC)
