"""The grouping of a round, as a pure function: sizes within bounds for every headcount from 1 to
2,000, no repeated pair when one is avoidable (checked against every possible split for small
groups), first-timers spread and never left only with each other, complementary tags preferred,
late joiners. Its speed is measured in ``bench/`` (``python -m bench grouping``), not here."""

import itertools
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barcamp.mixer.grouping import Person, form_groups, group_sizes, pair, pairs_of, place_late


def everyone(n, first_timers=0):
    return [Person(i, first_timer=i < first_timers) for i in range(n)]


def check_partition(groups, people, size):
    ids = sorted(i for g in groups for i in g)
    n = len(people)
    if n < 2:
        assert groups == []
        return
    assert ids == sorted(p.id for p in people)  # everyone exactly once
    biggest = size if not (size == 2 and n % 2) else 3
    assert all(2 <= len(g) <= biggest for g in groups), [len(g) for g in groups]
    assert max(len(g) for g in groups) - min(len(g) for g in groups) <= 1


@pytest.mark.parametrize("size", [2, 3, 4])
def test_group_sizes_are_within_bounds_for_every_headcount_up_to_2000(size):
    for n in range(0, 2001):
        sizes = group_sizes(n, size)
        assert sum(sizes) == (n if n >= 2 else 0)
        if n >= 2:
            assert min(sizes) >= 2
            assert max(sizes) <= (3 if size == 2 and n % 2 else size)
            assert max(sizes) - min(sizes) <= 1
            assert len(sizes) == max(math.ceil(n / size), 1) or size == 2


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(1, 120), size=st.sampled_from([2, 3, 4]), ft=st.floats(0, 1), seed=st.integers(0, 10**6))
def test_every_person_is_in_exactly_one_group_within_bounds(n, size, ft, seed):
    people = everyone(n, first_timers=int(n * ft))
    check_partition(form_groups(people, size, seed=seed), people, size)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 7, 499, 1000, 1999, 2000])
@pytest.mark.parametrize("size", [2, 3, 4])
def test_large_and_odd_headcounts_are_grouped_within_bounds(n, size):
    people = everyone(n, first_timers=n // 4)
    check_partition(form_groups(people, size), people, size)


@settings(max_examples=120, deadline=None)
@given(n=st.integers(2, 120), size=st.sampled_from([2, 3, 4]), ft=st.floats(0, 1), seed=st.integers(0, 10**6))
def test_first_timers_are_spread_and_never_only_with_each_other(n, size, ft, seed):
    f = int(n * ft)
    people = everyone(n, first_timers=f)
    groups = form_groups(people, size, seed=seed)
    counts = [sum(1 for i in g if i < f) for g in groups]
    assert max(counts) <= math.ceil(f / len(groups))  # spread: never more than an even share
    if n - f >= len(groups):  # enough people who have been before for every group
        assert all(c < len(g) for c, g in zip(counts, groups, strict=True))


def _splits(ids, sizes):
    """Every split of ``ids`` into groups of ``sizes`` (for checking small cases exhaustively)."""
    if not sizes:
        yield []
        return
    first, rest = ids[0], ids[1:]
    for size in set(sizes):  # the first person's group may be any of the sizes
        others = list(sizes)
        others.remove(size)
        for mates in itertools.combinations(rest, size - 1):
            left = [i for i in rest if i not in mates]
            for tail in _splits(left, others):
                yield [[first, *mates], *tail]


def _repeats(groups, met):
    return len(pairs_of(groups) & met)


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(2, 9),
    size=st.sampled_from([2, 3, 4]),
    data=st.data(),
)
def test_no_repeated_pair_when_one_is_avoidable(n, size, data):
    all_pairs = [(a, b) for a in range(n) for b in range(a + 1, n)]
    met = set(data.draw(st.lists(st.sampled_from(all_pairs), unique=True, max_size=len(all_pairs))))
    people = everyone(n)
    groups = form_groups(people, size, met, seed=data.draw(st.integers(0, 1000)))
    best = min(_repeats(s, met) for s in _splits(list(range(n)), group_sizes(n, size)))
    assert _repeats(groups, met) == best


@pytest.mark.parametrize("size", [2, 3, 4])
def test_successive_rounds_of_many_people_never_repeat_a_pair(size):
    people = everyone(300, first_timers=60)
    met = set()
    for seed in range(4):
        groups = form_groups(people, size, met, seed=seed)
        assert not pairs_of(groups) & met
        met |= pairs_of(groups)


def test_complementary_tags_are_preferred():
    helper = Person(0, helps=frozenset({"home assistant"}))
    seeker = Person(1, seeks=frozenset({"home assistant"}))
    others = [Person(i) for i in range(2, 12)]
    for seed in range(10):
        groups = form_groups([helper, seeker, *others], 3, seed=seed)
        assert any({0, 1} <= set(g) for g in groups)


def test_a_repeat_is_worse_than_a_missed_complement():
    helper = Person(0, helps=frozenset({"x"}))
    seeker = Person(1, seeks=frozenset({"x"}))
    groups = form_groups([helper, seeker, Person(2), Person(3)], 2, met={(0, 1)})
    assert pair(0, 1) not in pairs_of(groups)


def test_late_joiner_goes_to_a_group_below_the_maximum_size():
    groups = [[Person(0), Person(1), Person(2)], [Person(3), Person(4)], [Person(5), Person(6)]]
    assert place_late(groups, Person(7), 3) in (1, 2)


def test_late_joiner_avoids_people_already_met():
    groups = [[Person(0), Person(1)], [Person(2), Person(3)]]
    assert place_late(groups, Person(9), 3, met={(0, 9)}) == 1


def test_late_joiner_never_makes_a_first_timer_only_group_and_rescues_one():
    newcomers = [Person(2, first_timer=True), Person(3, first_timer=True)]
    groups = [[Person(0, first_timer=True), Person(1)], newcomers]
    assert place_late(groups, Person(8, first_timer=True), 3) == 0
    assert place_late(groups, Person(9), 3) == 1  # someone who has been before joins the newcomers


def test_late_joiner_waits_when_every_group_is_full():
    groups = [[Person(0), Person(1)], [Person(2), Person(3)]]
    assert place_late(groups, Person(4), 2) is None


def test_grouping_is_deterministic_for_a_seed():
    people = everyone(50, first_timers=10)
    assert form_groups(people, 3, seed=7) == form_groups(people, 3, seed=7)
