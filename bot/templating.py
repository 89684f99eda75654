"""Jinja2 rendering of the join message, the summary, the report and the follow-up's
messages (the evaluation summary, the next meeting's opening).

One environment per language, with autoescape on: every piece of user text in
a template is escaped, whether the output is Telegram HTML or a document.

Jinja2 is imported on first use, not with this module: the bot starts (and
answers its first updates) without loading it.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from rondetafel.flows.family import RIGHT_TO_LEFT
from rondetafel.flows.state import MeetingState
from rondetafel.i18n import translations

from .follow_up_views import (
    EarlierView,
    EvaluationSummaryView,
    earlier_lines,
    evaluation_summary_lines,
)
from .texts import FSI, PDI, Texts
from .views import AGREEMENTS_ID, GOALS_ID, meeting_view, person

if TYPE_CHECKING:
    from jinja2 import Environment


@cache
def environment(language: str) -> Environment:
    import jinja2

    folder = resources.files("rondetafel.templates")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        finalize=isolated if language in RIGHT_TO_LEFT else None,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.filters["first_upper"] = first_upper
    return env


def isolated(value: object) -> object:
    """In a right-to-left text, every value (a name, a date, initials, an answer) is
    a Unicode isolate: "S.B." or "12 dec" inside Arabic keeps its own order.
    Translated sentences (Markup) are the text itself and stay as they are."""
    from markupsafe import Markup

    if isinstance(value, Markup) or value is None or value == "":
        return value
    return f"{FSI}{value}{PDI}"


def first_upper(text: str) -> str:
    """'multidisciplinair overleg (MDO)' → 'Multidisciplinair overleg (MDO)'."""
    return text[:1].upper() + text[1:]


def render_join(state: MeetingState, t: Texts) -> str:
    people = [person(state, p, t) for p in state.participants]
    questions = state.meeting_questions()
    kind = t.kind(state.kind) if state.kind else ""
    return (
        environment(t.language)
        .get_template("join.html.j2")
        .render(
            kind=kind,
            pupil=state.pupil or "",
            people=people,
            questions=questions,
            status=state.status.value,
        )
        .strip()
    )


def render_summary(state: MeetingState, t: Texts, tz: dt.tzinfo) -> str:
    view = meeting_view(state, t, tz)
    return environment(t.language).get_template("summary.html.j2").render(m=view).strip()


def render_report(state: MeetingState, t: Texts, tz: dt.tzinfo, school: str) -> str:
    view = meeting_view(state, t, tz)
    return (
        environment(t.language)
        .get_template("report.html.j2")
        .render(
            m=view,
            school=school,
            language=t.language,
            agreements_id=AGREEMENTS_ID,
            goals_id=GOALS_ID,
        )
    )


def render_evaluation_summary(view: EvaluationSummaryView, t: Texts) -> str:
    """The short summary of a completed evaluation, for the meeting's group."""
    lines = evaluation_summary_lines(view, t)
    return environment(t.language).get_template("evaluation.html.j2").render(e=lines).strip()


def render_earlier(view: EarlierView, t: Texts) -> str:
    """Where we were, to open the next meeting; "" when there is nothing to look back on."""
    lines = earlier_lines(view, t)
    if lines.empty:
        return ""
    return environment(t.language).get_template("earlier.html.j2").render(v=lines).strip()
