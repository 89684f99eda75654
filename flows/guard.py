"""The one guard: applies the prompt table (`flows.prompts`) to a button press.

Every press passes here before a handler sees it; a handler may then assume
that the button belongs to the prompt of now and that the presser may use it.
"""

from __future__ import annotations

from .effects import Effect, Notice, Toast, Why
from .events import Person, Pressed
from .prompts import ON_THE_MEETING_MESSAGE, PROMPTS, Rule, Step, Who
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
    not_allowed = _not_allowed(state, rule.who, event.by)
    if not_allowed is not None:
        return _refuse(event, *not_allowed)
    return None


def may(state: MeetingState, who: Who, person: Person) -> bool:
    return _not_allowed(state, who, person) is None


def _stale(state: MeetingState, event: Pressed, rule: Rule) -> bool:
    if rule.step is Step.PROMPT:
        return event.step != state.step
    if rule.step is Step.CONTROLS:
        return event.step != state.controls
    return False


def _not_allowed(
    state: MeetingState, who: Who, person: Person
) -> tuple[Why, tuple[tuple[str, str], ...]] | None:
    chair = state.chair_participant()
    is_chair = chair.user_id == person.user_id
    current = state.current
    speaks = current is not None and state.speaker_for(current).user_id == person.user_id
    if who is Who.ANYONE:
        return None
    if who is Who.PARTICIPANT:
        if state.participant_of_user(person.user_id) is None:
            return Why.NOT_PARTICIPANT, ()
        return None
    if who is Who.CHAIR or (who is Who.STOPPER and person.user_id != state.stop_requested_by):
        return None if is_chair else (Why.ONLY_CHAIR, (("name", chair.name),))
    if who is Who.STOPPER:
        return None
    if current is None:
        return Why.NO_TURN, ()
    if speaks or (who is Who.SPEAKER_OR_CHAIR and is_chair):
        return None
    return Why.NOT_YOUR_TURN_BUTTON, (("name", current.name),)


def _refuse(
    event: Pressed, why: Why, params: tuple[tuple[str, str], ...] = (), *, clear: bool = False
) -> Effect:
    if event.command is not None:
        # A typed command has no pop-up: the answer goes to the person's message.
        return Notice(why, to_user=event.by.user_id, reply_to=event.command, params=params)
    return Toast(why, params, clear_buttons=clear)
