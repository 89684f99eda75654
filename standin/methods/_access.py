"""Finding the chat a request names, and whether the bot may act in it."""

from __future__ import annotations

from ..errors import ApiError, bad_request, forbidden
from ..params import Params
from ..state import SimChat, World

CHAT_NOT_FOUND = "chat not found"


def find_chat(world: World, params: Params, name: str = "chat_id") -> SimChat:
    """The chat named by a request, failing like Telegram for unknown or upgraded ones."""
    ref = params.chat_id(name)
    if ref is None:
        raise bad_request(f"{name} is empty")
    if isinstance(ref, str):
        raise bad_request(CHAT_NOT_FOUND)  # no simulated chat has a public @username
    if ref == world.bot.id:
        raise forbidden("bot can't send messages to bots")
    chat = world.chats.get(ref)
    if chat is None and ref in world.users:
        chat = world.private_chat(world.users[ref])
    if chat is None:
        raise bad_request(CHAT_NOT_FOUND)
    if chat.migrated_to is not None:
        raise bad_request(
            "group chat was upgraded to a supergroup chat",
            {"migrate_to_chat_id": chat.migrated_to.id},
        )
    return chat


def access_error(world: World, chat: SimChat) -> ApiError | None:
    """Why the bot may not write to this chat, or None if it may."""
    if chat.user is not None:
        if chat.user.is_bot:
            return forbidden("bot can't send messages to bots")
        if chat.user.blocked_bot:
            return forbidden("bot was blocked by the user")
        if not chat.user.started_bot:
            return forbidden("bot can't initiate conversation with a user")
        return None
    if chat.bot_status == "kicked":
        return forbidden(f"bot was kicked from the {chat.type} chat")
    if chat.bot_status == "left":
        return forbidden(f"bot is not a member of the {chat.type} chat")
    if chat.bot_status == "none":
        return bad_request(CHAT_NOT_FOUND)  # a bot cannot see chats it never joined
    return None


def writable_chat(world: World, params: Params, name: str = "chat_id") -> SimChat:
    chat = find_chat(world, params, name)
    error = access_error(world, chat)
    if error is not None:
        raise error
    return chat
