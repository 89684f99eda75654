"""Prints a chat as a readable transcript while it happens.

The group's messages are printed as they come. A person's private chat with
the bot is printed too, each of its lines marked "🔒 privé · <name> │", so
that what only one person sees never looks like something the group read.
"""

from __future__ import annotations

import datetime as dt
import sys
import textwrap
from typing import Any, TextIO

Message = dict[str, Any]

PRIVATE_MARK = "🔒 privé"


class Transcript:
    def __init__(self, bot_name: str, out: TextIO = sys.stdout) -> None:
        self.bot_name = bot_name
        self.out = out
        # The text each private message had when last printed: an edit there
        # prints only what it adds (a reminder's answer, below its question).
        self._private_texts: dict[tuple[int, int], str] = {}

    def __call__(self, event: str, chat: object, message: Message) -> None:
        where = message.get("chat") or {}
        if where.get("type") == "private":
            self._private(event, where, message)
            return
        sender = (message.get("from") or {}).get("first_name", "?")
        if event == "edited":
            # One line: the join message is edited on every join.
            first_line = (message.get("text") or "").split("\n", 1)[0]
            self.out.write(f"  ✏️ {self.bot_name} updates: {first_line}\n")
            return
        if (message.get("from") or {}).get("is_bot"):
            sender = f"🤖 {self.bot_name}"
        if message.get("document"):
            self._line(sender, f"📎 {message['document'].get('file_name', 'document')}")
            return
        text = message.get("text") or message.get("caption") or _media(message)
        self._line(sender, text)
        self._keyboard(message)
        self.out.flush()

    def tap(self, who: str, label: str, *, private: bool = False) -> None:
        """`who` taps a button; `private`: in their own chat with the bot."""
        mark = self._mark(who) if private else ""
        self.out.write(f"{mark}  {who} ▸ [{label}]\n")
        self.out.flush()

    def jump(self, moment: dt.datetime, since: dt.datetime | None = None) -> None:
        """The demo's clock jumps ahead to `moment`: a line that says so."""
        later = ""
        if since is not None and moment.date() > since.date():
            days = (moment.date() - since.date()).days
            later = f" ({days} day{'s' if days != 1 else ''} after the meeting)"
        self.out.write(f"\n⏩ {moment:%a} {moment.day} {moment:%b %Y, %H:%M}{later}\n")
        self.out.flush()

    def _private(self, event: str, chat: Message, message: Message) -> None:
        person = chat.get("first_name", "?")
        mark = self._mark(person)
        by_bot = (message.get("from") or {}).get("is_bot")
        sender = (
            f"🤖 {self.bot_name}" if by_bot else (message.get("from") or {}).get("first_name", "?")
        )
        text = message.get("text") or message.get("caption") or _media(message)
        key = (chat.get("id", 0), message.get("message_id", 0))
        if event == "edited":
            before = self._private_texts.get(key)
            self._private_texts[key] = text
            if before == text:
                return  # only its buttons went: the answer shows in the next message
            lines = text.split("\n")
            known = set(before.split("\n")) if before is not None else set()
            added = [line for line in lines if line and line not in known] or lines[-1:]
            self.out.write(f"{mark}  ✏️ {self.bot_name} updates: {added[0]}\n")
            for line in added[1:]:
                self.out.write(f"{mark}      {line}\n")
            self._keyboard(message, mark)
            self.out.flush()
            return
        self._private_texts[key] = text
        self._line(sender, text, mark)
        self._keyboard(message, mark)
        self.out.flush()

    @staticmethod
    def _mark(person: str) -> str:
        return f"{PRIVATE_MARK} · {person} │ "

    def _keyboard(self, message: Message, mark: str = "") -> None:
        for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
            self.out.write(mark + "      " + "  ".join(f"[{b['text']}]" for b in row) + "\n")

    def _line(self, sender: str, text: str, mark: str = "") -> None:
        lines = text.split("\n")
        self.out.write(f"{mark}{sender}: {lines[0]}\n")
        for line in lines[1:]:
            if not line:
                self.out.write(mark.rstrip() + "\n" if mark else "\n")
            else:
                self.out.write(mark + textwrap.indent(line, "    ") + "\n")


def _media(message: Message) -> str:
    if message.get("new_chat_members"):
        names = ", ".join(m.get("first_name", "?") for m in message["new_chat_members"])
        return f"(adds {names} to the group)"
    for kind in ("sticker", "photo", "voice", "video", "animation"):
        if message.get(kind):
            return f"({kind})"
    return "(service message)"
