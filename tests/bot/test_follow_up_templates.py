"""The evaluation summary and the next meeting's opening: short, escaped, and
never a note or an observation in the group."""

from __future__ import annotations

import datetime as dt

import pytest

from rondetafel.bot.follow_up_views import EarlierView, EvaluationSummaryView, earlier_lines
from rondetafel.bot.templating import render_earlier, render_evaluation_summary
from rondetafel.bot.texts import texts
from rondetafel.flows.evaluation import WHOLE_PLAN, GoalAnswer, GoalResult
from rondetafel.flows.follow_up import AgreementFacts, AgreementStatus

EVALUATED = dt.date(2026, 1, 12)
LANGUAGES = ["nl", "en"]

STARTS = "Starts his work within five minutes"
HOSTILE = "<b>x</b>"
HELP = "Asks for help & waits"
OBSERVATION = "He looked tired on Mondays"
NOTE = "Mum told me privately"

GOALS = (
    GoalAnswer(STARTS, GoalResult.REACHED, OBSERVATION, "Drop the timer after the holiday"),
    GoalAnswer(HOSTILE, GoalResult.PARTLY, OBSERVATION + " too", ""),
    GoalAnswer(HELP, GoalResult.NOT_YET, "", "A help card <i>on</i> his desk"),
)
AGREEMENTS = (
    AgreementFacts(
        id=1,
        meeting_id=7,
        seq=1,
        what="Timer on the desk",
        owner_name="<i>Mila</i>",
        owner_user_id=1002,
        due=dt.date(2026, 1, 5),
        ongoing=False,
        status=AgreementStatus.DONE,
        note=NOTE,
    ),
    AgreementFacts(
        id=2,
        meeting_id=7,
        seq=2,
        what="Read every evening",
        owner_name=None,
        owner_user_id=None,
        due=None,
        ongoing=True,
    ),
)


def summary(language: str, **changes: object) -> str:
    facts: dict[str, object] = {
        "evaluator": "Mila",
        "date": EVALUATED,
        "goals": GOALS,
        "agreements": AGREEMENTS,
    }
    return render_evaluation_summary(
        EvaluationSummaryView(**{**facts, **changes}),  # type: ignore[arg-type]
        texts(language),
    )


def earlier(language: str, **changes: object) -> str:
    facts: dict[str, object] = {
        "goals": (STARTS, HOSTILE, HELP),
        "agreements": AGREEMENTS,
        "evaluation": GOALS,
        "evaluated_on": EVALUATED,
    }
    return render_earlier(EarlierView(**{**facts, **changes}), texts(language))  # type: ignore[arg-type]


# ---------------------------------------------------------------- the evaluation summary


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_summary_shows_who_when_each_goals_result_and_next_step_and_the_agreements(
    language: str,
) -> None:
    t = texts(language)
    html = summary(language)

    assert t.date(EVALUATED) in html.splitlines()[0]
    assert "Mila" in html
    assert f"✅ {STARTS}" in html and "🟡 &lt;b&gt;x&lt;/b&gt;" in html and "⏳ Asks" in html
    assert "Drop the timer after the holiday" in html
    assert "A help card &lt;i&gt;on&lt;/i&gt; his desk" in html
    assert t("done") in html and t("not answered yet") in html
    assert "Timer on the desk — &lt;i&gt;Mila&lt;/i&gt;" in html


def test_the_summary_reads_in_the_chats_language() -> None:
    assert "<b>Doelen</b>" in summary("nl") and "<b>Afspraken</b>" in summary("nl")
    assert "<b>Goals</b>" in summary("en") and "<b>Agreements</b>" in summary("en")
    assert "Mon 12 Jan 2026" in summary("en") and "ma 12 jan 2026" in summary("nl")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_summary_escapes_every_piece_of_user_text(language: str) -> None:
    html = summary(language, evaluator="<b>Mila</b> & co")

    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html
    assert "&lt;b&gt;Mila&lt;/b&gt; &amp; co" in html
    assert "Asks for help &amp; waits" in html
    assert "<i>Mila</i>" not in html and "<i>on</i>" not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_summary_never_shows_an_observation_or_a_note(language: str) -> None:
    html = summary(language)

    assert "tired" not in html and OBSERVATION not in html
    assert NOTE not in html and "privately" not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_summary_leaves_out_what_is_empty(language: str) -> None:
    html = summary(language, agreements=())

    assert "<b>Afspraken</b>" not in html and "<b>Agreements</b>" not in html
    # A goal without a next step gets no "next step" line.
    assert html.count("\n    ") == 2


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_plan_evaluated_as_a_whole_is_named_so(language: str) -> None:
    html = summary(language, goals=(GoalAnswer(WHOLE_PLAN, GoalResult.PARTLY),))

    assert f"🟡 {texts(language)('the plan as a whole')} — " in html


def test_the_summary_uses_only_telegrams_html_subset() -> None:
    for language in LANGUAGES:
        html = summary(language).replace("<b>", "").replace("</b>", "")
        html = html.replace("<i>", "").replace("</i>", "")
        assert "<" not in html and ">" not in html


# ---------------------------------------------------------------- the next meeting's opening


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_opening_shows_feed_up_feedback_and_feed_forward(language: str) -> None:
    t = texts(language)
    html = earlier(language)
    lines = html.splitlines()

    assert lines[0] == f"<b>{t('Where we were')}</b>"
    for heading in (
        "Feed up: where are we going?",
        "Feedback: how are we doing?",
        "Feed forward: what is the next step?",
    ):
        assert f"<b>{t(heading)}</b>" in lines
    assert f"1. {STARTS}" in lines and "2. &lt;b&gt;x&lt;/b&gt;" in lines
    assert f"1. ✅ <i>{t('reached')}</i>" in lines
    assert f"3. ⏳ <i>{t('not reached yet')}</i>" in lines
    assert "1. Drop the timer after the holiday" in lines
    assert "3. A help card &lt;i&gt;on&lt;/i&gt; his desk" in lines
    # Goal 2 has no next step: feed forward leaves it out.
    forward = html.split(t("Feed forward: what is the next step?"))[1].splitlines()[1:]
    assert [line[:2] for line in forward] == ["1.", "3."]
    assert f"• Timer on the desk — &lt;i&gt;Mila&lt;/i&gt; — <i>{t('done')}</i>" in lines
    assert t.date(EVALUATED) in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_opening_never_shows_an_observation_or_a_note(language: str) -> None:
    html = earlier(language)

    assert "tired" not in html and NOTE not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_opening_escapes_user_text(language: str) -> None:
    html = earlier(language)

    assert "<b>x</b>" not in html and "<i>Mila</i>" not in html and "<i>on</i>" not in html
    assert "Asks for help &amp; waits" in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_without_an_evaluation_the_opening_shows_the_goals_and_the_agreements(
    language: str,
) -> None:
    t = texts(language)
    html = earlier(language, evaluation=None, evaluated_on=None)

    assert t("Feed up: where are we going?") in html
    assert t("Feedback: how are we doing?") in html
    assert t("Feed forward: what is the next step?") not in html
    assert "✅" not in html and "⏳" not in html and t.date(EVALUATED) not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_opening_leaves_out_every_empty_part(language: str) -> None:
    t = texts(language)
    html = earlier(language, goals=(), agreements=(), evaluation=None, evaluated_on=None)
    only_goals = earlier(language, agreements=(), evaluation=None, evaluated_on=None)

    assert html == ""
    assert t("Feed up: where are we going?") in only_goals
    assert t("Feedback: how are we doing?") not in only_goals
    assert t("Feed forward: what is the next step?") not in only_goals


def test_an_evaluated_goal_not_listed_in_feed_up_is_written_out() -> None:
    t = texts("en")
    view = EarlierView(
        goals=(),
        agreements=(),
        evaluation=(GoalAnswer(WHOLE_PLAN, GoalResult.PARTLY, OBSERVATION, "More <b>often</b>"),),
        evaluated_on=EVALUATED,
    )

    html = render_earlier(view, t)

    assert "the plan as a whole — 🟡 <i>partly reached</i>" in html
    assert "the plan as a whole: More &lt;b&gt;often&lt;/b&gt;" in html
    assert earlier_lines(view, t).results[0].number is None
