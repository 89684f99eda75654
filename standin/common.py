"""Small shared aliases, kept apart so every module can import them without cycles."""

from collections.abc import Callable
from typing import Any

JsonDict = dict[str, Any]
"""A JSON object as the Bot API sends and receives it."""

Clock = Callable[[], float]
"""Monotonic seconds; injectable so tests can move time without sleeping."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram counts limits and offsets in."""
    return len(text.encode("utf-16-le")) // 2
