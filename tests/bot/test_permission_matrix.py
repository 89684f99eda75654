"""The matrix's cells that the shell decides, one test per cell, through the dispatcher.

The case's own commands (invite, export, erase, the audit trail, the list of
agreements) are judged by the person's part in the case's latest meeting; each
role sends the command in the group and the outcome is compared with the cell
("with consent": refused without, and once the chair recorded it, it acts).
Between meetings, changing an agreement (the list's buttons) is tried the same
way: nobody's turn comes, so only a "yes" acts. A stranger in a private
chat is tried for every action: nothing there acts on any case. The meeting's
own actions are tried in tests/flows/test_permission_matrix.py.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from rondetafel.bot.agreements_texts import NOT_IN_CASE, NOTHING_OPEN
from rondetafel.bot.callback_data import (
    AgreementsData,
    AgreementsVerb,
    ButtonData,
    encode,
    encode_agreements,
)
from rondetafel.bot.case_texts import CONFIRM_FORGET
from rondetafel.bot.handlers import PRIVATE_ONLY_GROUPS
from rondetafel.bot.invite_texts import PICK
from rondetafel.bot.texts import WHY, texts
from rondetafel.flows.effects import Why
from rondetafel.flows.events import Button, ChairClaimed
from rondetafel.flows.permissions import MATRIX, Action, Actor, May
from rondetafel.flows.prompts import Prompt
from rondetafel.flows.script import MeetingKind, Role
from rondetafel.flows.state import MeetingState, Status
from rondetafel.flows.transition import transition
from rondetafel.storage.models import AuditEntry, Base, ConsentRow, OutboxRow
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction
from tests.flows import builders as b
from tests.support.updates import User, private_message, private_press

from .conftest import Harness

NL = texts("nl")
ADMIN = User(1098, "Ada")
NEWCOMER = User(1090, "Nora")  # whom the consent would be for
PERSON: dict[Actor, User] = {
    Actor.CHAIR: User(b.CHAIR.user_id, b.CHAIR.name),
    Actor.CARE_COORDINATOR: User(b.CARE.user_id, b.CARE.name),
    Actor.MENTOR: User(b.MENTOR.user_id, b.MENTOR.name),
    Actor.PARENT: User(b.PARENT.user_id, b.PARENT.name),
    Actor.PUPIL_RELAY: User(b.SECOND_PARENT.user_id, b.SECOND_PARENT.name),
    Actor.EXTERNAL: User(b.EXTERNAL.user_id, b.EXTERNAL.name),
    Actor.FORMER_CHAIR: User(b.CHAIR.user_id, b.CHAIR.name),
    Actor.GROUP_ADMIN: ADMIN,
    Actor.MEMBER: User(b.OUTSIDER.user_id, b.OUTSIDER.name),
}
EVERYONE = (
    (b.PARENT, Role.PARENT),
    (b.MENTOR, Role.MENTOR),
    (b.CARE, Role.CARE_COORDINATOR),
    (b.EXTERNAL, Role.EXTERNAL),
    (b.SECOND_PARENT, Role.PARENT),
)
SHELLS = (
    Action.INVITE,
    Action.EXPORT,
    Action.ERASE,
    Action.READ_AUDIT,
    Action.READ_AGREEMENTS,
    Action.INVITE_FAMILY,
)


def last_meeting(actor: Actor) -> MeetingState:
    """The case's latest meeting, stopped, with everyone in it (an admin chairs it for the
    former chair's cell)."""
    state = b.start_meeting(MeetingKind.MDO, EVERYONE, voiced_by=b.SECOND_PARENT)
    if actor is Actor.FORMER_CHAIR:
        admin = b.Person(ADMIN.id, ADMIN.first_name)
        state = transition(state, ChairClaimed(admin, admin=True), b.NOW).state
    return state.evolve(status=Status.STOPPED, prompt=Prompt.CLOSED, finished_at=b.NOW)


async def a_case(harness: Harness, actor: Actor) -> None:
    state = last_meeting(actor)

    async def make(repos: Repositories) -> None:
        await repos.meetings.create(
            harness.group.id, lambda mid: state.evolve(meeting_id=mid), b.NOW
        )

    await in_transaction(harness.db, make)
    harness.request.admins.add(ADMIN.id)


async def count(harness: Harness, column: object, *where: object) -> int:
    async with harness.db.connection() as connection:
        return int(await connection.scalar(select(func.count(column)).where(*where)) or 0)  # type: ignore[arg-type]


async def private_rows(harness: Harness, user: User) -> int:
    return await count(harness, OutboxRow.id, OutboxRow.chat_id == user.id)


async def try_invite(harness: Harness, user: User) -> bool:
    command = harness.group.command_replying(user, "/toestemming ouders: dit MDO", NEWCOMER)
    await harness.send(command)
    return await count(harness, ConsentRow.id) == 1


async def try_export(harness: Harness, user: User) -> bool:
    await harness.send(private_message(harness.app.bot, user, "/start"))
    before = await private_rows(harness, user)
    await harness.send(harness.group.command(user, "/export"))
    documents = await count(
        harness, OutboxRow.id, OutboxRow.chat_id == user.id, OutboxRow.method == "document"
    )
    return documents > 0 and await private_rows(harness, user) > before


async def try_erase(harness: Harness, user: User) -> bool:
    await harness.send(harness.group.command(user, "/vergeet"))
    return harness.last_text() == NL.html(CONFIRM_FORGET)


async def try_read_audit(harness: Harness, user: User) -> bool:
    await harness.send(private_message(harness.app.bot, user, "/start"))
    before = await private_rows(harness, user)
    await harness.send(harness.group.command(user, "/logboek"))
    return await private_rows(harness, user) > before


async def try_read_agreements(harness: Harness, user: User) -> bool:
    await harness.send(harness.group.command(user, "/afspraken"))
    # The case's latest meeting was stopped: no plan, nothing open.
    return harness.last_text() == NL.html(NOTHING_OPEN, pupil=b.PUPIL_ALIAS)


async def try_invite_family(harness: Harness, user: User) -> bool:
    await harness.send(harness.group.command(user, "/uitnodigen"))
    return harness.last_text() == NL.html(PICK, name=user.first_name)


TRIES = {
    Action.INVITE: try_invite,
    Action.EXPORT: try_export,
    Action.ERASE: try_erase,
    Action.READ_AUDIT: try_read_audit,
    Action.READ_AGREEMENTS: try_read_agreements,
    Action.INVITE_FAMILY: try_invite_family,
}
CELLS = [(actor, action) for actor in PERSON for action in SHELLS]


def chair_name(actor: Actor) -> str:
    return "Ada" if actor is Actor.FORMER_CHAIR else b.CHAIR.name


def refusal(actor: Actor, action: Action) -> str:
    if action is Action.READ_AGREEMENTS:
        consent = MATRIX[actor][action] is May.WITH_CONSENT
        return NL.html(WHY[Why.NEEDS_CONSENT] if consent else NOT_IN_CASE)
    return NL.html(WHY[Why.ONLY_CHAIR], name=chair_name(actor))


@pytest.mark.parametrize(("actor", "action"), CELLS, ids=[f"{a}-{c}" for a, c in CELLS])
async def test_each_role_uses_the_cases_commands_as_the_matrix_says(
    harness: Harness, actor: Actor, action: Action
) -> None:
    await a_case(harness, actor)
    user = PERSON[actor]
    cell = MATRIX[actor][action]
    acted = await TRIES[action](harness, user)
    assert acted is (cell is May.YES)
    if not acted:
        assert harness.last_text() == refusal(actor, action)
    if cell is May.WITH_CONSENT:
        chair = PERSON[Actor.CHAIR]
        await harness.send(harness.group.command_replying(chair, "/toestemming ouders", user))
        assert await count(harness, ConsentRow.id) == 1
        assert await TRIES[action](harness, user)


async def the_case(harness: Harness) -> int:
    found = await in_transaction(harness.db, lambda r: r.cases.for_chat(harness.group.id))
    assert found is not None
    return found.id


@pytest.mark.parametrize("actor", list(PERSON))
async def test_between_meetings_only_a_yes_changes_an_agreement(
    harness: Harness, actor: Actor
) -> None:
    """The list's buttons: "own turn" never comes between meetings."""
    await a_case(harness, actor)
    back = encode_agreements(AgreementsData(await the_case(harness), AgreementsVerb.LIST))

    await harness.send(harness.group.press(PERSON[actor], back, 4242))

    edited = harness.request.sent("editMessageText")
    [popup] = harness.request.sent("answerCallbackQuery")
    if MATRIX[actor][Action.AGREEMENT] is May.YES:
        assert [int(c.params["message_id"]) for c in edited] == [4242]
        assert popup.params.get("text") is None
    else:
        assert edited == []
        name = chair_name(actor)
        assert popup.params["text"] == NL.plain(WHY[Why.ONLY_CHAIR], name=name)


# ---------------------------------------------------------------- a stranger, privately

COMMANDS: dict[Action, str] = {
    Action.START: "/overleg",
    Action.LEAD: "/voorzitter",
    Action.PASS: "/pas",
    Action.SKIP: "/overslaan",
    Action.BACK: "/terug",
    Action.CLOSE_PHASE: "/volgende",
    Action.STOP: "/stop",
    Action.TAKE_CHAIR: "/voorzitter",
    Action.INVITE: "/toestemming ouders",
    Action.EXPORT: "/export",
    Action.ERASE: "/vergeet",
    Action.READ_AUDIT: "/logboek",
    Action.READ_AGREEMENTS: "/afspraken",
    Action.INVITE_FAMILY: "/uitnodigen",
    Action.ANSWER: "mijn antwoord",
    Action.AGREEMENT: "volgende week",
}
# The actions people take with a button of the meeting message or a question.
BUTTONS: dict[Action, Button] = {
    Action.JOIN: Button.JOIN,
    Action.RELAY: Button.VOICE_PUPIL,
}


async def everything(harness: Harness) -> dict[str, int]:
    async with harness.db.connection() as connection:
        return {
            table.name: int(await connection.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
            # A private chat is remembered, and which updates were handled.
            if table.name not in ("chats", "schools", "handled_updates")
        }


@pytest.mark.parametrize("action", list(Action))
async def test_a_stranger_in_a_private_chat_can_do_nothing(
    harness: Harness, action: Action
) -> None:
    assert MATRIX[Actor.STRANGER][action] is May.NO
    await harness.setup_meeting()
    meeting_id, _ = (await in_transaction(harness.db, active)).split()
    stranger = User(1077, "Sam")
    await harness.send(private_message(harness.app.bot, stranger, "/start"))
    before = await everything(harness)
    if action in BUTTONS:
        # A button of the group's meeting, forged into the private chat.
        data = encode(ButtonData(int(meeting_id), BUTTONS[action], "mentor"))
        await harness.send(private_press(harness.app.bot, stranger, data, 7))
        [popup] = harness.request.sent("answerCallbackQuery")[-1:]
        assert popup.params["text"] == NL(WHY[Why.STALE_BUTTON])
    else:
        await harness.send(private_message(harness.app.bot, stranger, COMMANDS[action]))
        assert harness.last_text() == NL.html(PRIVATE_ONLY_GROUPS)
    after = await everything(harness)
    # Only the answer to the stranger was owed; nothing about the case moved.
    assert {k: v for k, v in after.items() if k != "outbox"} == {
        k: v for k, v in before.items() if k != "outbox"
    }
    assert await count(harness, AuditEntry.id, AuditEntry.user_id == stranger.id) == 0


async def active(repos: Repositories) -> str:
    loaded = await repos.meetings.active_in_chat(-1001234567890123)
    assert loaded is not None
    return f"{loaded.id} {loaded.version}"
