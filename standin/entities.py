"""Message entities: ordering, and the ones Telegram finds in text by itself.

Offsets and lengths are UTF-16 code units throughout, as in the Bot API.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .common import JsonDict, utf16_len

# tdlib's type priorities: among entities with the same range, the lower number
# comes first. Mirroring them keeps `entities` lists byte-identical to Telegram's,
# which matters because "message is not modified" compares them.
_PRIORITY = {
    "blockquote": 0,
    "expandable_blockquote": 0,
    "pre": 11,
    "code": 20,
    "text_link": 49,
    "text_mention": 49,
    "bold": 90,
    "italic": 91,
    "underline": 92,
    "strikethrough": 93,
    "spoiler": 94,
    "custom_emoji": 99,
}
_DEFAULT_PRIORITY = 50  # mention, hashtag, bot_command, url, ...

# Entities that mark a span as "not plain text": a detected @mention or URL
# never overlaps them.
_CONTINUOUS = frozenset({"code", "pre", "text_link", "text_mention", "custom_emoji"})
_DETECTED = frozenset({"mention", "bot_command", "url", "hashtag", "cashtag", "email"})


def sort_entities(entities: Iterable[JsonDict]) -> list[JsonDict]:
    return sorted(
        entities,
        key=lambda e: (e["offset"], -e["length"], _PRIORITY.get(e["type"], _DEFAULT_PRIORITY)),
    )


# The server's own patterns (tdlib match_mentions / match_bot_commands), written as
# regexes: a mention or command must not be glued to a word character on either side.
_MENTION = re.compile(r"(?<![\w])@([A-Za-z0-9_]{4,32})(?![\w])")
_BOT_COMMAND = re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>])")
_URL = re.compile(r"(?<![\w@])https?://[^\s<>\"]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?)'\"]"


def _span(text: str, start: int, end: int) -> tuple[int, int]:
    """Character span → (UTF-16 offset, UTF-16 length)."""
    offset = utf16_len(text[:start])
    return offset, utf16_len(text[start:end])


def find_auto_entities(text: str) -> list[JsonDict]:
    """Mentions, bot commands and URLs, as Telegram detects them in every message."""
    found: list[JsonDict] = []
    for match in _MENTION.finditer(text):
        offset, length = _span(text, match.start(), match.end())
        found.append({"type": "mention", "offset": offset, "length": length})
    for match in _BOT_COMMAND.finditer(text):
        offset, length = _span(text, match.start(), match.end())
        found.append({"type": "bot_command", "offset": offset, "length": length})
    for match in _URL.finditer(text):
        end = match.end()
        while end > match.start() and text[end - 1] in _URL_TRAILING:
            end -= 1
        offset, length = _span(text, match.start(), end)
        found.append({"type": "url", "offset": offset, "length": length})
    return found


def _overlaps(a: JsonDict, b: JsonDict) -> bool:
    return bool(a["offset"] < b["offset"] + b["length"] and b["offset"] < a["offset"] + a["length"])


def _crosses(a: JsonDict, b: JsonDict) -> bool:
    """True if `a` and `b` overlap without one containing the other."""
    a_end, b_end = a["offset"] + a["length"], b["offset"] + b["length"]
    inside = b["offset"] <= a["offset"] and a_end <= b_end
    around = a["offset"] <= b["offset"] and b_end <= a_end
    return _overlaps(a, b) and not inside and not around


def merge_auto_entities(text: str, entities: list[JsonDict]) -> list[JsonDict]:
    """Add detected entities where they do not clash with the sender's formatting."""
    merged = list(entities)
    for candidate in find_auto_entities(text):
        clash = any(
            (e["type"] in _CONTINUOUS or e["type"] in _DETECTED) and _overlaps(candidate, e)
            for e in merged
        ) or any(
            e["type"] in ("blockquote", "expandable_blockquote") and _crosses(candidate, e)
            for e in merged
        )
        if not clash:
            merged.append(candidate)
    return sort_entities(merged)
