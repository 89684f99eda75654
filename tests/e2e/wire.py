"""What the end-to-end tests read off the wire, the same way in each of them."""

from __future__ import annotations

import html
import re

from rondetafel.demo import World


def plain(html_text: str) -> str:
    """What a catalog sentence looks like in the chat: no tags, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


def refused_by_telegram(world: World) -> list[object]:
    """What the (strict) stand-in refused, apart from flood control, which the
    sender waits out and retries."""
    return [
        c
        for c in world.standin.calls
        if not c.ok and c.method != "getUpdates" and c.result_or_error.get("error_code") != 429
    ]
