"""The mentor hears what parents bring in: one private message per point, or a daily digest.

Who hears it is decided when the point is stored (`notify_user_for`): the
mentor of the case's latest meeting, else its chair. They choose how with a
button under either message (`chats.digest`). The digest goes with the
reminder loop's rounds, at `REMINDERS_AT`: a round after that moment sends,
in one message per person, everything that came in before it and that they
have not heard of; a second round finds nothing left, so it goes once a day.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from rondetafel.flows.family import KIND_NAMES
from rondetafel.flows.prompts import NEWS_PROMPT
from rondetafel.flows.script import Role
from rondetafel.settings import Settings
from rondetafel.storage.erasure import CASE_KEY
from rondetafel.storage.family import HomeRecord, MemberRecord
from rondetafel.storage.outbox import Outgoing
from rondetafel.storage.repositories import Repositories

from . import invite_texts as say
from .callback_data import encode_notify
from .operations import Send
from .outgoing import rows_for
from .texts import Texts, texts


async def notify_user_for(repos: Repositories, case_id: int) -> int | None:
    """The case's mentor (in its latest meeting), else that meeting's chair."""
    latest = await repos.meetings.latest_of_case(case_id)
    if latest is None:
        return None
    state = latest.state
    for p in state.participants:
        if p.role is Role.MENTOR and p.user_id is not None and not p.absent:
            return p.user_id
    return state.chair_participant().user_id


def preference_keyboard(t: Texts, *, digest: bool) -> InlineKeyboardMarkup:
    """The button that switches to the other way of hearing it (flows.prompts.NEWS_PROMPT)."""
    button = NEWS_PROMPT[digest]
    label = say.NEWS_BUTTONS[button]
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t(label), callback_data=encode_notify(button))]]
    )


def _point(t: Texts, record: HomeRecord) -> str:
    lines = [html.escape(record.text)]
    if record.language != t.language:
        lines.append(t.html(say.WRITTEN_IN, language=t.language_name(record.language)))
    return "\n".join(lines)


async def tell(
    repos: Repositories, member: MemberRecord, record: HomeRecord, now: dt.datetime
) -> list[Outgoing]:
    """One message now, unless its reader chose the digest or cannot be written to yet."""
    user_id = record.notify_user_id
    if user_id is None:
        return []
    chat = await repos.chats.get(user_id)
    if chat is None or chat.removed or await repos.chats.digest(user_id):
        return []
    t = texts(chat.language)
    relation = say.RELATIONS[member.relation]
    header = t.html(
        say.FROM_HOME,
        pupil=member.pupil,
        name=member.name,
        relation=t(relation),
        kind=t(KIND_NAMES[record.kind]),
    )
    text = f"{header}\n{_point(t, record)}"
    await repos.family.mark_notified([record.id], now)
    return _marked(
        rows_for(
            [Send(text, preference_keyboard(t, digest=False))],
            chat_id=user_id,
            thread_id=None,
            meeting_id=None,
            reply_to=None,
        ),
        record.case_id,
    )


def last_digest_moment(now: dt.datetime, settings: Settings) -> dt.datetime:
    """The latest REMINDERS_AT at or before `now`, in the school's time zone."""
    local = now.astimezone(settings.tz)
    moment = dt.datetime.combine(local.date(), settings.reminders_at, tzinfo=settings.tz)
    if moment > local:
        moment -= dt.timedelta(days=1)
    return moment


async def digests(
    repos: Repositories, settings: Settings, now: dt.datetime, *, user_id: int | None = None
) -> list[Outgoing]:
    """Each digest reader's overview, per case, of what came in before today's moment.

    With `user_id`: everything that person has not heard of yet, now (they just
    opened the private chat with /start).
    """
    rows: list[Outgoing] = []
    before = now if user_id is not None else last_digest_moment(now, settings)
    due = await repos.family.digest_due(before, user_id=user_id)
    for user_id, items in due.items():
        chat = await repos.chats.get(user_id)
        if chat is None or chat.removed:
            continue
        t = texts(chat.language)
        by_case: dict[int, list[tuple[HomeRecord, str]]] = {}
        for record, pupil in items:
            by_case.setdefault(record.case_id, []).append((record, pupil))
        for case_id, mine in by_case.items():
            lines = [t.html(say.DIGEST)]
            for record, pupil in mine:
                member = await repos.family.member(record.member_id)
                name = member.name if member is not None else ""
                kind = t(KIND_NAMES[record.kind])
                lines += ["", t.html(say.DIGEST_ITEM, pupil=pupil, name=name, kind=kind)]
                lines.append(_point(t, record))
            await repos.family.mark_notified([record.id for record, _ in mine], now)
            sent = rows_for(
                [Send("\n".join(lines), preference_keyboard(t, digest=True))],
                chat_id=user_id,
                thread_id=None,
                meeting_id=None,
                reply_to=None,
            )
            rows += _marked(sent, case_id)
    return rows


def _marked(rows: list[Outgoing], case_id: int) -> list[Outgoing]:
    """Erasing the case takes what is still owed about it privately."""
    return [dataclasses.replace(row, payload={**row.payload, CASE_KEY: case_id}) for row in rows]
