"""What /afspraken (/agreements) says in the group, and its buttons, as catalog sources.

The list is posted in the group, which many people read: it shows what was
agreed, who does it, by when and how it stands, never an owner's note (that
stays in the owner's private chat and the report).
"""

from __future__ import annotations

from rondetafel.flows.markers import N_

# ---- the list

TITLE = N_("<b>Open agreements for {pupil}</b>")
# One agreement: its number, what, who, by when, how it stands.
LINE = N_("{number}. {what} — {owner} · {due} · {status}")
NOBODY = N_("nobody yet")
BY = N_("by {date}")
ONGOING = N_("ongoing")
NO_DATE = N_("no date")
NOTHING_OPEN = N_(
    "No open agreements for {pupil}: everything agreed is done, or no meeting has ended "
    "with agreements yet."
)
EVALUATION = N_("The plan is evaluated on {date} by {name}.")
EVALUATED = N_("The plan was evaluated by {name} (planned for {date}).")
NO_EVALUATION = N_("No evaluation date was set for the plan.")
CHAIR_CHANGES = N_(
    "The chair ({name}) can change an owner, a date or who evaluates with the buttons below; "
    "the reminders follow."
)
NOT_IN_CASE = N_("Only the people who take part in this pupil's meetings can see its agreements.")

# ---- one agreement, and the choices

AGREEMENT = N_("<b>Agreement {number}</b>: {what}")
OWNER_IS = N_("Owner: {owner}")
DUE_IS = N_("Date: {due}")
STATUS_IS = N_("Status: {status}")
WHAT_CHANGES = N_("What do you want to change?")
WHO_DOES_IT = N_("Who does it? Someone without Telegram gets no reminders.")
BY_WHEN = N_("By when?")
WHO_EVALUATES = N_("Who evaluates the plan on {date}? They get the reminder on that day.")

# ---- buttons

EDIT = N_("✏️ {number}")
CHANGE_OWNER = N_("👤 owner")
CHANGE_DATE = N_("📅 date")
CHANGE_EVALUATOR = N_("📋 evaluation: {name}")
BACK = N_("◀ back to the list")
IN_ONE_WEEK = N_("in 1 week ({date})")
IN_TWO_WEEKS = N_("in 2 weeks ({date})")
BEFORE_HOLIDAY = N_("before the next holiday ({date})")
NO_REMINDERS = N_("{name} (no reminders)")
REMINDED_VIA = N_("{name} (reminders to {relay})")

# ---- pop-ups

CHANGED = N_("Changed. The reminders follow.")
