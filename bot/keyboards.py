"""Inline keyboards, built from the meeting's state and script data.

Every label says what the button does; every button's data is encoded by
`callback_data`, so it stays valid across restarts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from rondetafel.flows.events import Button
from rondetafel.flows.markers import N_
from rondetafel.flows.script import MeetingKind, Role
from rondetafel.flows.state import MeetingState, Status
from rondetafel.flows.transition import CHAT_LANGUAGES, DUE_CHOICES, EVALUATION_CHOICES, TYPE_A_DATE

from .callback_data import ButtonData, encode
from .texts import LANGUAGE_NAMES, Texts

ROLE_ICONS = {
    Role.CHAIR: "🪑",
    Role.MENTOR: "🧑‍🏫",
    Role.PARENT: "👪",
    Role.PUPIL: "🧒",
    Role.CARE_COORDINATOR: "🤝",
    Role.EXTERNAL: "🩺",
}


def _button(
    state: MeetingState, label: str, button: Button, arg: str = "", step: int = 0
) -> InlineKeyboardButton:
    data = encode(ButtonData(state.meeting_id, button, arg, step))
    return InlineKeyboardButton(label, callback_data=data)


def _rows(
    buttons: Sequence[InlineKeyboardButton], per_row: int
) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def _markup(rows: Iterable[Sequence[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([list(r) for r in rows if r])


def kind_choice(state: MeetingState, t: Texts) -> InlineKeyboardMarkup:
    kinds = [_button(state, t.kind(kind), Button.KIND, kind.value) for kind in MeetingKind]
    languages = [
        _button(
            state,
            ("✓ " if lang == state.language else "") + LANGUAGE_NAMES[lang],
            Button.LANGUAGE,
            lang,
        )
        for lang in CHAT_LANGUAGES
    ]
    return _markup([*_rows(kinds, 1), languages])


def join(state: MeetingState, t: Texts) -> InlineKeyboardMarkup | None:
    if not state.active:
        return None
    roles = [_button(state, f"{ROLE_ICONS[r]} {t.role(r)}", Button.JOIN, r.value) for r in Role]
    rows = _rows(roles, 2)
    if not any(p.role is Role.PUPIL for p in state.participants):
        rows.append(
            [
                _button(
                    state,
                    t(N_("🧒 Pupil not in this chat: I relay their words")),
                    Button.VOICE_PUPIL,
                )
            ]
        )
    if state.status is Status.GATHERING:
        rows.append([_button(state, t(N_("▶️ Start the meeting (chair)")), Button.START)])
    return _markup(rows)


def turn_controls(state: MeetingState, t: Texts, *, more: bool) -> InlineKeyboardMarkup:
    step = state.step
    phase, current = state.phase, state.current
    assert phase is not None and current is not None
    rows: list[list[InlineKeyboardButton]] = []
    starters = phase.starters_for(current.role)
    if starters and not more:
        rows += _rows(
            [
                _button(state, t(s.text), Button.STARTER, str(i), step)
                for i, s in enumerate(starters)
            ],
            3,
        )
    pass_label = N_("✅ Done") if more else N_("⏭ Pass")
    rows.append([_button(state, t(pass_label), Button.PASS, step=step)])
    rows.append(
        [
            _button(state, t(N_("↩️ Back")), Button.BACK, step=step),
            _button(state, t(N_("⏩ Skip (chair)")), Button.SKIP, step=step),
            _button(state, t(N_("⏹ Close phase")), Button.CLOSE_PHASE, step=step),
        ]
    )
    return _markup(rows)


def optional_phase(state: MeetingState, t: Texts) -> InlineKeyboardMarkup:
    return _markup(
        [
            [
                _button(state, t(N_("Do this step")), Button.DO_PHASE, step=state.step),
                _button(state, t(N_("Skip this step")), Button.SKIP_PHASE, step=state.step),
            ],
            [_button(state, t(N_("↩️ Back")), Button.BACK, step=state.step)],
        ]
    )


def agreement_owner(state: MeetingState, t: Texts) -> InlineKeyboardMarkup:
    people = [
        _button(state, f"{p.name} ({t.role(p.role)})", Button.OWNER, str(p.id), state.step)
        for p in state.participants
    ]
    return _markup(_rows(people, 2))


def _date_choices(
    state: MeetingState, t: Texts, button: Button, days: Sequence[int]
) -> InlineKeyboardMarkup:
    quick = [_button(state, _in_days(t, d), button, str(d), state.step) for d in days]
    typed = _button(state, t(N_("📅 Type a date")), button, TYPE_A_DATE, state.step)
    return _markup([quick, [typed]])


def agreement_due(state: MeetingState, t: Texts) -> InlineKeyboardMarkup:
    return _date_choices(state, t, Button.DUE, DUE_CHOICES)


def evaluation_date(state: MeetingState, t: Texts) -> InlineKeyboardMarkup:
    markup = _date_choices(state, t, Button.EVALUATION, EVALUATION_CHOICES)
    back = [_button(state, t(N_("↩️ Back")), Button.BACK, step=state.step)]
    return InlineKeyboardMarkup([*markup.inline_keyboard, back])


def side_note(state: MeetingState, t: Texts, seq: int) -> InlineKeyboardMarkup:
    return _markup(
        [
            [
                _button(state, t(N_("➕ Add as a point")), Button.ACCEPT_NOTE, str(seq)),
                _button(state, t(N_("Leave it out")), Button.DISMISS_NOTE, str(seq)),
            ]
        ]
    )


def confirm_stop(state: MeetingState, t: Texts) -> InlineKeyboardMarkup:
    return _markup(
        [
            [
                _button(
                    state, t(N_("Yes, stop without a summary")), Button.STOP_YES, step=state.step
                ),
                _button(state, t(N_("No, go on")), Button.STOP_NO, step=state.step),
            ]
        ]
    )


def _in_days(t: Texts, days: int) -> str:
    if days % 7 == 0:
        weeks = days // 7
        return t.plain(N_("in 1 week") if weeks == 1 else N_("in {n} weeks"), n=weeks)
    return t.plain(N_("in {n} days"), n=days)
