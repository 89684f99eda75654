"""The report a school files: what was decided comes first, on A4, one document."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from rondetafel.bot.templating import render_report
from rondetafel.bot.texts import texts
from rondetafel.flows.script import MeetingKind
from rondetafel.flows.state import MeetingState
from tests.bot.demo_state import AMSTERDAM, EVALUATION, TODAY, demo_meeting

SCHOOL = "OBS De Brug"
VOID = frozenset({"meta", "br", "hr", "img", "input", "link", "col", "wbr", "source"})


class Outline(HTMLParser):
    """The elements of a document, checked for nesting as they come."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.seen: list[tuple[str, tuple[str, ...]]] = []  # (tag, the tags around it)
        self.misnested: list[str] = []
        self.doctype = ""

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append((tag, tuple(self.open)))
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.misnested.append(f"</{tag}> inside {self.open}")
        else:
            self.open.pop()

    def count(self, tag: str) -> int:
        return sum(1 for t, _ in self.seen if t == tag)

    def following(self, tag: str) -> list[str]:
        """For each `tag`, the element that opens right after it."""
        tags = [t for t, _ in self.seen]
        return [tags[i + 1] if i + 1 < len(tags) else "" for i, t in enumerate(tags) if t == tag]


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    parser.close()
    return parser


def report(state: MeetingState, language: str = "nl") -> str:
    return render_report(state, texts(language), AMSTERDAM, SCHOOL)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def agreement_row(html: str, what: str) -> str:
    rows = [text_of(row) for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.DOTALL)]
    return next(row for row in rows if what in row)


def test_the_report_opens_with_the_agreements_then_the_goals_then_the_evaluation() -> None:
    html = report(demo_meeting(language="en"), "en")
    order = [
        html.index("<h2>Agreements</h2>"),
        html.index("<h2>Goals</h2>"),
        html.index("<h2>Evaluation</h2>"),
        html.index("1. Questions for this meeting"),
        html.index("8. Tops &amp; tips"),
    ]
    assert order == sorted(order)
    assert html.index("Bed at 9 pm, weekends too") < html.index("That I get angry less often")


def test_the_goals_of_the_goals_round_lead_and_that_round_points_to_them() -> None:
    html = report(demo_meeting(language="en"), "en")
    goals = html[html.index("<h2>Goals</h2>") : html.index("<h2>Evaluation</h2>")]
    assert "Start my work calmly" in goals and "S.B. (pupil)" in goals
    assert html.count("Start my work calmly") == 1
    round_five = html[html.index("5. Goals for the pupil") : html.index("6. Needs")]
    assert 'href="#goals"' in round_five and 'id="goals"' in html


@pytest.mark.parametrize(
    ("language", "ongoing", "by"), [("nl", "doorlopend", "uiterlijk"), ("en", "ongoing", "by")]
)
def test_an_ongoing_agreement_goes_on_and_never_has_a_date_to_be_done_by(
    language: str, ongoing: str, by: str
) -> None:
    html = report(demo_meeting(language=language), language)
    what = "Om 21 uur naar bed" if language == "nl" else "Bed at 9 pm"
    row = agreement_row(html, what)
    assert ongoing in row
    assert by not in row.split(what)[1]


def test_a_dated_agreement_says_by_when_it_is_done() -> None:
    html = report(demo_meeting(), "nl")
    due = texts("nl").date(TODAY + dt.timedelta(days=14))
    assert f"uiterlijk {due}" in agreement_row(html, "S. bij de deur begroeten")


def test_an_agreement_without_a_date_says_so() -> None:
    state = demo_meeting(language="en")
    undated = replace(state.agreements[0], due=None, ongoing=False)
    html = report(state.evolve(agreements=(undated,)), "en")
    row = agreement_row(html, undated.what)
    assert "no date yet" in row and "by " not in row and "ongoing" not in row


def test_the_evaluation_date_is_in_the_report() -> None:
    html = report(demo_meeting(), "nl")
    section = html[html.index("<h2>Evaluatie</h2>") :]
    assert texts("nl").date(EVALUATION) in section.split("</section>")[0]


@pytest.mark.parametrize("kind", list(MeetingKind))
def test_the_report_is_one_well_formed_html5_document_with_landmarks(kind: MeetingKind) -> None:
    doc = outline(report(demo_meeting(kind)))
    assert doc.doctype.lower() == "doctype html"
    assert doc.misnested == [] and doc.open == []
    assert (doc.count("main"), doc.count("header"), doc.count("footer"), doc.count("h1")) == (
        1,
        1,
        1,
        1,
    )
    # Header and footer are the page's banner and contentinfo: directly in <body>.
    around = {tag: parents for tag, parents in doc.seen if tag in ("header", "main", "footer")}
    assert all(parents == ("html", "body") for parents in around.values())
    # Every section is inside <main> and starts with its heading.
    assert all("main" in parents for tag, parents in doc.seen if tag == "section")
    assert set(doc.following("section")) <= {"h2", "h3"}


def test_the_report_prints_on_a4_with_no_heading_left_alone_at_a_page_end() -> None:
    html = report(demo_meeting())
    css = html[html.index("<style>") : html.index("</style>")]
    assert "@page { size: A4; margin: 18mm 16mm; }" in css
    assert re.search(r"h2, h3[^{]*\{[^}]*break-after: avoid;[^}]*page-break-after: avoid;", css)
    assert re.search(r"li, tr[^{]*\{[^}]*break-inside: avoid;", css)


def test_the_header_names_school_meeting_date_times_and_who_took_part() -> None:
    html = report(demo_meeting())
    header = text_of(html[html.index("<header>") : html.index("</header>")])
    for part in (
        SCHOOL,
        "Leerlingbespreking · S.B.",
        "ma 10 mrt 2025 · 15:30–16:25",
        "Ilse — voorzitter",
        "Daan — mentor / leerkracht",
        "Fatma — ouder",
    ):
        assert part in header


def test_a_relayed_pupil_is_shown_with_who_relayed_their_words() -> None:
    html = report(demo_meeting())
    header = text_of(html[html.index("<header>") : html.index("</header>")])
    assert "S.B. — leerling (woorden doorgegeven door Daan)" in header


def test_user_text_with_markup_is_escaped_and_the_report_runs_no_script() -> None:
    state = demo_meeting(language="en")
    attack = "<script>alert('x')</script>"
    agreement = replace(state.agreements[0], what=f"Plan {attack}")
    point = replace(state.contributions[-1], text=f"Top {attack}")
    state = state.evolve(
        pupil="<b>S&B</b>",
        agreements=(agreement,),
        contributions=(*state.contributions[:-1], point),
    )
    html = render_report(state, texts("en"), AMSTERDAM, f"De {attack}")
    assert "<script" not in html and "<b>S&B</b>" not in html
    assert html.count("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") == 3
    assert "&lt;b&gt;S&amp;B&lt;/b&gt;" in html


def test_the_report_loads_nothing_from_outside() -> None:
    html = report(demo_meeting())
    assert not re.search(r"<(script|link|img|iframe)\b", html)
    assert not re.search(r"""(src|href)=["'](?!#)""", html) and "url(" not in html


def test_the_questions_of_the_meeting_appear_only_when_there_are_some() -> None:
    asked = report(demo_meeting(language="en"), "en")
    assert "<h2>Questions asked at the start</h2>" in asked
    assert "Who does what in the coming six weeks?" in asked
    without = report(demo_meeting(language="en", questions=False))
    assert "Questions asked at the start" not in without


def test_a_meeting_stopped_before_any_agreement_says_none_were_made() -> None:
    state = demo_meeting(language="en")
    html = report(state.evolve(agreements=(), evaluation_date=None), "en")
    assert "No agreements were made." in html and "no date set" in html
    assert "7. Agreements" not in html  # its round has nothing to point to
