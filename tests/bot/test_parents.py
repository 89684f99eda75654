"""Parents between meetings, through the real Application: the invitation, the welcome in
their language, what they share (and change, and delete), the mentor hearing of it, /stop,
and the next meeting reading it in.

Anna chairs the case of S.B. in the group, Mo is its mentor; Ayşe, the mother, reads
Turkish better than Dutch and has never been in the group.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select

from rondetafel.bot import family_texts as say
from rondetafel.bot import invite_texts as staff
from rondetafel.bot.callback_data import (
    FamilyData,
    decode_family,
    decode_notify,
    encode_family,
)
from rondetafel.bot.context import SERVICES
from rondetafel.bot.texts import WHY, texts
from rondetafel.flows.effects import Why
from rondetafel.flows.events import Button
from rondetafel.flows.family import ENDONYMS, KIND_NAMES, HomeKind, Relation
from rondetafel.flows.prompts import FamilyButton
from rondetafel.storage.audit import FAMILY_ERASED, FAMILY_JOINED, HOME_SHARED, INVITED
from rondetafel.storage.models import FamilyMemberRow, HomeContributionRow, InviteRow
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction
from tests.support.recording import Call
from tests.support.updates import GroupChat, User, private_message, private_press

from .conftest import ANNA, FATMA, MO, Harness

AYSE = User(21, "Ayşe", "tr")
OTHER = User(22, "Olga", "pl")
NL, TR = texts("nl"), texts("tr")
WELL = "Ödevini kendi başına yapıyor"
HARD = "Sabahları kalkmak çok zor"
TOKEN = re.compile(r"https://t\.me/\w+\?start=([A-Za-z0-9_-]+)")


# ---------------------------------------------------------------- helpers


def private_calls(harness: Harness, user: User) -> list[Call]:
    return [
        c
        for c in harness.request.calls
        if c.method in ("sendMessage", "editMessageText") and int(c.params["chat_id"]) == user.id
    ]


def last_private(harness: Harness, user: User) -> Call:
    return private_calls(harness, user)[-1]


def family_button(harness: Harness, user: User, button: FamilyButton, arg: str = "") -> str:
    for call in reversed(private_calls(harness, user)):
        for b in call.buttons():
            data = decode_family(b.get("callback_data", ""))
            if data is not None and data.button is button and data.arg == arg:
                return str(b["callback_data"])
    raise AssertionError(f"no {button} button for {user.first_name}")


async def press_family(harness: Harness, user: User, button: FamilyButton, arg: str = "") -> None:
    data = family_button(harness, user, button, arg)
    message_id = next(
        c.message_id
        for c in reversed(private_calls(harness, user))
        if any(b.get("callback_data") == data for b in c.buttons())
    )
    await harness.send(private_press(harness.app.bot, user, data, message_id))


async def say_privately(harness: Harness, user: User, text: str) -> None:
    await harness.send(private_message(harness.app.bot, user, text))


async def a_case(harness: Harness) -> None:
    """Anna's meeting about S.B. is gathering: the case exists; Mo opened his private chat."""
    await harness.setup_meeting()
    await say_privately(harness, MO, "/start")


async def invite(harness: Harness, by: User = MO, relation: Relation = Relation.PARENT) -> str:
    """`by` asks for a link in the group and picks `relation`: the token they got privately."""
    await harness.send(harness.group.command(by, "/uitnodigen"))
    pick = harness.messages()[-1]
    [data] = [b["callback_data"] for b in pick.buttons() if b["callback_data"].endswith(relation)]
    await harness.send(harness.group.press(by, data, pick.message_id))
    found = TOKEN.search(last_private(harness, by).text)
    assert found is not None
    return found.group(1)


async def joined(harness: Harness, user: User = AYSE) -> None:
    """`user` opens a fresh link and agrees."""
    token = await invite(harness)
    await say_privately(harness, user, f"/start {token}")
    await press_family(harness, user, FamilyButton.CONFIRM)


async def share(harness: Harness, user: User, kind: HomeKind, text: str) -> None:
    await press_family(harness, user, FamilyButton.ADD, kind.value)
    await say_privately(harness, user, text)


async def count(harness: Harness, column: object, *where: object) -> int:
    async with harness.db.connection() as connection:
        return int(await connection.scalar(select(func.count(column)).where(*where)) or 0)  # type: ignore[arg-type]


async def shared_texts(harness: Harness) -> list[str]:
    async with harness.db.connection() as connection:
        rows = await connection.execute(
            select(HomeContributionRow.text).order_by(HomeContributionRow.id)
        )
        return [text for (text,) in rows]


async def audited(harness: Harness) -> list[str]:
    """The audit trail of the group's case, as action names."""

    async def read(repos: Repositories) -> list[str]:
        case = await repos.cases.for_chat(harness.group.id)
        assert case is not None
        return [entry.action for entry in await repos.audit.for_case(case.id)]

    return await in_transaction(harness.db, read)


# ---------------------------------------------------------------- the invitation


async def test_the_mentor_gets_a_single_use_link_privately_with_nothing_about_the_pupil(
    harness: Harness,
) -> None:
    await a_case(harness)
    token = await invite(harness)
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", token) and len(token) >= 32
    assert "S.B." not in token and "SB" not in token
    link = last_private(harness, MO).text
    assert "S.B." in link  # the inviter reads whom it is about; the link does not say
    # The group learns only that it was sent.
    [popup] = [c for c in harness.request.sent("answerCallbackQuery") if c.params.get("text")][-1:]
    assert popup.params["text"] == NL(staff.SENT)
    async with harness.db.connection() as connection:
        stored = (await connection.execute(select(InviteRow))).one()
    assert stored.token_hash != token and token not in stored.token_hash
    assert INVITED in await audited(harness)


async def test_without_a_private_chat_the_inviter_is_told_how_to_open_one(
    harness: Harness,
) -> None:
    await harness.setup_meeting()
    await harness.send(harness.group.command(MO, "/uitnodigen"))
    pick = harness.messages()[-1]
    data = pick.buttons()[0]["callback_data"]
    await harness.send(harness.group.press(MO, data, pick.message_id))
    assert "/uitnodigen" in harness.last_text()
    assert await count(harness, InviteRow.id) == 0


async def test_a_parent_in_the_meeting_may_not_invite(harness: Harness) -> None:
    await a_case(harness)
    await harness.send(harness.group.command(FATMA, "/uitnodigen"))
    assert harness.last_text() == NL.html(WHY[Why.ONLY_CHAIR], name=ANNA.first_name)


# ---------------------------------------------------------------- the welcome


async def test_the_welcome_is_in_the_parents_language_and_says_what_is_stored(
    harness: Harness,
) -> None:
    await a_case(harness)
    token = await invite(harness)
    await say_privately(harness, AYSE, f"/start {token}")
    welcome = last_private(harness, AYSE)
    school = harness.app.bot_data[SERVICES].settings.school_name
    assert TR.html(say.WELCOME, school=school, pupil="S.B.") in welcome.text
    assert TR.html(say.WHAT_IS_STORED, pupil="S.B.") in welcome.text
    labels = [b["text"] for b in welcome.buttons()]
    assert "• " + ENDONYMS["tr"] in labels  # preselected from her Telegram app
    assert TR(say.AGREE) in labels
    # Nothing may be shared before she agrees.
    async with harness.db.connection() as connection:
        member = (await connection.execute(select(FamilyMemberRow))).one()
    assert member.confirmed_at is None and member.language == "tr"


async def test_choosing_another_language_rewrites_the_welcome_in_it(harness: Harness) -> None:
    await a_case(harness)
    await say_privately(harness, AYSE, f"/start {await invite(harness)}")
    await press_family(harness, AYSE, FamilyButton.LANGUAGE, "ar")
    edited = last_private(harness, AYSE)
    assert edited.method == "editMessageText"
    assert texts("ar")(say.AGREE) in [b["text"] for b in edited.buttons()]
    # Arabic reads right to left; the pupil's initials keep their order inside it.
    assert "\u2068S.B.\u2069" in edited.text
    await press_family(harness, AYSE, FamilyButton.CONFIRM)
    assert texts("ar")(KIND_NAMES[HomeKind.GOES_WELL]) in [
        b["text"] for b in last_private(harness, AYSE).buttons()
    ]
    assert FAMILY_JOINED in await audited(harness)


async def test_declining_stores_nothing(harness: Harness) -> None:
    await a_case(harness)
    token = await invite(harness)
    await say_privately(harness, AYSE, f"/start {token}")
    await press_family(harness, AYSE, FamilyButton.DECLINE)
    assert last_private(harness, AYSE).text == TR.html(say.DECLINED)
    # "Nothing was stored": not even her name and language.
    assert await count(harness, FamilyMemberRow.id) == 0
    # Her link is spent: opening it again says so.
    await say_privately(harness, AYSE, f"/start {token}")
    assert last_private(harness, AYSE).text == TR.html(say.LINK_USED)
    await say_privately(harness, AYSE, "/start")
    assert TR.html(say.MENU, pupil="S.B.", school="x")[:10] not in last_private(harness, AYSE).text


async def test_a_forwarded_link_says_so_and_does_nothing_else(harness: Harness) -> None:
    await a_case(harness)
    token = await invite(harness)
    await say_privately(harness, AYSE, f"/start {token}")
    await say_privately(harness, OTHER, f"/start {token}")
    assert last_private(harness, OTHER).text == texts("pl").html(say.LINK_USED)
    assert last_private(harness, OTHER).buttons() == []
    assert await count(harness, FamilyMemberRow.id) == 1


async def test_a_used_link_opened_again_by_the_parent_opens_their_menu(harness: Harness) -> None:
    await a_case(harness)
    token = await invite(harness)
    await say_privately(harness, AYSE, f"/start {token}")
    await press_family(harness, AYSE, FamilyButton.CONFIRM)
    await say_privately(harness, AYSE, f"/start {token}")
    assert FamilyButton.ADD in {
        d.button
        for b in last_private(harness, AYSE).buttons()
        if (d := decode_family(b["callback_data"])) is not None
    }


async def test_an_expired_link_says_so(harness: Harness) -> None:
    await a_case(harness)
    token = await invite(harness)
    harness.later(dt.timedelta(days=7))
    await say_privately(harness, AYSE, f"/start {token}")
    assert last_private(harness, AYSE).text == TR.html(say.LINK_EXPIRED)
    assert await count(harness, FamilyMemberRow.id) == 0


async def test_a_guessed_link_says_so(harness: Harness) -> None:
    await a_case(harness)
    await invite(harness)
    await say_privately(harness, AYSE, "/start " + "A" * 32)
    assert last_private(harness, AYSE).text == TR.html(say.LINK_UNKNOWN)
    assert await count(harness, FamilyMemberRow.id) == 0


# ---------------------------------------------------------------- sharing


async def test_each_kind_is_shared_in_the_parents_words_and_the_mentor_hears_of_it(
    harness: Harness,
) -> None:
    await a_case(harness)
    await joined(harness)
    for kind, text in (
        (HomeKind.GOES_WELL, WELL),
        (HomeKind.HARD, HARD),
        (HomeKind.QUESTION, "Sınıfta arkadaşı var mı?"),
        (HomeKind.NEEDS, "Net kısa talimatlar"),
    ):
        await press_family(harness, AYSE, FamilyButton.ADD, kind.value)
        asked = last_private(harness, AYSE)
        await say_privately(harness, AYSE, text)
        assert TR.html(say.SAVED) in last_private(harness, AYSE).text
        # The question she answered keeps its words; its Cancel button is gone.
        cleared = harness.request.sent("editMessageReplyMarkup")[-1]
        assert int(cleared.params["message_id"]) == asked.message_id
        told = last_private(harness, MO)
        assert NL(KIND_NAMES[kind]) in told.text and text in told.text
        assert NL.html(staff.WRITTEN_IN, language="Turks") in told.text
    assert await shared_texts(harness) == [
        WELL,
        HARD,
        "Sınıfta arkadaşı var mı?",
        "Net kısa talimatlar",
    ]
    assert (await audited(harness)).count(HOME_SHARED) == 4
    # Nothing from her private chat reached the group.
    assert not any(WELL in c.text for c in harness.messages() if int(c.params["chat_id"]) < 0)


async def test_a_parent_changes_and_deletes_what_no_meeting_used_yet(harness: Harness) -> None:
    await a_case(harness)
    await joined(harness)
    await share(harness, AYSE, HomeKind.GOES_WELL, WELL)
    await share(harness, AYSE, HomeKind.HARD, HARD)
    await press_family(harness, AYSE, FamilyButton.MINE)
    mine = last_private(harness, AYSE)
    assert WELL in mine.text and HARD in mine.text
    first, second = (
        d.arg
        for b in mine.buttons()
        if (d := decode_family(b["callback_data"])) and d.button is FamilyButton.ITEM
    )
    await press_family(harness, AYSE, FamilyButton.ITEM, first)
    await press_family(harness, AYSE, FamilyButton.EDIT)
    await say_privately(harness, AYSE, "Ödevini çoğu gün kendi yapıyor")
    assert TR.html(say.CHANGED) in last_private(harness, AYSE).text
    await press_family(harness, AYSE, FamilyButton.MINE)
    await press_family(harness, AYSE, FamilyButton.ITEM, second)
    await press_family(harness, AYSE, FamilyButton.DELETE)
    assert await shared_texts(harness) == ["Ödevini çoğu gün kendi yapıyor"]


async def test_empty_and_too_long_words_are_refused_and_given_back(harness: Harness) -> None:
    await a_case(harness)
    await joined(harness)
    await press_family(harness, AYSE, FamilyButton.ADD, HomeKind.HARD.value)
    long = "Çok uzun " * 200
    await say_privately(harness, AYSE, long)
    assert last_private(harness, AYSE).text == long.replace("&", "&amp;")
    assert await shared_texts(harness) == []
    await say_privately(harness, AYSE, HARD)  # still writing: the next words count
    assert await shared_texts(harness) == [HARD]


async def test_someone_elses_buttons_do_nothing(harness: Harness) -> None:
    await a_case(harness)
    await joined(harness)
    member = decode_family(family_button(harness, AYSE, FamilyButton.MINE))
    assert member is not None
    forged = encode_family(FamilyData(member.member_id, FamilyButton.MINE))
    await harness.send(private_press(harness.app.bot, OTHER, forged, 999))
    popup = harness.request.sent("answerCallbackQuery")[-1]
    assert popup.params["text"] == texts("nl")(WHY[Why.STALE_BUTTON])
    assert private_calls(harness, OTHER) == []


async def test_a_parent_of_two_pupils_picks_which(harness: Harness) -> None:
    await a_case(harness)
    await joined(harness)
    # A second group, a second case (her other child).
    other_group = GroupChat(harness.app.bot, id=-1009999)
    first_group, harness.group = harness.group, other_group
    await harness.setup_meeting(pupil="K.B.")
    await joined(harness)
    harness.group = first_group
    await say_privately(harness, AYSE, "/start")
    pick = last_private(harness, AYSE)
    assert pick.text == TR.html(say.PICK_CASE)
    assert sorted(b["text"] for b in pick.buttons()) == ["K.B.", "S.B."]


# ---------------------------------------------------------------- the mentor's digest


async def test_the_mentor_may_prefer_one_overview_a_day(harness: Harness) -> None:
    await a_case(harness)
    await joined(harness)
    await share(harness, AYSE, HomeKind.GOES_WELL, WELL)
    told = last_private(harness, MO)
    [choice] = told.buttons()
    assert decode_notify(choice["callback_data"]) is True
    await harness.send(private_press(harness.app.bot, MO, choice["callback_data"], told.message_id))
    before = len(private_calls(harness, MO))
    await share(harness, AYSE, HomeKind.HARD, HARD)
    assert len(private_calls(harness, MO)) == before  # no message per point now
    # The next morning at 08:30 the reminder loop's round sends the day's overview, once.
    harness.later(dt.timedelta(hours=19))
    await harness.remind()
    digest = last_private(harness, MO)
    assert NL.html(staff.DIGEST) in digest.text and HARD in digest.text and WELL not in digest.text
    await harness.remind()
    assert last_private(harness, MO) is digest


# ---------------------------------------------------------------- /stop


async def test_stop_keeps_what_was_shared_with_the_school_or_deletes_it(
    harness: Harness,
) -> None:
    await a_case(harness)
    await joined(harness)
    await share(harness, AYSE, HomeKind.GOES_WELL, WELL)
    await say_privately(harness, AYSE, "/stop")
    assert last_private(harness, AYSE).text == TR.html(say.LEAVE, pupil="S.B.")
    await press_family(harness, AYSE, FamilyButton.ERASE)
    assert last_private(harness, AYSE).text == TR.html(say.LEFT_ERASED, count=1)
    assert await shared_texts(harness) == []
    assert FAMILY_ERASED in await audited(harness)
    # She can no longer share: her buttons are stale, her words not for anyone.
    await say_privately(harness, AYSE, "/start")
    assert TR(KIND_NAMES[HomeKind.GOES_WELL]) not in str(last_private(harness, AYSE).buttons())


async def test_stop_and_keep(harness: Harness) -> None:
    await a_case(harness)
    await joined(harness)
    await share(harness, AYSE, HomeKind.GOES_WELL, WELL)
    await say_privately(harness, AYSE, "/stop")
    await press_family(harness, AYSE, FamilyButton.KEEP)
    assert last_private(harness, AYSE).text == TR.html(say.LEFT_KEPT, pupil="S.B.")
    assert await shared_texts(harness) == [WELL]


# ---------------------------------------------------------------- the meeting


async def test_the_meeting_reads_her_points_in_at_the_round_and_in_the_summary(
    harness: Harness,
) -> None:
    await a_case(harness)
    await joined(harness)
    await share(harness, AYSE, HomeKind.GOES_WELL, WELL)
    await share(harness, AYSE, HomeKind.HARD, HARD)
    await harness.press(ANNA, Button.START)
    sent = len(harness.messages())
    # The first round has nothing from home; the chair moves on to "what goes well".
    await harness.send(harness.group.command(ANNA, "/volgende"))
    round_texts = [c.text for c in harness.messages()[sent:]]
    from_home = next(t for t in round_texts if WELL in t)
    assert "Ayşe" in from_home and "Turks" in from_home
    assert HARD not in from_home  # its own round reads it
    # Read in: hers no longer to change.
    await press_family(harness, AYSE, FamilyButton.MINE)
    assert TR.html(say.USED_IN_MEETING) in last_private(harness, AYSE).text


async def test_a_parent_is_asked_in_turkish_inside_the_dutch_meeting(harness: Harness) -> None:
    await harness.send(harness.group.command(ANNA, "/overleg"))
    await harness.answer(ANNA, "S.B.")
    await say_privately(harness, MO, "/start")
    await harness.press(MO, Button.JOIN, "mentor")
    await joined(harness)
    # Ayşe comes to the group meeting after all.
    await harness.press(AYSE, Button.JOIN, "parent")
    await harness.press(ANNA, Button.START)
    for _ in range(3):
        question = harness.last_question()
        if f"tg://user?id={AYSE.id}" in question.text:
            break
        await harness.answer(MO if "id=12" in question.text else ANNA, "-")
    question = harness.last_question()
    assert f"tg://user?id={AYSE.id}" in question.text
    from rondetafel.bot.present import YOUR_ANSWER
    from rondetafel.flows.script import MEETING_GOALS, Role

    turkish = TR(MEETING_GOALS.question_for(Role.PARENT) or "")
    assert turkish in question.text
    assert question.markup["input_field_placeholder"] == TR(YOUR_ANSWER)
    # The rest of the meeting stays Dutch: the progress line.
    assert "Fase 1/" in question.text


# ---------------------------------------------------------------- after the meeting


async def to_the_end(harness: Harness) -> None:
    """The chair closes every round, sets the evaluation (the first quick choice), and the
    meeting finishes."""
    from rondetafel.bot.callback_data import decode

    for _ in range(30):
        last = [c for c in harness.messages() if int(c.params["chat_id"]) < 0][-1]
        choices = [
            b["callback_data"]
            for b in last.buttons()
            if (d := decode(b.get("callback_data", ""))) and d.button is Button.EVALUATION
        ]
        if choices:
            await harness.send(harness.group.press(ANNA, choices[0], last.message_id))
        elif NL("Summary") in last.text:
            return
        else:
            await harness.send(harness.group.command(ANNA, "/volgende"))
    raise AssertionError("the meeting did not finish")


async def test_afterwards_the_parent_gets_the_summary_and_later_the_question_about_home(
    harness: Harness,
) -> None:
    await a_case(harness)
    await joined(harness)
    await share(harness, AYSE, HomeKind.GOES_WELL, WELL)
    await harness.press(ANNA, Button.START)
    await to_the_end(harness)
    intro, summary = private_calls(harness, AYSE)[-2:]
    assert intro.text == TR.html(say.SUMMARY_INTRO, pupil="S.B.")
    assert TR("Summary") in summary.text and WELL in summary.text
    # On the evaluation date, at 08:30, she is asked what she sees at home now.
    async with harness.db.connection() as connection:
        from rondetafel.storage.models import EvaluationRow

        due = (await connection.scalars(select(EvaluationRow.due))).one()
    harness.now[0] = dt.datetime.combine(due, dt.time(8, 30), tzinfo=harness.now[0].tzinfo)
    await harness.remind()
    asked = last_private(harness, AYSE)
    assert asked.text == TR.html(say.HOME_NOW, pupil="S.B.")
    await press_family(harness, AYSE, FamilyButton.ADD, HomeKind.NOW.value)
    await say_privately(harness, AYSE, "Artık her sabah kendisi kalkıyor")
    assert (await shared_texts(harness))[-1] == "Artık her sabah kendisi kalkıyor"


async def test_help_and_privacy_speak_the_parents_language_about_their_case(
    harness: Harness,
) -> None:
    await a_case(harness)
    await joined(harness)
    await say_privately(harness, AYSE, "/privacy")
    assert last_private(harness, AYSE).text == TR.html(say.WHAT_IS_STORED, pupil="S.B.")
    await say_privately(harness, AYSE, "/help")
    assert TR(KIND_NAMES[HomeKind.GOES_WELL]) in [
        b["text"] for b in last_private(harness, AYSE).buttons()
    ]


async def test_a_meeting_stopped_before_its_end_leaves_her_points_to_the_next(
    harness: Harness,
) -> None:
    await a_case(harness)
    await joined(harness)
    await share(harness, AYSE, HomeKind.QUESTION, "Sınıfta arkadaşı var mı?")
    await harness.press(ANNA, Button.START)  # the first round reads her question in
    async with harness.db.connection() as connection:
        read_in = (await connection.scalars(select(HomeContributionRow.meeting_id))).one()
    assert read_in is not None
    await harness.send(harness.group.command(ANNA, "/stop"))
    await harness.press(ANNA, Button.STOP_YES)
    async with harness.db.connection() as connection:
        waiting = (await connection.scalars(select(HomeContributionRow.meeting_id))).one()
    assert waiting is None
    await press_family(harness, AYSE, FamilyButton.MINE)
    assert TR.html(say.USED_IN_MEETING) not in last_private(harness, AYSE).text


async def test_a_mentor_who_opens_the_private_chat_later_hears_what_was_shared(
    harness: Harness,
) -> None:
    await harness.setup_meeting()
    await say_privately(harness, ANNA, "/start")
    token = await invite(harness, by=ANNA)  # the chair invites; Mo has no private chat yet
    await say_privately(harness, AYSE, f"/start {token}")
    await press_family(harness, AYSE, FamilyButton.CONFIRM)
    await share(harness, AYSE, HomeKind.HARD, HARD)
    assert private_calls(harness, MO) == []
    await say_privately(harness, MO, "/start")
    assert HARD in last_private(harness, MO).text
    await say_privately(harness, MO, "/start")  # once
    assert HARD not in last_private(harness, MO).text


async def test_every_screen_offers_exactly_the_buttons_its_prompt_takes(harness: Harness) -> None:
    """The parent's keyboards and the prompt table (flows.prompts.FAMILY_PROMPTS) agree."""
    from rondetafel.flows.prompts import FAMILY_PROMPTS, FamilyPrompt

    async def prompt_now() -> FamilyPrompt:
        async with harness.db.connection() as connection:
            return FamilyPrompt((await connection.scalars(select(FamilyMemberRow.prompt))).one())

    async def agrees() -> None:
        shown = {
            d.button
            for b in last_private(harness, AYSE).buttons()
            if (d := decode_family(b["callback_data"])) is not None
        }
        assert shown == set(FAMILY_PROMPTS[await prompt_now()])

    await a_case(harness)
    await say_privately(harness, AYSE, f"/start {await invite(harness)}")
    await agrees()  # welcome
    await press_family(harness, AYSE, FamilyButton.CONFIRM)
    await agrees()  # menu
    await press_family(harness, AYSE, FamilyButton.LANGUAGE)
    await agrees()  # languages
    await press_family(harness, AYSE, FamilyButton.MENU)
    await press_family(harness, AYSE, FamilyButton.ADD, HomeKind.GOES_WELL.value)
    await agrees()  # writing
    await say_privately(harness, AYSE, WELL)
    await agrees()  # the menu again
    await press_family(harness, AYSE, FamilyButton.MINE)
    await agrees()  # what she shared
    item = next(
        d.arg
        for b in last_private(harness, AYSE).buttons()
        if (d := decode_family(b["callback_data"])) and d.button is FamilyButton.ITEM
    )
    await press_family(harness, AYSE, FamilyButton.ITEM, item)
    await agrees()  # one point
    await press_family(harness, AYSE, FamilyButton.EDIT)
    await agrees()  # editing
    await say_privately(harness, AYSE, "/stop")
    await agrees()  # leaving
