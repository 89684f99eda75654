"""Consent for an external professional: recorded or withdrawn by the case's chair.

The consent is stored, written to the trail and, while a meeting runs, handed
to the meeting (`ConsentRecorded` / `ConsentWithdrawn`) in one transaction:
a withdrawal that is stored is also in force in the meeting, so the
professional is asked nothing more from that moment.
"""

from __future__ import annotations

from dataclasses import dataclass

from rondetafel.flows.audit import CONSENT_RECORDED, CONSENT_WITHDRAWN
from rondetafel.flows.events import ConsentRecorded, ConsentWithdrawn, Person
from rondetafel.flows.permissions import Action
from rondetafel.storage.repositories import Repositories

from . import consent_texts as say
from .case_desk import Caller, CaseDesk, Found, Outcome
from .decide import Decider

PARENTS, PUPIL = "parents", "pupil"
# The word that says who agreed, as typed after the command, in either language.
WHO_WORDS = {"ouders": PARENTS, "parents": PARENTS, "leerling": PUPIL, "pupil": PUPIL}


@dataclass(frozen=True)
class ConsentRequest:
    professional: Person | None  # the author of the message replied to
    given_by: str = PARENTS
    purpose: str = ""


def parse(words: str) -> tuple[str, str]:
    """`"leerling: dit MDO"` → ("pupil", "dit MDO"); who agreed defaults to the parents."""
    first, _, rest = words.strip().partition(" ")
    who = WHO_WORDS.get(first.rstrip(":,").lower())
    if who is None:
        return PARENTS, words.strip()
    return who, rest.strip(" :")


class ConsentDesk(CaseDesk):
    def __init__(self, decider: Decider, bot_username: str) -> None:
        super().__init__(decider.db, decider.settings, decider.clock, decider.sender, bot_username)
        self.decider = decider

    async def record(self, caller: Caller, request: ConsentRequest) -> Outcome:
        async def act(repos: Repositories, found: Found) -> Outcome:
            professional = request.professional
            if professional is None:
                return self._reply(
                    caller, found, say.CONSENT_HOW, age=self.settings.pupil_consent_age
                )
            t = found.t
            purpose = request.purpose or t(say.DEFAULT_PURPOSE)
            await repos.consents.record(
                found.case.id,
                professional_user_id=professional.user_id,
                professional_name=professional.name,
                given_by=request.given_by,
                purpose=purpose,
                recorded_by=caller.person.user_id,
                now=found.now,
            )
            await repos.audit.add(found.case.id, caller.person.user_id, CONSENT_RECORDED, found.now)
            await self._tell_meeting(repos, caller, ConsentRecorded(professional.user_id))
            who = t(say.PUPIL if request.given_by == PUPIL else say.PARENTS)
            date = t.date(found.now.astimezone(self.settings.tz).date())
            return self._reply(
                caller,
                found,
                say.RECORDED,
                name=professional.name,
                who=who,
                purpose=purpose,
                date=date,
            )

        return await self._run(caller, Action.INVITE, act)

    async def withdraw(self, caller: Caller, professional: Person | None) -> Outcome:
        async def act(repos: Repositories, found: Found) -> Outcome:
            if professional is None:
                return self._reply(caller, found, say.WITHDRAW_HOW)
            withdrawn = await repos.consents.withdraw(
                found.case.id, professional.user_id, found.now
            )
            if not withdrawn:
                return self._reply(caller, found, say.NOTHING_TO_WITHDRAW, name=professional.name)
            await repos.audit.add(
                found.case.id, caller.person.user_id, CONSENT_WITHDRAWN, found.now
            )
            await self._tell_meeting(repos, caller, ConsentWithdrawn(professional.user_id))
            return self._reply(caller, found, say.WITHDRAWN, name=professional.name)

        return await self._run(caller, Action.INVITE, act)

    async def _tell_meeting(
        self, repos: Repositories, caller: Caller, event: ConsentRecorded | ConsentWithdrawn
    ) -> None:
        """The running meeting hears it in this same transaction (its trail line included)."""
        if await repos.meetings.active_in_chat(caller.origin.chat_id) is not None:
            await self.decider.decide_in(repos, caller.origin, event)
