"""The Bot API methods the stand-in answers; importing a module registers its methods."""

from . import callbacks, chats, files, messages, profile, updates
from ._registry import Described, Handler, find_method

__all__ = [
    "Described",
    "Handler",
    "callbacks",
    "chats",
    "files",
    "find_method",
    "messages",
    "profile",
    "updates",
]
