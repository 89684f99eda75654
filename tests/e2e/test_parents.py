"""A parent at home, on the wire: invited before the meeting, she shares in Turkish.

The real bot in long polling against the stand-in. Ilse chairs the meeting
about S.B. in the group, Daan is its mentor, Fatma a parent who takes part
there. Ayşe, another parent, is in no group with the bot and reads Turkish
(her Telegram app's language). Once everyone has joined and before Ilse
starts, Daan asks for an invitation link with /uitnodigen; the bot sends it to
him privately, he passes it on, and Ayşe opens it in her private chat, agrees,
and shares what goes well and what is hard at home. The meeting reads her
points in at their rounds, attributed to her, as she wrote them; the group's
summary and the report keep them there; she gets the summary privately, its
fixed texts in Turkish.

Also `rondetafel demo`, which tells the same story before its meeting.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest

from rondetafel.autopilot import Autopilot, HomePilot, family_buttons, offers_menu
from rondetafel.bot import family_texts as say
from rondetafel.bot import invite_texts as staff
from rondetafel.bot.texts import Texts, texts
from rondetafel.demo import World, demo_settings, parent_at_home, run_demo, start_bot
from rondetafel.flows.family import ENDONYMS, KIND_NAMES, HomeKind, Relation
from rondetafel.flows.prompts import FamilyButton
from rondetafel.flows.script import SCRIPTS, MeetingKind, Role
from rondetafel.phones import DEEP_LINK, deep_link_in
from rondetafel.transcript import PRIVATE_MARK, Transcript

from .wire import plain, refused_by_telegram

pytestmark = pytest.mark.e2e

Message = dict[str, Any]

NL, TR = texts("nl"), texts("tr")
WELL = "Ödevini kendi başına yapıyor"
HARD = "Sabahları kalkmak çok zor"
# The heading of a round's points from home (bot/present.py `_read_in`).
FROM_HOME = "<b>From home</b>, brought in before the meeting:"
PHASES = SCRIPTS[MeetingKind.PUPIL_MEETING].phases


def saying(text: str) -> Callable[[Message], bool]:
    return lambda message: text in message.get("text", "")


def last_id(world: World) -> int:
    return max((m["message_id"] for m in world.standin.messages(world.group)), default=0)


def rounds(text: str, t: Texts) -> dict[str, str]:
    """A summary's or report's text after each round's heading ("2. Wat gaat goed"),
    up to the next round's, by phase key."""
    headings = [(p.key, f"{number}. {t(p.title)}") for number, p in enumerate(PHASES, start=1)]
    found: dict[str, str] = {}
    for (key, heading), (_, following) in zip(headings, [*headings[1:], ("", "\0")], strict=True):
        start = text.index(heading)
        end = text.find(following, start)
        found[key] = text[start : end if end >= 0 else len(text)]
    return found


async def test_a_parent_at_home_shares_in_turkish_and_the_meeting_reads_it_in(
    world: World, stack: AsyncExitStack, tmp_path: Path
) -> None:
    settings = demo_settings(world.standin, f"sqlite+aiosqlite:///{tmp_path / 'e2e.db'}")
    await start_bot(stack, settings)
    chair, mentor = world.phones[Role.CHAIR], world.phones[Role.MENTOR]
    ayse = parent_at_home(world, "Ayşe", "tr")
    home = HomePilot(world.standin, world.group, timeout=20)
    before_start: list[int] = []

    async def from_home() -> None:
        """Between everyone joining and Start: the invitation and what she shares."""
        # Daan asks in the group; the link comes to him privately, about S.B.
        sent = await home.invite(mentor)
        link = deep_link_in(sent)
        assert link is not None and "S.B." in sent["text"]
        token = link.rsplit("=", 1)[1]
        assert re.fullmatch(r"[A-Za-z0-9_-]{32}", token)
        assert not any(token in m.get("text", "") for m in world.standin.messages(world.group))
        # She opens it: the welcome speaks Turkish, her app's language, chosen already.
        welcome = await home.open_link(ayse, link)
        text = welcome["text"]
        assert plain(TR.html(say.WELCOME, school=settings.school_name, pupil="S.B.")) in text
        assert plain(TR.html(say.WHAT_IS_STORED, pupil="S.B.")) in text
        labels = [label for label, _ in family_buttons(welcome).values()]
        assert "• " + ENDONYMS["tr"] in labels and TR(say.AGREE) in labels
        menu = await home.agree(ayse, welcome)
        assert offers_menu(menu)
        for kind, words in ((HomeKind.GOES_WELL, WELL), (HomeKind.HARD, HARD)):
            label, _ = family_buttons(menu)[(FamilyButton.ADD, kind.value)]
            assert label == TR(KIND_NAMES[kind])
            menu = await home.share(ayse, menu, kind, words)
            assert menu["text"].startswith(plain(TR.html(say.SAVED)))
            # The mentor hears of it privately, in Dutch, her words as written.
            told = await mentor.from_bot_privately(saying(words))
            assert NL(KIND_NAMES[kind]) in told["text"]
            assert plain(NL.html(staff.WRITTEN_IN, language="Turks")) in told["text"]
        before_start.append(last_id(world))

    await world.standin.add_bot_to_group(world.group, by=chair.user)
    await world.standin.wait_for_bot_message(world.group, timeout=10)
    await chair.send("/overleg")
    meeting = Autopilot(
        world.standin, world.group, world.phones, before_start=from_home, timeout=20
    )
    await meeting.run()

    # Nothing she wrote reached the group before the meeting; she never wrote there.
    [started] = before_start
    group = world.standin.messages(world.group)
    assert not any(WELL in m.get("text", "") for m in group if m["message_id"] <= started)
    assert not any(m["from"]["id"] == ayse.user.id for m in group)

    # -- each round with a point from home opens with it, right before its first question
    bot = world.standin.bot_messages(world.group)
    heading = plain(NL.html(FROM_HOME))
    read_in = [i for i, m in enumerate(bot) if m.get("text", "").startswith(heading)]
    assert len(read_in) == 2
    for index, (phase, words, other) in zip(
        read_in, (("goes_well", WELL, HARD), ("still_hard", HARD, WELL)), strict=True
    ):
        first_question = next(
            i for i, m in enumerate(bot) if (turn := meeting.turn(m)) and turn[0] == phase
        )
        assert first_question == index + 1, bot[index + 1].get("text")
        lines = bot[index]["text"].split("\n")
        assert lines[1:] == ["Ayşe (ouder, in het Turks):", f"• {words}"]
        assert other not in bot[index]["text"]

    # -- the group's summary: she is there as away, her points at their rounds
    in_turkish = NL("in %(language)s") % {"language": NL.language_name("tr")}
    summary = next(m["text"] for m in reversed(bot) if m.get("text", "").startswith(NL("Summary")))
    away = NL("not present: points brought in from home")
    assert f"Ayşe — {NL.role(Role.PARENT)} ({away})" in summary
    by_round = rounds(summary, NL)
    assert f"Ayşe ({in_turkish}): {WELL}" in by_round["goes_well"]
    assert f"Ayşe ({in_turkish}): {HARD}" in by_round["still_hard"]
    assert HARD not in by_round["goes_well"] and WELL not in by_round["still_hard"]

    # -- the report the bot posts at the end, likewise
    report = world.standin.documents(world.group)[-1]
    assert report.filename.endswith(".html")
    page = " ".join(plain(report.data.decode("utf-8")).split())
    by_round = rounds(page, NL)
    assert f"Ayşe ({NL.role(Role.PARENT)}, {in_turkish}) {WELL}" in by_round["goes_well"]
    assert f"Ayşe ({NL.role(Role.PARENT)}, {in_turkish}) {HARD}" in by_round["still_hard"]

    # -- she gets the summary privately: the fixed texts in Turkish, the words as written
    mine = await ayse.from_bot_privately(lambda m: m.get("text", "").startswith(TR("Summary")))
    intro = world.standin.bot_messages(ayse.private)
    assert plain(TR.html(say.SUMMARY_INTRO, pupil="S.B.")) in [m["text"] for m in intro]
    text = mine["text"]
    assert not text.startswith(NL("Summary"))
    in_her_language = TR("in %(language)s") % {"language": TR.language_name("tr")}
    by_round = rounds(text, TR)
    assert f"Ayşe ({in_her_language}): {WELL}" in by_round["goes_well"]
    assert f"Ayşe ({in_her_language}): {HARD}" in by_round["still_hard"]
    assert f"Ayşe — {TR.role(Role.PARENT)}" in text

    assert refused_by_telegram(world) == []


async def test_the_demo_shows_a_parent_sharing_from_home_before_the_meeting(
    tmp_path: Path,
) -> None:
    out = io.StringIO()
    result = await run_demo(tmp_path, transcript=Transcript("Rondetafel", out=out))
    lines = out.getvalue().split("\n")
    ayse = f"{PRIVATE_MARK} · Ayşe │ "
    start = lines.index(f"  Ilse ▸ [{NL('▶️ Start the meeting (chair)')}]")

    # Before Start: Daan asks for the link in the group and gets it privately;
    # Ayşe opens it, agrees in Turkish and shares her two points, in her chat only.
    before = lines[:start]
    assert "Daan: /uitnodigen" in before
    assert f"  Daan ▸ [{NL(staff.RELATION_BUTTONS[Relation.PARENT])}]" in before
    [link] = [
        found[0]
        for line in before
        if line.startswith(f"{PRIVATE_MARK} · Daan │ ") and (found := DEEP_LINK.search(line))
    ]
    assert f"{ayse}Ayşe: /start {link.rsplit('=', 1)[1]}" in before
    assert f"{ayse}  Ayşe ▸ [{TR(say.AGREE)}]" in before
    assert f"{ayse}  Ayşe ▸ [{TR(KIND_NAMES[HomeKind.GOES_WELL])}]" in before
    assert f"{ayse}Ayşe: {WELL}" in before and f"{ayse}Ayşe: {HARD}" in before

    # The meeting reads her point in at "what goes well", before its first question.
    heading = f"🤖 Rondetafel: {plain(NL.html(FROM_HOME))}"
    read_in = lines.index(heading, start)
    assert lines[read_in + 1 : read_in + 3] == ["    Ayşe (ouder, in het Turks):", f"    • {WELL}"]
    [(number, title)] = [(n, NL(p.title)) for n, p in enumerate(PHASES, 1) if p.key == "goes_well"]
    assert lines[read_in + 3].startswith(f"🤖 Rondetafel: Fase {number}/{len(PHASES)} · {title}")

    # Afterwards she reads the summary privately, in Turkish; the files keep her points.
    assert f"{ayse}🤖 Rondetafel: {TR('Summary')} · " in "\n".join(lines)
    summary = result.summary.read_text(encoding="utf-8")
    assert f"Ayşe (in het Turks): {WELL}" in summary
    assert WELL in result.report.read_text(encoding="utf-8")
