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

from rondetafel.flows.effects import AskTurn, ShowAgreement, ShowEvaluation
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
from rondetafel.flows.prompts import ONGOING, Prompt
from rondetafel.flows.script import MeetingKind, Role
from rondetafel.flows.state import (
    MEETING_QUESTIONS,
    Agreement,
    Contribution,
    Mark,
    MeetingState,
    Participant,
    Status,
)
from rondetafel.flows.transition import transition
from rondetafel.storage.codec import VERSION, decode_state, encode_state
from rondetafel.storage.errors import StateFormatError

from .states import (
    AMSTERDAM,
    CHAIR,
    EVERY_FIELD,
    MENTOR,
    NOW,
    PARENT,
    V1_STATES,
    opened,
    step_for,
)


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
    assert data["v"] == VERSION == 2
    assert data["status"] == "running"
    assert data["created_at"] == "2025-10-26T02:30:00+01:00[Europe/Amsterdam]"
    assert data["agreements"][0]["due"] == "2025-11-07"


def test_a_state_from_an_unknown_format_version_is_refused_with_a_clear_error() -> None:
    data = encode_state(EVERY_FIELD) | {"v": 3}
    with pytest.raises(StateFormatError, match="version 3; this program reads version 2"):
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
    _optional(big_ints), st.booleans(),
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
    prompt=st.sampled_from(Prompt),
    step=small_ints,
    controls=small_ints,
    answered_this_turn=st.booleans(),
    open_agreements=_tuples(small_ints),
    contributions=_tuples(contributions),
    agreements=_tuples(agreements),
    evaluation_date=_optional(dates),
    hinted_users=_tuples(big_ints),
    stop_requested_by=_optional(big_ints),
    consented=_tuples(big_ints),
    withdrawn=_tuples(small_ints),
    started_at=_optional(aware_times),
    finished_at=_optional(aware_times),
)


@given(any_states)
def test_any_hand_built_state_reads_back_exactly(state: MeetingState) -> None:
    assert_exact(state)


# Walks through meetings: random people press random buttons (or type the
# commands that stand in for them) and send random replies and edits, between
# sensible moves (PROGRESS) that carry the meeting forward, so that walks reach
# every phase and the end. Presses at step CURRENT are on the current prompt
# (or on the meeting message's controls, for the buttons that live there).
CURRENT = -1
PROGRESS = Resumed(ResumeReason.BACK)  # a placeholder, replaced by `_progress(state)`
PEOPLE = st.sampled_from((CHAIR, MENTOR, PARENT, Person(7_123_456_792, "Cora")))
ARGS = ("pupil", "mdo", "circle", "start", "en", "mentor", "parent", "care", "external",
        "1", "2", "3", "4", "7", "14", "42", "t", ONGOING, "0")  # fmt: skip
TEXTS = st.sampled_from(
    ("S.V.", "Lezen gaat goed\nRekenen nog niet", "morgen", "15 maart", "Jan Jansen",
     "Reading plan\nLibrary card", "", "-", "<b>&amp;</b> 🙂")
) | st.text(max_size=30)  # fmt: skip
MESSAGE_IDS = st.integers(1, 40)
ANY_EVENT: st.SearchStrategy[Event] = st.one_of(
    st.builds(
        Pressed, PEOPLE, st.sampled_from(Button), st.sampled_from(ARGS),
        st.just(CURRENT) | st.integers(0, 60),
    ),
    st.builds(Pressed, PEOPLE, st.sampled_from(Button), command=MESSAGE_IDS),
    st.builds(Replied, PEOPLE, TEXTS, MESSAGE_IDS),
    st.builds(Edited, PEOPLE, TEXTS, MESSAGE_IDS),
    st.builds(StopRequested, PEOPLE),
    st.just(Resumed(ResumeReason.BACK)),
)  # fmt: skip
# Half the steps carry the meeting forward.
EVENTS = st.tuples(st.booleans(), ANY_EVENT).map(lambda pair: PROGRESS if pair[0] else pair[1])


def _progress(state: MeetingState, text: str) -> Event:
    """A sensible next move: what a group that wants to get through the meeting does."""

    def chair(button: Button, arg: str = "") -> Event:
        return Pressed(CHAIR, button, arg, step_for(state, button))

    if state.prompt is Prompt.PUPIL:
        return Replied(CHAIR, "S.V.", 1)
    if state.prompt is Prompt.GATHERING and len(state.participants) < 3:
        person, role = (
            (MENTOR, Role.MENTOR) if len(state.participants) < 2 else (PARENT, Role.PARENT)
        )
        return Pressed(person, Button.JOIN, role.value)
    if state.prompt is Prompt.GATHERING:
        return chair(Button.START)
    current = state.current
    speaker = state.speaker_for(current) if current else None
    user = Person(speaker.user_id or 0, speaker.name) if speaker else CHAIR
    if state.prompt is Prompt.TURN:
        return Replied(user, text or "Goed", 5)
    if state.prompt is Prompt.AGREEMENT:
        # Dated and ongoing agreements, by turns.
        return Pressed(user, Button.DUE, "14" if state.step % 2 else ONGOING, state.step)
    if state.prompt is Prompt.EVALUATION:
        return chair(Button.EVALUATION, "42")
    return chair(Button.CLOSE_PHASE)


def _on_now(state: MeetingState, event: Event) -> Event:
    """`event`, with a press at step CURRENT put on the prompt (or controls) of now."""
    if isinstance(event, Pressed) and event.command is None and event.step == CURRENT:
        return dataclasses.replace(event, step=step_for(state, event.button))
    return event


@settings(max_examples=40, deadline=None)
@given(
    big_ints, st.sampled_from([None, "S.V."]), st.lists(EVENTS, min_size=40, max_size=120), TEXTS
)
def test_every_state_a_meeting_passes_through_reads_back_exactly(
    meeting_id: int, pupil: str | None, events: list[Event], text: str
) -> None:
    state = opened(meeting_id, pupil=pupil)
    for minute, event in enumerate(events):
        event = _progress(state, text) if event is PROGRESS else _on_now(state, event)
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


# ---------------------------------------------------------------- version 1
#
# A meeting that runs while the bot is upgraded was stored by version 1: it
# must read as a version-2 state the machine can go on with.

V1_READS_AS: dict[str, tuple[Status, Prompt, MeetingKind]] = {
    # The kind is no longer chosen first: it defaults, and the pupil is named
    # (or, when the group's case names it, people gather) as in a new meeting.
    "choosing_kind": (Status.NAMING_PUPIL, Prompt.PUPIL, MeetingKind.PUPIL_MEETING),
    "choosing_kind_known_pupil": (Status.GATHERING, Prompt.GATHERING, MeetingKind.PUPIL_MEETING),
    "naming_pupil": (Status.NAMING_PUPIL, Prompt.PUPIL, MeetingKind.MDO),
    # The meeting's questions are its first phase now: people gather.
    "asking_questions": (Status.GATHERING, Prompt.GATHERING, MeetingKind.MDO),
    "gathering": (Status.GATHERING, Prompt.GATHERING, MeetingKind.MDO),
    "answer_with_starter": (Status.RUNNING, Prompt.TURN, MeetingKind.PUPIL_MEETING),
    # An optional phase is no longer offered: it has begun.
    "phase_choice": (Status.RUNNING, Prompt.TURN, MeetingKind.PUPIL_MEETING),
    "agreement_owner": (Status.RUNNING, Prompt.AGREEMENT, MeetingKind.PUPIL_MEETING),
    "agreement_due": (Status.RUNNING, Prompt.AGREEMENT, MeetingKind.PUPIL_MEETING),
    "evaluation_date": (Status.RUNNING, Prompt.EVALUATION, MeetingKind.PUPIL_MEETING),
    "finished": (Status.FINISHED, Prompt.CLOSED, MeetingKind.PUPIL_MEETING),
}
V1_ACTIVE = [name for name, (status, _, _) in V1_READS_AS.items() if status is not Status.FINISHED]
# What version 2 reads differently; everything else must read as it was stored.
V1_CHANGED = {
    "v",
    "status",
    "kind",
    "prompt",
    "controls",
    "agreements",
    "participants",
    "contributions",
}
# Fields added later with a default: written from then on, read from version 1 as empty.
V1_ADDED = {"consented", "withdrawn", "family", "from_home"}
# …and within a participant and a contribution (parents between meetings).
V1_PARTICIPANT_ADDED = {"language": None, "absent": False}
V1_CONTRIBUTION_ADDED = {"home": None, "language": None}
V1_GONE = {"awaiting", "starter", "skipped_phases"}


def v1(name: str) -> MeetingState:
    return decode_state(V1_STATES[name])


def test_the_version_1_states_cover_every_status_and_everything_it_awaited() -> None:
    assert set(V1_STATES) == set(V1_READS_AS)
    assert {data["v"] for data in V1_STATES.values()} == {1}
    assert {data["status"] for data in V1_STATES.values()} == {
        "choosing_kind", "naming_pupil", "asking_questions", "gathering", "running", "finished",
    }  # fmt: skip
    assert {data["awaiting"] for data in V1_STATES.values()} == {
        "nothing", "answer", "phase_choice", "agreement_owner", "agreement_due",
        "evaluation_date",
    }  # fmt: skip
    assert any(data["starter"] for data in V1_STATES.values())
    assert any(data["skipped_phases"] for data in V1_STATES.values())
    assert any(a["owner"] is None for data in V1_STATES.values() for a in data["agreements"])


@pytest.mark.parametrize("name", V1_READS_AS)
def test_a_version_1_state_reads_where_the_meeting_was_and_is_written_back_as_version_2(
    name: str,
) -> None:
    data = V1_STATES[name]

    state = decode_state(data)

    assert (state.status, state.prompt, state.kind) == V1_READS_AS[name]
    assert state.controls == 0
    written = encode_state(state)
    assert written["v"] == VERSION
    kept = set(data) - V1_CHANGED - V1_GONE
    if state.prompt is Prompt.AGREEMENT:
        # Version 2 counts the turn answered once one of the reply's agreements is recorded.
        kept -= {"answered_this_turn"}
    assert {key: written[key] for key in kept} == {key: data[key] for key in kept}
    assert set(written) == (set(data) - V1_GONE) | V1_CHANGED | V1_ADDED
    assert (state.consented, state.withdrawn) == ((), ())
    for before, after in zip(data["agreements"], written["agreements"], strict=True):
        assert after == before | {"owner": after["owner"], "ongoing": False, "line": 0, "lines": 0}
    for before, after in zip(data["participants"], written["participants"], strict=True):
        assert after == before | V1_PARTICIPANT_ADDED
    for before, after in zip(data["contributions"], written["contributions"], strict=True):
        assert after == before | V1_CONTRIBUTION_ADDED
    assert (state.family, state.from_home) == ((), ())
    assert_exact(state)


@pytest.mark.parametrize("name", V1_ACTIVE)
def test_a_meeting_stored_by_version_1_can_be_carried_on_to_its_end(name: str) -> None:
    state = v1(name)

    for minute in range(200):
        if state.status is Status.FINISHED:
            break
        event = _progress(state, "Goed")
        state = transition(state, event, NOW + dt.timedelta(minutes=minute)).state
        assert_exact(state)

    assert state.status is Status.FINISHED
    assert state.prompt is Prompt.CLOSED
    assert state.evaluation_date is not None


def test_a_version_1_meeting_that_was_choosing_its_kind_names_its_pupil_next() -> None:
    state = v1("choosing_kind")

    named = transition(state, Replied(CHAIR, "S.V.", 1), NOW).state

    assert (named.status, named.prompt, named.pupil) == (Status.GATHERING, Prompt.GATHERING, "S.V.")
    mdo = transition(named, Pressed(CHAIR, Button.KIND, MeetingKind.MDO.value), NOW).state
    assert mdo.kind is MeetingKind.MDO


def test_the_meeting_questions_asked_in_version_1_stay_the_meetings_questions() -> None:
    state = v1("gathering")

    assert state.meeting_questions() == ("Does S. need a reading plan?",)
    assert [c.phase for c in state.contributions] == [MEETING_QUESTIONS]


def test_a_chosen_sentence_starter_is_dropped_and_the_answer_is_a_plain_point() -> None:
    state = v1("answer_with_starter")
    assert state.phase is not None and state.phase.key == "needs"
    assert state.current is not None and state.current.role is Role.PARENT

    outcome = transition(state, Replied(PARENT, "is short and shown on the board", 30), NOW)

    [point] = outcome.state.points("needs")
    assert (point.text, point.starter) == ("is short and shown on the board", None)
    assert outcome.effects == (AskTurn(),)
    assert outcome.state.current is not None and outcome.state.current.role is Role.MENTOR


def test_an_optional_phase_version_1_offered_has_begun_and_the_chair_can_close_it() -> None:
    state = v1("phase_choice")
    assert state.phase is not None and state.phase.key == "insight"
    assert state.current is not None and state.current.role is Role.PARENT

    answered = transition(state, Replied(PARENT, "Reading costs a lot of effort", 30), NOW)
    closed = transition(state, Pressed(CHAIR, Button.CLOSE_PHASE, step=state.controls), NOW)

    assert [c.text for c in answered.state.points("insight")] == ["Reading costs a lot of effort"]
    assert closed.state.phase is not None and closed.state.phase.key == "goals"
    # Going back finds the optional phase as any other: no choice is offered again.
    back = transition(
        closed.state, Pressed(CHAIR, Button.BACK, step=closed.state.controls), NOW
    ).state
    assert back.phase is not None and back.phase.key == "insight" and back.prompt is Prompt.TURN


def test_agreements_version_1_still_asked_an_owner_for_are_owned_by_their_proposer() -> None:
    state = v1("agreement_owner")
    parent = 3
    assert state.current is not None and state.current.id == parent

    assert [(a.seq, a.proposed_by, a.owner, a.due) for a in state.agreements] == [
        (1, parent, parent, None),
        (2, parent, parent, None),
    ]
    assert state.open_agreements == (1, 2)
    outcome = transition(state, Pressed(PARENT, Button.DUE, "7", state.step), NOW)
    assert outcome.state.agreement(1).complete
    assert outcome.effects[-2:] == (ShowAgreement(1, edit=True), ShowAgreement(2))


def test_an_agreement_version_1_asked_a_date_for_takes_a_typed_date() -> None:
    state = v1("agreement_due")
    assert state.agreement(2).owner == 3 and state.open_agreements == (2,)

    outcome = transition(state, Replied(PARENT, "vrijdag", 30), NOW)

    assert outcome.state.agreement(2).due == dt.date(2025, 3, 14)
    assert outcome.state.agreement(1) == state.agreement(1)
    assert outcome.effects == (ShowAgreement(2, edit=True), AskTurn())


def test_an_evaluation_date_version_1_asked_for_is_set_by_the_chair() -> None:
    state = v1("evaluation_date")
    assert state.current is None

    outcome = transition(state, Pressed(CHAIR, Button.EVALUATION, "42", state.step), NOW)

    assert outcome.state.evaluation_date == dt.date(2025, 4, 21)
    assert ShowEvaluation(edit=True) in outcome.effects
    assert outcome.state.phase is not None and outcome.state.phase.key == "tops_tips"


def test_a_meeting_version_1_finished_stays_finished() -> None:
    state = v1("finished")

    assert not state.active and state.current is None
    assert transition(state, Resumed(ResumeReason.BACK), NOW).effects == ()
    assert [(a.what, a.due) for a in state.agreements if a.complete] == [
        ("Reading plan", dt.date(2025, 3, 24)),
        ("Talk to the PE teacher", dt.date(2025, 3, 17)),
    ]


@pytest.mark.parametrize("name", ["evaluation_date", "finished"])
def test_an_agreement_version_1_left_without_an_owner_is_not_given_one(name: str) -> None:
    # "Library card" was proposed by the parent, but nobody took it on before
    # the chair moved on: version 1 recorded it without owner or date (and a
    # finished meeting wrote it so into the agreements table). Reading it must
    # not make the parent its owner after the fact.
    data = V1_STATES[name]
    [unowned] = [a for a in data["agreements"] if a["owner"] is None]
    assert unowned["seq"] not in data["open_agreements"]

    assert v1(name).agreement(unowned["seq"]).owner is None


def test_passing_on_an_agreement_after_recording_one_in_that_turn_is_no_pass() -> None:
    # Version 2 counts the turn as answered once one agreement of it is recorded.
    state = v1("agreement_due")
    assert state.agreement(1).complete and state.agreement(1).message_id == 10

    passed = transition(state, Pressed(PARENT, Button.PASS, step=state.controls), NOW).state

    assert [c.mark for c in passed.contributions if c.phase == "agreements"] == []


@pytest.mark.parametrize(
    ("field", "value"), [("status", "dancing"), ("step", "17"), ("created_at", "yesterday")]
)
def test_a_version_1_state_is_read_as_strictly_as_any_other(field: str, value: Any) -> None:
    data = V1_STATES["agreement_due"] | {field: value}
    with pytest.raises(StateFormatError, match=rf"state\.{field}:"):
        decode_state(data)


@pytest.mark.parametrize("awaiting", ["dancing", 3, None])
def test_a_version_1_state_awaiting_something_version_1_never_wrote_is_refused(
    awaiting: Any,
) -> None:
    # Version 1 refused such a value; read as a turn, a damaged row would go on
    # silently as a different meeting.
    data = V1_STATES["agreement_due"] | {"awaiting": awaiting}
    with pytest.raises(StateFormatError, match="awaiting"):
        decode_state(data)
