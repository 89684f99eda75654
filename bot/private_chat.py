"""The private chat with a person: /start, reminder and evaluation buttons, typed answers.

Handlers parse only; each update is one transaction (load → decide → store
what the bot owes, as outbox rows), after which the pop-up is answered and
the sender woken, as in `decide.py`. A person's private chat speaks the
language their Telegram app uses (`incoming.private_language`), and the bot remembers
that the chat is open, so reminders may come here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    filters,
)

from rondetafel.clock import utcnow
from rondetafel.flows.effects import Why
from rondetafel.storage.outbox import Outgoing
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction

from . import follow_up_texts as say
from . import home_news
from .callback_data import (
    EVALUATION_PATTERN,
    REMINDER_PATTERN,
    decode_evaluation,
    decode_reminder,
)
from .context import Context
from .deep_links import START_PARAMETER
from .evaluation_desk import EvaluationDesk
from .family_desk import FamilyDesk, Parent
from .incoming import origin_of, private_language, text_of
from .operations import Send
from .outgoing import rows_for
from .owed import Owed
from .reminder_desk import Pressed, ReminderDesk
from .seen_updates import record_handled
from .texts import WHY, texts

PRIVATE = filters.ChatType.PRIVATE


Work = Callable[[Repositories], Awaitable[Owed]]


async def owe(update: Update, context: Context, work: Work) -> bool:
    """Run `work` in one transaction; store what it owes; answer the press; wake the sender.

    False if `work` owed nothing (the update is someone else's to handle).
    """
    origin = origin_of(update)
    services = context.services
    done: list[Owed] = []
    rows: list[Outgoing] = []

    async def run(repos: Repositories) -> None:
        done.clear()
        rows.clear()
        owed = await work(repos)
        done.append(owed)
        rows.extend(
            rows_for(
                owed.operations,
                chat_id=origin.chat_id,
                thread_id=None,
                meeting_id=owed.meeting_id,
                reply_to=None,
            )
        )
        rows.extend(owed.group)
        if rows or owed.answer is not None:
            await repos.outbox.add(rows, utcnow())
            await record_handled(repos, origin)

    await in_transaction(services.db, run, school_name=services.settings.school_name)
    answer = done[0].answer if done else None
    if origin.query_id is not None:
        services.sender.answer(origin.query_id, answer)
    for chat_id in {row.chat_id for row in rows}:
        services.sender.wake(chat_id)
    return bool(rows) or answer is not None


def in_private(update: Update) -> bool:
    """Reminder and evaluation buttons live in the person's own chat with the bot; the
    same data from a group (forged) must not edit a group message with private words."""
    chat, user = update.effective_chat, update.effective_user
    return chat is not None and user is not None and chat.id == user.id


async def stale(update: Update, context: Context) -> None:
    """A press whose data is not ours to read (forged, empty, of an older version).

    Telegram's client sends empty data for a button without any, which every
    handler with a pattern accepts (python-telegram-bot): it is stale wherever it lands.
    """
    query = update.callback_query
    assert query is not None
    chat = update.effective_chat
    if chat is None or chat.type == chat.PRIVATE:
        language = private_language(update)
    else:
        language = await context.services.decider.language(chat.id)
    context.services.sender.answer(query.id, texts(language)(WHY[Why.STALE_BUTTON]))


async def on_start(update: Update, context: Context) -> None:
    """/start in private (from a deep link or not): the bot may write here from now on.

    A parent's invitation link carries its token; a linked parent's plain
    /start opens their menu.
    """
    user = update.effective_user
    assert user is not None
    language = private_language(update)
    t = texts(language)
    services = context.services
    parameter = context.args[0] if context.args else START_PARAMETER
    family = FamilyDesk(services.clock, services.settings.school_name)
    parent = Parent(user.id, text_of(user.first_name), user.language_code)

    async def work(repos: Repositories) -> Owed:
        await repos.chats.get_or_create(user.id, language=language)
        if parameter != START_PARAMETER:
            return await family.open_link(repos, parent, parameter)
        menu = await family.start(repos, user.id)
        if menu is not None:
            return menu
        waiting = await repos.reminders.undeliverable_for(user.id, services.clock())
        hello = t.html(say.HELLO_PRIVATE)
        if waiting:
            hello = f"{hello}\n{t.html(say.HELLO_WAITING)}"
        # What parents shared while this person could not be written to.
        shared = await home_news.digests(
            repos, services.settings, services.clock(), user_id=user.id
        )
        return Owed([Send(hello)], group=shared)

    await owe(update, context, work)
    if services.reminders is not None:
        services.reminders.nudge()


async def on_reminder_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and query.message is not None
    t = texts(private_language(update))
    data = decode_reminder(query.data or "")
    if data is None or not in_private(update):
        await stale(update, context)
        return
    desk = ReminderDesk(context.services.settings, context.services.clock)
    message_id = query.message.message_id

    async def work(repos: Repositories) -> Owed:
        pressed = Pressed(query.from_user.id, message_id, data)
        return await desk.press(repos, pressed, t)

    await owe(update, context, work)


async def on_evaluation_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None and query.message is not None
    t = texts(private_language(update))
    data = decode_evaluation(query.data or "")
    if data is None or not in_private(update):
        await stale(update, context)
        return
    services = context.services
    desk = EvaluationDesk(services.clock, services.settings.tz)
    message_id = query.message.message_id

    async def work(repos: Repositories) -> Owed:
        return await desk.press(repos, query.from_user.id, message_id, data, t)

    await owe(update, context, work)


async def answer_typed(update: Update, context: Context) -> bool:
    """Typed words in private: the evaluation's answer, else a reminder's note.

    False if nothing asked for them (`handlers.on_private` then says what the bot is for).
    """
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None and message.text is not None
    typed = text_of(message.text)
    t = texts(private_language(update))
    services = context.services
    evaluations = EvaluationDesk(services.clock, services.settings.tz)
    reminders = ReminderDesk(services.settings, services.clock)

    family = FamilyDesk(services.clock, services.settings.school_name)

    async def work(repos: Repositories) -> Owed:
        # A parent's words for the next meeting first (only asked for after a
        # button); then an evaluation question that takes words; else a
        # reminder's note; else the evaluation's own "use the buttons".
        shared = await family.typed(repos, user.id, typed)
        if shared is not None:
            return shared
        step = await evaluations.text(repos, user.id, typed, t, expected=True)
        if step is None:
            noted = await reminders.note(repos, user.id, typed, t)
            if noted is not None:
                return noted
            step = await evaluations.text(repos, user.id, typed, t, expected=False)
        return Owed() if step is None else step

    return await owe(update, context, work)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Before the generic handlers: these take what is theirs and stop there."""
    new_message = filters.UpdateType.MESSAGE
    app.add_handler(CommandHandler("start", on_start, PRIVATE & new_message))
    app.add_handler(CallbackQueryHandler(on_reminder_button, pattern=REMINDER_PATTERN))
    app.add_handler(CallbackQueryHandler(on_evaluation_button, pattern=EVALUATION_PATTERN))
