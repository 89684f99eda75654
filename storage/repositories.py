"""All repositories over one connection and its transaction: what a unit of work gets."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

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
from .state_cache import StateCache


class Repositories:
    def __init__(
        self,
        connection: AsyncConnection,
        *,
        school_name: str = "School",
        states: StateCache | None = None,
    ) -> None:
        # The school is created on first use, by whichever repository needs it.
        school = SchoolRepository(connection, school_name)
        self._states = states
        self.chats = ChatRepository(connection, school)
        self.cases = CaseRepository(connection, school)
        self.meetings = MeetingRepository(connection, self.cases, states)
        self.bot_messages = BotMessageRepository(connection)
        self.outbox = OutboxRepository(connection)
        self.consents = ConsentRepository(connection)
        self.handled_updates = HandledUpdateRepository(connection)
        self.parked_updates = ParkedUpdateRepository(connection)
        self.audit = AuditRepository(connection)
        self.erasure = ErasureRepository(connection)
        self.case_export = CaseExportReader(connection)
        self.agreements = AgreementRepository(connection)
        self.reminders = ReminderRepository(connection)
        self.evaluations = EvaluationRepository(connection)
        self.family = FamilyRepository(connection)

    def after_commit(self) -> None:
        """The unit of work is committed (`unit_of_work.in_transaction`)."""
        if self.erasure.erased and self._states is not None:
            # Nothing erased may stay in this process's memory either.
            self._states.clear()
        else:
            self.meetings.committed()
