"""Forming the groups of a round: a pure function of who is in, with no database and no request,
so it can be property-tested and benchmarked (``bench/grouping.py``).

Costs, worst first: a group of first-timers only (or more first-timers in one group than an
even spread gives), then a pair that already met in an earlier round, then (a bonus) people
whose "looking for" meets another's "can help with". Seats are dealt so that veterans come
first and first-timers are spread evenly; a local search then swaps people between groups
while that lowers the cost. Each swap touches two small groups, so 2,000 people take a few
hundred milliseconds.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

FT_COST = 1000  # a group of first-timers only, or first-timers crowded together
REPEAT_COST = 100  # a pair that met before
COMPLEMENT_BONUS = 1  # one person can help with what another is looking for


@dataclass(frozen=True)
class Person:
    id: int
    first_timer: bool = False
    helps: frozenset[str] = field(default_factory=frozenset)
    seeks: frozenset[str] = field(default_factory=frozenset)


def pair(a: int, b: int) -> tuple[int, int]:
    """An unordered pair of ids, as the ``met`` set holds them."""
    return (a, b) if a < b else (b, a)


def group_sizes(n: int, size: int) -> list[int]:
    """How many people each group gets: at most ``size``, at least 2, as even as can be.
    Only pairs with an odd headcount need one group of three; fewer than 2 people form none."""
    if n < 2:
        return []
    groups = -(-n // size)
    if n // groups < 2:
        groups = n // 2
    return [n // groups + (1 if i < n % groups else 0) for i in range(groups)]


class _Cost:
    def __init__(self, people: Sequence[Person], met: set[tuple[int, int]], ft_cap: int):
        self.p = {p.id: p for p in people}
        self.met, self.ft_cap = met, ft_cap

    def of(self, group: Iterable[int]) -> int:
        members = [self.p[i] for i in group]
        cost = 0
        ft = sum(1 for m in members if m.first_timer)
        if len(members) >= 2 and ft == len(members):
            cost += FT_COST
        if ft > self.ft_cap:
            cost += FT_COST * (ft - self.ft_cap)
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if pair(a.id, b.id) in self.met:
                    cost += REPEAT_COST
                if a.seeks & b.helps:
                    cost -= COMPLEMENT_BONUS
                if b.seeks & a.helps:
                    cost -= COMPLEMENT_BONUS
        return cost


def form_groups(
    people: Sequence[Person], size: int, met: Iterable[tuple[int, int]] = (), seed: int = 0
) -> list[list[int]]:
    """Split everyone who is in into groups of ``size`` (2–4) that maximise new encounters."""
    people = list({p.id: p for p in people}.values())
    sizes = group_sizes(len(people), size)
    if not sizes:
        return []
    rng = random.Random(seed)
    met = {pair(*m) for m in met}
    veterans = [p for p in people if not p.first_timer]
    newcomers = [p for p in people if p.first_timer]
    rng.shuffle(veterans)
    rng.shuffle(newcomers)
    g = len(sizes)
    cost = _Cost(people, met, -(-len(newcomers) // g))
    # Seats row by row across the groups: veterans take the first row (one per group), and the
    # first-timers after them spread evenly.
    seats = [gi for row in range(max(sizes)) for gi in range(g) if row < sizes[gi]]
    groups: list[list[int]] = [[] for _ in sizes]
    for person, gi in zip(veterans + newcomers, seats, strict=True):
        groups[gi].append(person.id)
    best = _improve(groups, cost, rng)
    # Small headcounts: a local search can get stuck; a few fresh starts are cheap there.
    tries = 12 if len(people) <= 40 else 0
    while tries and best[0] > 0:
        tries -= 1
        order = [pid for grp in groups for pid in grp]
        rng.shuffle(order)
        fresh = [[] for _ in sizes]
        ranked = sorted(order, key=lambda pid: cost.p[pid].first_timer)
        for pid, gi in zip(ranked, seats, strict=True):
            fresh[gi].append(pid)
        result = _improve(fresh, cost, rng)
        if result[0] < best[0]:
            best = result
    return best[1]


def _improve(groups: list[list[int]], cost: _Cost, rng: random.Random) -> tuple[int, list[list[int]]]:
    """Swap people between groups while a swap lowers the cost; returns (total cost, groups)."""
    costs = [cost.of(grp) for grp in groups]
    g = len(groups)
    helpers: dict[str, list[int]] = {}
    for pid, p in cost.p.items():
        for tag in p.helps:
            helpers.setdefault(tag, []).append(pid)
    where = {pid: gi for gi, grp in enumerate(groups) for pid in grp}

    def try_swap(gi: int, i: int, gj: int, j: int) -> bool:
        a, b = groups[gi][i], groups[gj][j]
        groups[gi][i], groups[gj][j] = b, a
        ci, cj = cost.of(groups[gi]), cost.of(groups[gj])
        if ci + cj < costs[gi] + costs[gj]:
            costs[gi], costs[gj] = ci, cj
            where[a], where[b] = gj, gi
            return True
        groups[gi][i], groups[gj][j] = a, b
        return False

    tries = min(g - 1, 60)
    for _round in range(8):
        changed = False
        for gi in range(g):
            if costs[gi] <= 0 or g < 2:
                continue
            # A conflict (a repeat, first-timers together): try members of other groups.
            for gj in rng.sample([x for x in range(g) if x != gi], tries):
                if any(try_swap(gi, i, gj, j) for i in range(len(groups[gi])) for j in range(len(groups[gj]))):
                    changed = True
                    if costs[gi] <= 0:
                        break
        if not changed:
            break
    # Complementary tags: bring someone who can help with what a person seeks into their group.
    for pid, p in cost.p.items():
        gi = where[pid]
        if not p.seeks or any(p.seeks & cost.p[q].helps for q in groups[gi] if q != pid):
            continue  # nothing sought, or someone here can help already
        for tag in p.seeks:
            for h in helpers.get(tag, [])[:4]:
                gj = where[h]
                if gj == gi:
                    break
                j = groups[gj].index(h)
                if any(try_swap(gi, i, gj, j) for i in range(len(groups[gi])) if groups[gi][i] != pid):
                    break
    return sum(costs), groups


def place_late(
    groups: Sequence[Sequence[Person]], person: Person, size: int, met: Iterable[tuple[int, int]] = ()
) -> int | None:
    """The group a late joiner goes into (the index), or None: every group is full, so they wait."""
    met = {pair(*m) for m in met}
    best, best_key = None, None
    for gi, grp in enumerate(groups):
        if len(grp) >= size:
            continue
        everyone = [*grp, person]
        cost = _Cost(everyone, met, size)
        # What joining changes: a veteran who joins first-timers only makes that group better.
        delta = cost.of(p.id for p in everyone) - cost.of(p.id for p in grp)
        key = (delta, len(grp), gi)
        if best_key is None or key < best_key:
            best, best_key = gi, key
    return best


def pairs_of(groups: Iterable[Iterable[int]]) -> set[tuple[int, int]]:
    """Every unordered pair that shares a group."""
    out = set()
    for grp in groups:
        members = sorted(grp)
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                out.add((a, b))
    return out
