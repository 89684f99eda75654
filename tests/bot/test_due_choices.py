"""'Before the holiday' as a quick choice for an agreement's date, from the school's calendar."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from rondetafel.bot.callback_data import decode
from rondetafel.bot.present import Presenter
from rondetafel.bot.texts import texts
from rondetafel.flows.effects import ShowAgreement
from rondetafel.flows.events import Button, Pressed
from rondetafel.flows.holidays import Region
from rondetafel.flows.school_calendar import SchoolCalendar
from rondetafel.flows.script import MeetingKind
from rondetafel.flows.state import MeetingState
from rondetafel.flows.transition import transition
from tests.flows.builders import PARENT, answer, skip_to_phase, start_with_voiced_pupil

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NL = texts("nl")


def proposed() -> MeetingState:
    state = skip_to_phase(start_with_voiced_pupil(MeetingKind.PUPIL_MEETING), "agreements")
    return answer(state, PARENT, "elke dag 15 minuten lezen").state


def due_buttons(state: MeetingState, today: dt.date, region: Region) -> dict[str, str]:
    """The agreement message's date buttons: label → argument."""
    presenter = Presenter(
        AMSTERDAM,
        "De Regenboog",
        SchoolCalendar(region),
        lambda: dt.datetime.combine(today, dt.time(14), tzinfo=AMSTERDAM),
    )
    [send] = presenter.render(ShowAgreement(state.open_agreements[0]), state, NL)
    found: dict[str, str] = {}
    for row in send.markup.inline_keyboard:  # type: ignore[union-attr]
        for key in row:
            data = decode(str(key.callback_data))
            if data is not None and data.button is Button.DUE:
                found[key.text] = data.arg
    return found


@pytest.mark.parametrize(
    ("today", "region", "last_day"),
    [
        (dt.date(2026, 11, 23), Region.MIDDLE, dt.date(2026, 12, 18)),  # Christmas
        (dt.date(2027, 1, 5), Region.MIDDLE, dt.date(2027, 2, 19)),  # spring (20 Feb)
        (dt.date(2026, 10, 5), Region.NORTH, dt.date(2026, 10, 9)),  # autumn, north
    ],
)
def test_the_last_school_day_before_the_next_holiday_is_offered_with_its_date(
    today: dt.date, region: Region, last_day: dt.date
) -> None:
    buttons = due_buttons(proposed(), today, region)

    label = NL.plain("before the holiday ({date})", date=NL.short_date(last_day))
    assert buttons[label] == last_day.isoformat()


def test_pressed_days_later_it_still_means_that_day() -> None:
    state = proposed()
    arg = due_buttons(state, dt.date(2026, 11, 23), Region.MIDDLE)[
        NL.plain("before the holiday ({date})", date=NL.short_date(dt.date(2026, 12, 18)))
    ]
    seq = state.open_agreements[0]
    later = dt.datetime(2026, 11, 26, 10, tzinfo=AMSTERDAM)

    outcome = transition(state, Pressed(PARENT, Button.DUE, arg, state.step), later)

    assert outcome.state.agreement(seq).due == dt.date(2026, 12, 18)
