"""Benchmark: forming the groups of a "meet someone new" round.

``python3 -m bench.grouping --people 2000`` times ``barcamp.mixer.grouping.form_groups`` (the pure
function) over successive rounds of the same people, so later rounds must avoid more and more
pairs that already met, and then the whole start of a round as the facilitator's "form the groups
now" runs it: reading who is in, grouping, writing every group and token, and announcing each
person's group on their own channel, on a fresh SQLite file. Target: under a second for 2,000
people, in this process's CPU time (wall time is printed too, with the load average: on a shared
2-core box, other processes' load inflates wall time but not the work done). Exits 1 when a target
is missed. Not a timed test: run it by hand, on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from barcamp.mixer.grouping import Person, form_groups, pairs_of

TARGET_S = 1.0
TAGS = [f"topic {i}" for i in range(40)]


def people(n: int, first_timers: float, tagged: float, seed: int = 1) -> list[Person]:
    """``n`` people: a share of first-timers, and a share with tips-card tags (help and seek)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        has_tags = rng.random() < tagged
        helps = frozenset(rng.sample(TAGS, 2)) if has_tags else frozenset()
        seeks = frozenset(rng.sample(TAGS, 2)) if has_tags else frozenset()
        out.append(Person(i, rng.random() < first_timers, helps, seeks))
    return out


def pure(args) -> dict:
    """form_groups alone, round after round, with the pairs of every earlier round to avoid."""
    everyone = people(args.people, args.first_timers, args.tagged)
    met: set[tuple[int, int]] = set()
    times, walls, repeats = [], [], []
    for r in range(args.rounds):
        start, cpu = time.perf_counter(), time.process_time()
        groups = form_groups(everyone, args.size, met, seed=r)
        times.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - start)
        pairs = pairs_of(groups)
        repeats.append(len(pairs & met))
        met |= pairs
    return {"seconds": times, "wall_seconds": walls, "repeated_pairs": repeats, "pairs_avoided_last_round": len(met)}


def end_to_end(args) -> dict:
    """The facilitator's "form the groups now" on SQLite: read, group, write, announce."""
    from sqlalchemy import insert, select

    from barcamp import create_app
    from barcamp.core.extensions import db
    from barcamp.events.domain import create_event
    from barcamp.mixer import domain
    from barcamp.models import Attendee, MixMember, MixRound

    folder = Path(tempfile.mkdtemp(prefix="bench-grouping-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}", "REDIS_URL": None})
    times, walls = [], []
    with app.app_context():
        db.create_all()
        event, _key = create_event("Grouping bench")
        rng = random.Random(2)
        rows = [
            {"event_id": event.id, "browser_key": f"k{i}", "first_timer": rng.random() < args.first_timers}
            for i in range(args.people)
        ]
        db.session.execute(insert(Attendee), rows)
        db.session.commit()
        attendees = db.session.execute(
            select(Attendee.id, Attendee.first_timer).where(Attendee.event_id == event.id)
        ).all()
        for _r in range(args.rounds):
            rnd = domain.open_round(event, args.size, 10, 5)
            db.session.execute(
                insert(MixMember), [{"round_id": rnd.id, "attendee_id": a, "first_timer": ft} for a, ft in attendees]
            )
            db.session.commit()
            start, cpu = time.perf_counter(), time.process_time()
            domain.start_now(event)
            times.append(time.process_time() - cpu)
            walls.append(time.perf_counter() - start)
            formed = db.session.scalar(select(MixRound.formed).where(MixRound.id == rnd.id))
            assert formed, "the round's groups were not formed"
    return {"seconds": times, "wall_seconds": walls, "database": "sqlite"}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m bench.grouping", description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--size", type=int, default=3, choices=(2, 3, 4))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--first-timers", type=float, default=0.2, help="share of first-timers (0-1)")
    parser.add_argument("--tagged", type=float, default=0.4, help="share with tips-card tags (0-1)")
    parser.add_argument("--no-db", action="store_true", help="time the pure function only")
    parser.add_argument("--json", help="write everything measured to this file")
    args = parser.parse_args(argv)
    result = {"people": args.people, "size": args.size, "rounds": args.rounds, "pure": pure(args)}
    if not args.no_db:
        result["end_to_end"] = end_to_end(args)
    ok = True
    print(f"{args.people} people, groups of {args.size}, {args.rounds} rounds")
    for name in ("pure", "end_to_end"):
        if name not in result:
            continue
        secs = result[name]["seconds"]
        worst = max(secs)
        ok &= worst < TARGET_S
        label = "form_groups (pure)" if name == "pure" else "start a round (SQLite, write + announce)"
        wall = result[name]["wall_seconds"]
        print(
            f"  {label:42} CPU median {statistics.median(secs) * 1000:5.0f} ms, max {worst * 1000:5.0f} ms"
            f"   (wall median {statistics.median(wall) * 1000:5.0f} ms, max {max(wall) * 1000:5.0f} ms)"
        )
    print(f"  repeated pairs per round: {result['pure']['repeated_pairs']}")
    result["load_average"] = os.getloadavg()
    print(f"  load average while measured: {' '.join(f'{x:.1f}' for x in result['load_average'])}")
    print(f"  target: under {TARGET_S:.0f} s for every round: {'met' if ok else 'MISSED'}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
