"""All repositories over one session: what a unit of work gets."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from .bot_messages import BotMessageRepository
from .cases import CaseRepository
from .chats import ChatRepository
from .meetings import MeetingRepository
from .outbox import OutboxRepository
from .schools import SchoolRepository


class Repositories:
    def __init__(self, session: AsyncSession, *, school_name: str = "School") -> None:
        # The school is created on first use, by whichever repository needs it.
        school = SchoolRepository(session, school_name)
        self.chats = ChatRepository(session, school)
        self.cases = CaseRepository(session, school)
        self.meetings = MeetingRepository(session, self.cases)
        self.bot_messages = BotMessageRepository(session)
        self.outbox = OutboxRepository(session)
