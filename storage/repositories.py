"""All repositories over one session: what a unit of work gets."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from .agreements import AgreementRepository
from .audit import AuditRepository
from .bot_messages import BotMessageRepository
from .case_export import CaseExportReader
from .cases import CaseRepository
from .chats import ChatRepository
from .consents import ConsentRepository
from .erasure import ErasureRepository
from .evaluations import EvaluationRepository
from .family import FamilyRepository
from .handled_updates import HandledUpdateRepository
from .meetings import MeetingRepository
from .outbox import OutboxRepository
from .parked_updates import ParkedUpdateRepository
from .reminders import ReminderRepository
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
        self.consents = ConsentRepository(session)
        self.handled_updates = HandledUpdateRepository(session)
        self.parked_updates = ParkedUpdateRepository(session)
        self.audit = AuditRepository(session)
        self.erasure = ErasureRepository(session)
        self.case_export = CaseExportReader(session)
        self.agreements = AgreementRepository(session)
        self.reminders = ReminderRepository(session)
        self.evaluations = EvaluationRepository(session)
        self.family = FamilyRepository(session)
