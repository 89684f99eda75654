"""Whether the person behind an update is a group admin: Telegram is asked, never a cache.

One place for the handlers (/meeting, /stop, /chair) and the case's commands.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError

from .context import Context

log = logging.getLogger(__name__)

ADMINS = (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


async def is_admin(update: Update, context: Context) -> bool:
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError as error:
        log.warning("could not look up a member's status: %s", error)
        return False
    return member.status in ADMINS
