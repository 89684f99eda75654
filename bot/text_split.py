"""Split Telegram-HTML messages into chunks that Telegram will accept.

Telegram rejects a message whose text is longer than 4096 characters *after
entity parsing*: tags do not count and ``&amp;`` counts as one character.  We
count UTF-16 code units, because that is how Telegram measures text (an emoji
outside the Basic Multilingual Plane counts 2).

The splitter works on a flat list of *atoms*: a tag, an entity, or a single
code point of text.  Cutting only between atoms means we can never cut inside
a tag, inside an entity or through a surrogate pair.  For every cut position
we know which tags are open there, so a chunk can close them at its end and
the next chunk can re-open them, with the same attributes, at its start.
"""

from __future__ import annotations

import bisect
import html as html_lib
import re
import unicodedata
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache

__all__ = ["MESSAGE_LIMIT", "split_html", "utf16_len", "visible_length", "visible_text"]

MESSAGE_LIMIT = 4096

# A tag must start with a letter (or "/" and a letter) so that a stray "<"
# in text is not mistaken for one; quoted attribute values may contain ">".
_TOKEN_RE = re.compile(
    r"""
    (?P<tag></?[A-Za-z](?:[^>"']|"[^"]*"|'[^']*')*>)
  | (?P<entity>&(?:\#[0-9]+|\#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);)
  | (?P<text>[^<&]+|[<&])
    """,
    re.VERBOSE,
)
_TAG_NAME_RE = re.compile(r"</?\s*([A-Za-z][A-Za-z0-9-]*)")

# Inside these, whitespace is layout and a cut splits a code sample in two,
# so we only cut inside them when nothing else works.
_CODE_TAGS = frozenset({"pre", "code"})

# Sentence punctuation, optionally followed by closing quotes or brackets
# ("Done." / "Done.)" / 'He said "go!"').
_SENTENCE_END = frozenset(".!?…")
_CLOSERS = "\"')]}»”’"

# Written on purpose to keep "€ 10" or "10 %" together: never a cut point.
_NO_BREAK_SPACES = frozenset("\u00a0\u2007\u202f")


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit Telegram counts in."""
    # "surrogatepass" keeps us from raising on a lone surrogate; it counts 1.
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


# --------------------------------------------------------------------------
# Tokenizing


class _Kind(IntEnum):
    OPEN = 1
    CLOSE = 2
    VOID = 3  # e.g. "<br/>": not in Telegram's subset, but must not unbalance the stack
    TEXT = 4  # a text run, or a single code point once atomized
    ENTITY = 5


@dataclass(frozen=True, slots=True)
class _Token:
    """A tag, an entity or text.  Build with the ``_*_token`` helpers below.

    ``is_tag``, ``is_space`` and ``width`` are stored rather than computed on
    access: the splitter reads them for every code point, several times.
    """

    kind: _Kind
    raw: str  # exactly as in the input, so unchanged parts stay unchanged
    visible: str  # what Telegram shows; empty for tags
    name: str  # lower-cased tag name; empty for text and entities
    is_tag: bool
    is_space: bool  # "&#10;" is whitespace too: Telegram sees a newline
    width: int  # UTF-16 units of ``visible``


def _tag_token(raw: str) -> _Token:
    match = _TAG_NAME_RE.match(raw)
    name = match.group(1).lower() if match else ""
    if raw.startswith("</"):
        kind = _Kind.CLOSE
    elif raw.endswith("/>"):
        kind = _Kind.VOID
    else:
        kind = _Kind.OPEN
    return _Token(kind, raw, "", name, is_tag=True, is_space=False, width=0)


def _visible_token(kind: _Kind, raw: str, visible: str) -> _Token:
    return _Token(kind, raw, visible, "", False, visible.isspace(), utf16_len(visible))


def _entity_token(raw: str) -> _Token:
    return _visible_token(_Kind.ENTITY, raw, html_lib.unescape(raw))


@lru_cache(maxsize=1024)
def _char_token(char: str) -> _Token:
    # Tokens are immutable, so one per distinct character is enough; this
    # saves building a new object for every code point of a long summary.
    return _visible_token(_Kind.TEXT, char, char)


def _tokenize(html: str) -> list[_Token]:
    """Tags, entities and (possibly long) text runs, in input order."""
    tokens: list[_Token] = []
    for match in _TOKEN_RE.finditer(html):
        raw = match.group()
        if match.lastgroup == "tag":
            tokens.append(_tag_token(raw))
        elif match.lastgroup == "entity":
            tokens.append(_entity_token(raw))
        else:
            tokens.append(_visible_token(_Kind.TEXT, raw, raw))
    return tokens


def _atomize(tokens: list[_Token]) -> list[_Token]:
    """Split text runs into single code points: the positions we may cut at."""
    atoms: list[_Token] = []
    for token in tokens:
        if token.kind is _Kind.TEXT:
            atoms.extend(_char_token(char) for char in token.raw)
        else:
            atoms.append(token)
    return atoms


def visible_text(html: str) -> str:
    """The text Telegram shows for ``html``: tags removed, entities unescaped."""
    return "".join(token.visible for token in _tokenize(html))


def visible_length(html: str) -> int:
    """Length Telegram checks against its limit, in UTF-16 code units."""
    return utf16_len(visible_text(html))


# --------------------------------------------------------------------------
# Analysing cut positions
#
# Position k means "between atoms[k - 1] and atoms[k]"; 0 and len(atoms) are
# the two ends.


class _Break(IntEnum):
    """How good a cut is; lower is better."""

    PARAGRAPH = 1
    LINE = 2
    SENTENCE = 3
    SPACE = 4
    HARD = 5


@dataclass(frozen=True, slots=True)
class _SpaceRun:
    """A maximal run of whitespace (tags in between do not end it).

    We always cut at the start of a run: everything after the cut up to the
    next text is stripped from the next chunk anyway, so where exactly inside
    the run we cut makes no visible difference.
    """

    start: int
    kind: _Break
    in_code: bool  # True only if every position of the run is inside pre/code


def _open_stacks(atoms: list[_Token]) -> list[tuple[_Token, ...]]:
    """For every position 0..len(atoms): the tags open there, outermost first."""
    stacks: list[tuple[_Token, ...]] = [()]
    stack: list[_Token] = []
    for atom in atoms:
        if atom.kind is _Kind.OPEN:
            stack.append(atom)
        elif atom.kind is _Kind.CLOSE:
            # Input is well-formed, so this is normally stack[-1]; searching
            # keeps us from crashing (or closing the wrong tag) if it is not.
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth].name == atom.name:
                    del stack[depth:]
                    break
        stacks.append(tuple(stack))
    return stacks


def _in_code(stack: tuple[_Token, ...]) -> bool:
    return any(tag.name in _CODE_TAGS for tag in stack)


def _ends_sentence(text_before: str) -> bool:
    stripped = text_before.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _SENTENCE_END


def _space_runs(atoms: list[_Token], in_code: list[bool]) -> list[_SpaceRun]:
    """All whitespace runs between two pieces of text, ordered by start."""
    runs: list[_SpaceRun] = []
    before = ""  # the last few visible characters before the current run
    run_start: int | None = None
    newlines = 0
    breakable = False
    for index, atom in enumerate(atoms):
        if atom.is_tag:
            continue
        if atom.is_space:
            if run_start is None:
                run_start, newlines, breakable = index, 0, False
            newlines += atom.visible.count("\n")
            breakable = breakable or atom.visible not in _NO_BREAK_SPACES
            continue
        if run_start is not None and before and breakable:
            # A run ending at a </pre> counts as outside the block: cutting at
            # its start leaves only whitespace in the block, which is stripped.
            run_in_code = all(in_code[run_start : index + 1])
            runs.append(_SpaceRun(run_start, _run_kind(newlines, before), run_in_code))
        run_start = None
        before = (before + atom.visible)[-8:]
    return runs


def _run_kind(newlines: int, text_before: str) -> _Break:
    if newlines >= 2:
        return _Break.PARAGRAPH
    if newlines == 1:
        return _Break.LINE
    if _ends_sentence(text_before):
        return _Break.SENTENCE
    return _Break.SPACE


def _joins_previous(atom: _Token) -> bool:
    """True if ``atom`` belongs to the character before it (one visible glyph)."""
    if atom.is_tag or len(atom.visible) != 1:
        return False
    char = atom.visible
    return (
        unicodedata.combining(char) != 0
        or char == "\u200d"  # zero-width joiner: 👨‍👩‍👧
        or "\ufe00" <= char <= "\ufe0f"  # variation selectors: ❤️
        or "\U0001f3fb" <= char <= "\U0001f3ff"  # skin tones: 👍🏽
        or "\U000e0020" <= char <= "\U000e007f"  # emoji tag sequences: 🏴󠁧󠁢󠁳󠁣󠁴󠁿
    )


def _is_regional_indicator(atom: _Token) -> bool:
    return len(atom.visible) == 1 and "\U0001f1e6" <= atom.visible <= "\U0001f1ff"


def _splits_glyph(atoms: list[_Token], position: int) -> bool:
    """Would a cut at ``position`` tear an emoji sequence or accent apart?

    Not required to stay valid (we never split a code point), but a flag cut
    into two letters or a family cut into three people looks broken.
    """
    after, before = atoms[position], atoms[position - 1]
    if _joins_previous(after) or before.visible == "\u200d":
        return True
    # Flags are pairs of regional indicators: only cut after an even number.
    if _is_regional_indicator(after) and _is_regional_indicator(before):
        count = 0
        while position - count - 1 >= 0 and _is_regional_indicator(atoms[position - count - 1]):
            count += 1
        return count % 2 == 1
    return False


# --------------------------------------------------------------------------
# Splitting


@dataclass(frozen=True, slots=True)
class _Document:
    atoms: list[_Token]
    stacks: list[tuple[_Token, ...]]  # per position: the tags open there
    in_code: list[bool]  # per position: inside <pre> or <code>?
    runs: list[_SpaceRun]
    run_starts: list[int]  # runs[i].start, for bisect


def _analyse(tokens: list[_Token]) -> _Document:
    atoms = _atomize(tokens)
    stacks = _open_stacks(atoms)
    in_code = [_in_code(stack) for stack in stacks]
    runs = _space_runs(atoms, in_code)
    return _Document(atoms, stacks, in_code, runs, [run.start for run in runs])


def _first_content(atoms: list[_Token], start: int) -> int | None:
    """Index of the first non-whitespace visible atom at or after ``start``."""
    for index in range(start, len(atoms)):
        atom = atoms[index]
        if not atom.is_tag and not atom.is_space:
            return index
    return None


def _fill_end(atoms: list[_Token], content: int, limit: int) -> int:
    """The furthest position such that atoms[content:position] fits in ``limit``.

    Whitespace only counts once text follows it, because trailing whitespace
    is stripped.  Returns ``len(atoms)`` if everything left fits.
    """
    width = 0
    pending = 0  # whitespace seen since the last text
    for index in range(content, len(atoms)):
        atom = atoms[index]
        if atom.is_tag:
            continue
        if atom.is_space:
            pending += atom.width
        elif width + pending + atom.width > limit:
            return index
        else:
            width += pending + atom.width
            pending = 0
    return len(atoms)


def _hard_cut(doc: _Document, content: int, end: int) -> tuple[bool, int]:
    """Best cut not at whitespace: as late as possible, outside pre/code if we can.

    Returns (in_code, position).
    """
    fallback: int | None = None
    for position in range(end, content, -1):
        if _splits_glyph(doc.atoms, position):
            continue
        if not doc.in_code[position]:
            return False, position
        if fallback is None:
            fallback = position
    if fallback is not None:
        return True, fallback
    # Only one long glyph cluster fits; cutting through it beats not cutting.
    return doc.in_code[end], end


def _choose_cut(doc: _Document, content: int, end: int) -> int:
    """Pick the cut in (content, end]; see the module and ``split_html`` docs."""
    best_rank: tuple[bool, _Break] | None = None
    best = end
    first = bisect.bisect_right(doc.run_starts, content)
    last = bisect.bisect_right(doc.run_starts, end)
    for run in doc.runs[first:last]:
        rank = (run.in_code, run.kind)
        # "<=": among equally good cuts the last one wins, so chunks are full.
        if best_rank is None or rank <= best_rank:
            best_rank, best = rank, run.start
    # Staying out of pre/code matters more than the kind of break, so an
    # outside run always wins and an outside hard cut beats any inside run.
    if best_rank is not None and not best_rank[0]:
        return best
    in_code, position = _hard_cut(doc, content, end)
    if best_rank is None or not in_code:
        return position
    return best


def _strip(atoms: list[_Token]) -> list[_Token]:
    """Drop whitespace at both ends of the visible text, keeping every tag."""
    text = [index for index, atom in enumerate(atoms) if not atom.is_tag and not atom.is_space]
    if not text:
        return [atom for atom in atoms if atom.is_tag]
    first, last = text[0], text[-1]
    return [atom for index, atom in enumerate(atoms) if first <= index <= last or atom.is_tag]


def _drop_empty_elements(atoms: list[_Token]) -> list[_Token]:
    """Remove "<b></b>" pairs, typically left when a cut lands next to a tag.

    Because the chunk is properly nested, a closing tag that directly follows
    an opening tag closes exactly that one.
    """
    kept: list[_Token] = []
    for atom in atoms:
        if atom.kind is _Kind.CLOSE and kept and kept[-1].kind is _Kind.OPEN:
            kept.pop()
        else:
            kept.append(atom)
    return kept


def _render(doc: _Document, start: int, stop: int) -> str:
    """atoms[start:stop] as a self-contained chunk."""
    reopen = list(doc.stacks[start])
    close = [_tag_token(f"</{tag.name}>") for tag in doc.stacks[stop]]
    atoms = reopen + doc.atoms[start:stop] + close[::-1]
    return "".join(atom.raw for atom in _drop_empty_elements(_strip(atoms)))


def split_html(html: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split Telegram HTML into chunks of at most ``limit`` visible UTF-16 units.

    Each chunk is well-formed on its own: tags open at a cut are closed at the
    end of the chunk and re-opened at the start of the next.  Cuts go, in
    order of preference, at the last blank line that fits, else the last line
    break, sentence end, space, and only then anywhere between characters.
    Cuts inside <pre>/<code> are used only when no cut outside them exists.
    Whitespace at the cuts is dropped.  A text that fits is returned as one
    unchanged chunk; a text with no visible content gives no chunks.
    """
    if limit < 2:
        # An emoji is 2 units wide and cannot be split; with limit 1 we could
        # not guarantee progress.
        raise ValueError(f"limit must be at least 2, got {limit}")
    tokens = _tokenize(html)
    text = "".join(token.visible for token in tokens)
    if not text.strip():
        return []
    if utf16_len(text) <= limit:
        return [html]

    doc = _analyse(tokens)
    chunks: list[str] = []
    start = 0
    while (content := _first_content(doc.atoms, start)) is not None:
        end = _fill_end(doc.atoms, content, limit)
        stop = len(doc.atoms) if end == len(doc.atoms) else _choose_cut(doc, content, end)
        chunks.append(_render(doc, start, stop))
        start = stop
    return chunks
