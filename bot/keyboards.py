"""Inline keyboards, built from the meeting's state and the prompt table.

Every button goes through `_button`, which takes its step from the prompt
table's rule and refuses a button the current prompt does not accept
(`flows.prompts.PROMPTS`): the keyboards cannot offer what the core would
refuse. Every label says what the button does; its data is encoded by
`callback_data`, so it stays valid across restarts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from rondetafel.flows.events import Button
from rondetafel.flows.markers import N_
from rondetafel.flows.prompts import (
    CASE_PROMPTS,
    DUE_CHOICES,
    EVALUATION_CHOICES,
    ONGOING,
    PROMPTS,
    CaseButton,
    CasePrompt,
    Prompt,
    Step,
)
from rondetafel.flows.script import MeetingKind, Role
from rondetafel.flows.state import MeetingState, Status

from .callback_data import ButtonData, ForgetData, encode, encode_forget
from .case_texts import FORGET_NO, FORGET_YES
from .texts import Texts

ROLE_ICONS = {
    Role.CHAIR: "🪑",
    Role.MENTOR: "🧑‍🏫",
    Role.PARENT: "👪",
    Role.PUPIL: "🧒",
    Role.CARE_COORDINATOR: "🤝",
    Role.EXTERNAL: "🩺",
}


class NotAccepted(AssertionError):
    """A keyboard tried to offer a button its prompt does not accept."""


def _button(state: MeetingState, label: str, button: Button, arg: str = "") -> InlineKeyboardButton:
    rule = PROMPTS[state.prompt].buttons.get(button)
    if rule is None:
        raise NotAccepted(f"{button!r} is not accepted while the meeting waits on {state.prompt}")
    step = {Step.NONE: 0, Step.PROMPT: state.step, Step.CONTROLS: state.controls}[rule.step]
    data = encode(ButtonData(state.meeting_id, button, arg, step))
    return InlineKeyboardButton(label, callback_data=data)


def _rows(
    buttons: Sequence[InlineKeyboardButton], per_row: int
) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def _markup(rows: Iterable[Sequence[InlineKeyboardButton]]) -> InlineKeyboardMarkup | None:
    kept = [list(r) for r in rows if r]
    return InlineKeyboardMarkup(kept) if kept else None


def meeting(state: MeetingState, t: Texts) -> InlineKeyboardMarkup | None:
    """The meeting message: roles and start while gathering; controls and roles while running."""
    if not state.active or state.status is Status.NAMING_PUPIL:
        return None
    rows: list[list[InlineKeyboardButton]] = []
    if state.status is Status.RUNNING:
        rows += controls(state, t)
    else:
        kinds = [
            _button(state, ("✓ " if kind is state.kind else "") + t.kind(kind), Button.KIND, kind)
            for kind in MeetingKind
        ]
        rows += _rows(kinds, 2)
    roles = [_button(state, f"{ROLE_ICONS[r]} {t.role(r)}", Button.JOIN, r.value) for r in Role]
    rows += _rows(roles, 2)
    if not any(p.role is Role.PUPIL for p in state.participants):
        label = t(N_("🧒 Pupil not in this chat: I relay their words"))
        rows.append([_button(state, label, Button.VOICE_PUPIL)])
    if state.status is Status.GATHERING:
        rows.append([_button(state, t(N_("▶️ Start the meeting (chair)")), Button.START)])
    return _markup(rows)


def controls(state: MeetingState, t: Texts) -> list[list[InlineKeyboardButton]]:
    return [
        [
            _button(state, t(N_("⏭ Pass my turn")), Button.PASS),
            _button(state, t(N_("↩️ Back (chair)")), Button.BACK),
        ],
        [
            _button(state, t(N_("⏩ Next person (chair)")), Button.SKIP),
            _button(state, t(N_("⏹ Close this phase (chair)")), Button.CLOSE_PHASE),
        ],
    ]


def agreement(
    state: MeetingState, t: Texts, seq: int, before_holiday: dt.date | None = None
) -> InlineKeyboardMarkup | None:
    """By when the open agreement is done, and who does it; nothing once it is recorded.

    `before_holiday`: the last school day before the next school holiday, a date
    schools plan by ("van vakantie tot vakantie"), offered as a choice of its own.
    """
    if not state.open_agreements or state.open_agreements[0] != seq:
        return None
    owner = state.agreement(seq).owner
    quick = [_button(state, _in_days(t, d), Button.DUE, str(d)) for d in DUE_CHOICES]
    ongoing_row = [_button(state, t(N_("♾ Ongoing")), Button.DUE, ONGOING)]
    if before_holiday is not None:
        label = t.plain(N_("before the holiday ({date})"), date=t.short_date(before_holiday))
        ongoing_row.append(_button(state, label, Button.DUE, before_holiday.isoformat()))
    people = [
        _button(state, ("✓ " if p.id == owner else "👤 ") + p.name, Button.OWNER, str(p.id))
        for p in state.participants
        # Who is not at the meeting cannot agree to do something.
        if not p.absent
    ]
    return _markup([quick, ongoing_row, *_rows(people, 3)])


def evaluation(state: MeetingState, t: Texts) -> InlineKeyboardMarkup | None:
    if state.prompt is not Prompt.EVALUATION:
        return None
    quick = [_button(state, _in_days(t, d), Button.EVALUATION, str(d)) for d in EVALUATION_CHOICES]
    return _markup([quick])


def side_note(state: MeetingState, t: Texts, seq: int) -> InlineKeyboardMarkup | None:
    return _markup(
        [
            [
                _button(state, t(N_("➕ Add as a point (chair)")), Button.ACCEPT_NOTE, str(seq)),
                _button(state, t(N_("Leave it out (chair)")), Button.DISMISS_NOTE, str(seq)),
            ]
        ]
    )


def confirm_stop(state: MeetingState, t: Texts) -> InlineKeyboardMarkup | None:
    return _markup(
        [
            [
                _button(state, t(N_("Yes, stop without a summary")), Button.STOP_YES),
                _button(state, t(N_("No, go on")), Button.STOP_NO),
            ]
        ]
    )


_CASE_LABELS = {CaseButton.FORGET_YES: FORGET_YES, CaseButton.FORGET_NO: FORGET_NO}


def confirm_forget(t: Texts, case_id: int, asked: int) -> InlineKeyboardMarkup:
    """/forget's question: the buttons the case's prompt table lists for it."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t(_CASE_LABELS[button]),
                    callback_data=encode_forget(
                        ForgetData(case_id, button is CaseButton.FORGET_YES, asked)
                    ),
                )
                for button in CASE_PROMPTS[CasePrompt.CONFIRM_FORGET]
            ]
        ]
    )


def _in_days(t: Texts, days: int) -> str:
    if days % 7 == 0:
        weeks = days // 7
        return t.plain(N_("in 1 week") if weeks == 1 else N_("in {n} weeks"), n=weeks)
    return t.plain(N_("in {n} days"), n=days)
