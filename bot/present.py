"""Turns the state machine's effects into outgoing operations, in the chat's language.

The chat stays quiet: a turn is one new message (the question, which also
says where the meeting is); the meeting message and each agreement's
message are edited as things change rather than posted again; and only
questions make phones buzz (see `outgoing.py`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import singledispatch

from telegram import ForceReply

from rondetafel.clock import Clock
from rondetafel.flows.effects import (
    AskPupil,
    AskTurn,
    ChairChanged,
    ConfirmStop,
    Continues,
    Effect,
    MeetingExpired,
    MeetingFinished,
    MeetingStopped,
    Notice,
    ReadIn,
    ShowAgreement,
    ShowEvaluation,
    ShowMeeting,
    ShowSideNote,
    SideNoteHandled,
    Toast,
)
from rondetafel.flows.events import ResumeReason
from rondetafel.flows.markers import N_
from rondetafel.flows.prompts import Prompt
from rondetafel.flows.school_calendar import SchoolCalendar
from rondetafel.flows.script import PhaseType, Role
from rondetafel.flows.state import Contribution, Mark, MeetingState, Participant

from . import keyboards
from .deep_links import OFFER
from .operations import Answer, ClearTag, Edit, Operation, Send, SendDocument
from .templating import render_join, render_report, render_summary
from .texts import DONE, WHY, Markup, Texts, texts

MEETING, EVALUATION, STOP = "meeting", "evaluation", "stop"


def agreement_tag(seq: int) -> str:
    return f"agreement:{seq}"


def note_tag(seq: int) -> str:
    return f"note:{seq}"


class Presenter:
    def __init__(
        self,
        tz: dt.tzinfo,
        school: str,
        calendar: SchoolCalendar | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.tz = tz
        self.school = school
        self.calendar = calendar
        self.clock = clock

    def before_holiday(self) -> dt.date | None:
        """The last school day before the next holiday, as a choice for a due date."""
        if self.calendar is None or self.clock is None:
            return None
        return self.calendar.before_next_holiday(self.clock().date())

    def render(self, effect: Effect, state: MeetingState | None, t: Texts) -> list[Operation]:
        """`state` is None only for what is said where no meeting runs (notices, pop-ups)."""
        return _render(effect, state, t, self)


def progress(state: MeetingState, t: Texts) -> str:
    """Where the meeting is: "Phase 2/8 · What goes well"."""
    phase = state.phase
    if phase is None:
        return ""
    n, total = state.phase_index + 1, len(state.phases)
    return t.plain(N_("Phase {n}/{total} · {phase}"), n=n, total=total, phase=t(phase.title))


def _force_reply(placeholder: str) -> ForceReply:
    return ForceReply(selective=True, input_field_placeholder=placeholder[:64])


def _params(pairs: tuple[tuple[str, str], ...], t: Texts) -> dict[str, object]:
    """Toast and notice parameters; a `role` is shown in the reader's words."""
    return {k: (t.role(Role(v)) if k == "role" else v) for k, v in pairs}


@singledispatch
def _render(effect: Effect, state: MeetingState | None, t: Texts, r: Presenter) -> list[Operation]:
    raise TypeError(f"no renderer for {effect!r}")


def _on(kind: type) -> Callable[[Callable[..., list[Operation]]], Callable[..., list[Operation]]]:
    def register(fn: Callable[..., list[Operation]]) -> Callable[..., list[Operation]]:
        _render.register(kind)(fn)
        return fn

    return register


# ---------------------------------------------------------------- the meeting message


@_on(ShowMeeting)
def _meeting(effect: ShowMeeting, state: MeetingState, t: Texts, r: Presenter) -> list[Operation]:
    text = render_join(state, t)
    markup = keyboards.meeting(state, t)
    if effect.edit:
        return [Edit(MEETING, text, markup, lazy=effect.lazy)]
    return [Send(text, markup, tag=MEETING)]


@_on(AskPupil)
def _pupil(effect: AskPupil, state: MeetingState, t: Texts, r: Presenter) -> list[Operation]:
    text = t.html(
        N_(
            "<b>New support meeting</b>, chaired by {chair}.\n{chair}, what are the pupil's "
            "initials or pseudonym? Please no full name: Telegram stores this chat."
        ),
        chair=t.mention(state.chair_participant()),
    )
    return [Send(text, _force_reply(t(N_("e.g. S.B. or Tiger"))))]


# ---------------------------------------------------------------- a turn


# What a parent reads of their own turn, in their own language (bot/family_texts.py).
YOUR_TURN = N_("{name}, your turn. {question}")
ASK_RELAYED = N_("{speaker}, please ask {pupil} and type their words: {question}")
STARTERS = N_("<i>You could start with: {starters}</i>")
POINTS_HINT = N_("<i>One point per line. Nothing to add? Reply - or tap /pass.</i>")
AGREEMENTS_HINT = N_("<i>One agreement per line. Nothing to add? Reply - or tap /pass.</i>")
MORE = N_(
    "{name}, your answer was long, and Telegram may have split it. "
    "Reply with the rest, or with /pass if it is complete."
)
YOUR_ANSWER = N_("Your answer")
THE_REST = N_("The rest of your answer")
TURN_MESSAGES = (
    YOUR_TURN,
    STARTERS,
    POINTS_HINT,
    AGREEMENTS_HINT,
    MORE,
    YOUR_ANSWER,
    THE_REST,
)


def speaker_texts(speaker: Participant, t: Texts) -> Texts:
    """A parent who reads another of our languages is asked in it; the rest stays as is."""
    if speaker.language and speaker.language != t.language:
        return texts(speaker.language)
    return t


@_on(AskTurn)
def _turn(effect: AskTurn, state: MeetingState, t: Texts, r: Presenter) -> list[Operation]:
    phase, current = state.phase, state.current
    assert phase is not None and current is not None
    speaker = state.speaker_for(current)
    header = t.html(N_("<b>{progress}</b>"), progress=progress(state, t))
    if phase.optional:
        header += " " + t.html(N_("<i>(optional: the chair can go on with /next)</i>"))
    mine = speaker_texts(speaker, t)
    if effect.more:
        body = mine.html(MORE, name=mine.mention(speaker))
        return [Send(f"{header}\n{body}", _force_reply(mine(THE_REST)))]
    question = phase.question_for(current.role)
    assert question is not None
    if speaker.id != current.id:
        body = t.html(
            ASK_RELAYED,
            speaker=t.mention(speaker),
            pupil=current.name,
            question=t(question),
        )
    else:
        body = mine.html(YOUR_TURN, name=mine.mention(current), question=mine(question))
    lines = [header, body]
    starters = phase.starters_for(current.role)
    if starters:
        lines.append(mine.html(STARTERS, starters=", ".join(mine(s.text) for s in starters)))
    hint = AGREEMENTS_HINT if phase.type is PhaseType.AGREEMENTS else POINTS_HINT
    lines.append(mine.html(hint))
    return [Send("\n".join(lines), _force_reply(mine(YOUR_ANSWER)))]


@_on(ReadIn)
def _read_in(effect: ReadIn, state: MeetingState, t: Texts, r: Presenter) -> list[Operation]:
    """The round opens with what parents brought in from home, attributed, as written."""
    lines = [t.html(N_("<b>From home</b>, brought in before the meeting:"))]
    by_person: dict[int, list[Contribution]] = {}
    for c in state.contributions:
        if c.phase == effect.phase and c.home is not None:
            by_person.setdefault(c.participant, []).append(c)
    for participant_id, points in by_person.items():
        who = state.participant(participant_id)
        written = next((c.language for c in points if c.language), None)
        label = t.role(who.role)
        if written:
            label = t.plain(
                N_("{role}, in {language}"), role=label, language=t.language_name(written)
            )
        lines.append(t.html(N_("<i>{name} ({label})</i>:"), name=who.name, label=label))
        lines += [t.html(N_("• {point}"), point=c.text) for c in points]
    return [Send("\n".join(lines))]


# ---------------------------------------------------------------- agreements and the evaluation


def _owner_text(state: MeetingState, t: Texts, owner: int) -> str:
    person = state.participant(owner)
    return f"{person.name} ({t.role(person.role)})"


@_on(ShowAgreement)
def _agreement(
    effect: ShowAgreement, state: MeetingState, t: Texts, r: Presenter
) -> list[Operation]:
    seq = effect.agreement
    tag = agreement_tag(seq)
    try:
        a = state.agreement(seq)
    except KeyError:
        # Not recorded: the turn moved on before it had a date.
        text = t.html(N_("✖️ <s>Agreement</s>: not recorded, it had no date yet."))
        return [Edit(tag, text)]
    number = [x.seq for x in state.agreements].index(seq) + 1
    owner = _owner_text(state, t, a.owner) if a.owner is not None else "?"
    if a.complete:
        if a.ongoing:
            when = t.html(N_("ongoing"))
        else:
            assert a.due is not None
            when = t.html(N_("by {date}"), date=t.date(a.due))
        text = t.html(
            N_("✅ <b>Agreement {number}:</b> {what} — {owner} — {when}"),
            number=number,
            what=a.what,
            owner=owner,
            when=Markup(when),
        )
        return [Edit(tag, text)]
    head = t.html(
        N_("<b>Agreement {number}:</b> {what}\nWho: {owner}"),
        number=number,
        what=a.what,
        owner=owner,
    )
    ask = t.html(
        N_(
            "By when? Tap a choice, or reply to this message with a date "
            "(e.g. friday, 15 March, in 3 weeks). Someone else does it? Tap their name."
        )
    )
    text = f"{head}\n{ask}"
    markup = keyboards.agreement(state, t, seq, r.before_holiday())
    return [Edit(tag, text, markup) if effect.edit else Send(text, markup, tag=tag)]


@_on(ShowEvaluation)
def _evaluation(
    effect: ShowEvaluation, state: MeetingState, t: Texts, r: Presenter
) -> list[Operation]:
    if state.prompt is Prompt.EVALUATION:
        text = t.html(
            N_(
                "{chair}, when do we evaluate this plan? We then look per goal: reached, partly, "
                "not yet. Tap a choice, or reply to this message with a date."
            ),
            chair=t.mention(state.chair_participant()),
        )
        markup = keyboards.evaluation(state, t)
        if effect.edit:
            return [Edit(EVALUATION, text, markup)]
        return [Send(text, markup, tag=EVALUATION)]
    if state.evaluation_date is not None:
        text = t.html(N_("📅 <b>Evaluation:</b> {date}"), date=t.date(state.evaluation_date))
    else:
        text = t.html(N_("📅 <b>Evaluation:</b> no date chosen yet."))
    return [Edit(EVALUATION, text)]


# ---------------------------------------------------------------- side notes and stopping


def _side_note_text(state: MeetingState, t: Texts, seq: int) -> str:
    note = state.contribution(seq)
    who = state.participant(note.participant)
    return t.html(
        N_("📝 <b>Side note from {name}</b> (not their turn): {text}"),
        name=who.name,
        text=note.text,
    )


@_on(ShowSideNote)
def _side_note(
    effect: ShowSideNote, state: MeetingState, t: Texts, r: Presenter
) -> list[Operation]:
    ask = t.html(N_("{chair}, add it to the points?"), chair=t.mention(state.chair_participant()))
    text = _side_note_text(state, t, effect.seq) + "\n" + ask
    tag = note_tag(effect.seq)
    return [Send(text, keyboards.side_note(state, t, effect.seq), tag=tag)]


@_on(SideNoteHandled)
def _side_note_handled(
    effect: SideNoteHandled, state: MeetingState, t: Texts, r: Presenter
) -> list[Operation]:
    accepted = state.contribution(effect.seq).mark is Mark.POINT
    outcome = t.html(N_("Added to the points.") if accepted else N_("Left out."))
    return [Edit(note_tag(effect.seq), _side_note_text(state, t, effect.seq) + "\n" + outcome)]


@_on(ConfirmStop)
def _confirm_stop(
    effect: ConfirmStop, state: MeetingState, t: Texts, r: Presenter
) -> list[Operation]:
    text = t.html(
        N_("Stop this meeting without a summary? What was said so far stays stored for the school.")
    )
    return [Send(text, keyboards.confirm_stop(state, t), tag=STOP)]


# ---------------------------------------------------------------- the end


def _closing(state: MeetingState, t: Texts) -> list[Operation]:
    """Once a meeting is over no message of it keeps a button."""
    ops: list[Operation] = []
    if state.pupil:
        ops.append(Edit(MEETING, render_join(state, t)))
    ops += [ClearTag(note_tag(c.seq)) for c in state.pending_side_notes()]
    ops += [ClearTag(agreement_tag(seq)) for seq in state.open_agreements]
    ops.append(ClearTag(STOP))
    ops.append(ClearTag(OFFER))
    return ops


@_on(MeetingStopped)
def _stopped(
    effect: MeetingStopped, state: MeetingState, t: Texts, r: Presenter
) -> list[Operation]:
    return [
        *_closing(state, t),
        Send(t.html(N_("The meeting was stopped. No summary was posted."))),
    ]


@_on(MeetingExpired)
def _expired(
    effect: MeetingExpired, state: MeetingState, t: Texts, r: Presenter
) -> list[Operation]:
    note = N_(
        "This meeting was closed after {days} days without activity, so that the group is free "
        "again. What was said stays stored for the school. Start a new one with /meeting."
    )
    return [*_closing(state, t), Send(t.html(note, days=effect.days))]


def report_filename(state: MeetingState, tz: dt.tzinfo) -> str:
    """Unique per meeting, so reports saved side by side never overwrite each other."""
    started = (state.started_at or state.created_at).astimezone(tz)
    pupil = "".join(ch if ch.isalnum() else "-" for ch in (state.pupil or "")).strip("-") or "pupil"
    return f"rondetafel-{started:%Y-%m-%d-%H%M}-{pupil}-{state.meeting_id}.html"


@_on(MeetingFinished)
def _finished(
    effect: MeetingFinished, state: MeetingState, t: Texts, r: Presenter
) -> list[Operation]:
    report = render_report(state, t, r.tz, r.school).encode()
    return [
        *_closing(state, t),
        Send(render_summary(state, t, r.tz)),
        SendDocument(
            filename=report_filename(state, r.tz),
            data=report,
            caption=t.html(N_("The full report, for the pupil's file.")),
        ),
    ]


# ---------------------------------------------------------------- the group lost sight of it

CONTINUES = {
    ResumeReason.BACK: N_("↻ I am back in this group. The meeting goes on where it was."),
    ResumeReason.MIGRATED: N_(
        "↻ This group became a supergroup, so my earlier messages are out of reach. "
        "The meeting goes on here, where it was."
    ),
}


@_on(Continues)
def _continues(effect: Continues, state: MeetingState, t: Texts, r: Presenter) -> list[Operation]:
    return [Send(t.html(CONTINUES[effect.reason]))]


@_on(ChairChanged)
def _chair_changed(
    effect: ChairChanged, state: MeetingState, t: Texts, r: Presenter
) -> list[Operation]:
    text = t.html(
        N_("{name} now chairs this meeting, instead of {previous}."),
        name=state.chair_participant().name,
        previous=state.participant(effect.previous).name,
    )
    return [Send(text)]


# ---------------------------------------------------------------- answers to one person


@_on(Notice)
def _notice(effect: Notice, state: MeetingState | None, t: Texts, r: Presenter) -> list[Operation]:
    params = _params(effect.params, t)
    if "{progress}" in WHY[effect.why]:
        params["progress"] = (progress(state, t) if state else "") or t(N_("getting ready"))
    return [Send(t.html(WHY[effect.why], **params), reply_to=effect.reply_to)]


@_on(Toast)
def _toast(effect: Toast, state: MeetingState | None, t: Texts, r: Presenter) -> list[Operation]:
    message = WHY[effect.text] if effect.text in WHY else DONE[effect.text]  # type: ignore[index]
    return [Answer(t.plain(message, **_params(effect.params, t)), effect.clear_buttons)]
