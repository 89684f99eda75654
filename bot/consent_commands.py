"""/toestemming (/consent) and /intrekken (/withdraw): parsing only; `consent_desk` decides.

The chair replies to a message of the professional, so the bot knows who is
meant without anyone typing a name or an id.
"""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import Application, CommandHandler, filters

from rondetafel.flows.events import Person
from rondetafel.flows.permissions import Action

from .case_commands import caller_of
from .consent_desk import ConsentDesk, ConsentRequest, parse
from .context import Context
from .incoming import person

CONSENT_COMMANDS = ("toestemming", "consent")
WITHDRAW_COMMANDS = ("intrekken", "withdraw")
GROUP_COMMAND = filters.ChatType.GROUPS & filters.UpdateType.MESSAGE


def _desk(context: Context) -> ConsentDesk:
    return ConsentDesk(context.services.decider, context.bot.username)


def _professional(message: Message, bot_id: int) -> Person | None:
    """The author of the message the command replies to, if a person other than the bot."""
    replied = message.reply_to_message
    author = replied.from_user if replied is not None else None
    if author is None or author.is_bot or author.id == bot_id:
        return None
    return person(author)


async def on_consent(update: Update, context: Context) -> None:
    message = update.effective_message
    assert message is not None and message.text is not None
    _, _, words = message.text.partition(" ")
    given_by, purpose = parse(words)
    request = ConsentRequest(_professional(message, context.bot.id), given_by, purpose)
    await _desk(context).record(await caller_of(update, context, Action.INVITE), request)


async def on_withdraw(update: Update, context: Context) -> None:
    message = update.effective_message
    assert message is not None
    caller = await caller_of(update, context, Action.INVITE)
    await _desk(context).withdraw(caller, _professional(message, context.bot.id))


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Before the handlers' unknown-command handler (same group)."""
    app.add_handler(CommandHandler(list(CONSENT_COMMANDS), on_consent, GROUP_COMMAND))
    app.add_handler(CommandHandler(list(WITHDRAW_COMMANDS), on_withdraw, GROUP_COMMAND))
