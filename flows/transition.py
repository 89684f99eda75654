"""The meeting state machine: `transition(state, event, now) -> Outcome`.

Pure: no I/O, no clock (the time comes in as `now`, in the school's time
zone), no Telegram. A person's mistake never raises; it returns the unchanged
state and a `Notice` or `Toast` that says why.

Reading guide: `transition` dispatches on the event; replies and button
presses have one small function per meaning; `_begin_phase`, `_advance` and
`_prompt` move through the script.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

from .dates import parse_date
from .effects import (
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
    Done,
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
    Why,
)
from .events import (
    AnonymousSender,
    Button,
    ChairClaimed,
    Edited,
    Event,
    Expired,
    MeetingRequested,
    Person,
    Pressed,
    Replied,
    RepliedWithMedia,
    Resumed,
    StopRequested,
)
from .names import MAX_PSEUDONYM, looks_like_full_name
from .script import UNIQUE_ROLES, MeetingKind, Phase, PhaseType, Role
from .state import (
    MEETING_QUESTIONS,
    Agreement,
    Awaiting,
    Contribution,
    Mark,
    MeetingState,
    Participant,
    Status,
)

CHAT_LANGUAGES = ("nl", "en")
# Telegram clients split a message longer than 4096 characters into several;
# only the first is a reply the bot receives. An answer this long may have
# been cut, so the bot asks for the rest before moving on.
LONG_ANSWER = 4000
# Quick choices for "by when" and for the evaluation date, in days.
DUE_CHOICES = (7, 14, 42)
EVALUATION_CHOICES = (14, 42, 56)
TYPE_A_DATE = "t"
# A date further ahead than this is a typo, not a plan.
MAX_DAYS_AHEAD = 3 * 366


@dataclass(frozen=True)
class Outcome:
    state: MeetingState
    effects: tuple[Effect, ...] = ()


def new_meeting(
    meeting_id: int,
    event: MeetingRequested,
    now: dt.datetime,
    *,
    language: str = "nl",
    allow_full_names: bool = False,
) -> Outcome:
    """The person who sends /meeting chairs it."""
    chair = Participant(id=1, name=event.by.name, role=Role.CHAIR, user_id=event.by.user_id)
    state = MeetingState(
        meeting_id=meeting_id,
        status=Status.CHOOSING_KIND,
        language=language if language in CHAT_LANGUAGES else CHAT_LANGUAGES[0],
        chair=chair.id,
        participants=(chair,),
        created_at=now,
        pupil=event.pupil,
        allow_full_names=allow_full_names,
    )
    return Outcome(state, (ShowKindChoice(),))


def without_meeting(event: Event) -> tuple[Effect, ...]:
    """What to tell a person who acts in a group where no meeting is running."""
    if isinstance(event, Pressed):
        return (Toast(Why.STALE_BUTTON, clear_buttons=True),)
    if isinstance(event, StopRequested | ChairClaimed):
        return (Notice(Why.NO_MEETING, to_user=event.by.user_id),)
    if isinstance(event, AnonymousSender):
        return (Notice(Why.ANONYMOUS_ADMIN, reply_to=event.message_id),)
    return ()


def transition(state: MeetingState, event: Event, now: dt.datetime) -> Outcome:
    if isinstance(event, Edited):
        return _edited(state, event)
    if not state.active:
        return Outcome(state, without_meeting(event))
    if isinstance(event, AnonymousSender):
        return Outcome(state, without_meeting(event))
    if isinstance(event, MeetingRequested):
        return Outcome(state, (Notice(Why.ALREADY_RUNNING, to_user=event.by.user_id),))
    if isinstance(event, StopRequested):
        return _stop_requested(state, event)
    if isinstance(event, ChairClaimed):
        return _claim_chair(state, event)
    if isinstance(event, Resumed):
        return Outcome(state, (Continues(event.reason), *_prompt(state), *_side_notes(state)))
    if isinstance(event, Expired):
        return _expire(state, event, now)
    if isinstance(event, RepliedWithMedia):
        return Outcome(
            state, (Notice(Why.TEXT_ONLY, to_user=event.by.user_id, reply_to=event.message_id),)
        )
    if isinstance(event, Replied):
        return _replied(state, event, now)
    return _pressed(state, event, now)


# ---------------------------------------------------------------- replies


def _replied(state: MeetingState, event: Replied, now: dt.datetime) -> Outcome:
    if state.status in (Status.NAMING_PUPIL, Status.ASKING_QUESTIONS):
        if not _is_chair(state, event.by):
            return _notice(state, Why.ONLY_CHAIR, event.by, name=state.chair_participant().name)
        if state.status is Status.NAMING_PUPIL:
            return _name_pupil(state, event)
        return _meeting_questions(state, event)

    speaker = state.participant_of_user(event.by.user_id)
    if speaker is None:
        return _hint_outsider(state, event)
    if state.status is not Status.RUNNING:
        return Outcome(state)

    current = state.current
    speaks_for_current = current is not None and state.speaker_for(current).id == speaker.id
    is_chair = speaker.id == state.chair
    phase = _phase_being_discussed(state)

    if state.awaiting is Awaiting.ANSWER and speaks_for_current:
        assert current is not None
        if phase.type is PhaseType.AGREEMENTS:
            return _propose_agreements(state, current, event)
        return _answer(state, current, event, now)
    if state.awaiting is Awaiting.AGREEMENT_OWNER and speaks_for_current:
        # They typed more agreements while the first still needs an owner: queue them.
        assert current is not None
        return _queue_agreements(state, current, event)
    if state.awaiting is Awaiting.AGREEMENT_DUE and (speaks_for_current or is_chair):
        return _typed_due(state, event, now)
    if state.awaiting is Awaiting.EVALUATION_DATE and is_chair:
        return _typed_evaluation(state, event, now)
    if is_chair:
        # The chair guards the order; what they add out of turn is simply theirs.
        return Outcome(
            state.evolve(
                contributions=state.contributions + _points(state, speaker, phase.key, event)
            )
        )
    return _side_note(state, speaker, phase.key, event)


def _name_pupil(state: MeetingState, event: Replied) -> Outcome:
    lines = _lines(event.text)
    name = lines[0] if lines else ""
    why: Why | None = None
    if not name:
        why = Why.EMPTY_ANSWER
    elif len(name) > MAX_PSEUDONYM:
        why = Why.PSEUDONYM_TOO_LONG
    elif not state.allow_full_names and looks_like_full_name(name):
        why = Why.FULL_NAME
    if why is not None:
        notice = Notice(why, to_user=event.by.user_id, reply_to=event.message_id)
        return Outcome(state, (notice, AskPupil()))
    state = state.evolve(pupil=name, status=Status.ASKING_QUESTIONS)
    return Outcome(state, (AskMeetingQuestions(),))


def _meeting_questions(state: MeetingState, event: Replied) -> Outcome:
    points = _points(state, state.chair_participant(), MEETING_QUESTIONS, event)
    if not points:
        notice = Notice(Why.EMPTY_ANSWER, to_user=event.by.user_id, reply_to=event.message_id)
        return Outcome(state, (notice, AskMeetingQuestions()))
    state = state.evolve(contributions=state.contributions + points, status=Status.GATHERING)
    return Outcome(state, (ShowJoin(),))


def _answer(state: MeetingState, current: Participant, event: Replied, now: dt.datetime) -> Outcome:
    phase = state.phase
    assert phase is not None
    points = _points(state, current, phase.key, event, starter=state.starter)
    if not points:
        return _notice(state, Why.EMPTY_ANSWER, event.by, reply_to=event.message_id)
    state = state.evolve(contributions=state.contributions + points, starter=None)
    if _utf16_len(event.text) >= LONG_ANSWER:
        state = state.evolve(answered_this_turn=True, step=state.step + 1)
        return Outcome(state, (AskTurn(more=True),))
    return _advance(state, now)


def _propose_agreements(state: MeetingState, current: Participant, event: Replied) -> Outcome:
    outcome = _queue_agreements(state, current, event)
    if outcome.effects:
        return outcome
    state = outcome.state.evolve(awaiting=Awaiting.AGREEMENT_OWNER, step=outcome.state.step + 1)
    return Outcome(state, (AskAgreementOwner(state.open_agreements[0]),))


def _queue_agreements(state: MeetingState, current: Participant, event: Replied) -> Outcome:
    lines = _lines(event.text)
    if not lines:
        return _notice(state, Why.EMPTY_ANSWER, event.by, reply_to=event.message_id)
    first = state.next_agreement_seq()
    new = tuple(
        Agreement(seq=first + i, what=line, proposed_by=current.id, message_id=event.message_id)
        for i, line in enumerate(lines)
    )
    return Outcome(
        state.evolve(
            agreements=state.agreements + new,
            open_agreements=state.open_agreements + tuple(a.seq for a in new),
        )
    )


def _typed_due(state: MeetingState, event: Replied, now: dt.datetime) -> Outcome:
    date, problem = _typed_date(state, event, now)
    if problem:
        return Outcome(state, (*problem, AskTypedDate(event.by.user_id, state.open_agreements[0])))
    assert date is not None
    return _set_due(state, date, now)


def _typed_evaluation(state: MeetingState, event: Replied, now: dt.datetime) -> Outcome:
    date, problem = _typed_date(state, event, now)
    if problem:
        return Outcome(state, (*problem, AskTypedDate(event.by.user_id)))
    assert date is not None
    return _set_evaluation(state, date, now)


def _typed_date(
    state: MeetingState, event: Replied, now: dt.datetime
) -> tuple[dt.date | None, tuple[Effect, ...]]:
    date = parse_date(event.text, now.date())
    if date is None:
        why = Why.DATE_NOT_UNDERSTOOD
    elif date < now.date():
        why = Why.DATE_IN_PAST
    elif (date - now.date()).days > MAX_DAYS_AHEAD:
        why = Why.DATE_TOO_FAR
    else:
        return date, ()
    return None, (Notice(why, to_user=event.by.user_id, reply_to=event.message_id),)


def _side_note(
    state: MeetingState, speaker: Participant, phase_key: str, event: Replied
) -> Outcome:
    """One side note per message, however many lines: the chair decides on it once."""
    lines = _lines(event.text)
    if not lines:
        return Outcome(state)
    note = Contribution(
        state.next_seq(), phase_key, speaker.id, "\n".join(lines), Mark.SIDE_NOTE, event.message_id
    )
    state = state.evolve(contributions=(*state.contributions, note))
    return Outcome(state, (ShowSideNote(note.seq),))


def _hint_outsider(state: MeetingState, event: Replied) -> Outcome:
    if event.by.user_id in state.hinted_users:
        return Outcome(state)
    state = state.evolve(hinted_users=(*state.hinted_users, event.by.user_id))
    notice = Notice(Why.NOT_PARTICIPANT, to_user=event.by.user_id, reply_to=event.message_id)
    return Outcome(state, (notice,))


# ---------------------------------------------------------------- edits


def _edited(state: MeetingState, event: Edited) -> Outcome:
    old = [c for c in state.contributions if c.message_id == event.message_id]
    agreements = [a for a in state.agreements if a.message_id == event.message_id]
    if not old and not agreements:
        return Outcome(state)
    if not state.active:
        return _notice(state, Why.EDIT_AFTER_CLOSE, event.by, reply_to=event.message_id)
    lines = _lines(event.text)
    if agreements:
        if len(lines) != len(agreements):
            return _notice(state, Why.EDIT_AGREEMENT_LINES, event.by, reply_to=event.message_id)
        renamed = dict(zip((a.seq for a in agreements), lines, strict=True))
        return Outcome(
            state.evolve(
                agreements=tuple(
                    replace(a, what=renamed[a.seq]) if a.seq in renamed else a
                    for a in state.agreements
                )
            )
        )
    return _replace_lines(state, old, lines, event.message_id)


def _replace_lines(
    state: MeetingState, old: list[Contribution], lines: list[str], message_id: int
) -> Outcome:
    """An edited message's points, line by line, in place of the old ones.

    Line i keeps what the chair decided about old line i (a side note stays a
    side note, an accepted one stays accepted); added lines of an out-of-turn
    message go to the chair as side notes. A side note whose words changed is
    shown to the chair again, so that what the chair accepts is what was said.
    """
    one_note = old[0].mark in (Mark.SIDE_NOTE, Mark.DISMISSED) or "\n" in old[0].text
    if len(old) == 1 and one_note:
        # A side note (only side notes hold several lines) stays one, with the
        # edited words; a waiting one goes to the chair again, so that what the
        # chair accepts is what was said.
        if not lines or "\n".join(lines) == old[0].text:
            return Outcome(state)
        note = replace(old[0], text="\n".join(lines))
        notes = tuple(note if c is old[0] else c for c in state.contributions)
        again = (ShowSideNote(note.seq),) if note.mark is Mark.SIDE_NOTE else ()
        return Outcome(state.evolve(contributions=notes), again)
    out_of_turn = any(c.mark in (Mark.SIDE_NOTE, Mark.DISMISSED) for c in old)
    extra_mark = Mark.SIDE_NOTE if out_of_turn else old[0].mark
    next_seq = state.next_seq()
    new: list[Contribution] = []
    for i, line in enumerate(lines):
        if i < len(old):
            new.append(replace(old[i], text=line))
        else:
            fresh = Contribution(
                next_seq, old[0].phase, old[0].participant, line, extra_mark, message_id
            )
            new.append(fresh)
            next_seq += 1
    kept: list[Contribution] = []
    for c in state.contributions:
        if c.message_id != message_id:
            kept.append(c)
        elif c is old[0]:
            kept.extend(new)
    before = {c.seq: c.text for c in old}
    shown = tuple(
        ShowSideNote(n.seq) for n in new if n.mark is Mark.SIDE_NOTE and before.get(n.seq) != n.text
    )
    return Outcome(state.evolve(contributions=tuple(kept)), shown)


# ---------------------------------------------------------------- buttons


def _pressed(state: MeetingState, event: Pressed, now: dt.datetime) -> Outcome:
    handler = _BUTTONS.get(event.button)
    if handler is None:
        return _toast(state, Why.STALE_BUTTON, clear=True)
    return handler(state, event, now)


def _press_kind(state: MeetingState, event: Pressed, now: dt.datetime) -> Outcome:
    if state.status is not Status.CHOOSING_KIND or event.arg not in set(MeetingKind):
        return _toast(state, Why.STALE_BUTTON, clear=True)
    if not _is_chair(state, event.by):
        return _toast(state, Why.ONLY_CHAIR, name=state.chair_participant().name)
    kind = MeetingKind(event.arg)
    if state.pupil is None:
        state = state.evolve(kind=kind, status=Status.NAMING_PUPIL)
        return Outcome(state, (ShowKindChoice(edit=True), AskPupil()))
    state = state.evolve(kind=kind, status=Status.ASKING_QUESTIONS)
    return Outcome(state, (ShowKindChoice(edit=True), AskMeetingQuestions()))


def _press_language(state: MeetingState, event: Pressed, now: dt.datetime) -> Outcome:
    if state.status is not Status.CHOOSING_KIND or event.arg not in CHAT_LANGUAGES:
        return _toast(state, Why.STALE_BUTTON, clear=True)
    if not _is_chair(state, event.by):
        return _toast(state, Why.ONLY_CHAIR, name=state.chair_participant().name)
    if event.arg == state.language:
        return _toast(state, Done.OK)
    return Outcome(state.evolve(language=event.arg), (ShowKindChoice(edit=True), Toast(Done.OK)))


def _press_join(state: MeetingState, event: Pressed, now: dt.datetime) -> Outcome:
    if state.status not in (Status.GATHERING, Status.RUNNING) or event.arg not in set(Role):
        return _toast(state, Why.STALE_BUTTON)
    role = Role(event.arg)
    me = state.participant_of_user(event.by.user_id)
    if me is not None and me.role is role:
        return _toast(state, Done.JOINED, role=role.value)
    if role in UNIQUE_ROLES:
        holder = next((p for p in state.participants if p.role is role), None)
        if holder is not None:
            return _toast(state, Why.ROLE_TAKEN, name=holder.name, role=role.value)
    if me is not None:
        # Also a chair who handed over: the record keeps who chaired.
        if me.id == state.chair or me.role is Role.CHAIR:
            return _toast(state, Why.CHAIR_KEEPS_ROLE)
        if state.status is Status.RUNNING:
            # The order of turns and the questions asked follow the roles.
            return _toast(state, Why.ROLE_FIXED)
        changed = Participant(me.id, me.name, role, me.user_id, me.voiced_by)
        people = tuple(changed if p.id == me.id else p for p in state.participants)
        return Outcome(
            state.evolve(participants=people),
            (ShowJoin(edit=True), Toast(Done.ROLE_CHANGED, (("role", role.value),))),
        )
    newcomer = Participant(_next_participant_id(state), event.by.name, role, event.by.user_id)
    done = Done.JOINED_LATE if state.status is Status.RUNNING else Done.JOINED
    return Outcome(
        state.evolve(participants=(*state.participants, newcomer)),
        (ShowJoin(edit=True), Toast(done, (("role", role.value),))),
    )


def _press_voice_pupil(state: MeetingState, event: Pressed, now: dt.datetime) -> Outcome:
    if state.status not in (Status.GATHERING, Status.RUNNING):
        return _toast(state, Why.STALE_BUTTON)
    me = state.participant_of_user(event.by.user_id)
    if me is None:
        return _toast(state, Why.NOT_PARTICIPANT)
    if any(p.role is Role.PUPIL for p in state.participants):
        return _toast(state, Why.PUPIL_ALREADY_THERE)
    pupil = Participant(_next_participant_id(state), state.pupil or "", Role.PUPIL, None, me.id)
    return Outcome(
        state.evolve(participants=(*state.participants, pupil)),
        (ShowJoin(edit=True), Toast(Done.OK)),
    )


def _press_start(state: MeetingState, event: Pressed, now: dt.datetime) -> Outcome:
    if state.status is not Status.GATHERING:
        return _toast(state, Why.STALE_BUTTON)
    if not _is_chair(state, event.by):
        return _toast(state, Why.ONLY_CHAIR, name=state.chair_participant().name)
    if len(state.participants) < 2:
        return _toast(state, Why.NEED_PARTICIPANTS)
    state = state.evolve(status=Status.RUNNING, started_at=now)
    outcome = _begin_phase(state, 0, now)
    return Outcome(outcome.state, (ShowJoin(edit=True), *outcome.effects))


def _press_pass(state: MeetingState, event: Pressed, now: dt.datetime) -> Outcome:
    current = state.current
    if current is None or event.step != state.step:
        return _toast(state, Why.STALE_BUTTON, clear=True)
    if state.speaker_for(current).user_id != event.by.user_id:
        if _is_chair(state, event.by):
            return _press_skip(state, event, now)
        return _toast(state, Why.NOT_YOUR_TURN_BUTTON, name=current.name)
    return _end_turn(state, current, Mark.PASSED, now)


def _press_skip(state: MeetingState, event: Pressed, now: dt.datetime) -> Outcome:
    current = state.current
    if current is None or event.step != state.step:
        return _toast(state, Why.STALE_BUTTON, clear=True)
    if not _is_chair(state, event.by):
        return _toast(state, Why.ONLY_CHAIR, name=state.chair_participant().name)
    return _end_turn(state, current, Mark.SKIPPED, now)


def _press_back(state: MeetingState, event: Pressed, now: dt.datetime) -> Outcome:
    if state.status is not Status.RUNNING or event.step != state.step:
        return _toast(state, Why.STALE_BUTTON, clear=True)
    if not _is_chair(state, event.by):
        return _toast(state, Why.ONLY_CHAIR, name=state.chair_participant().name)
    on_a_turn = state.awaiting in (
        Awaiting.ANSWER,
        Awaiting.AGREEMENT_OWNER,
        Awaiting.AGREEMENT_DUE,
    )
    if on_a_turn and state.turn_index > 0:
        return _ask_turn(state.evolve(turn_index=state.turn_index - 1))
    if state.awaiting is Awaiting.EVALUATION_DATE:
        return _last_turn_of(state, state.phase_index) or _toast(state, Why.NOTHING_BEFORE)
    for index in range(state.phase_index - 1, -1, -1):
        outcome = _last_turn_of(state, index)
        if outcome is not None:
            return outcome
    return _toast(state, Why.NOTHING_BEFORE)


def _press_close_phase(state: MeetingState, event: Pressed, now: dt.datetime) -> Outcome:
    phase = state.phase
    if state.status is not Status.RUNNING or phase is None or event.step != state.step:
        return _toast(state, Why.STALE_BUTTON, clear=True)
    if not _is_chair(state, event.by):
        return _toast(state, Why.ONLY_CHAIR, name=state.chair_participant().name)
    if phase.type is PhaseType.AGREEMENTS and state.awaiting is not Awaiting.EVALUATION_DATE:
        return _ask_evaluation(state)
    return _begin_phase(state, state.phase_index + 1, now)


def _press_starter(state: MeetingState, event: Pressed, now: dt.datetime) -> Outcome:
    current, phase = state.current, state.phase
    if current is None or phase is None or event.step != state.step:
        return _toast(state, Why.STALE_BUTTON, clear=True)
    if state.speaker_for(current).user_id != event.by.user_id:
        return _toast(state, Why.NOT_YOUR_TURN_BUTTON, name=current.name)
    starters = phase.starters_for(current.role)
    index = _number(event.arg)
    if index is None or index >= len(starters):
        return _toast(state, Why.STALE_BUTTON)
    state = state.evolve(starter=starters[index].text)
    return Outcome(state, (Toast(Done.OK), AskStarter()))


def _press_phase_choice(state: MeetingState, event: Pressed, now: dt.datetime) -> Outcome:
    if state.awaiting is not Awaiting.PHASE_CHOICE or event.step != state.step:
        return _toast(state, Why.STALE_BUTTON, clear=True)
    if not _is_chair(state, event.by):
        return _toast(state, Why.ONLY_CHAIR, name=state.chair_participant().name)
    phase = state.phase
    assert phase is not None
    others = tuple(k for k in state.skipped_phases if k != phase.key)
    if event.button is Button.SKIP_PHASE:
        state = state.evolve(skipped_phases=(*others, phase.key))
        return _begin_phase(state, state.phase_index + 1, now)
    return _start_turns(state.evolve(skipped_phases=others), now)


def _press_owner(state: MeetingState, event: Pressed, now: dt.datetime) -> Outcome:
    current = state.current
    if (
        state.awaiting is not Awaiting.AGREEMENT_OWNER
        or current is None
        or event.step != state.step
    ):
        return _toast(state, Why.STALE_BUTTON, clear=True)
    if not (_speaks_for(state, current, event.by) or _is_chair(state, event.by)):
        return _toast(state, Why.NOT_YOUR_TURN_BUTTON, name=current.name)
    owner = _number(event.arg)
    if owner is None or owner not in {p.id for p in state.participants}:
        return _toast(state, Why.STALE_BUTTON)
    seq = state.open_agreements[0]
    state = _update_agreement(state, seq, owner=owner)
    state = state.evolve(awaiting=Awaiting.AGREEMENT_DUE, step=state.step + 1)
    return Outcome(state, (Toast(Done.OK, clear_buttons=True), AskAgreementDue(seq)))


def _press_due(state: MeetingState, event: Pressed, now: dt.datetime) -> Outcome:
    current = state.current
    if state.awaiting is not Awaiting.AGREEMENT_DUE or current is None or event.step != state.step:
        return _toast(state, Why.STALE_BUTTON, clear=True)
    if not (_speaks_for(state, current, event.by) or _is_chair(state, event.by)):
        return _toast(state, Why.NOT_YOUR_TURN_BUTTON, name=current.name)
    if event.arg == TYPE_A_DATE:
        return Outcome(
            state, (Toast(Done.OK), AskTypedDate(event.by.user_id, state.open_agreements[0]))
        )
    days = _number(event.arg)
    if days is None or days > MAX_DAYS_AHEAD:
        return _toast(state, Why.STALE_BUTTON)
    outcome = _set_due(state, now.date() + dt.timedelta(days=days), now)
    return Outcome(outcome.state, (Toast(Done.OK, clear_buttons=True), *outcome.effects))


def _press_evaluation(state: MeetingState, event: Pressed, now: dt.datetime) -> Outcome:
    if state.awaiting is not Awaiting.EVALUATION_DATE or event.step != state.step:
        return _toast(state, Why.STALE_BUTTON, clear=True)
    if not _is_chair(state, event.by):
        return _toast(state, Why.ONLY_CHAIR, name=state.chair_participant().name)
    if event.arg == TYPE_A_DATE:
        return Outcome(state, (Toast(Done.OK), AskTypedDate(event.by.user_id)))
    days = _number(event.arg)
    if days is None or days > MAX_DAYS_AHEAD:
        return _toast(state, Why.STALE_BUTTON)
    outcome = _set_evaluation(state, now.date() + dt.timedelta(days=days), now)
    return Outcome(outcome.state, (Toast(Done.OK, clear_buttons=True), *outcome.effects))


def _press_note(state: MeetingState, event: Pressed, now: dt.datetime) -> Outcome:
    if not _is_chair(state, event.by):
        return _toast(state, Why.ONLY_CHAIR, name=state.chair_participant().name)
    seq = _number(event.arg)
    try:
        note = state.contribution(seq if seq is not None else -1)
    except KeyError:
        return _toast(state, Why.STALE_BUTTON, clear=True)
    if note.mark is not Mark.SIDE_NOTE:
        return _toast(state, Why.NOTE_HANDLED, clear=True)
    accepted = event.button is Button.ACCEPT_NOTE
    mark = Mark.POINT if accepted else Mark.DISMISSED
    state = _update_contributions(state, note.seq, mark)
    done = Done.NOTE_ACCEPTED if accepted else Done.NOTE_DISMISSED
    return Outcome(state, (Toast(done), SideNoteHandled(note.seq)))


def _press_stop(state: MeetingState, event: Pressed, now: dt.datetime) -> Outcome:
    if event.step != state.step:
        # Asked before the meeting moved on: stopping now needs a fresh /stop.
        return _toast(state, Why.STALE_BUTTON, clear=True)
    if not (_is_chair(state, event.by) or event.by.user_id == state.stop_requested_by):
        return _toast(state, Why.ONLY_CHAIR, name=state.chair_participant().name)
    if event.button is Button.STOP_NO:
        return _toast(state, Done.OK, clear=True)
    state = state.evolve(
        status=Status.STOPPED, finished_at=now, awaiting=Awaiting.NOTHING, step=state.step + 1
    )
    return Outcome(state, (Toast(Done.OK, clear_buttons=True), MeetingStopped()))


_BUTTONS: dict[Button, Callable[[MeetingState, Pressed, dt.datetime], Outcome]] = {
    Button.KIND: _press_kind,
    Button.LANGUAGE: _press_language,
    Button.JOIN: _press_join,
    Button.VOICE_PUPIL: _press_voice_pupil,
    Button.START: _press_start,
    Button.PASS: _press_pass,
    Button.SKIP: _press_skip,
    Button.BACK: _press_back,
    Button.CLOSE_PHASE: _press_close_phase,
    Button.STARTER: _press_starter,
    Button.DO_PHASE: _press_phase_choice,
    Button.SKIP_PHASE: _press_phase_choice,
    Button.OWNER: _press_owner,
    Button.DUE: _press_due,
    Button.EVALUATION: _press_evaluation,
    Button.ACCEPT_NOTE: _press_note,
    Button.DISMISS_NOTE: _press_note,
    Button.STOP_YES: _press_stop,
    Button.STOP_NO: _press_stop,
}


# ---------------------------------------------------------------- a chair who is gone


def _stop_requested(state: MeetingState, event: StopRequested) -> Outcome:
    if _is_chair(state, event.by):
        return Outcome(state, (ConfirmStop(),))
    if not event.admin:
        chair = state.chair_participant().name
        return _notice(state, Why.ONLY_CHAIR_OR_ADMIN, event.by, name=chair)
    return Outcome(state.evolve(stop_requested_by=event.by.user_id), (ConfirmStop(),))


def _claim_chair(state: MeetingState, event: ChairClaimed) -> Outcome:
    """A group admin takes the chair; a newcomer joins as chair, from the next phase on."""
    if _is_chair(state, event.by):
        return _notice(state, Why.ALREADY_CHAIR, event.by)
    if not event.admin:
        chair = state.chair_participant().name
        return _notice(state, Why.ONLY_CHAIR_OR_ADMIN, event.by, name=chair)
    previous = state.chair
    me = state.participant_of_user(event.by.user_id)
    if me is None:
        me = Participant(_next_participant_id(state), event.by.name, Role.CHAIR, event.by.user_id)
        state = state.evolve(participants=(*state.participants, me))
    state = state.evolve(chair=me.id, stop_requested_by=None)
    return Outcome(state, (ChairChanged(previous), *_shown_to_the_chair(state)))


def _shown_to_the_chair(state: MeetingState) -> tuple[Effect, ...]:
    """After the chair changed: what names or addresses the chair, shown anew."""
    if state.status is Status.CHOOSING_KIND:
        return (ShowKindChoice(edit=True),)
    if state.status in (Status.NAMING_PUPIL, Status.ASKING_QUESTIONS):
        return _prompt(state)
    asks_chair = state.awaiting in (Awaiting.PHASE_CHOICE, Awaiting.EVALUATION_DATE)
    return (ShowJoin(edit=True), *(_prompt(state) if asks_chair else ()))


def _expire(state: MeetingState, event: Expired, now: dt.datetime) -> Outcome:
    state = state.evolve(
        status=Status.STOPPED, finished_at=now, awaiting=Awaiting.NOTHING, step=state.step + 1
    )
    return Outcome(state, (MeetingExpired(event.days),))


# ---------------------------------------------------------------- moving on


def _begin_phase(state: MeetingState, index: int, now: dt.datetime) -> Outcome:
    if index >= len(state.phases):
        return _finish(state, now)
    phase = state.phases[index]
    state = state.evolve(
        phase_index=index,
        turn_order=_turn_order(state, phase),
        turn_index=0,
        starter=None,
        answered_this_turn=False,
        open_agreements=(),
    )
    if phase.optional:
        state = state.evolve(awaiting=Awaiting.PHASE_CHOICE, step=state.step + 1)
        return Outcome(state, (AskOptionalPhase(),))
    return _start_turns(state, now)


def _start_turns(state: MeetingState, now: dt.datetime) -> Outcome:
    phase = state.phase
    assert phase is not None
    if not state.turn_order:
        if phase.type is PhaseType.AGREEMENTS:
            return _ask_evaluation(state)
        return _begin_phase(state, state.phase_index + 1, now)
    return _ask_turn(state.evolve(turn_index=0))


def _ask_turn(state: MeetingState) -> Outcome:
    state = state.evolve(
        awaiting=Awaiting.ANSWER,
        step=state.step + 1,
        starter=None,
        answered_this_turn=False,
        open_agreements=(),
    )
    return Outcome(state, (AskTurn(),))


def _end_turn(state: MeetingState, current: Participant, mark: Mark, now: dt.datetime) -> Outcome:
    phase = state.phase
    assert phase is not None
    if not state.answered_this_turn and state.awaiting is Awaiting.ANSWER:
        record = Contribution(state.next_seq(), phase.key, current.id, "", mark)
        state = state.evolve(contributions=(*state.contributions, record))
    return _advance(state, now)


def _advance(state: MeetingState, now: dt.datetime) -> Outcome:
    if state.turn_index + 1 < len(state.turn_order):
        return _ask_turn(state.evolve(turn_index=state.turn_index + 1))
    phase = state.phase
    assert phase is not None
    if phase.type is PhaseType.AGREEMENTS:
        return _ask_evaluation(state)
    return _begin_phase(state, state.phase_index + 1, now)


def _last_turn_of(state: MeetingState, index: int) -> Outcome | None:
    phase = state.phases[index]
    if phase.key in state.skipped_phases:
        # Going back to a skipped step offers the choice again.
        state = state.evolve(phase_index=index, turn_order=_turn_order(state, phase), turn_index=0)
        state = state.evolve(awaiting=Awaiting.PHASE_CHOICE, step=state.step + 1)
        return Outcome(state, (AskOptionalPhase(),))
    order = _turn_order(state, phase)
    if not order:
        return None
    state = state.evolve(phase_index=index, turn_order=order, turn_index=len(order) - 1)
    return _ask_turn(state)


def _set_due(state: MeetingState, date: dt.date, now: dt.datetime) -> Outcome:
    seq, rest = state.open_agreements[0], state.open_agreements[1:]
    state = _update_agreement(state, seq, due=date).evolve(open_agreements=rest)
    recorded = AgreementRecorded(seq)
    if rest:
        state = state.evolve(awaiting=Awaiting.AGREEMENT_OWNER, step=state.step + 1)
        return Outcome(state, (recorded, AskAgreementOwner(rest[0])))
    outcome = _advance(state.evolve(answered_this_turn=True), now)
    return Outcome(outcome.state, (recorded, *outcome.effects))


def _ask_evaluation(state: MeetingState) -> Outcome:
    state = state.evolve(awaiting=Awaiting.EVALUATION_DATE, step=state.step + 1, open_agreements=())
    return Outcome(state, (AskEvaluationDate(),))


def _set_evaluation(state: MeetingState, date: dt.date, now: dt.datetime) -> Outcome:
    state = state.evolve(evaluation_date=date)
    outcome = _begin_phase(state, state.phase_index + 1, now)
    return Outcome(outcome.state, (EvaluationDateSet(date), *outcome.effects))


def _finish(state: MeetingState, now: dt.datetime) -> Outcome:
    state = state.evolve(
        status=Status.FINISHED,
        finished_at=now,
        awaiting=Awaiting.NOTHING,
        turn_order=(),
        turn_index=0,
        step=state.step + 1,
    )
    return Outcome(state, (MeetingFinished(),))


def _prompt(state: MeetingState) -> tuple[Effect, ...]:
    """The prompt the meeting is waiting on, to show again after a restart."""
    if state.status is Status.CHOOSING_KIND:
        return (ShowKindChoice(),)
    if state.status is Status.NAMING_PUPIL:
        return (AskPupil(),)
    if state.status is Status.ASKING_QUESTIONS:
        return (AskMeetingQuestions(),)
    if state.status is Status.GATHERING:
        return (ShowJoin(),)
    if state.awaiting is Awaiting.PHASE_CHOICE:
        return (AskOptionalPhase(),)
    if state.awaiting is Awaiting.EVALUATION_DATE:
        return (AskEvaluationDate(),)
    if state.awaiting is Awaiting.AGREEMENT_OWNER:
        return (AskAgreementOwner(state.open_agreements[0]),)
    if state.awaiting is Awaiting.AGREEMENT_DUE:
        return (AskAgreementDue(state.open_agreements[0]),)
    if state.starter is not None:
        return (AskStarter(),)
    return (AskTurn(more=state.answered_this_turn),)


def _side_notes(state: MeetingState) -> tuple[Effect, ...]:
    """Side notes still waiting for the chair, whose buttons the group may have lost."""
    return tuple(ShowSideNote(note.seq) for note in state.pending_side_notes())


# ---------------------------------------------------------------- helpers


def _phase_being_discussed(state: MeetingState) -> Phase:
    """Where out-of-turn words belong: while the chair decides whether to take an
    optional step, that step has not begun, so they belong to the step before."""
    index = state.phase_index
    if state.awaiting is Awaiting.PHASE_CHOICE and index > 0:
        index -= 1
    return state.phases[index]


def _turn_order(state: MeetingState, phase: Phase) -> tuple[int, ...]:
    order = state.script.ask_order if state.script else ()
    asked = [p for p in state.participants if phase.question_for(p.role) is not None]
    return tuple(p.id for p in sorted(asked, key=lambda p: (order.index(p.role), p.id)))


def _points(
    state: MeetingState,
    participant: Participant,
    phase_key: str,
    event: Replied,
    *,
    mark: Mark = Mark.POINT,
    starter: str | None = None,
) -> tuple[Contribution, ...]:
    """A reply with several lines is several points."""
    first = state.next_seq()
    return tuple(
        Contribution(
            seq=first + i,
            phase=phase_key,
            participant=participant.id,
            text=line,
            mark=mark,
            message_id=event.message_id,
            starter=starter if i == 0 else None,
        )
        for i, line in enumerate(_lines(event.text))
    )


def _lines(text: str) -> list[str]:
    # Bullets people type on phones are not part of the point.
    stripped = (line.strip().lstrip("-•*·").strip() for line in text.splitlines())
    return [line for line in stripped if line]


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _update_agreement(
    state: MeetingState, seq: int, *, owner: int | None = None, due: dt.date | None = None
) -> MeetingState:
    def updated(a: Agreement) -> Agreement:
        return replace(a, owner=owner or a.owner, due=due or a.due)

    return state.evolve(
        agreements=tuple(updated(a) if a.seq == seq else a for a in state.agreements)
    )


def _update_contributions(state: MeetingState, seq: int, mark: Mark) -> MeetingState:
    return state.evolve(
        contributions=tuple(
            replace(c, mark=mark) if c.seq == seq else c for c in state.contributions
        )
    )


def _number(arg: str) -> int | None:
    """A button's numeric argument; None for anything a button of ours never carries."""
    # str.isdigit() accepts "²" and other digits int() refuses.
    if not (arg.isascii() and arg.isdigit()) or len(arg) > 9:
        return None
    return int(arg)


def _next_participant_id(state: MeetingState) -> int:
    return 1 + max(p.id for p in state.participants)


def _is_chair(state: MeetingState, person: Person) -> bool:
    return state.chair_participant().user_id == person.user_id


def _speaks_for(state: MeetingState, participant: Participant, person: Person) -> bool:
    return state.speaker_for(participant).user_id == person.user_id


def _toast(state: MeetingState, text: Why | Done, *, clear: bool = False, **params: str) -> Outcome:
    return Outcome(state, (Toast(text, tuple(params.items()), clear_buttons=clear),))


def _notice(
    state: MeetingState, why: Why, person: Person, *, reply_to: int | None = None, **params: str
) -> Outcome:
    return Outcome(state, (Notice(why, person.user_id, reply_to, tuple(params.items())),))
