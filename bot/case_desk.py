"""The case's commands, decided: one transaction each, whatever they say owed to the outbox.

Like `decide.py` for meetings: load the group's case and its latest meeting,
authorise through the role × action matrix (`flows.permissions`: the case's
chair may export, close, erase and read the audit trail), act, and store what
the bot owes as outbox rows in the same transaction; the one sender delivers
them. What goes to a person privately (the export, the audit trail) goes only
to a private chat the person opened with the bot: Telegram does not let a bot
write first, so without one the group is told how to open it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass

from rondetafel.clock import Clock, utcnow
from rondetafel.flows.effects import Why
from rondetafel.flows.events import Person
from rondetafel.flows.permissions import Action, May, actors, may
from rondetafel.flows.prompts import CASE_PROMPTS, CaseButton, CasePrompt
from rondetafel.flows.state import MeetingState, Status
from rondetafel.settings import Settings
from rondetafel.storage.audit import CLOSED, EXPORTED, READ_AUDIT
from rondetafel.storage.cases import CaseRecord
from rondetafel.storage.db import Database
from rondetafel.storage.erasure import CASE_KEY, FORGET
from rondetafel.storage.meetings import LoadedMeeting
from rondetafel.storage.outbox import Outgoing
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction

from . import case_texts as say
from . import keyboards
from .callback_data import ForgetData
from .incoming import Origin
from .operations import ClearButtons, Operation, Send, SendDocument
from .outgoing import rows_for
from .present import report_filename
from .seen_updates import record_handled
from .sender import Sender
from .templating import render_report
from .texts import WHY, Texts, texts

# How long the chair's "yes, erase" stays valid: erasing cannot be undone, so a
# button found days later in the chat's history must not do it.
CONFIRM_MINUTES = 15


@dataclass(frozen=True)
class Caller:
    """Who sent the command or pressed the button, and where."""

    origin: Origin
    person: Person
    # The command as typed, without the slash: the replies repeat it.
    command: str = ""
    admin: bool = False


@dataclass(frozen=True)
class Outcome:
    rows: tuple[Outgoing, ...] = ()
    # The pop-up for a button press.
    answer: str | None = None


@dataclass(frozen=True)
class Found:
    case: CaseRecord
    latest: LoadedMeeting
    t: Texts
    now: dt.datetime


Act = Callable[[Repositories, Found], Awaitable[Outcome]]


class CaseDesk:
    def __init__(
        self, db: Database, settings: Settings, clock: Clock, sender: Sender, bot_username: str
    ) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self.sender = sender
        self.bot_username = bot_username

    # ------------------------------------------------------------ the commands

    async def export(self, caller: Caller) -> Outcome:
        """The case's complete data (JSON) and each finished meeting's report, privately."""

        async def act(repos: Repositories, found: Found) -> Outcome:
            private = await repos.chats.get(caller.person.user_id)
            if private is None:
                return self._reply(caller, found, say.NEEDS_PRIVATE_CHAT)
            case, now = found.case, found.now
            await repos.audit.add(case.id, caller.person.user_id, EXPORTED, now)
            data = await repos.case_export.case_data(case.id, now)
            meetings = await repos.meetings.of_case(case.id)
            mine = texts(private.language)
            documents: list[Operation] = [
                SendDocument(
                    filename=_export_filename(case, now.astimezone(self.settings.tz)),
                    data=json.dumps(data, ensure_ascii=False, indent=2).encode(),
                    caption=mine.html(say.EXPORT_CAPTION, pupil=case.pseudonym),
                ),
                *(self._report(m.state) for m in meetings if m.state.status is Status.FINISHED),
            ]
            return Outcome(
                (
                    *self._private(caller, case, documents),
                    *self._reply(caller, found, say.SENT_PRIVATELY).rows,
                )
            )

        return await self._run(caller, Action.EXPORT, act)

    async def audit(self, caller: Caller) -> Outcome:
        """The case's audit trail, privately: who did what and when, never content."""

        async def act(repos: Repositories, found: Found) -> Outcome:
            private = await repos.chats.get(caller.person.user_id)
            if private is None:
                return self._reply(caller, found, say.NEEDS_PRIVATE_CHAT)
            case = found.case
            # Reading the trail is itself on the trail.
            await repos.audit.add(case.id, caller.person.user_id, READ_AUDIT, found.now)
            names = _names(m.state for m in await repos.meetings.of_case(case.id))
            mine = texts(private.language)
            lines = [mine.html(say.AUDIT_TITLE, pupil=case.pseudonym)]
            for entry in await repos.audit.for_case(case.id):
                at = entry.at.astimezone(self.settings.tz)
                who = (
                    mine(say.SOMEONE)
                    if entry.user_id is None
                    else names.get(entry.user_id, str(entry.user_id))
                )
                words = say.ACTION_WORDS.get(entry.action)
                action = mine(words) if words else entry.action
                when = f"{mine.date(at.date())} {at:%H:%M}"
                lines.append(f"{when} · {html.escape(who)} · {html.escape(action)}")
            message = Send("\n".join(lines))
            return Outcome(
                (
                    *self._private(caller, case, [message]),
                    *self._reply(caller, found, say.SENT_PRIVATELY).rows,
                )
            )

        return await self._run(caller, Action.READ_AUDIT, act)

    async def close(self, caller: Caller) -> Outcome:
        """Close the case: the next /meeting opens a new one; this one waits to be erased."""

        async def act(repos: Repositories, found: Found) -> Outcome:
            if found.case.closed_at is not None:
                return self._reply(caller, found, say.ALREADY_CLOSED)
            if await repos.meetings.active_in_chat(caller.origin.chat_id) is not None:
                return self._reply(caller, found, say.MEETING_RUNS)
            await repos.cases.close(found.case.id, found.now)
            # The support has ended: nobody is reminded of its plan any more.
            await repos.reminders.cancel_for_case(found.case.id)
            await repos.audit.add(found.case.id, caller.person.user_id, CLOSED, found.now)
            return self._reply(
                caller, found, say.CLOSED_NOTE, months=self.settings.retention_months
            )

        # Closing is the milder half of erasing: the matrix gives both to the chair.
        return await self._run(caller, Action.ERASE, act)

    async def ask_forget(self, caller: Caller) -> Outcome:
        """/forget: the chair is asked to confirm with a button."""

        async def act(repos: Repositories, found: Found) -> Outcome:
            if await repos.meetings.active_in_chat(caller.origin.chat_id) is not None:
                return self._reply(caller, found, say.MEETING_RUNS)
            t = found.t
            markup = keyboards.confirm_forget(t, found.case.id, _minute(found.now))
            return self._owe(caller, found.case, [Send(t.html(say.CONFIRM_FORGET), markup)])

        return await self._run(caller, Action.ERASE, act)

    async def forget(self, caller: Caller, data: ForgetData) -> Outcome:
        """The chair's answer to /forget. A second press, or a press long after, does nothing."""

        async def act(repos: Repositories, found: Found) -> Outcome:
            t, pressed = found.t, caller.origin.pressed_message_id
            clear = [ClearButtons(pressed)] if pressed is not None else []
            age = _minute(found.now) - data.asked
            # Another case (the group closed this one and opened a new one), or asked too long ago.
            if found.case.id != data.case_id or not 0 <= age <= CONFIRM_MINUTES:
                return self._owe(caller, None, clear, answer=t(WHY[Why.STALE_BUTTON]))
            if not data.confirm:
                return self._owe(caller, None, clear, answer=t(say.KEPT))
            if await repos.meetings.active_in_chat(caller.origin.chat_id) is not None:
                return Outcome(answer=t(say.MEETING_RUNS))
            if await repos.erasure.erase(found.case.id, FORGET, found.now) is None:
                return self._owe(caller, None, clear, answer=t(WHY[Why.STALE_BUTTON]))
            # Added after the erasure, unmarked: the group learns that it happened, not what.
            return self._owe(caller, None, [*clear, Send(t.html(say.ERASED))], reply=False)

        button = CaseButton.FORGET_YES if data.confirm else CaseButton.FORGET_NO
        action = CASE_PROMPTS[CasePrompt.CONFIRM_FORGET][button]
        return await self._run(caller, action, act, stale_if_none=True)

    # ------------------------------------------------------------ one transaction

    async def _run(
        self, caller: Caller, action: Action, act: Act, *, stale_if_none: bool = False
    ) -> Outcome:
        """Find the group's case, authorise `caller` for `action`, `act`; then wake the sender."""

        async def decide(repos: Repositories) -> Outcome:
            chat = await repos.chats.get_or_create(
                caller.origin.chat_id, language=self.settings.default_language
            )
            t = texts(chat.language)
            case = await repos.cases.latest_for_chat(caller.origin.chat_id)
            latest = None if case is None else await repos.meetings.latest_of_case(case.id)
            if case is None or latest is None:
                if stale_if_none:  # a button of a case erased since
                    return Outcome(answer=t(WHY[Why.STALE_BUTTON]))
                return self._owe(caller, None, [Send(t.html(say.NO_CASE))])
            found = Found(case, latest, t, self.clock())
            who = actors(latest.state, caller.person.user_id, admin=caller.admin)
            if may(who, action) is not May.YES:
                chair = latest.state.chair_participant().name
                if caller.origin.query_id is not None:
                    return Outcome(answer=t.plain(WHY[Why.ONLY_CHAIR], name=chair))
                return self._reply(caller, found, WHY[Why.ONLY_CHAIR], name=chair)
            return await act(repos, found)

        return await self._transact(caller, decide)

    async def _transact(
        self, caller: Caller, decide: Callable[[Repositories], Awaitable[Outcome]]
    ) -> Outcome:
        """`decide` and store what it owes in one transaction; then answer and wake the sender."""

        async def work(repos: Repositories) -> Outcome:
            outcome = await decide(repos)
            # The outbox's times are Telegram's wall clock, as in decide.py.
            await repos.outbox.add(outcome.rows, utcnow())
            await record_handled(repos, caller.origin)
            return outcome

        outcome = await in_transaction(self.db, work, school_name=self.settings.school_name)
        if caller.origin.query_id is not None:
            self.sender.answer(caller.origin.query_id, outcome.answer)
        for chat_id in dict.fromkeys(row.chat_id for row in outcome.rows):
            self.sender.wake(chat_id)
        return outcome

    # ------------------------------------------------------------ what is owed

    def _reply(self, caller: Caller, found: Found, message: str, **params: object) -> Outcome:
        """One sentence to the group, as a reply to the command."""
        link = f"https://t.me/{self.bot_username}"
        defaults = {"name": caller.person.name, "link": link, "command": caller.command}
        text = found.t.html(message, **(defaults | params))
        return self._owe(caller, found.case, [Send(text)])

    def _owe(
        self,
        caller: Caller,
        case: CaseRecord | None,
        operations: Sequence[Operation],
        *,
        answer: str | None = None,
        reply: bool = True,
    ) -> Outcome:
        """Rows for the group; marked with `case`, so that erasing the case takes them too."""
        origin = caller.origin
        rows = rows_for(
            operations,
            chat_id=origin.chat_id,
            thread_id=origin.thread_id,
            meeting_id=None,
            reply_to=origin.message_id if reply else None,
        )
        return Outcome(_marked(rows, case), answer)

    def _private(
        self, caller: Caller, case: CaseRecord, operations: Sequence[Operation]
    ) -> list[Outgoing]:
        # A private chat's id is the person's user id.
        rows = rows_for(
            operations,
            chat_id=caller.person.user_id,
            thread_id=None,
            meeting_id=None,
            reply_to=None,
        )
        return list(_marked(rows, case))

    def _report(self, state: MeetingState) -> SendDocument:
        """The finished meeting's report, as the group got it (bot/present.py)."""
        t = texts(state.language)
        report = render_report(state, t, self.settings.tz, self.settings.school_name)
        return SendDocument(
            filename=report_filename(state, self.settings.tz),
            data=report.encode(),
            caption=t.html(say.REPORT_CAPTION),
        )


def _marked(rows: Sequence[Outgoing], case: CaseRecord | None) -> tuple[Outgoing, ...]:
    if case is None:
        return tuple(rows)
    return tuple(dataclasses.replace(r, payload={**r.payload, CASE_KEY: case.id}) for r in rows)


def _names(states: Iterable[MeetingState]) -> dict[int, str]:
    """First names by Telegram user id, as the case's meetings know them (the latest wins)."""
    names: dict[int, str] = {}
    for state in states:
        for p in state.participants:
            if p.user_id is not None:
                names[p.user_id] = p.name
    return names


def _minute(now: dt.datetime) -> int:
    return int(now.timestamp() // 60)


def _export_filename(case: CaseRecord, now: dt.datetime) -> str:
    pupil = "".join(ch if ch.isalnum() else "-" for ch in case.pseudonym).strip("-") or "pupil"
    return f"rondetafel-case-{now:%Y-%m-%d}-{pupil}-{case.id}.json"
