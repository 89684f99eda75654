"""A parent's private chat, decided: the link, the welcome, what they share, /stop.

Like the other private desks (`reminder_desk.py`, `evaluation_desk.py`): each
method runs inside the update's one transaction and returns what the bot owes
(`Owed`), which `family_chat.py` stores as outbox rows. Which buttons act at
each step is data (`flows.prompts.FAMILY_PROMPTS`); the step is stored with
the parent's link to the case, so a press on an older message is stale.

A parent speaks to the bot in their own language (one of six), chosen at the
welcome and changeable from the menu; what they type is stored as written.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from rondetafel.clock import Clock
from rondetafel.flows.effects import Why
from rondetafel.flows.family import (
    ENDONYMS,
    KIND_NAMES,
    KIND_QUESTIONS,
    MAX_TEXT,
    MENU_KINDS,
    PARENT_LANGUAGES,
    HomeKind,
    InviteVerdict,
    TextVerdict,
    judge_invite,
    judge_text,
    preselected_language,
)
from rondetafel.flows.prompts import FAMILY_PROMPTS, FAMILY_TYPING, FamilyButton, FamilyPrompt
from rondetafel.storage.audit import (
    FAMILY_ERASED,
    FAMILY_JOINED,
    FAMILY_LEFT,
    HOME_CHANGED,
    HOME_DELETED,
    HOME_SHARED,
)
from rondetafel.storage.family import HomeRecord, MemberRecord
from rondetafel.storage.repositories import Repositories

from . import family_texts as say
from . import home_news
from .callback_data import FamilyData, encode_family
from .operations import ClearButtons, EditMessage, Operation, Send
from .owed import Owed
from .texts import WHY, Texts, texts

Screen = tuple[str, InlineKeyboardMarkup | None]


class Shown(str):
    """A button label shown as it is (a language's own name, a number), not a catalog sentence."""


# One button: its label (a catalog sentence unless `Shown`), what it does, its argument.
Choice = tuple[str, FamilyButton, str]
# "Stop" after picking the case, from /stop's choice between several.
STOP_ARG = "s"
# Contributions shown per row of "change" buttons.
ITEMS_PER_ROW = 5


@dataclass(frozen=True)
class Parent:
    """Who wrote or pressed, as Telegram says."""

    user_id: int
    first_name: str
    telegram_language: str | None


class FamilyDesk:
    def __init__(self, clock: Clock, school: str) -> None:
        self.clock = clock
        self.school = school

    # ------------------------------------------------------------ the link

    async def open_link(self, repos: Repositories, parent: Parent, token: str) -> Owed:
        """/start <token>: a link works once, for the first who opens it, until it expires."""
        now = self.clock()
        invite = await repos.family.find_invite(token)
        verdict = judge_invite(invite, parent.user_id, now)
        t = texts(preselected_language(parent.telegram_language))
        if invite is None or verdict is InviteVerdict.UNKNOWN:
            return Owed([Send(t.html(say.LINK_UNKNOWN))])
        if verdict is InviteVerdict.USED:
            return Owed([Send(t.html(say.LINK_USED))])
        if verdict is InviteVerdict.EXPIRED:
            return Owed([Send(t.html(say.LINK_EXPIRED))])
        if verdict is InviteVerdict.OPEN:
            if not await repos.family.use_invite(invite.id, parent.user_id, now):
                return Owed([Send(t.html(say.LINK_USED))])
            await repos.family.join(
                invite.case_id,
                parent.user_id,
                invite.relation,
                name=parent.first_name,
                language=t.language,
                prompt=FamilyPrompt.WELCOME,
                now=now,
            )
        member = await repos.family.member_in_case(invite.case_id, parent.user_id)
        if member is None:  # they declined with this link: it is spent
            return Owed([Send(t.html(say.LINK_USED))])
        if member.case_closed:
            return Owed([Send(t.html(say.LINK_UNKNOWN))])
        if member.active:  # their own link again, after agreeing: the menu
            await repos.family.set_prompt(member.id, FamilyPrompt.MENU)
            return Owed([Send(*self._menu(member, texts(member.language)))])
        if member.left:
            return Owed([Send(t.html(say.LINK_USED))])
        return Owed([Send(*self._welcome(member, texts(member.language)))])

    async def start(self, repos: Repositories, user_id: int) -> Owed | None:
        """/start without a link: a linked parent gets their menu (or picks the pupil)."""
        mine = [m for m in await repos.family.memberships(user_id) if m.active]
        if not mine:
            return None
        if len(mine) == 1:
            await repos.family.set_prompt(mine[0].id, FamilyPrompt.MENU)
            return Owed([Send(*self._menu(mine[0], texts(mine[0].language)))])
        return Owed([Send(*self._pick(mine, texts(mine[0].language), stop=False))])

    async def privacy(self, repos: Repositories, user_id: int) -> Owed | None:
        """/privacy from a linked parent: what is stored, in their language. None if not one."""
        mine = [m for m in await repos.family.memberships(user_id) if m.active]
        if not mine:
            return None
        return Owed([Send(texts(m.language).html(say.WHAT_IS_STORED, pupil=m.pupil)) for m in mine])

    async def stop(self, repos: Repositories, user_id: int) -> Owed | None:
        """/stop in private: leave a case, keeping or deleting what was shared.

        None if the person is linked to no case (`handlers.on_private` answers).
        """
        mine = [m for m in await repos.family.memberships(user_id) if m.active]
        if not mine:
            return None
        if len(mine) > 1:
            return Owed([Send(*self._pick(mine, texts(mine[0].language), stop=True))])
        await repos.family.set_prompt(mine[0].id, FamilyPrompt.LEAVING)
        return Owed([Send(*self._leave(mine[0], texts(mine[0].language)))])

    # ------------------------------------------------------------ buttons

    async def press(
        self, repos: Repositories, user_id: int, message_id: int, data: FamilyData, t: Texts
    ) -> Owed:
        member = await repos.family.member(data.member_id)
        if member is None or member.user_id != user_id or member.case_closed:
            return _stale(message_id, t)
        mine = texts(member.language)
        if data.button is FamilyButton.OPEN:
            if not member.active:
                return _stale(message_id, mine)
            if data.arg == STOP_ARG:
                await repos.family.set_prompt(member.id, FamilyPrompt.LEAVING)
                return _edit(message_id, self._leave(member, mine))
            await repos.family.set_prompt(member.id, FamilyPrompt.MENU)
            return _edit(message_id, self._menu(member, mine))
        prompt = FamilyPrompt(member.prompt)
        if data.button not in FAMILY_PROMPTS[prompt]:
            return _stale(message_id, mine)
        if prompt is FamilyPrompt.WELCOME:
            return await self._welcome_press(repos, member, message_id, data)
        if not member.active:
            return _stale(message_id, mine)
        return await self._menu_press(repos, member, message_id, data, mine)

    async def _welcome_press(
        self, repos: Repositories, member: MemberRecord, message_id: int, data: FamilyData
    ) -> Owed:
        now = self.clock()
        if data.button is FamilyButton.LANGUAGE:
            if data.arg not in PARENT_LANGUAGES:
                return _stale(message_id, texts(member.language))
            await repos.family.set_language(member.id, data.arg)
            chosen = _with(member, language=data.arg)
            return _edit(message_id, self._welcome(chosen, texts(data.arg)))
        t = texts(member.language)
        if data.button is FamilyButton.DECLINE:
            # Nothing can have been shared before agreeing: the link itself goes.
            await repos.family.forget(member.id)
            return _edit(message_id, (t.html(say.DECLINED), None))
        await repos.family.confirm(member.id, now)
        await repos.family.set_prompt(member.id, FamilyPrompt.MENU)
        await repos.audit.add(member.case_id, member.user_id, FAMILY_JOINED, now)
        return _edit(message_id, self._menu(_with(member, confirmed=True), t))

    async def _menu_press(
        self,
        repos: Repositories,
        member: MemberRecord,
        message_id: int,
        data: FamilyData,
        t: Texts,
    ) -> Owed:
        now = self.clock()
        button, family = data.button, repos.family
        if button is FamilyButton.LANGUAGE and not data.arg:
            await family.set_prompt(member.id, FamilyPrompt.LANGUAGES)
            return _edit(message_id, self._languages(member, t))
        if button is FamilyButton.LANGUAGE:
            if data.arg not in PARENT_LANGUAGES:
                return _stale(message_id, t)
            await family.set_language(member.id, data.arg)
            await family.set_prompt(member.id, FamilyPrompt.MENU)
            chosen = texts(data.arg)
            note = chosen.html(say.LANGUAGE_SET, language=ENDONYMS[data.arg])
            return _edit(message_id, self._menu(_with(member, language=data.arg), chosen, note))
        if button is FamilyButton.ADD:
            if data.arg not in {k.value for k in HomeKind}:
                return _stale(message_id, t)
            kind = HomeKind(data.arg)
            await family.set_prompt(
                member.id, FamilyPrompt.WRITING, kind=kind, message_id=message_id
            )
            return _edit(message_id, self._ask(member, kind, t))
        if button in (FamilyButton.MENU, FamilyButton.CANCEL):
            if member.prompt == FamilyPrompt.EDITING and member.contribution_id is not None:
                record = await family.contribution(member.id, member.contribution_id)
                if record is not None:
                    await family.set_prompt(member.id, FamilyPrompt.ITEM, contribution_id=record.id)
                    return _edit(message_id, self._item(member, record, t))
            await family.set_prompt(member.id, FamilyPrompt.MENU)
            return _edit(message_id, self._menu(member, t))
        if button is FamilyButton.MINE:
            await family.set_prompt(member.id, FamilyPrompt.MINE)
            return _edit(message_id, self._mine(member, await family.contributions(member.id), t))
        if button is FamilyButton.ITEM:
            record = (
                await family.contribution(member.id, int(data.arg)) if data.arg.isdigit() else None
            )
            if record is None:
                return _stale(message_id, t)
            await family.set_prompt(member.id, FamilyPrompt.ITEM, contribution_id=record.id)
            return _edit(message_id, self._item(member, record, t))
        if button in (FamilyButton.EDIT, FamilyButton.DELETE):
            return await self._change(repos, member, message_id, button, t)
        # LEAVING: keep or erase.
        erase = button is FamilyButton.ERASE
        deleted = await family.leave(member.id, now, erase=erase)
        await repos.audit.add(
            member.case_id, member.user_id, FAMILY_ERASED if erase else FAMILY_LEFT, now
        )
        if erase:
            return _edit(message_id, (t.html(say.LEFT_ERASED, count=deleted), None))
        return _edit(message_id, (t.html(say.LEFT_KEPT, pupil=member.pupil), None))

    async def _change(
        self,
        repos: Repositories,
        member: MemberRecord,
        message_id: int,
        button: FamilyButton,
        t: Texts,
    ) -> Owed:
        family = repos.family
        record = (
            None
            if member.contribution_id is None
            else await family.contribution(member.id, member.contribution_id)
        )
        if record is None:
            return _stale(message_id, t)
        if not record.editable:
            text, markup = self._item(member, record, t)
            return Owed([EditMessage(message_id, text, markup)], answer=t(say.ALREADY_USED))
        if button is FamilyButton.EDIT:
            await family.set_prompt(
                member.id, FamilyPrompt.EDITING, contribution_id=record.id, message_id=message_id
            )
            text = f"{t.html(say.ITEM, kind=t(KIND_NAMES[record.kind]), text=record.text)}\n\n"
            text += t.html(say.EDITING)
            cancel = self._keyboard(member, [[(say.CANCEL, FamilyButton.CANCEL, "")]], t)
            return _edit(message_id, (text, cancel))
        await family.remove(record.id)
        await repos.audit.add(member.case_id, member.user_id, HOME_DELETED, self.clock())
        await family.set_prompt(member.id, FamilyPrompt.MINE)
        text, markup = self._mine(member, await family.contributions(member.id), t)
        return Owed([EditMessage(message_id, text, markup)], answer=t(say.DELETED))

    # ------------------------------------------------------------ typed words

    async def typed(self, repos: Repositories, user_id: int, typed: str) -> Owed | None:
        """The words a parent's chat waits for; None if it waits for none."""
        writing = [
            m
            for m in await repos.family.memberships(user_id)
            if m.active and FamilyPrompt(m.prompt) in FAMILY_TYPING
        ]
        if not writing:
            return None
        member = writing[-1]
        t = texts(member.language)
        verdict = judge_text(typed)
        if verdict is TextVerdict.EMPTY:
            return Owed([Send(t.html(say.EMPTY))])
        if verdict is TextVerdict.TOO_LONG:
            # Echoed back, so nothing typed is lost: they shorten it and send it again.
            notice = t.html(say.TOO_LONG, length=len(typed), limit=MAX_TEXT)
            return Owed([Send(notice), Send(html.escape(typed))])
        now = self.clock()
        family = repos.family
        # The question they answered keeps its words but loses its Cancel button.
        asked: list[Operation] = (
            [] if member.message_id is None else [ClearButtons(member.message_id)]
        )
        if member.prompt == FamilyPrompt.WRITING and member.kind is not None:
            notify = await home_news.notify_user_for(repos, member.case_id)
            new_id = await family.add(member, member.kind, typed, now=now, notify_user_id=notify)
            await repos.audit.add(member.case_id, member.user_id, HOME_SHARED, now)
            note = t.html(say.SAVED)
        else:
            if member.contribution_id is None or not await family.change(
                member.contribution_id, typed, now
            ):
                await family.set_prompt(member.id, FamilyPrompt.MENU)
                return Owed([*asked, Send(*self._menu(member, t, t.html(say.ALREADY_USED)))])
            new_id = member.contribution_id
            await repos.audit.add(member.case_id, member.user_id, HOME_CHANGED, now)
            note = t.html(say.CHANGED)
        await family.set_prompt(member.id, FamilyPrompt.MENU)
        record = await family.contribution(member.id, new_id)
        assert record is not None
        told = await home_news.tell(repos, member, record, now)
        return Owed([*asked, Send(*self._menu(member, t, note))], group=told)

    # ------------------------------------------------------------ screens

    def _keyboard(
        self, member: MemberRecord, rows: Sequence[Sequence[Choice]], t: Texts
    ) -> InlineKeyboardMarkup:
        """Buttons acting on `member`'s link; a catalog label is shown in `t`'s language."""
        return InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        label if isinstance(label, Shown) else t(label),
                        callback_data=encode_family(FamilyData(member.id, button, arg)),
                    )
                    for label, button, arg in row
                ]
                for row in rows
            ]
        )

    def _language_rows(self, member: MemberRecord) -> list[list[Choice]]:
        # Each language by its own name, in every language.
        choices: list[Choice] = [
            (Shown(_chosen(code, member.language) + ENDONYMS[code]), FamilyButton.LANGUAGE, code)
            for code in PARENT_LANGUAGES
        ]
        return [choices[:3], choices[3:]]

    def _welcome(self, member: MemberRecord, t: Texts) -> Screen:
        text = "\n\n".join(
            [
                t.html(say.WELCOME, school=self.school, pupil=member.pupil),
                t.html(say.WHAT_IS_STORED, pupil=member.pupil),
                t.html(say.CHOOSE_LANGUAGE),
            ]
        )
        answers: list[Choice] = [
            (say.AGREE, FamilyButton.CONFIRM, ""),
            (say.DECLINE, FamilyButton.DECLINE, ""),
        ]
        return text, self._keyboard(member, [*self._language_rows(member), answers], t)

    def _menu(self, member: MemberRecord, t: Texts, note: str | None = None) -> Screen:
        text = t.html(say.MENU, pupil=member.pupil, school=self.school)
        if note:
            text = f"{note}\n\n{text}"
        rows = [[(KIND_NAMES[kind], FamilyButton.ADD, kind.value)] for kind in MENU_KINDS]
        rows.append(
            [
                (say.MINE_BUTTON, FamilyButton.MINE, ""),
                (say.LANGUAGE_BUTTON, FamilyButton.LANGUAGE, ""),
            ]
        )
        return text, self._keyboard(member, rows, t)

    def _languages(self, member: MemberRecord, t: Texts) -> Screen:
        back: list[Choice] = [(say.BACK, FamilyButton.MENU, "")]
        keyboard = self._keyboard(member, [*self._language_rows(member), back], t)
        return t.html(say.CHOOSE_LANGUAGE_ONLY), keyboard

    def _ask(self, member: MemberRecord, kind: HomeKind, t: Texts) -> Screen:
        text = t.html(say.ASK, kind=t(KIND_NAMES[kind]), question=t(KIND_QUESTIONS[kind]))
        return text, self._keyboard(member, [[(say.CANCEL, FamilyButton.CANCEL, "")]], t)

    def _mine(self, member: MemberRecord, records: list[HomeRecord], t: Texts) -> Screen:
        back = [(say.BACK, FamilyButton.MENU, "")]
        if not records:
            return t.html(say.NOTHING_YET), self._keyboard(member, [back], t)
        lines = [t.html(say.MINE)]
        buttons: list[Choice] = []
        for number, record in enumerate(records, start=1):
            kind = html.escape(t(KIND_NAMES[record.kind]))
            line = f"{number}. <b>{kind}</b>: {html.escape(record.text)}"
            if not record.editable:
                line += f" <i>{t.html(say.USED_IN_MEETING)}</i>"
            else:
                buttons.append((Shown(f"✏️ {number}"), FamilyButton.ITEM, str(record.id)))
            lines.append(line)
        rows = [buttons[i : i + ITEMS_PER_ROW] for i in range(0, len(buttons), ITEMS_PER_ROW)]
        return "\n".join(lines), self._keyboard(member, [*rows, back], t)

    def _item(self, member: MemberRecord, record: HomeRecord, t: Texts) -> Screen:
        text = t.html(say.ITEM, kind=t(KIND_NAMES[record.kind]), text=record.text)
        back = (say.BACK, FamilyButton.MINE, "")
        if not record.editable:
            return f"{text}\n<i>{t.html(say.USED_IN_MEETING)}</i>", self._keyboard(
                member, [[back]], t
            )
        rows = [[(say.EDIT, FamilyButton.EDIT, ""), (say.DELETE, FamilyButton.DELETE, "")], [back]]
        return text, self._keyboard(member, rows, t)

    def _leave(self, member: MemberRecord, t: Texts) -> Screen:
        rows = [
            [(say.KEEP, FamilyButton.KEEP, "")],
            [(say.ERASE, FamilyButton.ERASE, "")],
            [(say.CANCEL, FamilyButton.CANCEL, "")],
        ]
        return t.html(say.LEAVE, pupil=member.pupil), self._keyboard(member, rows, t)

    def _pick(self, members: list[MemberRecord], t: Texts, *, stop: bool) -> Screen:
        arg = STOP_ARG if stop else ""
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        m.pupil,
                        callback_data=encode_family(FamilyData(m.id, FamilyButton.OPEN, arg)),
                    )
                ]
                for m in members
            ]
        )
        return t.html(say.PICK_CASE), keyboard


def _with(member: MemberRecord, **changes: object) -> MemberRecord:
    return replace(member, **changes)  # type: ignore[arg-type]


def _chosen(code: str, current: str) -> str:
    return "• " if code == current else ""


def _edit(message_id: int, screen: Screen) -> Owed:
    text, markup = screen
    return Owed([EditMessage(message_id, text, markup)])


def _stale(message_id: int, t: Texts) -> Owed:
    operations: list[Operation] = [ClearButtons(message_id)]
    return Owed(operations, answer=t(WHY[Why.STALE_BUTTON]))


async def home_now(repos: Repositories, member: MemberRecord) -> list[Operation]:
    """On the evaluation's date: what does the parent see at home now? (a button to answer)."""
    t = texts(member.language)
    await repos.family.set_prompt(member.id, FamilyPrompt.MENU)
    answer = FamilyData(member.id, FamilyButton.ADD, HomeKind.NOW.value)
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(t(say.ANSWER), callback_data=encode_family(answer))]]
    )
    return [Send(t.html(say.HOME_NOW, pupil=member.pupil), keyboard)]
