"""The command menu, registered per language and per kind of chat."""

from __future__ import annotations

import asyncio

from telegram import Bot, BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats

from rondetafel.flows.events import Button
from rondetafel.flows.markers import N_
from rondetafel.i18n import CHAT_LANGUAGES, DEFAULT_LANGUAGE, PARENT_ONLY_LANGUAGES

from .texts import texts

# Both spellings work everywhere; each language's menu shows its own.
MEETING_COMMANDS = ("meeting", "overleg")
CHAIR_COMMANDS = ("chair", "voorzitter")
# The command a meeting is started with sets its language.
COMMAND_LANGUAGE = {"meeting": "en", "overleg": "nl"}
# Typed stand-ins for the meeting message's controls, so that nobody has to
# scroll up on a phone: the questions show them as links (Telegram makes a
# /command in a message tappable).
CONTROL_COMMANDS: dict[str, Button] = {
    "pass": Button.PASS,
    "pas": Button.PASS,
    "back": Button.BACK,
    "terug": Button.BACK,
    "skip": Button.SKIP,
    "overslaan": Button.SKIP,
    "next": Button.CLOSE_PHASE,
    "volgende": Button.CLOSE_PHASE,
}
CONSENT = N_("Consent for an external professional (chair, as a reply to them)")
EXPORT = N_("All data of the pupil's case, sent to you privately (chair)")
AUDIT = N_("Who did what in the case, sent to you privately (chair)")
CLOSE = N_("Close the case: the support has ended (chair)")
FORGET = N_("Erase the case and everything in it (chair)")
AGREEMENTS = N_("The open agreements: who, by when, how far (the chair changes them)")
INVITE = N_("A private link for a parent to share from home (chair or mentor)")
GROUP_MENU = {
    "nl": (
        ("overleg", N_("Start a support meeting")),
        ("voorzitter", N_("Take over the chair (group admins)")),
        ("afspraken", AGREEMENTS),
        ("uitnodigen", INVITE),
        ("toestemming", CONSENT),
        ("export", EXPORT),
        ("logboek", AUDIT),
        ("afsluiten", CLOSE),
        ("vergeet", FORGET),
    ),
    "en": (
        ("meeting", N_("Start a support meeting")),
        ("chair", N_("Take over the chair (group admins)")),
        ("agreements", AGREEMENTS),
        ("invite", INVITE),
        ("consent", CONSENT),
        ("export", EXPORT),
        ("audit", AUDIT),
        ("close", CLOSE),
        ("forget", FORGET),
    ),
}
SHARED_GROUP = (
    ("stop", N_("Stop the meeting (chair or group admin)")),
    ("help", N_("How this works")),
    ("privacy", N_("What happens to your data")),
)
PRIVATE_MENU = (
    ("start", N_("About this bot")),
    ("help", N_("How this works")),
    ("privacy", N_("What happens to your data")),
    ("stop", N_("Stop sharing from home (parents)")),
)


def menu(language: str, *, group: bool) -> list[BotCommand]:
    t = texts(language)
    entries = (*GROUP_MENU[language], *SHARED_GROUP) if group else PRIVATE_MENU
    return [BotCommand(name, t(description)) for name, description in entries]


async def register_commands(bot: Bot) -> None:
    calls = []
    for language in CHAT_LANGUAGES:
        # The default list (no language) is Dutch, the default language.
        codes = [language, ""] if language == DEFAULT_LANGUAGE else [language]
        for code in codes:
            for group, scope in (
                (True, BotCommandScopeAllGroupChats()),
                (False, BotCommandScopeAllPrivateChats()),
            ):
                calls.append(
                    bot.set_my_commands(
                        menu(language, group=group), scope=scope, language_code=code or None
                    )
                )
    # A parent's app in one of their languages shows the private menu in it.
    for language in PARENT_ONLY_LANGUAGES:
        calls.append(
            bot.set_my_commands(
                menu(language, group=False),
                scope=BotCommandScopeAllPrivateChats(),
                language_code=language,
            )
        )
    # Independent calls: at once, not one round trip after another at start-up.
    await asyncio.gather(*calls)
