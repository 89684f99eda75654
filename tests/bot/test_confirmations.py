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
