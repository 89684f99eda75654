"""The send budget forgets chats that have been quiet for a minute, also those never asked again."""

from __future__ import annotations

from rondetafel.bot.budget import MINUTE, SWEEP_FROM, SendBudget


def test_a_burst_to_many_people_does_not_stay_in_memory() -> None:
    budget = SendBudget(group_per_minute=20, chat_per_second=1.0)
    # 100,000 reminders, one to each person, 40 a second: each chat is written to once.
    for n in range(100_000):
        budget.spend(n + 1, n / 40)
    # At any moment only the last minute's chats (40 × 60) are needed, and the table
    # is swept when it has doubled: never more than a few times that.
    assert budget.remembered() <= 2 * max(SWEEP_FROM, 40 * int(MINUTE)) + 1


def test_a_chat_written_to_within_the_minute_keeps_its_limits() -> None:
    budget = SendBudget(group_per_minute=20, chat_per_second=1.0)
    group = -100
    for n in range(20):
        budget.spend(group, float(n))
    for n in range(SWEEP_FROM * 3):  # enough other chats to sweep several times
        budget.spend(n + 1, 20.0 + n / 1000)
    # The group's 20 of this minute are still counted: the 21st waits for the first to age.
    assert budget.wait(group, 25.0) == MINUTE - 25.0
