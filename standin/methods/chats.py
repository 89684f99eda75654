"""Reading chats and members, leaving a group, and chat actions."""

from __future__ import annotations

from ..common import JsonDict
from ..errors import bad_request
from ..members import member_object, push_my_chat_member, status_in
from ..params import Params
from ..state import SimChat, World
from ._access import find_chat, writable_chat
from ._registry import api_method

CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip


def _readable_chat(world: World, params: Params) -> SimChat:
    """Private chats are readable for anyone the bot knows; groups only as a member."""
    chat = find_chat(world, params)
    return chat if chat.user is not None else writable_chat(world, params)


@api_method("getChat")
async def get_chat(world: World, params: Params) -> JsonDict:
    chat = _readable_chat(world, params)
    info = chat.to_api() | {
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }
    if chat.migrated_from is not None:
        info["migrated_from_chat_id"] = chat.migrated_from
    return info


@api_method("getChatMember")
async def get_chat_member(world: World, params: Params) -> JsonDict:
    chat = _readable_chat(world, params)
    user_id = params.integer("user_id")
    user = world.bot if user_id == world.bot.id else world.users.get(user_id or 0)
    if user is None:
        raise bad_request("user not found")
    return member_object(user, status_in(chat, user, world.bot))


@api_method("getChatAdministrators")
async def get_chat_administrators(world: World, params: Params) -> list[JsonDict]:
    chat = _readable_chat(world, params)
    if chat.user is not None:
        raise bad_request("there are no administrators in the private chat")
    people = [*chat.members, world.bot]
    statuses = [(user, status_in(chat, user, world.bot)) for user in people]
    return [
        member_object(user, status)
        for user, status in statuses
        if status in ("creator", "administrator")
    ]


@api_method("getChatMemberCount")
async def get_chat_member_count(world: World, params: Params) -> int:
    chat = _readable_chat(world, params)
    if chat.user is not None:
        return 2
    return len(chat.members) + 1


@api_method("leaveChat")
async def leave_chat(world: World, params: Params) -> bool:
    chat = writable_chat(world, params)
    if chat.user is not None:
        raise bad_request("chat member status can't be changed in private chats")
    old_status = chat.bot_status
    chat.bot_status = "left"
    push_my_chat_member(world, chat, world.bot, old_status, "left")
    world.changed()
    return True


@api_method("sendChatAction")
async def send_chat_action(world: World, params: Params) -> bool:
    writable_chat(world, params)
    if params.text("action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True
