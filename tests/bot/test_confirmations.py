"""The offset getUpdates confirms with moves only over updates that are finished."""

from __future__ import annotations

from rondetafel.bot.confirmations import Confirmations


def test_nothing_is_confirmed_before_the_oldest_update_is_finished() -> None:
    confirmations = Confirmations()
    for update_id in (10, 11, 12):
        assert confirmations.fetched(update_id)

    assert not confirmations.finished(12)  # another chat's update, done first
    assert not confirmations.finished(11)
    assert confirmations.offset == 0  # 10 is still under way: Telegram keeps all three
    assert confirmations.unfinished == 3

    assert confirmations.finished(10)
    assert confirmations.offset == 13
    assert confirmations.unfinished == 0


def test_the_offset_follows_the_oldest_update_still_under_way() -> None:
    confirmations = Confirmations()
    for update_id in (10, 11, 15):  # update ids may skip numbers
        confirmations.fetched(update_id)

    confirmations.finished(10)
    assert confirmations.offset == 11
    confirmations.finished(15)
    assert confirmations.offset == 11
    confirmations.finished(11)
    assert confirmations.offset == 16


def test_an_update_telegram_hands_out_again_is_not_new() -> None:
    confirmations = Confirmations()
    assert confirmations.fetched(10)
    assert confirmations.fetched(11)
    confirmations.finished(10)

    assert not confirmations.fetched(10)  # confirmed meanwhile
    assert not confirmations.fetched(11)  # still under way
    assert confirmations.fetched(12)


def test_a_parked_update_may_be_confirmed_before_it_is_handled() -> None:
    confirmations = Confirmations()
    for update_id in (10, 11, 12):
        confirmations.fetched(update_id)

    assert confirmations.park(10) is True  # stored unhandled: Telegram may forget it
    assert confirmations.park(11) is True
    assert (confirmations.offset, confirmations.unfinished) == (12, 1)
    # Handled later: nothing more to confirm, and nothing is left behind.
    assert confirmations.finished(11) is False
    assert confirmations.finished(10) is False
    assert confirmations.finished(12) is True
    assert (confirmations.offset, confirmations.unfinished) == (13, 0)


def test_an_update_parked_before_a_restart_is_handled_without_moving_the_offset() -> None:
    confirmations = Confirmations()
    confirmations.replayed(7)  # confirmed when it was parked, in the run before
    confirmations.fetched(20)
    assert confirmations.finished(7) is False
    assert confirmations.offset == 0  # only Telegram's own updates move it
    assert confirmations.finished(20) is True and confirmations.offset == 21
