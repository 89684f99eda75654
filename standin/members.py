"""ChatMember objects and the my_chat_member updates built from them."""

from __future__ import annotations

from .common import JsonDict
from .state import SimChat, SimUser, World

_ADMIN_RIGHTS = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_pin_messages": True,
}


def member_object(user: SimUser, status: str) -> JsonDict:
    """A ChatMember in the shape of its status (creator, administrator, member, ...)."""
    member: JsonDict = {"status": status, "user": user.to_api()}
    if status == "administrator":
        member.update(_ADMIN_RIGHTS)
    elif status == "creator":
        member["is_anonymous"] = False
    elif status == "kicked":
        member["until_date"] = 0  # banned for good
    return member


def status_in(chat: SimChat, user: SimUser, bot: SimUser) -> str:
    if user is bot:
        return "left" if chat.bot_status == "none" else chat.bot_status
    if chat.user is not None:
        return "member" if chat.user is user else "left"
    if not chat.has_member(user):
        return "left"
    if user.id == chat.creator_id:
        return "creator"
    return "administrator" if user.id in chat.admin_ids else "member"


def push_my_chat_member(
    world: World, chat: SimChat, actor: SimUser, old_status: str, new_status: str
) -> None:
    """Tell the bot its own membership changed (added, removed, blocked, ...)."""
    world.push_update(
        "my_chat_member",
        {
            "chat": chat.to_api(),
            "from": actor.to_api(),
            "date": world.now(),
            "old_chat_member": member_object(world.bot, old_status),
            "new_chat_member": member_object(world.bot, new_status),
        },
    )
