"""The prompt table drives both the core and the keyboards, so they cannot disagree.

A walk through real meetings renders, in every state it reaches, every
keyboard the shell could be showing then (the meeting message, the open
agreement, the evaluation date, side notes, the stop question). Every button
must pass the core's guard as its rightful presser would press it, and every
button the table accepts in a prompt must be on some keyboard in that prompt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from telegram import InlineKeyboardMarkup

from rondetafel.bot import keyboards
from rondetafel.bot.callback_data import decode
from rondetafel.bot.present import Presenter
from rondetafel.bot.texts import texts
from rondetafel.flows.effects import AskPupil, AskTurn, ShowAgreement, ShowEvaluation
from rondetafel.flows.events import Button, Person, Pressed
from rondetafel.flows.guard import refusal
from rondetafel.flows.permissions import Action
from rondetafel.flows.prompts import PROMPTS, Prompt
from rondetafel.flows.script import MeetingKind, Role
from rondetafel.flows.state import MeetingState, Status
from tests.flows.builders import (
    AMSTERDAM,
    CHAIR,
    MENTOR,
    OUTSIDER,
    PARENT,
    answer,
    answer_turn,
    current_speaker,
    open_meeting,
    pass_turn,
    pid,
    press,
    request_stop,
    skip_to_phase,
)

T = texts("en")


def walk() -> Iterator[MeetingState]:
    """A pupil meeting from /meeting to its end, through every prompt and side message."""
    state = open_meeting(language="en").state
    yield state  # PUPIL
    state = request_stop(state, CHAIR).state
    yield state
    state = answer(state, CHAIR, "S.V.").state
    yield state  # GATHERING
    for person, role in ((MENTOR, Role.MENTOR), (PARENT, Role.PARENT)):
        state = press(state, person, Button.JOIN, role.value).state
        yield state
    state = press(state, CHAIR, Button.START).state
    yield state  # TURN
    state = answer(state, MENTOR, "a word out of turn").state  # a side note, left waiting
    yield state
    state = answer_turn(state, "A first point").state
    yield state
    state = pass_turn(state).state
    yield state
    state = skip_to_phase(state, "agreements")
    yield state
    speaker = current_speaker(state)
    state = answer(state, speaker, "Read every evening\nA calm start").state
    yield state  # AGREEMENT
    state = press(state, speaker, Button.OWNER, pid(state, MENTOR)).state
    yield state
    state = press(state, speaker, Button.DUE, 14).state
    yield state
    state = press(state, CHAIR, Button.DUE, "o").state
    yield state
    while state.prompt is not Prompt.EVALUATION:
        state = pass_turn(state).state
        yield state
    state = request_stop(state, CHAIR).state
    yield state  # EVALUATION, a stop asked
    state = press(state, CHAIR, Button.EVALUATION, 42).state
    yield state
    while state.active:
        state = pass_turn(state).state
        yield state


def live_keyboards(state: MeetingState) -> list[InlineKeyboardMarkup]:
    """Every keyboard the shell may be showing while the meeting is in `state`."""
    t = texts("en")
    if not state.active:
        return []
    shown = [keyboards.meeting(state, t), keyboards.confirm_stop(state, t)]
    if state.open_agreements:
        # With "before the holiday" and its date, as a school's calendar offers it.
        holiday = dt.date(2026, 12, 18)
        shown.append(keyboards.agreement(state, t, state.open_agreements[0], holiday))
    shown.append(keyboards.evaluation(state, t))
    shown += [keyboards.side_note(state, t, note.seq) for note in state.pending_side_notes()]
    return [markup for markup in shown if markup is not None]


def rightful(state: MeetingState, action: Action) -> Person:
    """Someone who may press a button for `action`."""
    if action is Action.JOIN:
        return OUTSIDER
    if action in (Action.PASS, Action.AGREEMENT) and state.current is not None:
        return current_speaker(state)
    return CHAIR


def test_every_button_the_shell_shows_is_accepted_and_every_accepted_button_is_shown() -> None:
    shown: set[tuple[Prompt, Button]] = set()
    for state in walk():
        for markup in live_keyboards(state):
            for row in markup.inline_keyboard:
                for key in row:
                    data = decode(str(key.callback_data))
                    assert data is not None
                    shown.add((state.prompt, data.button))
                    rule = PROMPTS[state.prompt].buttons[data.button]
                    if rule.action is Action.PASS and state.current is None:
                        continue  # "pass my turn" while nobody's turn: refused as such
                    who = rightful(state, rule.action)
                    # An external professional's role button works once consent is recorded.
                    consented = state.evolve(consented=(who.user_id,))
                    event = Pressed(who, data.button, data.arg, data.step)
                    assert refusal(consented, event) is None, (state.prompt, data)
    table = {(prompt, button) for prompt, rules in PROMPTS.items() for button in rules.buttons}
    # Stopping is confirmed on its own message, which exists once /stop was sent.
    assert shown == table


def test_every_prompt_that_takes_a_reply_asks_for_one() -> None:
    renderer = Presenter(AMSTERDAM, "De Regenboog")
    asked: set[Prompt] = set()
    prompts = {
        Prompt.PUPIL: AskPupil(),
        Prompt.TURN: AskTurn(),
        Prompt.EVALUATION: ShowEvaluation(),
    }
    for state in walk():
        if not state.active or PROMPTS[state.prompt].reply is None or state.prompt in asked:
            continue
        effect = prompts.get(state.prompt) or ShowAgreement(state.open_agreements[0])
        [operation] = renderer.render(effect, state, T)
        markup = getattr(operation, "markup", None)
        text = getattr(operation, "html", "")
        assert markup is not None
        force_reply = not isinstance(markup, InlineKeyboardMarkup)
        assert force_reply or "reply to this message" in text, (state.prompt, text)
        asked.add(state.prompt)
    assert asked == {p for p, rules in PROMPTS.items() if rules.reply is not None}


def test_the_walk_reaches_every_prompt() -> None:
    reached = {state.prompt for state in walk()}
    assert reached == set(Prompt)
    assert {state.status for state in walk()} == set(Status) - {Status.STOPPED}
    assert open_meeting().state.kind is MeetingKind.PUPIL_MEETING


def test_the_case_buttons_are_the_ones_its_prompt_table_lists() -> None:
    """/forget's question, like the meeting's prompts: its keyboard is made from the table."""
    from rondetafel.bot.callback_data import decode_forget
    from rondetafel.flows.prompts import CASE_PROMPTS, CaseButton, CasePrompt

    markup = keyboards.confirm_forget(texts("nl"), case_id=7, asked=1000)
    shown = []
    for row in markup.inline_keyboard:
        for key in row:
            data = decode_forget(str(key.callback_data))
            assert data is not None and (data.case_id, data.asked) == (7, 1000)
            shown.append(CaseButton.FORGET_YES if data.confirm else CaseButton.FORGET_NO)
    assert shown == list(CASE_PROMPTS[CasePrompt.CONFIRM_FORGET])


def test_the_agreements_buttons_are_their_prompts_and_no_others() -> None:
    """/afspraken's callback data is read through the case prompt table: the buttons of
    another prompt (/forget's yes and no) are no /afspraken button, whatever they carry."""
    from rondetafel.bot.callback_data import decode_agreements
    from rondetafel.flows.prompts import CASE_PROMPTS, CaseButton, CasePrompt

    listed = CASE_PROMPTS[CasePrompt.AGREEMENTS]
    assert decode_agreements("a1|1|l|0|") is not None
    for button in CaseButton:
        if button not in listed:
            assert decode_agreements(f"a1|1|{button.value}|0|") is None, button
