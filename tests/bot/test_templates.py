"""Names and the pseudonym are people's text too: escaped in every template."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from zoneinfo import ZoneInfo

from rondetafel.bot.templating import render_join, render_report, render_summary
from rondetafel.bot.texts import texts
from rondetafel.flows.events import MeetingRequested, Person
from rondetafel.flows.script import MeetingKind
from rondetafel.flows.state import MeetingState, Status
from rondetafel.flows.transition import new_meeting

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2026, 11, 23, 14, 0, tzinfo=AMSTERDAM)


def meeting() -> MeetingState:
    state = new_meeting(1, MeetingRequested(Person(1, "<i>Anna</i> & co")), NOW).state
    return state.evolve(
        kind=MeetingKind.PUPIL_MEETING, pupil="<b>S&B</b>", status=Status.FINISHED, finished_at=NOW
    )


def test_the_join_message_escapes_names_and_the_pseudonym() -> None:
    html = render_join(meeting(), texts("nl"))
    assert "&lt;b&gt;S&amp;B&lt;/b&gt;" in html and "&lt;i&gt;Anna&lt;/i&gt; &amp; co" in html
    assert "<b>S&B</b>" not in html


def test_the_summary_and_the_report_escape_names_and_the_pseudonym() -> None:
    for html in (
        render_summary(meeting(), texts("en"), AMSTERDAM),
        render_report(meeting(), texts("en"), AMSTERDAM, "De <Brug>"),
    ):
        assert "&lt;b&gt;S&amp;B&lt;/b&gt;" in html and "<b>S&B</b>" not in html
        assert "<i>Anna</i>" not in html


def test_the_bot_loads_jinja2_only_when_it_first_renders_a_template() -> None:
    probe = (
        "import sys; import rondetafel.bot.templating as t; "
        "assert 'jinja2' not in sys.modules; "
        "t.environment('nl'); assert 'jinja2' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", probe], check=True)
