"""Telegram-HTML parsing: the entities it produces and the markup it refuses."""

from __future__ import annotations

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rondetafel.standin import ParseError, parse_html


def test_simple_tags_become_entities() -> None:
    text, entities = parse_html("<b>vet</b> <i>schuin</i> <u>onder</u> <s>weg</s>")
    assert text == "vet schuin onder weg"
    assert entities == [
        {"type": "bold", "offset": 0, "length": 3},
        {"type": "italic", "offset": 4, "length": 6},
        {"type": "underline", "offset": 11, "length": 5},
        {"type": "strikethrough", "offset": 17, "length": 3},
    ]


def test_tag_synonyms_and_upper_case_names() -> None:
    _, entities = parse_html(
        "<STRONG>a</STRONG><em>b</em><ins>c</ins><strike>d</strike><del>e</del>"
    )
    assert [e["type"] for e in entities] == [
        "bold", "italic", "underline", "strikethrough", "strikethrough",
    ]  # fmt: skip


def test_offsets_count_utf16_units_so_emoji_count_twice() -> None:
    text, entities = parse_html("😀 <b>é😀x</b>")
    assert text == "😀 é😀x"
    assert entities == [{"type": "bold", "offset": 3, "length": 4}]


def test_nested_tags_are_sorted_outer_first() -> None:
    _, entities = parse_html("<i>a <b>b</b></i>")
    assert entities == [
        {"type": "italic", "offset": 0, "length": 3},
        {"type": "bold", "offset": 2, "length": 1},
    ]


def test_spoilers_both_ways() -> None:
    _, entities = parse_html('<tg-spoiler>a</tg-spoiler><span class="tg-spoiler">b</span>')
    assert [e["type"] for e in entities] == ["spoiler", "spoiler"]


def test_links_and_user_mentions() -> None:
    anna = {"id": 42, "is_bot": False, "first_name": "Anna"}
    text, entities = parse_html(
        '<a href="https://school.example/x?a=1&amp;b=2">site</a> <a href="tg://user?id=42">Anna</a>',
        lambda user_id: anna if user_id == 42 else None,
    )
    assert text == "site Anna"
    assert entities == [
        {"type": "text_link", "url": "https://school.example/x?a=1&b=2", "offset": 0, "length": 4},
        {"type": "text_mention", "user": anna, "offset": 5, "length": 4},
    ]


def test_a_link_telegram_cannot_use_vanishes_without_an_error() -> None:
    text, entities = parse_html(
        '<a href="javascript:alert(1)">x</a> <a href="tg://user?id=7">y</a>'
    )
    assert text == "x y"
    assert entities == []


def test_pre_with_a_language_and_plain_code() -> None:
    text, entities = parse_html(
        '<pre><code class="language-python">print(1)</code></pre> <code>x</code> <pre>p</pre>'
    )
    assert text == "print(1) x p"
    assert entities == [
        {"type": "pre", "offset": 0, "length": 8, "language": "python"},
        {"type": "code", "offset": 9, "length": 1},
        {"type": "pre", "offset": 11, "length": 1},
    ]


def test_blockquotes_plain_and_expandable() -> None:
    _, entities = parse_html("<blockquote>a</blockquote><blockquote expandable>b</blockquote>")
    assert [e["type"] for e in entities] == ["blockquote", "expandable_blockquote"]


def test_supported_entities_decode() -> None:
    text, _ = parse_html("&lt;b&gt; &amp; &quot; &#65;&#x42; &#128512;")
    assert text == '<b> & " AB 😀'


def test_an_ampersand_that_is_no_entity_stays_literal_like_on_telegram() -> None:
    text, _ = parse_html("R&D &nbsp; &copy &#; a&b")
    assert text == "R&D &nbsp; &copy &#; a&b"


def test_empty_tags_make_no_entity() -> None:
    assert parse_html("a<b></b>b") == ("ab", [])


@pytest.mark.parametrize(
    ("markup", "reason"),
    [
        ("Hallo <div>x</div>", 'Unsupported start tag "div" at byte offset 6'),
        ("é <br/>", 'Unsupported start tag "br/" at byte offset 3'),
        ("3 < 4", 'Unsupported start tag "" at byte offset 2'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ('<a href="x', "Unclosed start tag at byte offset 0"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<a href=x/y>z</a>", "Unexpected end of name token at byte offset 8"),
        ("<b =1>x</b>", 'Empty attribute name in the tag "b" at byte offset 0'),
        ("<tg-emoji emoji-id=abc>x</tg-emoji>", "Invalid custom emoji identifier specified"),
    ],
)
def test_markup_telegram_refuses(markup: str, reason: str) -> None:
    with pytest.raises(ParseError) as raised:
        parse_html(markup)
    assert raised.value.reason == reason
    assert str(raised.value) == f"can't parse entities: {reason}"


def test_a_lone_surrogate_from_an_entity_is_refused() -> None:
    with pytest.raises(ParseError, match=r"unmatched surrogate"):
        parse_html("&#xD83D;")


@given(st.text())
def test_any_escaped_text_comes_back_unchanged_without_entities(text: str) -> None:
    assert parse_html(html.escape(text, quote=False)) == (text, [])
