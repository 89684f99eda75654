"""Parents in private, and /uitnodigen in the group: the handlers (parsing only).

The deciding is `family_desk.FamilyDesk` (a parent's chat), `invite_desk.InviteDesk`
(the link) and `home_news` (the staff's choice of how they hear); each update
is one transaction through `private_chat.owe`, like the reminders.
"""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from rondetafel.flows.permissions import Action
from rondetafel.storage.repositories import Repositories

from . import invite_texts as say
from .callback_data import (
    FAMILY_PATTERN,
    INVITE_PATTERN,
    NOTIFY_PATTERN,
    decode_family,
    decode_invite,
    decode_notify,
)
from .case_commands import GROUP_COMMAND, caller_of
from .case_desk import Caller
from .context import Context
from .family_desk import FamilyDesk, Parent
from .home_news import preference_keyboard
from .incoming import origin_of, person, private_language, text_of
from .invite_desk import InviteDesk
from .operations import EditMessage
from .owed import Owed
from .private_chat import in_private, owe, stale
from .texts import texts

INVITE_COMMANDS = ("uitnodigen", "invite")


def family_desk(context: Context) -> FamilyDesk:
    return FamilyDesk(context.services.clock, context.services.settings.school_name)


def parent_of(update: Update) -> Parent:
    user = update.effective_user
    assert user is not None
    return Parent(user.id, text_of(user.first_name), user.language_code)


async def on_invite(update: Update, context: Context) -> None:
    await _invite_desk(context).ask(await caller_of(update, context, Action.INVITE_FAMILY))


async def on_invite_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None
    data = decode_invite(query.data or "")
    if data is None:
        await stale(update, context)
        return
    await _invite_desk(context).press(Caller(origin_of(update), person(query.from_user)), data)


def _invite_desk(context: Context) -> InviteDesk:
    services = context.services
    return InviteDesk(
        services.db, services.settings, services.clock, services.sender, context.bot.username
    )


async def on_family_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and query.message is not None
    data = decode_family(query.data or "")
    if data is None or not in_private(update):
        await stale(update, context)
        return
    desk = family_desk(context)
    t = texts(private_language(update))
    message_id = query.message.message_id

    async def work(repos: Repositories) -> Owed:
        return await desk.press(repos, query.from_user.id, message_id, data, t)

    await owe(update, context, work)


async def on_notify_button(update: Update, context: Context) -> None:
    """A staff member's choice: each point from home as it comes, or once a day."""
    query = update.callback_query
    assert query is not None and query.message is not None
    digest = decode_notify(query.data or "")
    if digest is None or not in_private(update):
        await stale(update, context)
        return
    user_id, message_id = query.from_user.id, query.message.message_id
    at = context.services.settings.reminders_at.strftime("%H:%M")

    async def work(repos: Repositories) -> Owed:
        chat = await repos.chats.get_or_create(user_id, language=private_language(update))
        await repos.chats.set_digest(user_id, digest)
        t = texts(chat.language)
        # The message stays as it is; only its button now offers the other way.
        message = query.message
        text = message.text_html if isinstance(message, Message) and message.text else ""
        answer = t.plain(say.DIGEST_ON, time=at) if digest else t(say.DIGEST_OFF)
        keyboard = preference_keyboard(t, digest=digest)
        return Owed([EditMessage(message_id, text, keyboard)] if text else [], answer=answer)

    await owe(update, context, work)


async def stop_privately(update: Update, context: Context) -> bool:
    """/stop in private: a parent leaves a case. False if they are linked to none."""
    user = update.effective_user
    assert user is not None
    desk = family_desk(context)

    async def work(repos: Repositories) -> Owed:
        return await desk.stop(repos, user.id) or Owed()

    return await owe(update, context, work)


async def help_privately(update: Update, context: Context, *, privacy: bool) -> bool:
    """/help or /privacy in private from a linked parent: in their language, about their
    case (the menu, or what is stored). False if they are linked to none."""
    user = update.effective_user
    assert user is not None
    desk = family_desk(context)

    async def work(repos: Repositories) -> Owed:
        owed = await (desk.privacy(repos, user.id) if privacy else desk.start(repos, user.id))
        return owed or Owed()

    return await owe(update, context, work)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Before the generic handlers: these take what is theirs and stop there."""
    app.add_handler(CommandHandler(list(INVITE_COMMANDS), on_invite, GROUP_COMMAND))
    app.add_handler(CallbackQueryHandler(on_invite_button, pattern=INVITE_PATTERN))
    app.add_handler(CallbackQueryHandler(on_family_button, pattern=FAMILY_PATTERN))
    app.add_handler(CallbackQueryHandler(on_notify_button, pattern=NOTIFY_PATTERN))
