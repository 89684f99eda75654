"""/afspraken (/agreements), decided: the case's open agreements, and the chair's changes.

Between meetings the plan lives on in its agreements and its evaluation; the
group needs one place to see where they stand, and the chair one place to
mend them (someone is ill, a date slipped) without starting a meeting. The
list is posted in the group for everyone taking part in the case; its buttons
change an owner, a date or who evaluates, and only the chair's press changes
anything (the matrix: `Action.AGREEMENT`, which between meetings is the
chair's alone, since nobody's turn comes). Each change re-plans the pending
reminders in the same transaction, so they follow at once.

Like `case_desk.py`: one transaction per command or press, whatever is owed
stored as outbox rows marked with the case (erasing the case takes them too);
a press edits the pressed message in place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import MessageLimit

from rondetafel.flows.effects import Why
from rondetafel.flows.follow_up import STATUS_NAMES, AgreementFacts
from rondetafel.flows.permissions import Action, May, actors, may
from rondetafel.flows.prompts import CASE_PROMPTS, CasePrompt
from rondetafel.flows.reminder_plan import plan_evaluation
from rondetafel.flows.state import MeetingState, Participant
from rondetafel.storage.audit import AGREEMENT_REPLANNED, EVALUATOR_CHANGED
from rondetafel.storage.evaluations import COMPLETE, WAITING, EvaluationRecord
from rondetafel.storage.meetings import LoadedMeeting
from rondetafel.storage.repositories import Repositories

from . import agreements_texts as say
from .callback_data import (
    ONGOING_ARG,
    AgreementsData,
    AgreementsVerb,
    date_arg,
    encode_agreements,
)
from .case_desk import Caller, CaseDesk, Found, Outcome
from .case_texts import NO_CASE
from .keyboards import ROLE_ICONS
from .operations import ClearButtons, EditMessage, Operation, Send
from .scheduling import replan_agreement
from .texts import WHY, Texts, texts

# Edit buttons per row under the list: "✏️ 1" … "✏️ 5" fit a phone's width.
EDITS_PER_ROW = 5
ONE_WEEK, TWO_WEEKS = 7, 14

Verb = AgreementsVerb
View = tuple[str, InlineKeyboardMarkup | None]
Act = Callable[[Repositories, Found], Awaitable[Outcome]]
T = TypeVar("T")


@dataclass(frozen=True)
class Board:
    """What the list shows, read in the transaction of the command or the press."""

    case_id: int
    pupil: str
    chair: str
    agreements: tuple[AgreementFacts, ...]
    # The plan in force: the case's newest finished meeting (None: none yet), and
    # its evaluation (None: no evaluation date was set).
    plan: LoadedMeeting | None
    evaluation: EvaluationRecord | None

    def number_of(self, agreement: AgreementFacts) -> int:
        return self.agreements.index(agreement) + 1

    def agreement(self, agreement_id: int) -> AgreementFacts | None:
        return next((a for a in self.agreements if a.id == agreement_id), None)

    @property
    def open_evaluation(self) -> EvaluationRecord | None:
        """The evaluation while its evaluator can still change: not yet begun."""
        evaluation = self.evaluation
        return evaluation if evaluation is not None and evaluation.status == WAITING else None


class AgreementsDesk(CaseDesk):
    # ------------------------------------------------------------ the command

    async def show(self, caller: Caller) -> Outcome:
        """The list, as a reply to the command, with the chair's buttons under it."""

        async def act(repos: Repositories, found: Found) -> Outcome:
            board = await _board(repos, found)
            text, markup = list_view(board, found.t)
            return self._owe(caller, found.case, [Send(text, markup)])

        return await self._serve(caller, Action.READ_AGREEMENTS, act)

    # ------------------------------------------------------------ the buttons

    async def press(self, caller: Caller, data: AgreementsData) -> Outcome:
        """One of the list's buttons: show a choice, or make the chosen change."""

        async def act(repos: Repositories, found: Found) -> Outcome:
            board = await _board(repos, found)
            t = found.t
            if data.verb is Verb.LIST:
                return self._edit(caller, found, list_view(board, t))
            if data.verb in (Verb.EVALUATORS, Verb.EVALUATOR):
                return await self._evaluator(repos, caller, found, board, data)
            agreement = board.agreement(data.item)
            if agreement is None:  # done since, or of another case
                return self._stale(caller, found, board)
            if data.verb is Verb.EDIT:
                return self._edit(caller, found, edit_view(board, agreement, t))
            if data.verb is Verb.DATES:
                today = found.now.astimezone(self.settings.tz).date()
                before = self.settings.calendar.before_next_holiday(today)
                return self._edit(caller, found, dates_view(board, agreement, today, before, t))
            if data.verb is Verb.DUE:
                return await self._due(repos, caller, found, agreement, data)
            meeting = await repos.meetings.get(agreement.meeting_id)
            people = _owners(meeting.state) if meeting is not None else ()
            if data.verb is Verb.OWNERS:
                return self._edit(caller, found, owners_view(board, agreement, people, t))
            chosen = _chosen(people, data.arg)
            if chosen is None:
                return self._stale(caller, found, board)
            await repos.agreements.set_owner(
                agreement.id, name=chosen.name, role=chosen.role.value, user_id=chosen.user_id
            )
            return await self._changed(repos, caller, found, agreement)

        action = CASE_PROMPTS[CasePrompt.AGREEMENTS][data.verb]
        return await self._serve(caller, action, act, pressed=data)

    async def _due(
        self,
        repos: Repositories,
        caller: Caller,
        found: Found,
        agreement: AgreementFacts,
        data: AgreementsData,
    ) -> Outcome:
        due = data.due
        if data.arg != ONGOING_ARG and (
            due is None or due < found.now.astimezone(self.settings.tz).date()
        ):
            # The date the button showed has passed since it was posted.
            return self._stale(caller, found, await _board(repos, found))
        await repos.agreements.set_due(agreement.id, due, ongoing=due is None)
        return await self._changed(repos, caller, found, agreement)

    async def _changed(
        self, repos: Repositories, caller: Caller, found: Found, agreement: AgreementFacts
    ) -> Outcome:
        """An agreement's owner or date changed: its reminders follow, the list shows it."""
        await replan_agreement(repos, self.settings, agreement.id, found.now)
        await repos.audit.add(found.case.id, caller.person.user_id, AGREEMENT_REPLANNED, found.now)
        board = await _board(repos, found)
        return self._edit(caller, found, list_view(board, found.t), answer=found.t(say.CHANGED))

    async def _evaluator(
        self,
        repos: Repositories,
        caller: Caller,
        found: Found,
        board: Board,
        data: AgreementsData,
    ) -> Outcome:
        evaluation = board.open_evaluation
        if evaluation is None or evaluation.id != data.item or board.plan is None:
            return self._stale(caller, found, board)
        people = _evaluators(board.plan.state)
        if data.verb is Verb.EVALUATORS:
            return self._edit(caller, found, evaluators_view(board, evaluation, people, found.t))
        chosen = _chosen(people, data.arg)
        if chosen is None or chosen.user_id is None:
            return self._stale(caller, found, board)
        await repos.evaluations.set_evaluator(
            evaluation.id, user_id=chosen.user_id, name=chosen.name
        )
        # The reminder that starts the evaluation goes to the new evaluator instead.
        await repos.reminders.cancel_evaluation(evaluation.meeting_id)
        planned = plan_evaluation(
            chosen.user_id,
            evaluation.due,
            calendar=self.settings.calendar,
            send_at=self.settings.reminders_at,
            now=found.now,
        )
        if planned is not None:
            await repos.reminders.add(
                evaluation.case_id, evaluation.meeting_id, [planned], found.now
            )
        await repos.audit.add(found.case.id, caller.person.user_id, EVALUATOR_CHANGED, found.now)
        board = await _board(repos, found)
        return self._edit(caller, found, list_view(board, found.t), answer=found.t(say.CHANGED))

    # ------------------------------------------------------------ one transaction

    async def _serve(
        self, caller: Caller, action: Action, act: Act, *, pressed: AgreementsData | None = None
    ) -> Outcome:
        """Find the group's open case, authorise `caller` for `action`, `act`; then wake
        the sender. A press names its case: another case than the group's is stale."""

        async def decide(repos: Repositories) -> Outcome:
            chat = await repos.chats.get_or_create(
                caller.origin.chat_id, language=self.settings.default_language
            )
            t = texts(chat.language)
            case = await repos.cases.for_chat(caller.origin.chat_id)
            latest = None if case is None else await repos.meetings.latest_of_case(case.id)
            if case is None or latest is None:
                if pressed is not None:
                    return self._gone(caller, t)
                return self._owe(caller, None, [Send(t.html(NO_CASE))])
            if pressed is not None and pressed.case_id != case.id:
                return self._gone(caller, t)
            found = Found(case, latest, t, self.clock())
            refused = await self._refusal(repos, caller, found, action)
            return refused if refused is not None else await act(repos, found)

        return await self._transact(caller, decide)

    async def _refusal(
        self, repos: Repositories, caller: Caller, found: Found, action: Action
    ) -> Outcome | None:
        """None if the matrix lets `caller` do `action` in this case now, else the refusal.

        "Own turn" never applies between meetings; "with consent" is the case's
        consent in force (withdrawn between meetings, it no longer is).
        """
        user_id = caller.person.user_id
        verdict = may(actors(found.latest.state, user_id, admin=caller.admin), action)
        if verdict is May.WITH_CONSENT:
            consents = await repos.consents.in_force(found.case.id)
            if any(c.professional_user_id == user_id for c in consents):
                return None
        if verdict is May.YES:
            return None
        t, chair = found.t, found.latest.state.chair_participant().name
        if caller.origin.query_id is not None:
            return Outcome(answer=t.plain(WHY[Why.ONLY_CHAIR], name=chair))
        if action is Action.READ_AGREEMENTS:
            consent = verdict is May.WITH_CONSENT
            return self._reply(
                caller, found, WHY[Why.NEEDS_CONSENT] if consent else say.NOT_IN_CASE
            )
        return self._reply(caller, found, WHY[Why.ONLY_CHAIR], name=chair)

    # ------------------------------------------------------------ what is owed

    def _edit(
        self, caller: Caller, found: Found, view: View, *, answer: str | None = None
    ) -> Outcome:
        """The pressed message, edited in place to `view`.

        A list too long for one message is posted anew instead (a new message
        may be split; an edit may not), and the pressed one loses its buttons.
        """
        text, markup = view
        pressed = caller.origin.pressed_message_id
        operations: list[Operation]
        if pressed is not None and len(text) <= MessageLimit.MAX_TEXT_LENGTH:
            operations = [EditMessage(pressed, text, markup)]
        else:
            clear: list[Operation] = [ClearButtons(pressed)] if pressed is not None else []
            operations = [*clear, Send(text, markup)]
        return self._owe(caller, found.case, operations, answer=answer, reply=False)

    def _stale(self, caller: Caller, found: Found, board: Board) -> Outcome:
        """A choice that no longer fits (done, or changed since): the list as it is now."""
        stale = found.t(WHY[Why.STALE_BUTTON])
        return self._edit(caller, found, list_view(board, found.t), answer=stale)

    def _gone(self, caller: Caller, t: Texts) -> Outcome:
        """A button of a case that is not this group's any more: it can do nothing."""
        pressed = caller.origin.pressed_message_id
        clear = [ClearButtons(pressed)] if pressed is not None else []
        return self._owe(caller, None, clear, answer=t(WHY[Why.STALE_BUTTON]), reply=False)


async def _board(repos: Repositories, found: Found) -> Board:
    case = found.case
    plan = await repos.meetings.last_finished_of_case(case.id)
    return Board(
        case_id=case.id,
        pupil=case.pseudonym,
        chair=found.latest.state.chair_participant().name,
        agreements=tuple(await repos.agreements.open_of_case(case.id)),
        plan=plan,
        evaluation=None if plan is None else await repos.evaluations.of_meeting(plan.id),
    )


def _owners(state: MeetingState) -> tuple[Participant, ...]:
    """Who may own an agreement of that meeting: whoever took part (the pupil too,
    without reminders when not on Telegram), except whose consent was withdrawn."""
    return tuple(p for p in state.participants if p.id not in state.withdrawn)


def _evaluators(state: MeetingState) -> tuple[Participant, ...]:
    """Who may evaluate: the evaluation is a conversation in a private chat."""
    return tuple(p for p in _owners(state) if p.user_id is not None)


def _chosen(people: Sequence[Participant], arg: str) -> Participant | None:
    return next((p for p in people if str(p.id) == arg), None)


# ---------------------------------------------------------------- the views


def list_view(board: Board, t: Texts) -> View:
    """The open agreements, numbered, and the plan's evaluation. Never an owner's note:
    the group has many readers."""
    if board.agreements:
        lines = [t.html(say.TITLE, pupil=board.pupil)]
        lines += [_line(board.number_of(a), a, t) for a in board.agreements]
    else:
        lines = [t.html(say.NOTHING_OPEN, pupil=board.pupil)]
    evaluation = _evaluation_line(board, t)
    if evaluation is not None:
        lines += ["", evaluation]
    rows = [
        [_button(t.plain(say.EDIT, number=n), board, Verb.EDIT, a.id) for n, a in chunk]
        for chunk in _chunks(list(enumerate(board.agreements, start=1)), EDITS_PER_ROW)
    ]
    evaluation_open = board.open_evaluation
    if evaluation_open is not None:
        label = t.plain(say.CHANGE_EVALUATOR, name=evaluation_open.evaluator_name)
        rows.append([_button(label, board, Verb.EVALUATORS, evaluation_open.id)])
    if not rows:
        return "\n".join(lines), None
    lines += ["", t.html(say.CHAIR_CHANGES, name=board.chair)]
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def edit_view(board: Board, agreement: AgreementFacts, t: Texts) -> View:
    rows = [
        [
            _button(t(say.CHANGE_OWNER), board, Verb.OWNERS, agreement.id),
            _button(t(say.CHANGE_DATE), board, Verb.DATES, agreement.id),
        ],
        [_back(board, t)],
    ]
    text = "\n".join([*_about(board, agreement, t), "", t.html(say.WHAT_CHANGES)])
    return text, InlineKeyboardMarkup(rows)


def owners_view(
    board: Board, agreement: AgreementFacts, people: Sequence[Participant], t: Texts
) -> View:
    by_id = {p.id: p for p in people}

    def label(p: Participant) -> str:
        relay = by_id.get(p.voiced_by) if p.voiced_by is not None else None
        if p.user_id is not None:
            name = p.name
        elif relay is not None:  # the relaying adult is reminded (bot/scheduling.py)
            name = t.plain(say.REMINDED_VIA, name=p.name, relay=relay.name)
        else:
            name = t.plain(say.NO_REMINDERS, name=p.name)
        mark = "✓ " if _owns(p, agreement) else ""
        return f"{mark}{ROLE_ICONS[p.role]} {name}"

    buttons = [_button(label(p), board, Verb.OWNER, agreement.id, str(p.id)) for p in people]
    text = "\n".join([*_about(board, agreement, t), "", t.html(say.WHO_DOES_IT)])
    return text, InlineKeyboardMarkup([*_chunks(buttons, 2), [_back(board, t)]])


def dates_view(
    board: Board,
    agreement: AgreementFacts,
    today: dt.date,
    before_holiday: dt.date | None,
    t: Texts,
) -> View:
    """Quick choices, each showing the date it sets (the date is in the button)."""
    choices = [
        (say.IN_ONE_WEEK, today + dt.timedelta(days=ONE_WEEK)),
        (say.IN_TWO_WEEKS, today + dt.timedelta(days=TWO_WEEKS)),
    ]
    if before_holiday is not None:
        choices.append((say.BEFORE_HOLIDAY, before_holiday))
    rows = [
        [_button(t.plain(label, date=t.date(day)), board, Verb.DUE, agreement.id, date_arg(day))]
        for label, day in choices
    ]
    rows.append([_button(t(say.ONGOING), board, Verb.DUE, agreement.id, ONGOING_ARG)])
    rows.append([_back(board, t)])
    text = "\n".join([*_about(board, agreement, t), "", t.html(say.BY_WHEN)])
    return text, InlineKeyboardMarkup(rows)


def evaluators_view(
    board: Board, evaluation: EvaluationRecord, people: Sequence[Participant], t: Texts
) -> View:
    def label(p: Participant) -> str:
        mark = "✓ " if p.user_id == evaluation.user_id else ""
        return f"{mark}{ROLE_ICONS[p.role]} {p.name}"

    buttons = [_button(label(p), board, Verb.EVALUATOR, evaluation.id, str(p.id)) for p in people]
    text = t.html(say.WHO_EVALUATES, date=t.date(evaluation.due))
    return text, InlineKeyboardMarkup([*_chunks(buttons, 2), [_back(board, t)]])


def _line(number: int, agreement: AgreementFacts, t: Texts) -> str:
    return t.html(
        say.LINE,
        number=number,
        what=agreement.what,
        owner=_owner(agreement, t),
        due=_due(agreement, t),
        status=t(STATUS_NAMES[agreement.status]),
    )


def _about(board: Board, agreement: AgreementFacts, t: Texts) -> list[str]:
    return [
        t.html(say.AGREEMENT, number=board.number_of(agreement), what=agreement.what),
        t.html(say.OWNER_IS, owner=_owner(agreement, t)),
        t.html(say.DUE_IS, due=_due(agreement, t)),
        t.html(say.STATUS_IS, status=t(STATUS_NAMES[agreement.status])),
    ]


def _owner(agreement: AgreementFacts, t: Texts) -> str:
    return agreement.owner_name or t(say.NOBODY)


def _due(agreement: AgreementFacts, t: Texts) -> str:
    if agreement.ongoing:
        return t(say.ONGOING)
    if agreement.due is None:
        return t(say.NO_DATE)
    return t.plain(say.BY, date=t.date(agreement.due))


def _evaluation_line(board: Board, t: Texts) -> str | None:
    evaluation = board.evaluation
    if board.plan is None:
        return None  # no plan yet: nothing to evaluate
    if evaluation is None:
        return t.html(say.NO_EVALUATION)
    message = say.EVALUATED if evaluation.status == COMPLETE else say.EVALUATION
    return t.html(message, date=t.date(evaluation.due), name=evaluation.evaluator_name)


def _owns(participant: Participant, agreement: AgreementFacts) -> bool:
    if participant.user_id is not None:
        return participant.user_id == agreement.owner_user_id
    return agreement.owner_user_id is None and participant.name == agreement.owner_name


def _button(
    label: str, board: Board, verb: AgreementsVerb, item: int = 0, arg: str = ""
) -> InlineKeyboardButton:
    data = encode_agreements(AgreementsData(board.case_id, verb, item, arg))
    return InlineKeyboardButton(label, callback_data=data)


def _back(board: Board, t: Texts) -> InlineKeyboardButton:
    return _button(t(say.BACK), board, Verb.LIST)


def _chunks(items: Sequence[T], size: int) -> list[list[T]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]
