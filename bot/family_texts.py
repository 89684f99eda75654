"""Every sentence a parent reads in their private chat, in six languages.

The catalogs of Arabic, Turkish, Polish and Ukrainian hold only what a parent
reads (`parent_messages()`): these sentences, the meeting's questions for a
parent, and the summary's fixed texts. A test fails when one of them lacks a
translation in any of the six languages.
"""

from __future__ import annotations

from rondetafel.flows.family import KIND_NAMES, KIND_QUESTIONS
from rondetafel.flows.markers import N_

WELCOME = N_(
    "<b>{school}</b> invites you to share, between meetings, how things are going at home "
    "for <b>{pupil}</b>."
)
WHAT_IS_STORED = N_(
    "<b>What is stored:</b> what you write here, your first name and your language.\n"
    "<b>Who reads it:</b> the school's staff who support {pupil}; the next support meeting "
    "reads it in.\n"
    "<b>Removing it:</b> send /stop at any time and choose to delete what you shared."
)
CHOOSE_LANGUAGE = N_("Choose your language, then tap “I agree”.")
CHOOSE_LANGUAGE_ONLY = N_("Choose your language.")
AGREE = N_("✅ I agree")
DECLINE = N_("No, thank you")
DECLINED = N_("Nothing was stored. If you change your mind, ask the school for a new link.")
MENU = N_(
    "<b>{pupil}</b> · {school}\n"
    "What would you like to share for the next meeting? You can add something at any time."
)
MINE_BUTTON = N_("📋 What I shared")
LANGUAGE_BUTTON = N_("🌐 Language")
BACK = N_("◀ Back")
CANCEL = N_("✖ Cancel")
ASK = N_("<b>{kind}</b>\n{question}\n<i>Type your answer in one message.</i>")
SAVED = N_("Thank you. Saved for the next meeting: the school will read it in at the right moment.")
EMPTY = N_("I found no text in that. Please type your answer.")
TOO_LONG = N_(
    "That is {length} characters; please keep it under {limit}. Here is your text, to shorten:"
)
MINE = N_("<b>What you shared</b>")
NOTHING_YET = N_("You have not shared anything yet.")
USED_IN_MEETING = N_("(read in at a meeting: it can no longer be changed)")
ITEM = N_("<b>{kind}</b>\n{text}")
EDIT = N_("✏️ Change")
DELETE = N_("🗑 Delete")
EDITING = N_("Type the new text for this point.")
CHANGED = N_("Changed.")
DELETED = N_("Deleted.")
ALREADY_USED = N_("A meeting has already read this in, so it can no longer be changed.")
LANGUAGE_SET = N_("I will write to you in {language}.")
LEAVE = N_("Do you want to stop? Choose what happens to what you shared about {pupil}:")
KEEP = N_("Keep it with the school")
ERASE = N_("Delete what I shared")
LEFT_KEPT = N_(
    "You have stopped. What you shared stays with the school. "
    "You will get no more messages about {pupil}."
)
LEFT_ERASED = N_(
    "You have stopped, and {count} of your points were deleted. Points a meeting "
    "already read in stay in that meeting's record."
)
PICK_CASE = N_("You are linked to more than one pupil. Which one is this about?")
LINK_USED = N_("This link has already been used. Please ask the school for a new one.")
LINK_EXPIRED = N_("This link has expired. Please ask the school for a new one.")
LINK_UNKNOWN = N_("This link is not valid. Please check it, or ask the school for a new one.")
SUMMARY_INTRO = N_(
    "The summary of the meeting about <b>{pupil}</b>. The fixed texts are in your language; "
    "everyone's words are as they wrote them."
)
HOME_NOW = N_(
    "<b>{pupil}</b>: the school is looking back on the plan. "
    "What do you see at home now? What has changed since the meeting?"
)
ANSWER = N_("✍️ Answer")


def parent_messages() -> frozenset[str]:
    """Every catalog sentence a parent can read (the meeting's and the summary's too).

    `tools/catalogs.py` keeps exactly these in the parents' own languages.
    """
    from rondetafel.flows.script import ROLE_NAMES, SCRIPTS, Role

    from . import present
    from .commands import PRIVATE_MENU
    from .texts import KIND_NAMES as MEETING_KINDS
    from .views import VIEW_MESSAGES

    mine = {value for name, value in globals().items() if name.isupper() and isinstance(value, str)}
    meeting: set[str] = set()
    for script in SCRIPTS.values():
        for phase in script.phases:
            meeting.add(phase.title)
            question = phase.question_for(Role.PARENT)
            if question is not None:
                meeting.add(question)
            meeting.update(s.text for s in phase.starters_for(Role.PARENT))
    return frozenset(
        mine
        | meeting
        | set(KIND_NAMES.values())
        | set(KIND_QUESTIONS.values())
        | set(ROLE_NAMES.values())
        | set(MEETING_KINDS.values())
        | set(present.TURN_MESSAGES)
        | set(VIEW_MESSAGES)
        | {description for _, description in PRIVATE_MENU}
    )


# The templates a parent reads (the summary, sent to them privately).
PARENT_TEMPLATES = ("summary.html.j2",)


def parent_messages_with_templates() -> frozenset[str]:
    """`parent_messages`, and the sentences of the templates a parent reads.

    For the tools and the tests: reading a template's sentences takes Babel's
    Jinja2 extractor, which the running bot does not need.
    """
    from importlib import resources

    from babel.messages.extract import extract_from_file

    folder = resources.files("rondetafel.templates")
    found = set(parent_messages())
    for name in PARENT_TEMPLATES:
        path = str(folder / name)
        options = {"extensions": "jinja2.ext.i18n"}
        for _, message, _, _ in extract_from_file("jinja2", path, options=options):
            found.add(message if isinstance(message, str) else message[0])
    return frozenset(found)
