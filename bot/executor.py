"""Performs a decision's effects through the one sender.

Button presses are answered first (Telegram's client waits for that answer and
gives up after ~15 s); then the messages go out in order. Messages that will be
edited later (the join message, side notes…) are remembered by tag.
"""

from __future__ import annotations

import logging

from rondetafel.flows.effects import Effect
from rondetafel.flows.markers import N_
from rondetafel.flows.state import MeetingState
from rondetafel.storage.db import Database
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction

from .operations import Answer, Edit, Operation, Send, SendDocument
from .parse import Origin
from .render import Renderer
from .sender import Sender
from .texts import texts

log = logging.getLogger(__name__)

RESTARTED = N_("↻ I was restarted. We go on where we were.")


class Executor:
    def __init__(self, sender: Sender, db: Database, renderer: Renderer, school_name: str) -> None:
        self.sender = sender
        self.db = db
        self.renderer = renderer
        self.school_name = school_name

    async def execute(
        self,
        origin: Origin,
        meeting_id: int | None,
        state: MeetingState | None,
        language: str,
        effects: tuple[Effect, ...],
    ) -> None:
        t = texts(language)
        operations: list[Operation] = []
        for effect in effects:
            operations += self.renderer.render(effect, state, t)
        answers = [op for op in operations if isinstance(op, Answer)]
        if origin.query_id is not None:
            await self._answer(origin, answers)
        sent: dict[str, int] = {}
        for op in operations:
            if isinstance(op, Send):
                message = await self.sender.send(
                    origin.chat_id,
                    op.html,
                    markup=op.markup,
                    reply_to=op.reply_to or origin.message_id,
                    thread_id=origin.thread_id,
                )
                if message is not None and op.tag is not None:
                    sent[op.tag] = message.message_id
            elif isinstance(op, Edit):
                message_id = sent.get(op.tag) or await self._find(meeting_id, op.tag)
                if message_id is not None:
                    await self.sender.edit(origin.chat_id, message_id, op.html, op.markup)
            elif isinstance(op, SendDocument):
                await self.sender.send_document(
                    origin.chat_id, op.filename, op.data, op.caption, thread_id=origin.thread_id
                )
        if sent and meeting_id is not None:
            await self._remember(meeting_id, origin.chat_id, sent)

    async def announce_restart(self, chat_id: int, language: str) -> None:
        t = texts(language)
        await self.sender.send(chat_id, t.html(RESTARTED))

    async def _answer(self, origin: Origin, answers: list[Answer]) -> None:
        assert origin.query_id is not None
        text = " ".join(a.text for a in answers) or None
        await self.sender.answer(origin.query_id, text)
        if any(a.clear_buttons for a in answers) and origin.pressed_message_id is not None:
            await self.sender.clear_buttons(origin.chat_id, origin.pressed_message_id)

    async def _find(self, meeting_id: int | None, tag: str) -> int | None:
        if meeting_id is None:
            return None

        async def find(repos: Repositories) -> int | None:
            return await repos.bot_messages.find(meeting_id, tag)

        return await in_transaction(self.db, find, school_name=self.school_name)

    async def _remember(self, meeting_id: int, chat_id: int, sent: dict[str, int]) -> None:
        async def remember(repos: Repositories) -> None:
            for tag, message_id in sent.items():
                await repos.bot_messages.remember(meeting_id, tag, chat_id, message_id)

        await in_transaction(self.db, remember, school_name=self.school_name)
