"""The summary in the chat leads with what was decided and fits in one message."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from rondetafel.bot.templating import render_summary
from rondetafel.bot.texts import texts
from rondetafel.flows.script import SCRIPTS, MeetingKind
from rondetafel.flows.state import MeetingState
from tests.bot.demo_state import AMSTERDAM, EVALUATION, demo_meeting

TELEGRAM_LIMIT = 4096
TELEGRAM_TAGS = frozenset({"b", "i", "u", "s", "a", "code", "pre", "blockquote"})


def summary(state: MeetingState, language: str = "nl") -> str:
    return render_summary(state, texts(language), AMSTERDAM)


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_the_summary_leads_with_agreements_evaluation_and_goals_then_the_rounds() -> None:
    text = summary(demo_meeting(language="en"), "en")
    order = [
        text.index("<b>Agreements</b>"),
        text.index("Bed at 9 pm, weekends too"),
        text.index("<b>Evaluation</b>"),
        text.index("<b>Goals</b>"),
        text.index("Start my work calmly"),
        text.index("1. Questions for this meeting"),
    ]
    assert order == sorted(order)
    assert text.splitlines()[0].startswith("<b>Summary")


def test_agreements_read_what_who_and_by_when_or_ongoing() -> None:
    state = demo_meeting()
    lines = summary(state).splitlines()
    first_due = state.agreements[0].due
    assert first_due is not None
    day = texts("nl").date
    assert "2. Om 21 uur naar bed, ook in het weekend — <b>Fatma</b> — doorlopend" in lines
    assert (
        f"1. Ik leg de hulpkaart op tafel als ik hulp nodig heb — <b>S.B.</b> — "
        f"uiterlijk {day(first_due)}"
    ) in lines
    assert f"<b>Evaluatie</b>: {day(EVALUATION)}" in lines


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("kind", list(MeetingKind))
def test_the_demo_meeting_fits_in_one_telegram_message(kind: MeetingKind, language: str) -> None:
    # Measured with the tags, which Telegram does not count: on the safe side.
    assert utf16_length(summary(demo_meeting(kind, language), language)) <= TELEGRAM_LIMIT


@pytest.mark.parametrize("kind", list(MeetingKind))
def test_the_rounds_keep_their_numbers_up_to_the_last_phase(kind: MeetingKind) -> None:
    text = summary(demo_meeting(kind))
    numbers = re.findall(r"^<b>(\d+)\. ", text, flags=re.MULTILINE)
    assert numbers[-1] == str(len(SCRIPTS[kind].phases))
    assert "Evaluatie" in text and text.startswith("<b>Samenvatting")


def test_the_summary_names_everyone_with_their_role_and_who_relayed_the_pupil() -> None:
    text = summary(demo_meeting())
    for line in (
        "• Ilse — voorzitter",
        "• Daan — mentor / leerkracht",
        "• Fatma — ouder",
        "• S.B. — leerling (woorden doorgegeven door Daan)",
    ):
        assert line in text.splitlines()


def test_the_summary_uses_only_markup_telegram_accepts() -> None:
    text = summary(demo_meeting())
    assert set(re.findall(r"</?(\w+)", text)) <= TELEGRAM_TAGS


def test_the_questions_of_the_meeting_appear_only_when_there_are_some() -> None:
    assert "Vragen bij de start" in summary(demo_meeting())
    assert "Vragen bij de start" not in summary(demo_meeting(questions=False))


def test_user_text_in_the_summary_is_escaped() -> None:
    state = demo_meeting(language="en")
    agreement = replace(state.agreements[0], what="<script>x</script> & co")
    text = summary(state.evolve(agreements=(agreement,)), "en")
    assert "&lt;script&gt;x&lt;/script&gt; &amp; co" in text and "<script>" not in text
