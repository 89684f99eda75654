"""One update, one transaction: load → transition → save, then execute the effects.

The effects are executed only after the transaction committed, so nothing is
ever announced in the chat that was not stored. If two updates about the same
meeting race (two workers, or two answers at once), the loser's transaction is
retried from the load (`in_transaction`), so both answers are kept.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass

from rondetafel.clock import Clock
from rondetafel.flows.effects import Effect
from rondetafel.flows.events import Edited, Event, MeetingRequested, Pressed, Resumed
from rondetafel.flows.state import MeetingState
from rondetafel.flows.transition import Outcome, new_meeting, transition, without_meeting
from rondetafel.settings import Settings
from rondetafel.storage.db import Database
from rondetafel.storage.meetings import LoadedMeeting
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction

from .executor import Executor
from .parse import Origin

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Decision:
    meeting_id: int | None
    state: MeetingState | None
    language: str
    effects: tuple[Effect, ...]


class Pipeline:
    def __init__(self, db: Database, settings: Settings, clock: Clock, executor: Executor) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self.executor = executor

    async def handle(self, origin: Origin, event: Event, *, meeting_id: int | None = None) -> None:
        """Decide and store in one transaction, then act on the decision."""

        async def decide(repos: Repositories) -> Decision:
            return await self._decide(repos, origin, event, meeting_id)

        decision = await in_transaction(self.db, decide, school_name=self.settings.school_name)
        await self.executor.execute(
            origin, decision.meeting_id, decision.state, decision.language, decision.effects
        )

    async def resume_all(self) -> None:
        """After a restart: show every running meeting's pending prompt again."""

        async def running(repos: Repositories) -> list[LoadedMeeting]:
            return await repos.meetings.running()

        for loaded in await in_transaction(self.db, running, school_name=self.settings.school_name):
            await self.executor.announce_restart(loaded.chat_id, loaded.state.language)
            await self.handle(Origin(loaded.chat_id), Resumed(), meeting_id=loaded.id)

    async def _decide(
        self, repos: Repositories, origin: Origin, event: Event, meeting_id: int | None
    ) -> Decision:
        now = self.clock()
        chat = await repos.chats.get_or_create(
            origin.chat_id, origin.chat_title, language=self.settings.default_language
        )
        loaded = await self._load(repos, origin.chat_id, event, meeting_id)
        if loaded is None and isinstance(event, MeetingRequested):
            return await self._open(repos, origin, event, chat.language, now)
        if loaded is None:
            return Decision(None, None, chat.language, without_meeting(event))
        outcome: Outcome = transition(loaded.state, event, now)
        if outcome.state != loaded.state:
            await repos.meetings.save(loaded, outcome.state, now)
            if outcome.state.language != chat.language:
                await repos.chats.set_language(origin.chat_id, outcome.state.language)
        return Decision(loaded.id, outcome.state, outcome.state.language, outcome.effects)

    async def _load(
        self, repos: Repositories, chat_id: int, event: Event, meeting_id: int | None
    ) -> LoadedMeeting | None:
        if meeting_id is not None:
            # A button names its own meeting: an old meeting's button must not
            # act on the meeting running now.
            loaded = await repos.meetings.get(meeting_id)
            return loaded if loaded is not None and loaded.chat_id == chat_id else None
        active = await repos.meetings.active_in_chat(chat_id)
        if active is None and isinstance(event, Edited):
            return await repos.meetings.last_finished_in_chat(chat_id)
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
    ) -> Decision:
        case = await repos.cases.for_chat(origin.chat_id)
        request = dataclasses.replace(event, pupil=case.pseudonym if case else None)
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

        loaded = await repos.meetings.create(origin.chat_id, make, now)
        return Decision(loaded.id, loaded.state, loaded.state.language, opened[-1].effects)
