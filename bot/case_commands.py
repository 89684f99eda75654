"""The case's commands in the group: /export, /vergeet (/forget), /afsluiten (/close),
/logboek (/audit), and /forget's confirmation button.

Parsing only, as in `handlers.py`: the deciding is `case_desk.CaseDesk`. They
work in the group, where it is clear whose case is meant; what they send a
person goes to that person's private chat, which the bot learns of when the
person writes to it there (`remember_private_chat`).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from rondetafel.flows.effects import Why
from rondetafel.flows.permissions import MATRIX, Action, Actor, May
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction

from .callback_data import CASE_PATTERN, decode_forget
from .case_desk import Caller, CaseDesk
from .context import Context
from .incoming import origin_of, person, private_language
from .membership import is_admin
from .texts import WHY, texts

EXPORT_COMMANDS = ("export",)
FORGET_COMMANDS = ("vergeet", "forget")
CLOSE_COMMANDS = ("afsluiten", "close")
AUDIT_COMMANDS = ("logboek", "audit")

GROUP_COMMAND = filters.ChatType.GROUPS & filters.UpdateType.MESSAGE
PRIVATE_MESSAGE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
# After the handlers' own group 0 answered a private message, this group
# remembers that the person opened a private chat with the bot.
PRIVATE_CHATS = 1


def _desk(context: Context) -> CaseDesk:
    services = context.services
    return CaseDesk(
        services.db, services.settings, services.clock, services.sender, context.bot.username
    )


async def caller_of(update: Update, context: Context, action: Action) -> Caller:
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None and message.text is not None
    command = message.text.split()[0].lstrip("/").split("@", 1)[0].lower()
    # Telegram is asked only when the matrix lets a group admin do this at all.
    admin = MATRIX[Actor.GROUP_ADMIN][action] is not May.NO and await is_admin(update, context)
    return Caller(origin_of(update), person(user), command, admin)


async def on_export(update: Update, context: Context) -> None:
    await _desk(context).export(await caller_of(update, context, Action.EXPORT))


async def on_audit(update: Update, context: Context) -> None:
    await _desk(context).audit(await caller_of(update, context, Action.READ_AUDIT))


async def on_close(update: Update, context: Context) -> None:
    await _desk(context).close(await caller_of(update, context, Action.ERASE))


async def on_forget(update: Update, context: Context) -> None:
    await _desk(context).ask_forget(await caller_of(update, context, Action.ERASE))


async def on_forget_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None
    data = decode_forget(query.data or "")
    if data is None:
        language = await context.services.decider.language(origin_of(update).chat_id)
        context.services.sender.answer(query.id, texts(language)(WHY[Why.STALE_BUTTON]))
        return
    await _desk(context).forget(Caller(origin_of(update), person(query.from_user)), data)


async def remember_private_chat(update: Update, context: Context) -> None:
    """The person wrote to the bot privately, so the bot may write to them there."""
    user = update.effective_user
    if user is None:
        return

    async def remember(repos: Repositories) -> None:
        await repos.chats.get_or_create(user.id, language=private_language(update))

    services = context.services
    await in_transaction(services.db, remember, school_name=services.settings.school_name)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Before the handlers' unknown-command and generic button handlers (same group)."""
    app.add_handler(CommandHandler(list(EXPORT_COMMANDS), on_export, GROUP_COMMAND))
    app.add_handler(CommandHandler(list(FORGET_COMMANDS), on_forget, GROUP_COMMAND))
    app.add_handler(CommandHandler(list(CLOSE_COMMANDS), on_close, GROUP_COMMAND))
    app.add_handler(CommandHandler(list(AUDIT_COMMANDS), on_audit, GROUP_COMMAND))
    app.add_handler(CallbackQueryHandler(on_forget_button, pattern=CASE_PATTERN))
    app.add_handler(MessageHandler(PRIVATE_MESSAGE, remember_private_chat), group=PRIVATE_CHATS)
