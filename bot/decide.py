"""One update, one transaction: load → transition → save → owe, then answer and wake.

Whatever the decision asks to send, edit or remove is rendered in the chat's
language and stored as outbox rows in the same transaction as the meeting's
new state, so nothing is announced that was not stored and nothing stored is
left unannounced: the sender (`sender.py`) delivers the rows once, in order,
also after a crash. Only the pop-up answer to a button press goes out at once,
because Telegram's client waits for it.

If two updates about the same meeting race (two workers, or two answers at
once), the loser's transaction is retried from the load (`in_transaction`),
so both answers are kept.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from rondetafel.clock import Clock, utcnow
from rondetafel.flows.audit import audited
from rondetafel.flows.effects import Effect
from rondetafel.flows.events import (
    Button,
    Edited,
    Event,
    Expired,
    MeetingRequested,
    Pressed,
    Resumed,
    ResumeReason,
)
from rondetafel.flows.state import MeetingState, Status
from rondetafel.flows.transition import (
    Outcome,
    new_meeting,
    start_refusal,
    transition,
    without_meeting,
)
from rondetafel.settings import Settings
from rondetafel.storage.db import Database
from rondetafel.storage.meetings import LoadedMeeting
from rondetafel.storage.outbox import Outgoing
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction

from . import family_texts as family_say
from . import follow_up_texts as say
from .deep_links import OFFER, open_private
from .earlier import earlier_operations
from .incoming import Origin
from .operations import Answer, ClearButtons, Operation, Send
from .outgoing import rows_for
from .present import Presenter
from .scheduling import plan_follow_up
from .seen_updates import record_handled
from .sender import Sender
from .templating import render_summary
from .texts import Markup, Texts, texts

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Decision:
    meeting_id: int | None
    # The pop-up for the button press that caused the update, if any.
    answer: str | None = None
    owes: bool = False
    # Other chats that were owed something (parents' private summaries).
    elsewhere: tuple[int, ...] = ()


class Decider:
    def __init__(
        self, db: Database, settings: Settings, clock: Clock, presenter: Presenter, sender: Sender
    ) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self.presenter = presenter
        self.sender = sender
        # The bot's @username, for deep links into its private chat (known after getMe).
        self.username: Callable[[], str] | None = None

    async def handle(
        self, origin: Origin, event: Event, *, meeting_id: int | None = None
    ) -> Decision:
        """Decide and store in one transaction; then answer the button and wake the sender."""

        async def decide(repos: Repositories) -> Decision:
            return await self._decide(repos, origin, event, meeting_id)

        decision = await self._transaction(decide)
        if origin.query_id is not None:
            self.sender.answer(origin.query_id, decision.answer)
        if decision.owes:
            self.sender.wake(origin.chat_id)
        for chat_id in decision.elsewhere:
            self.sender.wake(chat_id)
        return decision

    async def say(self, origin: Origin, message: str, *, language: str | None = None) -> None:
        """Owe the chat one catalog sentence that is not about a meeting (help, privacy…).

        In the chat's language, read in the same transaction, unless `language`
        says otherwise (a private chat speaks the person's own).
        """

        async def owe(repos: Repositories) -> None:
            speaks = language
            if speaks is None:
                chat = await repos.chats.get_or_create(
                    origin.chat_id, language=self.settings.default_language
                )
                speaks = chat.language
            rows = rows_for(
                [Send(texts(speaks).html(message))],
                chat_id=origin.chat_id,
                thread_id=origin.thread_id,
                meeting_id=None,
                reply_to=origin.message_id,
            )
            await repos.outbox.add(rows, utcnow())
            await record_handled(repos, origin)

        await self._transaction(owe)
        self.sender.wake(origin.chat_id)

    async def newest_handled(self) -> int | None:
        async def read(repos: Repositories) -> int | None:
            return await repos.handled_updates.newest()

        return await self._transaction(read)

    async def handled_before(self, update_id: int) -> bool:
        """Was this update's effect stored before (by a run before a restart)?"""

        async def read(repos: Repositories) -> bool:
            return await repos.handled_updates.handled(update_id)

        return await self._transaction(read)

    async def language(self, chat_id: int) -> str:
        """The language the bot speaks in this chat."""

        async def read(repos: Repositories) -> str:
            chat = await repos.chats.get_or_create(chat_id, language=self.settings.default_language)
            return chat.language

        return await self._transaction(read)

    async def migrate(self, old_chat_id: int, new_chat_id: int) -> None:
        """The group became a supergroup: move everything, and post the prompt there anew."""

        async def move(repos: Repositories) -> bool:
            return await repos.chats.migrate(old_chat_id, new_chat_id)

        if await self._transaction(move):
            await self.handle(Origin(new_chat_id), Resumed(ResumeReason.MIGRATED))

    async def removed(self, chat_id: int) -> None:
        """The bot was removed from the group: what it owes the group waits."""

        async def pause(repos: Repositories) -> None:
            await repos.chats.set_removed(chat_id, utcnow())

        await self._transaction(pause)

    async def added_back(self, chat_id: int) -> bool:
        """The bot is in the group (again). True if a meeting goes on there."""
        decision = await self.handle(Origin(chat_id), Resumed(ResumeReason.BACK))
        self.sender.wake()  # what waited while the bot was out can go now
        return decision.meeting_id is not None

    async def expire_idle(self) -> int:
        """Close meetings nothing happened in for the configured days; how many."""
        days = self.settings.meeting_expiry_days
        before = self.clock() - dt.timedelta(days=days)

        async def idle(repos: Repositories) -> list[tuple[int, int, int | None]]:
            return await repos.meetings.idle_since(before)

        meetings = await self._transaction(idle)
        for meeting_id, chat_id, thread_id in meetings:
            origin = Origin(chat_id, thread_id=thread_id)
            await self.handle(origin, Expired(days), meeting_id=meeting_id)
        return len(meetings)

    async def decide_in(self, repos: Repositories, origin: Origin, event: Event) -> Decision:
        """Decide `event` for the chat's meeting inside a transaction the caller holds.

        For a change that must land with the caller's own (a consent withdrawn
        is in force in the meeting the moment it is stored); the caller wakes
        the sender.
        """
        return await self._decide(repos, origin, event, None)

    # ------------------------------------------------------------ deciding

    async def _decide(
        self, repos: Repositories, origin: Origin, event: Event, meeting_id: int | None
    ) -> Decision:
        now = self.clock()
        if isinstance(event, Resumed) and event.reason is ResumeReason.BACK:
            await repos.chats.get_or_create(origin.chat_id, language=self.settings.default_language)
            await repos.chats.set_removed(origin.chat_id, None)
        loaded = await self._load(repos, origin.chat_id, event, meeting_id)
        state: MeetingState | None
        following: list[Operation] = []
        elsewhere: list[int] = []
        if loaded is None:
            # Only where no meeting runs is the chat's own row needed: for its
            # language, and to open a meeting in it. A running meeting knows both.
            chat = await repos.chats.get_or_create(
                origin.chat_id, language=self.settings.default_language
            )
            if isinstance(event, MeetingRequested):
                loaded, effects = await self._open(repos, origin, event, chat.language, now)
                state = loaded.state if loaded is not None else None
                if state is not None and state.language != chat.language:
                    await repos.chats.set_language(origin.chat_id, state.language)
            else:
                state, effects = None, without_meeting(event)
            language = state.language if state is not None else chat.language
        else:
            loaded = await self._with_home(repos, loaded, event)
            outcome: Outcome = transition(loaded.state, event, now)
            state, effects = outcome.state, outcome.effects
            if state != loaded.state:
                saved = await repos.meetings.save(loaded, state, now)
                # What the meeting read in from home is its record now: the parent
                # can no longer change or delete it. A meeting stopped before its
                # end leaves it to the next one.
                await repos.family.mark_read_in(
                    set(state.read_in() - loaded.state.read_in()), saved.id
                )
                if state.status is Status.STOPPED and loaded.state.active:
                    await repos.family.release(saved.id)
                await self._audit(repos, saved.case_id, event, loaded.state, state, now)
                following, elsewhere = await self._follow_up(repos, loaded.state, saved, now)
            if isinstance(event, Resumed):
                # The prompt is posted anew below: one still waiting would be a second copy.
                await repos.outbox.drop_pending_prompts(loaded.id)
            language = state.language
        operations = self._render(effects, state, language)
        operations[:0] = following
        answers = [op for op in operations if isinstance(op, Answer)]
        if origin.pressed_message_id is not None and any(a.clear_buttons for a in answers):
            operations.insert(0, ClearButtons(origin.pressed_message_id))
        rows = self._rows(origin, loaded, [op for op in operations if not isinstance(op, Answer)])
        await repos.outbox.add(rows, utcnow())
        await record_handled(repos, origin)
        answer = " ".join(a.text for a in answers) or None
        return Decision(loaded.id if loaded else None, answer, bool(rows), tuple(elsewhere))

    async def _follow_up(
        self, repos: Repositories, before: MeetingState, saved: LoadedMeeting, now: dt.datetime
    ) -> tuple[list[Operation], list[int]]:
        """What a meeting's own effects do not know: the case before it, and after it.

        The first round opens with where the last plan stands, and with a way
        for whoever the bot cannot reach privately to open that chat; a
        finished meeting's agreements and evaluation are planned.
        """
        state = saved.state
        if state.status is Status.FINISHED and before.status is not Status.FINISHED:
            if saved.case_id is not None:
                await plan_follow_up(
                    repos,
                    self.settings,
                    case_id=saved.case_id,
                    meeting_id=saved.id,
                    state=state,
                    now=now,
                )
                return [], await self._summary_for_family(repos, saved)
            return [], []
        if before.status is Status.GATHERING and state.status is Status.RUNNING:
            t = texts(state.language)
            opening = await earlier_operations(repos, saved.case_id, t, self.settings.tz)
            return opening + await self._offer_private(repos, state, t), []
        return [], []

    async def _with_home(
        self, repos: Repositories, loaded: LoadedMeeting, event: Event
    ) -> LoadedMeeting:
        """At the start, the meeting reads the case's parents and what they brought in
        anew: a point shared, changed or deleted since /meeting counts as it is now."""
        starting = (
            isinstance(event, Pressed)
            and event.button is Button.START
            and loaded.state.status is Status.GATHERING
        )
        if not starting or loaded.case_id is None:
            return loaded
        state = loaded.state.evolve(
            family=tuple(await repos.family.of_case(loaded.case_id, with_left=True)),
            from_home=tuple(await repos.family.waiting_for_meeting(loaded.case_id)),
        )
        return dataclasses.replace(loaded, state=state)

    async def _summary_for_family(self, repos: Repositories, saved: LoadedMeeting) -> list[int]:
        """Each parent linked in private gets the summary there: the fixed texts in
        their language, everyone's words as written."""
        assert saved.case_id is not None
        state, sent = saved.state, []
        for member in await repos.family.of_case(saved.case_id):
            if await repos.chats.get(member.user_id) is None:
                continue
            t = texts(member.language)
            intro = t.html(family_say.SUMMARY_INTRO, pupil=state.pupil or "")
            summary = render_summary(state, t, self.settings.tz)
            rows = rows_for(
                [Send(intro), Send(summary)],
                chat_id=member.user_id,
                thread_id=None,
                meeting_id=saved.id,
                reply_to=None,
            )
            await repos.outbox.add(rows, utcnow())
            sent.append(member.user_id)
        return sent

    async def _offer_private(
        self, repos: Repositories, state: MeetingState, t: Texts
    ) -> list[Operation]:
        """One message for everyone the bot cannot write to privately: a button to open it."""
        if self.username is None:
            return []
        unreachable = [
            p
            for p in state.participants
            if p.user_id is not None and await repos.chats.get(p.user_id) is None
        ]
        if not unreachable:
            return []
        mentions = Markup(", ".join(t.mention(p) for p in unreachable))
        offer = t.html(say.OFFER_PRIVATE, mention=mentions)
        return [Send(offer, markup=open_private(t, self.username()), tag=OFFER)]

    def _render(
        self, effects: tuple[Effect, ...], state: MeetingState | None, language: str
    ) -> list[Operation]:
        t = texts(language)
        return [op for effect in effects for op in self.presenter.render(effect, state, t)]

    @staticmethod
    def _rows(
        origin: Origin, loaded: LoadedMeeting | None, operations: list[Operation]
    ) -> list[Outgoing]:
        # Every message of a meeting goes to the meeting's topic, whatever topic
        # the update came from; a reply to a message elsewhere would leave it.
        thread_id = loaded.thread_id if loaded is not None else origin.thread_id
        reply_to = origin.message_id if origin.thread_id == thread_id else None
        return rows_for(
            operations,
            chat_id=origin.chat_id,
            thread_id=thread_id,
            meeting_id=loaded.id if loaded is not None else None,
            reply_to=reply_to,
        )

    async def _load(
        self, repos: Repositories, chat_id: int, event: Event, meeting_id: int | None
    ) -> LoadedMeeting | None:
        if meeting_id is not None:
            # A button names its own meeting: an old meeting's button must not
            # act on the meeting running now.
            loaded = await repos.meetings.get(meeting_id)
            return loaded if loaded is not None and loaded.chat_id == chat_id else None
        active = await repos.meetings.active_in_chat(chat_id)
        if isinstance(event, Edited) and (
            active is None or not active.state.holds_message(event.message_id)
        ):
            # An answer of the meeting before: it says its summary was already posted.
            return await repos.meetings.last_finished_in_chat(chat_id) or active
        if active is None and isinstance(event, Pressed):
            return None
        return active

    async def _open(
        self,
        repos: Repositories,
        origin: Origin,
        event: MeetingRequested,
        language: str,
        now: dt.datetime,
    ) -> tuple[LoadedMeeting | None, tuple[Effect, ...]]:
        case = await repos.cases.for_chat(origin.chat_id)
        latest = await repos.meetings.latest_of_case(case.id) if case else None
        refused = start_refusal(latest.state if latest else None, event)
        if refused:
            return None, refused
        consents = await repos.consents.in_force(case.id) if case else []
        request = dataclasses.replace(
            event,
            pupil=case.pseudonym if case else None,
            consented=tuple(c.professional_user_id for c in consents),
            # Known from the start, so a parent who joins is asked in their language.
            family=tuple(await repos.family.of_case(case.id, with_left=True)) if case else (),
        )
        opened: list[Outcome] = []

        def make(meeting_id: int) -> MeetingState:
            outcome = new_meeting(
                meeting_id,
                request,
                now,
                language=language,
                allow_full_names=self.settings.allow_full_names,
            )
            opened.append(outcome)
            return outcome.state

        loaded = await repos.meetings.create(origin.chat_id, make, now, thread_id=origin.thread_id)
        if case is not None:
            await self._audit(repos, case.id, event, None, loaded.state, now)
        return loaded, opened[-1].effects

    @staticmethod
    async def _audit(
        repos: Repositories,
        case_id: int | None,
        event: Event,
        before: MeetingState | None,
        after: MeetingState,
        now: dt.datetime,
    ) -> None:
        """One line in the case's trail: who did what, never what they typed."""
        action = audited(event, before, after)
        if case_id is not None and action is not None:
            by = getattr(event, "by", None)
            await repos.audit.add(case_id, by.user_id if by is not None else None, action, now)

    async def _transaction(self, work: Callable[[Repositories], Awaitable[T]]) -> T:
        return await in_transaction(self.db, work, school_name=self.settings.school_name)
