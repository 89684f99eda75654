"""What every handler needs, carried by a typed CallbackContext."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, cast

from telegram.ext import Application, CallbackContext, ExtBot
from telegram.request import BaseRequest

from rondetafel.clock import Clock
from rondetafel.settings import Settings
from rondetafel.storage.db import Database

from .decide import Decider
from .housekeeping import Housekeeping
from .reminder_loop import ReminderLoop
from .seen_updates import SeenUpdates
from .sender import Sender

SERVICES = "rondetafel.services"


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock
    sender: Sender
    decider: Decider
    housekeeping: Housekeeping
    seen: SeenUpdates
    # None only where a test builds services without the loop.
    reminders: ReminderLoop | None = None
    # Setting the command menus, beside the first poll (`app.start_services`).
    menus: asyncio.Task[None] | None = None
    # The Bot API client's connection pools (none where a test supplies its own).
    transports: tuple[BaseRequest, ...] = ()


class Context(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The handlers' context: `context.services` instead of string keys everywhere."""

    @property
    def services(self) -> Services:
        return cast(Services, self.application.bot_data[SERVICES])


RondetafelApp = Application[
    ExtBot[None], Context, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any
]
