"""The meeting state machine: `transition(state, event, now) -> Outcome`.

Pure: no I/O, no clock (the time comes in as `now`, in the school's time
zone), no Telegram. A person's mistake never raises; it returns the unchanged
state and a `Notice` or `Toast` that says why.

Reading guide: `transition` dispatches on the event. A button press first
passes the one guard (`flows.guard`, which applies the prompt table of
`flows.prompts`), then one small function per button acts. Replies go by the
prompt the meeting waits on. `_begin_phase`, `_advance` and `_prompt` move
through the script.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

from .dates import parse_date
from .effects import (
    AskPupil,
    AskTurn,
    ChairChanged,
    ConfirmStop,
    Continues,
    Done,
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
    Why,
)
from .events import (
    AnonymousSender,
    Button,
    ChairClaimed,
    ConsentRecorded,
    ConsentWithdrawn,
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
from .family import FamilyMember, Relation, phase_for
from .guard import allowed, refusal, why_not
from .names import MAX_PSEUDONYM, looks_like_full_name
from .permissions import Action, May, actors, may
from .prompts import (
    ON_A_TURN,
    ONGOING,
    PROMPTS,
    Prompt,
)
from .script import UNIQUE_ROLES, MeetingKind, Phase, PhaseType, Role
from .state import (
    Agreement,
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
# A reply of only a dash passes the turn: quicker on a phone than finding a button.
PASS_REPLIES = frozenset({"-", "–", "—"})
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
    """The person who sends /meeting chairs it; the kind can be changed until it starts."""
    chair = Participant(id=1, name=event.by.name, role=Role.CHAIR, user_id=event.by.user_id)
    speaks = event.language or language
    known = event.pupil is not None
    state = MeetingState(
        meeting_id=meeting_id,
        status=Status.GATHERING if known else Status.NAMING_PUPIL,
        prompt=Prompt.GATHERING if known else Prompt.PUPIL,
        language=speaks if speaks in CHAT_LANGUAGES else CHAT_LANGUAGES[0],
        chair=chair.id,
        participants=(chair,),
        created_at=now,
        kind=MeetingKind.PUPIL_MEETING,
        pupil=event.pupil,
        allow_full_names=allow_full_names,
        consented=event.consented,
        family=event.family,
        from_home=event.from_home,
    )
    return Outcome(state, (ShowMeeting(),) if known else (AskPupil(),))


def start_refusal(latest: MeetingState | None, event: MeetingRequested) -> tuple[Effect, ...]:
    """Who may open a meeting, judged by their part in the case's latest meeting."""
    if may(actors(latest, event.by.user_id, admin=event.admin), Action.START) is May.YES:
        return ()
    return (Notice(Why.MAY_NOT_START, to_user=event.by.user_id),)


def without_meeting(event: Event) -> tuple[Effect, ...]:
    """What to tell a person who acts in a group where no meeting is running."""
    if isinstance(event, Pressed):
        if event.command is not None:
            return (Notice(Why.NO_MEETING, to_user=event.by.user_id, reply_to=event.command),)
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
        # Before the pupil is named there is no meeting message yet: the question is the prompt.
        meeting = (ShowMeeting(),) if state.prompt is not Prompt.PUPIL else ()
        shown = (Continues(event.reason), *meeting, *_prompt(state), *_side_notes(state))
        return Outcome(state, shown)
    if isinstance(event, Expired):
        return _expire(state, event, now)
    if isinstance(event, ConsentRecorded):
        return _consent_recorded(state, event)
    if isinstance(event, ConsentWithdrawn):
        return _consent_withdrawn(state, event, now)
    if isinstance(event, RepliedWithMedia):
        return Outcome(
            state, (Notice(Why.TEXT_ONLY, to_user=event.by.user_id, reply_to=event.message_id),)
        )
    if isinstance(event, Replied):
        return _replied(state, event, now)
    refused = refusal(state, event)
    if refused is not None:
        return Outcome(state, (refused,))
    outcome = _BUTTONS[event.button](state, event, now)
    if event.command is not None:
        return Outcome(outcome.state, _for_command(outcome.effects, event.by, event.command))
    return outcome


def _for_command(effects: tuple[Effect, ...], by: Person, message_id: int) -> tuple[Effect, ...]:
    """A typed command has no pop-up: a refusal answers its message, a confirmation is dropped
    (what the command changed shows in the chat)."""
    shown: list[Effect] = []
    for effect in effects:
        if isinstance(effect, Toast):
            if isinstance(effect.text, Why):
                shown.append(Notice(effect.text, by.user_id, message_id, effect.params))
        else:
            shown.append(effect)
    return tuple(shown)


# ---------------------------------------------------------------- replies


def _replied(state: MeetingState, event: Replied, now: dt.datetime) -> Outcome:
    if state.prompt is Prompt.PUPIL:
        refused = why_not(state, Action.LEAD, event.by)
        if refused is not None:
            why, params = refused
            return Outcome(state, (Notice(why, event.by.user_id, None, params),))
        return _name_pupil(state, event)

    speaker = state.participant_of_user(event.by.user_id)
    if speaker is None:
        return _hint_outsider(state, event)
    if speaker.id in state.withdrawn:
        return Outcome(state)  # without consent, nothing they say is kept
    if state.status is not Status.RUNNING:
        return Outcome(state)

    answers = PROMPTS[state.prompt].reply
    if answers is not None and allowed(state, answers, event.by):
        return _REPLIES[state.prompt](state, event, now)
    phase = state.phases[state.phase_index]
    if speaker.id == state.chair:
        # The chair guards the order; what they add out of turn is simply theirs.
        points = _points(state, speaker, phase.key, event)
        return Outcome(state.evolve(contributions=state.contributions + points))
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
    state = state.evolve(
        pupil=name, status=Status.GATHERING, prompt=Prompt.GATHERING, step=state.step + 1
    )
    return Outcome(state, (ShowMeeting(),))


def _answer_turn(state: MeetingState, event: Replied, now: dt.datetime) -> Outcome:
    current, phase = state.current, state.phase
    assert current is not None and phase is not None
    if event.text.strip() in PASS_REPLIES:  # only the speaker's reply answers a turn
        return _end_turn(state, current, Mark.PASSED, now)
    if phase.type is PhaseType.AGREEMENTS:
        return _propose_agreements(state, current, event)
    points = _points(state, current, phase.key, event)
    if not points:
        return _notice(state, Why.EMPTY_ANSWER, event.by, reply_to=event.message_id)
    state = state.evolve(contributions=state.contributions + points)
    if _utf16_len(event.text) >= LONG_ANSWER:
        state = state.evolve(answered_this_turn=True, step=state.step + 1)
        return Outcome(state, (AskTurn(more=True),))
    return _advance(state, now)


def _propose_agreements(state: MeetingState, current: Participant, event: Replied) -> Outcome:
    """Each line is an agreement; they get their who and by when one at a time."""
    lines = _lines(event.text)
    if not lines:
        return _notice(state, Why.EMPTY_ANSWER, event.by, reply_to=event.message_id)
    first = state.next_agreement_seq()
    # Who proposes an agreement mostly does it; "someone else" is one tap away.
    new = tuple(
        Agreement(
            seq=first + i,
            what=line,
            proposed_by=current.id,
            owner=current.id,
            message_id=event.message_id,
            line=i,
            lines=len(lines),
        )
        for i, line in enumerate(lines)
    )
    state = state.evolve(
        agreements=state.agreements + new,
        open_agreements=tuple(a.seq for a in new),
        prompt=Prompt.AGREEMENT,
        step=state.step + 1,
    )
    return Outcome(state, (ShowAgreement(state.open_agreements[0]),))


def _typed_due(state: MeetingState, event: Replied, now: dt.datetime) -> Outcome:
    current = state.current
    assert current is not None
    if event.text.strip() in PASS_REPLIES and _speaks_for(state, current, event.by):
        return _leave_turn(state, current, Mark.PASSED, now)
    date, problem = _typed_date(state, event, now)
    if date is None:
        return Outcome(state, problem)
    return _set_due(state, now, due=date)


def _typed_evaluation(state: MeetingState, event: Replied, now: dt.datetime) -> Outcome:
    date, problem = _typed_date(state, event, now)
    if date is None:
        return Outcome(state, problem)
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


_REPLIES: dict[Prompt, Callable[[MeetingState, Replied, dt.datetime], Outcome]] = {
    Prompt.TURN: _answer_turn,
    Prompt.AGREEMENT: _typed_due,
    Prompt.EVALUATION: _typed_evaluation,
}


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
        proposed = agreements[0].lines or len(agreements)
        if len(lines) != proposed:
            return _notice(state, Why.EDIT_AGREEMENT_LINES, event.by, reply_to=event.message_id)
        if agreements[0].lines:
            renamed = {a.seq: lines[a.line] for a in agreements}
        else:
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
#
# The guard has checked the prompt, the step and who pressed: a handler only
# checks what the table cannot say (an argument, a rule of the method).


def _press_kind(state: MeetingState, event: Pressed, now: dt.datetime) -> Outcome:
    if event.arg not in set(MeetingKind):
        return _toast(state, Why.STALE_BUTTON)
    kind = MeetingKind(event.arg)
    if kind is state.kind:
        return _toast(state, Done.OK)
    return Outcome(state.evolve(kind=kind), (ShowMeeting(edit=True), Toast(Done.OK)))


def _press_join(state: MeetingState, event: Pressed, now: dt.datetime) -> Outcome:
    if event.arg not in set(Role):
        return _toast(state, Why.STALE_BUTTON)
    role = Role(event.arg)
    me = state.participant_of_user(event.by.user_id)
    if me is not None and me.absent:
        # A parent whose points from home were read in comes to the meeting after all.
        if role is not me.role:
            return _toast(state, Why.ROLE_FIXED)
        here = replace(me, absent=False)
        return Outcome(
            state.evolve(
                participants=tuple(here if p.id == me.id else p for p in state.participants)
            ),
            (_roster_changed(state), Toast(Done.JOINED_LATE, (("role", role.value),))),
        )
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
        member = state.family_member(me.user_id)
        speaks = member.language if member is not None and role is Role.PARENT else None
        changed = Participant(me.id, me.name, role, me.user_id, me.voiced_by, speaks)
        people = tuple(changed if p.id == me.id else p for p in state.participants)
        return Outcome(
            state.evolve(participants=people),
            (_roster_changed(state), Toast(Done.ROLE_CHANGED, (("role", role.value),))),
        )
    member = state.family_member(event.by.user_id)
    newcomer = Participant(
        _next_participant_id(state),
        event.by.name,
        role,
        event.by.user_id,
        language=member.language if member is not None and role is Role.PARENT else None,
    )
    done = Done.JOINED_LATE if state.status is Status.RUNNING else Done.JOINED
    return Outcome(
        state.evolve(participants=(*state.participants, newcomer)),
        (_roster_changed(state), Toast(done, (("role", role.value),))),
    )


def _roster_changed(state: MeetingState) -> ShowMeeting:
    # While people gather, joins come in a burst and the start follows.
    return ShowMeeting(edit=True, lazy=state.status is Status.GATHERING)


def _press_voice_pupil(state: MeetingState, event: Pressed, now: dt.datetime) -> Outcome:
    me = state.participant_of_user(event.by.user_id)
    assert me is not None  # the guard: participants only
    present = [p for p in state.participants if p.role is Role.PUPIL]
    if any(not p.absent for p in present):
        return _toast(state, Why.PUPIL_ALREADY_THERE)
    if present:
        # Only their words from home were there: now someone relays them in the meeting.
        voiced = replace(present[0], voiced_by=me.id, absent=False)
        people = tuple(voiced if p.id == voiced.id else p for p in state.participants)
    else:
        pupil = Participant(_next_participant_id(state), state.pupil or "", Role.PUPIL, None, me.id)
        people = (*state.participants, pupil)
    return Outcome(
        state.evolve(participants=people),
        (_roster_changed(state), Toast(Done.OK)),
    )


def _press_start(state: MeetingState, event: Pressed, now: dt.datetime) -> Outcome:
    if len(state.participants) < 2:
        return _toast(state, Why.NEED_PARTICIPANTS)
    state = _with_absent_family(state.evolve(status=Status.RUNNING, started_at=now))
    outcome = _begin_phase(state, 0, now)
    return Outcome(outcome.state, (ShowMeeting(edit=True), *outcome.effects))


def _press_pass(state: MeetingState, event: Pressed, now: dt.datetime) -> Outcome:
    current = state.current
    assert current is not None  # the guard: the speaker of the current turn
    outcome = _leave_turn(state, current, Mark.PASSED, now)
    after = outcome.state.current
    if after is not None and outcome.state.speaker_for(after).user_id == event.by.user_id:
        # The presser speaks next too (they relay the pupil): fresh controls, so that
        # a double tap does not pass that turn as well.
        return _controlled(outcome)
    return outcome


def _press_skip(state: MeetingState, event: Pressed, now: dt.datetime) -> Outcome:
    current = state.current
    if current is None:
        return _toast(state, Why.NO_TURN)
    return _controlled(_leave_turn(state, current, Mark.SKIPPED, now))


def _leave_turn(state: MeetingState, current: Participant, mark: Mark, now: dt.datetime) -> Outcome:
    """Pass or skip: an agreement that still waits for its date is not recorded."""
    dropped = _drop_open_agreements(state)
    outcome = _end_turn(dropped.state, current, mark, now)
    return Outcome(outcome.state, (*dropped.effects, *outcome.effects))


def _press_back(state: MeetingState, event: Pressed, now: dt.datetime) -> Outcome:
    dropped = _drop_open_agreements(state)
    state = dropped.state
    outcome: Outcome | None = None
    if state.prompt in ON_A_TURN and state.turn_index > 0:
        outcome = _ask_turn(state.evolve(turn_index=state.turn_index - 1))
    elif state.prompt is Prompt.EVALUATION:
        outcome = _last_turn_of(state, state.phase_index)
        if outcome is not None:
            outcome = Outcome(outcome.state, (ShowEvaluation(edit=True), *outcome.effects))
    else:
        for index in range(state.phase_index - 1, -1, -1):
            outcome = _last_turn_of(state, index)
            if outcome is not None:
                break
    if outcome is None:
        return _toast(state, Why.NOTHING_BEFORE)
    return _controlled(Outcome(outcome.state, (*dropped.effects, *outcome.effects)))


def _press_close_phase(state: MeetingState, event: Pressed, now: dt.datetime) -> Outcome:
    phase = state.phase
    assert phase is not None
    dropped = _drop_open_agreements(state)
    state = dropped.state
    if phase.type is PhaseType.AGREEMENTS and state.prompt in ON_A_TURN:
        outcome = _ask_evaluation(state)
    else:
        closing = (ShowEvaluation(edit=True),) if state.prompt is Prompt.EVALUATION else ()
        outcome = _begin_phase(state, state.phase_index + 1, now)
        outcome = Outcome(outcome.state, (*closing, *outcome.effects))
    return _controlled(Outcome(outcome.state, (*dropped.effects, *outcome.effects)))


def _controlled(outcome: Outcome) -> Outcome:
    """The chair used a control: the meeting message gets fresh buttons, so a second
    tap of the same one (or a tap on the way) is recognised as stale."""
    state = outcome.state
    if state.active:
        state = state.evolve(controls=state.controls + 1)
        return Outcome(state, (*outcome.effects, ShowMeeting(edit=True)))
    return Outcome(state, outcome.effects)


def _press_owner(state: MeetingState, event: Pressed, now: dt.datetime) -> Outcome:
    owner = _number(event.arg)
    if owner is None or owner not in {p.id for p in state.participants if not p.absent}:
        return _toast(state, Why.STALE_BUTTON)
    seq = state.open_agreements[0]
    if state.agreement(seq).owner == owner:
        return _toast(state, Done.OK)
    state = _update_agreement(state, seq, owner=owner)
    return Outcome(state, (Toast(Done.OK), ShowAgreement(seq, edit=True)))


def _press_due(state: MeetingState, event: Pressed, now: dt.datetime) -> Outcome:
    if event.arg == ONGOING:
        outcome = _set_due(state, now, ongoing=True)
    elif (day := _day(event.arg)) is not None:
        # A date of its own ("before the next holiday"): exactly that day, if still ahead.
        if not 0 <= (day - now.date()).days <= MAX_DAYS_AHEAD:
            return _toast(state, Why.STALE_BUTTON)
        outcome = _set_due(state, now, due=day)
    else:
        days = _number(event.arg)
        if days is None or days > MAX_DAYS_AHEAD:
            return _toast(state, Why.STALE_BUTTON)
        outcome = _set_due(state, now, due=now.date() + dt.timedelta(days=days))
    return Outcome(outcome.state, (Toast(Done.OK), *outcome.effects))


def _press_evaluation(state: MeetingState, event: Pressed, now: dt.datetime) -> Outcome:
    days = _number(event.arg)
    if days is None or days > MAX_DAYS_AHEAD:
        return _toast(state, Why.STALE_BUTTON)
    outcome = _set_evaluation(state, now.date() + dt.timedelta(days=days), now)
    return Outcome(outcome.state, (Toast(Done.OK), *outcome.effects))


def _press_note(state: MeetingState, event: Pressed, now: dt.datetime) -> Outcome:
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
    if event.button is Button.STOP_NO:
        return _toast(state, Done.OK, clear=True)
    dropped = _drop_open_agreements(state)
    closed = _close(dropped.state, Status.STOPPED, now)
    shown = (*dropped.effects, *_evaluation_closed(state), MeetingStopped())
    return Outcome(closed, (Toast(Done.OK, clear_buttons=True), *shown))


_BUTTONS: dict[Button, Callable[[MeetingState, Pressed, dt.datetime], Outcome]] = {
    Button.KIND: _press_kind,
    Button.JOIN: _press_join,
    Button.VOICE_PUPIL: _press_voice_pupil,
    Button.START: _press_start,
    Button.PASS: _press_pass,
    Button.SKIP: _press_skip,
    Button.BACK: _press_back,
    Button.CLOSE_PHASE: _press_close_phase,
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
    if not allowed(state, Action.STOP, event.by, admin=event.admin):
        chair = state.chair_participant().name
        return _notice(state, Why.ONLY_CHAIR_OR_ADMIN, event.by, name=chair)
    return Outcome(state.evolve(stop_requested_by=event.by.user_id), (ConfirmStop(),))


def _claim_chair(state: MeetingState, event: ChairClaimed) -> Outcome:
    """A group admin takes the chair; a newcomer joins as chair, from the next phase on."""
    if _is_chair(state, event.by):
        return _notice(state, Why.ALREADY_CHAIR, event.by)
    if not allowed(state, Action.TAKE_CHAIR, event.by, admin=event.admin):
        chair = state.chair_participant().name
        return _notice(state, Why.ONLY_CHAIR_OR_ADMIN, event.by, name=chair)
    previous = state.chair
    me = state.participant_of_user(event.by.user_id)
    if me is None:
        me = Participant(_next_participant_id(state), event.by.name, Role.CHAIR, event.by.user_id)
        state = state.evolve(participants=(*state.participants, me))
    state = state.evolve(chair=me.id, stop_requested_by=None)
    # What names or addresses the chair is shown anew.
    asks_chair = state.prompt in (Prompt.PUPIL, Prompt.EVALUATION)
    again = _prompt(state) if asks_chair else ()
    # Before the pupil is named there is no meeting message to show the new chair on.
    meeting = (ShowMeeting(edit=True),) if state.prompt is not Prompt.PUPIL else ()
    return Outcome(state, (ChairChanged(previous), *meeting, *again))


# ---------------------------------------------------------------- consent


def _consent_recorded(state: MeetingState, event: ConsentRecorded) -> Outcome:
    consented = tuple(sorted({*state.consented, event.user_id}))
    me = state.participant_of_user(event.user_id)
    withdrawn = tuple(p for p in state.withdrawn if me is None or p != me.id)
    return Outcome(state.evolve(consented=consented, withdrawn=withdrawn))


def _consent_withdrawn(state: MeetingState, event: ConsentWithdrawn, now: dt.datetime) -> Outcome:
    """They are asked nothing more: their turns to come go, and a turn of theirs now ends."""
    consented = tuple(u for u in state.consented if u != event.user_id)
    state = state.evolve(consented=consented)
    me = state.participant_of_user(event.user_id)
    if me is None or me.id in state.withdrawn or me.id == state.chair:
        return Outcome(state)
    state = state.evolve(withdrawn=(*state.withdrawn, me.id))
    done, later = state.turn_order[: state.turn_index + 1], state.turn_order[state.turn_index + 1 :]
    state = state.evolve(turn_order=(*done, *(p for p in later if not _silenced(state, p))))
    current = state.current
    if current is None or not _silenced(state, current.id):
        return Outcome(state, (ShowMeeting(edit=True),))
    outcome = _leave_turn(state, current, Mark.SKIPPED, now)
    return Outcome(outcome.state, (ShowMeeting(edit=True), *outcome.effects))


def _silenced(state: MeetingState, participant_id: int) -> bool:
    """Withdrawn, or a pupil relayed by someone withdrawn."""
    speaker = state.speaker_for(state.participant(participant_id))
    return speaker.id in state.withdrawn


def _expire(state: MeetingState, event: Expired, now: dt.datetime) -> Outcome:
    dropped = _drop_open_agreements(state)
    closed = _close(dropped.state, Status.STOPPED, now)
    shown = (*dropped.effects, *_evaluation_closed(state), MeetingExpired(event.days))
    return Outcome(closed, shown)


def _evaluation_closed(state: MeetingState) -> tuple[Effect, ...]:
    """A meeting that ends while asking for the evaluation date: that message loses its buttons."""
    if state.prompt is Prompt.EVALUATION:
        return (ShowEvaluation(edit=True),)
    return ()


# ---------------------------------------------------------------- moving on


def _begin_phase(state: MeetingState, index: int, now: dt.datetime) -> Outcome:
    if index >= len(state.phases):
        return _finish(state, now)
    phase = state.phases[index]
    state = state.evolve(
        phase_index=index,
        turn_order=_turn_order(state, phase),
        turn_index=0,
        answered_this_turn=False,
        open_agreements=(),
    )
    read = _read_in(state, phase)
    state, effects = read.state, read.effects
    if not state.turn_order:
        if phase.type is PhaseType.AGREEMENTS:
            outcome = _ask_evaluation(state)
        else:
            outcome = _begin_phase(state, index + 1, now)
    else:
        outcome = _ask_turn(state)
    return Outcome(outcome.state, (*effects, *outcome.effects))


def _with_absent_family(state: MeetingState) -> MeetingState:
    """Whoever brought points in from home but is not here takes part as absent.

    Their points are read in at the start of each round; they are never asked.
    A relay's points are the pupil's own words: they belong to the pupil.
    """
    people = [_speaking(p, state.family_member(p.user_id)) for p in state.participants]
    for member in state.family:
        if not any(point.user_id == member.user_id for point in state.from_home):
            continue
        if member.relation is Relation.RELAY:
            if not any(p.role is Role.PUPIL for p in people):
                people.append(
                    Participant(
                        1 + max(p.id for p in people),
                        state.pupil or "",
                        Role.PUPIL,
                        None,
                        absent=True,
                    )
                )
        elif not any(p.user_id == member.user_id for p in people):
            people.append(
                Participant(
                    1 + max(p.id for p in people),
                    member.name,
                    Role.PARENT,
                    member.user_id,
                    language=member.language,
                    absent=True,
                )
            )
    return state.evolve(participants=tuple(people))


def _speaking(participant: Participant, member: FamilyMember | None) -> Participant:
    """A parent linked in private who joined before the link was known is asked in their
    language too (the family is read anew at the start)."""
    if member is None or participant.role is not Role.PARENT or participant.language:
        return participant
    return replace(participant, language=member.language)


def _home_speaker(state: MeetingState, member: FamilyMember) -> Participant | None:
    if member.relation is Relation.RELAY:
        return next((p for p in state.participants if p.role is Role.PUPIL), None)
    return state.participant_of_user(member.user_id)


def _read_in(state: MeetingState, phase: Phase) -> Outcome:
    """The round starts with what parents brought in for it, in their own words."""
    keys = tuple(p.key for p in state.phases)
    done = state.read_in()
    added: list[Contribution] = []
    for point in state.from_home:
        if point.id in done or phase_for(point.kind, keys) != phase.key:
            continue
        member = state.family_member(point.user_id)
        speaker = None if member is None else _home_speaker(state, member)
        if speaker is None:
            continue
        added.append(
            Contribution(
                seq=state.next_seq() + len(added),
                phase=phase.key,
                participant=speaker.id,
                text=point.text,
                home=point.id,
                language=point.language if point.language != state.language else None,
            )
        )
    if not added:
        return Outcome(state)
    state = state.evolve(contributions=(*state.contributions, *added))
    return Outcome(state, (ReadIn(phase.key),))


def _ask_turn(state: MeetingState) -> Outcome:
    state = state.evolve(
        prompt=Prompt.TURN, step=state.step + 1, answered_this_turn=False, open_agreements=()
    )
    return Outcome(state, (AskTurn(),))


def _end_turn(state: MeetingState, current: Participant, mark: Mark, now: dt.datetime) -> Outcome:
    phase = state.phase
    assert phase is not None
    if not state.answered_this_turn:
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
    order = _turn_order(state, state.phases[index])
    if not order:
        return None
    state = state.evolve(phase_index=index, turn_order=order, turn_index=len(order) - 1)
    return _ask_turn(state)


def _set_due(
    state: MeetingState, now: dt.datetime, *, due: dt.date | None = None, ongoing: bool = False
) -> Outcome:
    seq, rest = state.open_agreements[0], state.open_agreements[1:]
    state = state.evolve(
        agreements=tuple(
            replace(a, due=due, ongoing=ongoing) if a.seq == seq else a for a in state.agreements
        ),
        open_agreements=rest,
        answered_this_turn=True,
    )
    recorded = ShowAgreement(seq, edit=True)
    if rest:
        state = state.evolve(step=state.step + 1)
        return Outcome(state, (recorded, ShowAgreement(rest[0])))
    outcome = _advance(state, now)
    return Outcome(outcome.state, (recorded, *outcome.effects))


def _drop_open_agreements(state: MeetingState) -> Outcome:
    """Agreements that still wait for who or when are not recorded: only complete ones count."""
    if not state.open_agreements:
        return Outcome(state)
    first = state.open_agreements[0]
    open_ = set(state.open_agreements)
    state = state.evolve(
        agreements=tuple(a for a in state.agreements if a.seq not in open_),
        open_agreements=(),
        prompt=Prompt.TURN if state.prompt is Prompt.AGREEMENT else state.prompt,
    )
    # Only the first had a message; it now says it was not recorded.
    return Outcome(state, (ShowAgreement(first, edit=True),))


def _ask_evaluation(state: MeetingState) -> Outcome:
    state = state.evolve(prompt=Prompt.EVALUATION, step=state.step + 1, open_agreements=())
    return Outcome(state, (ShowEvaluation(),))


def _set_evaluation(state: MeetingState, date: dt.date, now: dt.datetime) -> Outcome:
    state = state.evolve(evaluation_date=date)
    outcome = _begin_phase(state, state.phase_index + 1, now)
    return Outcome(outcome.state, (ShowEvaluation(edit=True), *outcome.effects))


def _finish(state: MeetingState, now: dt.datetime) -> Outcome:
    state = _close(state, Status.FINISHED, now).evolve(turn_order=(), turn_index=0)
    return Outcome(state, (MeetingFinished(),))


def _close(state: MeetingState, status: Status, now: dt.datetime) -> MeetingState:
    return state.evolve(status=status, finished_at=now, prompt=Prompt.CLOSED, step=state.step + 1)


def _prompt(state: MeetingState) -> tuple[Effect, ...]:
    """The prompt the meeting waits on, to post again where the group lost sight of it."""
    if state.prompt is Prompt.PUPIL:
        return (AskPupil(),)
    if state.prompt is Prompt.AGREEMENT:
        return (ShowAgreement(state.open_agreements[0]),)
    if state.prompt is Prompt.EVALUATION:
        return (ShowEvaluation(),)
    if state.prompt is Prompt.TURN:
        return (AskTurn(more=state.answered_this_turn),)
    return ()  # gathering: the meeting message is the prompt


def _side_notes(state: MeetingState) -> tuple[Effect, ...]:
    """Side notes still waiting for the chair, whose buttons the group may have lost."""
    return tuple(ShowSideNote(note.seq) for note in state.pending_side_notes())


# ---------------------------------------------------------------- helpers


def _turn_order(state: MeetingState, phase: Phase) -> tuple[int, ...]:
    order = state.script.ask_order if state.script else ()
    asked = [
        p
        for p in state.participants
        if phase.question_for(p.role) is not None and not p.absent and not _silenced(state, p.id)
    ]
    return tuple(p.id for p in sorted(asked, key=lambda p: (order.index(p.role), p.id)))


def _points(
    state: MeetingState,
    participant: Participant,
    phase_key: str,
    event: Replied,
    *,
    mark: Mark = Mark.POINT,
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
        )
        for i, line in enumerate(_lines(event.text))
    )


def _lines(text: str) -> list[str]:
    # Bullets people type on phones are not part of the point.
    stripped = (line.strip().lstrip("-•*·").strip() for line in text.splitlines())
    return [line for line in stripped if line]


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _update_agreement(state: MeetingState, seq: int, *, owner: int) -> MeetingState:
    return state.evolve(
        agreements=tuple(replace(a, owner=owner) if a.seq == seq else a for a in state.agreements)
    )


def _update_contributions(state: MeetingState, seq: int, mark: Mark) -> MeetingState:
    return state.evolve(
        contributions=tuple(
            replace(c, mark=mark) if c.seq == seq else c for c in state.contributions
        )
    )


def _day(arg: str) -> dt.date | None:
    """A button's date argument (YYYY-MM-DD); None for anything else."""
    if len(arg) != 10 or not arg.isascii():
        return None
    try:
        return dt.date.fromisoformat(arg)
    except ValueError:
        return None


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
