"""7. Bad input: out of turn, outsiders, media, edits, very long answers."""

import pytest

from rondetafel.flows.effects import (
    AskTurn,
    Done,
    ShowSideNote,
    SideNoteHandled,
    Toast,
    Why,
)
from rondetafel.flows.events import Button, Person
from rondetafel.flows.prompts import Prompt
from rondetafel.flows.script import MeetingKind
from rondetafel.flows.state import Mark, MeetingState, Status

from .builders import (
    CHAIR,
    MENTOR,
    OUTSIDER,
    PARENT,
    answer,
    current_speaker,
    edit,
    next_message_id,
    notices,
    pid,
    press,
    send_media,
    skip_to_phase,
    start_meeting,
    start_with_voiced_pupil,
    texts,
    toasts,
)

KIND = MeetingKind.CIRCLE


def running() -> MeetingState:
    """The parent's turn; the mentor and the chair wait."""
    state = start_meeting(KIND)
    assert current_speaker(state) == PARENT
    return state


def with_side_note(text: str = "she reads comics at break") -> MeetingState:
    return answer(running(), MENTOR, text).state


# ---------------------------------------------------------------- out of turn


def test_a_reply_from_someone_whose_turn_it_is_not_is_kept_as_a_side_note() -> None:
    state = running()

    outcome = answer(state, MENTOR, "she reads comics at break")

    [note] = outcome.state.contributions[-1:]
    assert (note.mark, note.participant, note.text) == (
        Mark.SIDE_NOTE,
        pid(state, MENTOR),
        "she reads comics at break",
    )
    assert outcome.effects == (ShowSideNote(note.seq),)
    assert outcome.state.pending_side_notes() == (note,)
    assert current_speaker(outcome.state) == PARENT
    assert outcome.state.step == state.step
    assert not outcome.state.points("meeting_goals")


def test_a_side_note_of_several_lines_is_one_side_note_for_the_chair() -> None:
    outcome = answer(running(), MENTOR, "one\n- two\n\nthree")

    [note] = outcome.state.pending_side_notes()
    assert note.text == "one\ntwo\nthree"
    assert outcome.effects == (ShowSideNote(note.seq),)


def test_an_accepted_side_note_of_several_lines_counts_as_one_point_per_line() -> None:
    state = answer(running(), MENTOR, "one\ntwo").state
    [note] = state.pending_side_notes()

    state = press(state, CHAIR, Button.ACCEPT_NOTE, note.seq).state

    assert texts(state, "meeting_goals") == ["one\ntwo"]
    assert state.pending_side_notes() == ()


def test_editing_a_side_note_keeps_it_one_side_note_and_shows_it_to_the_chair_again() -> None:
    message_id = next_message_id()
    state = answer(running(), MENTOR, "one", message_id=message_id).state
    [note] = state.pending_side_notes()

    outcome = edit(state, MENTOR, message_id, "one\ntwo\nthree")

    [edited] = outcome.state.pending_side_notes()
    assert (edited.seq, edited.text) == (note.seq, "one\ntwo\nthree")
    assert outcome.effects == (ShowSideNote(note.seq),)


def test_the_chair_can_accept_a_side_note_as_a_point() -> None:
    state = with_side_note()
    [note] = state.pending_side_notes()

    outcome = press(state, CHAIR, Button.ACCEPT_NOTE, note.seq)

    assert texts(outcome.state, "meeting_goals") == ["she reads comics at break"]
    assert outcome.state.pending_side_notes() == ()
    assert outcome.effects == (Toast(Done.NOTE_ACCEPTED), SideNoteHandled(note.seq))


def test_the_chair_can_dismiss_a_side_note() -> None:
    state = with_side_note()
    [note] = state.pending_side_notes()

    outcome = press(state, CHAIR, Button.DISMISS_NOTE, note.seq)

    assert outcome.state.contribution(note.seq).mark is Mark.DISMISSED
    assert not outcome.state.points("meeting_goals")
    assert outcome.effects == (Toast(Done.NOTE_DISMISSED), SideNoteHandled(note.seq))


def test_a_side_note_already_handled_is_not_handled_twice() -> None:
    state = with_side_note()
    [note] = state.pending_side_notes()
    state = press(state, CHAIR, Button.ACCEPT_NOTE, note.seq).state

    outcome = press(state, CHAIR, Button.DISMISS_NOTE, note.seq)

    assert outcome.state == state
    assert toasts(outcome) == [Why.NOTE_HANDLED]


def test_only_the_chair_handles_side_notes() -> None:
    state = with_side_note()
    [note] = state.pending_side_notes()

    outcome = press(state, MENTOR, Button.ACCEPT_NOTE, note.seq)

    assert outcome.state == state
    assert toasts(outcome) == [Why.ONLY_CHAIR]


def test_the_chairs_own_out_of_turn_reply_is_simply_their_point() -> None:
    state = running()

    outcome = answer(state, CHAIR, "let us keep it short")

    [point] = outcome.state.points("meeting_goals")
    assert (point.participant, point.text) == (state.chair, "let us keep it short")
    assert outcome.effects == ()
    assert current_speaker(outcome.state) == PARENT


def test_a_non_participants_reply_is_ignored_with_a_hint() -> None:
    state = running()

    outcome = answer(state, OUTSIDER, "hello?")

    assert outcome.state.contributions == state.contributions
    assert current_speaker(outcome.state) == PARENT
    assert notices(outcome) == [Why.NOT_PARTICIPANT]


def test_a_non_participant_gets_the_hint_only_once() -> None:
    state = answer(running(), OUTSIDER, "hello?").state

    outcome = answer(state, OUTSIDER, "hello??")

    assert outcome.state == state
    assert outcome.effects == ()


def test_each_non_participant_gets_the_hint_once() -> None:
    state = answer(running(), OUTSIDER, "hello?").state
    other = Person(2099, "Olga")

    assert notices(answer(state, other, "hi")) == [Why.NOT_PARTICIPANT]


# ---------------------------------------------------------------- media, empty


def test_a_media_reply_gets_a_text_only_notice_and_nothing_is_stored() -> None:
    state = running()

    outcome = send_media(state, PARENT)

    assert outcome.state == state
    assert notices(outcome) == [Why.TEXT_ONLY]


def test_an_empty_answer_keeps_the_turn() -> None:
    state = running()

    outcome = answer(state, PARENT, " \n • \n")

    assert outcome.state == state
    assert notices(outcome) == [Why.EMPTY_ANSWER]


def test_html_and_emoji_are_kept_as_typed() -> None:
    text = "<b>loves</b> <a href='x'>football</a> & 🎨🇳🇱"

    state = answer(running(), PARENT, text).state

    assert texts(state, "meeting_goals") == [text]


# ---------------------------------------------------------------- edits


def test_an_edited_message_replaces_the_points_it_produced_in_place() -> None:
    state = running()
    mid = next_message_id()
    state = answer(state, PARENT, "reads\nswims", message_id=mid).state
    state = answer(state, MENTOR, "draws").state
    before = state.points("meeting_goals")

    outcome = edit(state, PARENT, mid, "reads a lot")

    after = outcome.state.points("meeting_goals")
    assert [p.text for p in after] == ["reads a lot", "draws"]
    assert after[0].seq == before[0].seq
    assert after[1] == before[2]
    assert outcome.state.turn_order == state.turn_order
    assert outcome.state.turn_index == state.turn_index


def test_an_edit_with_more_lines_adds_points_right_after_the_first() -> None:
    state = running()
    mid = next_message_id()
    state = answer(state, PARENT, "reads", message_id=mid).state
    state = answer(state, MENTOR, "draws").state

    outcome = edit(state, PARENT, mid, "reads\nswims")

    assert texts(outcome.state, "meeting_goals") == ["reads", "swims", "draws"]
    seqs = [c.seq for c in outcome.state.contributions]
    assert len(seqs) == len(set(seqs))


def test_a_needs_answer_is_kept_as_typed_and_its_edit_replaces_it() -> None:
    # The sentence starters are only listed in the question: the answer holds the whole
    # sentence, so an edit simply replaces it.
    state = skip_to_phase(start_with_voiced_pupil(MeetingKind.PUPIL_MEETING), "needs")
    assert state.phases[state.phase_index].starters
    mid = next_message_id()
    state = answer(state, PARENT, "instruction that is short", message_id=mid).state
    [before] = state.points("needs")
    assert (before.text, before.starter) == ("instruction that is short", None)

    outcome = edit(state, PARENT, mid, "instruction that is short and visual")

    [point] = outcome.state.points("needs")
    assert (point.seq, point.text, point.starter) == (
        before.seq,
        "instruction that is short and visual",
        None,
    )


def test_an_edit_of_a_message_the_bot_did_not_keep_changes_nothing() -> None:
    state = running()

    outcome = edit(state, PARENT, 1, "anything")

    assert outcome.state == state
    assert outcome.effects == ()


@pytest.mark.parametrize("close", [Button.CLOSE_PHASE, Button.STOP_YES])
def test_an_edit_after_the_meeting_closed_changes_nothing(close: Button) -> None:
    state = skip_to_phase(start_meeting(KIND), "tops_tips")
    mid = next_message_id()
    state = answer(state, PARENT, "nice pace", message_id=mid).state
    state = press(state, CHAIR, close).state
    assert state.status in (Status.FINISHED, Status.STOPPED)

    outcome = edit(state, PARENT, mid, "too long")

    assert outcome.state == state
    assert notices(outcome) == [Why.EDIT_AFTER_CLOSE]


def test_editing_an_accepted_side_note_keeps_it_accepted_with_the_new_words() -> None:
    mid = next_message_id()
    state = answer(running(), MENTOR, "reads comics\nat break", message_id=mid).state
    [note] = state.pending_side_notes()
    state = press(state, CHAIR, Button.ACCEPT_NOTE, note.seq).state

    outcome = edit(state, MENTOR, mid, "reads comics\nat every break")

    assert texts(outcome.state, "meeting_goals") == ["reads comics\nat every break"]
    assert outcome.effects == ()


def test_editing_a_dismissed_side_note_does_not_bring_it_back() -> None:
    mid = next_message_id()
    state = answer(running(), MENTOR, "off topic", message_id=mid).state
    [note] = state.pending_side_notes()
    state = press(state, CHAIR, Button.DISMISS_NOTE, note.seq).state

    outcome = edit(state, MENTOR, mid, "off topic\nreally")

    assert outcome.state.pending_side_notes() == ()
    assert texts(outcome.state, "meeting_goals") == []


# ---------------------------------------------------------------- long answers


def test_a_very_long_answer_keeps_the_turn_and_asks_for_more() -> None:
    state = running()

    outcome = answer(state, PARENT, "a" * 4000)

    assert outcome.effects == (AskTurn(more=True),)
    assert current_speaker(outcome.state) == PARENT
    assert outcome.state.step > state.step
    assert texts(outcome.state, "meeting_goals") == ["a" * 4000]


def test_long_is_counted_in_utf16_units_as_telegram_does() -> None:
    emoji = "🎨" * 2000  # 2000 characters, 4000 UTF-16 units

    outcome = answer(running(), PARENT, emoji)

    assert outcome.effects == (AskTurn(more=True),)


def test_an_answer_just_under_the_limit_moves_on() -> None:
    outcome = answer(running(), PARENT, "a" * 3999)

    assert current_speaker(outcome.state) == MENTOR


def test_the_rest_of_a_long_answer_is_added_and_then_the_turn_moves_on() -> None:
    state = answer(running(), PARENT, "a" * 4000).state

    outcome = answer(state, PARENT, "and the end")

    assert texts(outcome.state, "meeting_goals") == ["a" * 4000, "and the end"]
    assert current_speaker(outcome.state) == MENTOR


def test_passing_after_a_long_answer_records_no_pass() -> None:
    state = answer(running(), PARENT, "a" * 4000).state

    outcome = press(state, PARENT, Button.PASS)

    assert current_speaker(outcome.state) == MENTOR
    assert [c.mark for c in outcome.state.contributions if c.phase == "meeting_goals"] == [
        Mark.POINT
    ]


# ---------------------------------------------------------------- wrong buttons


def test_a_button_pressed_by_the_wrong_person_gets_a_toast_and_changes_nothing() -> None:
    state = running()

    outcome = press(state, MENTOR, Button.PASS)

    assert outcome.state == state
    assert [type(e) for e in outcome.effects] == [Toast]
    # The meeting message's buttons are right for the person whose turn it is.
    assert not any(e.clear_buttons for e in outcome.effects if isinstance(e, Toast))


def test_a_button_on_an_old_message_gets_a_toast_and_changes_nothing() -> None:
    state = skip_to_phase(running(), "agreements")
    state = press(state, CHAIR, Button.CLOSE_PHASE).state
    old = state.step  # the first message asking for the evaluation date
    state = press(state, CHAIR, Button.BACK).state
    state = press(state, CHAIR, Button.CLOSE_PHASE).state  # asked anew
    assert state.prompt is Prompt.EVALUATION

    outcome = press(state, CHAIR, Button.EVALUATION, 14, step=old)

    assert outcome.state == state
    # That old message can do nothing any more: its buttons go.
    assert outcome.effects == (Toast(Why.STALE_BUTTON, clear_buttons=True),)
    assert press(state, CHAIR, Button.EVALUATION, 14).state.evaluation_date is not None


def test_a_button_of_a_prompt_that_is_over_gets_a_toast_and_loses_its_buttons() -> None:
    state = skip_to_phase(running(), "agreements")
    state = press(state, CHAIR, Button.CLOSE_PHASE).state
    asked = state.step
    state = press(state, CHAIR, Button.EVALUATION, 14).state
    assert state.prompt is Prompt.TURN

    outcome = press(state, CHAIR, Button.EVALUATION, 42, step=asked)

    assert outcome.state == state
    assert outcome.effects == (Toast(Why.STALE_BUTTON, clear_buttons=True),)


def test_a_side_note_button_for_an_unknown_note_is_stale() -> None:
    state = running()

    outcome = press(state, CHAIR, Button.ACCEPT_NOTE, "77")

    assert outcome.state == state
    assert toasts(outcome) == [Why.STALE_BUTTON]
