"""Prompts as data: what the meeting waits for, and what each prompt accepts from whom.

A meeting always waits on exactly one `Prompt`. `PROMPTS` says, per prompt,
which buttons it accepts, what each does (who may, says the role × action
matrix in `flows.permissions`), whether a press must carry the
prompt's step (so that a double tap or an old message cannot act twice), and
who may answer it by text. The guard in `flows.guard` applies this table
before any handler runs, and the shell builds each prompt's keyboard from the
same table (`bot/keyboards.py`), so the two cannot disagree; a test walks every
cell. The reminder and parent conversations of later issues get tables of
their own in the same shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from .events import Button
from .family import Relation
from .permissions import Action


class Prompt(StrEnum):
    PUPIL = "pupil"  # the chair names the pupil (initials or a pseudonym)
    GATHERING = "gathering"  # people join; the chair picks the kind and starts
    TURN = "turn"  # the current participant answers the phase's question
    # Who does the open agreement (the proposer unless changed) and by when:
    # a quick choice, ongoing, or a date typed as a reply.
    AGREEMENT = "agreement"
    EVALUATION = "evaluation"  # the chair picks or types when the plan is evaluated
    CLOSED = "closed"  # the meeting finished or stopped


class Step(StrEnum):
    """What a press must carry to count: old messages and double taps must not act twice."""

    NONE = "none"  # joining twice or choosing the kind twice does no harm
    PROMPT = "prompt"  # the prompt's step (`MeetingState.step`)
    CONTROLS = "controls"  # the meeting message's step (`MeetingState.controls`)


@dataclass(frozen=True)
class Rule:
    # What pressing it does, as the role × action matrix (`flows.permissions`) names it.
    action: Action
    step: Step = Step.PROMPT


@dataclass(frozen=True)
class PromptRules:
    buttons: Mapping[Button, Rule] = field(default_factory=dict)
    # What replying with text does here; who may not, adds a side note instead.
    reply: Action | None = None


# The meeting message is the one message that stays from the join to the end:
# while people gather it holds the roles and the start; once the meeting runs
# it also holds the controls. It is edited, never re-posted per turn, so its
# buttons are accepted whatever the prompt is.
JOINING: Mapping[Button, Rule] = {
    Button.JOIN: Rule(Action.JOIN, Step.NONE),
    Button.VOICE_PUPIL: Rule(Action.RELAY, Step.NONE),
}
CONTROLS: Mapping[Button, Rule] = {
    # Pass ends the presser's own turn only, but who relays the pupil speaks
    # twice in a row: a double tap must not pass both turns.
    Button.PASS: Rule(Action.PASS, Step.CONTROLS),
    Button.SKIP: Rule(Action.SKIP, Step.CONTROLS),
    Button.BACK: Rule(Action.BACK, Step.CONTROLS),
    Button.CLOSE_PHASE: Rule(Action.CLOSE_PHASE, Step.CONTROLS),
}
# Messages of their own that live next to the prompt.
SIDE_NOTES: Mapping[Button, Rule] = {
    Button.ACCEPT_NOTE: Rule(Action.LEAD, Step.NONE),  # a note is handled once: see the core
    Button.DISMISS_NOTE: Rule(Action.LEAD, Step.NONE),
}
STOPPING: Mapping[Button, Rule] = {
    Button.STOP_YES: Rule(Action.STOP),
    Button.STOP_NO: Rule(Action.STOP),
}
RUNNING = {**JOINING, **CONTROLS, **SIDE_NOTES, **STOPPING}
# The buttons the meeting message carries at one time or another: that message
# stays live, so a press on it that is out of date must not take its buttons off.
ON_THE_MEETING_MESSAGE = frozenset({*JOINING, *CONTROLS, Button.KIND, Button.START})

PROMPTS: Mapping[Prompt, PromptRules] = {
    Prompt.PUPIL: PromptRules({**STOPPING}, reply=Action.LEAD),
    Prompt.GATHERING: PromptRules(
        {
            **JOINING,
            Button.KIND: Rule(Action.LEAD, Step.NONE),
            Button.START: Rule(Action.LEAD, Step.NONE),
            **STOPPING,
        }
    ),
    Prompt.TURN: PromptRules(RUNNING, reply=Action.ANSWER),
    Prompt.AGREEMENT: PromptRules(
        {
            **RUNNING,
            Button.DUE: Rule(Action.AGREEMENT),
            Button.OWNER: Rule(Action.AGREEMENT),
        },
        reply=Action.AGREEMENT,  # a typed date
    ),
    Prompt.EVALUATION: PromptRules(
        {**RUNNING, Button.EVALUATION: Rule(Action.LEAD)},
        reply=Action.LEAD,  # a typed date
    ),
    Prompt.CLOSED: PromptRules(),
}

# Where a meeting's prompt waits on someone's turn.
ON_A_TURN = frozenset({Prompt.TURN, Prompt.AGREEMENT})
RUNNING_PROMPTS = ON_A_TURN | {Prompt.EVALUATION}

# Quick choices for "by when" and for the evaluation date, in days; any other
# date is typed as a reply.
DUE_CHOICES = (7, 14, 42)
EVALUATION_CHOICES = (14, 42, 56)
ONGOING = "o"  # the argument of the "ongoing" button


# ---------------------------------------------------------------- the case's own prompts


class CasePrompt(StrEnum):
    """What a case asks outside any meeting."""

    CONFIRM_FORGET = "confirm_forget"  # /forget: erase everything for good?
    AGREEMENTS = "agreements"  # /afspraken: the open agreements, and changing them


class CaseButton(StrEnum):
    FORGET_YES = "y"
    FORGET_NO = "n"
    # /afspraken's buttons (their callback data: bot/callback_data.py's "a1|…").
    LIST = "l"  # back to the list
    EDIT = "e"  # one agreement: change its owner or its date?
    OWNERS = "w"  # who may own it
    DATES = "d"  # by when: the quick choices
    OWNER = "o"  # arg: the chosen participant's id
    DUE = "t"  # arg: the chosen date, or ongoing
    EVALUATORS = "v"  # who may evaluate the plan
    EVALUATOR = "u"  # arg: the chosen participant's id


# Per case prompt, its buttons and what pressing each does (who may: the matrix).
# Answering "no" is the chair's too: the question is theirs. Between meetings
# every /afspraken button, even one that only shows another view, is a change's
# first step, and only who may change agreements sees its views.
CASE_PROMPTS: Mapping[CasePrompt, Mapping[CaseButton, Action]] = {
    CasePrompt.CONFIRM_FORGET: {
        CaseButton.FORGET_YES: Action.ERASE,
        CaseButton.FORGET_NO: Action.ERASE,
    },
    CasePrompt.AGREEMENTS: dict.fromkeys(
        (
            CaseButton.LIST,
            CaseButton.EDIT,
            CaseButton.OWNERS,
            CaseButton.DATES,
            CaseButton.OWNER,
            CaseButton.DUE,
            CaseButton.EVALUATORS,
            CaseButton.EVALUATOR,
        ),
        Action.AGREEMENT,
    ),
}


class ReminderPrompt(StrEnum):
    """What a reminder in a person's private chat asks."""

    STATUS = "status"  # where does the agreement stand (or: ask me later)
    NOTE = "note"  # anything to add? (typed words, or no note)


class ReminderButton(StrEnum):
    DONE = "d"
    IN_PROGRESS = "i"
    NOT_DONE = "n"
    TOMORROW = "m"
    NEXT_WEEK = "w"
    NO_NOTE = "x"


# Per reminder prompt, its buttons in the order shown. Only the reminder's own
# person may press them (the desk checks who; the matrix is about cases).
REMINDER_PROMPTS: Mapping[ReminderPrompt, tuple[ReminderButton, ...]] = {
    ReminderPrompt.STATUS: (
        ReminderButton.DONE,
        ReminderButton.IN_PROGRESS,
        ReminderButton.NOT_DONE,
        ReminderButton.TOMORROW,
        ReminderButton.NEXT_WEEK,
    ),
    ReminderPrompt.NOTE: (ReminderButton.NO_NOTE,),
}


# ---------------------------------------------------------------- parents in private


class FamilyPrompt(StrEnum):
    """What a parent's private chat waits for (stored with their link to the case)."""

    WELCOME = "welcome"  # which language, and do they agree to what is stored
    MENU = "menu"  # what would they like to share
    LANGUAGES = "languages"  # another language
    WRITING = "writing"  # their words for the chosen kind (typed)
    MINE = "mine"  # what they shared
    ITEM = "item"  # one contribution: change or delete it
    EDITING = "editing"  # the new words for it (typed)
    LEAVING = "leaving"  # /stop: keep what they shared, or delete it
    LEFT = "left"


class FamilyButton(StrEnum):
    LANGUAGE = "l"  # arg: the language code
    CONFIRM = "y"
    DECLINE = "n"
    ADD = "a"  # arg: the kind (flows.family.HomeKind)
    MINE = "m"
    MENU = "h"
    ITEM = "i"  # arg: the contribution's id
    EDIT = "e"
    DELETE = "d"
    CANCEL = "x"
    KEEP = "k"
    ERASE = "r"
    # Another case's menu (a parent of siblings picks which): valid wherever the
    # parent is linked and confirmed.
    OPEN = "o"


# Per prompt, the buttons that act there, in the order shown. A press of any
# other button is stale (the message it sits on was from an earlier step).
FAMILY_PROMPTS: Mapping[FamilyPrompt, tuple[FamilyButton, ...]] = {
    FamilyPrompt.WELCOME: (FamilyButton.LANGUAGE, FamilyButton.CONFIRM, FamilyButton.DECLINE),
    # LANGUAGE without an argument, from the menu: show the languages.
    FamilyPrompt.MENU: (FamilyButton.ADD, FamilyButton.MINE, FamilyButton.LANGUAGE),
    FamilyPrompt.LANGUAGES: (FamilyButton.LANGUAGE, FamilyButton.MENU),
    FamilyPrompt.WRITING: (FamilyButton.CANCEL,),
    FamilyPrompt.MINE: (FamilyButton.ITEM, FamilyButton.MENU),
    FamilyPrompt.ITEM: (FamilyButton.EDIT, FamilyButton.DELETE, FamilyButton.MINE),
    FamilyPrompt.EDITING: (FamilyButton.CANCEL,),
    FamilyPrompt.LEAVING: (FamilyButton.KEEP, FamilyButton.ERASE, FamilyButton.CANCEL),
    FamilyPrompt.LEFT: (),
}
# Where typed words are the answer (everywhere else the buttons are).
FAMILY_TYPING = frozenset({FamilyPrompt.WRITING, FamilyPrompt.EDITING})

# /uitnodigen's one question, for whom: its choices in the order shown, and who
# may make each (the matrix; bot/callback_data.py's "i1|…").
INVITE_PROMPT: Mapping[Relation, Action] = {
    Relation.PARENT: Action.INVITE_FAMILY,
    Relation.RELAY: Action.INVITE_FAMILY,
}


class NewsButton(StrEnum):
    """How a staff member hears what parents share (bot/home_news.py; "m1|…")."""

    DAILY = "d"  # one overview a day
    EACH = "e"  # one message per point


# Under each message about points from home, its one button offers the other way:
# keyed by whether the reader gets the daily overview now. Only the reader's own
# private chat shows it, and only they may press it.
NEWS_PROMPT: Mapping[bool, NewsButton] = {False: NewsButton.DAILY, True: NewsButton.EACH}
