"""Long polling that confirms an update to Telegram only once it is handled.

python-telegram-bot's own Updater confirms a batch of updates (by the offset
of its next getUpdates call) as soon as it has put them on its queue, before
any handler stored them: if the database is down at that moment, or the bot
stops, those updates are gone. This Updater takes its place, so that
`Application.run_polling` (`rondetafel run`) and the demo start it as before:

- it hands each new update to the Application's update processor
  (`PerChatOrder`: chats at once, one chat in order) itself, without the queue;
- the offset moves only over updates that are finished (`Confirmations`):
  stored, or deliberately ignored, or failed for a bug (apologised for by
  `handlers.on_error`, and not tried again, so that one bad update cannot hold
  the bot up);
- an update that failed because the database is out of reach (`outage.py`)
  is handled again after a growing pause, still in its chat's turn, until the
  database is back; nothing after it is confirmed meanwhile, and if the bot
  stops first, Telegram hands it out again after the restart. (So do the
  updates after it; one of another chat that was stored meanwhile is
  recognised then by its id, stored with its effect: `seen_updates.py`.)

While an update is unfinished Telegram answers every getUpdates at once (with
that update again), so there is no long poll then: the loop waits until the
updates under way are finished, or a moment passes, before it asks again.

Telegram answers at most 100 updates per call, the oldest unconfirmed first:
with that many waiting for the CPU (hundreds of meetings at once), a new
button press would not even be fetched. So once `PARK_AT` updates are
unfinished, they are parked: stored in the database as they came (encrypted,
`storage/parked_updates.py`) in one statement, and then confirmed. Each is
still handled as before and unparked when done; on start, what is left
parked is handled first (the handled-update ids keep that exactly once).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from telegram import Update
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Updater

from rondetafel.clock import utcnow
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction

from .confirmations import Confirmations
from .context import SERVICES, RondetafelApp, Services
from .outage import Attempt, current_attempt

log = logging.getLogger(__name__)
T = TypeVar("T")

# Handling an update again while the database is down: after 0.25 s, 0.5 s …
# at most this often, so a database that comes back is noticed within seconds.
RETRY_FIRST = 0.25
RETRY_MAX = 5.0
# While updates are under way, ask Telegram for newer ones after this long at the
# latest (a chat that is slow must not keep the others' updates waiting), and
# less often while nothing finishes (each answer repeats the unfinished ones).
BUSY_POLL_FIRST = 0.1
BUSY_POLL_MAX = 2.0
# getUpdates failing (5xx, a dropped connection): ask again after 0.25 s … 30 s.
FAILED_POLL_FIRST = 0.25
FAILED_POLL_MAX = 30.0
# Park the unfinished updates once this many wait: well below Telegram's 100 a
# call, so the next call has room for new ones.
PARK_AT = 50
# Park them, however few, once the oldest has been under way this long. While
# one is unconfirmed Telegram answers every getUpdates at once, so there is no
# long poll, only pauses that grow to BUSY_POLL_MAX: one group's slow update
# (a `getChatMember` Telegram is slow to answer) would leave every other
# group's button presses waiting at Telegram for up to that long.
PARK_AFTER = 0.5
# How long `stop` waits for updates under way before it gives up on them
# (they stay unconfirmed: Telegram hands them out again after the restart).
STOP_GRACE = 10.0

ErrorCallback = Callable[[TelegramError], None]


class ConfirmingUpdater(Updater):
    def __init__(self, application: RondetafelApp) -> None:
        super().__init__(application.bot, application.update_queue)
        self._application = application
        self._confirmations = Confirmations()
        self._handling: set[asyncio.Task[None]] = set()
        self._stopping = asyncio.Event()
        self._idle = asyncio.Event()  # set while no update is under way
        self._idle.set()
        self._polling: asyncio.Task[None] | None = None
        self._allowed_updates: Sequence[str] | None = None
        self._told_offset = 0  # the offset of the last answered getUpdates call
        # Chats with an update left unfinished on stopping (None: updates of no chat).
        self._given_up: set[int | None] = set()
        # Fetched and not yet finished, by id: what parking stores.
        self._open_updates: dict[int, Update] = {}
        self._parked: set[int] = set()
        self._to_unpark: list[int] = []
        self._unparking: asyncio.Task[None] | None = None
        # When each open update was fetched (`PARK_AFTER`), and no parking by
        # age before this moment (the database refused the last try).
        self._fetched_at: dict[int, float] = {}
        self._park_failed_until = 0.0
        # Told of each button press fetched from a backlog (`_dispatch`).
        self.on_backlog_press: Callable[[str], None] | None = None

    @property
    def offset(self) -> int:
        """The offset the next getUpdates call confirms up to (tests, logs)."""
        return self._confirmations.offset

    # ------------------------------------------------------------ starting and stopping

    async def start_polling(
        self,
        poll_interval: float = 0.0,
        timeout: float | dt.timedelta = dt.timedelta(seconds=10),  # noqa: ASYNC109 (the base's name)
        bootstrap_retries: int = 0,
        allowed_updates: Sequence[str] | None = None,
        drop_pending_updates: bool | None = None,
        error_callback: ErrorCallback | None = None,
    ) -> asyncio.Queue[object]:
        if self.running:
            raise RuntimeError("This Updater is already running!")
        if not self._initialized:
            raise RuntimeError("This Updater was not initialized via `Updater.initialize`!")
        # As python-telegram-bot's Updater: no webhook may be set while polling.
        await self.bot.delete_webhook(drop_pending_updates=bool(drop_pending_updates))
        self._running = True
        self._stopping.clear()
        self._given_up.clear()
        self._allowed_updates = allowed_updates
        self._polling = asyncio.create_task(
            self._poll(poll_interval, _period(timeout), error_callback),
            name="ConfirmingUpdater:polling",
        )
        return self.update_queue

    async def stop(self) -> None:
        """Stop asking; let the updates under way finish; confirm what is finished."""
        if not self.running:
            raise RuntimeError("This Updater is not running!")
        self._running = False
        self._stopping.set()  # ends the waits: a retry pause, a long poll
        if self._polling is not None:
            self._polling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._polling
            self._polling = None
        if self._unparking is not None:
            await self._unparking  # a transaction: never cancelled halfway
            self._unparking = None
        if self._handling:
            _, late = await asyncio.wait(self._handling, timeout=STOP_GRACE)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        await self._unpark()
        if self._confirmations.offset > self._told_offset:
            try:
                await self.bot.get_updates(
                    offset=self._confirmations.offset,
                    timeout=0,
                    allowed_updates=self._allowed_updates,
                )
            except TelegramError as error:
                # Not lost: Telegram hands them out again after the restart (handled twice).
                log.warning("could not confirm the last updates on stopping: %s", error)

    # ------------------------------------------------------------ asking Telegram

    async def _poll(
        self,
        poll_interval: float,
        long_poll: dt.timedelta,
        error_callback: ErrorCallback | None,
    ) -> None:
        failed_pause = 0.0
        busy_pause = BUSY_POLL_FIRST
        await self._replay_parked()
        while not self._stopping.is_set():
            self._unpark_soon()
            offset = self._confirmations.offset
            try:
                updates = await self._get_updates(offset, long_poll)
            except RetryAfter as error:
                seconds = _seconds(error.retry_after)
                log.warning("Telegram asks to wait %.0f s before getUpdates", seconds)
                await self._pause(seconds)
                continue
            except InvalidToken:
                log.exception("Telegram refused the token; polling stops")
                return
            except NetworkError as error:  # 5xx, a time-out, a dropped connection
                failed_pause = _grow(failed_pause, FAILED_POLL_FIRST, FAILED_POLL_MAX)
                log.warning("getUpdates failed (%s); again in %.2f s", error, failed_pause)
                await self._pause(failed_pause)
                continue
            except TelegramError as error:  # a conflict with another instance, say
                if error_callback is not None:
                    error_callback(error)
                else:
                    log.error("getUpdates failed: %s", error)
                failed_pause = _grow(failed_pause, FAILED_POLL_FIRST, FAILED_POLL_MAX)
                await self._pause(failed_pause)
                continue
            except Exception:
                # An answer python-telegram-bot could not read: nothing of it was
                # confirmed, so nothing is lost; polling must not end over it.
                failed_pause = _grow(failed_pause, FAILED_POLL_FIRST, FAILED_POLL_MAX)
                log.exception("could not read what getUpdates answered")
                await self._pause(failed_pause)
                continue
            failed_pause = 0.0
            self._dispatch(updates)
            if self._confirmations.unfinished >= PARK_AT:
                await self._park()
            if self._confirmations.unfinished:
                # Telegram would answer the next call at once, repeating what is under
                # way: wait for it to finish, or a moment if it takes long; longer
                # moments while nothing finishes (the database is down, say).
                idle = await self._until_idle(min(busy_pause, self._until_parked()))
                if not idle and self._until_parked() <= 0 and await self._park():
                    busy_pause = BUSY_POLL_FIRST  # nothing unconfirmed: a long poll again
                    continue
                moved = self._confirmations.offset != offset
                busy_pause = (
                    BUSY_POLL_FIRST if idle or moved else min(BUSY_POLL_MAX, busy_pause * 2)
                )
                continue
            busy_pause = BUSY_POLL_FIRST
            if poll_interval:
                await self._pause(poll_interval)

    async def _get_updates(self, offset: int, long_poll: dt.timedelta) -> tuple[Update, ...]:
        updates = await self.bot.get_updates(
            offset=offset, timeout=long_poll, allowed_updates=self._allowed_updates
        )
        # Only an answered call surely confirmed: after a failed one, `stop` confirms again.
        self._told_offset = offset
        return updates

    def _dispatch(self, updates: Sequence[Update]) -> None:
        # A long answer (PARK_AT updates or more) says updates queued at Telegram
        # while the last ones were under way: a press among them may have waited
        # there most of its second already, so it is answered at once rather than
        # after its decision (the decision still happens, and shows in the chat).
        answer_now = self.on_backlog_press if len(updates) >= PARK_AT else None
        for update in updates:
            if not self._confirmations.fetched(update.update_id):
                continue  # under way already: Telegram repeats what is not confirmed
            if answer_now is not None and update.callback_query is not None:
                try:
                    answer_now(update.callback_query.id)
                except Exception:  # a bug there must not end the polling
                    log.exception("could not answer press %s at once", update.callback_query.id)
            self._start(update)

    def _start(self, update: Update) -> None:
        self._idle.clear()
        self._open_updates[update.update_id] = update
        self._fetched_at[update.update_id] = time.monotonic()
        task = asyncio.create_task(self._handle(update), name=f"update {update.update_id}")
        self._handling.add(task)
        task.add_done_callback(self._handling.discard)

    # ------------------------------------------------------------ handling one update

    async def _handle(self, update: Update) -> None:
        processor = self._application.update_processor
        attempts = self._attempts(update)
        try:
            # Through the processor, so the retries, too, happen in the chat's turn.
            await processor.process_update(update, attempts)
        except asyncio.CancelledError:
            attempts.close()  # stopped while waiting for its chat's turn: never started
            raise
        except Exception:
            # python-telegram-bot itself failed (the handlers' errors never get here):
            # as with a bug in a handler, move on.
            log.exception("update %s could not be handled", update.update_id)
            self._finished(update)

    async def _attempts(self, update: Update) -> None:
        """Handle `update` until it is done, or the updater stops (then it stays unconfirmed)."""
        chat = update.effective_chat.id if update.effective_chat is not None else None
        if chat in self._given_up:
            # An earlier update of this chat waits for the restart: this one must follow it.
            return
        pause = RETRY_FIRST
        while True:
            attempt = Attempt()
            current_attempt.set(attempt)  # this task's own context: see outage.py
            await self._application.process_update(update)
            if not attempt.database_down:
                self._finished(update)
                return
            if await self._pause(pause):
                self._given_up.add(chat)
                return
            pause = min(RETRY_MAX, pause * 2)

    def _finished(self, update: Update) -> None:
        self._open_updates.pop(update.update_id, None)
        self._fetched_at.pop(update.update_id, None)
        if update.update_id in self._parked:
            self._parked.discard(update.update_id)
            self._to_unpark.append(update.update_id)
        self._confirmations.finished(update.update_id)
        if not self._open_updates:
            self._idle.set()

    # ------------------------------------------------------------ parking

    def _until_parked(self) -> float:
        """Seconds until the oldest update under way and not parked is PARK_AFTER old."""
        oldest = next((i for i in self._open_updates if i not in self._parked), None)
        if oldest is None or time.monotonic() < self._park_failed_until:
            return BUSY_POLL_MAX
        return max(0.0, self._fetched_at[oldest] + PARK_AFTER - time.monotonic())

    async def _park(self) -> bool:
        """Store the unfinished updates not parked yet, then let getUpdates confirm them."""
        waiting = [u for i, u in self._open_updates.items() if i not in self._parked]
        rows = [
            (u.update_id, u.effective_chat.id if u.effective_chat else None, u.to_dict())
            for u in waiting
        ]
        try:
            # Urgent: until they are parked, Telegram keeps the newer updates back.
            await self._in_transaction(
                lambda repos: repos.parked_updates.park(rows, utcnow()), urgent=True
            )
        except Exception as error:
            # The database is away: they stay unconfirmed, which loses nothing.
            # Waiting a while before parking by age again keeps the log readable.
            log.warning("could not park %d updates: %s", len(rows), type(error).__name__)
            self._park_failed_until = time.monotonic() + RETRY_MAX
            return False
        for update in waiting:
            if update.update_id in self._open_updates:
                self._parked.add(update.update_id)
                self._confirmations.park(update.update_id)
            else:  # handled while it was being parked
                self._to_unpark.append(update.update_id)
        return True

    def _unpark_soon(self) -> None:
        """Unpark what finished beside the polling, not in its way.

        Nothing waits for it: it only tidies away updates handled already. In a
        backlog each poll used to wait for its turn on the database here, behind
        the decisions under way, while new button presses waited at Telegram.
        """
        if self._to_unpark and (self._unparking is None or self._unparking.done()):
            self._unparking = asyncio.create_task(self._unpark(), name="unparking")

    async def _unpark(self) -> None:
        if not self._to_unpark:
            return
        done, self._to_unpark = self._to_unpark, []
        try:
            await self._in_transaction(lambda repos: repos.parked_updates.unpark(done))
        except Exception as error:
            # Handled already: left parked, they are recognised as handled after a restart.
            self._to_unpark.extend(done)
            log.warning("could not unpark %d updates: %s", len(done), type(error).__name__)

    async def _replay_parked(self) -> None:
        """Updates parked before the last stop, confirmed then: handled now, first."""
        try:
            parked = await self._in_transaction(lambda repos: repos.parked_updates.parked())
        except Exception as error:
            log.warning("could not read the parked updates: %s", type(error).__name__)
            return
        for update_id, data in parked:
            update = Update.de_json(data, self.bot)
            if update is None:
                continue
            self._parked.add(update_id)
            self._confirmations.replayed(update_id)
            self._start(update)
        if parked:
            log.info("handling %d updates parked before the restart", len(parked))

    async def _in_transaction(
        self, work: Callable[[Repositories], Awaitable[T]], *, urgent: bool = False
    ) -> T:
        services: Services = self._application.bot_data[SERVICES]
        return await in_transaction(
            services.db, work, school_name=services.settings.school_name, urgent=urgent
        )

    # ------------------------------------------------------------ waiting

    async def _pause(self, seconds: float) -> bool:
        """Wait `seconds`, or less if the updater stops: True if it stops."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._stopping.wait()
        return self._stopping.is_set()

    async def _until_idle(self, seconds: float) -> bool:
        """Wait until no update is under way, at most `seconds`: True if none is."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._idle.wait()
        return self._idle.is_set()


def _grow(pause: float, first: float, most: float) -> float:
    return first if pause == 0 else min(most, pause * 2)


def _period(value: float | dt.timedelta) -> dt.timedelta:
    return value if isinstance(value, dt.timedelta) else dt.timedelta(seconds=value)


def _seconds(value: float | dt.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
