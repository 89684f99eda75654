"""Tests for splitting long Telegram-HTML messages (rondetafel.bot.text_split)."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rondetafel.bot.text_split import split_html, utf16_len, visible_length, visible_text

# --------------------------------------------------------------------------
# Independent helpers: the tests must not trust the module they test.

ALLOWED_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    }
)
_CHECK_RE = re.compile(
    r"<(?P<close>/?)(?P<name>[a-z-]+)(?P<attrs>(?:\s[^<>]*)?)>"
    r"|&(?:lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);"
    r"|(?P<bad>[<>&])"
    r"|[^<>&]+"
)


def assert_well_formed(chunk: str) -> None:
    """Tags known, balanced and properly nested; no stray '<', '>' or '&'."""
    stack: list[str] = []
    for match in _CHECK_RE.finditer(chunk):
        assert match.group("bad") is None, f"stray {match.group()!r} in {chunk!r}"
        name = match.group("name")
        if name is None:
            continue
        assert name in ALLOWED_TAGS, f"unknown tag {name!r} in {chunk!r}"
        if match.group("close"):
            assert stack, f"</{name}> closes nothing in {chunk!r}"
            assert stack.pop() == name, f"</{name}> closes the wrong tag in {chunk!r}"
        else:
            stack.append(name)
    assert not stack, f"unclosed {stack} in {chunk!r}"


def shown(chunk: str) -> str:
    """What Telegram shows: a second, deliberately naive implementation."""
    return html.unescape(re.sub(r"<[^>]*>", "", chunk))


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def assert_text_preserved(original: str, chunks: list[str]) -> None:
    """The chunks' texts, in order, make up the original apart from whitespace at cuts."""
    pattern = r"\s*" + r"\s*".join(re.escape(shown(chunk)) for chunk in chunks) + r"\s*"
    assert re.fullmatch(pattern, shown(original)), (original, chunks)


def assert_valid_split(original: str, chunks: list[str], limit: int) -> None:
    for chunk in chunks:
        assert_well_formed(chunk)
        assert units(shown(chunk)) <= limit, (chunk, limit)
        assert shown(chunk).strip(), f"empty chunk in {chunks!r}"
    assert_text_preserved(original, chunks)


# --------------------------------------------------------------------------
# Measuring


def test_utf16_len_counts_an_emoji_outside_the_bmp_as_two() -> None:
    assert utf16_len("abc") == 3
    assert utf16_len("é€") == 2
    assert utf16_len("😀") == 2
    assert utf16_len("👨\u200d👩\u200d👧") == 8


def test_visible_text_removes_tags_and_unescapes_entities() -> None:
    source = '<b>Fish &amp; chips</b> &lt;3 <a href="https://x.nl/?a=1&amp;b=2">link</a> &#128512;'
    assert visible_text(source) == "Fish & chips <3 link 😀"


def test_amp_counts_as_one_character() -> None:
    assert visible_length("fish &amp; chips") == len("fish & chips")
    assert visible_length("&quot;&lt;&gt;&#39;&#x41;") == 5


def test_numeric_entity_for_an_emoji_counts_as_two() -> None:
    assert visible_length("&#128512;") == 2
    assert visible_length("&#x1F44D;") == 2


def test_tags_do_not_count() -> None:
    assert (
        visible_length('<blockquote expandable><span class="tg-spoiler">ab</span></blockquote>')
        == 2
    )


# --------------------------------------------------------------------------
# Texts that fit


def test_text_that_fits_is_returned_unchanged() -> None:
    source = "  <b>Agenda</b>\n\n1. Welkom &amp; opening 😀\n"
    assert split_html(source, limit=visible_length(source)) == [source]
    assert split_html(source) == [source]


def test_text_that_fits_only_because_entities_count_as_one_is_not_split() -> None:
    source = "a" * 9 + "&amp;"
    assert split_html(source, limit=10) == [source]


def test_blank_text_gives_no_chunks() -> None:
    assert split_html("") == []
    assert split_html(" \n\n ") == []
    assert split_html("<b> </b>\n") == []


@pytest.mark.parametrize(
    "body",
    [
        "a" * 4096,
        "&amp;" * 4096,
        "😀" * 2048,
        "<b>" + "word " * 819 + "w</b>",
    ],
    ids=["letters", "entities", "emoji", "words-in-bold"],
)
def test_exactly_4096_visible_units_is_one_message(body: str) -> None:
    assert units(shown(body)) == 4096
    assert split_html(body) == [body]


@pytest.mark.parametrize(
    "body",
    [
        "a" * 4097,
        "&amp;" * 4097,
        "😀" * 2048 + "x",
        "<b>" + "word " * 819 + "wx</b>",
    ],
    ids=["letters", "entities", "emoji", "words-in-bold"],
)
def test_4097_visible_units_are_split_in_two(body: str) -> None:
    assert units(shown(body)) == 4097
    chunks = split_html(body)
    assert len(chunks) == 2
    assert_valid_split(body, chunks, 4096)


# --------------------------------------------------------------------------
# Where to cut


def test_splits_on_the_last_paragraph_break_that_fits() -> None:
    source = "One two.\n\nThree four.\nFive\n\nSix seven eight.\n\nNine ten"
    # "One two.\n\nThree four.\nFive" is 27 units; adding the next paragraph is not.
    assert split_html(source, limit=30) == [
        "One two.\n\nThree four.\nFive",
        "Six seven eight.\n\nNine ten",
    ]


def test_a_paragraph_break_beats_a_later_newline_or_space() -> None:
    source = "aaa\n\nbbb bbb\nccc ccc ddd"
    assert split_html(source, limit=20)[0] == "aaa"


def test_falls_back_to_a_newline_when_no_paragraph_break_fits() -> None:
    source = "line one\nline two\nline three\n\nend"
    assert split_html(source, limit=20) == ["line one\nline two", "line three\n\nend"]


def test_falls_back_to_a_sentence_end_before_a_plain_space() -> None:
    assert split_html("One two. Three four five six", limit=20) == [
        "One two.",
        "Three four five six",
    ]


@pytest.mark.parametrize("end", ["!", "?", ".)", '."'])
def test_other_sentence_ends_count_too(end: str) -> None:
    chunks = split_html(f"One two{end} Three four five six", limit=20)
    assert shown(chunks[0]) == f"One two{end}"


def test_falls_back_to_the_last_space() -> None:
    assert split_html("alpha beta gamma delta", limit=12) == ["alpha beta", "gamma delta"]


def test_a_non_breaking_space_is_not_a_cut_point() -> None:
    assert split_html("aa bb\u00a0cc", limit=6) == ["aa", "bb\u00a0cc"]


def test_hard_cuts_a_word_longer_than_the_limit() -> None:
    assert split_html("x" * 25, limit=10) == ["x" * 10, "x" * 10, "x" * 5]


def test_whitespace_at_cut_points_is_stripped() -> None:
    assert split_html("alpha   \n\n   beta  ", limit=6) == ["alpha", "beta"]


def test_never_cuts_inside_a_tag_even_if_its_attributes_contain_spaces() -> None:
    source = '<span class="tg-spoiler">abcdefghij</span> <blockquote expandable>klmnop</blockquote>'
    chunks = split_html(source, limit=4)
    assert chunks == [
        '<span class="tg-spoiler">abcd</span>',
        '<span class="tg-spoiler">efgh</span>',
        '<span class="tg-spoiler">ij</span>',
        "<blockquote expandable>klmn</blockquote>",
        "<blockquote expandable>op</blockquote>",
    ]


# --------------------------------------------------------------------------
# Tags across a cut


def test_an_open_bold_tag_is_closed_and_reopened_across_a_cut() -> None:
    assert split_html("<b>alpha beta gamma</b> delta", limit=12) == [
        "<b>alpha beta</b>",
        "<b>gamma</b> delta",
    ]


def test_a_link_is_reopened_with_the_same_href() -> None:
    link = '<a href="https://example.com/?q=1&amp;r=2">'
    chunks = split_html(f"See {link}the whole report</a> now", limit=10)
    assert chunks == [
        f"See {link}the</a>",
        f"{link}whole</a>",
        f"{link}report</a> now",
    ]


def test_nested_tags_are_reopened_in_the_same_order_with_their_attributes() -> None:
    opening = '<blockquote expandable><span class="tg-spoiler"><i>'
    closing = "</i></span></blockquote>"
    chunks = split_html(f"{opening}one two three four{closing}", limit=9)
    assert chunks == [
        f"{opening}one two{closing}",
        f"{opening}three{closing}",
        f"{opening}four{closing}",
    ]


def test_no_empty_tag_pair_is_left_where_a_cut_meets_a_tag() -> None:
    chunks = split_html("alpha <b>beta</b> gamma", limit=6)
    assert chunks == ["alpha", "<b>beta</b>", "gamma"]


# --------------------------------------------------------------------------
# Entities and emoji


def test_an_entity_is_never_split() -> None:
    chunks = split_html("&amp;" * 30, limit=7)
    assert chunks == ["&amp;" * 7] * 4 + ["&amp;" * 2]


def test_an_emoji_counts_as_two_units() -> None:
    assert split_html("😀😀😀", limit=6) == ["😀😀😀"]
    assert split_html("😀😀😀", limit=5) == ["😀😀", "😀"]


def test_an_emoji_is_never_split() -> None:
    chunks = split_html("a" + "😀" * 10, limit=4)
    assert chunks == ["a😀", "😀😀", "😀😀", "😀😀", "😀😀", "😀"]
    for chunk in chunks:
        chunk.encode("utf-16-le")  # raises on a lone surrogate


def test_emoji_sequences_and_flags_stay_whole() -> None:
    family = "👨\u200d👩\u200d👧"  # 8 units
    assert split_html(family * 2, limit=9) == [family, family]
    assert split_html("🇳🇱" * 3, limit=5) == ["🇳🇱", "🇳🇱", "🇳🇱"]
    assert split_html("👍🏽" * 3, limit=5) == ["👍🏽", "👍🏽", "👍🏽"]


def test_limit_below_two_is_rejected() -> None:
    with pytest.raises(ValueError):
        split_html("abc", limit=1)


# --------------------------------------------------------------------------
# pre and code


def test_does_not_cut_inside_inline_code_when_a_cut_outside_exists() -> None:
    assert split_html("intro words here <code>a b c d e f</code> more", limit=25) == [
        "intro words here",
        "<code>a b c d e f</code> more",
    ]


def test_a_pre_block_that_fits_alone_moves_to_the_next_chunk() -> None:
    source = "Intro text.\n<pre>x = 1\ny = 2</pre>\nOutro"
    assert split_html(source, limit=20) == ["Intro text.", "<pre>x = 1\ny = 2</pre>\nOutro"]


def test_a_pre_block_longer_than_the_limit_is_cut_and_reopened() -> None:
    opening = '<pre><code class="language-python">'
    closing = "</code></pre>"
    lines = [f"print({n})" for n in range(10)]
    chunks = split_html(opening + "\n".join(lines) + closing, limit=20)
    pairs = zip(lines[::2], lines[1::2], strict=True)
    assert chunks == [f"{opening}{first}\n{second}{closing}" for first, second in pairs]


# --------------------------------------------------------------------------
# Properties over generated well-formed Telegram HTML

_TEXT_PIECES = [
    "a",
    "Zorg",
    "é",
    "word",
    " ",
    "  ",
    "\n",
    "\n\n",
    ". ",
    "! ",
    "? ",
    ".",
    "&",
    "<",
    ">",
    '"',
    "'",
    "😀",
    "👍🏽",
    "🇳🇱",
    "👨\u200d👩\u200d👧",
    "e\u0301",
    "\u00a0",
]
_ENTITIES = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&#128512;", "&#x1F44D;", "&#10;"]
_ELEMENTS = [
    ("<b>", "</b>"),
    ("<strong>", "</strong>"),
    ("<i>", "</i>"),
    ("<em>", "</em>"),
    ("<u>", "</u>"),
    ("<ins>", "</ins>"),
    ("<s>", "</s>"),
    ("<strike>", "</strike>"),
    ("<del>", "</del>"),
    ('<span class="tg-spoiler">', "</span>"),
    ("<tg-spoiler>", "</tg-spoiler>"),
    ('<a href="https://example.com/?a=1&amp;b=%20x">', "</a>"),
    ("<code>", "</code>"),
    ('<pre><code class="language-python">', "</code></pre>"),
    ("<pre>", "</pre>"),
    ("<blockquote>", "</blockquote>"),
    ("<blockquote expandable>", "</blockquote>"),
]

_text = st.lists(st.sampled_from(_TEXT_PIECES), max_size=12).map(
    lambda pieces: html.escape("".join(pieces))
)
_leaf = st.one_of(
    _text,
    _text,
    st.sampled_from(_ENTITIES),
    st.just('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'),
)


def _wrap(element: tuple[str, str], children: list[str]) -> str:
    return element[0] + "".join(children) + element[1]


_html = st.recursive(
    _leaf,
    lambda children: st.one_of(
        st.builds(_wrap, st.sampled_from(_ELEMENTS), st.lists(children, max_size=4)),
        st.lists(children, min_size=2, max_size=4).map("".join),
    ),
    max_leaves=30,
)


@given(source=_html)
def test_property_the_generator_produces_well_formed_html(source: str) -> None:
    # Guards the property tests below: a broken generator would prove nothing.
    assert_well_formed(source)


@settings(max_examples=300)
@given(source=_html, limit=st.integers(min_value=2, max_value=20))
def test_property_small_limits_give_valid_chunks(source: str, limit: int) -> None:
    assert_valid_split(source, split_html(source, limit), limit)


@settings(max_examples=300)
@given(source=_html, limit=st.integers(min_value=20, max_value=200))
def test_property_larger_limits_give_valid_chunks(source: str, limit: int) -> None:
    assert_valid_split(source, split_html(source, limit), limit)


@given(source=_html)
def test_property_visible_length_matches_a_naive_count(source: str) -> None:
    assert visible_length(source) == units(shown(source))
    assert visible_text(source) == shown(source)


@given(source=_html, limit=st.integers(min_value=2, max_value=200))
def test_property_text_that_fits_is_one_unchanged_chunk(source: str, limit: int) -> None:
    chunks = split_html(source, limit)
    if not shown(source).strip():
        assert chunks == []
    elif units(shown(source)) <= limit:
        assert chunks == [source]
    else:
        # Usually two or more; one if only stripping whitespace made it fit.
        assert chunks


@given(source=_html, limit=st.integers(min_value=2, max_value=200))
def test_property_split_chunks_have_no_whitespace_at_their_ends(source: str, limit: int) -> None:
    chunks = split_html(source, limit)
    if len(chunks) > 1:
        for chunk in chunks:
            assert shown(chunk) == shown(chunk).strip()
