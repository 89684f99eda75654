"""Reaching a person in private: Telegram lets a bot write only to who started it.

A deep link (`t.me/<bot>?start=<parameter>`) opens the private chat with the
bot in one tap, and its Start button sends `/start <parameter>`. The parameter
says nothing about any pupil or meeting (it travels through the person's
phone and Telegram's servers); it only tells the greeting apart from a plain
/start.
"""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from . import follow_up_texts as say
from .texts import Texts

# Telegram: at most 64 characters of A-Z, a-z, 0-9, _ and -.
START_PARAMETER = "rondetafel"
# The meeting's message offering the private chat: its button goes when the meeting ends.
OFFER = "offer"
_ALLOWED = re.compile(r"[A-Za-z0-9_-]{1,64}")
assert _ALLOWED.fullmatch(START_PARAMETER)


def deep_link(username: str) -> str:
    return f"https://t.me/{username}?start={START_PARAMETER}"


def open_private(t: Texts, username: str) -> InlineKeyboardMarkup:
    """One button: open the private chat with the bot."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t(say.OPEN_PRIVATE), url=deep_link(username))]]
    )
