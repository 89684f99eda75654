"""Builds the one Application: defaults, rate limiter, context, handlers, services."""

from __future__ import annotations

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Application, ContextTypes, Defaults
from telegram.request import BaseRequest

from rondetafel.clock import Clock, school_clock
from rondetafel.settings import Settings
from rondetafel.storage.db import Database
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction

from . import handlers
from .commands import register_commands
from .executor import Executor
from .pipeline import Pipeline
from .render import Renderer
from .sender import Sender
from .services import SERVICES, Context, RondetafelApp, Services

# The updates the bot needs; `chat_member` and reactions are not among them.
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]


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
        .post_init(start_services)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    if rate_limiter:
        # The builder's generic types assume a limiter without per-call arguments.
        limiter = AIORateLimiter(
            overall_max_rate=settings.messages_per_second,
            group_max_rate=settings.group_messages_per_minute,
            max_retries=3,
        )
        builder = builder.rate_limiter(limiter)  # type: ignore[arg-type]
    app: RondetafelApp = builder.build()
    clock = clock or school_clock(settings.tz)

    async def migrate(old: int, new: int) -> None:
        async def move(repos: Repositories) -> None:
            await repos.chats.migrate(old, new)

        await in_transaction(db, move, school_name=settings.school_name)

    sender = Sender(app.bot, on_migrate=migrate)
    executor = Executor(
        sender, db, Renderer(settings.tz, settings.school_name), settings.school_name
    )
    app.bot_data[SERVICES] = Services(
        settings=settings,
        db=db,
        clock=clock,
        sender=sender,
        executor=executor,
        pipeline=Pipeline(db, settings, clock, executor),
    )
    handlers.register(app)
    return app


async def start_services(app: RondetafelApp) -> None:
    """After `initialize()`: schema up to date, menus registered, meetings resumed."""
    services: Services = app.bot_data[SERVICES]
    await services.db.upgrade()
    await register_commands(app.bot)
    await services.pipeline.resume_all()
