from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from telegram import Update

from rondetafel.bot import outgoing
from rondetafel.bot.app import build_application, start_services, stop_services
from rondetafel.bot.callback_data import decode
from rondetafel.bot.context import SERVICES, RondetafelApp
from rondetafel.flows.events import Button
from rondetafel.settings import Settings
from rondetafel.storage.db import Database
from tests.conftest import TEST_KEYRING
from tests.support.recording import Call, RecordingRequest
from tests.support.updates import GroupChat, User

NOW = dt.datetime(2026, 11, 23, 14, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
ANNA, MO, FATMA, STRANGER = User(11, "Anna"), User(12, "Mo"), User(13, "Fatma"), User(14, "Kees")


@dataclass
class Harness:
    app: RondetafelApp
    request: RecordingRequest
    group: GroupChat
    db: Database
    # The one clock the bot reads; tests move it with `later`.
    now: list[dt.datetime] = field(default_factory=lambda: [NOW])

    def later(self, delta: dt.timedelta) -> None:
        self.now[0] += delta

    async def send(self, update: Update) -> None:
        """Handle the update, then deliver what it owes the chat (the sender's loop does
        that in the running bot; here the test waits for it)."""
        await self.app.process_update(update)
        await self.app.bot_data[SERVICES].sender.drain()

    async def remind(self) -> int:
        """One round of the reminder loop at the harness's clock, delivered; how many it took."""
        services = self.app.bot_data[SERVICES]
        assert services.reminders is not None
        handled = await services.reminders.run_once()
        await services.sender.drain()
        return handled

    def messages(self) -> list[Call]:
        return self.request.messages()

    def last_text(self) -> str:
        return self.messages()[-1].text

    def button(self, button: Button, arg: str | None = None) -> tuple[str, int]:
        """The newest button of this kind: its callback data and its message id."""
        for call in reversed(self.request.calls):
            if call.method not in ("sendMessage", "editMessageText"):
                continue
            for b in call.buttons():
                data = decode(b.get("callback_data", ""))
                if data and data.button is button and (arg is None or data.arg == arg):
                    return b["callback_data"], call.message_id
        raise AssertionError(f"no {button} button")

    async def press(self, user: User, button: Button, arg: str | None = None) -> None:
        data, message_id = self.button(button, arg)
        await self.send(self.group.press(user, data, message_id))

    def last_question(self) -> Call:
        """The newest question Telegram accepted."""
        return next(
            c
            for c in reversed(self.messages())
            if c.markup.get("force_reply") and "message_id" in c.result
        )

    async def answer(self, user: User, text: str) -> int:
        """Reply to the newest question; returns the id of the reply."""
        update = self.group.reply(user, text, self.last_question().message_id)
        await self.send(update)
        assert update.message is not None
        return update.message.message_id

    async def setup_meeting(self, *, pupil: str = "S.B.") -> None:
        """/overleg by Anna (a pupil meeting, in Dutch), pupil named, Mo and Fatma joined."""
        await self.send(self.group.command(ANNA, "/overleg"))
        await self.answer(ANNA, pupil)
        await self.press(MO, Button.JOIN, "mentor")
        await self.press(FATMA, Button.JOIN, "parent")


@pytest.fixture(autouse=True)
def no_lazy_edits(monkeypatch: pytest.MonkeyPatch) -> None:
    """A join list waits 2 s for the next join (`outgoing.LAZY_EDIT_SECONDS`); these tests
    look at what is said, not at how edits are merged (tests/e2e counts those), so they
    need not wait: every edit is then delivered, which only adds calls to check."""
    monkeypatch.setattr(outgoing, "LAZY_EDIT_SECONDS", 0.0)


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        # No pacing: these tests look at what is sent, not at Telegram's limits.
        chat_messages_per_second=1000,
        group_messages_per_minute=100_000,
    )
    db = Database(settings.database_url, keyring=TEST_KEYRING)
    request = RecordingRequest()
    now = [NOW]
    app = build_application(
        settings, db, token="7000:TEST", request=request, clock=lambda: now[0], rate_limiter=False
    )
    await app.initialize()
    await start_services(app)
    menus = app.bot_data[SERVICES].menus
    assert menus is not None
    await menus  # the tests look at them, so they are set before anything else
    # Reminders go when a test says so (`Harness.remind`), at the harness's clock,
    # not whenever the background loop happens to look.
    loop = app.bot_data[SERVICES].reminders
    assert loop is not None
    await loop.stop()
    try:
        yield Harness(app, request, GroupChat(app.bot), db, now)
    finally:
        await stop_services(app)
        await app.shutdown()
        await db.dispose()
