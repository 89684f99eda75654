"""What the staff read about parents between meetings: the invitation and the news from home.

In the group's or the person's language (Dutch or English); what parents
themselves read is in `family_texts.py`.
"""

from __future__ import annotations

from collections.abc import Mapping

from rondetafel.flows.family import Relation
from rondetafel.flows.markers import N_
from rondetafel.flows.prompts import NewsButton

PICK = N_("{name}, whom is the link for? I will send it to you privately, to pass on yourself.")
RELATIONS: Mapping[Relation, str] = {
    Relation.PARENT: N_("a parent"),
    Relation.RELAY: N_("the pupil's relay"),
}
RELATION_BUTTONS: Mapping[Relation, str] = {
    Relation.PARENT: N_("👪 A parent"),
    Relation.RELAY: N_("🗣 The pupil's relay"),
}
LINK = N_(
    "A link for {relation} of <b>{pupil}</b> to share, between meetings, how things go at "
    "home. Pass it on yourself (Telegram, text message or e-mail). It works once, for the first "
    "person who opens it, until {date}:\n{link}"
)
SENT = N_("I sent you the link privately.")
NO_PRIVATE_CHAT = N_(
    "{name}, I can only send the link to you in a private chat. Open a chat with me "
    "({link}), tap Start, then send /uitnodigen here again."
)
FROM_HOME = N_("<b>From home</b> · {pupil}\n{name} ({relation}) shared: <b>{kind}</b>")
WRITTEN_IN = N_("<i>Written in {language}.</i>")
NEWS_BUTTONS: Mapping[NewsButton, str] = {
    NewsButton.DAILY: N_("📬 Once a day instead"),
    NewsButton.EACH: N_("🔔 One message each instead"),
}
DIGEST = N_("<b>From home</b>, since the last overview:")
DIGEST_ITEM = N_("<b>{pupil}</b> · {name}: <b>{kind}</b>")
DIGEST_ON = N_("From now on you get one overview a day, at {time}.")
DIGEST_OFF = N_("From now on you get a message for each point from home.")
