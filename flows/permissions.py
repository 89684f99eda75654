"""Who may do what: the one role × action matrix.

Every check of a person against an action reads `MATRIX`: the guard for
buttons and typed controls (`flows.guard`), the core for replies, /stop and
/chair (`flows.transition`), and the shell for the case's commands (/export,
/forget, /audit, /consent, /agreements…). The README's "Who may do what"
table is made from it (`matrix_markdown`), and a test per cell acts as each
role and checks the outcome.

A person is judged by who they are *in this case*: their role in the meeting
that runs, or else in the case's latest meeting, plus "group admin" when
Telegram says so. A person with several (a mentor who is also a group admin)
may do what any of them may.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TYPE_CHECKING

from .script import Role

if TYPE_CHECKING:  # the state's prompts read this module's actions
    from .state import MeetingState


class Actor(StrEnum):
    CHAIR = "chair"
    CARE_COORDINATOR = "care"
    MENTOR = "mentor"
    PARENT = "parent"
    # The adult who types the answers of a pupil without Telegram.
    PUPIL_RELAY = "relay"
    EXTERNAL = "external"
    # Chaired the meeting until a group admin took over: takes part like the others.
    FORMER_CHAIR = "former_chair"
    GROUP_ADMIN = "admin"
    # In the group, but not taking part in this case's meeting.
    MEMBER = "member"
    # Writes to the bot in a private chat and holds no role there.
    STRANGER = "stranger"


class Action(StrEnum):
    START = "start"  # /meeting: open a meeting, and chair it
    JOIN = "join"  # take a role in a meeting
    RELAY = "relay"  # say the pupil is not in the chat, and type the pupil's answers
    LEAD = "lead"  # name the pupil, pick the kind, start, handle side notes, the evaluation date
    ANSWER = "answer"
    PASS = "pass"
    SKIP = "skip"  # skip the person whose turn it is
    BACK = "back"
    CLOSE_PHASE = "close_phase"
    STOP = "stop"
    TAKE_CHAIR = "take_chair"
    AGREEMENT = "agreement"  # add an agreement, or set its owner and date
    # Let an external professional in: record (or withdraw) the parents' consent.
    INVITE = "invite"
    EXPORT = "export"
    ERASE = "erase"  # /forget the case, or close it
    READ_AUDIT = "read_audit"
    # /agreements: the case's open agreements, with owner, date and status. Changing
    # one between meetings is AGREEMENT, where a participant's turn never comes.
    READ_AGREEMENTS = "read_agreements"
    # /uitnodigen: a private link for a parent, or the pupil's relay, to join the case.
    INVITE_FAMILY = "invite_family"


class May(StrEnum):
    YES = "yes"
    NO = "no"
    # Only on their own turn (or the turn of the pupil they relay).
    OWN_TURN = "own turn"
    # Only once the chair recorded consent for them (see `storage.consents`).
    WITH_CONSENT = "with consent"


Y, N, T, C = May.YES, May.NO, May.OWN_TURN, May.WITH_CONSENT

_PARTICIPANT = {
    Action.START: Y,
    Action.JOIN: Y,
    Action.RELAY: Y,
    Action.LEAD: N,
    Action.ANSWER: T,
    Action.PASS: T,
    Action.SKIP: N,
    Action.BACK: N,
    Action.CLOSE_PHASE: N,
    Action.STOP: N,
    Action.TAKE_CHAIR: N,
    Action.AGREEMENT: T,
    Action.INVITE: N,
    Action.EXPORT: N,
    Action.ERASE: N,
    Action.READ_AUDIT: N,
    Action.READ_AGREEMENTS: Y,
    Action.INVITE_FAMILY: N,
}
_NOTHING = dict.fromkeys(Action, N)

MATRIX: Mapping[Actor, Mapping[Action, May]] = {
    # The chair leads and answers for the case: they also chair its turns.
    Actor.CHAIR: {
        **dict.fromkeys(Action, Y),
        Action.ANSWER: T,
        Action.PASS: T,
        Action.TAKE_CHAIR: N,  # they hold it
    },
    Actor.CARE_COORDINATOR: _PARTICIPANT,
    # The mentor knows the family best: they may invite the parents too.
    Actor.MENTOR: {**_PARTICIPANT, Action.INVITE_FAMILY: Y},
    Actor.PARENT: _PARTICIPANT,
    Actor.PUPIL_RELAY: _PARTICIPANT,
    # Youth care and other outsiders take part with consent; they do not open
    # the case's meetings, where a school leads.
    Actor.EXTERNAL: {
        **_PARTICIPANT,
        Action.START: N,
        Action.JOIN: C,
        Action.READ_AGREEMENTS: C,
    },
    Actor.FORMER_CHAIR: _PARTICIPANT,
    # An admin keeps a meeting going when its chair is gone: take the chair
    # (and with it the chair's rights), or stop it.
    Actor.GROUP_ADMIN: {
        **_NOTHING,
        Action.START: Y,
        Action.JOIN: Y,
        Action.STOP: Y,
        Action.TAKE_CHAIR: Y,
    },
    Actor.MEMBER: {**_NOTHING, Action.START: Y, Action.JOIN: Y},
    Actor.STRANGER: _NOTHING,
}

_ROLE_ACTOR: Mapping[Role, Actor] = {
    Role.CHAIR: Actor.CHAIR,
    Role.MENTOR: Actor.MENTOR,
    Role.PARENT: Actor.PARENT,
    Role.CARE_COORDINATOR: Actor.CARE_COORDINATOR,
    Role.EXTERNAL: Actor.EXTERNAL,
    Role.PUPIL: Actor.PUPIL_RELAY,
}
# What one person may do is the best of what their actors may: yes beats a
# condition, a condition beats no.
_RANK = {May.NO: 0, May.WITH_CONSENT: 1, May.OWN_TURN: 2, May.YES: 3}


def actor_for_role(role: Role) -> Actor:
    return _ROLE_ACTOR[role]


def actors(state: MeetingState | None, user_id: int, *, admin: bool = False) -> frozenset[Actor]:
    """Who this person is in the case whose meeting (running or latest) is `state`."""
    found: set[Actor] = set()
    if state is not None:
        me = state.participant_of_user(user_id)
        if me is not None and me.id not in state.withdrawn:
            if me.id == state.chair:
                found.add(Actor.CHAIR)
            elif me.role is Role.CHAIR:
                found.add(Actor.FORMER_CHAIR)
            else:
                found.add(_ROLE_ACTOR[me.role])
            if any(p.voiced_by == me.id for p in state.participants):
                found.add(Actor.PUPIL_RELAY)
        elif me is not None:
            # Consent withdrawn: nothing in this case any more, not even as a member.
            return frozenset({Actor.STRANGER} | ({Actor.GROUP_ADMIN} if admin else set()))
    if admin:
        found.add(Actor.GROUP_ADMIN)
    return frozenset(found or {Actor.MEMBER})


def may(who: frozenset[Actor], action: Action) -> May:
    """The best any of `who` may do."""
    return max((MATRIX[actor][action] for actor in who), key=_RANK.__getitem__, default=May.NO)


ACTOR_NAMES: Mapping[Actor, str] = {
    Actor.CHAIR: "chair",
    Actor.CARE_COORDINATOR: "care coordinator",
    Actor.MENTOR: "mentor",
    Actor.PARENT: "parent",
    Actor.PUPIL_RELAY: "pupil's relay",
    Actor.EXTERNAL: "external professional",
    Actor.FORMER_CHAIR: "former chair",
    Actor.GROUP_ADMIN: "group admin",
    Actor.MEMBER: "member, not taking part",
    Actor.STRANGER: "stranger, private chat",
}
ACTION_NAMES: Mapping[Action, str] = {
    Action.START: "start (/meeting)",
    Action.JOIN: "join",
    Action.RELAY: "relay for the pupil",
    Action.LEAD: "lead (pupil, kind, start, side notes, evaluation date)",
    Action.ANSWER: "answer",
    Action.PASS: "pass",
    Action.SKIP: "skip a person",
    Action.BACK: "back",
    Action.CLOSE_PHASE: "close a phase",
    Action.STOP: "stop",
    Action.TAKE_CHAIR: "take the chair",
    Action.AGREEMENT: "add or change an agreement",
    Action.INVITE: "invite (record or withdraw consent)",
    Action.EXPORT: "export",
    Action.ERASE: "close or erase the case",
    Action.READ_AUDIT: "read the audit trail",
    Action.READ_AGREEMENTS: "list the case's agreements (/agreements)",
    Action.INVITE_FAMILY: "invite a parent or the pupil's relay (/invite)",
}


def matrix_markdown() -> str:
    """The matrix as the README shows it: actions down, roles across."""
    head = "| | " + " | ".join(ACTOR_NAMES[a] for a in Actor) + " |"
    rule = "|---" * (len(Actor) + 1) + "|"
    rows = [
        f"| {ACTION_NAMES[action]} | " + " | ".join(MATRIX[a][action] for a in Actor) + " |"
        for action in Action
    ]
    return "\n".join([head, rule, *rows])
