"""The summary a parent gets privately: its fixed texts in each of the six languages,
everyone's words as written, the language a point was written in said, and in Arabic
the names, dates and initials kept in their own order."""

from __future__ import annotations

import dataclasses
import re

import pytest

from rondetafel.bot.templating import render_report, render_summary
from rondetafel.bot.texts import texts
from rondetafel.flows.family import PARENT_LANGUAGES
from rondetafel.flows.script import MeetingKind, Role
from rondetafel.flows.state import Contribution, MeetingState, Participant

from .demo_state import demo_meeting
from .follow_up_cases import TZ

TURKISH = "Ödevini kendi başına yapıyor"
FSI, PDI = "\u2068", "\u2069"


def with_a_turkish_parent() -> MeetingState:
    state = demo_meeting(MeetingKind.PUPIL_MEETING)
    ayse = Participant(
        1 + max(p.id for p in state.participants),
        "Ayşe",
        Role.PARENT,
        21,
        language="tr",
        absent=True,
    )
    point = Contribution(state.next_seq(), "goes_well", ayse.id, TURKISH, home=5, language="tr")
    return dataclasses.replace(
        state,
        participants=(*state.participants, ayse),
        contributions=(*state.contributions, point),
    )


@pytest.mark.parametrize("language", PARENT_LANGUAGES)
def test_the_summary_reads_in_each_parents_language(language: str) -> None:
    t = texts(language)
    summary = render_summary(with_a_turkish_parent(), t, TZ)
    # The fixed texts are the catalog's, in this language (English is the source).
    for fixed in ("Summary", "Agreements", "Taking part", "What goes well"):
        assert t(fixed) in summary
        if language != "en":
            assert t(fixed) != fixed
    # Her words as she wrote them, the language they are in, and that she was not there.
    assert TURKISH in summary
    assert t("in %(language)s") % {"language": t.language_name("tr")} in summary.replace(
        FSI, ""
    ).replace(PDI, "")
    assert t("not present: points brought in from home") in summary


def test_in_arabic_names_dates_and_initials_are_isolates() -> None:
    summary = render_summary(with_a_turkish_parent(), texts("ar"), TZ)
    assert f"{FSI}Ayşe{PDI}" in summary
    assert f"{FSI}{TURKISH}{PDI}" in summary
    pupil = demo_meeting().pupil
    assert f"{FSI}{pupil}{PDI}" in summary
    # Sentences of the catalog are not wrapped: only values are.
    assert f"{FSI}{texts('ar')('Summary')}" not in summary
    # Every isolate is closed.
    assert summary.count(FSI) == summary.count(PDI)


def test_left_to_right_languages_have_no_isolates() -> None:
    for language in ("nl", "en", "tr", "pl", "uk"):
        assert FSI not in render_summary(with_a_turkish_parent(), texts(language), TZ)


def test_the_report_marks_the_language_and_lets_the_browser_set_each_points_direction() -> None:
    report = render_report(with_a_turkish_parent(), texts("nl"), TZ, "De Brug")
    assert re.search(r'<li dir="auto">' + re.escape(TURKISH) + "</li>", report)
    assert "in het Turks" in report
