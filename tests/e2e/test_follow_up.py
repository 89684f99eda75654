"""Between meetings, on the wire: a reminder, the evaluation in private, the next meeting.

The real bot in long polling against the stand-in, on a clock the test moves
(`DemoClock`): a meeting with agreements and an evaluation date, then the
morning an agreement's reminder is due, then the evaluation date. Each time
the reminder loop runs (`run_reminders`: what the loop's own task does every
30 seconds), and the people answer on their phones, in their private chats,
which Telegram lets the bot write in only once they pressed Start. Whoever
has not is named in the group, neutrally, with the deep link; what waited for
them follows once they open it. The group sees the evaluation's summary, and
the next meeting opens with where the plan stands.

Also the `rondetafel demo`, which plays the same follow-up with time
accelerated and prints it: its transcript shows the reminder and the
evaluation.
"""

from __future__ import annotations

import datetime as dt
import io
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from rondetafel.autopilot import (
    Autopilot,
    asks_result,
    asks_words,
    evaluation_buttons,
    has_keyboard,
    reminder_buttons,
)
from rondetafel.bot import follow_up_texts as say
from rondetafel.bot.texts import texts
from rondetafel.demo import (
    DemoClock,
    World,
    demo_settings,
    run_demo,
    run_reminders,
    start_bot,
)
from rondetafel.flows.evaluation import RESULT_NAMES, EvaluationButton, GoalResult
from rondetafel.flows.follow_up import STATUS_NAMES, AgreementStatus
from rondetafel.flows.script import MeetingKind, Role
from rondetafel.phones import Phone, deep_link_of
from rondetafel.transcript import PRIVATE_MARK, Transcript

from .wire import plain, refused_by_telegram

pytestmark = pytest.mark.e2e

Message = dict[str, Any]

SCHOOL = ZoneInfo("Europe/Amsterdam")
# A Tuesday in term time. The autopilot's meeting sets the evaluation six weeks
# on (Tue 16 Mar 2027) and gives "S. bij de deur begroeten" two weeks (Tue 16 Feb).
MEETING = dt.datetime(2027, 2, 2, 10, 0, tzinfo=SCHOOL)
EVALUATION = MEETING.date() + dt.timedelta(days=42)
GREET = "S. bij de deur begroeten"
GREET_DUE = MEETING.date() + dt.timedelta(days=14)
BEDTIME = "Om 21 uur naar bed, ook in het weekend"  # Fatma's, ongoing
# The school's calendar, pinned whatever the environment sets: the middle
# region's holidays (spring 2027: 20-28 Feb), reminders at 08:30 on school days,
# two school days before an agreement's date.
CALENDAR: dict[str, object] = {
    "timezone": "Europe/Amsterdam",
    "school_region": "middle",
    "quiet_hours": "18:00-08:00",
    "reminders_at": dt.time(8, 30),
    "remind_days_before": 2,
    "reminders_at_weekends": False,
    "reminders_in_holidays": False,
}

NOTE = "Elke ochtend gedaan, hij zegt nu zelf goedemorgen"
SEEN_1 = "Met de hulpkaart begint hij op drie van de vijf dagen rustig"
NEXT_1 = "De hulpkaart ook bij rekenen gebruiken"
SEEN_3 = "Na de gym duurt het nog lang"
NEXT_3 = "Na de gym eerst vijf minuten lezen"
GOALS = (
    "Rustig beginnen aan mijn werk",
    "Dat hij met plezier naar school gaat",
    "Binnen 5 minuten na de start is hij aan het werk, 4 van de 5 dagen",
)


def last_id(world: World) -> int:
    return max((m["message_id"] for m in world.standin.messages(world.group)), default=0)


def group_bot_texts(world: World, *, after: int) -> list[str]:
    return [
        m.get("text", "")
        for m in world.standin.bot_messages(world.group)
        if m["message_id"] > after
    ]


def current(world: World, phone: Phone, message_id: int) -> Message:
    return next(
        m for m in world.standin.bot_messages(phone.private) if m["message_id"] == message_id
    )


async def edited(world: World, phone: Phone, message: Message, text: str) -> Message:
    """The private message once the bot's edit shows `text`."""

    def shows() -> bool:
        return text in current(world, phone, message["message_id"]).get("text", "")

    await world.standin.wait_for(shows, phone.timeout, f"{text!r} in a private message")
    return current(world, phone, message["message_id"])


async def tap(phone: Phone, message: Message, data: str) -> None:
    await phone.press(message, data, chat=phone.private)


async def give(phone: Phone, asked: Message, words: str | None) -> Message:
    """Type `words` in answer to `asked`, or tap "nothing to add" (None); the bot's next message."""
    if words is None:
        await tap(phone, asked, evaluation_buttons(asked)[EvaluationButton.NOTHING_TO_ADD][1])
    else:
        await phone.say_privately(words)
    return await phone.from_bot_privately(after=asked["message_id"])


async def answer_goal(
    world: World,
    phone: Phone,
    question: Message,
    result: GoalResult,
    seen: str | None,
    next_step: str | None,
) -> Message:
    """One goal of the evaluation, as a person answers it; returns the bot's next message."""
    t = texts("nl")
    assert asks_result(question), question.get("text")
    await tap(phone, question, evaluation_buttons(question)[EvaluationButton(result.value)][1])
    asked = await phone.from_bot_privately(after=question["message_id"])
    # What do we see now, having said that? The answered question keeps no buttons.
    assert asks_words(asked) and t(RESULT_NAMES[result]) in asked["text"]
    assert not has_keyboard(current(world, phone, question["message_id"]))
    asked = await give(phone, asked, seen)
    assert asks_words(asked) and asked["text"] == plain(t.html(say.NEXT_QUESTION))
    return await give(phone, asked, next_step)


async def test_a_reminder_and_the_evaluation_in_private_open_the_next_meeting(
    world: World, stack: AsyncExitStack, tmp_path: Path
) -> None:
    t = texts("nl")
    settings = demo_settings(
        world.standin, f"sqlite+aiosqlite:///{tmp_path / 'e2e.db'}", **CALENDAR
    )
    clock = DemoClock(SCHOOL, start=MEETING)
    app = await start_bot(stack, settings, clock=clock)
    chair, mentor, parent = (world.phones[r] for r in (Role.CHAIR, Role.MENTOR, Role.PARENT))

    # -- the meeting: the mentor opens the private chat from its deep link; the others do not
    await world.standin.add_bot_to_group(world.group, by=chair.user)
    await world.standin.wait_for_bot_message(world.group, timeout=10)
    await chair.send("/overleg")
    meeting = Autopilot(
        world.standin, world.group, world.phones, open_private={Role.MENTOR}, timeout=20
    )
    await meeting.run()
    summary = next(
        text for text in group_bot_texts(world, after=0) if text.startswith("Samenvatting")
    )
    assert t.date(EVALUATION) in summary and t.date(GREET_DUE) in summary
    greeting = world.standin.bot_messages(mentor.private)
    assert [m["text"] for m in greeting] == [plain(t.html(say.HELLO_PRIVATE))]
    assert world.standin.messages(parent.private) == []  # never opened: nothing there

    # -- two school days before the agreement's date, the morning's reminder, in private
    reminder_day = settings.calendar.school_days_before(GREET_DUE, 2)
    assert reminder_day == dt.date(2027, 2, 12)
    group_before = last_id(world)
    clock.jump_to(dt.datetime.combine(reminder_day, dt.time(9, 0), tzinfo=SCHOOL))
    await run_reminders(app)
    # (He also relays the pupil's words, so the pupil's own agreement is asked of him too.)
    reminder = await mentor.from_bot_privately(
        lambda m: bool(reminder_buttons(m)) and GREET in m["text"]
    )
    assert t.date(GREET_DUE) in reminder["text"]
    choices = reminder_buttons(reminder)
    assert choices["d"][0] == t(say.DONE)
    await tap(mentor, reminder, choices["d"][1])
    done = t(STATUS_NAMES[AgreementStatus.DONE])
    asked = await edited(world, mentor, reminder, plain(t.html(say.ANSWERED, status=done)))
    assert plain(t.html(say.ASK_NOTE)) in asked["text"]
    typed = await mentor.say_privately(NOTE)
    noted = await mentor.from_bot_privately(after=typed["message_id"])
    assert noted["text"] == plain(t.html(say.NOTE_KEPT, what=GREET))
    assert group_bot_texts(world, after=group_before) == []  # the group heard nothing of it

    # -- the evaluation date, 09:00: the loop asks the mentor to evaluate, in private
    mark = noted["message_id"]
    group_before = last_id(world)
    clock.jump_to(dt.datetime.combine(EVALUATION, dt.time(9, 0), tzinfo=SCHOOL))
    await run_reminders(app)
    first_goal = await mentor.from_bot_privately(asks_result, after=mark)
    intro = current(world, mentor, first_goal["message_id"] - 1)
    about = t.plain(say.MEETING_OF, pupil="S.B.", date=t.date(MEETING.date()))
    assert intro["text"] == plain(t.html(say.EVALUATION_START, meeting=about))
    assert GOALS[0] in first_goal["text"]

    # Fatma never opened her chat: her ongoing agreement's reminder becomes a
    # neutral line in the group, with the button to open it, and nothing more.
    waiting = await world.standin.wait_for_bot_message(
        world.group, lambda m: deep_link_of(m) is not None, after=group_before, timeout=10
    )
    mentioned = {(e.get("user") or {}).get("id") for e in waiting.get("entities", [])}
    assert mentioned - {None} == {parent.user.id}
    assert "S.B." not in waiting["text"] and "bed" not in waiting["text"]
    # She follows it: what waited for her comes at once, and she answers it.
    link = deep_link_of(waiting)
    assert link is not None
    started = await parent.open_link(link[1])
    hello = await parent.from_bot_privately(after=started["message_id"])
    assert hello["text"] == plain(f"{t.html(say.HELLO_PRIVATE)}\n{t.html(say.HELLO_WAITING)}")
    ongoing = await parent.from_bot_privately(lambda m: bool(reminder_buttons(m)))
    assert BEDTIME in ongoing["text"] and t.date(EVALUATION) in ongoing["text"]
    await tap(parent, ongoing, reminder_buttons(ongoing)["i"][1])
    in_progress = t(STATUS_NAMES[AgreementStatus.IN_PROGRESS])
    asked = await edited(world, parent, ongoing, plain(t.html(say.ANSWERED, status=in_progress)))
    await tap(parent, asked, reminder_buttons(asked)["x"][1])  # no note
    await world.standin.wait_for(
        lambda: not has_keyboard(current(world, parent, ongoing["message_id"])), parent.timeout
    )

    following = await answer_goal(world, mentor, first_goal, GoalResult.PARTLY, SEEN_1, NEXT_1)
    assert GOALS[1] in following["text"]
    # A mistake is easy to fix: back to the last question of the goal before, and on again.
    back = evaluation_buttons(following)[EvaluationButton.BACK][1]
    await tap(mentor, following, back)
    again = await mentor.from_bot_privately(after=following["message_id"])
    assert again["text"] == plain(t.html(say.NEXT_QUESTION))
    following = await give(mentor, again, NEXT_1)
    assert asks_result(following) and GOALS[1] in following["text"]
    following = await answer_goal(world, mentor, following, GoalResult.REACHED, None, None)
    assert GOALS[2] in following["text"]
    finished = await answer_goal(world, mentor, following, GoalResult.NOT_YET, SEEN_3, NEXT_3)
    assert finished["text"] == plain(t.html(say.EVALUATION_DONE))
    assert not has_keyboard(finished)

    # -- the group: the evaluation's summary, without what was seen or noted in private
    heading = t("Evaluation of the plan")
    evaluation = await world.standin.wait_for_bot_message(
        world.group,
        lambda m: m.get("text", "").startswith(heading),
        after=group_before,
        timeout=10,
    )
    text = evaluation["text"]
    assert t.date(EVALUATION) in text.split("\n")[0] and "Daan" in text
    for goal, result in zip(
        GOALS, (GoalResult.PARTLY, GoalResult.REACHED, GoalResult.NOT_YET), strict=True
    ):
        assert f"{goal} — {t(RESULT_NAMES[result])}" in text
    assert NEXT_1 in text and NEXT_3 in text
    assert f"{GREET} — Daan — {done}" in text
    assert f"{BEDTIME} — Fatma — {in_progress}" in text
    for private in (SEEN_1, SEEN_3, NOTE):
        assert private not in text

    # The agreement answered "done" was not asked about again on its date.
    about_greeting = [
        m for m in world.standin.bot_messages(mentor.private) if GREET in m.get("text", "")
    ]
    assert [m["message_id"] for m in about_greeting] == [
        reminder["message_id"],
        noted["message_id"],
    ]

    # -- the next meeting opens with where the plan stands, before its first question
    before_next = last_id(world)
    await chair.send("/overleg")
    nxt = Autopilot(world.standin, world.group, world.phones, timeout=20)
    await nxt.run(after=before_next, stop=lambda m: nxt.turn(m) is not None)
    opened = [m for m in world.standin.bot_messages(world.group) if m["message_id"] > before_next]
    first_question = next(m for m in opened if nxt.turn(m) is not None)
    where = [m for m in opened if m.get("text", "").startswith(t("Where we were"))]
    assert len(where) == 1 and where[0]["message_id"] < first_question["message_id"]
    earlier = where[0]["text"]
    for number, goal in enumerate(GOALS, start=1):
        assert f"{number}. {goal}" in earlier
    assert t("Evaluated on %(date)s") % {"date": t.date(EVALUATION)} in earlier
    assert f"1. 🟡 {t(RESULT_NAMES[GoalResult.PARTLY])}" in earlier
    assert f"1. {NEXT_1}" in earlier and f"3. {NEXT_3}" in earlier
    assert f"{GREET} — Daan — {done}" in earlier
    for private in (SEEN_1, SEEN_3, NOTE):
        assert private not in earlier
    # Daan and Fatma opened their private chats: only Ilse is offered the deep link.
    offers = [m for m in opened if deep_link_of(m) is not None]
    assert len(offers) == 1
    offered = {(e.get("user") or {}).get("id") for e in offers[0].get("entities", [])}
    assert offered - {None} == {chair.user.id}

    assert refused_by_telegram(world) == []


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_the_demo_shows_a_reminder_and_the_evaluation_after_the_meeting(
    language: str, tmp_path: Path
) -> None:
    out = io.StringIO()
    result = await run_demo(
        tmp_path,
        language=language,
        kind=MeetingKind.PUPIL_MEETING,
        transcript=Transcript("Rondetafel", out=out),
    )
    transcript = out.getvalue()
    t = texts(language)
    lines = transcript.split("\n")
    report = next(i for i, line in enumerate(lines) if line.startswith("🤖 Rondetafel: 📎 "))

    # Ilse and Fatma opened their private chat from the meeting's deep link, with
    # /start; Daan had opened his by hand before, to get a parent's invitation link.
    for name in ("Ilse", "Fatma"):
        assert f"{PRIVATE_MARK} · {name} │ {name}: /start " in transcript
    assert f"{PRIVATE_MARK} · Daan │ Daan: /start\n" in transcript
    after = "\n".join(lines[report:])
    # Time jumps ahead, a reminder reaches its owner in private, who answers with a button.
    assert "\n⏩ " in after
    greet = "S. bij de deur begroeten" if language == "nl" else "Greet S. at the door"
    daan = [line for line in lines[report:] if line.startswith(f"{PRIVATE_MARK} · Daan │ ")]
    # The demo runs on today's date: holidays decide whether "before" or "due" comes first.
    reminded = tuple(
        f"{PRIVATE_MARK} · Daan │ 🤖 Rondetafel: {plain(t(kind).split('{meeting}')[0])}"
        for kind in (say.REMINDER_BEFORE, say.REMINDER_DUE)
    )
    assert any(line.startswith(reminded) for line in daan)
    assert any(greet in line for line in daan)
    assert f"{PRIVATE_MARK} · Daan │   Daan ▸ [{t(say.DONE)}]" in after
    assert f"{PRIVATE_MARK} · Fatma │   Fatma ▸ [{t(say.IN_PROGRESS)}]" in after
    # The mentor evaluates in private; the group gets the summary.
    assert f"{PRIVATE_MARK} · Daan │   Daan ▸ [🟡 {t(RESULT_NAMES[GoalResult.PARTLY])}]" in after
    assert f"{PRIVATE_MARK} · Daan │ 🤖 Rondetafel: {plain(t.html(say.EVALUATION_DONE))}" in after
    summary_line = f"🤖 Rondetafel: {t('Evaluation of the plan')} · "
    assert any(line.startswith(summary_line) for line in lines[report:])
    # What was seen stays private: in the private chat, not in the group's lines.
    seen = (
        "Met de hulpkaart begint hij op drie van de vijf dagen rustig"
        if language == "nl"
        else "With the help card he starts calmly three days out of five"
    )
    assert any(line.startswith(f"{PRIVATE_MARK} · Daan │ ") and seen in line for line in lines)
    assert not any(seen in line for line in lines if not line.startswith(PRIVATE_MARK))
    # The files are the meeting's, not the evaluation's.
    assert result.summary.read_text(encoding="utf-8").startswith(
        "Samenvatting" if language == "nl" else "Summary"
    )
    assert b"<!DOCTYPE html>" in result.report.read_bytes()
