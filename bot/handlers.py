"""Telegram handlers: parse the update, hand the event to the decider. Nothing else."""

from __future__ import annotations

import html
import logging

from telegram import ChatMemberUpdated, Update
from telegram.constants import ChatMemberStatus
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from rondetafel.flows.effects import Why
from rondetafel.flows.events import (
    AnonymousSender,
    ChairClaimed,
    MeetingRequested,
    Pressed,
    StopRequested,
)
from rondetafel.flows.markers import N_

from . import agreements_commands, case_commands, consent_commands, family_chat, private_chat
from .commands import CHAIR_COMMANDS, COMMAND_LANGUAGE, CONTROL_COMMANDS, MEETING_COMMANDS
from .context import Context
from .incoming import (
    button_event,
    edit_event,
    is_reply_to_bot,
    origin_of,
    person,
    private_language,
    reply_event,
)
from .membership import is_admin
from .texts import WHY, texts

log = logging.getLogger(__name__)

GROUPS = filters.ChatType.GROUPS
NEW_MESSAGE = filters.UpdateType.MESSAGE
# Anonymous admins write as the group itself (only supergroups have them).
ANONYMOUS = filters.SenderChat.SUPER_GROUP
IN = (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)
OUT = (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED)

HELP = N_(
    "I run support meetings in a group chat, step by step: the goals of the meeting, what goes "
    "well, what is still hard, goals and needs, agreements, tops &amp; tips. "
    "Then I post a summary.\n\n"
    "Add me to a group with the people around the pupil and send /meeting. "
    "Answer my questions by replying to them. If the chair cannot go on, a group admin "
    "can take over with /chair or end the meeting with /stop.\n\n"
    "For the pupil's case, the chair also has: /consent (an external professional may take "
    "part), /export (all data, sent privately), /audit (who did what), /close (support ended) "
    "and /forget (erase everything).\n\n"
    "Between meetings, /agreements lists the open agreements (the chair changes owners and "
    "dates). Reminders and the evaluation of the plan come in a private chat with me.\n\n"
    "The chair or the mentor invites a parent with /invite: the parent shares from home in a "
    "private chat with me, in their own language, and the next meeting reads it in."
)
PRIVACY = N_(
    "<b>Your data</b>\nFor the school, I store: the pupil's initials or pseudonym; the Telegram "
    "id, first name and role of each participant; the answers, side notes and agreements of "
    "each meeting, where each agreement stands and the evaluation of the plan; what parents "
    "share from home in a private chat, with their first name and language; consents for "
    "external professionals; and a log of who did what and when, "
    "never what was typed. Names and texts are stored encrypted; ids, roles and dates are not. "
    "I do not store the group's name or messages that are not for me.\n"
    "A case is erased 24 months (or the school's own period) after the chair closes it with "
    "/close, or after that long without a meeting. The chair can get all its data in a private "
    "chat with /export, erase it with /forget and read the log with /audit.\n"
    "Telegram keeps what is typed in this chat, and I cannot erase it: never use a pupil's full "
    "name or a diagnosis here. Questions or requests: ask the school's care coordinator."
)
WELCOME = N_(
    "Hello! I run support meetings step by step. The chair starts one with /meeting. "
    "I only read commands and replies to my own messages."
)
UNKNOWN = N_(
    "I don't know that command. Start a meeting with /meeting; the chair ends it with /stop."
)
PRIVATE_ONLY_GROUPS = N_(
    "I run meetings in group chats: add me to a group and send /meeting there. Reminders"
    " and evaluations of agreements arrive here by themselves; nothing is open for you now."
)
OOPS = N_(
    "Sorry, something went wrong on my side. Please try again; what you typed is still in the chat."
)


async def _reader_language(update: Update, context: Context) -> str:
    """The group's chosen language; in a private chat, the person's own."""
    chat = update.effective_chat
    if chat is None or chat.type == chat.PRIVATE:
        return private_language(update)
    return await context.services.decider.language(chat.id)


async def _say(update: Update, context: Context, message: str) -> None:
    chat = update.effective_chat
    private = chat is None or chat.type == chat.PRIVATE
    language = private_language(update) if private else None  # None: the group's own
    await context.services.decider.say(origin_of(update), message, language=language)


async def on_anonymous(update: Update, context: Context) -> None:
    message = update.effective_message
    assert message is not None
    if (message.text and message.text.startswith("/")) or is_reply_to_bot(message, context.bot.id):
        event = AnonymousSender(message.message_id)
        await context.services.decider.handle(origin_of(update), event)


def _command(update: Update) -> str:
    message = update.effective_message
    assert message is not None and message.text is not None
    return message.text.split()[0].lstrip("/").split("@", 1)[0].lower()


async def on_meeting(update: Update, context: Context) -> None:
    assert update.effective_user is not None
    language = COMMAND_LANGUAGE.get(_command(update))
    admin = await is_admin(update, context)
    event = MeetingRequested(person(update.effective_user), language=language, admin=admin)
    await context.services.decider.handle(origin_of(update), event)


async def on_control(update: Update, context: Context) -> None:
    """/pas, /terug, /volgende…: the meeting message's buttons, typed."""
    message = update.effective_message
    assert update.effective_user is not None and message is not None
    button = CONTROL_COMMANDS[_command(update)]
    event = Pressed(person(update.effective_user), button, command=message.message_id)
    await context.services.decider.handle(origin_of(update), event)


async def on_stop(update: Update, context: Context) -> None:
    assert update.effective_user is not None
    event = StopRequested(person(update.effective_user), await is_admin(update, context))
    await context.services.decider.handle(origin_of(update), event)


async def on_chair(update: Update, context: Context) -> None:
    assert update.effective_user is not None
    event = ChairClaimed(person(update.effective_user), await is_admin(update, context))
    await context.services.decider.handle(origin_of(update), event)


async def on_reply(update: Update, context: Context) -> None:
    message = update.effective_message
    assert message is not None
    if not is_reply_to_bot(message, context.bot.id):
        return
    await context.services.decider.handle(origin_of(update), reply_event(message))


async def on_edit(update: Update, context: Context) -> None:
    message = update.edited_message
    assert message is not None
    await context.services.decider.handle(origin_of(update), edit_event(message))


async def on_button(update: Update, context: Context) -> None:
    data, event = button_event(update)
    if data is None or event is None:
        # A button in a format this version does not read (an older bot's).
        assert update.callback_query is not None
        t = texts(await _reader_language(update, context))
        context.services.sender.answer(update.callback_query.id, t(WHY[Why.STALE_BUTTON]))
        return
    await context.services.decider.handle(origin_of(update), event, meeting_id=data.meeting_id)


async def on_my_chat_member(update: Update, context: Context) -> None:
    change: ChatMemberUpdated | None = update.my_chat_member
    assert change is not None
    if change.chat.type == change.chat.PRIVATE:
        return
    joined = change.new_chat_member.status in IN and change.old_chat_member.status in OUT
    left = change.new_chat_member.status in OUT and change.old_chat_member.status in IN
    decider = context.services.decider
    if left:
        await decider.removed(change.chat.id)
    elif joined and not await decider.added_back(change.chat.id):
        # Posting also makes this bot the group's last bot to speak, which is when
        # privacy mode lets a plain /meeting (without @botname) through.
        await _say(update, context, WELCOME)


async def on_migrate(update: Update, context: Context) -> None:
    message = update.effective_message
    assert message is not None
    old, new = (
        (message.chat.id, message.migrate_to_chat_id)
        if message.migrate_to_chat_id
        else (message.migrate_from_chat_id, message.chat.id)
    )
    if old is not None and new is not None:
        await context.services.decider.migrate(old, new)


async def on_help(update: Update, context: Context) -> None:
    if _is_private(update) and await family_chat.help_privately(update, context, privacy=False):
        return
    await _say(update, context, HELP)


async def on_privacy(update: Update, context: Context) -> None:
    if _is_private(update) and await family_chat.help_privately(update, context, privacy=True):
        return
    await _say(update, context, PRIVACY)


def _is_private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == chat.PRIVATE


async def on_unknown_command(update: Update, context: Context) -> None:
    message = update.effective_message
    assert message is not None and message.text is not None
    command = message.text.split()[0]
    if "@" in command and command.split("@", 1)[1].lower() != context.bot.username.lower():
        return  # meant for another bot
    await _say(update, context, UNKNOWN)


async def on_private(update: Update, context: Context) -> None:
    message = update.effective_message
    typed = message is not None and message.text and not message.text.startswith("/")
    if typed and await private_chat.answer_typed(update, context):
        return
    words = (message.text or "").split() if message is not None else []
    stop = bool(words) and words[0].split("@")[0] == "/stop"
    if stop and await family_chat.stop_privately(update, context):
        return
    await _say(update, context, PRIVATE_ONLY_GROUPS)


async def on_error(update: object, context: Context) -> None:
    # Only the kind of failure: its text may quote what someone typed.
    log.error("update failed: %s", type(context.error).__name__, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        language = await _reader_language(update, context)
    except Exception:  # the database is what failed: apologise in the default language
        language = context.services.settings.default_language
    t = texts(language)
    if update.callback_query is not None:
        context.services.sender.answer(update.callback_query.id, t(OOPS))
        return
    try:
        await _say(update, context, OOPS)
    except Exception:
        # The outbox lives in the database, which may be what failed.
        origin = origin_of(update)
        await context.services.sender.send_now(
            origin.chat_id, html.escape(t(OOPS)), origin.thread_id
        )


async def on_every_update(update: Update, context: Context) -> None:
    """An update that comes a second time goes no further (see `seen_updates.py`)."""
    services = context.services
    if services.seen.again(update.update_id):
        raise ApplicationHandlerStop
    if services.seen.maybe_handled_before(
        update.update_id
    ) and await services.decider.handled_before(update.update_id):
        raise ApplicationHandlerStop


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(TypeHandler(Update, on_every_update), group=-1)
    app.add_handler(ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, on_migrate))
    app.add_handler(MessageHandler(GROUPS & NEW_MESSAGE & ANONYMOUS, on_anonymous))
    app.add_handler(CommandHandler(list(MEETING_COMMANDS), on_meeting, GROUPS & NEW_MESSAGE))
    app.add_handler(CommandHandler("stop", on_stop, GROUPS & NEW_MESSAGE))
    app.add_handler(CommandHandler(list(CHAIR_COMMANDS), on_chair, GROUPS & NEW_MESSAGE))
    app.add_handler(CommandHandler(list(CONTROL_COMMANDS), on_control, GROUPS & NEW_MESSAGE))
    private_chat.register(app)  # /start in private, reminder and evaluation buttons
    family_chat.register(app)  # /uitnodigen, a parent's buttons, /stop in private
    app.add_handler(CommandHandler(["start", "help"], on_help, NEW_MESSAGE))
    app.add_handler(CommandHandler("privacy", on_privacy, NEW_MESSAGE))
    agreements_commands.register(app)
    case_commands.register(app)  # before the generic button and unknown-command handlers
    consent_commands.register(app)
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(
        MessageHandler(GROUPS & filters.UpdateType.EDITED_MESSAGE & filters.TEXT, on_edit)
    )
    app.add_handler(MessageHandler(GROUPS & NEW_MESSAGE & filters.COMMAND, on_unknown_command))
    app.add_handler(
        MessageHandler(GROUPS & NEW_MESSAGE & filters.REPLY & ~filters.StatusUpdate.ALL, on_reply)
    )
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & NEW_MESSAGE, on_private))
    app.add_error_handler(on_error)
