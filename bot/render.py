"""Turns the state machine's effects into outgoing operations, in the chat's language."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from functools import singledispatch

from telegram import ForceReply

from rondetafel.flows.effects import (
    AgreementRecorded,
    AskAgreementDue,
    AskAgreementOwner,
    AskEvaluationDate,
    AskMeetingQuestions,
    AskOptionalPhase,
    AskPupil,
    AskStarter,
    AskTurn,
    AskTypedDate,
    ChairChanged,
    ConfirmStop,
    Continues,
    Effect,
    EvaluationDateSet,
    MeetingExpired,
    MeetingFinished,
    MeetingStopped,
    Notice,
    ShowJoin,
    ShowKindChoice,
    ShowSideNote,
    SideNoteHandled,
    Toast,
)
from rondetafel.flows.events import ResumeReason
from rondetafel.flows.markers import N_
from rondetafel.flows.script import Role
from rondetafel.flows.state import Mark, MeetingState, Participant

from . import keyboards
from .operations import Answer, Edit, Operation, Send, SendDocument
from .templating import render_join, render_report, render_summary
from .texts import DONE, WHY, Texts

JOIN, KIND, STOP = "join", "kind", "stop"


class Renderer:
    def __init__(self, tz: dt.tzinfo, school: str) -> None:
        self.tz = tz
        self.school = school

    def render(self, effect: Effect, state: MeetingState | None, t: Texts) -> list[Operation]:
        """`state` is None only for what is said where no meeting runs (notices, pop-ups)."""
        return _render(effect, state, t, self)


def progress(state: MeetingState, t: Texts) -> str:
    phase = state.phase
    if phase is None:
        return ""
    n, total = state.phase_index + 1, len(state.phases)
    current = state.current
    if current is None:
        return t.plain(N_("Phase {n} of {total} · {phase}"), n=n, total=total, phase=t(phase.title))
    return t.plain(
        N_("Phase {n} of {total} · {phase} · turn: {name}"),
        n=n,
        total=total,
        phase=t(phase.title),
        name=current.name,
    )


def _force_reply(t: Texts, placeholder: str) -> ForceReply:
    return ForceReply(selective=True, input_field_placeholder=placeholder[:64])


def _date_placeholder(t: Texts) -> str:
    return t(N_("e.g. friday, 15 March, in 3 weeks"))


def _params(pairs: tuple[tuple[str, str], ...], t: Texts) -> dict[str, object]:
    """Toast and notice parameters; a `role` is shown in the reader's words."""
    return {k: (t.role(Role(v)) if k == "role" else v) for k, v in pairs}


@singledispatch
def _render(effect: Effect, state: MeetingState | None, t: Texts, r: Renderer) -> list[Operation]:
    raise TypeError(f"no renderer for {effect!r}")


def _on(kind: type) -> Callable[[Callable[..., list[Operation]]], Callable[..., list[Operation]]]:
    def register(fn: Callable[..., list[Operation]]) -> Callable[..., list[Operation]]:
        _render.register(kind)(fn)
        return fn

    return register


@_on(ShowKindChoice)
def _kind(effect: ShowKindChoice, state: MeetingState, t: Texts, r: Renderer) -> list[Operation]:
    chair = t.mention(state.chair_participant())
    if state.kind is None:
        text = t.html(
            N_("<b>New support meeting</b>, chaired by {chair}.\nWhich kind of meeting is it?"),
            chair=chair,
        )
        markup = keyboards.kind_choice(state, t)
        return [Edit(KIND, text, markup) if effect.edit else Send(text, markup, tag=KIND)]
    text = t.html(
        N_("<b>New support meeting</b>: {kind}, chaired by {chair}."),
        kind=t.kind(state.kind),
        chair=chair,
    )
    return [Edit(KIND, text) if effect.edit else Send(text, tag=KIND)]


def _ask_chair(state: MeetingState, t: Texts, sentence: str, placeholder: str) -> list[Operation]:
    text = t.html(sentence, chair=t.mention(state.chair_participant()))
    return [Send(text, _force_reply(t, t(placeholder)))]


@_on(AskPupil)
def _pupil(effect: AskPupil, state: MeetingState, t: Texts, r: Renderer) -> list[Operation]:
    sentence = N_(
        "{chair}, what are the pupil's initials or pseudonym? "
        "Please no full name: Telegram stores this chat."
    )
    return _ask_chair(state, t, sentence, N_("e.g. S.B. or Tiger"))


@_on(AskMeetingQuestions)
def _questions(
    effect: AskMeetingQuestions, state: MeetingState, t: Texts, r: Renderer
) -> list[Operation]:
    sentence = N_(
        "{chair}, what must we know or decide by the end of this meeting? One question per line."
    )
    return _ask_chair(state, t, sentence, N_("One question per line"))


@_on(ShowJoin)
def _join(effect: ShowJoin, state: MeetingState, t: Texts, r: Renderer) -> list[Operation]:
    text = render_join(state, t)
    markup = keyboards.join(state, t)
    return [Edit(JOIN, text, markup) if effect.edit else Send(text, markup, tag=JOIN)]


def _question_text(state: MeetingState, t: Texts, current: Participant, question: str) -> str:
    speaker = state.speaker_for(current)
    if speaker.id != current.id:
        return t.html(
            N_("{speaker}, please ask {pupil} and type their words: {question}"),
            speaker=t.mention(speaker),
            pupil=current.name,
            question=t(question),
        )
    return t.html(
        N_("{name}, your turn. {question}"), name=t.mention(current), question=t(question)
    )


@_on(AskTurn)
def _turn(effect: AskTurn, state: MeetingState, t: Texts, r: Renderer) -> list[Operation]:
    phase, current = state.phase, state.current
    assert phase is not None and current is not None
    controls = Send(
        f"<b>{html.escape(progress(state, t))}</b>",
        keyboards.turn_controls(state, t, more=effect.more),
    )
    if effect.more:
        text = t.html(
            N_(
                "{name}, your answer was long, and Telegram may have split it. "
                "Reply with the rest, or tap Done."
            ),
            name=t.mention(state.speaker_for(current)),
        )
    else:
        question = phase.question_for(current.role)
        assert question is not None
        text = _question_text(state, t, current, question)
    return [controls, Send(text, _force_reply(t, t(N_("One point per line"))))]


@_on(AskStarter)
def _starter(effect: AskStarter, state: MeetingState, t: Texts, r: Renderer) -> list[Operation]:
    current = state.current
    assert current is not None and state.starter is not None
    starter = t(state.starter)
    text = t.html(
        N_("{name}: <i>{starter}</i>"), name=t.mention(state.speaker_for(current)), starter=starter
    )
    return [Send(text, _force_reply(t, starter))]


@_on(AskOptionalPhase)
def _optional(
    effect: AskOptionalPhase, state: MeetingState, t: Texts, r: Renderer
) -> list[Operation]:
    phase = state.phase
    assert phase is not None
    text = t.html(
        N_(
            "<b>{progress}</b>\n{chair}, this step is optional: take it only if the group "
            "needs it to decide what to do. Take it now?"
        ),
        progress=progress(state, t),
        chair=t.mention(state.chair_participant()),
    )
    return [Send(text, keyboards.optional_phase(state, t))]


def _agreement_line(state: MeetingState, t: Texts, seq: int) -> str:
    a = state.agreement(seq)
    if a.owner is None:
        return t.html(N_("<b>Agreement:</b> {what}"), what=a.what)
    owner = state.participant(a.owner)
    return t.html(
        N_("<b>Agreement:</b> {what} — {owner} ({role})"),
        what=a.what,
        owner=owner.name,
        role=t.role(owner.role),
    )


@_on(AskAgreementOwner)
def _owner(
    effect: AskAgreementOwner, state: MeetingState, t: Texts, r: Renderer
) -> list[Operation]:
    text = _agreement_line(state, t, effect.agreement) + "\n" + t.html(N_("Who does it?"))
    return [Send(text, keyboards.agreement_owner(state, t))]


@_on(AskAgreementDue)
def _due(effect: AskAgreementDue, state: MeetingState, t: Texts, r: Renderer) -> list[Operation]:
    text = _agreement_line(state, t, effect.agreement) + "\n" + t.html(N_("By when?"))
    return [Send(text, keyboards.agreement_due(state, t))]


@_on(AskTypedDate)
def _typed_date(
    effect: AskTypedDate, state: MeetingState, t: Texts, r: Renderer
) -> list[Operation]:
    person = state.participant_of_user(effect.to_user) or state.chair_participant()
    text = t.html(
        N_("{name}, type the date, for example: friday, 15 March, in 3 weeks."),
        name=t.mention(person),
    )
    return [Send(text, _force_reply(t, _date_placeholder(t)))]


@_on(AgreementRecorded)
def _recorded(
    effect: AgreementRecorded, state: MeetingState, t: Texts, r: Renderer
) -> list[Operation]:
    a = state.agreement(effect.agreement)
    number = [x.seq for x in state.agreements].index(a.seq) + 1
    owner = state.participant(a.owner) if a.owner else None
    text = t.html(
        N_("✅ <b>Agreement {number}:</b> {what} — {owner} — by {date}"),
        number=number,
        what=a.what,
        owner=f"{owner.name} ({t.role(owner.role)})" if owner else "?",
        date=t.date(a.due) if a.due else "?",
    )
    return [Send(text)]


@_on(AskEvaluationDate)
def _evaluation(
    effect: AskEvaluationDate, state: MeetingState, t: Texts, r: Renderer
) -> list[Operation]:
    text = t.html(
        N_(
            "{chair}, when do we evaluate this plan? "
            "We then look per goal: reached, partly, not yet."
        ),
        chair=t.mention(state.chair_participant()),
    )
    return [Send(text, keyboards.evaluation_date(state, t))]


@_on(EvaluationDateSet)
def _evaluation_set(
    effect: EvaluationDateSet, state: MeetingState, t: Texts, r: Renderer
) -> list[Operation]:
    return [Send(t.html(N_("📅 <b>Evaluation:</b> {date}"), date=t.date(effect.date)))]


def _side_note_text(state: MeetingState, t: Texts, seq: int) -> str:
    note = state.contribution(seq)
    who = state.participant(note.participant)
    return t.html(
        N_("📝 <b>Side note from {name}</b> (not their turn): {text}"),
        name=who.name,
        text=note.text,
    )


@_on(ShowSideNote)
def _side_note(effect: ShowSideNote, state: MeetingState, t: Texts, r: Renderer) -> list[Operation]:
    ask = t.html(N_("{chair}, add it to the points?"), chair=t.mention(state.chair_participant()))
    text = _side_note_text(state, t, effect.seq) + "\n" + ask
    return [Send(text, keyboards.side_note(state, t, effect.seq), tag=f"note:{effect.seq}")]


@_on(SideNoteHandled)
def _side_note_handled(
    effect: SideNoteHandled, state: MeetingState, t: Texts, r: Renderer
) -> list[Operation]:
    accepted = state.contribution(effect.seq).mark is Mark.POINT
    outcome = t.html(N_("Added to the points.") if accepted else N_("Left out."))
    return [Edit(f"note:{effect.seq}", _side_note_text(state, t, effect.seq) + "\n" + outcome)]


@_on(ConfirmStop)
def _confirm_stop(
    effect: ConfirmStop, state: MeetingState, t: Texts, r: Renderer
) -> list[Operation]:
    text = t.html(
        N_("Stop this meeting without a summary? What was said so far stays stored for the school.")
    )
    return [Send(text, keyboards.confirm_stop(state, t), tag=STOP)]


@_on(MeetingStopped)
def _stopped(effect: MeetingStopped, state: MeetingState, t: Texts, r: Renderer) -> list[Operation]:
    closed = _join(ShowJoin(edit=True), state, t, r) if state.pupil else []
    return [*closed, Send(t.html(N_("The meeting was stopped. No summary was posted.")))]


@_on(MeetingExpired)
def _expired(effect: MeetingExpired, state: MeetingState, t: Texts, r: Renderer) -> list[Operation]:
    closed = _join(ShowJoin(edit=True), state, t, r) if state.pupil else []
    note = N_(
        "This meeting was closed after {days} days without activity, so that the group is free "
        "again. What was said stays stored for the school. Start a new one with /meeting."
    )
    return [*closed, Send(t.html(note, days=effect.days))]


CONTINUES = {
    ResumeReason.BACK: N_("↻ I am back in this group. The meeting goes on where it was."),
    ResumeReason.MIGRATED: N_(
        "↻ This group became a supergroup, so my earlier messages are out of reach. "
        "The meeting goes on here, where it was."
    ),
}


@_on(Continues)
def _continues(effect: Continues, state: MeetingState, t: Texts, r: Renderer) -> list[Operation]:
    return [Send(t.html(CONTINUES[effect.reason]))]


@_on(ChairChanged)
def _chair_changed(
    effect: ChairChanged, state: MeetingState, t: Texts, r: Renderer
) -> list[Operation]:
    text = t.html(
        N_("{name} now chairs this meeting, instead of {previous}."),
        name=state.chair_participant().name,
        previous=state.participant(effect.previous).name,
    )
    return [Send(text)]


def report_filename(state: MeetingState, tz: dt.tzinfo) -> str:
    """Unique per meeting, so reports saved side by side never overwrite each other."""
    started = (state.started_at or state.created_at).astimezone(tz)
    pupil = "".join(ch if ch.isalnum() else "-" for ch in (state.pupil or "")).strip("-") or "pupil"
    return f"rondetafel-{started:%Y-%m-%d-%H%M}-{pupil}-{state.meeting_id}.html"


@_on(MeetingFinished)
def _finished(
    effect: MeetingFinished, state: MeetingState, t: Texts, r: Renderer
) -> list[Operation]:
    report = render_report(state, t, r.tz, r.school).encode()
    return [
        *_join(ShowJoin(edit=True), state, t, r),
        Send(render_summary(state, t, r.tz)),
        SendDocument(
            filename=report_filename(state, r.tz),
            data=report,
            caption=t.html(N_("The full report, for the pupil's file.")),
        ),
    ]


@_on(Notice)
def _notice(effect: Notice, state: MeetingState | None, t: Texts, r: Renderer) -> list[Operation]:
    params = _params(effect.params, t)
    if "{progress}" in WHY[effect.why]:
        params["progress"] = (progress(state, t) if state else "") or t(N_("getting ready"))
    return [Send(t.html(WHY[effect.why], **params), reply_to=effect.reply_to)]


@_on(Toast)
def _toast(effect: Toast, state: MeetingState | None, t: Texts, r: Renderer) -> list[Operation]:
    message = WHY[effect.text] if effect.text in WHY else DONE[effect.text]  # type: ignore[index]
    return [Answer(t.plain(message, **_params(effect.params, t)), effect.clear_buttons)]
