"""The whole program on the wire: the real bot in long polling against the stand-in."""

from __future__ import annotations

import re
from contextlib import AsyncExitStack
from pathlib import Path

import pytest

from rondetafel.autopilot import Autopilot
from rondetafel.bot.texts import texts
from rondetafel.demo import World, demo_settings, start_bot
from rondetafel.demo_book import Say, say
from rondetafel.flows.script import SCRIPTS, MeetingKind, Role
from rondetafel.phones import Phone

from .wire import refused_by_telegram

pytestmark = pytest.mark.e2e


async def begin(world: World, language: str) -> None:
    chair = world.phones[Role.CHAIR]
    await world.standin.add_bot_to_group(world.group, by=chair.user)
    await world.standin.wait_for_bot_message(world.group, timeout=10)
    await chair.send("/overleg" if language == "nl" else "/meeting")


async def start_on_sqlite(world: World, stack: AsyncExitStack, tmp_path: Path) -> None:
    """The real bot in long polling, on a fresh SQLite file, until the test ends."""
    await start_bot(
        stack, demo_settings(world.standin, f"sqlite+aiosqlite:///{tmp_path / 'e2e.db'}")
    )


def summary_of(world: World) -> str:
    return next(
        m["text"]
        for m in reversed(world.standin.bot_messages(world.group))
        if m.get("text", "").startswith(("Samenvatting", "Summary"))
    )


@pytest.mark.parametrize("kind", list(MeetingKind))
async def test_a_meeting_with_four_participants_runs_from_meeting_to_summary(
    kind: MeetingKind, world: World, stack: AsyncExitStack, tmp_path: Path
) -> None:
    await start_on_sqlite(world, stack, tmp_path)
    await begin(world, "nl")

    await Autopilot(world.standin, world.group, world.phones, kind=kind, timeout=20).run()

    summary = summary_of(world)
    for name, role in (
        ("Ilse", "voorzitter"),
        ("Daan", "mentor / leerkracht"),
        ("Fatma", "ouder"),
        ("S.B.", "leerling"),
    ):
        assert f"{name} — {role}" in summary
    numbered = re.findall(r"^(\d+)\. ", summary, flags=re.MULTILINE)
    assert str(len(SCRIPTS[kind].phases)) in numbered  # the last phase made it into the summary
    assert "Evaluatie" in summary
    report = world.standin.documents(world.group)[-1]
    assert report.filename.endswith(".html") and b"<!DOCTYPE html>" in report.data
    assert refused_by_telegram(world) == []


async def test_a_meeting_runs_in_english_when_the_chair_chooses_it(
    world: World, stack: AsyncExitStack, tmp_path: Path
) -> None:
    await start_on_sqlite(world, stack, tmp_path)
    await begin(world, "en")

    await Autopilot(world.standin, world.group, world.phones, language="en", timeout=20).run()

    summary = summary_of(world)
    assert summary.startswith("Summary")
    assert (
        "Ilse — chair" in summary and "a teacher who greets him briefly in the morning" in summary
    )


async def test_a_summary_longer_than_one_message_arrives_in_parts_telegram_accepts(
    world: World, stack: AsyncExitStack, tmp_path: Path
) -> None:
    await start_on_sqlite(world, stack, tmp_path)
    await begin(world, "nl")

    def long_answers(language: str, phase: str, role: Role) -> Say:
        answer = say(language, phase, role)
        if phase == "goes_well" and isinstance(answer, str):
            return f"{answer}: " + "en verder gaat het goed met lezen & rekenen. " * 60
        return answer

    await Autopilot(
        world.standin, world.group, world.phones, answers=long_answers, timeout=20
    ).run()

    texts = [m["text"] for m in world.standin.bot_messages(world.group) if "text" in m]
    start = next(i for i, t in enumerate(texts) if t.startswith("Samenvatting"))
    parts = texts[start:]
    assert len(parts) >= 2
    assert "8. Tops & tips" in "\n".join(parts)
    assert refused_by_telegram(world) == []


@pytest.mark.postgres
async def test_a_whole_meeting_runs_on_postgresql(
    world: World, stack: AsyncExitStack, _empty_postgres: str
) -> None:
    await start_bot(stack, demo_settings(world.standin, _empty_postgres))
    await begin(world, "nl")

    await Autopilot(world.standin, world.group, world.phones, timeout=20).run()

    assert "Fatma — ouder" in summary_of(world)
    assert refused_by_telegram(world) == []


GROUP_CALLS = ("sendMessage", "editMessageText", "editMessageReplyMarkup", "sendDocument")


async def test_a_four_person_pupil_meeting_is_quiet(
    world: World, stack: AsyncExitStack, tmp_path: Path
) -> None:
    """At most 1.3 new bot messages and 1.6 calls to the group per answer; each question
    says where the meeting is and asks one person; nothing keeps a keyboard at the end;
    only what asks something makes phones buzz.

    An answer is what a person gives the meeting: a reply to the bot (a point, an
    agreement, a date, a "-" to pass) or a tap on "pass my turn".
    """
    await start_on_sqlite(world, stack, tmp_path)
    chair = world.phones[Role.CHAIR]
    await world.standin.add_bot_to_group(world.group, by=chair.user)
    await world.standin.wait_for_bot_message(world.group, timeout=10)
    welcome = len(world.standin.messages(world.group))
    first_call = len(world.standin.world.calls)
    await chair.send("/overleg")

    passes: list[str] = []
    pass_label = texts("nl")("⏭ Pass my turn")

    def tapped(phone: Phone, label: str) -> None:
        if label == pass_label:
            passes.append(label)

    await Autopilot(world.standin, world.group, world.phones, on_tap=tapped, timeout=20).run()

    chat = world.group.id
    calls = [
        c
        for c in world.standin.world.calls[first_call:]
        if c.ok and c.method in GROUP_CALLS and c.params.get("chat_id") in (chat, str(chat))
    ]
    messages = world.standin.messages(world.group)[welcome:]
    bot = [m for m in messages if m["from"]["is_bot"]]
    replies = [m for m in messages if not m["from"]["is_bot"] and m.get("reply_to_message")]
    answers = len(replies) + len(passes)
    assert passes and answers >= 30  # a whole meeting: every turn of eight phases
    assert len(bot) / answers <= 1.3, (len(bot), answers)
    assert len(calls) / answers <= 1.6, (len(calls), answers)

    questions = [m for m in bot if (m.get("reply_markup") or {}).get("force_reply")]
    for question in questions[1:]:  # after the pupil's initials: the turns
        assert re.match(r"Fase \d/8 · ", question["text"]), question["text"]
        assert question["reply_markup"]["selective"] is True
        mentioned = {(e.get("user") or {}).get("id") for e in question.get("entities", [])}
        assert len(mentioned - {None}) == 1, question["text"]
    keyboards = [m["text"] for m in bot if (m.get("reply_markup") or {}).get("inline_keyboard")]
    assert keyboards == []
    for call in calls:
        if call.method == "sendMessage":
            asks = call.params.get("reply_markup") is not None
            assert bool(call.params.get("disable_notification")) is not asks, call.params["text"]
