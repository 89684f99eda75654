"""What Telegram makes of a text before storing it: markup, clean-up, trimming.

The order matters and mirrors the server: parse the markup (or take the given
entities), replace control characters, trim surrounding blanks, then detect
mentions, commands and URLs. Length limits apply to the result, counted in
UTF-16 code units, which is why a text full of emoji fails long before 4096
characters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .common import JsonDict, utf16_len
from .entities import merge_auto_entities, sort_entities
from .errors import bad_request
from .html_entities import ParseError, UserLookup, parse_html

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024

# Characters the server drops: carriage return, the Unicode line/paragraph
# separators and bidi embedding controls, and three combining marks.
_DROPPED = frozenset("\r\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u0333\u033f\u030a")
# Other C0 controls (tab included) become plain spaces; "\n" survives.
_BLANKED = frozenset(chr(c) for c in range(32) if chr(c) not in "\n\r")

_ENTITY_TYPES = frozenset(
    {
        "mention", "hashtag", "cashtag", "bot_command", "url", "email", "phone_number",
        "bold", "italic", "underline", "strikethrough", "spoiler", "blockquote",
        "expandable_blockquote", "code", "pre", "text_link", "text_mention", "custom_emoji",
    }
)  # fmt: skip
_ENTITY_EXTRAS = ("url", "user", "language", "custom_emoji_id")


@dataclass(frozen=True)
class FormattedText:
    text: str
    entities: list[JsonDict] = field(default_factory=list)


def format_text(
    raw: str,
    parse_mode: str | None,
    entities: Any,
    lookup_user: UserLookup,
) -> FormattedText:
    """Turn a send/edit request's text into what Telegram would store (may be empty)."""
    if entities is not None:
        text, found = raw, _checked_entities(raw, entities, lookup_user)
    elif parse_mode:
        text, found = _parse(raw, parse_mode, lookup_user)
    else:
        text, found = raw, []
    text, found = _clean(text, found)
    text, found = _trim(text, found)
    if not text:
        return FormattedText("")
    return FormattedText(text, merge_auto_entities(text, found))


def text_fields(formatted: FormattedText, key: str = "text") -> JsonDict:
    """Message fields for a text (`text`/`entities`) or caption (`caption`/`caption_entities`)."""
    if not formatted.text:
        return {}
    fields: JsonDict = {key: formatted.text}
    if formatted.entities:
        fields["entities" if key == "text" else "caption_entities"] = formatted.entities
    return fields


def _parse(raw: str, parse_mode: str, lookup_user: UserLookup) -> tuple[str, list[JsonDict]]:
    mode = parse_mode.lower()
    if mode == "html":
        try:
            return parse_html(raw, lookup_user)
        except ParseError as error:
            raise bad_request(str(error)) from None
    if mode in ("markdown", "markdownv2"):
        # Not a Telegram error: the stand-in only speaks the parse mode the bot uses.
        raise bad_request(f'parse_mode "{parse_mode}" is not implemented by the stand-in')
    raise bad_request("unsupported parse_mode")


def _checked_entities(text: str, raw: Any, lookup_user: UserLookup) -> list[JsonDict]:
    if not isinstance(raw, list):
        raise bad_request("can't parse entities JSON object")
    boundaries = _char_boundaries(text)
    total = boundaries[-1]
    checked: list[JsonDict] = []
    for item in raw:
        entity = _checked_entity(item, lookup_user)
        start, end = entity["offset"], entity["offset"] + entity["length"]
        if start > total:
            raise bad_request(
                f"can't parse entities: Entity begins after the end of the text "
                f"at UTF-16 offset {start}"
            )
        if end > total:
            raise bad_request(
                f"can't parse entities: Entity beginning at UTF-16 offset {start} ends "
                f"after the end of the text at UTF-16 offset {end}"
            )
        if start not in boundaries or end not in boundaries:
            raise bad_request("can't parse entities: Entity begins in a middle of a UTF-16 symbol")
        if entity["length"] > 0:
            checked.append(entity)
    return sort_entities(checked)


def _checked_entity(item: Any, lookup_user: UserLookup) -> JsonDict:
    if not isinstance(item, dict):
        raise bad_request("can't parse MessageEntity: object expected")
    kind, offset, length = item.get("type"), item.get("offset"), item.get("length")
    if kind not in _ENTITY_TYPES:
        raise bad_request(f'can\'t parse MessageEntity: unsupported type "{kind}"')
    if not isinstance(offset, int) or not isinstance(length, int) or offset < 0 or length < 0:
        raise bad_request("can't parse MessageEntity: offset and length must be non-negative")
    entity: JsonDict = {"type": kind, "offset": offset, "length": length}
    entity.update({key: item[key] for key in _ENTITY_EXTRAS if key in item})
    if kind == "text_link" and not isinstance(entity.get("url"), str):
        raise bad_request('can\'t parse MessageEntity: field "url" must be of type String')
    if kind == "text_mention":
        user = entity.get("user")
        known = lookup_user(user["id"]) if isinstance(user, dict) and "id" in user else None
        if known is None:
            raise bad_request("can't parse MessageEntity: user not found")
        entity["user"] = known
    if kind == "custom_emoji" and not str(entity.get("custom_emoji_id", "")).isdigit():
        raise bad_request("can't parse MessageEntity: invalid custom emoji identifier")
    return entity


def _char_boundaries(text: str) -> list[int]:
    """UTF-16 offsets at which a character starts, plus the end of the text."""
    positions, at = [0], 0
    for char in text:
        at += 2 if ord(char) > 0xFFFF else 1
        positions.append(at)
    return positions


def _clean(text: str, entities: list[JsonDict]) -> tuple[str, list[JsonDict]]:
    """Drop and blank control characters, moving the entities along."""
    if not any(char in _DROPPED or char in _BLANKED for char in text):
        return text, entities
    kept: list[str] = []
    new_at: list[int] = []  # UTF-16 index in the old text → index in the new one
    removed = 0
    for char in text:
        width = 2 if ord(char) > 0xFFFF else 1
        position = len(new_at) - removed
        new_at.extend([position] * width)
        if char in _DROPPED:
            removed += width
            continue
        kept.append(" " if char in _BLANKED else char)
    new_at.append(len(new_at) - removed)
    moved = []
    for entity in entities:
        start = new_at[entity["offset"]]
        end = new_at[entity["offset"] + entity["length"]]
        if end > start:
            moved.append({**entity, "offset": start, "length": end - start})
    return "".join(kept), moved


def _trim(text: str, entities: list[JsonDict]) -> tuple[str, list[JsonDict]]:
    """Strip blanks at the end, and at the start up to the first entity, like Telegram."""
    body = text.rstrip(" \n")
    if not body:
        return "", []
    end = utf16_len(body)
    clipped = [
        {**e, "length": min(e["length"], end - e["offset"])} for e in entities if e["offset"] < end
    ]
    first_entity = min((e["offset"] for e in clipped), default=end)
    lead = len(body) - len(body.lstrip(" \n"))
    lead = min(lead, first_entity)  # blanks are one UTF-16 unit each
    if lead:
        body = body[lead:]
        clipped = [{**e, "offset": e["offset"] - lead} for e in clipped]
    return body, sort_entities(clipped)
