"""The prompt table (`flows.prompts`) and the one guard that applies it (`flows.guard`).

The table says, per prompt, which buttons it accepts, who may press each, what
step a press must carry and who answers the prompt by a reply. These tests
hold the guard to the table with an oracle of their own (`refusal_for`),
press every button in every prompt as every person, and prove that every cell
of the table is reachable in a real meeting and does something there: a
button the table lists is never dead weight, and one it does not list is
always refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest

from rondetafel.flows.effects import (
    AskPupil,
    AskTurn,
    ChairChanged,
    ConfirmStop,
    Done,
    Effect,
    MeetingFinished,
    MeetingStopped,
    Notice,
    ShowAgreement,
    ShowEvaluation,
    ShowMeeting,
    ShowSideNote,
    SideNoteHandled,
    Toast,
    Why,
)
from rondetafel.flows.events import (
    Button,
    ChairClaimed,
    MeetingRequested,
    Person,
    Pressed,
    StopRequested,
)
from rondetafel.flows.guard import allowed, refusal
from rondetafel.flows.permissions import Action
from rondetafel.flows.prompts import (
    DUE_CHOICES,
    EVALUATION_CHOICES,
    ON_A_TURN,
    ON_THE_MEETING_MESSAGE,
    ONGOING,
    PROMPTS,
    RUNNING_PROMPTS,
    Prompt,
    Step,
)
from rondetafel.flows.script import MeetingKind, Role
from rondetafel.flows.state import Mark, MeetingState, Status
from rondetafel.flows.transition import Outcome, new_meeting

from .builders import (
    CARE,
    CHAIR,
    EVERYBODY,
    MEETING_ID,
    MENTOR,
    NOW,
    OUTSIDER,
    PARENT,
    PUPIL_ALIAS,
    THE_FOUR,
    TODAY,
    answer,
    answer_turn,
    current_speaker,
    gather,
    next_message_id,
    open_meeting,
    pid,
    skip_to_phase,
    start_meeting,
    start_with_voiced_pupil,
    step,
)

# The buttons people can also type as a command (/pas, /overslaan, /terug, /volgende).
TYPED = (Button.PASS, Button.SKIP, Button.BACK, Button.CLOSE_PHASE)
CELLS = sorted((prompt, button) for prompt, rules in PROMPTS.items() for button in rules.buttons)
ACTIVE_PROMPTS = [p for p in Prompt if p is not Prompt.CLOSED]


# ---------------------------------------------------------------- the oracle


def refused_because(
    state: MeetingState,
    action: Action,
    person: Person,
    joining_as: Role | None = None,
    *,
    admin: bool = False,
) -> tuple[Why, tuple[tuple[str, str], ...]] | None:
    """Why `person` may not do `action` now, in the matrix's words; None if they may."""
    chair = state.chair_participant()
    is_chair = person.user_id == chair.user_id
    only_chair = (Why.ONLY_CHAIR, (("name", chair.name),))
    known = any(p.user_id == person.user_id for p in state.participants)
    if action is Action.JOIN:
        consented = person.user_id in state.consented
        return (Why.NEEDS_CONSENT, ()) if joining_as is Role.EXTERNAL and not consented else None
    if action is Action.RELAY:
        return None if known else (Why.NOT_PARTICIPANT, ())
    if action in (Action.LEAD, Action.SKIP, Action.BACK, Action.CLOSE_PHASE):
        return None if is_chair else only_chair
    if action is Action.STOP:
        return None if is_chair or admin else only_chair
    if action is Action.AGREEMENT and is_chair:
        return None  # the chair settles any agreement
    current = state.current
    if current is None:
        return Why.NO_TURN, ()
    if state.speaker_for(current).user_id == person.user_id:
        return None
    return Why.NOT_YOUR_TURN_BUTTON, (("name", current.name),)


def refusal_for(state: MeetingState, event: Pressed) -> Effect | None:
    """What the table says a press gets instead of acting, or None if it may act."""
    rule = PROMPTS[state.prompt].buttons.get(event.button)
    why: tuple[Why, tuple[tuple[str, str], ...]] | None
    clear = False
    if rule is None:
        # A typed command is never old: it is just not for this moment.
        why = (Why.NOT_NOW if event.command is not None else Why.STALE_BUTTON, ())
        # The meeting message stays live: an out-of-date press on it keeps its buttons.
        clear = event.button not in ON_THE_MEETING_MESSAGE
    elif event.command is None and event.step != carried_step(state, rule.step, event.step):
        why, clear = (Why.STALE_BUTTON, ()), rule.step is Step.PROMPT
    else:
        joining_as = (
            Role(event.arg) if event.button is Button.JOIN and event.arg in set(Role) else None
        )
        # Who asked to stop is an admin (Telegram said so then): they may confirm.
        asked = state.stop_requested_by == event.by.user_id
        why = refused_because(state, rule.action, event.by, joining_as, admin=asked)
    if why is None:
        return None
    if event.command is not None:
        return Notice(why[0], event.by.user_id, event.command, why[1])
    return Toast(why[0], why[1], clear_buttons=clear)


def carried_step(state: MeetingState, rule: Step, otherwise: int) -> int:
    """The step a press must carry to count (`otherwise` when any step will do)."""
    return {Step.NONE: otherwise, Step.PROMPT: state.step, Step.CONTROLS: state.controls}[rule]


def a_press(
    state: MeetingState, person: Person, button: Button, arg: str = "", *, command: bool = False
) -> Pressed:
    """A press that carries the step its button needs now (as the keyboards put it on the
    button, from the table), or a typed command."""
    if command:
        return Pressed(person, button, arg, command=next_message_id())
    rule = PROMPTS[state.prompt].buttons.get(button)
    at = carried_step(state, rule.step, state.step) if rule else state.step
    return Pressed(person, button, arg, at)


def press(state: MeetingState, person: Person, button: Button, arg: str | int = "") -> Outcome:
    """`person` taps `button` on the message that shows it now."""
    return step(state, a_press(state, person, button, str(arg)))


def pass_turn(state: MeetingState) -> Outcome:
    return press(state, current_speaker(state), Button.PASS)


# ---------------------------------------------------------------- meetings at each prompt


def naming() -> MeetingState:
    return open_meeting().state


def gathering() -> MeetingState:
    return gather(MeetingKind.PUPIL_MEETING, THE_FOUR)


def running() -> MeetingState:
    """The first turn: the pupil's, relayed by the parent (chair, mentor, parent, pupil)."""
    state = start_with_voiced_pupil(MeetingKind.PUPIL_MEETING)
    assert state.current is not None and state.current.role is Role.PUPIL
    return state


def turn_of(role: Role) -> MeetingState:
    state = running()
    for _ in range(len(state.turn_order)):
        if state.current is not None and state.current.role is role:
            break
        state = answer_turn(state, "a point").state
    assert state.prompt is Prompt.TURN and state.current is not None
    assert state.current.role is role
    return state


def in_agreements() -> MeetingState:
    return skip_to_phase(running(), "agreements")


def agreement_open() -> MeetingState:
    """The pupil proposed two agreements; the first waits for who and by when."""
    state = answer(in_agreements(), PARENT, "read every day\nvisit the library").state
    assert state.prompt is Prompt.AGREEMENT and len(state.open_agreements) == 2
    return state


def evaluation() -> MeetingState:
    state = press(in_agreements(), CHAIR, Button.CLOSE_PHASE).state
    assert state.prompt is Prompt.EVALUATION
    return state


def finished() -> MeetingState:
    state = running()
    for _ in range(len(state.phases) + 1):  # the evaluation date is one more
        state = press(state, CHAIR, Button.CLOSE_PHASE).state
    assert state.status is Status.FINISHED
    return state


def stopped() -> MeetingState:
    state = press(agreement_open(), CHAIR, Button.STOP_YES).state
    assert state.status is Status.STOPPED
    return state


def admin_asked_to_stop(state: MeetingState, admin: Person = OUTSIDER) -> MeetingState:
    outcome = step(state, StopRequested(admin, admin=True))
    assert outcome.effects == (ConfirmStop(),)
    return outcome.state


def mentor_took_the_chair(state: MeetingState) -> MeetingState:
    outcome = step(state, ChairClaimed(MENTOR, admin=True))
    assert any(isinstance(e, ChairChanged) for e in outcome.effects)
    return outcome.state


def with_side_note(state: MeetingState) -> MeetingState:
    """A participant whose turn it is not, and who is not the chair, says something."""
    speaking = current_speaker(state) if state.current is not None else None
    by = PARENT if speaking == MENTOR else MENTOR
    outcome = answer(state, by, "a word out of turn")
    assert [type(e) for e in outcome.effects] == [ShowSideNote], outcome.effects
    return outcome.state


# Real meetings at every prompt, with the people around them in every position:
# the speaker relaying for the pupil, the chair's own turn, a chair who took
# over, an admin who asked to stop (from outside the meeting).
PLACES: dict[str, Callable[[], MeetingState]] = {
    "naming": naming,
    "naming, stop asked": lambda: admin_asked_to_stop(naming()),
    "gathering": gathering,
    "gathering, chair alone": lambda: open_meeting(pupil=PUPIL_ALIAS).state,
    "pupil's turn": running,
    "mentor's turn": lambda: turn_of(Role.MENTOR),
    "chair's turn": lambda: turn_of(Role.CHAIR),
    "turn, side note": lambda: with_side_note(running()),
    "turn, stop asked": lambda: admin_asked_to_stop(running()),
    "turn, chair taken over": lambda: mentor_took_the_chair(running()),
    "agreement": agreement_open,
    "agreement, side note": lambda: with_side_note(agreement_open()),
    "agreement, stop asked by mentor": lambda: admin_asked_to_stop(agreement_open(), MENTOR),
    "evaluation": evaluation,
    "evaluation, side note": lambda: with_side_note(evaluation()),
    "evaluation, chair taken over": lambda: mentor_took_the_chair(evaluation()),
    "finished": finished,
    "stopped": stopped,
}
STATES = {name: make() for name, make in PLACES.items()}


def valid_arg(state: MeetingState, button: Button) -> str:
    """An argument the real keyboards would carry for `button` now."""
    if button is Button.KIND:
        return MeetingKind.MDO.value
    if button is Button.JOIN:
        return Role.CARE_COORDINATOR.value
    if button is Button.OWNER:
        return str(state.chair)
    if button is Button.DUE:
        return str(DUE_CHOICES[0])
    if button is Button.EVALUATION:
        return str(EVALUATION_CHOICES[0])
    if button in (Button.ACCEPT_NOTE, Button.DISMISS_NOTE):
        notes = state.pending_side_notes()
        return str(notes[0].seq if notes else 1)
    return ""


def presses(state: MeetingState) -> Iterator[Pressed]:
    """Every button, by everybody, with the step it needs, an old and a new one, and typed."""
    for button in Button:
        arg = valid_arg(state, button)
        for person in EVERYBODY:
            right = a_press(state, person, button, arg)
            yield right
            yield Pressed(person, button, arg, right.step - 1)
            yield Pressed(person, button, arg, right.step + 1)
            yield Pressed(person, button, arg, state.controls if right.step == state.step else 0)
            yield a_press(state, person, button, arg, command=True)


# ---------------------------------------------------------------- the table


def test_every_prompt_has_rules_and_every_button_a_prompt_that_takes_it() -> None:
    assert set(PROMPTS) == set(Prompt)
    assert {button for _, button in CELLS} == set(Button)


def test_a_closed_meeting_accepts_nothing() -> None:
    assert PROMPTS[Prompt.CLOSED].buttons == {}
    assert PROMPTS[Prompt.CLOSED].reply is None


def test_who_answers_each_prompt_by_a_reply() -> None:
    assert {prompt: rules.reply for prompt, rules in PROMPTS.items()} == {
        Prompt.PUPIL: Action.LEAD,
        Prompt.GATHERING: None,  # people join with buttons
        Prompt.TURN: Action.ANSWER,
        Prompt.AGREEMENT: Action.AGREEMENT,  # a typed date
        Prompt.EVALUATION: Action.LEAD,  # a typed date
        Prompt.CLOSED: None,
    }


@pytest.mark.parametrize("prompt", ACTIVE_PROMPTS)
def test_every_active_prompt_can_be_stopped_by_the_stopper(prompt: Prompt) -> None:
    rules = PROMPTS[prompt].buttons
    assert rules[Button.STOP_YES].action is Action.STOP
    assert rules[Button.STOP_NO].action is Action.STOP


@pytest.mark.parametrize("prompt", sorted(RUNNING_PROMPTS))
def test_the_meeting_message_works_whatever_the_running_prompt(prompt: Prompt) -> None:
    """The meeting message is edited, never re-posted per turn: its buttons carry no prompt step."""
    rules = PROMPTS[prompt].buttons
    for button in (Button.JOIN, Button.VOICE_PUPIL):
        assert rules[button].step is Step.NONE
    # The controls carry the meeting message's own step: a double tap acts once.
    for button in (Button.PASS, Button.SKIP, Button.BACK, Button.CLOSE_PHASE):
        assert rules[button].step is Step.CONTROLS
    assert rules[Button.SKIP].action is Action.SKIP
    assert rules[Button.BACK].action is Action.BACK
    assert rules[Button.CLOSE_PHASE].action is Action.CLOSE_PHASE
    assert rules[Button.PASS].action is Action.PASS
    # A side note is decided once, whatever the meeting asks meanwhile.
    for button in (Button.ACCEPT_NOTE, Button.DISMISS_NOTE):
        assert rules[button].action is Action.LEAD and rules[button].step is Step.NONE


def test_the_buttons_of_one_prompts_message_belong_to_that_prompt_alone() -> None:
    """Who does it, by when, the evaluation date and the kind: only while their question is open."""
    only = {
        Button.OWNER: Prompt.AGREEMENT,
        Button.DUE: Prompt.AGREEMENT,
        Button.EVALUATION: Prompt.EVALUATION,
        Button.KIND: Prompt.GATHERING,
        Button.START: Prompt.GATHERING,
    }
    for button, prompt in only.items():
        assert [p for p, b in CELLS if b is button] == [prompt]
    for button in (Button.OWNER, Button.DUE, Button.EVALUATION):
        assert PROMPTS[only[button]].buttons[button].step is Step.PROMPT
    assert PROMPTS[Prompt.AGREEMENT].buttons[Button.OWNER].action is Action.AGREEMENT
    assert PROMPTS[Prompt.AGREEMENT].buttons[Button.DUE].action is Action.AGREEMENT
    assert PROMPTS[Prompt.EVALUATION].buttons[Button.EVALUATION].action is Action.LEAD


def test_the_quick_choices() -> None:
    for choices in (DUE_CHOICES, EVALUATION_CHOICES):
        assert list(choices) == sorted(set(choices)) and all(d > 0 for d in choices)
    assert not ONGOING.isdigit()  # never read as a number of days
    assert set(ON_A_TURN) == {Prompt.TURN, Prompt.AGREEMENT}
    assert set(RUNNING_PROMPTS) == {Prompt.TURN, Prompt.AGREEMENT, Prompt.EVALUATION}


# ---------------------------------------------------------------- the guard holds to the table


@pytest.mark.parametrize("place", list(STATES))
def test_a_press_is_refused_exactly_when_the_table_says_so(place: str) -> None:
    state = STATES[place]
    refused = accepted = 0
    for event in presses(state):
        expected = refusal_for(state, event)
        outcome = step(state, event)
        if not state.active:
            # No meeting to act on: every press is stale, a typed command answered in words.
            closed: Effect = (
                Notice(Why.NO_MEETING, event.by.user_id, event.command)
                if event.command is not None
                else Toast(Why.STALE_BUTTON, clear_buttons=True)
            )
            assert outcome == Outcome(state, (closed,)), event
            continue
        assert refusal(state, event) == expected, event
        if expected is not None:
            refused += 1
            assert outcome == Outcome(state, (expected,)), event
        else:
            accepted += 1
            assert not any(isinstance(e, Toast) for e in outcome.effects if event.command), event
            assert not refusals_by_the_table(outcome), event
    if state.active:
        assert refused and accepted, place


def nobodys_turn(prompt: Prompt, button: Button) -> bool:
    """A speaker's button while the meeting waits on nobody's turn: the meeting message
    keeps showing it, and it answers that it is nobody's turn."""
    return PROMPTS[prompt].buttons[button].action is Action.PASS and prompt not in ON_A_TURN


def test_a_press_by_an_allowed_person_with_the_right_step_passes_the_guard() -> None:
    """The oracle is not vacuous: in every cell somebody may press, at some place."""
    assert [cell for cell in CELLS if nobodys_turn(*cell)] == [(Prompt.EVALUATION, Button.PASS)]
    for prompt, button in CELLS:
        if nobodys_turn(prompt, button):
            continue
        places = [s for s in STATES.values() if s.prompt is prompt]
        assert places, prompt
        assert any(
            refusal(s, a_press(s, p, button, valid_arg(s, button))) is None
            for s in places
            for p in EVERYBODY
        ), (prompt, button)


@pytest.mark.parametrize("place", list(STATES))
def test_allowed_answers_as_the_matrix_means_each_meeting_action(place: str) -> None:
    state = STATES[place]
    for action in {rule.action for rules in PROMPTS.values() for rule in rules.buttons.values()}:
        for person in EVERYBODY:
            expected = refused_because(state, action, person) is None
            assert allowed(state, action, person) == expected, (action, person)


# ---------------------------------------------------------------- who may press, per action


def refusals_by_the_table(outcome: Outcome) -> list[Why]:
    """Answers only the guard gives: a handler never judges who pressed."""
    table = (Why.ONLY_CHAIR, Why.NOT_PARTICIPANT, Why.NOT_YOUR_TURN_BUTTON)
    said = [getattr(e, "text", getattr(e, "why", None)) for e in outcome.effects]
    return [why for why in said if why in table]


def assert_refused(state: MeetingState, event: Pressed, why: Why, **params: str) -> None:
    outcome = step(state, event)
    assert outcome.state == state
    assert outcome.effects == (Toast(why, tuple(params.items())),), event


def assert_accepted(state: MeetingState, event: Pressed) -> Outcome:
    outcome = step(state, event)
    assert refusal(state, event) is None
    assert not refusals_by_the_table(outcome), outcome.effects
    assert Toast(Why.STALE_BUTTON, clear_buttons=True) not in outcome.effects
    return outcome


def test_anyone_may_join_also_who_is_not_in_the_meeting_yet() -> None:
    for state in (gathering(), running(), agreement_open(), evaluation()):
        outcome = assert_accepted(state, a_press(state, OUTSIDER, Button.JOIN, Role.MENTOR))
        assert state.participant_of_user(OUTSIDER.user_id) is None
        assert outcome.state.participant_of_user(OUTSIDER.user_id) is not None


def test_only_a_participant_may_say_the_pupil_is_not_in_the_chat() -> None:
    state = start_meeting(MeetingKind.PUPIL_MEETING)  # no pupil
    for place in (gather(MeetingKind.PUPIL_MEETING, THE_FOUR), state):
        assert_refused(place, a_press(place, OUTSIDER, Button.VOICE_PUPIL), Why.NOT_PARTICIPANT)
        outcome = assert_accepted(place, a_press(place, MENTOR, Button.VOICE_PUPIL))
        [pupil] = [p for p in outcome.state.participants if p.role is Role.PUPIL]
        assert pupil.voiced_by == pid(place, MENTOR)


CHAIR_ONLY = (Action.LEAD, Action.SKIP, Action.BACK, Action.CLOSE_PHASE)
CHAIR_CELLS = [(p, b) for p, b in CELLS if PROMPTS[p].buttons[b].action in CHAIR_ONLY]


@pytest.mark.parametrize(("prompt", "button"), CHAIR_CELLS)
def test_a_chair_button_is_refused_to_everybody_but_the_chair(
    prompt: Prompt, button: Button
) -> None:
    for state in (s for s in STATES.values() if s.prompt is prompt):
        chair = state.chair_participant()
        for person in EVERYBODY:
            event = a_press(state, person, button, valid_arg(state, button))
            if person.user_id == chair.user_id:
                assert refusal(state, event) is None
            else:
                assert_refused(state, event, Why.ONLY_CHAIR, name=chair.name)


def test_after_a_take_over_the_new_chair_uses_the_controls_and_the_old_one_cannot() -> None:
    state = mentor_took_the_chair(running())
    assert_refused(state, a_press(state, CHAIR, Button.SKIP), Why.ONLY_CHAIR, name=MENTOR.name)
    outcome = assert_accepted(state, a_press(state, MENTOR, Button.SKIP))
    assert outcome.state.turn_index == state.turn_index + 1


def test_pass_is_for_whoever_types_for_the_current_turn_only() -> None:
    pupils_turn = running()  # the parent relays the pupil
    for person in (CHAIR, MENTOR, CARE, OUTSIDER):
        event = a_press(pupils_turn, person, Button.PASS)
        assert_refused(pupils_turn, event, Why.NOT_YOUR_TURN_BUTTON, name=PUPIL_ALIAS)
    outcome = assert_accepted(pupils_turn, a_press(pupils_turn, PARENT, Button.PASS))
    assert [c.mark for c in outcome.state.contributions] == [Mark.PASSED]

    chairs_turn = turn_of(Role.CHAIR)
    assert_refused(
        chairs_turn,
        a_press(chairs_turn, PARENT, Button.PASS),
        Why.NOT_YOUR_TURN_BUTTON,
        name="Chris",
    )
    assert_accepted(chairs_turn, a_press(chairs_turn, CHAIR, Button.PASS))


def test_pass_while_nobodys_turn_is_refused_to_everybody() -> None:
    state = evaluation()
    for person in EVERYBODY:
        assert_refused(state, a_press(state, person, Button.PASS), Why.NO_TURN)


def test_who_and_by_when_are_for_the_speaker_or_the_chair() -> None:
    state = agreement_open()  # the pupil's agreement; the parent relays
    for button, arg in ((Button.OWNER, str(pid(state, MENTOR))), (Button.DUE, "14")):
        for person in (MENTOR, CARE, OUTSIDER):
            event = a_press(state, person, button, arg)
            assert_refused(state, event, Why.NOT_YOUR_TURN_BUTTON, name=PUPIL_ALIAS)
        for person in (PARENT, CHAIR):
            outcome = assert_accepted(state, a_press(state, person, button, arg))
            assert outcome.state.agreements != state.agreements


def test_the_chair_or_the_admin_who_asked_may_answer_the_stop_question() -> None:
    state = admin_asked_to_stop(running(), OUTSIDER)
    for person in (MENTOR, PARENT, CARE):
        assert_refused(state, a_press(state, person, Button.STOP_YES), Why.ONLY_CHAIR, name="Chris")
    for person in (CHAIR, OUTSIDER):
        yes = assert_accepted(state, a_press(state, person, Button.STOP_YES))
        assert yes.state.status is Status.STOPPED
        no = assert_accepted(state, a_press(state, person, Button.STOP_NO))
        assert no.state == state
        assert no.effects == (Toast(Done.OK, clear_buttons=True),)
    # Without an admin's request only the chair may.
    plain = running()
    assert_refused(plain, a_press(plain, OUTSIDER, Button.STOP_YES), Why.ONLY_CHAIR, name="Chris")


def test_a_chair_who_takes_over_ends_the_admins_right_to_stop() -> None:
    state = mentor_took_the_chair(admin_asked_to_stop(running(), OUTSIDER))
    assert_refused(state, a_press(state, OUTSIDER, Button.STOP_YES), Why.ONLY_CHAIR, name="Mila")


# ---------------------------------------------------------------- steps


PROMPT_STEP_CELLS = [(p, b) for p, b in CELLS if PROMPTS[p].buttons[b].step is Step.PROMPT]
CONTROL_CELLS = [(p, b) for p, b in CELLS if PROMPTS[p].buttons[b].step is Step.CONTROLS]
STEPLESS_CELLS = [(p, b) for p, b in CELLS if PROMPTS[p].buttons[b].step is Step.NONE]


def allowed_presser(state: MeetingState, button: Button) -> Person:
    """Somebody who may press `button` now (the chair if nobody may)."""
    rule = PROMPTS[state.prompt].buttons[button]
    for person in EVERYBODY:
        asked = state.stop_requested_by == person.user_id
        if refused_because(state, rule.action, person, Role.MENTOR, admin=asked) is None:
            return person
    assert nobodys_turn(state.prompt, button)
    return CHAIR


def places_at(prompt: Prompt) -> list[MeetingState]:
    places = [s for s in STATES.values() if s.prompt is prompt]
    assert places
    return places


@pytest.mark.parametrize(("prompt", "button"), PROMPT_STEP_CELLS)
def test_a_prompts_button_from_another_step_is_stale_and_loses_its_buttons(
    prompt: Prompt, button: Button
) -> None:
    for state in places_at(prompt):
        person = allowed_presser(state, button)
        for at in (state.step - 1, state.step + 1, state.step + 100):
            event = Pressed(person, button, valid_arg(state, button), at)
            outcome = step(state, event)
            assert outcome == Outcome(state, (Toast(Why.STALE_BUTTON, clear_buttons=True),))


@pytest.mark.parametrize(("prompt", "button"), CONTROL_CELLS)
def test_a_control_from_an_older_meeting_message_is_stale_but_keeps_its_buttons(
    prompt: Prompt, button: Button
) -> None:
    for state in places_at(prompt):
        for at in (state.controls - 1, state.controls + 1):
            event = Pressed(allowed_presser(state, button), button, "", at)
            # The message is edited with fresh controls soon: its buttons stay.
            assert step(state, event) == Outcome(state, (Toast(Why.STALE_BUTTON),))


@pytest.mark.parametrize(("prompt", "button"), STEPLESS_CELLS)
def test_a_stepless_button_works_from_any_message(prompt: Prompt, button: Button) -> None:
    notes = (Button.ACCEPT_NOTE, Button.DISMISS_NOTE)
    places = [s for s in places_at(prompt) if button not in notes or s.pending_side_notes()]
    assert places
    for state in places:
        person = allowed_presser(state, button)
        right = step(state, a_press(state, person, button, valid_arg(state, button)))
        assert not stale(right)
        for at in (0, state.step - 1, state.step + 7, state.controls - 1, -3):
            event = Pressed(person, button, valid_arg(state, button), at)
            assert step(state, event) == right


def test_a_double_tap_on_pass_by_who_relays_the_pupil_passes_one_turn() -> None:
    state = running()  # the pupil's turn, the parent relays; the parent's own turn is next
    tap = a_press(state, PARENT, Button.PASS)
    once = step(state, tap)
    assert current_speaker(once.state) == PARENT
    assert once.state.current is not None and once.state.current.role is Role.PARENT
    assert once.state.controls == state.controls + 1
    assert once.effects == (AskTurn(), ShowMeeting(edit=True))
    twice = step(once.state, tap)
    assert twice == Outcome(once.state, (Toast(Why.STALE_BUTTON),))
    # From the edited meeting message the parent passes their own turn.
    again = step(once.state, a_press(once.state, PARENT, Button.PASS))
    assert again.state.current is not None and again.state.current.role is Role.MENTOR


def test_a_pass_that_hands_the_turn_to_someone_else_keeps_the_controls() -> None:
    state = turn_of(Role.MENTOR)
    outcome = press(state, MENTOR, Button.PASS)
    assert outcome.effects == (AskTurn(),)
    assert outcome.state.controls == state.controls
    # A second tap finds a turn that is not the mentor's.
    again = step(outcome.state, a_press(state, MENTOR, Button.PASS))
    assert again == Outcome(outcome.state, (Toast(Why.NOT_YOUR_TURN_BUTTON, (("name", "Chris"),)),))


def test_a_double_tap_on_skip_skips_one_person() -> None:
    state = running()
    tap = a_press(state, CHAIR, Button.SKIP)
    once = step(state, tap)
    assert once.state.turn_index == state.turn_index + 1
    assert once.state.controls == state.controls + 1
    assert ShowMeeting(edit=True) in once.effects
    twice = step(once.state, tap)
    assert twice == Outcome(once.state, (Toast(Why.STALE_BUTTON),))


@pytest.mark.parametrize("button", [Button.PASS, Button.SKIP, Button.BACK, Button.CLOSE_PHASE])
@pytest.mark.parametrize("place", ["mentor's turn", "agreement", "evaluation"])
def test_a_typed_command_acts_like_its_button_whatever_the_step(place: str, button: Button) -> None:
    state = STATES[place]
    person = CHAIR if button is not Button.PASS or state.current is None else current_speaker(state)
    pressed = step(state, a_press(state, person, button))
    typed = step(state, Pressed(person, button, step=-1, command=4711))

    assert typed.state == pressed.state
    assert typed.effects == tuple(as_typed(pressed.effects, person, 4711))


def as_typed(effects: tuple[Effect, ...], person: Person, message_id: int) -> Iterator[Effect]:
    """A typed command has no pop-up: a refusal answers its message, a confirmation goes."""
    for e in effects:
        if not isinstance(e, Toast):
            yield e
        elif isinstance(e.text, Why):
            yield Notice(e.text, person.user_id, message_id, e.params)


def test_a_typed_command_its_prompt_does_not_take_is_not_for_now_and_never_stale() -> None:
    for state in (naming(), gathering()):
        for button in TYPED:
            outcome = step(state, Pressed(CHAIR, button, command=79))
            assert outcome == Outcome(state, (Notice(Why.NOT_NOW, CHAIR.user_id, 79),))


def test_a_refused_typed_command_answers_the_command_message() -> None:
    state = running()
    outcome = step(state, Pressed(MENTOR, Button.SKIP, command=77))
    assert outcome == Outcome(
        state, (Notice(Why.ONLY_CHAIR, MENTOR.user_id, 77, (("name", "Chris"),)),)
    )
    state = evaluation()
    outcome = step(state, Pressed(CHAIR, Button.PASS, command=78))
    assert outcome == Outcome(state, (Notice(Why.NO_TURN, CHAIR.user_id, 78),))


# ---------------------------------------------------------------- replies, per prompt


@pytest.mark.parametrize("place", [n for n, s in STATES.items() if PROMPTS[s.prompt].reply])
def test_a_reply_answers_the_prompt_exactly_when_the_table_says_who(place: str) -> None:
    state = STATES[place]
    who = PROMPTS[state.prompt].reply
    assert who is not None
    text = {Prompt.PUPIL: "T.J.", Prompt.TURN: "a point"}.get(state.prompt, "someday maybe")
    for person in EVERYBODY:
        outcome = answer(state, person, text)
        date_refused = notices_of(outcome) == [Why.DATE_NOT_UNDERSTOOD]
        answered = outcome.state.step > state.step or date_refused
        assert answered == (refused_because(state, who, person) is None), person


def notices_of(outcome: Outcome) -> list[Why]:
    return [e.why for e in outcome.effects if isinstance(e, Notice)]


# ---------------------------------------------------------------- every cell is reachable


def test_a_walk_of_real_meetings_reaches_every_prompt() -> None:
    reached: dict[MeetingKind, list[Prompt]] = {}
    for kind in MeetingKind:
        seen: list[Prompt] = []

        def go(outcome: Outcome, seen: list[Prompt] = seen) -> MeetingState:
            if outcome.state.prompt not in seen:
                seen.append(outcome.state.prompt)
            return outcome.state

        state = go(new_meeting(MEETING_ID, MeetingRequested(CHAIR), NOW))
        state = go(answer(state, CHAIR, PUPIL_ALIAS))
        if kind is not state.kind:
            state = go(press(state, CHAIR, Button.KIND, kind.value))
        for person, role in THE_FOUR:
            state = go(press(state, person, Button.JOIN, role.value))
        state = go(press(state, CHAIR, Button.START))
        for _ in range(200):
            if not state.active:
                break
            if state.prompt is Prompt.AGREEMENT:
                state = go(press(state, current_speaker(state), Button.DUE, ONGOING))
            elif state.prompt is Prompt.EVALUATION:
                state = go(answer(state, CHAIR, "over 6 weken"))
            elif state.phase is not None and state.phase.key == "agreements":
                state = go(answer_turn(state, "one thing"))
            else:
                state = go(answer_turn(state, "-"))
        reached[kind] = seen
    expected = [
        Prompt.PUPIL,
        Prompt.GATHERING,
        Prompt.TURN,
        Prompt.AGREEMENT,
        Prompt.EVALUATION,
        Prompt.CLOSED,
    ]
    assert reached == {kind: expected for kind in MeetingKind}
    assert set(expected) == set(Prompt)


Cell = Callable[[], tuple[MeetingState, Outcome]]
CELL_CASES: dict[tuple[Prompt, Button], Cell] = {}


def cell(prompt: Prompt, *buttons: Button) -> Callable[[Cell], Cell]:
    def register(case: Cell) -> Cell:
        for button in buttons:
            assert (prompt, button) not in CELL_CASES
            CELL_CASES[prompt, button] = case
        return case

    return register


def stop_cells() -> None:
    """Stopping, from every prompt that is still open."""
    for prompt, place in (
        (Prompt.PUPIL, naming),
        (Prompt.GATHERING, gathering),
        (Prompt.TURN, running),
        (Prompt.AGREEMENT, agreement_open),
        (Prompt.EVALUATION, evaluation),
    ):

        def yes(place: Callable[[], MeetingState] = place) -> tuple[MeetingState, Outcome]:
            state = place()
            outcome = press(state, CHAIR, Button.STOP_YES)
            assert outcome.state.status is Status.STOPPED
            assert outcome.state.prompt is Prompt.CLOSED
            assert MeetingStopped() in outcome.effects
            if state.prompt is Prompt.EVALUATION:
                assert ShowEvaluation(edit=True) in outcome.effects
            if state.prompt is Prompt.AGREEMENT:
                # No agreement is kept without who and by when: its message says so.
                assert ShowAgreement(state.open_agreements[0], edit=True) in outcome.effects
                assert outcome.state.agreements == () and outcome.state.open_agreements == ()
            return state, outcome

        def no(place: Callable[[], MeetingState] = place) -> tuple[MeetingState, Outcome]:
            state = place()
            outcome = press(state, CHAIR, Button.STOP_NO)
            assert outcome == Outcome(state, (Toast(Done.OK, clear_buttons=True),))
            return state, outcome

        cell(prompt, Button.STOP_YES)(yes)
        cell(prompt, Button.STOP_NO)(no)


stop_cells()


@cell(Prompt.GATHERING, Button.JOIN)
def join_while_gathering() -> tuple[MeetingState, Outcome]:
    state = gathering()
    outcome = press(state, CARE, Button.JOIN, Role.CARE_COORDINATOR)
    assert outcome.effects == (
        ShowMeeting(edit=True, lazy=True),
        Toast(Done.JOINED, (("role", "care"),)),
    )
    return state, outcome


@cell(Prompt.GATHERING, Button.VOICE_PUPIL)
def voice_the_pupil_while_gathering() -> tuple[MeetingState, Outcome]:
    state = gathering()
    outcome = press(state, PARENT, Button.VOICE_PUPIL)
    assert outcome.effects == (ShowMeeting(edit=True, lazy=True), Toast(Done.OK))
    return state, outcome


@cell(Prompt.GATHERING, Button.KIND)
def choose_the_kind() -> tuple[MeetingState, Outcome]:
    state = gathering()
    assert state.kind is MeetingKind.PUPIL_MEETING
    outcome = press(state, CHAIR, Button.KIND, MeetingKind.CIRCLE)
    assert outcome.state.kind is MeetingKind.CIRCLE
    assert outcome.effects == (ShowMeeting(edit=True), Toast(Done.OK))
    return state, outcome


@cell(Prompt.GATHERING, Button.START)
def start() -> tuple[MeetingState, Outcome]:
    state = gathering()
    outcome = press(state, CHAIR, Button.START)
    assert outcome.effects == (ShowMeeting(edit=True), AskTurn())
    assert outcome.state.prompt is Prompt.TURN
    return state, outcome


def running_cells() -> None:
    """The buttons every running prompt takes: the meeting message's and the side notes'."""
    for prompt, place in (
        (Prompt.TURN, lambda: turn_of(Role.MENTOR)),
        (Prompt.AGREEMENT, agreement_open),
        (Prompt.EVALUATION, evaluation),
    ):

        def join(place: Callable[[], MeetingState] = place) -> tuple[MeetingState, Outcome]:
            state = place()
            outcome = press(state, CARE, Button.JOIN, Role.CARE_COORDINATOR)
            assert toasts_of(outcome) == [Done.JOINED_LATE]
            assert outcome.state.participant_of_user(CARE.user_id) is not None
            assert outcome.state.prompt is state.prompt and outcome.state.step == state.step
            return state, outcome

        def note(place: Callable[[], MeetingState] = place) -> tuple[MeetingState, Outcome]:
            state = with_side_note(place())
            [pending] = state.pending_side_notes()
            outcome = press(state, CHAIR, Button.ACCEPT_NOTE, pending.seq)
            assert outcome.effects == (Toast(Done.NOTE_ACCEPTED), SideNoteHandled(pending.seq))
            assert outcome.state.contribution(pending.seq).mark is Mark.POINT
            return state, outcome

        def dismiss(place: Callable[[], MeetingState] = place) -> tuple[MeetingState, Outcome]:
            state = with_side_note(place())
            [pending] = state.pending_side_notes()
            outcome = press(state, CHAIR, Button.DISMISS_NOTE, pending.seq)
            assert outcome.effects == (Toast(Done.NOTE_DISMISSED), SideNoteHandled(pending.seq))
            assert outcome.state.contribution(pending.seq).mark is Mark.DISMISSED
            return state, outcome

        cell(prompt, Button.JOIN)(join)
        cell(prompt, Button.ACCEPT_NOTE)(note)
        cell(prompt, Button.DISMISS_NOTE)(dismiss)


running_cells()


def without_the_pupil(prompt: Prompt) -> MeetingState:
    """Chair, mentor and parent at `prompt`; nobody said yet that the pupil is relayed."""
    state = start_meeting(MeetingKind.PUPIL_MEETING)
    if prompt is not Prompt.TURN:
        state = skip_to_phase(state, "agreements")
    if prompt is Prompt.AGREEMENT:
        state = answer_turn(state, "weekly call").state
    if prompt is Prompt.EVALUATION:
        state = press(state, CHAIR, Button.CLOSE_PHASE).state
    assert state.prompt is prompt
    return state


def voice_cells() -> None:
    for prompt in RUNNING_PROMPTS:

        def voice(prompt: Prompt = prompt) -> tuple[MeetingState, Outcome]:
            state = without_the_pupil(prompt)
            outcome = press(state, PARENT, Button.VOICE_PUPIL)
            assert outcome.effects == (ShowMeeting(edit=True), Toast(Done.OK))
            [pupil] = [p for p in outcome.state.participants if p.role is Role.PUPIL]
            assert pupil.voiced_by == pid(state, PARENT)
            # Said once: a second press is answered, and changes nothing.
            again = press(outcome.state, MENTOR, Button.VOICE_PUPIL)
            assert again == Outcome(outcome.state, (Toast(Why.PUPIL_ALREADY_THERE),))
            return state, outcome

        cell(prompt, Button.VOICE_PUPIL)(voice)


voice_cells()


def toasts_of(outcome: Outcome) -> list[Why | Done]:
    return [e.text for e in outcome.effects if isinstance(e, Toast)]


@cell(Prompt.TURN, Button.PASS)
def pass_a_turn() -> tuple[MeetingState, Outcome]:
    state = turn_of(Role.MENTOR)
    outcome = press(state, MENTOR, Button.PASS)
    assert outcome.effects == (AskTurn(),)
    assert outcome.state.contributions[-1].mark is Mark.PASSED
    assert outcome.state.current is not None and outcome.state.current.role is Role.CHAIR
    return state, outcome


@cell(Prompt.TURN, Button.SKIP)
def skip_a_turn() -> tuple[MeetingState, Outcome]:
    state = turn_of(Role.MENTOR)
    outcome = press(state, CHAIR, Button.SKIP)
    assert outcome.effects == (AskTurn(), ShowMeeting(edit=True))
    assert outcome.state.contributions[-1].mark is Mark.SKIPPED
    return state, outcome


@cell(Prompt.TURN, Button.BACK)
def back_a_turn() -> tuple[MeetingState, Outcome]:
    state = turn_of(Role.MENTOR)
    outcome = press(state, CHAIR, Button.BACK)
    assert outcome.effects == (AskTurn(), ShowMeeting(edit=True))
    assert outcome.state.turn_index == state.turn_index - 1
    return state, outcome


@cell(Prompt.TURN, Button.CLOSE_PHASE)
def close_a_phase() -> tuple[MeetingState, Outcome]:
    state = turn_of(Role.MENTOR)
    outcome = press(state, CHAIR, Button.CLOSE_PHASE)
    assert outcome.effects == (AskTurn(), ShowMeeting(edit=True))
    assert outcome.state.phase_index == state.phase_index + 1
    return state, outcome


@cell(Prompt.AGREEMENT, Button.PASS)
def pass_with_an_agreement_open() -> tuple[MeetingState, Outcome]:
    state = agreement_open()  # the pupil's turn; the parent relays, and speaks next
    outcome = press(state, PARENT, Button.PASS)
    first = state.open_agreements[0]
    assert outcome.effects == (ShowAgreement(first, edit=True), AskTurn(), ShowMeeting(edit=True))
    assert outcome.state.agreements == ()
    assert current_speaker(outcome.state) == PARENT
    return state, outcome


@cell(Prompt.AGREEMENT, Button.SKIP)
def skip_with_an_agreement_open() -> tuple[MeetingState, Outcome]:
    state = agreement_open()
    outcome = press(state, CHAIR, Button.SKIP)
    first = state.open_agreements[0]
    assert outcome.effects == (ShowAgreement(first, edit=True), AskTurn(), ShowMeeting(edit=True))
    assert outcome.state.agreements == ()
    return state, outcome


@cell(Prompt.AGREEMENT, Button.BACK)
def back_with_an_agreement_open() -> tuple[MeetingState, Outcome]:
    state = agreement_open()  # the pupil's turn, first in the phase
    outcome = press(state, CHAIR, Button.BACK)
    first = state.open_agreements[0]
    assert outcome.effects == (ShowAgreement(first, edit=True), AskTurn(), ShowMeeting(edit=True))
    assert outcome.state.agreements == ()
    assert outcome.state.phase_index == state.phase_index - 1  # the last turn of the needs
    return state, outcome


@cell(Prompt.AGREEMENT, Button.CLOSE_PHASE)
def close_with_an_agreement_open() -> tuple[MeetingState, Outcome]:
    state = agreement_open()
    outcome = press(state, CHAIR, Button.CLOSE_PHASE)
    first = state.open_agreements[0]
    assert outcome.effects == (
        ShowAgreement(first, edit=True),
        ShowEvaluation(),
        ShowMeeting(edit=True),
    )
    assert outcome.state.agreements == ()
    assert outcome.state.prompt is Prompt.EVALUATION
    return state, outcome


@cell(Prompt.AGREEMENT, Button.OWNER)
def change_the_owner() -> tuple[MeetingState, Outcome]:
    state = agreement_open()
    first = state.open_agreements[0]
    mentor = pid(state, MENTOR)
    outcome = press(state, CHAIR, Button.OWNER, mentor)
    assert outcome.effects == (Toast(Done.OK), ShowAgreement(first, edit=True))
    assert outcome.state.agreement(first).owner == mentor
    assert outcome.state.open_agreements == state.open_agreements
    return state, outcome


@cell(Prompt.AGREEMENT, Button.DUE)
def set_by_when() -> tuple[MeetingState, Outcome]:
    state = agreement_open()
    first, second = state.open_agreements
    outcome = press(state, PARENT, Button.DUE, 14)
    assert outcome.effects == (
        Toast(Done.OK),
        ShowAgreement(first, edit=True),
        ShowAgreement(second),
    )
    assert outcome.state.agreement(first).complete
    assert outcome.state.agreement(first).due == TODAY + dt.timedelta(days=14)
    return state, outcome


@cell(Prompt.EVALUATION, Button.PASS)
def pass_while_nobodys_turn() -> tuple[MeetingState, Outcome]:
    state = evaluation()
    outcome = press(state, PARENT, Button.PASS)
    assert outcome == Outcome(state, (Toast(Why.NO_TURN),))
    return state, outcome


@cell(Prompt.EVALUATION, Button.SKIP)
def skip_while_nobodys_turn() -> tuple[MeetingState, Outcome]:
    state = evaluation()
    outcome = press(state, CHAIR, Button.SKIP)
    assert outcome == Outcome(state, (Toast(Why.NO_TURN),))
    return state, outcome


@cell(Prompt.EVALUATION, Button.BACK)
def back_from_the_evaluation() -> tuple[MeetingState, Outcome]:
    state = evaluation()
    outcome = press(state, CHAIR, Button.BACK)
    assert outcome.effects == (ShowEvaluation(edit=True), AskTurn(), ShowMeeting(edit=True))
    assert outcome.state.prompt is Prompt.TURN
    assert outcome.state.phase_index == state.phase_index
    assert outcome.state.turn_index == len(outcome.state.turn_order) - 1
    return state, outcome


@cell(Prompt.EVALUATION, Button.CLOSE_PHASE)
def no_evaluation_date() -> tuple[MeetingState, Outcome]:
    state = evaluation()
    outcome = press(state, CHAIR, Button.CLOSE_PHASE)
    assert outcome.effects == (ShowEvaluation(edit=True), AskTurn(), ShowMeeting(edit=True))
    assert outcome.state.evaluation_date is None
    assert outcome.state.phase_index == state.phase_index + 1
    return state, outcome


@cell(Prompt.EVALUATION, Button.EVALUATION)
def choose_the_evaluation_date() -> tuple[MeetingState, Outcome]:
    state = evaluation()
    outcome = press(state, CHAIR, Button.EVALUATION, 42)
    assert outcome.effects == (Toast(Done.OK), ShowEvaluation(edit=True), AskTurn())
    assert outcome.state.evaluation_date is not None
    assert (outcome.state.evaluation_date - TODAY).days == 42
    return state, outcome


def test_every_cell_of_the_table_has_a_case() -> None:
    assert sorted(CELL_CASES) == CELLS


@pytest.mark.parametrize(("prompt", "button"), CELLS)
def test_every_cell_of_the_table_does_something_in_its_prompt(
    prompt: Prompt, button: Button
) -> None:
    state, outcome = CELL_CASES[prompt, button]()

    assert state.prompt is prompt
    assert outcome.effects
    assert not stale(outcome)


def stale(outcome: Outcome) -> bool:
    return any(
        Why.STALE_BUTTON in (getattr(e, "text", None), getattr(e, "why", None))
        for e in outcome.effects
    )


# Not a cell: what the table refuses never reaches a handler.
UNLISTED = sorted(
    (prompt, button) for prompt in Prompt for button in Button if (prompt, button) not in CELL_CASES
)


@pytest.mark.parametrize(("prompt", "button"), UNLISTED)
def test_a_button_its_prompt_does_not_list_is_stale_for_everybody(
    prompt: Prompt, button: Button
) -> None:
    for state in (s for s in STATES.values() if s.prompt is prompt):
        for person in EVERYBODY:
            event = a_press(state, person, button, valid_arg(state, button))
            outcome = step(state, event)
            # The meeting message stays live (once closed, it has no buttons to keep).
            clear = button not in ON_THE_MEETING_MESSAGE or prompt is Prompt.CLOSED
            assert outcome == Outcome(state, (Toast(Why.STALE_BUTTON, clear_buttons=clear),))


def test_each_prompt_is_put_to_the_group_by_its_own_message() -> None:
    assert new_meeting(MEETING_ID, MeetingRequested(CHAIR), NOW).effects == (AskPupil(),)
    assert answer(naming(), CHAIR, PUPIL_ALIAS).effects == (ShowMeeting(),)
    assert press(gathering(), CHAIR, Button.START).effects == (ShowMeeting(edit=True), AskTurn())
    proposed = answer(in_agreements(), PARENT, "x")
    assert proposed.effects == (ShowAgreement(proposed.state.open_agreements[0]),)
    asked = press(in_agreements(), CHAIR, Button.CLOSE_PHASE)
    assert asked.effects == (ShowEvaluation(), ShowMeeting(edit=True))
    tops_tips = skip_to_phase(running(), "tops_tips")
    for _ in range(3):  # the pupil, the parent, the mentor; the chair is last
        tops_tips = answer_turn(tops_tips, "-").state
    assert tops_tips.current is not None and tops_tips.current.role is Role.CHAIR
    last = answer(tops_tips, CHAIR, "top: short")
    assert last.effects == (MeetingFinished(),)
    assert last.state.prompt is Prompt.CLOSED
