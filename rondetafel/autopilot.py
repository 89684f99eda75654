"""Plays every participant of a meeting from an answer book, reading the chat as people do.

It reads each new bot message in order and reacts like the person it is for
would: name the pupil, tap their role, answer a question addressed to them
(or pass), say by when an agreement is done and, where the book says so, who
else does it, and open the private chat with the bot when it asks. Used by
the demo and by the end-to-end tests, for every kind of meeting.

`FollowUpPilot` plays the same people between meetings, in their private
chats: an owner answers a reminder about an agreement, the mentor evaluates
the plan. `HomePilot` plays a parent at home, who is in no group: the mentor
asks for an invitation link in the group (/uitnodigen), the parent opens it in
their private chat, agrees, and shares points for the next meeting there.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Collection
from typing import Any

from rondetafel.bot.callback_data import (
    decode,
    decode_evaluation,
    decode_family,
    decode_invite,
    decode_reminder,
)
from rondetafel.bot.reminder_desk import SNOOZE_OF_CHOICE, STATUS_OF_CHOICE
from rondetafel.bot.texts import texts
from rondetafel.flows.evaluation import EvaluationButton
from rondetafel.flows.events import Button
from rondetafel.flows.family import HomeKind, Relation
from rondetafel.flows.follow_up import AgreementStatus
from rondetafel.flows.prompts import FamilyButton, ReminderButton
from rondetafel.flows.reminder_plan import Snooze
from rondetafel.flows.script import SCRIPTS, MeetingKind, Role
from rondetafel.standin import BotApiStandIn, SimChat

from .demo_book import (
    CAST,
    SIDE_NOTE,
    TYPED_DATE,
    Agreement,
    Cast,
    GoalEvaluation,
    ReminderAnswer,
    Say,
    Starter,
    evaluation_answer,
    reminder_answer,
    say,
)
from .phones import Phone, deep_link_in, deep_link_of

Message = dict[str, Any]
Found = dict[Button, list[tuple[str, str, str]]]
# "Phase 3/8 · What is still hard", in any language, at the start of a question.
_PROGRESS = re.compile(r"\D*?(\d+)/(\d+) · (.+?)(?: \(.*)?$")


def buttons(message: Message) -> Found:
    """The message's buttons by kind: (label, argument, raw callback data)."""
    found: Found = {}
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
        open_private: Collection[Role] = (),
        before_start: Callable[[], Awaitable[None]] | None = None,
        timeout: float = 15.0,
    ) -> None:
        """`open_private`: who opens the private chat when the bot offers its deep link.

        `before_start`: what happens once everyone has joined, before the chair
        taps Start (once: e.g. a parent at home sharing what the meeting will read in).
        """
        self.standin, self.chat, self.phones = standin, chat, phones
        self.open_private = frozenset(open_private)
        self.before_start = before_start
        self.language, self.kind, self.cast = language, kind, cast
        self.t = texts(language)
        self.side_note = side_note
        self.say = answers
        self.on_tap = on_tap
        self.timeout = timeout
        self.handled = 0
        self.meeting_message: int | None = None
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

    def turn(self, message: Message) -> tuple[str, Role] | None:
        """(phase key, role) of a question that opens someone's turn; None for other messages."""
        progress = self.progress(message)
        if progress is None or not (message.get("reply_markup") or {}).get("force_reply"):
            return None
        return progress[1], self.role_asked(message)

    def progress(self, message: Message) -> tuple[int, str] | None:
        """(phase number, phase key) from a question's first line, if it has one."""
        first_line = (message.get("text") or "").split("\n", 1)[0]
        match = _PROGRESS.match(first_line)
        if match is None or match.group(3) not in self.phase_keys:
            return None
        return int(match.group(1)), self.phase_keys[match.group(3)]

    def _speaker(self, role: Role) -> Phone:
        return self.phones[Role.MENTOR] if role is Role.PUPIL else self.phones[role]

    def _name(self, role: Role) -> str:
        return {
            Role.CHAIR: self.cast.chair,
            Role.MENTOR: self.cast.mentor,
            Role.PARENT: self.cast.parent,
            Role.PUPIL: self.cast.pupil,
        }[role]

    def _current(self, message_id: int) -> Message:
        return next(
            m for m in self.standin.bot_messages(self.chat) if m["message_id"] == message_id
        )

    async def _tap(self, phone: Phone, message: Message, data: str, label: str) -> None:
        if self.on_tap:
            self.on_tap(phone, label)
        await self.standin.press_button(phone.user, self.chat, message["message_id"], data)

    async def _edited(self, message: Message, label: str) -> tuple[Message, Found]:
        """The message once the bot's edit shows a button labelled `label`."""
        message_id = message["message_id"]

        def shows() -> bool:
            found = buttons(self._current(message_id))
            return any(b[0] == label for kind in found.values() for b in kind)

        await self.standin.wait_for(shows, self.timeout, f"{label!r} on message {message_id}")
        current = self._current(message_id)
        return current, buttons(current)

    # ------------------------------------------------------------------ reacting

    async def _react(self, message: Message) -> None:
        found = buttons(message)
        chair = self.phones[Role.CHAIR]
        link = deep_link_of(message)
        if link is not None:
            await self._open_private(message, *link)
        if Button.PASS in found:
            # The meeting message, posted anew (the group moved, or the bot came back).
            self.meeting_message = message["message_id"]
        if Button.START in found:
            await self._join(message, found)
        elif Button.DUE in found:
            await self._agreement(message, found)
        elif Button.EVALUATION in found:
            choice = next(b for b in found[Button.EVALUATION] if b[1] == "42")
            await self._tap(chair, message, choice[2], choice[0])
        elif Button.ACCEPT_NOTE in found:
            accept = found[Button.ACCEPT_NOTE][0]
            await self._tap(chair, message, accept[2], accept[0])
        elif (message.get("reply_markup") or {}).get("force_reply"):
            await self._force_reply(message)

    async def _join(self, message: Message, found: Found) -> None:
        self.meeting_message = message["message_id"]
        chair = self.phones[Role.CHAIR]
        kind = next(b for b in found[Button.KIND] if b[1] == self.kind.value)
        if not kind[0].startswith("✓"):
            await self._tap(chair, message, kind[2], kind[0])
        for role in (Role.MENTOR, Role.PARENT):
            join = next(b for b in found[Button.JOIN] if b[1] == role.value)
            await self._tap(self.phones[role], message, join[2], join[0])
        voice = found[Button.VOICE_PUPIL][0]
        await self._tap(self.phones[Role.MENTOR], message, voice[2], voice[0])
        if self.before_start is not None:
            before, self.before_start = self.before_start, None
            await before()
        start = found[Button.START][0]
        await self._tap(chair, message, start[2], start[0])

    async def _force_reply(self, message: Message) -> None:
        placeholder = message["reply_markup"].get("input_field_placeholder", "")
        if placeholder == self.t("e.g. S.B. or Tiger"):
            await self.phones[Role.CHAIR].send(self.cast.pupil, reply_to=message["message_id"])
            return
        if placeholder == self.t("The rest of your answer"):
            # The long answer was complete.
            await self._mentioned(message).send("-", reply_to=message["message_id"])
            return
        progress = self.progress(message)
        if progress is None:
            return
        phase, role = progress[1], self.role_asked(message)
        if (phase, role) in self.answered:
            return
        await self._answer(message, phase, role)

    def role_asked(self, message: Message) -> Role:
        """Whose turn a question is: the mentioned person's, or the pupil's they relay."""
        phone = self._mentioned(message)
        role = next(r for r, p in self.phones.items() if p is phone)
        body = (message.get("text") or "").split("\n", 2)[1]
        if role is Role.MENTOR and self.cast.pupil in body:
            return Role.PUPIL
        return role

    async def _answer(self, message: Message, phase: str, role: Role) -> None:
        answer = self.say(self.language, phase, role)
        speaker = self._speaker(role)
        if answer is None:
            # Pass: the chair with the meeting message's button, the others with a dash.
            if role is Role.CHAIR:
                await self._pass(speaker)
            else:
                await speaker.send("-", reply_to=message["message_id"])
            return
        if isinstance(answer, tuple):
            self.agreements = list(answer)
            await speaker.send("\n".join(a.what for a in answer), reply_to=message["message_id"])
            return
        if isinstance(answer, Starter):
            answer = f"{self.t(answer.starter).rstrip(' …')} {answer.text}"
        if self.side_note and phase == "goes_well" and role is Role.MENTOR:
            # The parent cannot wait: a remark out of turn, for the chair to take up.
            self.side_note = False
            await self.phones[Role.PARENT].send(
                SIDE_NOTE[self.language], reply_to=message["message_id"]
            )
        await speaker.send(answer, reply_to=message["message_id"])

    async def _pass(self, speaker: Phone) -> None:
        """Pass with the meeting message's button, as someone who scrolls up would."""
        assert self.meeting_message is not None
        current = self._current(self.meeting_message)
        passing = buttons(current)[Button.PASS][0]
        await self._tap(speaker, current, passing[2], passing[0])

    async def _agreement(self, message: Message, found: Found) -> None:
        agreement = self.agreements.pop(0)
        chair = self.phones[Role.CHAIR]
        owner = self._name(agreement.owner)
        choice = next(b for b in found[Button.OWNER] if b[0].endswith(f" {owner}"))
        if not choice[0].startswith("✓"):
            await self._tap(chair, message, choice[2], choice[0])
            message, found = await self._edited(message, f"✓ {owner}")
        if agreement.due == "typed":
            await chair.send(TYPED_DATE[self.language], reply_to=message["message_id"])
            return
        wanted = "o" if agreement.due == "ongoing" else agreement.due
        due = next(b for b in found[Button.DUE] if b[1] == wanted)
        await self._tap(chair, message, due[2], due[0])

    async def _open_private(self, message: Message, label: str, url: str) -> None:
        """Those the message names tap its deep link and Start, if they are to."""
        for role, phone in self.phones.items():
            if role not in self.open_private or phone.opened_private:
                continue
            if phone not in self._all_mentioned(message):
                continue
            if self.on_tap:
                self.on_tap(phone, label)
            start = await phone.open_link(url)
            # The bot's greeting there, before the meeting goes on.
            await phone.from_bot_privately(after=start["message_id"])

    def _mentioned(self, message: Message) -> Phone:
        mentioned = self._all_mentioned(message)
        if not mentioned:
            raise AssertionError(f"nobody mentioned in {message.get('text')!r}")
        return mentioned[0]

    def _all_mentioned(self, message: Message) -> list[Phone]:
        found: list[Phone] = []
        for entity in message.get("entities", []):
            user_id = (entity.get("user") or {}).get("id")
            for phone in self.phones.values():
                if phone.user.id == user_id and phone not in found:
                    found.append(phone)
        return found


# ---------------------------------------------------------------- between meetings

# The reminder button ("d", "m", ...) for each answer the book can give.
_CHOICE_OF_ANSWER: dict[AgreementStatus | Snooze, str] = {
    **{status: choice for choice, status in STATUS_OF_CHOICE.items()},
    **{snooze: choice for choice, snooze in SNOOZE_OF_CHOICE.items()},
}
_RESULTS = frozenset({EvaluationButton.REACHED, EvaluationButton.PARTLY, EvaluationButton.NOT_YET})


def reminder_buttons(message: Message) -> dict[str, tuple[str, str, int]]:
    """A reminder's buttons by choice ("d", "x", ...): (label, raw data, reminder id)."""
    found: dict[str, tuple[str, str, int]] = {}
    for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
        for button in row:
            data = decode_reminder(button.get("callback_data", ""))
            if data is not None:
                found[data.choice] = (button["text"], button["callback_data"], data.reminder_id)
    return found


def evaluation_buttons(message: Message) -> dict[EvaluationButton, tuple[str, str]]:
    """An evaluation question's buttons by kind: (label, raw data)."""
    found: dict[EvaluationButton, tuple[str, str]] = {}
    for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
        for button in row:
            data = decode_evaluation(button.get("callback_data", ""))
            if data is not None:
                found[EvaluationButton(data.action)] = (button["text"], button["callback_data"])
    return found


def asks_result(message: Message) -> bool:
    """An evaluation question about a goal: reached, partly or not yet?"""
    return bool(_RESULTS & evaluation_buttons(message).keys())


def asks_words(message: Message) -> bool:
    """An evaluation question to type an answer to (or tap "nothing to add")."""
    return EvaluationButton.NOTHING_TO_ADD in evaluation_buttons(message)


def has_keyboard(message: Message) -> bool:
    return bool((message.get("reply_markup") or {}).get("inline_keyboard"))


async def edited_privately(
    standin: BotApiStandIn,
    phone: Phone,
    message: Message,
    shows: Callable[[Message], bool],
    patience: float,
) -> Message:
    """The private message once the bot's edit makes `shows` true."""
    message_id = message["message_id"]

    def current() -> Message:
        return next(m for m in standin.bot_messages(phone.private) if m["message_id"] == message_id)

    await standin.wait_for(
        lambda: shows(current()), patience, f"an edit of private message {message_id}"
    )
    return current()


class FollowUpPilot:
    """People in their private chats with the bot, answering from the demo book."""

    def __init__(
        self,
        standin: BotApiStandIn,
        *,
        language: str = "nl",
        reminders: Callable[[str, str], ReminderAnswer] = reminder_answer,
        evaluation: Callable[[str, int], GoalEvaluation] = evaluation_answer,
        on_tap: Callable[[Phone, str], None] | None = None,
        timeout: float = 15.0,
    ) -> None:
        self.standin = standin
        self.language = language
        self.reminders = reminders
        self.evaluation = evaluation
        self.on_tap = on_tap
        self.timeout = timeout

    async def answer_reminder(self, phone: Phone, reminder_id: int) -> ReminderAnswer:
        """The owner answers the reminder `reminder_id` with its buttons, and maybe a note."""

        def about_it(message: Message) -> bool:
            return any(b[2] == reminder_id for b in reminder_buttons(message).values())

        message = await phone.from_bot_privately(about_it)
        answer = self.reminders(self.language, message.get("text", ""))
        label, data, _ = reminder_buttons(message)[_CHOICE_OF_ANSWER[answer.choice]]
        await self._tap(phone, message, data, label)
        if answer.choice not in STATUS_OF_CHOICE.values():
            await self._edited(phone, message, lambda m: not has_keyboard(m))  # snoozed
            return answer
        # The answer shows, with a question for a note and a "no note" button.
        asked = await self._edited(
            phone, message, lambda m: ReminderButton.NO_NOTE in reminder_buttons(m)
        )
        if answer.note is None:
            label, data, _ = reminder_buttons(asked)[ReminderButton.NO_NOTE]
            await self._tap(phone, asked, data, label)
            await self._edited(phone, asked, lambda m: not has_keyboard(m))
        else:
            typed = await phone.say_privately(answer.note)
            await phone.from_bot_privately(after=typed["message_id"])  # noted
        return answer

    async def evaluate(self, phone: Phone, *, after: int | None = None) -> int:
        """Answer the evaluation asked in `phone`'s private chat, goal by goal; how many goals."""
        question = await phone.from_bot_privately(asks_result, after=after)
        index = 0
        while True:
            answer = self.evaluation(self.language, index)
            label, data = evaluation_buttons(question)[EvaluationButton(answer.result.value)]
            await self._tap(phone, question, data, label)
            mark = question["message_id"]
            for words in (answer.seen, answer.next_step):
                asked = await phone.from_bot_privately(asks_words, after=mark)
                mark = asked["message_id"]
                if words is None:
                    label, data = evaluation_buttons(asked)[EvaluationButton.NOTHING_TO_ADD]
                    await self._tap(phone, asked, data, label)
                else:
                    await phone.say_privately(words)
            index += 1
            # The next goal's question, or the thanks that ends the evaluation.
            following = await phone.from_bot_privately(
                lambda m: asks_result(m) or not has_keyboard(m), after=mark
            )
            if not asks_result(following):
                return index
            question = following

    async def _tap(self, phone: Phone, message: Message, data: str, label: str) -> None:
        if self.on_tap:
            self.on_tap(phone, label)
        await phone.press(message, data, chat=phone.private)

    async def _edited(
        self, phone: Phone, message: Message, shows: Callable[[Message], bool]
    ) -> Message:
        return await edited_privately(self.standin, phone, message, shows, self.timeout)


# ---------------------------------------------------------------- a parent at home

# The group command that asks for an invitation link, by the meeting's language.
INVITE_COMMAND = {"nl": "/uitnodigen", "en": "/invite"}


def invite_buttons(message: Message) -> dict[Relation, tuple[str, str]]:
    """/uitnodigen's choice in the group, by relation: (label, raw data)."""
    found: dict[Relation, tuple[str, str]] = {}
    for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
        for button in row:
            data = decode_invite(button.get("callback_data", ""))
            if data is not None:
                found[data.relation] = (button["text"], button["callback_data"])
    return found


def family_buttons(message: Message) -> dict[tuple[FamilyButton, str], tuple[str, str]]:
    """A parent's private buttons by (kind, argument): (label, raw data)."""
    found: dict[tuple[FamilyButton, str], tuple[str, str]] = {}
    for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
        for button in row:
            data = decode_family(button.get("callback_data", ""))
            if data is not None:
                found[(data.button, data.arg)] = (button["text"], button["callback_data"])
    return found


def offers_menu(message: Message) -> bool:
    """A parent's menu: a button to add each kind of point."""
    return (FamilyButton.ADD, HomeKind.GOES_WELL.value) in family_buttons(message)


class HomePilot:
    """A parent at home between meetings, and the staff member who invites them.

    `on_tap(phone, label, private)`: someone taps a button, in the group or
    (`private`) in their own chat with the bot.
    """

    def __init__(
        self,
        standin: BotApiStandIn,
        group: SimChat,
        *,
        language: str = "nl",
        on_tap: Callable[[Phone, str, bool], None] | None = None,
        timeout: float = 15.0,
    ) -> None:
        self.standin, self.group = standin, group
        self.command = INVITE_COMMAND[language]
        self.on_tap = on_tap
        self.timeout = timeout

    async def invite(self, inviter: Phone, relation: Relation = Relation.PARENT) -> Message:
        """`inviter` asks for a link in the group and picks `relation`: the private
        message with the link (`deep_link_in`), to pass on.

        The bot sends it to the inviter privately, so one who never opened their
        private chat with the bot opens it first, by hand.
        """
        if not inviter.opened_private:
            started = await inviter.open_private()
            await inviter.from_bot_privately(after=started["message_id"])
        seen = max((m["message_id"] for m in self.standin.messages(inviter.private)), default=0)
        command = await inviter.send(self.command)
        pick = await self.standin.wait_for_bot_message(
            self.group,
            lambda m: relation in invite_buttons(m),
            after=command["message_id"],
            timeout=self.timeout,
        )
        label, data = invite_buttons(pick)[relation]
        if self.on_tap:
            self.on_tap(inviter, label, False)
        await inviter.press(pick, data)
        return await inviter.from_bot_privately(lambda m: deep_link_in(m) is not None, after=seen)

    async def open_link(self, parent: Phone, link: str) -> Message:
        """`parent` opens the link passed on to them: the welcome, in their app's language."""
        started = await parent.open_link(link)
        return await parent.from_bot_privately(
            lambda m: (FamilyButton.CONFIRM, "") in family_buttons(m), after=started["message_id"]
        )

    async def agree(self, parent: Phone, welcome: Message) -> Message:
        """`parent` taps "I agree" on the welcome: the menu it turns into."""
        await self._tap(parent, welcome, FamilyButton.CONFIRM)
        return await self._edited(parent, welcome, offers_menu)

    async def share(self, parent: Phone, menu: Message, kind: HomeKind, text: str) -> Message:
        """From `menu`, `parent` picks `kind` and types `text`: the new menu that thanks them."""
        await self._tap(parent, menu, FamilyButton.ADD, kind.value)
        await self._edited(parent, menu, lambda m: (FamilyButton.CANCEL, "") in family_buttons(m))
        typed = await parent.say_privately(text)
        return await parent.from_bot_privately(offers_menu, after=typed["message_id"])

    async def _tap(
        self, phone: Phone, message: Message, button: FamilyButton, arg: str = ""
    ) -> None:
        label, data = family_buttons(message)[(button, arg)]
        if self.on_tap:
            self.on_tap(phone, label, True)
        await phone.press(message, data, chat=phone.private)

    async def _edited(
        self, phone: Phone, message: Message, shows: Callable[[Message], bool]
    ) -> Message:
        return await edited_privately(self.standin, phone, message, shows, self.timeout)
