"""What the case's commands (/export, /forget, /close, /audit) say, as catalog sources."""

from __future__ import annotations

from collections.abc import Mapping

from rondetafel.flows.audit import CONSENT_RECORDED, CONSENT_WITHDRAWN
from rondetafel.flows.markers import N_
from rondetafel.storage.audit import (
    AGREEMENT_ANSWERED,
    AGREEMENT_REPLANNED,
    CLOSED,
    EVALUATION_COMPLETE,
    EVALUATION_STARTED,
    EVALUATOR_CHANGED,
    EXPORTED,
    FAMILY_ERASED,
    FAMILY_JOINED,
    FAMILY_LEFT,
    HOME_CHANGED,
    HOME_DELETED,
    HOME_SHARED,
    INVITED,
    READ_AUDIT,
    REMINDER_SENT,
    REMINDER_UNDELIVERABLE,
)

NO_CASE = N_("This group has no case yet. It starts when the chair names the pupil in a /meeting.")
MEETING_RUNS = N_("Not while a meeting is running: the chair stops it first with /stop.")
SENT_PRIVATELY = N_(
    "{name}, I sent it to you in a private chat. Nothing there? Open a chat with me "
    "({link}), tap Start, and send /{command} here again."
)
NEEDS_PRIVATE_CHAT = N_(
    "{name}, I can only send this to you in a private chat, and Telegram does not let a bot "
    "write first. Open a chat with me ({link}), tap Start, then send /{command} here again."
)
EXPORT_CAPTION = N_("Everything stored about the case {pupil}, as data (JSON).")
# The caption the report has in the group (bot/present.py), so it reads the same.
REPORT_CAPTION = N_("The full report, for the pupil's file.")
AUDIT_TITLE = N_(
    "<b>Audit trail of the case {pupil}</b>\nWho did what, and when; never what was typed."
)
CONFIRM_FORGET = N_(
    "Erase this group's case for good: every meeting, answer, side note and agreement, the "
    "consents and the audit trail? This cannot be undone. Messages already in this chat stay "
    "in Telegram until someone deletes them."
)
FORGET_YES = N_("🗑 Yes, erase everything (chair)")
FORGET_NO = N_("No, keep it")
KEPT = N_("Nothing was erased.")
ERASED = N_("This group's case was erased. A new /meeting starts a new case.")
CLOSED_NOTE = N_(
    "The case is closed. It is kept for {months} months and then erased. Until a new case "
    "starts here, the chair can still /export or /forget it; the next /meeting starts a new case."
)
ALREADY_CLOSED = N_("This case is already closed. The next /meeting starts a new case.")
SOMEONE = N_("the bot")

# The audit trail's actions in words; an action without words here shows as
# stored. The meeting's names are flows/audit.py's, consent's bot/consent_desk.py's.
ACTION_WORDS: Mapping[str, str] = {
    EXPORTED: N_("exported the case"),
    CLOSED: N_("closed the case"),
    READ_AUDIT: N_("read the audit trail"),
    "meeting_opened": N_("opened a meeting"),
    "pupil_named": N_("named the pupil"),
    "kind_chosen": N_("chose the kind of meeting"),
    "joined": N_("joined"),
    "relays_pupil": N_("relays the pupil's words"),
    "meeting_begun": N_("started the meeting"),
    "answered": N_("answered"),
    "answer_edited": N_("edited an answer"),
    "passed": N_("passed"),
    "skipped": N_("skipped a person"),
    "back": N_("went back a step"),
    "phase_closed": N_("closed a phase"),
    "side_note": N_("added a side note"),
    "side_note_handled": N_("handled a side note"),
    "agreement_changed": N_("added or changed an agreement"),
    "evaluation_date": N_("set the evaluation date"),
    "stop_requested": N_("asked to stop the meeting"),
    "stopped": N_("stopped the meeting"),
    "stop_declined": N_("went on with the meeting"),
    "chair_taken": N_("took over the chair"),
    "expired": N_("closed an idle meeting"),
    CONSENT_RECORDED: N_("recorded a consent"),
    CONSENT_WITHDRAWN: N_("withdrew a consent"),
    REMINDER_SENT: N_("was sent a reminder"),
    REMINDER_UNDELIVERABLE: N_("could not be reached for a reminder"),
    AGREEMENT_ANSWERED: N_("said where an agreement stands"),
    EVALUATION_STARTED: N_("was asked to evaluate the plan"),
    EVALUATION_COMPLETE: N_("evaluated the plan"),
    AGREEMENT_REPLANNED: N_("changed an agreement's owner or date"),
    EVALUATOR_CHANGED: N_("changed who evaluates the plan"),
    INVITED: N_("made an invitation link for a parent"),
    FAMILY_JOINED: N_("joined the case from home, and agreed to what is stored"),
    HOME_SHARED: N_("shared a point from home"),
    HOME_CHANGED: N_("changed a point from home"),
    HOME_DELETED: N_("deleted a point from home"),
    FAMILY_LEFT: N_("stopped, and left what they shared with the school"),
    FAMILY_ERASED: N_("stopped, and deleted what they shared"),
}
