"""Request parameters as they arrive from any client: JSON, urlencoded or multipart.

python-telegram-bot posts form data in which every value is a string and the
complex ones (reply_markup, entities, ...) are JSON text; other clients post a
JSON body with native values. Both read the same through `Params`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .common import JsonDict
from .errors import bad_request

JSON_FIELDS = frozenset(
    {
        "reply_markup", "entities", "caption_entities", "allowed_updates", "commands",
        "scope", "reply_parameters", "link_preview_options",
    }
)  # fmt: skip
INT_FIELDS = frozenset(
    {
        "offset", "limit", "timeout", "message_id", "reply_to_message_id",
        "message_thread_id", "cache_time", "user_id", "max_connections",
    }
)  # fmt: skip
BOOL_FIELDS = frozenset(
    {
        "disable_notification", "protect_content", "allow_sending_without_reply",
        "show_alert", "drop_pending_updates", "disable_web_page_preview",
        "disable_content_type_detection", "only_if_banned",
    }
)  # fmt: skip


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    filename: str
    mime_type: str
    data: bytes


class Params:
    """Typed, Telegram-tolerant access to one request's parameters."""

    def __init__(self, values: dict[str, Any], files: dict[str, UploadedFile] | None = None):
        self._values = values
        self._files = files or {}

    @classmethod
    async def from_request(cls, request: web.Request) -> Params:
        values: dict[str, Any] = dict(request.query)
        files: dict[str, UploadedFile] = {}
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON object") from None
            if not isinstance(body, dict):
                raise bad_request("JSON object expected")
            values.update(body)
        elif request.can_read_body:
            for name, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    files[name] = UploadedFile(
                        filename=value.filename,
                        mime_type=value.content_type or "application/octet-stream",
                        data=value.file.read(),
                    )
                else:
                    values[name] = value
        return cls(values, files)

    def decoded(self) -> JsonDict:
        """All parameters with JSON text, numbers and booleans decoded, for the call log."""
        decoded: JsonDict = {}
        for name, value in self._values.items():
            decoded[name] = _decode_for_log(name, value)
        decoded.update(self._files)
        return decoded

    def has(self, name: str) -> bool:
        return name in self._values or name in self._files

    def text(self, name: str) -> str | None:
        value = self._values.get(name)
        if value is None:
            return None
        if isinstance(value, bool):
            value = "true" if value else "false"
        if isinstance(value, int | float):
            value = str(value)
        if not isinstance(value, str):
            raise bad_request(f'field "{name}" must be of type String')
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise bad_request("strings must be encoded in UTF-8") from None
        return value

    def integer(self, name: str) -> int | None:
        value = self._values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise bad_request(f'field "{name}" must be of type Integer')
        if isinstance(value, int):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise bad_request(f'field "{name}" must be of type Integer') from None

    def number(self, name: str) -> float | None:
        value = self._values.get(name)
        if value is None or value == "":
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f'field "{name}" must be of type Number') from None

    def flag(self, name: str) -> bool:
        value = self._values.get(name)
        if isinstance(value, bool):
            return value
        if value is None:
            return False
        return str(value).strip().lower() in ("true", "1")

    def json(self, name: str) -> Any:
        """The JSON value of a complex parameter, decoding it from text if needed."""
        value = self._values.get(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None

    def chat_id(self, name: str = "chat_id") -> int | str | None:
        """A chat id, or an "@username" string (which only public chats have)."""
        value = self._values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value).strip()
        try:
            return int(text)
        except ValueError:
            return text

    def file(self, name: str) -> UploadedFile | None:
        return self._files.get(name)


def _decode_for_log(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if name in JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError:
            return value
    if name in INT_FIELDS or name == "chat_id":
        if re.fullmatch(r"-?\d+", value.strip()):
            return int(value)
        if re.fullmatch(r"-?\d+\.\d*", value.strip()):
            return float(value)
        return value
    if name in BOOL_FIELDS:
        return value.strip().lower() in ("true", "1")
    return value
