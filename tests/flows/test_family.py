"""Parents between meetings, in the pure core: links, typed words, and the rounds that read
their points in (at the start of the round, attributed, in the words they wrote)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from rondetafel.flows.effects import AskTurn, ReadIn
from rondetafel.flows.events import Button, MeetingRequested
from rondetafel.flows.family import (
    KIND_PHASES,
    MAX_TEXT,
    PARENT_LANGUAGES,
    FamilyMember,
    HomeKind,
    HomePoint,
    InviteFacts,
    InviteVerdict,
    Relation,
    TextVerdict,
    judge_invite,
    judge_text,
    phase_for,
    preselected_language,
)
from rondetafel.flows.script import SCRIPTS, MeetingKind, Role
from rondetafel.flows.state import MeetingState
from rondetafel.flows.transition import new_meeting

from . import builders as b

AYSE = b.Person(2001, "Ayşe")
LINK = InviteFacts(7, 3, Relation.PARENT, b.NOW + dt.timedelta(days=7), None)


# ---------------------------------------------------------------- the link


def test_a_link_opens_once_for_whoever_opens_it_first() -> None:
    assert judge_invite(LINK, AYSE.user_id, b.NOW) is InviteVerdict.OPEN
    used = dataclasses.replace(LINK, used_by=AYSE.user_id)
    assert judge_invite(used, AYSE.user_id, b.NOW) is InviteVerdict.AGAIN
    assert judge_invite(used, b.PARENT.user_id, b.NOW) is InviteVerdict.USED


def test_a_link_expires() -> None:
    assert judge_invite(LINK, AYSE.user_id, LINK.expires_at) is InviteVerdict.EXPIRED
    just_before = LINK.expires_at - dt.timedelta(seconds=1)
    assert judge_invite(LINK, AYSE.user_id, just_before) is InviteVerdict.OPEN


def test_a_forwarded_link_stays_used_even_after_it_expired() -> None:
    used = dataclasses.replace(LINK, used_by=AYSE.user_id)
    later = LINK.expires_at + dt.timedelta(days=30)
    assert judge_invite(used, b.PARENT.user_id, later) is InviteVerdict.USED


def test_an_unknown_link_is_unknown() -> None:
    assert judge_invite(None, AYSE.user_id, b.NOW) is InviteVerdict.UNKNOWN


@pytest.mark.parametrize(
    ("telegram", "chosen"),
    [
        ("tr", "tr"),
        ("ar", "ar"),
        ("uk", "uk"),
        ("pl-PL", "pl"),
        ("EN-gb", "en"),
        ("nl", "nl"),
        ("de", "nl"),
        (None, "nl"),
        ("", "nl"),
        ("ru", "nl"),
    ],
)
def test_the_language_is_preselected_from_telegram(telegram: str | None, chosen: str) -> None:
    assert preselected_language(telegram) == chosen
    assert chosen in PARENT_LANGUAGES


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("Slaapt beter", TextVerdict.OK),
        ("  \n ", TextVerdict.EMPTY),
        ("", TextVerdict.EMPTY),
        ("x" * MAX_TEXT, TextVerdict.OK),
        ("x" * (MAX_TEXT + 1), TextVerdict.TOO_LONG),
    ],
)
def test_what_a_parent_types_is_judged(text: str, verdict: TextVerdict) -> None:
    assert judge_text(text) is verdict


def test_every_kind_lands_in_a_round_of_every_script_that_has_one() -> None:
    for kind in HomeKind:
        for script in SCRIPTS.values():
            keys = tuple(p.key for p in script.phases)
            found = phase_for(kind, keys)
            assert found is None or found in KIND_PHASES[kind]
    pupil = tuple(p.key for p in SCRIPTS[MeetingKind.PUPIL_MEETING].phases)
    assert phase_for(HomeKind.GOES_WELL, pupil) == "goes_well"
    assert phase_for(HomeKind.HARD, pupil) == "still_hard"
    assert phase_for(HomeKind.QUESTION, pupil) == "meeting_goals"
    assert phase_for(HomeKind.NEEDS, pupil) == "needs"
    mdo = tuple(p.key for p in SCRIPTS[MeetingKind.MDO].phases)
    assert phase_for(HomeKind.NEEDS, mdo) == "pupil_needs"  # once, not in both needs rounds
    evaluation = tuple(p.key for p in SCRIPTS[MeetingKind.EVALUATION].phases)
    assert phase_for(HomeKind.NOW, evaluation) == "looking_back"
    assert phase_for(HomeKind.HARD, evaluation) == "not_yet"


# ---------------------------------------------------------------- in the meeting

FAMILY = (FamilyMember(AYSE.user_id, AYSE.name, "tr"),)
FROM_HOME = (
    HomePoint(11, AYSE.user_id, HomeKind.GOES_WELL, "Ödevini kendi yapıyor", "tr"),
    HomePoint(12, AYSE.user_id, HomeKind.GOES_WELL, "Kardeşine yardım ediyor", "tr"),
    HomePoint(13, AYSE.user_id, HomeKind.HARD, "Sabahları kalkmak zor", "tr"),
    HomePoint(14, AYSE.user_id, HomeKind.QUESTION, "Sınıfta yalnız mı?", "tr"),
)


def with_family(
    state: MeetingState,
    family: tuple[FamilyMember, ...] = FAMILY,
    from_home: tuple[HomePoint, ...] = FROM_HOME,
) -> MeetingState:
    """What the shell loads at the start: the case's parents and their points."""
    return state.evolve(family=family, from_home=from_home)


def started(state: MeetingState) -> tuple[MeetingState, list[object]]:
    outcome = b.press(state, b.CHAIR, Button.START)
    return outcome.state, list(outcome.effects)


def test_an_absent_parents_points_open_each_round_attributed_to_them() -> None:
    gathering = with_family(b.gather(MeetingKind.PUPIL_MEETING, [(b.MENTOR, Role.MENTOR)]))
    state, effects = started(gathering)
    ayse = state.participant_of_user(AYSE.user_id)
    assert ayse is not None and ayse.absent and ayse.role is Role.PARENT
    assert ayse.language == "tr"
    # The first round (the meeting's questions) reads her question in, then asks.
    assert [type(e) for e in effects if isinstance(e, ReadIn | AskTurn)] == [ReadIn, AskTurn]
    assert b.texts(state, "meeting_goals") == ["Sınıfta yalnız mı?"]
    # She is never asked: she is not here.
    assert ayse.id not in state.turn_order
    state = b.skip_to_phase(state, "goes_well")
    mine = [c for c in state.points("goes_well") if c.participant == ayse.id]
    assert [c.text for c in mine] == ["Ödevini kendi yapıyor", "Kardeşine yardım ediyor"]
    assert all(c.language == "tr" and c.home is not None for c in mine)
    state = b.skip_to_phase(state, "still_hard")
    assert b.texts(state, "still_hard") == ["Sabahları kalkmak zor"]
    assert state.read_in() == {11, 12, 13, 14}


def test_a_point_is_read_in_once_even_when_the_chair_goes_back() -> None:
    state, _ = started(with_family(b.gather(MeetingKind.PUPIL_MEETING, [(b.MENTOR, Role.MENTOR)])))
    state = b.skip_to_phase(state, "still_hard")
    before = state.contributions
    state = b.press(state, b.CHAIR, Button.BACK).state
    state = b.pass_turn(state).state
    assert [c for c in state.contributions if c.home] == [c for c in before if c.home]


def test_a_parent_who_is_there_reads_their_points_in_and_still_gets_their_turn() -> None:
    parent = FamilyMember(b.PARENT.user_id, b.PARENT.name, "tr")
    points = (HomePoint(21, b.PARENT.user_id, HomeKind.GOES_WELL, "Okumayı seviyor", "tr"),)
    gathering = with_family(b.gather(MeetingKind.PUPIL_MEETING, b.THE_FOUR), (parent,), points)
    state, _ = started(gathering)
    me = state.participant_of_user(b.PARENT.user_id)
    assert me is not None and not me.absent
    state = b.skip_to_phase(state, "goes_well")
    assert [c.participant for c in state.points("goes_well")] == [me.id]
    assert me.id in state.turn_order


def test_a_parent_joining_is_asked_in_their_language() -> None:
    opened = new_meeting(
        b.MEETING_ID,
        MeetingRequested(b.CHAIR, pupil=b.PUPIL_ALIAS, family=FAMILY),
        b.NOW,
    ).state
    joined = b.press(opened, AYSE, Button.JOIN, Role.PARENT.value).state
    ayse = joined.participant_of_user(AYSE.user_id)
    assert ayse is not None and ayse.language == "tr"
    # As a mentor, she would be staff: asked in the meeting's language.
    mentor = b.press(opened, AYSE, Button.JOIN, Role.MENTOR.value).state
    assert mentor.participant_of_user(AYSE.user_id).language is None  # type: ignore[union-attr]


def test_an_absent_parent_who_comes_after_all_takes_part_from_the_next_round() -> None:
    state, _ = started(with_family(b.gather(MeetingKind.PUPIL_MEETING, [(b.MENTOR, Role.MENTOR)])))
    people = len(state.participants)
    state = b.press(state, AYSE, Button.JOIN, Role.PARENT.value).state
    ayse = state.participant_of_user(AYSE.user_id)
    assert ayse is not None and not ayse.absent and len(state.participants) == people
    state = b.skip_to_phase(state, "goes_well")
    assert ayse.id in state.turn_order


def test_the_relays_points_are_the_pupils_own_words() -> None:
    relay = FamilyMember(AYSE.user_id, AYSE.name, "nl", Relation.RELAY)
    points = (HomePoint(31, AYSE.user_id, HomeKind.GOES_WELL, "Ik kan goed tekenen", "nl"),)
    gathering = with_family(b.gather(MeetingKind.PUPIL_MEETING, b.THE_FOUR), (relay,), points)
    state, _ = started(gathering)
    pupil = next(p for p in state.participants if p.role is Role.PUPIL)
    assert pupil.absent and pupil.name == b.PUPIL_ALIAS
    state = b.skip_to_phase(state, "goes_well")
    [point] = state.points("goes_well")
    assert point.participant == pupil.id and point.language is None  # the meeting's language


def test_the_pupil_relayed_after_all_keeps_the_words_from_home() -> None:
    relay = FamilyMember(AYSE.user_id, AYSE.name, "nl", Relation.RELAY)
    points = (HomePoint(31, AYSE.user_id, HomeKind.QUESTION, "Mag ik vooraan zitten?", "nl"),)
    state, _ = started(
        with_family(b.gather(MeetingKind.PUPIL_MEETING, b.THE_FOUR), (relay,), points)
    )
    pupil = next(p for p in state.participants if p.role is Role.PUPIL)
    state = b.press(state, b.PARENT, Button.VOICE_PUPIL).state
    voiced = state.participant(pupil.id)
    assert not voiced.absent and voiced.voiced_by == b.pid(state, b.PARENT)
    assert [p.role for p in state.participants].count(Role.PUPIL) == 1


def test_without_points_from_home_nothing_changes() -> None:
    plain, _ = started(b.gather(MeetingKind.PUPIL_MEETING, b.THE_FOUR))
    family_only, _ = started(
        with_family(b.gather(MeetingKind.PUPIL_MEETING, b.THE_FOUR), FAMILY, ())
    )
    assert family_only.participants == plain.participants
    assert family_only.contributions == plain.contributions


def test_who_is_not_at_the_meeting_cannot_be_given_an_agreement() -> None:
    state, _ = started(with_family(b.gather(MeetingKind.PUPIL_MEETING, [(b.MENTOR, Role.MENTOR)])))
    ayse = state.participant_of_user(AYSE.user_id)
    assert ayse is not None and ayse.absent
    state = b.skip_to_phase(state, "agreements")
    state = b.answer(state, b.current_speaker(state), "Elke avond samen lezen").state
    refused = b.press(state, b.CHAIR, Button.OWNER, ayse.id)
    assert refused.state == state
