"""Hostile and odd input against the real shell: real `Update`s through the real `Application`.

Every case says what the person sees (in Dutch: the harness meetings run in
Dutch after /overleg) and checks that nothing was

- lost: what they typed is stored, or they are told why not (it stays in the chat);
- leaked: user text reaches Telegram as text, never as markup; no other
  meeting's or chat's data shows; a token or a path typed in is only text;
- doubled: no second question, summary or stored point.

After every case, every call the bot made is checked the way Telegram checks
it (the stand-in's own parser: HTML, 4096 characters, at most 100 buttons).

An update delivered twice (the same `update_id`) is handled once
(`bot/seen_updates.py`).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from telegram import Update

from rondetafel.bot.callback_data import ButtonData, encode
from rondetafel.flows.events import Button
from rondetafel.flows.prompts import Prompt
from rondetafel.flows.state import Mark, MeetingState, Status
from rondetafel.standin import ApiError, parse_html
from rondetafel.standin.common import JsonDict, utf16_len
from rondetafel.standin.formatting import MAX_CAPTION_LENGTH, MAX_TEXT_LENGTH, format_text
from rondetafel.standin.markup import check_reply_markup
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction
from tests.support.recording import BOT, Call
from tests.support.updates import ANONYMOUS_ADMIN, GroupChat, User

from .conftest import ANNA, FATMA, MO, STRANGER, Harness

Scenario = Callable[[Harness], Awaitable[None]]

# What people see, in Dutch.
STALE = "Deze knop is niet meer actueel."
OOPS = "Sorry, er ging bij mij iets mis."
NO_TEXT = "Ik zie daar geen tekst in. Probeer het nog eens."
TEXT_ONLY = "Ik kan alleen tekst lezen. Typ je antwoord als reactie op mijn vraag."
ONLY_CHAIR = "Alleen de voorzitter (Anna) kan dat."
ONLY_CHAIR_OR_ADMIN = "Alleen de voorzitter (Anna) of een beheerder van de groep kan dat."
FOR_FATMA = "Deze knop is voor Fatma."
ANONYMOUS = "Ik kan niet zien wie je bent: je schrijft als anonieme beheerder van de groep."
AFTER_CLOSE = (
    "Dit overleg is al afgesloten en de samenvatting is geplaatst. "
    "Je wijziging is daarom niet overgenomen."
)
NOTE_HANDLED = "De voorzitter heeft deze opmerking al behandeld."
LONG = "Telegram"  # "… je antwoord was lang, en Telegram heeft het misschien gesplitst …"

FIRST_PHASE = "meeting_goals"
OTHER_GROUP = -1009876543210
_update_ids = itertools.count(900_000)
_message_ids = itertools.count(90_000)


# ---------------------------------------------------------------- helpers


def lookup_user(user_id: int) -> JsonDict | None:
    return {"id": user_id, "is_bot": False, "first_name": "?"}


def telegram_accepts(call: Call) -> None:
    """Fail as Telegram would: unparseable HTML, an empty or too long text, a bad keyboard."""
    try:
        if call.method in ("sendMessage", "editMessageText"):
            formatted = format_text(call.text, call.params.get("parse_mode"), None, lookup_user)
            assert formatted.text, f"{call.method}: message text is empty"
            assert utf16_len(formatted.text) <= MAX_TEXT_LENGTH, (
                f"{call.method}: message is too long ({utf16_len(formatted.text)})"
            )
        if call.method == "sendDocument":
            caption = format_text(call.text, call.params.get("parse_mode"), None, lookup_user)
            assert utf16_len(caption.text) <= MAX_CAPTION_LENGTH
        check_reply_markup(call.markup or None)
    except ApiError as refused:
        pytest.fail(f"Telegram would refuse {call.method}: {refused.description}\n{call.text!r}")


def all_accepted(harness: Harness) -> None:
    """Every call the bot made is one Telegram accepts."""
    for call in harness.request.calls:
        telegram_accepts(call)


def visible(call: Call) -> str:
    """The text a reader sees: markup parsed, entities resolved."""
    return parse_html(call.text, lookup_user)[0]


def since(harness: Harness, mark: int, method: str | None = None) -> list[Call]:
    return [c for c in harness.request.calls[mark:] if method is None or c.method == method]


def questions(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "sendMessage" and c.markup.get("force_reply")]


def popups(harness: Harness, mark: int) -> list[str]:
    return [str(c.params.get("text", "")) for c in since(harness, mark, "answerCallbackQuery")]


def asks(call: Call, user: User) -> bool:
    return f"tg://user?id={user.id}" in call.text


async def meeting(harness: Harness, meeting_id: int = 1) -> MeetingState:
    async def load(repos: Repositories) -> MeetingState:
        loaded = await repos.meetings.get(meeting_id)
        assert loaded is not None
        return loaded.state

    return await in_transaction(harness.db, load)


async def points(harness: Harness, phase: str = FIRST_PHASE) -> list[str]:
    state = await meeting(harness)
    return [c.text for c in state.contributions if c.phase == phase and c.mark is Mark.POINT]


async def started(harness: Harness) -> None:
    """Anna chairs, Mo (mentor) and Fatma (parent) joined, started: Fatma is asked first."""
    await harness.setup_meeting()
    await harness.press(ANNA, Button.START)


def chat_json(chat_id: int) -> JsonDict:
    return {"id": chat_id, "type": "supergroup", "title": "Zorgoverleg"}


def make_update(harness: Harness, **fields: Any) -> Update:
    update = Update.de_json({"update_id": next(_update_ids), **fields}, harness.app.bot)
    assert update is not None
    return update


def message_json(harness: Harness, sender: JsonDict, **fields: Any) -> JsonDict:
    return {
        "message_id": next(_message_ids),
        "date": int(time.time()),
        "chat": chat_json(harness.group.id),
        "from": sender,
        **fields,
    }


def bot_message_json(harness: Harness, message_id: int) -> JsonDict:
    return {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": chat_json(harness.group.id),
        "from": BOT,
        "text": "…",
    }


def press_on(harness: Harness, user: User, data: str, message_id: int = 1) -> Update:
    return harness.group.press(user, data, message_id)


def data(meeting_id: int, button: Button, arg: str = "", step: int = 0) -> str:
    return encode(ButtonData(meeting_id, button, arg, step))


async def to_last_phase(harness: Harness) -> None:
    """The chair closes phase after phase (/volgende) until the last one asks its first turn."""
    for _ in range(12):
        state = await meeting(harness)
        if state.phase_index == len(state.phases) - 1 and state.prompt is Prompt.TURN:
            return
        await harness.send(harness.group.command(ANNA, "/volgende"))
    raise AssertionError("the meeting did not reach its last phase")


def summaries(harness: Harness) -> list[Call]:
    return [c for c in harness.messages() if c.text.startswith("<b>Samenvatting")]


# ---------------------------------------------------------------- answers, as typed

TOKEN = "123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCYotD5k"

ANSWERS = [
    pytest.param("<b>vet</b> & <i>schuin", ["<b>vet</b> & <i>schuin"], id="html-tags-and-amp"),
    pytest.param("<script>alert('x')</script>", ["<script>alert('x')</script>"], id="script-tag"),
    pytest.param(
        '<a href="tg://user?id=12">Mo</a> moet dit doen',
        ['<a href="tg://user?id=12">Mo</a> moet dit doen'],
        id="forged-mention-link",
    ),
    pytest.param("&lt;b&gt; al &amp; escaped", ["&lt;b&gt; al &amp; escaped"], id="entities"),
    pytest.param(
        "Hij\u200b leest\u200d graag\ufeff", ["Hij\u200b leest\u200d graag\ufeff"], id="zero-width"
    ),
    pytest.param("\u202eadgel\u202c gaat goed", ["\u202eadgel\u202c gaat goed"], id="rtl-override"),
    pytest.param(
        "\u2067עברית\u2069 en \u2066Nederlands\u2069",
        ["\u2067עברית\u2069 en \u2066Nederlands\u2069"],
        id="bidi-isolates",
    ),
    pytest.param(f"bot token {TOKEN}", [f"bot token {TOKEN}"], id="bot-token"),
    pytest.param("/etc/passwd", ["/etc/passwd"], id="unix-path"),
    pytest.param(
        "C:\\Users\\leerling\\dossier.docx",
        ["C:\\Users\\leerling\\dossier.docx"],
        id="windows-path",
    ),
    pytest.param(
        "• eerste\n- tweede\n* derde\n\n", ["eerste", "tweede", "derde"], id="bullets-per-line"
    ),
]


@pytest.mark.parametrize(("typed", "stored"), ANSWERS)
async def test_an_answer_is_stored_as_typed_and_shown_only_as_text(
    harness: Harness, typed: str, stored: list[str]
) -> None:
    await started(harness)
    mark = len(harness.request.calls)

    await harness.answer(FATMA, typed)

    # Fatma sees the turn move on: one question, for Mo; nothing else happens.
    after = since(harness, mark)
    assert [c.method for c in after] == ["sendMessage"]
    assert asks(after[0], MO) and after[0].markup["force_reply"] is True
    assert await points(harness) == stored  # not lost, not doubled
    # Shown back as text, in the summary.
    await to_last_phase(harness)
    for user in (FATMA, MO, ANNA):
        await harness.answer(user, "-")
    [summary] = summaries(harness)
    for point in stored:
        assert point in visible(summary)
    assert "<script" not in summary.text and "Mo</a> moet" not in summary.text
    all_accepted(harness)


async def test_a_lone_surrogate_in_an_answer_does_not_break_the_core(harness: Harness) -> None:
    await started(harness)
    typed = "half \ud800 emoji"  # JSON "\ud800" decodes to this; the update can be built
    update = harness.group.reply(FATMA, typed, harness.last_question().message_id)
    assert update.message is not None and update.message.text == typed

    await harness.send(update)

    assert not any(OOPS in c.text for c in harness.messages())
    # The half a character cannot be stored as text; the rest is kept as typed.
    assert await points(harness) == ["half \ufffd emoji"]
    assert asks(harness.last_question(), MO)


@pytest.mark.parametrize(
    "where",
    [
        pytest.param("chair", id="in-a-first-name"),
        pytest.param("pupil", id="in-a-pseudonym"),
    ],
)
async def test_a_lone_surrogate_in_a_name_does_not_break_the_core(
    harness: Harness, where: str
) -> None:
    odd = "A\udc00B"
    chair = User(31, odd if where == "chair" else "Anna")
    await harness.send(harness.group.command(chair, "/overleg"))
    await harness.send(
        harness.group.reply(
            chair, odd if where == "pupil" else "S.B.", harness.last_question().message_id
        )
    )
    await harness.press(MO, Button.JOIN, "mentor")
    await harness.press(chair, Button.START)

    assert not any(OOPS in c.text for c in harness.messages())
    state = await meeting(harness)
    assert state.status is Status.RUNNING
    # The half a character becomes U+FFFD; the rest is kept as typed.
    assert "A\ufffdB" in (state.chair_participant().name, state.pupil)


EMPTY = [
    pytest.param("   \n\t  ", id="only-whitespace"),
    pytest.param("\u00a0\u2003\u3000", id="only-unicode-spaces"),
    pytest.param("•\n*\n·", id="only-bullets"),
    pytest.param("- \n -", id="dashes-on-two-lines"),
]


@pytest.mark.parametrize("typed", EMPTY)
async def test_an_empty_answer_is_refused_and_the_turn_stays(harness: Harness, typed: str) -> None:
    await started(harness)
    before = await meeting(harness)
    mark = len(harness.request.calls)

    answer_id = await harness.answer(FATMA, typed)

    after = since(harness, mark)
    assert [c.text for c in after] == [NO_TEXT]  # as a reply to what she typed
    assert after[0].params["reply_parameters"]["message_id"] == answer_id
    assert await meeting(harness) == before  # nothing stored, still Fatma's turn
    all_accepted(harness)


# ---------------------------------------------------------------- long answers


async def test_an_answer_of_4096_characters_is_kept_whole_and_the_turn_asks_for_more(
    harness: Harness,
) -> None:
    await started(harness)
    typed = ("lang antwoord " * 300)[:4096]

    await harness.answer(FATMA, typed)

    more = harness.last_question()
    assert asks(more, FATMA) and LONG in visible(more)  # "reply with the rest, or /pas"
    assert await points(harness) == [typed.strip()]
    await harness.send(harness.group.command(FATMA, "/pas"))  # it was complete
    assert asks(harness.last_question(), MO)
    state = await meeting(harness)
    assert [c.mark for c in state.contributions] == [Mark.POINT]  # no pass recorded on top
    all_accepted(harness)


def telegram_split(text: str, size: int = 4096) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


async def test_an_answer_of_10000_characters_split_by_telegram_is_asked_for_until_complete(
    harness: Harness,
) -> None:
    await started(harness)
    typed = "".join(f"zin {i:04d} over lezen. " for i in range(500))[:10_000]
    first, second, third = telegram_split(typed)

    # Telegram sends the first part as the reply; the other parts are plain messages.
    await harness.answer(FATMA, first)
    for part in (second, third):
        await harness.send(
            make_update(harness, message=message_json(harness, FATMA.as_json(), text=part))
        )
    assert asks(harness.last_question(), FATMA) and LONG in visible(harness.last_question())
    # She replies with the rest (split again), until the last part moves the turn on.
    await harness.answer(FATMA, second)
    assert asks(harness.last_question(), FATMA)
    await harness.answer(FATMA, third)

    assert asks(harness.last_question(), MO)
    assert "".join(await points(harness)) == "".join(
        part.strip() for part in (first, second, third)
    )
    all_accepted(harness)


# ---------------------------------------------------------------- names


NAMES = [
    pytest.param("<b>Anna</b>", id="bold-tags"),
    pytest.param("<script>x</script>", id="script-tag"),
    pytest.param('Anna"><a href="https://x.example">', id="attribute-breakout"),
    pytest.param("Anna & Co &amp;", id="ampersands"),
    pytest.param("\u202eannA", id="rtl-override"),
    pytest.param("\u2067Anna\u2069\u200b", id="bidi-isolate-and-zero-width"),
]


@pytest.mark.parametrize("name", NAMES)
async def test_a_first_name_with_markup_or_controls_is_shown_as_typed(
    harness: Harness, name: str
) -> None:
    chair = User(31, name)
    await harness.send(harness.group.command(chair, "/overleg"))

    # The question mentions the chair: the link's text is the name, as typed.
    ask = harness.last_question()
    text, entities = parse_html(ask.text, lookup_user)
    mentions = [e for e in entities if e["type"] == "text_mention"]
    assert [m["user"]["id"] for m in mentions] == [31, 31]
    offset = mentions[0]["offset"]
    assert text.encode("utf-16-le")[2 * offset :].decode("utf-16-le").startswith(name)

    await harness.send(harness.group.reply(chair, "S.B.", ask.message_id))
    await harness.press(MO, Button.JOIN, "mentor")
    await harness.press(chair, Button.START)
    assert f"{name} — voorzitter" in visible(harness.request.sent("editMessageText")[-1])
    await harness.send(harness.group.command(STRANGER, "/terug"))
    assert visible(harness.messages()[-1]) == f"Alleen de voorzitter ({name}) kan dat."
    assert (await meeting(harness)).chair_participant().name == name  # stored as typed
    all_accepted(harness)


PSEUDONYMS = [
    pytest.param("<b>S</b>&<i>", id="html"),
    pytest.param("<script>", id="script-tag"),
    pytest.param("S.\u202eB.", id="rtl-override"),
    pytest.param("S\u200b.B.", id="zero-width"),
    pytest.param("../S.B./..", id="path"),
]


@pytest.mark.parametrize("pupil", PSEUDONYMS)
async def test_a_pupils_pseudonym_with_markup_is_stored_and_shown_as_typed(
    harness: Harness, pupil: str
) -> None:
    await harness.setup_meeting(pupil=pupil)
    await harness.press(ANNA, Button.START)

    state = await meeting(harness)
    assert state.pupil == pupil
    join = harness.request.sent("editMessageText")[-1]
    assert visible(join).startswith(f"Leerlingbespreking over {pupil} is bezig")
    all_accepted(harness)


# ---------------------------------------------------------------- forged button data

FORGED = [
    pytest.param("hello", ANNA, STALE, id="not-our-format"),
    pytest.param("", ANNA, STALE, id="empty"),
    # A private chat's buttons, forged into the group: never acted on there.
    pytest.param("r1|1|d", ANNA, STALE, id="reminder-button-in-the-group"),
    pytest.param("v1|1|reached|0", ANNA, STALE, id="evaluation-button-in-the-group"),
    pytest.param("2|1|s||0", ANNA, STALE, id="a-future-version"),
    pytest.param("1|1|j|mentor|0|x", STRANGER, STALE, id="separator-injected"),
    pytest.param("1|1|j|" + "x" * 80 + "|0", STRANGER, STALE, id="over-64-bytes"),
    pytest.param("1|1|j|admin|0", STRANGER, STALE, id="a-role-that-does-not-exist"),
    pytest.param("1|1|a|abc|0", ANNA, STALE, id="note-arg-not-a-number"),
    pytest.param("1|1|a|²|0", ANNA, STALE, id="note-arg-superscript-digit"),
    pytest.param("1|1|a|99999999999999999999|0", ANNA, STALE, id="note-arg-huge"),
    pytest.param("1|1|p||99", FATMA, STALE, id="pass-with-a-step-from-the-future"),
    pytest.param("1|1|p||-1", FATMA, STALE, id="pass-with-a-negative-step"),
    pytest.param("1|1|x||0", FATMA, ONLY_CHAIR, id="skip-by-someone-not-chair"),
    pytest.param("1|x|s||0", ANNA, STALE, id="meeting-id-not-a-number"),
    pytest.param("1|999|x||0", ANNA, STALE, id="meeting-that-does-not-exist"),
    pytest.param(
        "1|²|x||0",
        ANNA,
        STALE,
        id="meeting-id-superscript-digit",
    ),
    pytest.param(
        "1|1|x||³",
        ANNA,
        STALE,
        id="step-superscript-digit",
    ),
    pytest.param(
        "1|" + "9" * 40 + "|x||0",
        ANNA,
        STALE,
        id="meeting-id-too-big-for-the-database",
    ),
]


@pytest.mark.parametrize(("forged", "by", "popup"), FORGED)
async def test_forged_button_data_is_refused_and_changes_nothing(
    harness: Harness, forged: str, by: User, popup: str
) -> None:
    await started(harness)
    before = await meeting(harness)
    mark = len(harness.request.calls)

    await harness.send(press_on(harness, by, forged))

    assert popups(harness, mark) == [popup]
    assert since(harness, mark, "sendMessage") == []  # no question, no notice
    assert await meeting(harness) == before
    all_accepted(harness)


# ---------------------------------------------------------------- commands by outsiders

OUTSIDERS = [
    pytest.param(STRANGER, "/stop", ONLY_CHAIR_OR_ADMIN, id="stop-by-non-member"),
    pytest.param(STRANGER, "/voorzitter", ONLY_CHAIR_OR_ADMIN, id="voorzitter-by-non-member"),
    pytest.param(STRANGER, "/terug", ONLY_CHAIR, id="terug-by-non-member"),
    pytest.param(STRANGER, "/volgende", ONLY_CHAIR, id="volgende-by-non-member"),
    pytest.param(STRANGER, "/overslaan", ONLY_CHAIR, id="overslaan-by-non-member"),
    pytest.param(STRANGER, "/pas", FOR_FATMA, id="pas-by-non-member"),
    pytest.param(MO, "/pas", FOR_FATMA, id="pas-by-participant-not-at-turn"),
    pytest.param(MO, "/volgende@RondetafelTestBot", ONLY_CHAIR, id="volgende-at-botname"),
]


@pytest.mark.parametrize(("by", "command", "told"), OUTSIDERS)
async def test_a_command_by_someone_who_may_not_is_answered_and_changes_nothing(
    harness: Harness, by: User, command: str, told: str
) -> None:
    await started(harness)
    before = await meeting(harness)
    mark = len(harness.request.calls)

    update = harness.group.command(by, command)
    await harness.send(update)

    said = since(harness, mark, "sendMessage")
    assert {c.method for c in since(harness, mark)} <= {"sendMessage", "getChatMember"}
    assert [c.text for c in said] == [told]
    assert update.message is not None
    assert said[0].params["reply_parameters"]["message_id"] == update.message.message_id
    assert await meeting(harness) == before
    all_accepted(harness)


# ---------------------------------------------------------------- scenarios


async def replayed_pass(harness: Harness) -> None:
    """Fatma taps ⏭ twice: one pass; the second tap is not hers any more."""
    await started(harness)
    pass_data, message_id = harness.button(Button.PASS)
    mark = len(harness.request.calls)
    await harness.send(press_on(harness, FATMA, pass_data, message_id))
    await harness.send(press_on(harness, FATMA, pass_data, message_id))
    assert popups(harness, mark)[-1] == "Deze knop is voor Mo."
    assert [asks(q, MO) for q in questions(since(harness, mark))] == [True]
    state = await meeting(harness)
    assert [c.mark for c in state.contributions] == [Mark.PASSED]


async def replayed_skip(harness: Harness) -> None:
    """The chair taps ⏩ twice on the same message: one skip, then "niet meer actueel"."""
    await started(harness)
    skip_data, message_id = harness.button(Button.SKIP)
    mark = len(harness.request.calls)
    await harness.send(press_on(harness, ANNA, skip_data, message_id))
    await harness.send(press_on(harness, ANNA, skip_data, message_id))
    assert popups(harness, mark)[-1] == STALE
    assert [asks(q, MO) for q in questions(since(harness, mark))] == [True]
    state = await meeting(harness)
    assert [c.mark for c in state.contributions] == [Mark.SKIPPED]


async def replayed_accept_note(harness: Harness) -> None:
    """The chair taps ➕ on a side note twice: one point; "al behandeld"."""
    await started(harness)
    await harness.answer(MO, "Ik wil ook iets zeggen")  # Fatma's turn: a side note
    accept, message_id = harness.button(Button.ACCEPT_NOTE)
    mark = len(harness.request.calls)
    await harness.send(press_on(harness, ANNA, accept, message_id))
    await harness.send(press_on(harness, ANNA, accept, message_id))
    assert popups(harness, mark) == ["Toegevoegd aan de punten.", NOTE_HANDLED]
    assert await points(harness) == ["Ik wil ook iets zeggen"]


async def double_tapped_start(harness: Harness) -> None:
    """The chair double-taps ▶️ Start: one meeting, one first question, and the meeting
    message keeps its new controls."""
    await harness.setup_meeting()
    start, message_id = harness.button(Button.START)
    mark = len(harness.request.calls)
    await harness.send(press_on(harness, ANNA, start, message_id))
    await harness.send(press_on(harness, ANNA, start, message_id))
    assert popups(harness, mark)[-1] == STALE
    assert len(questions(since(harness, mark))) == 1
    cleared = [
        c
        for c in since(harness, mark, "editMessageReplyMarkup")
        if c.params["message_id"] == message_id
    ]
    assert cleared == [], "the live meeting message lost its controls"


async def stale_kind_after_start(harness: Harness) -> None:
    """A kind button pressed on a not yet updated meeting message after the start: stale,
    the kind stays, and the live meeting message keeps its controls."""
    await harness.setup_meeting()
    kind, message_id = harness.button(Button.KIND, "mdo")
    await harness.press(ANNA, Button.START)
    mark = len(harness.request.calls)
    await harness.send(press_on(harness, FATMA, kind, message_id))
    assert popups(harness, mark) == [STALE]
    assert (await meeting(harness)).kind.value == "pupil"  # type: ignore[union-attr]
    assert since(harness, mark, "editMessageReplyMarkup") == [], "controls removed"


async def button_of_a_stopped_meeting(harness: Harness) -> None:
    """Joining on the message of a stopped meeting: stale, nobody joins."""
    await harness.setup_meeting()
    join, message_id = harness.button(Button.JOIN, "external")
    await harness.send(harness.group.command(ANNA, "/stop"))
    await harness.press(ANNA, Button.STOP_YES)
    mark = len(harness.request.calls)
    await harness.send(press_on(harness, STRANGER, join, message_id))
    assert popups(harness, mark) == [STALE]
    state = await meeting(harness)
    assert state.status is Status.STOPPED and STRANGER.id not in [
        p.user_id for p in state.participants
    ]
    assert since(harness, mark, "sendMessage") == []


async def same_answer_update_twice(harness: Harness) -> None:
    """Telegram delivers Fatma's answer twice (same update_id): one answer, one next question."""
    await started(harness)
    update = harness.group.reply(FATMA, "Hij leest graag", harness.last_question().message_id)
    mark = len(harness.request.calls)
    await harness.send(update)
    await harness.send(update)
    assert len(questions(since(harness, mark))) == 1
    assert since(harness, mark, "sendMessage") == questions(since(harness, mark)), "a side note"
    state = await meeting(harness)
    assert [c.text for c in state.contributions] == ["Hij leest graag"]


async def same_join_update_twice(harness: Harness) -> None:
    """A join press delivered twice: handled once, one participant, one pop-up."""
    await harness.send(harness.group.command(ANNA, "/overleg"))
    await harness.answer(ANNA, "S.B.")
    join, message_id = harness.button(Button.JOIN, "mentor")
    update = press_on(harness, MO, join, message_id)
    mark = len(harness.request.calls)
    await harness.send(update)
    await harness.send(update)
    assert popups(harness, mark) == ["Je doet mee als mentor / leerkracht."]
    state = await meeting(harness)
    assert [p.user_id for p in state.participants] == [ANNA.id, MO.id]


async def same_overleg_update_twice(harness: Harness) -> None:
    """/overleg delivered twice: one meeting, one question for the pupil's name."""
    update = harness.group.command(ANNA, "/overleg")
    await harness.send(update)
    await harness.send(update)
    assert len(questions(harness.messages())) == 1
    assert "Er loopt hier al een overleg" not in harness.last_text()  # handled once

    async def count(repos: Repositories) -> bool:
        return await repos.meetings.get(2) is None

    assert await in_transaction(harness.db, count)


async def same_edit_twice(harness: Harness) -> None:
    """An edit delivered twice: the points follow it once, nothing is said."""
    await started(harness)
    answer_id = await harness.answer(FATMA, "Hij leest")
    update = harness.group.edit(FATMA, answer_id, "Hij leest\nHij rekent")
    mark = len(harness.request.calls)
    await harness.send(update)
    await harness.send(update)
    assert await points(harness) == ["Hij leest", "Hij rekent"]
    assert since(harness, mark, "sendMessage") == []


async def last_answer_twice(harness: Harness) -> None:
    """The answer that ends the meeting, delivered twice: one summary, one report."""
    await started(harness)
    await to_last_phase(harness)
    await harness.answer(FATMA, "Top: hij leest")
    await harness.answer(MO, "Tip: meer pauzes")
    update = harness.group.reply(ANNA, "Dank jullie", harness.last_question().message_id)
    await harness.send(update)
    await harness.send(update)
    assert len(summaries(harness)) == 1
    assert len(harness.request.sent("sendDocument")) == 1
    assert (await meeting(harness)).status is Status.FINISHED


async def edit_after_close(harness: Harness) -> None:
    """Fatma edits her answer after the summary was posted: told so; the record stays."""
    await started(harness)
    answer_id = await harness.answer(FATMA, "Hij leest graag")
    await to_last_phase(harness)
    for user in (FATMA, MO, ANNA):
        await harness.answer(user, "-")
    assert (await meeting(harness)).status is Status.FINISHED
    mark = len(harness.request.calls)
    await harness.send(harness.group.edit(FATMA, answer_id, "<b>Iets heel anders</b>"))
    said = since(harness, mark)
    assert [c.text for c in said] == [AFTER_CLOSE]
    assert said[0].params["reply_parameters"]["message_id"] == answer_id
    assert await points(harness) == ["Hij leest graag"]
    assert len(summaries(harness)) == 1


async def edit_after_close_while_a_new_meeting_runs(harness: Harness) -> None:
    """The same edit, but the group already started its next meeting: still told so."""
    await started(harness)
    answer_id = await harness.answer(FATMA, "Hij leest graag")
    await to_last_phase(harness)
    for user in (FATMA, MO, ANNA):
        await harness.answer(user, "-")
    await harness.send(harness.group.command(ANNA, "/overleg"))  # the pupil is known
    assert (await meeting(harness, 2)).status is Status.GATHERING
    mark = len(harness.request.calls)
    await harness.send(harness.group.edit(FATMA, answer_id, "Iets heel anders"))
    assert [c.text for c in since(harness, mark)] == [AFTER_CLOSE]
    assert await points(harness) == ["Hij leest graag"]


async def stop_confirmation_of_an_earlier_prompt(harness: Harness) -> None:
    """The chair's "Ja, stoppen" tapped after the meeting moved on: stale; it goes on."""
    await started(harness)
    await harness.send(harness.group.command(ANNA, "/stop"))
    yes, message_id = harness.button(Button.STOP_YES)
    await harness.answer(FATMA, "Hij leest graag")  # the next prompt
    mark = len(harness.request.calls)
    await harness.send(press_on(harness, ANNA, yes, message_id))
    assert popups(harness, mark) == [STALE]
    cleared = since(harness, mark, "editMessageReplyMarkup")
    assert [c.params["message_id"] for c in cleared] == [message_id]  # its buttons go
    assert (await meeting(harness)).status is Status.RUNNING
    assert since(harness, mark, "sendMessage") == []


async def reply_in_a_group_without_a_meeting(harness: Harness) -> None:
    """A reply to an old bot message where no meeting runs: the bot stays quiet."""
    await harness.send(harness.group.reply(FATMA, "Hallo?", 42))
    assert harness.request.sent("sendMessage") == []

    async def none(repos: Repositories) -> bool:
        return await repos.meetings.active_in_chat(harness.group.id) is None

    assert await in_transaction(harness.db, none)


async def button_in_a_group_without_a_meeting(harness: Harness) -> None:
    """A (well-formed) button of a meeting that does not exist: stale, buttons removed."""
    mark = len(harness.request.calls)
    await harness.send(press_on(harness, ANNA, data(1, Button.START), 42))
    assert popups(harness, mark) == [STALE]
    assert [c.method for c in since(harness, mark) if c.method != "answerCallbackQuery"] == [
        "editMessageReplyMarkup"
    ]


async def another_chats_meeting_id(harness: Harness) -> None:
    """Buttons naming the other group's meeting act on neither meeting; nothing crosses over."""
    await harness.setup_meeting()  # meeting 1, about S.B., here
    other = GroupChat(harness.app.bot, id=OTHER_GROUP, title="Andere groep")
    await harness.send(other.command(ANNA, "/overleg"))
    await harness.send(other.reply(ANNA, "K.L.", harness.last_question().message_id))
    assert (await meeting(harness, 2)).pupil == "K.L."
    here, there = await meeting(harness, 1), await meeting(harness, 2)
    mark = len(harness.request.calls)

    # Anna chairs both; a start of meeting 2 pressed here, a join of meeting 1 pressed there.
    await harness.send(press_on(harness, ANNA, data(2, Button.START), 1))
    await harness.send(other.press(STRANGER, data(1, Button.JOIN, "external"), 1))

    assert popups(harness, mark) == [STALE, STALE]
    assert since(harness, mark, "sendMessage") == []
    assert (await meeting(harness, 1), await meeting(harness, 2)) == (here, there)
    for call in harness.request.calls:
        chat = int(call.params.get("chat_id", 0))
        assert not (chat == OTHER_GROUP and "S.B." in call.text)
        assert not (chat == harness.group.id and "K.L." in call.text)


async def left_the_group(harness: Harness) -> None:
    """Mo leaves the group during his turn: the meeting goes on, the chair skips him."""
    await started(harness)
    await harness.answer(FATMA, "Hij leest graag")
    assert asks(harness.last_question(), MO)
    mark = len(harness.request.calls)
    left = message_json(harness, MO.as_json(), left_chat_member=MO.as_json())
    await harness.send(make_update(harness, message=left))
    member = {
        "chat": chat_json(harness.group.id),
        "from": MO.as_json(),
        "date": int(time.time()),
        "old_chat_member": {"status": "member", "user": MO.as_json()},
        "new_chat_member": {"status": "left", "user": MO.as_json()},
    }
    await harness.send(make_update(harness, chat_member=member))
    assert since(harness, mark) == []  # nothing said, nothing changed

    await harness.send(harness.group.command(ANNA, "/overslaan"))
    assert asks(harness.last_question(), ANNA)
    state = await meeting(harness)
    assert state.status is Status.RUNNING
    assert [c.mark for c in state.contributions] == [Mark.POINT, Mark.SKIPPED]


async def twenty_join(harness: Harness) -> None:
    """20 people with long, markup-laden names join: all shown, within Telegram's limits
    (the text ≤ 4096, the keyboards ≤ 100 buttons), also an agreement's owner buttons."""
    await harness.send(harness.group.command(ANNA, "/overleg"))
    await harness.answer(ANNA, "S.B.")
    roles = ("mentor", "parent", "care", "mentor")  # an external needs consent first
    people = [User(200 + i, f"<b>Ouder&Co {i:02d}</b> " + "é" * 44) for i in range(20)]
    for i, person in enumerate(people):
        await harness.press(person, Button.JOIN, roles[i % len(roles)])
    await harness.press(ANNA, Button.START)
    join = harness.request.sent("editMessageText")[-1]
    assert all(p.first_name in visible(join) for p in people)
    state = await meeting(harness)
    assert len(state.participants) == 21
    # On to the agreements: each person is an owner button.
    for _ in range(6):
        await harness.send(harness.group.command(ANNA, "/volgende"))
    state = await meeting(harness)
    assert state.phase is not None and state.phase.type.value == "agreements"
    current = state.current
    assert current is not None
    speaker = next(p for p in people if p.id == current.user_id)
    await harness.answer(speaker, "Elke dag lezen")
    agreement = harness.messages()[-1]
    # 1, 2, 6 weeks, ongoing, before the holiday, and 21 owners: within the 100 allowed.
    assert len(agreement.buttons()) == 5 + 21


async def anonymous_admin_reply(harness: Harness) -> None:
    """An anonymous admin answers the question: asked to show their name; nothing stored."""
    await started(harness)
    sender = {**ANONYMOUS_ADMIN.as_json(), "is_bot": True, "username": "GroupAnonymousBot"}
    reply = message_json(
        harness,
        sender,
        text="Ik ben de moeder",
        sender_chat=chat_json(harness.group.id),
        reply_to_message=bot_message_json(harness, harness.last_question().message_id),
    )
    before = await meeting(harness)
    mark = len(harness.request.calls)
    await harness.send(make_update(harness, message=reply))
    said = since(harness, mark)
    assert len(said) == 1 and said[0].text.startswith(ANONYMOUS)
    assert said[0].params["reply_parameters"]["message_id"] == reply["message_id"]
    assert await meeting(harness) == before


async def sticker_as_answer(harness: Harness) -> None:
    """A sticker as the answer: asked for text; nothing stored; still Fatma's turn."""
    await started(harness)
    before = await meeting(harness)
    mark = len(harness.request.calls)
    await harness.send(harness.group.sticker_reply(FATMA, harness.last_question().message_id))
    assert [c.text for c in since(harness, mark)] == [TEXT_ONLY]
    assert await meeting(harness) == before


async def photo_with_caption_as_answer(harness: Harness) -> None:
    """A photo with a caption as the answer: asked for text (the caption is not read)."""
    await started(harness)
    before = await meeting(harness)
    photo = [{"file_id": "p", "file_unique_id": "p", "width": 90, "height": 90}]
    reply = message_json(
        harness,
        FATMA.as_json(),
        photo=photo,
        caption="Zijn rapport <b>hier</b>",
        reply_to_message=bot_message_json(harness, harness.last_question().message_id),
    )
    mark = len(harness.request.calls)
    await harness.send(make_update(harness, message=reply))
    assert [c.text for c in since(harness, mark)] == [TEXT_ONLY]
    assert await meeting(harness) == before


async def reply_to_another_person(harness: Harness) -> None:
    """Fatma replies to Mo's message, not to the bot: ignored, nothing said or stored."""
    await started(harness)
    before = await meeting(harness)
    mo_said = message_json(harness, MO.as_json(), text="Wat vinden jullie?")
    reply = message_json(harness, FATMA.as_json(), text="Goed idee", reply_to_message=mo_said)
    mark = len(harness.request.calls)
    await harness.send(make_update(harness, message=reply))
    assert since(harness, mark) == []
    assert await meeting(harness) == before


async def html_side_note(harness: Harness) -> None:
    """Markup in an out-of-turn reply: the chair sees it as text on the side note."""
    await started(harness)
    typed = "<b>Let op</b> & <script>x()</script>"
    await harness.answer(MO, typed)
    note = harness.messages()[-1]
    assert f"(niet aan de beurt): {typed}" in visible(note)
    assert "<script>" not in note.text


SCENARIOS = [
    pytest.param(replayed_pass, id="replayed-pass-press"),
    pytest.param(replayed_skip, id="replayed-skip-press"),
    pytest.param(replayed_accept_note, id="replayed-accept-side-note"),
    pytest.param(
        double_tapped_start,
        id="double-tapped-start",
    ),
    pytest.param(
        stale_kind_after_start,
        id="kind-button-after-start",
    ),
    pytest.param(button_of_a_stopped_meeting, id="button-of-a-stopped-meeting"),
    pytest.param(
        same_answer_update_twice,
        id="same-answer-update-twice",
    ),
    pytest.param(same_join_update_twice, id="same-join-update-twice"),
    pytest.param(same_overleg_update_twice, id="same-overleg-update-twice"),
    pytest.param(same_edit_twice, id="same-edit-update-twice"),
    pytest.param(last_answer_twice, id="last-answer-update-twice"),
    pytest.param(edit_after_close, id="edit-after-the-summary"),
    pytest.param(
        edit_after_close_while_a_new_meeting_runs,
        id="edit-after-the-summary-during-the-next-meeting",
    ),
    pytest.param(
        stop_confirmation_of_an_earlier_prompt, id="stop-confirmation-of-an-earlier-prompt"
    ),
    pytest.param(reply_in_a_group_without_a_meeting, id="reply-where-no-meeting-runs"),
    pytest.param(button_in_a_group_without_a_meeting, id="button-where-no-meeting-runs"),
    pytest.param(another_chats_meeting_id, id="buttons-of-another-chats-meeting"),
    pytest.param(left_the_group, id="participant-leaves-the-group"),
    pytest.param(twenty_join, id="twenty-participants"),
    pytest.param(anonymous_admin_reply, id="anonymous-admin-reply"),
    pytest.param(sticker_as_answer, id="sticker-as-answer"),
    pytest.param(photo_with_caption_as_answer, id="photo-as-answer"),
    pytest.param(reply_to_another_person, id="reply-to-another-person"),
    pytest.param(html_side_note, id="html-in-a-side-note"),
]


@pytest.mark.parametrize("scenario", SCENARIOS)
async def test_odd_input_loses_leaks_and_doubles_nothing(
    harness: Harness, scenario: Scenario
) -> None:
    await scenario(harness)
    all_accepted(harness)
