"""A local stand-in for the Telegram Bot API, strict where Telegram is strict.

The demo, the end-to-end tests and the benchmark run the real bot against it
over HTTP on loopback, with simulated people driven from Python.
"""

from .bot_api import BotApiStandIn
from .errors import ApiError
from .html_entities import ParseError, parse_html
from .limits import RateLimits
from .state import ApiCall, SentDocument, SimChat, SimUser

__all__ = [
    "ApiCall",
    "ApiError",
    "BotApiStandIn",
    "ParseError",
    "RateLimits",
    "SentDocument",
    "SimChat",
    "SimUser",
    "parse_html",
]
