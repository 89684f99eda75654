"""Every sentence of the conversations between meetings: reminders, the evaluation,
reaching a person in private. English source text; the catalogs translate.
"""

from __future__ import annotations

from rondetafel.flows.markers import N_

# ---- reaching a person in private (deep links)

OPEN_PRIVATE = N_("🔔 Open our private chat")
OFFER_PRIVATE = N_(
    "{mention}, tap below once so that I can reach you privately: reminders about"
    " agreements and the evaluation come there, not here."
)
WAITING_PRIVATELY = N_("{mention}, something is waiting for you in our private chat.")
HELLO_PRIVATE = N_(
    "👋 Thank you: I can reach you here now. Reminders about your agreements and"
    " the evaluation of a plan arrive in this chat."
)
HELLO_WAITING = N_(
    "Something was waiting for you: it follows at the next moment reminders may go"
    " (school days, not at night)."
)

# ---- reminders about agreements

REMINDER_BEFORE = N_(
    "⏰ <b>Reminder</b> · agreement of {meeting}:\n«{what}»\nTo be done by {due}. How is it going?"
)
REMINDER_DUE = N_(
    "⏰ <b>Today</b> is the date of an agreement of {meeting}:\n«{what}»\nHow did it go?"
)
REMINDER_ONGOING = N_(
    "🔁 The plan is evaluated on {evaluation}. An ongoing agreement of {meeting}:\n«{what}»\n"
    "How is it going?"
)
REMINDER_LATE = N_("⏰ The date of an agreement of {meeting} was {due}:\n«{what}»\nHow did it go?")
MEETING_OF = N_("the meeting about {pupil} on {date}")
DONE = N_("✅ Done")
IN_PROGRESS = N_("🔄 In progress")
NOT_DONE = N_("❌ Not done")
TOMORROW = N_("⏰ Tomorrow")
NEXT_WEEK = N_("📅 Next week")
NO_NOTE = N_("No note")
ANSWERED = N_("Your answer: <b>{status}</b>.")
ASK_NOTE = N_("Anything to add? Type it here, or tap “No note”.")
EMPTY_NOTE = N_("That was empty: type your note, or tap “No note”.")
NOTE_KEPT = N_("📝 Noted with the agreement «{what}». Thank you!")
SNOOZED = N_("⏰ I will ask again on {when}.")
REMINDER_GONE = N_("This agreement is no longer on the list.")
NOT_YOURS = N_("This button is not for you.")
THANKS = N_("Thank you!")

# ---- the evaluation, in private

EVALUATION_START = N_(
    "📋 <b>Evaluation</b> of the plan of {meeting}.\n"
    "Per goal: reached, partly or not yet; what do we see now; what is the next step."
    " It takes a few minutes, and you can go on later."
)
GOAL_QUESTION = N_("<b>Goal {number} of {total}</b>\n«{goal}»\nIs it reached?")
SEEN_QUESTION = N_("«{goal}»: {result}.\n<b>What do we see now?</b> Type it here.")
NEXT_QUESTION = N_("<b>What is the next step?</b> Type it here.")
NOTHING_TO_ADD = N_("Nothing to add")
BACK = N_("◀ Back")
EVALUATION_DONE = N_(
    "✅ Thank you, the evaluation is complete. A short summary is posted in the group;"
    " the next meeting starts from it."
)
USE_BUTTONS = N_("Please choose with the buttons above.")
EMPTY_TEXT = N_("That was empty: type your answer, or tap “Nothing to add”.")
TOO_LONG = N_(
    "That is longer than {limit} characters. Please shorten it; here is what you typed:\n{text}"
)
EVALUATION_GONE = N_("This evaluation is already complete.")
STALE = N_("This button belongs to an earlier question.")
