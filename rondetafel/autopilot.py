"""Plays every participant of a meeting from an answer book, reading the chat as people do.

It reads each new bot message in order and reacts like the person it is for
would: answer a question addressed to them, tap their role, pass, pick a
sentence starter, say who does an agreement and by when. Used by the demo and
by the end-to-end tests, for every kind of meeting.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from rondetafel.bot.callback_data import decode
from rondetafel.bot.texts import texts
from rondetafel.flows.events import Button
from rondetafel.flows.script import SCRIPTS, MeetingKind, Role
from rondetafel.standin import BotApiStandIn, SimChat

from .demo_book import CAST, QUESTIONS, SIDE_NOTE, TYPED_DATE, Agreement, Cast, Say, Starter, say
from .phones import Phone

Message = dict[str, Any]
# "Phase 3 of 8 · What is still hard · turn: Sam", in any language.
_PROGRESS = re.compile(r"\D*?(\d+)\D+(\d+) · (.+?)(?: · [^·]*?: (.+))?$")


def buttons(message: Message) -> dict[Button, list[tuple[str, str, str]]]:
    """The message's buttons by kind: (label, argument, raw callback data)."""
    found: dict[Button, list[tuple[str, str, str]]] = {}
    for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
        for button in row:
            data = decode(button.get("callback_data", ""))
            if data is not None:
                found.setdefault(data.button, []).append(
                    (button["text"], data.arg, button["callback_data"])
                )
    return found


class Autopilot:
    def __init__(
        self,
        standin: BotApiStandIn,
        chat: SimChat,
        phones: dict[Role, Phone],
        *,
        language: str = "nl",
        kind: MeetingKind = MeetingKind.PUPIL_MEETING,
        cast: Cast = CAST,
        side_note: bool = True,
        answers: Callable[[str, str, Role], Say] = say,
        on_tap: Callable[[Phone, str], None] | None = None,
        timeout: float = 15.0,
    ) -> None:
        self.standin, self.chat, self.phones = standin, chat, phones
        self.language, self.kind, self.cast = language, kind, cast
        self.t = texts(language)
        self.side_note = side_note
        self.say = answers
        self.on_tap = on_tap
        self.timeout = timeout
        self.handled = 0
        self.turn: tuple[str, Role] | None = None
        self.ignore_next_question = False
        self.starter_text: str | None = None
        self.agreements: list[Agreement] = []
        # Turns answered outside the autopilot (e.g. by a test while the bot was down).
        self.answered: set[tuple[str, Role]] = set()
        self.names = {
            cast.chair: Role.CHAIR,
            cast.mentor: Role.MENTOR,
            cast.parent: Role.PARENT,
            cast.pupil: Role.PUPIL,
        }
        self.phase_keys = {self.t(p.title): p.key for p in SCRIPTS[kind].phases}

    async def run(
        self, *, after: int | None = None, stop: Callable[[Message], bool] | None = None
    ) -> int:
        """React until the report arrives, or until `stop(message)`; returns the last id handled."""
        if after is not None:
            self.handled = after
        while True:
            message = await self.standin.wait_for_bot_message(
                self.chat, lambda m: True, after=self.handled, timeout=self.timeout
            )
            if stop is not None and stop(message):
                return self.handled
            self.handled = message["message_id"]
            if message.get("document"):
                return self.handled
            await self._react(message)

    # ------------------------------------------------------------------ reading

    def progress(self, message: Message) -> tuple[int, str | None] | None:
        """(phase number, whose turn) from a message's progress line, if it has one."""
        first_line = (message.get("text") or "").split("\n", 1)[0]
        match = _PROGRESS.match(first_line)
        if match is None or match.group(3) not in self.phase_keys:
            return None
        return int(match.group(1)), match.group(4)

    def _speaker(self, role: Role) -> Phone:
        return self.phones[Role.MENTOR] if role is Role.PUPIL else self.phones[role]

    def _name(self, role: Role) -> str:
        return {
            Role.CHAIR: self.cast.chair,
            Role.MENTOR: self.cast.mentor,
            Role.PARENT: self.cast.parent,
            Role.PUPIL: self.cast.pupil,
        }[role]

    async def _tap(self, phone: Phone, message: Message, data: str, label: str) -> None:
        if self.on_tap:
            self.on_tap(phone, label)
        await self.standin.press_button(phone.user, self.chat, message["message_id"], data)

    # ------------------------------------------------------------------ reacting

    async def _react(self, message: Message) -> None:
        found = buttons(message)
        chair = self.phones[Role.CHAIR]
        if Button.KIND in found:
            if self.language != "nl":
                language = next(b for b in found[Button.LANGUAGE] if b[1] == self.language)
                await self._tap(chair, message, language[2], language[0])
            kind = next(b for b in found[Button.KIND] if b[1] == self.kind.value)
            await self._tap(chair, message, kind[2], kind[0])
        elif Button.START in found:
            await self._join(message, found)
        elif Button.PASS in found:
            await self._turn(message, found)
        elif Button.DO_PHASE in found:
            do = found[Button.DO_PHASE][0]
            await self._tap(chair, message, do[2], do[0])
        elif Button.OWNER in found:
            await self._owner(message, found)
        elif Button.DUE in found:
            await self._due(message, found)
        elif Button.EVALUATION in found:
            choice = next(b for b in found[Button.EVALUATION] if b[1] == "42")
            await self._tap(chair, message, choice[2], choice[0])
        elif Button.ACCEPT_NOTE in found:
            accept = found[Button.ACCEPT_NOTE][0]
            await self._tap(chair, message, accept[2], accept[0])
        elif (message.get("reply_markup") or {}).get("force_reply"):
            await self._force_reply(message)

    async def _join(
        self, message: Message, found: dict[Button, list[tuple[str, str, str]]]
    ) -> None:
        for role in (Role.MENTOR, Role.PARENT):
            join = next(b for b in found[Button.JOIN] if b[1] == role.value)
            await self._tap(self.phones[role], message, join[2], join[0])
        voice = found[Button.VOICE_PUPIL][0]
        await self._tap(self.phones[Role.MENTOR], message, voice[2], voice[0])
        start = found[Button.START][0]
        await self._tap(self.phones[Role.CHAIR], message, start[2], start[0])

    async def _turn(
        self, message: Message, found: dict[Button, list[tuple[str, str, str]]]
    ) -> None:
        match = _PROGRESS.match((message.get("text") or "").split("\n", 1)[0])
        assert match is not None and match.group(4), message.get("text")
        phase, role = self.phase_keys[match.group(3)], self.names[match.group(4)]
        self.turn = (phase, role)
        if self.turn in self.answered:
            self.ignore_next_question = True
            return
        answer = self.say(self.language, phase, role)
        speaker = self._speaker(role)
        if answer is None:
            self.ignore_next_question = True
            skip = found[Button.PASS][0]
            await self._tap(speaker, message, skip[2], skip[0])
        elif isinstance(answer, Starter):
            label = self.t(answer.starter)
            offered = [b for b in found.get(Button.STARTER, []) if b[0] == label]
            if offered:  # otherwise they just answer in their own words
                self.ignore_next_question = True
                self.starter_text = answer.text
                await self._tap(speaker, message, offered[0][2], offered[0][0])

    async def _force_reply(self, message: Message) -> None:
        placeholder = message["reply_markup"]["force_reply"] and message["reply_markup"].get(
            "input_field_placeholder", ""
        )
        chair = self.phones[Role.CHAIR]
        if placeholder == self.t("e.g. S.B. or Tiger"):
            await chair.send(self.cast.pupil, reply_to=message["message_id"])
        elif placeholder == self.t("One question per line"):
            await chair.send(QUESTIONS[self.language], reply_to=message["message_id"])
        elif placeholder == self.t("e.g. friday, 15 March, in 3 weeks"):
            phone = self._mentioned(message)
            await phone.send(TYPED_DATE[self.language], reply_to=message["message_id"])
        elif self.ignore_next_question:
            # The question of a turn already handled by a button (pass, a starter).
            self.ignore_next_question = False
        elif self.starter_text is not None:
            phone = self._mentioned(message)
            text, self.starter_text = self.starter_text, None
            await phone.send(text, reply_to=message["message_id"])
        elif self.turn is not None:
            await self._answer(message, *self.turn)

    async def _answer(self, message: Message, phase: str, role: Role) -> None:
        answer = self.say(self.language, phase, role)
        speaker = self._speaker(role)
        if isinstance(answer, tuple):
            self.agreements = list(answer)
            await speaker.send("\n".join(a.what for a in answer), reply_to=message["message_id"])
            return
        if isinstance(answer, Starter):
            answer = f"{self.t(answer.starter).rstrip(' …')} {answer.text}"
        assert isinstance(answer, str), (phase, role, answer)
        if self.side_note and phase == "goes_well" and role is Role.MENTOR:
            # The parent cannot wait: a remark out of turn, for the chair to take up.
            self.side_note = False
            await self.phones[Role.PARENT].send(
                SIDE_NOTE[self.language], reply_to=message["message_id"]
            )
        await speaker.send(answer, reply_to=message["message_id"])

    async def _owner(
        self, message: Message, found: dict[Button, list[tuple[str, str, str]]]
    ) -> None:
        agreement = self.agreements[0]
        assert self.turn is not None
        owner = next(b for b in found[Button.OWNER] if b[0].startswith(self._name(agreement.owner)))
        await self._tap(self._speaker(self.turn[1]), message, owner[2], owner[0])

    async def _due(self, message: Message, found: dict[Button, list[tuple[str, str, str]]]) -> None:
        agreement = self.agreements.pop(0)
        assert self.turn is not None
        wanted = "t" if agreement.due == "typed" else agreement.due
        choice = next(b for b in found[Button.DUE] if b[1] == wanted)
        await self._tap(self._speaker(self.turn[1]), message, choice[2], choice[0])

    def _mentioned(self, message: Message) -> Phone:
        for entity in message.get("entities", []):
            user_id = (entity.get("user") or {}).get("id")
            for phone in self.phones.values():
                if phone.user.id == user_id:
                    return phone
        raise AssertionError(f"nobody mentioned in {message.get('text')!r}")
