"""/afspraken (/agreements) in the group, and the buttons under its list.

Parsing only, as in `case_commands.py`: the deciding is `agreements_desk`.
It works in the group, where it is clear whose case is meant.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from rondetafel.flows.effects import Why
from rondetafel.flows.permissions import Action

from .agreements_desk import AgreementsDesk
from .callback_data import AGREEMENTS_PATTERN, decode_agreements
from .case_commands import GROUP_COMMAND, caller_of
from .case_desk import Caller
from .context import Context
from .incoming import origin_of, person
from .texts import WHY, texts

AGREEMENTS_COMMANDS = ("afspraken", "agreements")


def _desk(context: Context) -> AgreementsDesk:
    services = context.services
    return AgreementsDesk(
        services.db, services.settings, services.clock, services.sender, context.bot.username
    )


async def on_agreements(update: Update, context: Context) -> None:
    await _desk(context).show(await caller_of(update, context, Action.READ_AGREEMENTS))


async def on_agreements_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None
    data = decode_agreements(query.data or "")
    if data is None:  # a form this version does not read
        language = await context.services.decider.language(origin_of(update).chat_id)
        context.services.sender.answer(query.id, texts(language)(WHY[Why.STALE_BUTTON]))
        return
    await _desk(context).press(Caller(origin_of(update), person(query.from_user)), data)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Before the handlers' unknown-command and generic button handlers (same group)."""
    app.add_handler(CommandHandler(list(AGREEMENTS_COMMANDS), on_agreements, GROUP_COMMAND))
    app.add_handler(CallbackQueryHandler(on_agreements_button, pattern=AGREEMENTS_PATTERN))
