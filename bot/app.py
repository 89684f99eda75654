"""Builds the one Application: defaults, rate limiter, context, handlers, services."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Application, ContextTypes, Defaults
from telegram.request import BaseRequest

from rondetafel.clock import Clock, school_clock
from rondetafel.settings import Settings
from rondetafel.storage.db import Database

from . import handlers
from .bot_api_client import AiohttpRequest
from .budget import SendBudget
from .chat_order import PerChatOrder
from .commands import register_commands
from .context import SERVICES, Context, RondetafelApp, Services
from .decide import Decider
from .housekeeping import Housekeeping
from .outage import on_database_down
from .polling import ConfirmingUpdater
from .present import Presenter
from .reminder_loop import ReminderLoop
from .seen_updates import SeenUpdates
from .sender import Sender

log = logging.getLogger(__name__)

# The updates the bot needs; `chat_member` and reactions are not among them.
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]


class _PassedOn429(logging.Filter):
    """AIORateLimiter logs every 429 it passes on as an error, with a traceback.

    With `max_retries=0` passing them on is the point: the sender waits the
    `retry_after` out with that chat alone and logs a warning itself, and the
    poller does the same for getUpdates. An error line for each would cry wolf.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Rate limit hit after maximum of 0 retries")


_PASSED_ON_429 = _PassedOn429()


def build_application(
    settings: Settings,
    db: Database,
    *,
    token: str,
    clock: Clock | None = None,
    request: BaseRequest | None = None,
    rate_limiter: bool = True,
) -> RondetafelApp:
    """The bot, ready to `initialize()`; `request` replaces the HTTP transport in tests."""
    order = PerChatOrder()
    builder = (
        Application.builder()
        .token(token)
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.telegram_file_url)
        .context_types(ContextTypes(context=Context))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                tzinfo=settings.tz,
                # Messages about a pupil should not be forwarded out of the group.
                protect_content=True,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .concurrent_updates(order)
        # Ours instead (`polling.py`): it confirms an update only once it is stored.
        .updater(None)
        .post_init(start_services)
        .post_stop(stop_services)
    )
    transports: tuple[AiohttpRequest, ...] = ()
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:
        # As python-telegram-bot's own: a large pool for the calls, one for getUpdates.
        transports = (AiohttpRequest(connections=256), AiohttpRequest(connections=1))
        builder = builder.request(transports[0]).get_updates_request(transports[1])
    if rate_limiter:
        # The overall rate only: the per-group budget is the sender's (`budget.py`),
        # which survives a restart. No retries here: a 429 makes the sender wait
        # with that chat alone and keeps the row. One call per 1/rate seconds
        # rather than `rate` calls per second: the latter lets a full second's
        # worth through at once at the edge of each second (twice the rate within
        # one second), which is what Telegram answers with 429 when many chats
        # are owed at once (a burst of reminders at 08:30).
        limiter = AIORateLimiter(
            overall_max_rate=1,
            overall_time_period=1 / settings.messages_per_second,
            group_max_rate=0,
            max_retries=0,
        )
        builder = builder.rate_limiter(limiter)  # type: ignore[arg-type]
        # Added once however many apps are built: addFilter skips a filter it has.
        logging.getLogger("telegram.ext.AIORateLimiter").addFilter(_PASSED_ON_429)
    app: RondetafelApp = builder.build()
    app.updater = ConfirmingUpdater(app)
    clock = clock or school_clock(settings.tz)
    budget = SendBudget(
        group_per_minute=settings.group_messages_per_minute,
        chat_per_second=settings.chat_messages_per_second,
    )
    sender = Sender(app.bot, db, budget, school_name=settings.school_name)
    order.on_press = sender.expect_answer
    app.updater.on_backlog_press = sender.answer_at_once
    presenter = Presenter(settings.tz, settings.school_name, settings.calendar, clock)
    decider = Decider(db, settings, clock, presenter, sender)
    sender.on_migrate = decider.migrate
    decider.username = lambda: app.bot.username
    app.bot_data[SERVICES] = Services(
        settings=settings,
        db=db,
        clock=clock,
        sender=sender,
        decider=decider,
        housekeeping=Housekeeping(db, decider, settings.heartbeat_file),
        seen=SeenUpdates(),
        reminders=ReminderLoop(db, settings, clock, sender.wake, lambda: app.bot.username),
        transports=transports,
    )
    # Before the handlers' own error handler: a database that is down is no bug to
    # apologise for; the update is handled again once it is back.
    app.add_error_handler(on_database_down)
    handlers.register(app)
    return app


async def start_services(app: RondetafelApp) -> None:
    """After `initialize()`: schema up to date, menus registered, outbox and housekeeping running.

    Nothing is posted on start: what the bot still owed a chat is in the
    outbox and goes out now; everything else was delivered before the stop.
    """
    services: Services = app.bot_data[SERVICES]
    await services.db.upgrade()
    services.seen.recorded_before_start = await services.decider.newest_handled()
    # Beside the first poll, not before it: the menus are ten independent calls
    # that no update waits for.
    services.menus = asyncio.create_task(_menus(app), name="command menus")
    await services.sender.start()
    services.housekeeping.start()
    if services.reminders is not None:
        services.reminders.start()


async def _menus(app: RondetafelApp) -> None:
    try:
        await register_commands(app.bot)
    except TelegramError as error:
        # The bot works without them; they are set again at the next start.
        log.warning("could not set the command menus: %s", error)


async def stop_services(app: RondetafelApp) -> None:
    services: Services = app.bot_data[SERVICES]
    if services.menus is not None and not services.menus.done():
        services.menus.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await services.menus
    if services.reminders is not None:
        await services.reminders.stop()
    await services.housekeeping.stop()
    await services.sender.stop()


async def close_transports(app: RondetafelApp) -> None:
    """Close the Bot API client's connections, also after a start that failed.

    python-telegram-bot shuts its requests down only if `initialize()`
    succeeded; when getMe fails (a wrong token, no network) aiohttp would
    otherwise report its open session as a leak under the one-line error.
    """
    services: Services = app.bot_data[SERVICES]
    for transport in services.transports:
        await transport.shutdown()
