"""Every sentence a person reads, looked up in the chat's catalog.

`Texts.html` is the one place where a translated sentence meets user data:
every parameter is HTML-escaped here, so a name or answer containing `<b>` or
`&` reaches Telegram as text, never as markup. (Templates do the same through
Jinja2's autoescape.)
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping
from functools import cache

from babel import Locale
from babel.dates import format_date

from rondetafel.flows.effects import Done, Why
from rondetafel.flows.family import RIGHT_TO_LEFT
from rondetafel.flows.markers import N_
from rondetafel.flows.script import ROLE_NAMES, MeetingKind, Role
from rondetafel.flows.state import Participant
from rondetafel.i18n import translations

WHY: Mapping[Why, str] = {
    Why.ALREADY_RUNNING: N_(
        "A meeting is already running here ({progress}). The chair can end it with /stop."
    ),
    Why.NO_MEETING: N_("No meeting is running here. Start one with /meeting."),
    Why.ONLY_CHAIR: N_("Only the chair ({name}) can do that."),
    Why.NOT_PARTICIPANT: N_(
        "You are not taking part in this meeting yet. Tap your role on the join message."
    ),
    Why.NOT_YOUR_TURN_BUTTON: N_("This button is for {name}."),
    Why.STALE_BUTTON: N_("This button is no longer current."),
    Why.TEXT_ONLY: N_("I can only read text. Please type your answer as a reply to my question."),
    Why.FULL_NAME: N_(
        "That looks like a full name. Please use initials or a pseudonym: "
        "what is posted here is stored by Telegram."
    ),
    Why.PSEUDONYM_TOO_LONG: N_("Please keep it short: initials or a pseudonym."),
    Why.EMPTY_ANSWER: N_("I found no text in that. Please try again."),
    Why.ROLE_TAKEN: N_("{name} is already the {role}."),
    Why.CHAIR_KEEPS_ROLE: N_("The chair stays chair."),
    Why.ROLE_FIXED: N_("Roles are fixed once the meeting has started."),
    Why.NEED_PARTICIPANTS: N_("Wait until at least one other person has joined."),
    Why.DATE_NOT_UNDERSTOOD: N_(
        "I did not understand that date. Try for example: friday, 15 March, in 3 weeks."
    ),
    Why.DATE_IN_PAST: N_("That date has passed. Please choose a date from today on."),
    Why.DATE_TOO_FAR: N_("That date is more than three years away. Please check it."),
    Why.NOTHING_BEFORE: N_("This is the first step; there is nothing to go back to."),
    Why.EDIT_AFTER_CLOSE: N_(
        "This meeting is closed and its summary was posted, so your edit was not taken over."
    ),
    Why.EDIT_AGREEMENT_LINES: N_(
        "The number of agreements in your edit changed, so it was not taken over. "
        "Add a new agreement when it is your turn."
    ),
    Why.PUPIL_ALREADY_THERE: N_("The pupil is already taking part."),
    Why.NOTE_HANDLED: N_("The chair has already handled this side note."),
    Why.ANONYMOUS_ADMIN: N_(
        "I cannot tell who you are: you write as the group's anonymous admin. To take part, "
        "turn off “Remain anonymous” in your admin rights."
    ),
    Why.ONLY_CHAIR_OR_ADMIN: N_("Only the chair ({name}) or a group admin can do that."),
    Why.ALREADY_CHAIR: N_("You already chair this meeting."),
    Why.NO_TURN: N_("It is nobody's turn right now."),
    Why.NOT_NOW: N_("That does not apply right now."),
    Why.NEEDS_CONSENT: N_(
        "An external professional joins once the chair has recorded the parents' consent: "
        "the chair replies to one of your messages with /consent."
    ),
    Why.CONSENT_WITHDRAWN: N_("The consent for you to take part was withdrawn."),
    Why.MAY_NOT_START: N_(
        "An external professional takes part in this pupil's meetings; the school starts them."
    ),
}

DONE: Mapping[Done, str] = {
    Done.JOINED: N_("You take part as {role}."),
    Done.JOINED_LATE: N_("You take part as {role}, from the next phase on."),
    Done.ROLE_CHANGED: N_("Your role is now: {role}."),
    Done.NOTE_ACCEPTED: N_("Added to the points."),
    Done.NOTE_DISMISSED: N_("Left out."),
    Done.OK: N_("OK"),
}

KIND_NAMES: Mapping[MeetingKind, str] = {
    MeetingKind.PUPIL_MEETING: N_("pupil meeting"),
    MeetingKind.MDO: N_("multidisciplinary meeting (MDO)"),
    MeetingKind.CIRCLE: N_("circle conversation"),
    MeetingKind.START: N_("start conversation"),
    MeetingKind.EVALUATION: N_("evaluation meeting"),
}

# Unicode's first strong isolate and pop directional isolate (UAX #9).
FSI, PDI = "\u2068", "\u2069"

LANGUAGE_NAMES: Mapping[str, str] = {"nl": "Nederlands", "en": "English"}


class Texts:
    """The catalog of one language, with HTML-safe formatting."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._catalog = translations(language)

    def __call__(self, message: str) -> str:
        """The translation of `message`, as plain text (for buttons and pop-ups)."""
        return self._catalog.gettext(message)

    def plain(self, message: str, **params: object) -> str:
        return self(message).format(**params)

    def html(self, message: str, **params: object) -> str:
        """The translation as Telegram HTML, every parameter escaped.

        Catalog sentences are trusted HTML (they may hold <b> or &amp;); the
        parameters are not, unless wrapped in `Markup` (built here).
        """
        escaped = {
            k: v if isinstance(v, Markup) else html.escape(str(v)) for k, v in params.items()
        }
        if self.language in RIGHT_TO_LEFT:
            # Names, dates and initials keep their own order inside right-to-left text.
            escaped = {k: f"{FSI}{v}{PDI}" for k, v in escaped.items()}
        return self(message).format(**escaped)

    def language_name(self, code: str) -> str:
        """'tr' in this catalog's language: 'Turks', 'Turkish'."""
        return Locale.parse(code).get_display_name(self.language) or code

    def role(self, role: Role) -> str:
        return self(ROLE_NAMES[role])

    def kind(self, kind: MeetingKind) -> str:
        return self(KIND_NAMES[kind])

    def date(self, day: dt.date) -> str:
        return format_date(day, format="EEE d MMM y", locale=self.language)

    def short_date(self, day: dt.date) -> str:
        """'18 dec': for a button, where the year is clear."""
        return format_date(day, format="d MMM", locale=self.language)

    def mention(self, participant: Participant) -> Markup:
        """A mention that makes ForceReply(selective=True) target this person."""
        if participant.user_id is None:
            return Markup(html.escape(participant.name))
        return Markup(
            f'<a href="tg://user?id={participant.user_id}">{html.escape(participant.name)}</a>'
        )


class Markup(str):
    """A string that is already safe Telegram HTML."""


@cache
def texts(language: str) -> Texts:
    return Texts(language)
