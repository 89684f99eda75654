"""Telegram's HTML parse mode: markup → (plain text, entities).

This follows the server's own parser (tdlib `parse_html`) step by step, so the
stand-in rejects exactly what Telegram rejects, with the same error texts and
byte offsets. It is not stricter than Telegram either, since that would fail
messages Telegram delivers: an `&` that does not start a supported entity stays
a literal character, and a link whose URL Telegram would refuse is dropped
without failing the message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .common import JsonDict
from .entities import sort_entities

UserLookup = Callable[[int], JsonDict | None]
"""Resolves the id in `tg://user?id=N` to a Bot API User, or None if unknown."""


class ParseError(ValueError):
    """Markup Telegram would refuse; `reason` is the server's own wording."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"can't parse entities: {reason}")
        self.reason = reason


_SUPPORTED_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins",
        "tg-spoiler", "tg-emoji", "span", "pre", "code", "blockquote",
    }
)  # fmt: skip
_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",  # only class="tg-spoiler" gets this far
}
_NAMED_ENTITIES = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}
# The server reads the markup as a C string, so its "end of input" is a NUL byte
# and NUL also counts as a space; the sentinel below reproduces that.
_SPACES = frozenset(b" \t\r\n\v\0")
_ALLOWED_SCHEMES = frozenset({"http", "https", "tg", "ton", "ftp"})
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_BARE_HOST = re.compile(r"^[^\s/?#:]+\.[^\s/?#:]+(?::\d+)?(?:[/?#]\S*)?$")
_USER_LINK = re.compile(r"^tg:(?://)?user\?(?:[^#]*&)?id=(\d+)(?:[&#]|$)", re.IGNORECASE)


@dataclass
class _OpenTag:
    name: str
    argument: str
    utf16_offset: int
    out_start: int  # byte position in the output, to read the text of <a> without href


def parse_html(markup: str, lookup_user: UserLookup | None = None) -> tuple[str, list[JsonDict]]:
    """Parse Telegram-HTML; raise ParseError where Telegram answers "can't parse entities"."""
    return _Parser(markup, lookup_user).run()


class _Parser:
    def __init__(self, markup: str, lookup_user: UserLookup | None) -> None:
        self.src = markup.encode("utf-8", "surrogatepass")
        self.lookup_user = lookup_user
        self.out = bytearray()
        self.utf16 = 0
        self.open: list[_OpenTag] = []
        self.entities: list[JsonDict] = []
        self.saw_surrogate = False

    def at(self, pos: int) -> int:
        return self.src[pos] if pos < len(self.src) else 0

    def run(self) -> tuple[str, list[JsonDict]]:
        i = 0
        while i < len(self.src):
            c = self.src[i]
            if c == ord("&"):
                decoded = self.decode_entity(i)
                if decoded is not None:
                    char, i = decoded
                    self.append_char(char)
                    continue
            if c != ord("<"):
                if c & 0xC0 != 0x80:  # first byte of a UTF-8 sequence
                    self.utf16 += 2 if c >= 0xF0 else 1
                self.out.append(c)
                i += 1
                continue
            i = self.end_tag(i) if self.at(i + 1) == ord("/") else self.start_tag(i)
            i += 1
        if self.open:
            name = self.open[-1].name
            raise ParseError(f'Can\'t find end tag corresponding to start tag "{name}"')
        if self.saw_surrogate:
            raise ParseError(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            )
        for entity in self.entities:
            if entity["type"] == "code":
                entity.pop("language", None)
        return self.out.decode("utf-8"), sort_entities(self.entities)

    def append_char(self, char: str) -> None:
        code = ord(char)
        self.utf16 += 2 if code > 0xFFFF else 1
        if 0xD800 <= code <= 0xDFFF:
            self.saw_surrogate = True
            return
        self.out += char.encode("utf-8")

    def decode_entity(self, pos: int) -> tuple[str, int] | None:
        """Decode `&...;` at pos, returning (character, position after it)."""
        end = pos + 1
        if self.at(pos + 1) == ord("#"):
            end += 1
            value = 0
            if self.at(pos + 2) == ord("x"):
                end += 1
                while chr(self.at(end)) in "0123456789abcdefABCDEF":
                    value = value * 16 + int(chr(self.at(end)), 16)
                    end += 1
            else:
                while ord("0") <= self.at(end) <= ord("9"):
                    value = value * 10 + self.at(end) - ord("0")
                    end += 1
            if value == 0 or value >= 0x10FFFF or end - pos >= 10:
                return None
            char = chr(value)
        else:
            while chr(self.at(end)).isascii() and chr(self.at(end)).isalpha():
                end += 1
            named = _NAMED_ENTITIES.get(bytes(self.src[pos + 1 : end]))
            if named is None:
                return None
            char = named
        if self.at(end) == ord(";"):
            end += 1
        return char, end

    def start_tag(self, begin: int) -> int:
        """Parse `<name attr=...>` at begin; return the position of its `>`."""
        i = begin + 1
        while self.at(i) not in _SPACES and self.at(i) != ord(">"):
            i += 1
        if self.at(i) == 0:
            raise ParseError(f"Unclosed start tag at byte offset {begin}")
        name = self.src[begin + 1 : i].lower().decode("utf-8", "replace")
        if name not in _SUPPORTED_TAGS:
            raise ParseError(f'Unsupported start tag "{name}" at byte offset {begin}')
        argument = ""
        while self.at(i) != ord(">"):
            while self.at(i) != 0 and self.at(i) in _SPACES:
                i += 1
            if self.at(i) == ord(">"):
                break
            attr_start = i
            while self.at(i) not in _SPACES and self.at(i) not in b"=>/\"'":
                i += 1
            attr = bytes(self.src[attr_start:i])
            if not attr:
                raise ParseError(f'Empty attribute name in the tag "{name}" at byte offset {begin}')
            while self.at(i) != 0 and self.at(i) in _SPACES:
                i += 1
            if self.at(i) != ord("="):
                if self.at(i) == 0:
                    raise ParseError(f'Unclosed start tag "{name}" at byte offset {begin}')
                if name == "blockquote" and attr == b"expandable":
                    argument = "1"
                continue
            i += 1
            while self.at(i) != 0 and self.at(i) in _SPACES:
                i += 1
            if self.at(i) == 0:
                raise ParseError(f'Unclosed start tag "{name}" at byte offset {begin}')
            value, i = self.attribute_value(i)
            if self.at(i) == 0:
                raise ParseError(f"Unclosed start tag at byte offset {begin}")
            argument = _tag_argument(name, attr, value, argument)
        if name == "span" and argument != "spoiler":
            raise ParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
        self.open.append(_OpenTag(name, argument, self.utf16, len(self.out)))
        return i

    def attribute_value(self, i: int) -> tuple[str, int]:
        quote = self.at(i)
        if quote not in (ord('"'), ord("'")):
            # An unquoted value is an SGML name token and, like one, case-insensitive.
            start = i
            while chr(self.at(i)).isascii() and (chr(self.at(i)).isalnum() or self.at(i) in b".-"):
                i += 1
            if self.at(i) not in _SPACES and self.at(i) != ord(">"):
                raise ParseError(f"Unexpected end of name token at byte offset {start}")
            return self.src[start:i].lower().decode("ascii"), i
        i += 1
        value = bytearray()
        while self.at(i) != quote and self.at(i) != 0:
            if self.at(i) == ord("&"):
                decoded = self.decode_entity(i)
                if decoded is not None:
                    char, i = decoded
                    value += char.encode("utf-8", "surrogatepass")
                    continue
            value.append(self.at(i))
            i += 1
        if self.at(i) == quote:
            i += 1
        return value.decode("utf-8", "replace"), i

    def end_tag(self, begin: int) -> int:
        """Parse `</name>` at begin, closing the innermost tag; return the position of `>`."""
        if not self.open:
            raise ParseError(f"Unexpected end tag at byte offset {begin}")
        i = begin + 1
        while self.at(i) not in _SPACES and self.at(i) != ord(">"):
            i += 1
        end_name = self.src[begin + 2 : i].lower().decode("utf-8", "replace")
        while self.at(i) != 0 and self.at(i) in _SPACES:
            i += 1
        if self.at(i) != ord(">"):
            raise ParseError(f"Unclosed end tag at byte offset {begin}")
        tag = self.open[-1]
        if end_name and end_name != tag.name:
            raise ParseError(
                f'Unmatched end tag at byte offset {begin}, expected "</{tag.name}>", '
                f'found "</{end_name}>"'
            )
        if self.utf16 > tag.utf16_offset:
            self.close(tag)
        self.open.pop()
        return i

    def close(self, tag: _OpenTag) -> None:
        offset, length = tag.utf16_offset, self.utf16 - tag.utf16_offset
        span: JsonDict = {"offset": offset, "length": length}
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and last["offset"] == offset and last["length"] == length
        if tag.name in _SIMPLE_TAGS:
            self.entities.append({"type": _SIMPLE_TAGS[tag.name], **span})
        elif tag.name == "blockquote":
            kind = "expandable_blockquote" if tag.argument else "blockquote"
            self.entities.append({"type": kind, **span})
        elif tag.name == "tg-emoji":
            if not tag.argument.isdigit() or int(tag.argument) == 0:
                raise ParseError("Invalid custom emoji identifier specified")
            self.entities.append({"type": "custom_emoji", **span, "custom_emoji_id": tag.argument})
        elif tag.name == "a":
            url = tag.argument or self.out[tag.out_start :].decode("utf-8", "replace")
            entity = self.link_entity(url)
            if entity is not None:
                self.entities.append({**entity, **span})
        elif tag.name == "pre":
            # <pre><code class="language-x">…</code></pre>: the inner code closed first
            # and carries the language; the pair becomes one "pre" with a language.
            if last is not None and same_span and last["type"] == "code" and last.get("language"):
                last["type"] = "pre"
            else:
                self.entities.append({"type": "pre", **span})
        else:  # code
            if last is not None and same_span and last["type"] == "pre" and tag.argument:
                last["language"] = tag.argument
            else:
                entity = {"type": "code", **span}
                if tag.argument:
                    entity["language"] = tag.argument
                self.entities.append(entity)

    def link_entity(self, url: str) -> JsonDict | None:
        mention = _USER_LINK.match(url)
        if mention is not None:
            user = self.lookup_user(int(mention.group(1))) if self.lookup_user else None
            # An unknown user can't be mentioned; like a bad URL the link just vanishes.
            return {"type": "text_mention", "user": user} if user is not None else None
        checked = checked_link(url)
        return {"type": "text_link", "url": checked} if checked is not None else None


def _tag_argument(name: str, attr: bytes, value: str, current: str) -> str:
    if name == "a" and attr == b"href":
        return value
    if name == "code" and attr == b"class" and value.startswith("language-"):
        return value[len("language-") :]
    if name == "span" and attr == b"class" and value.startswith("tg-"):
        return value[len("tg-") :]
    if name == "tg-emoji" and attr == b"emoji-id":
        return value
    if name == "blockquote" and attr == b"expandable":
        return "1"
    return current


def checked_link(url: str) -> str | None:
    """The URL of a text link if Telegram would accept it, else None.

    A simplification of the server's check: known schemes pass as they are, and a
    bare host name gets "http://" in front.
    """
    url = url.strip()
    scheme = _SCHEME.match(url)
    if scheme is not None and not _BARE_HOST.match(url):
        ok = scheme.group(1).lower() in _ALLOWED_SCHEMES and len(url) > scheme.end()
        return url if ok else None
    if _BARE_HOST.match(url):
        return "http://" + url
    return None
