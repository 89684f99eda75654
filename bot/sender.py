"""The one sender: delivers the outbox, each chat's rows in order, each row once.

Whatever a decision owes a chat is stored as outbox rows in the decision's own
transaction (`bot/decide.py`). This class delivers them:

- one worker per chat, so a group waiting for its per-minute budget never
  holds up another chat, and one chat's rows go out strictly in order;
- a row is marked done in the transaction that records its message id, right
  after Telegram accepted it; a failure leaves it pending; the workers that
  finish a row at the same moment share that transaction (`group_commit.py`);
- transient failures (5xx, time-outs, a dropped connection) are retried with
  backoff, and 429's `retry_after` is honoured, for that chat only;
- a group that became a supergroup is followed (`on_migrate` moves the rows
  and reposts the meeting's prompt);
- a group that removed the bot is paused until the bot is added again; its
  rows wait;
- a budget per chat (`budget.py`), filled from the outbox on start, keeps
  within Telegram's limits across restarts;
- harmless refusals are harmless: an edit that changes nothing, a message
  that is gone.

HTML escaping of user text happens before this (`texts`, the templates);
splitting long texts happens when rows are made (`outgoing.py`).

At least once and at most once: a row is sent again only if Telegram did not
answer. If Telegram performed a call and the answer was lost (a time-out after
the request arrived), the Bot API gives no way to find out, and the row is
sent again; the summary then arrives twice rather than not at all.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TypeVar

from telegram import Bot, ForceReply, Message, ReplyParameters
from telegram.constants import CallbackQueryLimit
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from rondetafel.clock import utcnow
from rondetafel.storage.audit import REMINDER_UNDELIVERABLE
from rondetafel.storage.db import Database
from rondetafel.storage.outbox import (
    CLEAR,
    DOCUMENT,
    EDIT,
    FALLBACK,
    REMINDER_KEY,
    SEND,
    Delivery,
    Outgoing,
    Pending,
)
from rondetafel.storage.reminders import UNDELIVERABLE
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction

from .budget import MINUTE, SendBudget
from .group_commit import Change, Delivered, GroupCommit
from .outgoing import markup_of

log = logging.getLogger(__name__)
OnMigrate = Callable[[int, int], Awaitable[None]]
T = TypeVar("T")

# Refusals that mean "nothing left to do": the edit would change nothing, or
# the message is gone (deleted, or in a group that became a supergroup).
HARMLESS = (
    "message is not modified",
    "message to edit not found",
    "message can't be edited",
)
TOO_OLD = "query is too old"
# Backoff after the n-th transient failure: 0.5 s, 1 s, 2 s … at most a minute.
BACKOFF_FIRST = 0.5
BACKOFF_MAX = 60.0
# Without a wake-up, look for due rows this often (rows in backoff, a restart).
IDLE_POLL = 5.0
# A press still undecided this long after it came in (its chat busy with earlier
# updates, the database slow under load) is answered without a text, so that
# Telegram's spinner stops within a second; the decision's own answer, toast and
# all, is then dropped (Telegram takes one answer per press). What the press did
# is stored and shown in the chat either way.
ANSWER_WITHIN = 0.3
# Presses answered that way, remembered until their decision's answer comes.
EARLY_ANSWERS_KEPT = 10_000
# How long `stop` waits for calls under way (python-telegram-bot's own time-outs
# are 5 s for a message, 20 s for a document) before it gives up on them.
STOP_GRACE = 30.0


class Sender:
    def __init__(
        self,
        bot: Bot,
        db: Database,
        budget: SendBudget,
        *,
        on_migrate: OnMigrate | None = None,
        school_name: str = "School",
    ) -> None:
        self.bot = bot
        self.db = db
        self.budget = budget
        self.on_migrate = on_migrate
        self.school_name = school_name
        self._workers: dict[int, asyncio.Task[None]] = {}
        self._group = GroupCommit(self._db)
        # Per chat: "new rows were committed", for its worker while it waits or looks.
        self._nudges: dict[int, asyncio.Event] = {}
        self._wake = asyncio.Event()
        self._loop: asyncio.Task[None] | None = None
        self._stopping = False
        self._stopped = asyncio.Event()
        # Button answers on their way (`answer`): kept so none is lost at a stop.
        self._answering: set[asyncio.Task[None]] = set()
        # Presses that came in and are not answered yet: their ANSWER_WITHIN timers.
        self._expected: dict[str, asyncio.TimerHandle] = {}
        # Presses answered without a text at ANSWER_WITHIN (an ordered set).
        self._answered_early: dict[str, None] = {}

    # ------------------------------------------------------------ running

    async def start(self) -> None:
        """Restore the budget of the last minute, then deliver until `stop`."""
        self._stopping = False
        self._stopped.clear()
        since = utcnow() - dt.timedelta(seconds=MINUTE)
        sent = await self._db(lambda repos: repos.outbox.sent_since(since))
        self.budget.restore(
            {chat: [at.timestamp() for at in times] for chat, times in sent.items()}
        )
        self._loop = asyncio.create_task(self._run(), name="outbox sender")

    async def stop(self) -> None:
        """Stop once the work under way is done; nothing is cancelled halfway.

        Cancelling a delivery between Telegram's answer and the commit would
        send that row again after the restart and forget it in the budget, and
        cancelling a database call leaves its connection to be torn down in
        the middle of a rollback. Waits (backoff, budget, idle) end at once.
        """
        self._stopping = True
        self._stopped.set()
        self._wake.set()
        for timer in self._expected.values():
            timer.cancel()
        self._expected.clear()
        for nudge in self._nudges.values():
            nudge.set()
        tasks = [
            t
            for t in (self._loop, *self._workers.values(), *self._answering, self._group.running)
            if t
        ]
        done, late = await asyncio.wait(tasks, timeout=STOP_GRACE) if tasks else (set(), set())
        for task in late:  # a call that hangs: give up on it rather than on the stop
            task.cancel()
        for task in (*done, *late):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._loop = None
        self._workers.clear()

    def wake(self, chat_id: int | None = None) -> None:
        """New rows were committed (for `chat_id`): look at once instead of at the next poll.

        With a chat, only that chat's worker looks (or starts): a decision in one
        group never makes the sender read the whole outbox.
        """
        if chat_id is None or self._loop is None:
            self._wake.set()
            return
        worker = self._workers.get(chat_id)
        if worker is not None and not worker.done():
            self._nudge(chat_id).set()
        elif not self._stopping:
            self._workers[chat_id] = asyncio.create_task(
                self._work(chat_id), name=f"outbox chat {chat_id}"
            )

    def _nudge(self, chat_id: int) -> asyncio.Event:
        return self._nudges.setdefault(chat_id, asyncio.Event())

    async def drain(self) -> None:
        """Deliver everything owed now, and return when nothing is left (tests, demo)."""
        if self._answering:
            await asyncio.gather(*self._answering, return_exceptions=True)
        while True:
            try:
                await self._dispatch()
            except Exception:  # as in the loop: the rows stay, and are tried later
                log.exception("could not read the outbox")
                return
            workers = list(self._workers.values())
            if not workers:
                return
            await asyncio.gather(*workers, return_exceptions=True)

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                await self._dispatch()
            except Exception:  # the database may be away for a moment; try again
                log.exception("could not read the outbox")
            await _until(self._wake, IDLE_POLL)

    async def _dispatch(self) -> None:
        """A worker for every chat that is owed something and has none yet."""
        chats = await self._db(lambda repos: repos.outbox.chats_with_work())
        for chat_id in chats:
            if self._stopping:
                return
            worker = self._workers.get(chat_id)
            if worker is None or worker.done():
                self._workers[chat_id] = asyncio.create_task(
                    self._work(chat_id), name=f"outbox chat {chat_id}"
                )
        for chat_id in [c for c, w in self._workers.items() if w.done()]:
            del self._workers[chat_id]

    async def _work(self, chat_id: int) -> None:
        try:
            await self._work_through(chat_id)
        finally:
            self._nudges.pop(chat_id, None)

    async def _work_through(self, chat_id: int) -> None:
        nudge = self._nudge(chat_id)
        nudge.clear()
        row = await self._next(chat_id)
        while not self._stopping:
            if row is None:
                if not nudge.is_set():
                    return
                # Rows were committed while this looked: look again.
                nudge.clear()
                row = await self._next(chat_id)
                continue
            now = time.time()
            wait = max(row.due_at.timestamp() - now, self.budget.wait(chat_id, now))
            if wait > 0:
                # Only this chat waits; look again afterwards, or as soon as new rows
                # come: a row held back for a newer one to replace it may be gone.
                await _until(nudge, wait)
                nudge.clear()
                row = await self._next(chat_id)
                continue
            nudge.clear()  # what is committed from here on, the settling read sees
            current = row
            try:
                row = await self._deliver(current)
            except Exception:
                # A bug, or the database away: keep the row and try later, never lose it.
                log.exception("delivering outbox row %s failed", current.id)
                row = await self._settle(current, partial(self._backoff, row=current))

    async def _next(self, chat_id: int) -> Pending | None:
        return await self._group.settle(chat_id, None)

    async def _settle(self, row: Pending, change: Change) -> Pending | None:
        """Record what became of `row` and read the chat's next row, in one transaction.

        The transaction is shared with the other chats' workers that settle at
        the same moment (`group_commit.py`).
        """
        return await self._group.settle(row.chat_id, change)

    # ------------------------------------------------------------ one row

    async def _deliver(self, row: Pending) -> Pending | None:
        """Perform `row`, record the outcome, and return the chat's next row."""
        try:
            message_id, calls = await self._perform(row)
        except ChatMigrated as migrated:
            log.info("chat %s became supergroup %s", row.chat_id, migrated.new_chat_id)
            if self.on_migrate is not None:
                await self.on_migrate(row.chat_id, migrated.new_chat_id)
            return None  # the rows moved with the chat: its worker there delivers them
        except RetryAfter as error:
            seconds = _seconds(error.retry_after)
            log.warning("Telegram asks to wait %.0f s before writing to %s", seconds, row.chat_id)
            self.budget.block(row.chat_id, time.time() + seconds)
            return await self._settle(
                row, lambda repos: repos.outbox.retry_at(row.id, _in(seconds))
            )
        except Forbidden as refused:
            following = await self._settle(row, partial(self._forbidden, row=row, error=refused))
            fallback = row.payload.get(FALLBACK)
            if row.chat_id > 0 and fallback:
                self.wake(fallback["chat_id"])
            return following
        except BadRequest as error:
            if any(h in str(error).lower() for h in HARMLESS):
                log.info("outbox row %s: nothing to do (%s)", row.id, error)
                return await self._done(row, None, calls=0)
            log.error("Telegram refused outbox row %s (%s): %s", row.id, row.method, error)
            return await self._settle(row, lambda repos: repos.outbox.failed(row.id))
        except NetworkError as error:  # also TimedOut; BadRequest is handled above
            log.info("outbox row %s: transient error (%s), retrying", row.id, error)
            return await self._settle(row, partial(self._backoff, row=row))
        return await self._done(row, message_id, calls=calls)

    async def _perform(self, row: Pending) -> tuple[int | None, int]:
        """The Bot API call for `row`: (the message id it made, how many calls it took)."""
        payload = row.payload
        if row.method == SEND:
            reply_to = payload.get("reply_to")
            message: Message = await self.bot.send_message(
                row.chat_id,
                payload["html"],
                reply_markup=markup_of(payload),
                reply_parameters=(
                    ReplyParameters(reply_to, allow_sending_without_reply=True)
                    if reply_to
                    else None
                ),
                message_thread_id=row.thread_id,
                disable_notification=payload.get("quiet", False),
            )
            return message.message_id, 1
        if row.method == DOCUMENT:
            document = await self.bot.send_document(
                row.chat_id,
                payload["text"].encode(),
                filename=payload["filename"],
                caption=payload["caption"],
                message_thread_id=row.thread_id,
                disable_notification=payload.get("quiet", False),
                # Not protected: the report is meant to be saved to the pupil's file.
                protect_content=False,
            )
            return document.message_id, 1
        if row.method == EDIT:
            # By id (a private reminder answered in place) or by tag (a meeting's message).
            target = payload.get("message_id") or row.target
            if target is None:
                # Never delivered, or forgotten when the group became a supergroup.
                return None, 0
            markup = markup_of(payload)
            assert not isinstance(markup, ForceReply), "an edit carries inline buttons only"
            await self.bot.edit_message_text(
                payload["html"], row.chat_id, target, reply_markup=markup
            )
            return None, 1
        if row.method == CLEAR:
            # By id (the pressed message) or by tag (a message superseded by a new one).
            target = payload.get("message_id") or row.target
            if target is None:
                return None, 0
            await self.bot.edit_message_reply_markup(row.chat_id, target, reply_markup=None)
            return None, 1
        raise ValueError(f"outbox row {row.id} has an unknown method {row.method!r}")

    async def _done(self, row: Pending, message_id: int | None, *, calls: int) -> Pending | None:
        now = utcnow()
        if calls:
            self.budget.spend(row.chat_id, now.timestamp())
        return await self._settle(row, Delivered(row, Delivery(row.id, now, calls, message_id)))

    @staticmethod
    async def _backoff(repos: Repositories, row: Pending) -> None:
        delay = min(BACKOFF_MAX, BACKOFF_FIRST * 2**row.attempts)
        await repos.outbox.retry_at(row.id, _in(delay))

    @staticmethod
    async def _forbidden(repos: Repositories, row: Pending, error: Forbidden) -> None:
        if row.chat_id < 0:
            # Removed from the group: keep what is owed until the bot is added back.
            log.warning("removed from chat %s (%s); pausing it", row.chat_id, error)
            await repos.chats.set_removed(row.chat_id, utcnow())
        else:
            # Never started, or blocked: no retry would help, and no group is
            # paused for it. Forgetting the chat makes the next private delivery
            # ask the person to press Start first (bot/case_commands.py).
            log.warning("cannot write to private chat %s: %s", row.chat_id, error)
            await repos.outbox.failed(row.id)
            await repos.chats.forget_private(row.chat_id)
            # A reminder that cannot reach its person says so in its group,
            # neutrally (`bot/reminder_loop.py` put the mention in the row).
            reminder, fallback = row.payload.get(REMINDER_KEY), row.payload.get(FALLBACK)
            if reminder is not None:
                await repos.reminders.set_status(reminder, UNDELIVERABLE)
                found = await repos.reminders.get(reminder)
                if found is not None:
                    await repos.audit.add(
                        found.case_id, found.user_id, REMINDER_UNDELIVERABLE, utcnow()
                    )
            if fallback:
                await repos.outbox.add([Outgoing(**fallback)], utcnow())

    # ------------------------------------------------------------ outside the outbox

    def expect_answer(self, query_id: str) -> None:
        """A press came in: see that it is answered within ANSWER_WITHIN, decided or not."""
        if query_id in self._expected or query_id in self._answered_early:
            return
        loop = asyncio.get_running_loop()
        self._expected[query_id] = loop.call_later(ANSWER_WITHIN, self._answer_early, query_id)

    def answer_at_once(self, query_id: str) -> None:
        """A press that may have waited at Telegram already: answer it now, without a text."""
        if query_id in self._answered_early:
            return
        timer = self._expected.pop(query_id, None)
        if timer is not None:
            timer.cancel()
        self._answer_without_text(query_id)

    def _answer_early(self, query_id: str) -> None:
        if self._expected.pop(query_id, None) is not None:
            self._answer_without_text(query_id)

    def _answer_without_text(self, query_id: str) -> None:
        self._answered_early[query_id] = None
        while len(self._answered_early) > EARLY_ANSWERS_KEPT:  # presses nothing answered
            del self._answered_early[next(iter(self._answered_early))]
        self._send_answer(query_id, None)

    def answer(self, query_id: str, text: str | None = None) -> None:
        """Answer a button press at once; Telegram's client waits for it.

        The call goes out beside the chat's turn, not in it: the chat's next
        update (three people pressing JOIN and the chair START, all at once)
        need not wait for Telegram to confirm this answer first. Never fails:
        the decision behind the press is already stored, so a failure here
        must not turn into "please try again". A press answered already
        (ANSWER_WITHIN) is not answered again.
        """
        timer = self._expected.pop(query_id, None)
        if timer is not None:
            timer.cancel()
        elif query_id in self._answered_early:
            del self._answered_early[query_id]
            log.info("a button press was answered before it was decided; its text is dropped")
            return
        self._send_answer(query_id, text)

    def _send_answer(self, query_id: str, text: str | None) -> None:
        task = asyncio.create_task(self._answer(query_id, text), name=f"answer {query_id}")
        self._answering.add(task)
        task.add_done_callback(self._answering.discard)

    async def _answer(self, query_id: str, text: str | None) -> None:
        short = text[: CallbackQueryLimit.ANSWER_CALLBACK_QUERY_TEXT_LENGTH] if text else None
        try:
            await self.bot.answer_callback_query(query_id, short)
        except BadRequest as error:
            if TOO_OLD not in str(error).lower():
                log.warning("could not answer a button press: %s", error)
        except TelegramError as error:
            log.warning("could not answer a button press: %s", error)

    async def send_now(self, chat_id: int, html: str, thread_id: int | None = None) -> None:
        """Only for the apology when the database itself failed: the outbox is out of reach."""
        try:
            await self.bot.send_message(chat_id, html, message_thread_id=thread_id)
        except TelegramError as error:
            log.warning("could not send the apology to %s: %s", chat_id, error)

    async def _db(self, work: Callable[[Repositories], Awaitable[T]]) -> T:
        # At most two at once by construction: the group commit runs one batch at
        # a time, and the loop looks for chats with work between its waits.
        return await in_transaction(self.db, work, school_name=self.school_name)


async def _until(event: asyncio.Event, seconds: float) -> None:
    """Wait until `event` is set or `seconds` pass, whichever comes first."""
    # asyncio.timeout: unlike wait_for on 3.11, it never swallows a cancellation.
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await event.wait()


def _in(seconds: float) -> dt.datetime:
    return utcnow() + dt.timedelta(seconds=seconds)


def _seconds(value: object) -> float:
    total_seconds = getattr(value, "total_seconds", None)
    return float(total_seconds()) if callable(total_seconds) else float(value)  # type: ignore[arg-type]
