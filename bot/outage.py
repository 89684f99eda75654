"""An update that failed because the database was out of reach is kept, not apologised for.

python-telegram-bot hands every exception of a handler to the error handlers.
This one comes first: when the failure says the database is down
(`is_database_down`) and the update is being handled by our poller
(`polling.py`), it marks the attempt so the poller handles the update again
later, and stops the error handlers there: the person gets no apology, since
nothing was lost and their update will still be handled. Any other failure
goes on to `handlers.on_error` as before (log, apologise, move on), so one
update that trips a bug cannot hold up the bot.

The mark travels in a context variable set by the poller around one attempt:
an update handled some other way (the bot-layer tests call `process_update`
directly) has no one to retry it, and keeps the old behaviour.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from dataclasses import dataclass

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from rondetafel.storage.unit_of_work import is_database_down

from .context import Context

log = logging.getLogger(__name__)


@dataclass
class Attempt:
    """One try at handling one update."""

    database_down: bool = False


current_attempt: ContextVar[Attempt | None] = ContextVar("current_attempt", default=None)


async def on_database_down(update: object, context: Context) -> None:
    attempt = current_attempt.get()
    error = context.error
    if attempt is None or error is None or not is_database_down(error):
        return  # not ours: the next error handler decides
    attempt.database_down = True
    if isinstance(update, Update):
        # It will come again, and must not be taken for a second copy then.
        context.services.seen.forget(update.update_id)
    # Only the kind of failure: a driver's message may quote a statement.
    log.warning("the database is out of reach (%s); the update waits", type(error).__name__)
    raise ApplicationHandlerStop
