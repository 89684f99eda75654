"""The table of Bot API methods: name (case-insensitive, like Telegram) → handler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from ..params import Params
from ..state import World

Handler = Callable[[World, Params], Awaitable[Any]]


@dataclass(frozen=True)
class Described:
    """A success Telegram annotates with a description, e.g. "Webhook was set"."""

    result: Any
    description: str


_METHODS: dict[str, tuple[str, Handler]] = {}


def api_method(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _METHODS[name.lower()] = (name, handler)
        return handler

    return register


def find_method(name: str) -> tuple[str, Handler] | None:
    """(canonical name, handler) for a method name in any letter case."""
    return _METHODS.get(name.lower())
