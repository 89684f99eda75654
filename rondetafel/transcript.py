"""Prints a chat as a readable transcript while it happens."""

from __future__ import annotations

import sys
import textwrap
from typing import Any, TextIO

Message = dict[str, Any]


class Transcript:
    def __init__(self, bot_name: str, out: TextIO = sys.stdout) -> None:
        self.bot_name = bot_name
        self.out = out

    def __call__(self, event: str, chat: object, message: Message) -> None:
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
        for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
            self.out.write("      " + "  ".join(f"[{b['text']}]" for b in row) + "\n")
        self.out.flush()

    def tap(self, who: str, label: str) -> None:
        self.out.write(f"  {who} ▸ [{label}]\n")

    def _line(self, sender: str, text: str) -> None:
        lines = text.split("\n")
        self.out.write(f"{sender}: {lines[0]}\n")
        for line in lines[1:]:
            self.out.write(textwrap.indent(line, "    ") + "\n" if line else "\n")


def _media(message: Message) -> str:
    if message.get("new_chat_members"):
        names = ", ".join(m.get("first_name", "?") for m in message["new_chat_members"])
        return f"(adds {names} to the group)"
    for kind in ("sticker", "photo", "voice", "video", "animation"):
        if message.get(kind):
            return f"({kind})"
    return "(service message)"
