"""A Bot API transport for bot-layer tests: records every call, answers like Telegram.

python-telegram-bot's public seam is `BaseRequest`; with this subclass the
whole Application (handlers, rate limiter, sender, renderer) runs for real and
the test asserts on the calls it made. Queued errors (429, migration, 400…)
come back in Telegram's own envelope.
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass, field
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT = {"id": 7000, "is_bot": True, "first_name": "Rondetafel", "username": "RondetafelTestBot"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    result: Any = None

    @property
    def message_id(self) -> int:
        return int(self.result["message_id"])

    @property
    def text(self) -> str:
        return str(self.params.get("text", self.params.get("caption", "")))

    @property
    def markup(self) -> dict[str, Any]:
        value = self.params.get("reply_markup") or {}
        return json.loads(value) if isinstance(value, str) else value

    def buttons(self) -> list[dict[str, Any]]:
        return [b for row in self.markup.get("inline_keyboard", []) for b in row]


@dataclass
class RecordingRequest(BaseRequest):
    calls: list[Call] = field(default_factory=list)
    errors: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _message_ids: dict[int, int] = field(default_factory=dict)
    # Users getChatMember reports as the group's owner.
    admins: set[int] = field(default_factory=set)

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    def fail_next(self, method: str, code: int, description: str, **parameters: Any) -> None:
        envelope: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
        if parameters:
            envelope["parameters"] = parameters
        self.errors.setdefault(method, []).append(envelope)

    def sent(self, method: str | None = None) -> list[Call]:
        return [c for c in self.calls if method is None or c.method == method]

    def messages(self) -> list[Call]:
        return self.sent("sendMessage")

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, **_: Any
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = _decode(request_data.parameters) if request_data else {}
        if request_data and request_data.contains_files:
            params["__files__"] = True
        call = Call(name, params)
        self.calls.append(call)
        if self.errors.get(name):
            envelope = self.errors[name].pop(0)
            call.result = envelope
            return envelope["error_code"], json.dumps(envelope).encode()
        call.result = self._result(name, params)
        return 200, json.dumps({"ok": True, "result": call.result}).encode()

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT
        if method in ("sendMessage", "sendDocument", "editMessageText"):
            chat_id = int(params["chat_id"])
            if method == "editMessageText":
                message_id = int(params["message_id"])
            else:
                message_id = self._message_ids.get(chat_id, 100) + 1
                self._message_ids[chat_id] = message_id
            message: dict[str, Any] = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {
                    "id": chat_id,
                    "type": "supergroup" if chat_id < 0 else "private",
                    "title": "Group",
                },
                "from": BOT,
            }
            if method == "sendDocument":
                message["document"] = {
                    "file_id": "f1",
                    "file_unique_id": "u1",
                    "file_name": "report.html",
                }
            else:
                message["text"] = params.get("text", "")
            return message
        if method == "getUpdates":
            return []
        if method == "getChatMember":
            user = {"id": int(params["user_id"]), "is_bot": False, "first_name": "Someone"}
            if user["id"] in self.admins:
                return {"status": "creator", "user": user, "is_anonymous": False}
            return {"status": "member", "user": user}
        return True


def _decode(parameters: dict[str, Any]) -> dict[str, Any]:
    decoded = {}
    for key, value in parameters.items():
        if isinstance(value, str) and value[:1] in "[{":
            with contextlib.suppress(ValueError):  # a plain text that starts with "["
                value = json.loads(value)
        decoded[key] = value
    return decoded
