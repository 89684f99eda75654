"""The evaluation of a plan, in the evaluator's private chat, and what the group sees of it.

A finished meeting about S.B. (two goals, two agreements, the evaluation on
Thursday 3 December 2026 by the mentor, Mo) is stored the way a finished
meeting stores it, its follow-up planned by `plan_follow_up`, at the harness's
frozen clock (Monday 23 November 2026, 14:00). The clock then moves to the
evaluation date and `harness.remind()` runs the reminder loop there. Every
press and every typed answer goes through the real Application.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from rondetafel.bot import follow_up_texts as say
from rondetafel.bot.callback_data import decode_evaluation
from rondetafel.bot.texts import texts
from rondetafel.flows.evaluation import (
    RESULT_NAMES,
    RESULT_SYMBOLS,
    EvaluationButton,
    EvaluationPrompt,
    EvaluationState,
    GoalResult,
    from_json,
)
from rondetafel.flows.events import Button
from rondetafel.flows.follow_up import STATUS_NAMES, AgreementStatus
from rondetafel.flows.script import GOALS, LOOKING_BACK, NOT_YET, SCRIPTS, MeetingKind, Role
from rondetafel.flows.state import Agreement, Contribution, Mark, Participant
from rondetafel.storage.audit import EVALUATION_COMPLETE, EVALUATION_STARTED, REMINDER_UNDELIVERABLE
from rondetafel.storage.evaluations import ASKING, COMPLETE, WAITING
from rondetafel.storage.repositories import Repositories
from rondetafel.storage.unit_of_work import in_transaction
from tests.support.recording import BOT, Call
from tests.support.updates import private_press

from .conftest import ANNA, FATMA, MO, NOW, Harness
from .demo_state import demo_meeting
from .follow_up_cases import (
    MENTOR,
    PARTICIPANTS,
    PUPIL_INITIALS,
    Case,
    audit,
    go_to,
    moment,
    pop_up,
    store_finished,
    to,
    type_privately,
)

NL = texts("nl")
CALM = "S. begint rustig aan de les"
HELP = "S. vraagt hulp met de kaart"
CARD = "Hulpkaart op tafel bij elke les"
STEPS = "Instructie in stappen op het bord"
NOTE = "Thuis is het onrustig, zijn vader is weg"  # the owner's note: never in the group
EVALUATION_DAY = dt.date(2026, 12, 3)  # a Thursday
# What the evaluator saw: for the private chat and the report, never for the group.
SEEN_CALM = "Hij pakt zelf zijn spullen en zit binnen twee minuten"
SEEN_HELP = "Bij rekenen vergeet hij de kaart nog"
NEXT_CALM = "De timer na de kerstvakantie weglaten"
NEXT_HELP = "De kaart ook bij rekenen neerleggen"


@dataclasses.dataclass(frozen=True)
class EvaluationCase(Case):
    """The stored case, and the evaluation its follow-up planned."""

    evaluation_id: int


async def finished_meeting(
    harness: Harness, participants: tuple[Participant, ...] = PARTICIPANTS
) -> EvaluationCase:
    """The meeting about S.B.: goals CALM and HELP, CARD done (with Mo's note), STEPS open."""
    state = demo_meeting().evolve(
        participants=participants,
        contributions=(Contribution(1, GOALS.key, MENTOR, f"{CALM}\n{HELP}", Mark.POINT, 9001),),
        agreements=(
            Agreement(1, CARD, MENTOR, MENTOR, due=dt.date(2027, 1, 20)),
            Agreement(2, STEPS, MENTOR, MENTOR, due=dt.date(2027, 1, 29)),
        ),
        evaluation_date=EVALUATION_DAY,
        started_at=NOW - dt.timedelta(hours=2),
        finished_at=NOW - dt.timedelta(hours=1),
    )
    case = await store_finished(harness, state)

    async def card_done(repos: Repositories) -> EvaluationCase:
        card = case.agreements[1]
        await repos.agreements.set_status(card, AgreementStatus.DONE, NOW, note=NOTE)
        await repos.reminders.cancel_for_agreement(card)
        evaluation = await repos.evaluations.of_meeting(case.meeting_id)
        assert evaluation is not None
        return EvaluationCase(case.id, case.meeting_id, case.agreements, evaluation.id)

    return await in_transaction(harness.db, card_done)


# ---------------------------------------------------------------- helpers


def actions(call: Call) -> list[EvaluationButton]:
    found = []
    for button in call.buttons():
        data = decode_evaluation(button.get("callback_data", ""))
        assert data is not None, button
        found.append(EvaluationButton(data.action))
    return found


def labels(call: Call) -> list[str]:
    return [str(b["text"]) for b in call.buttons()]


def button_data(call: Call, button: EvaluationButton) -> str:
    for b in call.buttons():
        data = decode_evaluation(b.get("callback_data", ""))
        if data is not None and data.action == button.value:
            return str(b["callback_data"])
    raise AssertionError(f"no {button} button on {call.text!r}")


async def press(harness: Harness, call: Call, button: EvaluationButton) -> None:
    """Mo presses `button` on the message `call` sent him."""
    await harness.send(
        private_press(harness.app.bot, MO, button_data(call, button), call.message_id)
    )


def last_to_mo(harness: Harness) -> Call:
    return to(harness, MO.id)[-1]


async def stored(harness: Harness, case: EvaluationCase) -> tuple[str, EvaluationState]:
    record = await in_transaction(
        harness.db, lambda repos: repos.evaluations.get(case.evaluation_id)
    )
    assert record is not None and record.state is not None
    return record.status, from_json(record.state)


async def stored_status(harness: Harness, case: EvaluationCase) -> str:
    record = await in_transaction(
        harness.db, lambda repos: repos.evaluations.get(case.evaluation_id)
    )
    assert record is not None
    return record.status


def result_label(result: GoalResult) -> str:
    return f"{RESULT_SYMBOLS[result]} {NL(RESULT_NAMES[result])}"


RESULT_BUTTONS = [EvaluationButton.REACHED, EvaluationButton.PARTLY, EvaluationButton.NOT_YET]
RESULT_LABELS = [result_label(r) for r in GoalResult]


def goal_question(number: int, goal: str) -> str:
    return NL.html(say.GOAL_QUESTION, number=number, total=2, goal=goal)


def seen_question(goal: str, result: GoalResult) -> str:
    return NL.html(say.SEEN_QUESTION, goal=goal, result=NL(RESULT_NAMES[result]))


async def evaluation_started(harness: Harness) -> EvaluationCase:
    """Mo has a private chat with the bot; the evaluation date has come."""
    case = await finished_meeting(harness)
    await type_privately(harness, MO, "/start")
    go_to(harness, moment(EVALUATION_DAY))
    assert await harness.remind() == 1
    return case


async def first_goal_answered(harness: Harness) -> None:
    """Goal 1: reached; what we see: SEEN_CALM; the next step: NEXT_CALM."""
    await press(harness, last_to_mo(harness), EvaluationButton.REACHED)
    await type_privately(harness, MO, SEEN_CALM)
    await type_privately(harness, MO, NEXT_CALM)


# ---------------------------------------------------------------- the conversation


async def test_on_the_evaluation_date_the_mentor_is_asked_about_the_first_goal(
    harness: Harness,
) -> None:
    case = await finished_meeting(harness)
    await type_privately(harness, MO, "/start")
    greeted = len(to(harness, MO.id))
    go_to(harness, moment(EVALUATION_DAY, 8, 29))
    assert await harness.remind() == 0

    go_to(harness, moment(EVALUATION_DAY))
    assert await harness.remind() == 1

    intro, question = to(harness, MO.id)[greeted:]
    meeting = NL.plain(say.MEETING_OF, pupil=PUPIL_INITIALS, date=NL.date(NOW.date()))
    assert intro.text == NL.html(say.EVALUATION_START, meeting=meeting)
    assert question.text == goal_question(1, CALM)
    assert actions(question) == RESULT_BUTTONS  # no "back" on the very first question
    assert labels(question) == RESULT_LABELS
    assert (MO.id, EVALUATION_STARTED) in await audit(harness, case)
    status, state = await stored(harness, case)
    assert status == ASKING and [g.goal for g in state.goals] == [CALM, HELP]
    # The chair, the parent and the group hear nothing of it.
    assert to(harness, ANNA.id) == to(harness, FATMA.id) == to(harness, harness.group.id) == []


async def test_a_result_then_what_we_see_then_the_next_step(harness: Harness) -> None:
    case = await evaluation_started(harness)
    question = last_to_mo(harness)

    await press(harness, question, EvaluationButton.REACHED)

    (cleared,) = to(harness, MO.id, "editMessageReplyMarkup")
    assert cleared.params["message_id"] == question.message_id  # answered: its buttons go
    seen = last_to_mo(harness)
    assert seen.text == seen_question(CALM, GoalResult.REACHED)
    assert actions(seen) == [EvaluationButton.NOTHING_TO_ADD, EvaluationButton.BACK]
    assert labels(seen) == [NL(say.NOTHING_TO_ADD), NL(say.BACK)]

    await type_privately(harness, MO, SEEN_CALM)

    following = last_to_mo(harness)
    assert following.text == NL.html(say.NEXT_QUESTION)
    assert actions(following) == [EvaluationButton.NOTHING_TO_ADD, EvaluationButton.BACK]

    await press(harness, following, EvaluationButton.NOTHING_TO_ADD)

    assert last_to_mo(harness).text == goal_question(2, HELP)
    assert actions(last_to_mo(harness)) == [*RESULT_BUTTONS, EvaluationButton.BACK]
    _, state = await stored(harness, case)
    first = state.goals[0]
    assert (first.result, first.seen, first.next_step) == (GoalResult.REACHED, SEEN_CALM, "")
    assert (state.index, state.prompt) == (1, EvaluationPrompt.RESULT)


async def test_back_across_a_goal_keeps_the_earlier_answers(harness: Harness) -> None:
    case = await evaluation_started(harness)
    await first_goal_answered(harness)
    second = last_to_mo(harness)
    assert second.text == goal_question(2, HELP)

    await press(harness, second, EvaluationButton.BACK)

    assert last_to_mo(harness).text == NL.html(say.NEXT_QUESTION)
    _, state = await stored(harness, case)
    assert (state.index, state.prompt) == (0, EvaluationPrompt.NEXT)
    assert state.goals[0].result is GoalResult.REACHED
    assert (state.goals[0].seen, state.goals[0].next_step) == (SEEN_CALM, NEXT_CALM)

    await press(harness, last_to_mo(harness), EvaluationButton.BACK)
    assert last_to_mo(harness).text == seen_question(CALM, GoalResult.REACHED)
    await press(harness, last_to_mo(harness), EvaluationButton.BACK)
    assert last_to_mo(harness).text == goal_question(1, CALM)
    _, state = await stored(harness, case)
    assert state.goals[0].seen == SEEN_CALM and state.goals[0].next_step == NEXT_CALM

    # Answering again replaces only what is answered again.
    await press(harness, last_to_mo(harness), EvaluationButton.PARTLY)
    assert last_to_mo(harness).text == seen_question(CALM, GoalResult.PARTLY)
    await press(harness, last_to_mo(harness), EvaluationButton.NOTHING_TO_ADD)
    await press(harness, last_to_mo(harness), EvaluationButton.NOTHING_TO_ADD)
    assert last_to_mo(harness).text == goal_question(2, HELP)
    _, state = await stored(harness, case)
    assert state.goals[0].result is GoalResult.PARTLY
    assert (state.goals[0].seen, state.goals[0].next_step) == ("", "")


async def test_a_button_of_an_earlier_question_changes_nothing(harness: Harness) -> None:
    case = await evaluation_started(harness)
    first_question = last_to_mo(harness)
    await first_goal_answered(harness)
    before = await stored(harness, case)
    calls = len(harness.request.calls)

    await press(harness, first_question, EvaluationButton.NOT_YET)

    assert pop_up(harness) == NL(say.STALE)
    assert [c.method for c in harness.request.calls[calls:]] == ["answerCallbackQuery"]
    assert await stored(harness, case) == before


async def test_text_while_a_button_is_expected_asks_for_the_buttons(harness: Harness) -> None:
    case = await evaluation_started(harness)
    before = await stored(harness, case)

    await type_privately(harness, MO, "Gehaald, denk ik")

    assert last_to_mo(harness).text == NL.html(say.USE_BUTTONS)
    assert await stored(harness, case) == before


async def test_an_answer_over_1000_characters_is_refused_and_echoed_back(
    harness: Harness,
) -> None:
    case = await evaluation_started(harness)
    await press(harness, last_to_mo(harness), EvaluationButton.REACHED)
    before = await stored(harness, case)
    long = "Hij <zit> rustig & werkt door. " * 33
    assert len(long.strip()) > 1000

    await type_privately(harness, MO, long)

    refusal = last_to_mo(harness)
    assert refusal.text == NL.html(say.TOO_LONG, limit=1000, text=long)
    assert "Hij &lt;zit&gt; rustig &amp; werkt door." in refusal.text
    assert await stored(harness, case) == before

    await type_privately(harness, MO, long[:1000])  # shortened: taken
    assert last_to_mo(harness).text == NL.html(say.NEXT_QUESTION)


async def test_an_empty_answer_is_asked_again(harness: Harness) -> None:
    case = await evaluation_started(harness)
    await press(harness, last_to_mo(harness), EvaluationButton.REACHED)
    before = await stored(harness, case)

    await type_privately(harness, MO, "   ")

    assert last_to_mo(harness).text == NL.html(say.EMPTY_TEXT)
    assert await stored(harness, case) == before


async def test_someone_else_pressing_the_evaluators_button_changes_nothing(
    harness: Harness,
) -> None:
    case = await evaluation_started(harness)
    question = last_to_mo(harness)
    reached = button_data(question, EvaluationButton.REACHED)
    before = await stored(harness, case)
    calls = len(harness.request.calls)

    await harness.send(private_press(harness.app.bot, FATMA, reached, question.message_id))

    assert pop_up(harness) == NL(say.NOT_YOURS)
    assert [c.method for c in harness.request.calls[calls:]] == ["answerCallbackQuery"]
    assert await stored(harness, case) == before


async def test_without_a_mentor_the_chair_evaluates(harness: Harness) -> None:
    # Mo took part as the care coordinator: nobody is the mentor.
    no_mentor = tuple(
        dataclasses.replace(p, role=Role.CARE_COORDINATOR) if p.role is Role.MENTOR else p
        for p in PARTICIPANTS
    )
    await finished_meeting(harness, no_mentor)
    await type_privately(harness, ANNA, "/start")
    await type_privately(harness, MO, "/start")

    go_to(harness, moment(EVALUATION_DAY))
    assert await harness.remind() == 1

    question = to(harness, ANNA.id)[-1]
    assert question.text == goal_question(1, CALM)
    assert len(to(harness, MO.id)) == 1  # his greeting only


async def test_an_evaluator_without_a_private_chat_is_mentioned_and_starts_by_opening_it(
    harness: Harness,
) -> None:
    case = await finished_meeting(harness)
    go_to(harness, moment(EVALUATION_DAY))

    assert await harness.remind() == 1

    (mention,) = to(harness, harness.group.id)
    assert f'<a href="tg://user?id={MO.id}">{MO.first_name}</a>' in mention.text
    assert CALM not in mention.text and PUPIL_INITIALS not in mention.text
    assert [
        b.get("url", "").startswith(f"https://t.me/{BOT['username']}?start=")
        for b in mention.buttons()
    ] == [True]
    assert [action for _, action in await audit(harness, case)] == [REMINDER_UNDELIVERABLE]
    assert (await stored_status(harness, case)) == WAITING

    go_to(harness, moment(EVALUATION_DAY, 10, 0))
    await type_privately(harness, MO, "/start")
    assert await harness.remind() == 1

    assert last_to_mo(harness).text == goal_question(1, CALM)
    assert (await stored_status(harness, case)) == ASKING


# ---------------------------------------------------------------- complete


async def completed(harness: Harness) -> EvaluationCase:
    """Goal 1 reached (SEEN_CALM, NEXT_CALM); goal 2 partly (SEEN_HELP, NEXT_HELP)."""
    case = await evaluation_started(harness)
    await first_goal_answered(harness)
    await press(harness, last_to_mo(harness), EvaluationButton.PARTLY)
    await type_privately(harness, MO, SEEN_HELP)
    await type_privately(harness, MO, NEXT_HELP)
    return case


async def test_complete_posts_the_summary_in_the_group_without_what_was_seen(
    harness: Harness,
) -> None:
    case = await completed(harness)

    assert last_to_mo(harness).text == NL.html(say.EVALUATION_DONE)
    (summary,) = to(harness, harness.group.id)
    text = summary.text
    for expected in (NEXT_CALM, NEXT_HELP, NL.date(EVALUATION_DAY), MO.first_name):
        assert expected in text, expected
    # Each goal with its own result, each agreement with its own status.
    for line_of, expected in (
        (CALM, result_label(GoalResult.REACHED).split(" ")[0]),
        (HELP, result_label(GoalResult.PARTLY).split(" ")[0]),
        (CALM, f"<i>{NL(RESULT_NAMES[GoalResult.REACHED])}</i>"),
        (HELP, f"<i>{NL(RESULT_NAMES[GoalResult.PARTLY])}</i>"),
        (CARD, NL(STATUS_NAMES[AgreementStatus.DONE])),
        (STEPS, NL(STATUS_NAMES[AgreementStatus.OPEN])),
    ):
        (line,) = [line for line in text.split("\n") if line_of in line]
        assert expected in line, (line, expected)
    for private in (SEEN_CALM, SEEN_HELP, NOTE):
        assert private not in text, private
    assert summary.buttons() == []
    status, state = await stored(harness, case)
    assert status == COMPLETE and state.goals[1].seen == SEEN_HELP  # kept, privately
    actions_ = [action for _, action in await audit(harness, case)]
    assert actions_ == [EVALUATION_STARTED, EVALUATION_COMPLETE]


async def test_a_complete_evaluation_takes_no_more_answers(harness: Harness) -> None:
    case = await completed(harness)
    goal_2 = [c for c in to(harness, MO.id) if c.text == goal_question(2, HELP)][-1]
    before = await stored(harness, case)

    await press(harness, goal_2, EvaluationButton.NOT_YET)

    assert pop_up(harness) == NL(say.EVALUATION_GONE)
    await type_privately(harness, MO, "Nog één ding")
    assert await stored(harness, case) == before
    assert len(to(harness, harness.group.id)) == 1


# ---------------------------------------------------------------- the next meeting


async def test_the_next_meeting_opens_with_where_we_were(harness: Harness) -> None:
    await completed(harness)
    go_to(harness, moment(dt.date(2026, 12, 10), 15, 0))
    await harness.send(harness.group.command(ANNA, "/overleg"))
    await harness.press(MO, Button.JOIN, "mentor")
    await harness.press(FATMA, Button.JOIN, "parent")
    posted = len(to(harness, harness.group.id))

    await harness.press(ANNA, Button.START)

    after_start = to(harness, harness.group.id)[posted:]
    openings = [c for c in after_start if CALM in c.text and NEXT_CALM in c.text]
    assert len(openings) == 1, [c.text for c in after_start]
    opening = openings[0]
    first_question = next(c for c in after_start if c.markup.get("force_reply"))
    assert after_start.index(opening) < after_start.index(first_question)
    text = opening.text
    for expected in (
        CALM,
        HELP,
        CARD,
        STEPS,
        NL(STATUS_NAMES[AgreementStatus.DONE]),
        NL(STATUS_NAMES[AgreementStatus.OPEN]),
        NL(RESULT_NAMES[GoalResult.REACHED]),
        NL(RESULT_NAMES[GoalResult.PARTLY]),
        NEXT_CALM,
        NEXT_HELP,
    ):
        assert expected in text, expected
    for private in (SEEN_CALM, SEEN_HELP, NOTE):
        assert private not in text, private
    # Feed up, feedback, feed forward: the goals before how it went, before what is next.
    assert (
        text.index(CALM) < text.index(NL(RESULT_NAMES[GoalResult.REACHED])) < text.index(NEXT_CALM)
    )


async def test_an_evaluation_finished_after_midnight_is_dated_in_the_schools_time(
    harness: Harness,
) -> None:
    """Mo answers the last question at 00:30 on Friday, school time (23:30 UTC Thursday)."""
    friday = EVALUATION_DAY + dt.timedelta(days=1)
    case = await evaluation_started(harness)
    await first_goal_answered(harness)
    await press(harness, last_to_mo(harness), EvaluationButton.NOT_YET)
    await type_privately(harness, MO, SEEN_HELP)
    go_to(harness, moment(friday, 0, 30))
    await type_privately(harness, MO, NEXT_HELP)
    assert (await stored(harness, case))[0] == COMPLETE
    (summary,) = to(harness, harness.group.id)
    assert NL.date(friday) in summary.text

    go_to(harness, moment(dt.date(2026, 12, 10), 15, 0))
    await harness.send(harness.group.command(ANNA, "/overleg"))
    await harness.press(MO, Button.JOIN, "mentor")
    await harness.press(ANNA, Button.START)

    (opening,) = [
        c for c in to(harness, harness.group.id) if NEXT_HELP in c.text and c is not summary
    ]
    assert NL.date(friday) in opening.text
    assert NL.date(EVALUATION_DAY) not in opening.text


# ---------------------------------------------------------------- the evaluation meeting


async def test_the_evaluation_meeting_can_be_chosen_and_walks_its_phases(
    harness: Harness,
) -> None:
    script = SCRIPTS[MeetingKind.EVALUATION]
    await harness.setup_meeting()

    await harness.press(ANNA, Button.KIND, MeetingKind.EVALUATION.value)

    chosen = harness.request.sent("editMessageText")[-1]
    assert f"✓ {NL.kind(MeetingKind.EVALUATION)}" in labels(chosen)
    assert NL.kind(MeetingKind.EVALUATION) == NL(script.title)

    await harness.press(ANNA, Button.START)

    # Everyone answers in turn; the phases come in the script's order, each
    # person asked that phase's question for their role.
    people = {
        user.id: (user, role)
        for user, role in ((ANNA, Role.CHAIR), (MO, Role.MENTOR), (FATMA, Role.PARENT))
    }
    phases: list[str] = []
    while len(phases) < 3:
        question = harness.last_question()
        user, role = next(
            (u, r) for uid, (u, r) in people.items() if f"tg://user?id={uid}" in question.text
        )
        phase = next(p for p in script.phases if NL(p.title) in question.text)
        assert NL(phase.questions[role]) in question.text
        if not phases or phases[-1] != phase.key:
            phases.append(phase.key)
        if len(phases) < 3:
            await harness.answer(user, f"Een punt van {user.first_name}")
    assert phases == [p.key for p in script.phases[:3]]
    assert phases[1:] == [LOOKING_BACK.key, NOT_YET.key]  # how it went, before what is not there
