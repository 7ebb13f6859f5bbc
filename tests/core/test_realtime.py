"""The tally loop's cadence: deadlines, not pauses, and an interval that grows with the flush."""

from barcamp.core.realtime import FLUSH_SHARE, MAX_INTERVAL, next_flush


def test_a_change_in_a_quiet_moment_goes_out_at_once():
    assert next_flush(last_start=10.0, interval=0.25, now=30.0) == 30.0
    assert next_flush(last_start=float("-inf"), interval=0.25, now=5.0) == 5.0


def test_under_a_storm_flushes_start_on_deadlines_from_the_last_start():
    # The last flush started at 10.0 and took 50 ms: the next is due at 10.25, not 10.05 + 0.25.
    assert next_flush(last_start=10.0, interval=0.25, now=10.05, took=0.05) == 10.25
    # One that overran is followed by the next at once.
    assert next_flush(last_start=10.0, interval=0.25, now=10.3, took=0.06) == 10.3


def test_a_long_broadcast_makes_the_cadence_coarser_up_to_a_limit():
    took = 0.2  # CPU seconds the last broadcasts took: thousands of phones
    due = next_flush(last_start=10.0, interval=0.25, now=10.2, took=took)
    assert due == 10.0 + took / FLUSH_SHARE  # broadcasting takes at most FLUSH_SHARE of the time
    assert due - 10.0 > 0.25
    assert next_flush(last_start=10.0, interval=0.25, now=13.0, took=3.0) == 13.0
    assert next_flush(last_start=10.0, interval=0.25, now=10.5, took=0.9) == 10.0 + MAX_INTERVAL
    # A configured interval above the limit still holds.
    assert next_flush(last_start=10.0, interval=2.0, now=10.1, took=0.01) == 12.0
