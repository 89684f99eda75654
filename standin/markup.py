"""Reply markup as Telegram checks it: inline keyboards, force reply, keyboards."""

from __future__ import annotations

from typing import Any

from .common import JsonDict, utf16_len
from .errors import bad_request
from .html_entities import checked_link

MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_BUTTONS = 100
MAX_BUTTONS_PER_ROW = 8
MAX_PLACEHOLDER_LENGTH = 64

_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_TOO_LONG = "reply markup is too long"


def check_reply_markup(raw: Any) -> JsonDict | None:
    """Validate reply_markup; return it in the form Telegram stores, None if empty."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in raw:
        return _inline_keyboard(raw["inline_keyboard"])
    if "force_reply" in raw:
        return _force_reply(raw)
    if "remove_keyboard" in raw:
        if raw["remove_keyboard"] is not True:
            raise bad_request("can't parse reply keyboard markup JSON object")
        return _with_flags({"remove_keyboard": True}, raw, ("selective",))
    if "keyboard" in raw:
        return _reply_keyboard(raw)
    raise bad_request("can't parse reply keyboard markup JSON object")


def is_inline_keyboard(markup: JsonDict | None) -> bool:
    return markup is not None and "inline_keyboard" in markup


def callback_data_of(markup: JsonDict | None) -> list[str]:
    """Every callback_data on an inline keyboard, in reading order."""
    if markup is None or "inline_keyboard" not in markup:
        return []
    return [
        button["callback_data"]
        for row in markup["inline_keyboard"]
        for button in row
        if "callback_data" in button
    ]


def _inline_keyboard(rows: Any) -> JsonDict | None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays'
        )
    # Telegram quietly drops empty rows; a keyboard without buttons is no keyboard.
    rows = [row for row in rows if row]
    if any(len(row) > MAX_BUTTONS_PER_ROW for row in rows):
        raise bad_request(_TOO_LONG)
    if sum(len(row) for row in rows) > MAX_INLINE_BUTTONS:
        raise bad_request(_TOO_LONG)
    if not rows:
        return None
    return {"inline_keyboard": [[_inline_button(button) for button in row] for row in rows]}


def _inline_button(raw: Any) -> JsonDict:
    if not isinstance(raw, dict):
        raise bad_request(
            "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
        )
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        raise bad_request("can't parse inline keyboard button: Text must be non-empty")
    actions = [key for key in _ACTIONS if key in raw]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if len(actions) > 1:
        raise bad_request("can't parse inline keyboard button: only one action field is allowed")
    action = actions[0]
    value = raw[action]
    if action == "callback_data":
        size = len(value.encode("utf-8")) if isinstance(value, str) else 0
        if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if action == "url" and (not isinstance(value, str) or checked_link(value) is None):
        raise bad_request("BUTTON_URL_INVALID")
    return {"text": text, action: value}


def _force_reply(raw: JsonDict) -> JsonDict:
    if raw["force_reply"] is not True:
        raise bad_request("can't parse reply keyboard markup JSON object")
    markup: JsonDict = {"force_reply": True}
    _copy_placeholder(markup, raw)
    return _with_flags(markup, raw, ("selective",))


def _reply_keyboard(raw: JsonDict) -> JsonDict:
    rows = raw["keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            'field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays'
        )
    keyboard = []
    for row in rows:
        buttons = []
        for button in row:
            text = button if isinstance(button, str) else (button or {}).get("text")
            if not isinstance(text, str) or not text:
                raise bad_request("can't parse keyboard button: Text must be non-empty")
            buttons.append(button if isinstance(button, dict) else {"text": button})
        if buttons:
            keyboard.append(buttons)
    if not keyboard:
        raise bad_request("keyboard must be non-empty")
    markup: JsonDict = {"keyboard": keyboard}
    _copy_placeholder(markup, raw)
    flags = ("is_persistent", "resize_keyboard", "one_time_keyboard", "selective")
    return _with_flags(markup, raw, flags)


def _copy_placeholder(markup: JsonDict, raw: JsonDict) -> None:
    placeholder = raw.get("input_field_placeholder")
    if placeholder is None or placeholder == "":
        return
    if not isinstance(placeholder, str) or utf16_len(placeholder) > MAX_PLACEHOLDER_LENGTH:
        raise bad_request("input field placeholder is too long")
    markup["input_field_placeholder"] = placeholder


def _with_flags(markup: JsonDict, raw: JsonDict, flags: tuple[str, ...]) -> JsonDict:
    for flag in flags:
        if raw.get(flag) is True:
            markup[flag] = True
    return markup
