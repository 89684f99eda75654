"""The whole program on the wire: the real bot in long polling against the stand-in."""

from __future__ import annotations

import re
from contextlib import AsyncExitStack
from pathlib import Path

import pytest

from rondetafel.autopilot import Autopilot
from rondetafel.demo import World, demo_settings, start_bot
from rondetafel.demo_book import Say, say
from rondetafel.flows.script import SCRIPTS, MeetingKind, Role

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


def refused_by_telegram(world: World) -> list[object]:
    """What the (strict) stand-in refused, apart from flood control, which the
    sender waits out and retries."""
    return [
        c
        for c in world.standin.calls
        if not c.ok and c.method != "getUpdates" and c.result_or_error.get("error_code") != 429
    ]


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
