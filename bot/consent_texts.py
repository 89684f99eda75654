"""What /toestemming (/consent) and /intrekken (/withdraw) say, as catalog sources."""

from __future__ import annotations

from rondetafel.flows.markers import N_

CONSENT_HOW = N_(
    "Reply with /{command} to a message of the external professional. Add who agreed and "
    "what for, e.g. <code>/{command} parents: this MDO and its summary</code>; write "
    "<i>pupil</i> instead of <i>parents</i> when the pupil ({age} or older) agreed."
)
WITHDRAW_HOW = N_("Reply with /{command} to a message of the professional.")
RECORDED = N_(
    "Recorded on {date}: consent from {who} for {name} to take part as external professional, "
    "for: {purpose}. To withdraw it, reply to a message of {name} with /withdraw."
)
WITHDRAWN = N_(
    "Consent for {name} withdrawn. I ask {name} nothing more and keep nothing new from "
    "{name} about this pupil. Please remove {name} from this group: Telegram shows every "
    "member what is posted here."
)
NOTHING_TO_WITHDRAW = N_("There is no consent in force for {name}.")
DEFAULT_PURPOSE = N_("the meetings about this pupil and their summaries")
PARENTS = N_("the parents")
PUPIL = N_("the pupil")
