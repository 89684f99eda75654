"""/uitnodigen (/invite), decided: a single-use private link for a parent or the pupil's relay.

The chair or the mentor asks in the group (the matrix: `Action.INVITE_FAMILY`),
picks for whom, and gets the link in their private chat to pass on: the
bot cannot write to a parent first, and the school knows how to reach them.
The link's token is random and says nothing about the pupil; only its hash is
stored (`storage/family.py`).
"""

from __future__ import annotations

import datetime as dt
import secrets

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from rondetafel.flows.effects import Why
from rondetafel.flows.family import INVITE_DAYS
from rondetafel.flows.permissions import Action
from rondetafel.flows.prompts import INVITE_PROMPT
from rondetafel.storage.audit import INVITED
from rondetafel.storage.repositories import Repositories

from . import invite_texts as say
from .callback_data import InviteData, encode_invite
from .case_desk import Caller, CaseDesk, Found, Outcome
from .operations import ClearButtons, Send
from .texts import WHY, Texts, texts

# 24 random bytes: 32 characters of A-Za-z0-9_-, within a deep link's 64.
TOKEN_BYTES = 24


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def invite_link(username: str, token: str) -> str:
    return f"https://t.me/{username}?start={token}"


def pick_keyboard(t: Texts, case_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t(say.RELATION_BUTTONS[relation]),
                    callback_data=encode_invite(InviteData(case_id, relation)),
                )
                for relation in INVITE_PROMPT
            ]
        ]
    )


class InviteDesk(CaseDesk):
    async def ask(self, caller: Caller) -> Outcome:
        """The command: for whom? (buttons under the reply)."""

        async def act(repos: Repositories, found: Found) -> Outcome:
            t = found.t
            text = t.html(say.PICK, name=caller.person.name)
            return self._owe(caller, found.case, [Send(text, pick_keyboard(t, found.case.id))])

        return await self._run(caller, Action.INVITE_FAMILY, act)

    async def press(self, caller: Caller, data: InviteData) -> Outcome:
        """The choice: make the link and send it to the presser privately."""

        async def act(repos: Repositories, found: Found) -> Outcome:
            t, now = found.t, found.now
            if found.case.id != data.case_id or found.case.closed_at is not None:
                return Outcome(answer=t(WHY[Why.STALE_BUTTON]))
            private = await repos.chats.get(caller.person.user_id)
            if private is None or private.removed:
                return self._reply(caller, found, say.NO_PRIVATE_CHAT)
            token = new_token()
            expires = now + dt.timedelta(days=INVITE_DAYS)
            await repos.family.invite(
                found.case.id,
                data.relation,
                token,
                by=caller.person.user_id,
                now=now,
                expires_at=expires,
            )
            await repos.audit.add(found.case.id, caller.person.user_id, INVITED, now)
            mine = texts(private.language)
            link = Send(
                mine.html(
                    say.LINK,
                    relation=mine(say.RELATIONS[data.relation]),
                    pupil=found.case.pseudonym,
                    date=mine.date(expires.astimezone(self.settings.tz).date()),
                    link=invite_link(self.bot_username, token),
                )
            )
            pressed = caller.origin.pressed_message_id
            cleared = self._owe(caller, found.case, [ClearButtons(pressed)] if pressed else [])
            return Outcome(
                (*cleared.rows, *self._private(caller, found.case, [link])), answer=t(say.SENT)
            )

        action = INVITE_PROMPT[data.relation]
        return await self._run(caller, action, act, stale_if_none=True)
