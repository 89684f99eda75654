"""answerCallbackQuery, with Telegram's answer window."""

from __future__ import annotations

from ..common import utf16_len
from ..errors import bad_request
from ..params import Params
from ..state import World
from ._registry import api_method

QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
MAX_ANSWER_TEXT = 200


@api_method("answerCallbackQuery")
async def answer_callback_query(world: World, params: Params) -> bool:
    record = world.callbacks.get(params.text("callback_query_id") or "")
    # A query can be answered once, within a few seconds of the press.
    if (
        record is None
        or record.answer is not None
        or world.clock() - record.pressed_at > world.callback_answer_timeout
    ):
        raise bad_request(QUERY_TOO_OLD)
    text = params.text("text") or ""
    if utf16_len(text) > MAX_ANSWER_TEXT:
        raise bad_request("MESSAGE_TOO_LONG")
    record.answer = {
        "text": text,
        "show_alert": params.flag("show_alert"),
        "url": params.text("url"),
        "cache_time": params.integer("cache_time") or 0,
    }
    world.changed()
    return True
