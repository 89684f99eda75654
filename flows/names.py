"""Checks on how the pupil is named: initials or a pseudonym, not a full name.

Everything posted in a group sits in Telegram's cloud, outside the school's
processor agreement, so the bot asks for initials or a pseudonym and refuses
what looks like a first name plus surname (unless the school allows names).
"""

from __future__ import annotations

import re

MAX_PSEUDONYM = 24

# Dutch and Flemish surname particles: "Sam de V." is still initials.
_PARTICLES = frozenset(
    [
        "de",
        "der",
        "den",
        "van",
        "von",
        "het",
        "'t",
        "ter",
        "ten",
        "te",
        "la",
        "le",
        "du",
        "di",
        "da",
        "del",
        "el",
        "al",
        "bin",
        "ben",
        "op",
        "in",
    ]
)
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def looks_like_full_name(text: str) -> bool:
    words = [w for w in _WORD.findall(text) if w.lower() not in _PARTICLES]
    return sum(1 for w in words if len(w) >= 2) >= 2
