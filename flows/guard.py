"""The one guard: applies the prompt table (`flows.prompts`) and the role × action
matrix (`flows.permissions`) to a button press.

Every press passes here before a handler sees it; a handler may then assume
that the button belongs to the prompt of now and that the presser may use it.
"""

from __future__ import annotations

from .effects import Effect, Notice, Toast, Why
from .events import Button, Person, Pressed
from .permissions import MATRIX, Action, Actor, May, actor_for_role, actors, may
from .prompts import ON_THE_MEETING_MESSAGE, PROMPTS, Rule, Step
from .script import Role
from .state import MeetingState


def refusal(state: MeetingState, event: Pressed) -> Effect | None:
    """Why this press cannot act now, or None if it may."""
    rule = PROMPTS[state.prompt].buttons.get(event.button)
    if rule is None:
        # A typed command is never old: it is just not for this moment.
        why = Why.NOT_NOW if event.command is not None else Why.STALE_BUTTON
        return _refuse(event, why, clear=event.button not in ON_THE_MEETING_MESSAGE)
    if event.command is None and _stale(state, event, rule):
        # An old meeting message still shows the controls: keep them, they are
        # current again once its edit arrives.
        return _refuse(event, Why.STALE_BUTTON, clear=rule.step is Step.PROMPT)
    who = _joining_as(event) if event.button is Button.JOIN else None
    # The admin who asked to stop is known to be one: a button cannot ask Telegram.
    asked = rule.action is Action.STOP and event.by.user_id == state.stop_requested_by
    not_allowed = _not_allowed(state, rule.action, event.by, who, admin=asked)
    if not_allowed is not None:
        return _refuse(event, *not_allowed)
    return None


def allowed(state: MeetingState, action: Action, person: Person, *, admin: bool = False) -> bool:
    return _not_allowed(state, action, person, admin=admin) is None


def why_not(
    state: MeetingState, action: Action, person: Person, *, admin: bool = False
) -> tuple[Why, tuple[tuple[str, str], ...]] | None:
    """Why `person` may not do `action` in this meeting now, or None if they may."""
    return _not_allowed(state, action, person, admin=admin)


def _joining_as(event: Pressed) -> frozenset[Actor] | None:
    # Who joins is judged as the role they join as: an external professional
    # needs consent, whoever else they are in the group.
    return frozenset({actor_for_role(Role(event.arg))}) if event.arg in set(Role) else None


def _stale(state: MeetingState, event: Pressed, rule: Rule) -> bool:
    if rule.step is Step.PROMPT:
        return event.step != state.step
    if rule.step is Step.CONTROLS:
        return event.step != state.controls
    return False


def _not_allowed(
    state: MeetingState,
    action: Action,
    person: Person,
    who: frozenset[Actor] | None = None,
    *,
    admin: bool = False,
) -> tuple[Why, tuple[tuple[str, str], ...]] | None:
    me = state.participant_of_user(person.user_id)
    if me is not None and me.id in state.withdrawn:
        # Not even as another role: the consent covered this person.
        return Why.CONSENT_WITHDRAWN, ()
    who = who or actors(state, person.user_id, admin=admin)
    verdict = may(who, action)
    if verdict is May.YES:
        return None
    if verdict is May.WITH_CONSENT:
        return None if person.user_id in state.consented else (Why.NEEDS_CONSENT, ())
    if verdict is May.NO and MATRIX[Actor.PARENT][action] is not May.OWN_TURN:
        if action in (Action.JOIN, Action.RELAY):
            return Why.NOT_PARTICIPANT, ()
        return Why.ONLY_CHAIR, (("name", state.chair_participant().name),)
    # What participants do on their turn: say whose turn it is.
    current = state.current
    if current is None:
        return Why.NO_TURN, ()
    if verdict is May.OWN_TURN and state.speaker_for(current).user_id == person.user_id:
        return None
    return Why.NOT_YOUR_TURN_BUTTON, (("name", current.name),)


def _refuse(
    event: Pressed, why: Why, params: tuple[tuple[str, str], ...] = (), *, clear: bool = False
) -> Effect:
    if event.command is not None:
        # A typed command has no pop-up: the answer goes to the person's message.
        return Notice(why, to_user=event.by.user_id, reply_to=event.command, params=params)
    return Toast(why, params, clear_buttons=clear)
