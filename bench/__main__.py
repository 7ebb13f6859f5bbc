"""Benchmark: ``python -m bench --phones 2000 --rate 100 --duration 60``.

Starts the app under gunicorn + gevent, creates an event with pitches, connects
N phones and one projector as real Socket.IO clients over websockets (each
phone with its own attendee cookie), runs a vote storm mixed with pitches and
questions, and prints one summary table (``--json FILE`` writes everything).
``--ceiling`` searches the largest N that still meets the targets.
See bench/README.md for the method.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import re
import sys
import time
from multiprocessing.sharedctypes import RawArray

from bench import phones, report, storm
from bench.server import Servers, cpu_seconds, machine_busy_seconds
from bench.wire import HttpError, cookie_header, http
from config import Config

SETUP_PITCHES = [
    ("Barrierefreiheit im Web", "everyone", "discussion", "de"),
    ("Intro to home automation", "beginner", "workshop", "en"),
    ("Was ich aus 10 Jahren Open Source gelernt habe", "everyone", "talk", "de"),
    ("Kubernetes without tears", "deep", "talk", "en"),
    ("Nachhaltige Events planen", "everyone", "discussion", "de"),
]


async def create_pitches(host: str, port: int, slug: str, n: int, facilitator_path: str) -> list[int]:
    """The organisers pitch the event's first sessions through the pitch form, as facilitators
    (so many pitches at once is no flood: barcamp/ratelimits.py)."""
    ids: list[int] = []
    per_phone = 8  # below the pitch form's rate limit of 10 a minute per browser
    for first in range(0, n, per_phone):
        _s, _h, jar, _b = await http(host, port, "GET", facilitator_path)
        status, _h, more, body = await http(host, port, "GET", f"/e/{slug}", headers={"Cookie": cookie_header(jar)})
        jar.update(more)
        token = re.search(r'name="csrf-token" content="([^"]+)"', body.decode()).group(1)
        headers = {"Cookie": cookie_header(jar), "X-CSRFToken": token, "Accept": "application/json"}
        for i in range(first, min(n, first + per_phone)):
            title, level, fmt, lang = SETUP_PITCHES[i % len(SETUP_PITCHES)]
            form = {"title": f"{title} ({i + 1})", "level": level, "format": fmt, "language": lang}
            status, _h, _c, body = await http(host, port, "POST", f"/e/{slug}/pitch", headers=headers, form=form)
            if status != 200:
                raise RuntimeError(f"creating a pitch failed: {status} {body[:300]!r}")
            ids.append(json.loads(body)["id"])
    return ids


def run(args) -> dict:
    """One benchmark run on freshly started servers."""
    phones.raise_nofile()
    servers = Servers(args.processes, args.database, args.redis)
    ctx = mp.get_context("spawn")
    procs: list = []
    try:
        slug = servers.start()
        host = "127.0.0.1"
        pitch_ids = asyncio.run(create_pitches(host, servers.ports[0], slug, args.pitches, servers.facilitator_path))
        slots = args.phones + 2  # vote k on a pitch, k = 1..phones
        sent = RawArray("d", 2 * len(pitch_ids) * slots)  # send times, then scheduled times
        cfg = {
            "host": host,
            "slug": slug,
            "pitch_ids": pitch_ids,
            "slots": slots,
            "rate": args.rate,
            "duration": args.duration,
            "pitch_rate": args.pitch_rate,
            "question_rate": args.question_rate,
            "question_vote_rate": args.question_vote_rate,
            "join_concurrency": args.join_concurrency,
            "deflate": not args.no_deflate,
        }
        # Phone i talks to process i % K (as nginx ip_hash spreads phones); the projector is one more client.
        clients = [(i, servers.ports[i % args.processes], f"/e/{slug}") for i in range(args.phones)]
        clients.append((args.phones, servers.ports[0], f"/e/{slug}/projector"))
        generators = args.generators or max(1, min(4, round(args.phones / 1000)))
        pipes = []
        for g in range(generators):
            parent, child = ctx.Pipe()
            p = ctx.Process(target=phones.main, args=(child, cfg, clients[g::generators], sent), daemon=True)
            p.start()
            procs.append(p)
            pipes.append(parent)

        # 1. Connect everybody.
        cpu0, t0 = servers.cpu(), time.monotonic()
        for pipe in pipes:
            pipe.send("join")
        joins, creds = [], []
        for pipe in pipes:
            _msg, joined, c = pipe.recv()
            joins.append(joined)
            creds += c
        connect_s = time.monotonic() - t0
        times = sorted(t for j in joins for t in j["join_times"])
        joined = {
            "clients": sum(j["joined"] for j in joins),
            "failed": sum(j["failed"] for j in joins),
            "seconds": round(connect_s, 2),
            "p50_ms": round(times[len(times) // 2] * 1000, 1) if times else None,
            "http": {},
            "statuses": {},
        }
        for j in joins:  # requests made while joining count too
            for kind, (ok, err) in j["http"].items():
                tot = joined["http"].setdefault(kind, [0, 0])
                tot[0], tot[1] = tot[0] + ok, tot[1] + err
            for code, n in j["statuses"].items():
                joined["statuses"][code] = joined["statuses"].get(code, 0) + n
        cpu_connect = servers.cpu() - cpu0
        voters = sorted(c for c in creds if c[0] < args.phones)

        # Every phone here shares 127.0.0.1, and an address may bring only so many brand-new
        # identities a minute (barcamp/core/ratelimits.py, fresh_votes): real phones have their own
        # addresses, or read the page a while first. So the storm starts once the last phone to join
        # is no longer fresh (--warm), instead of measuring that ceiling as HTTP errors.
        time.sleep(args.warm)

        # 2. The storm.
        parent, child = ctx.Pipe()
        storm_proc = ctx.Process(target=storm.main, args=(child, cfg, voters, sent), daemon=True)
        storm_proc.start()
        procs.append(storm_proc)
        for pipe in pipes:
            pipe.send("storm")
        time.sleep(0.5)
        start = time.monotonic() + 0.5
        cpu0, machine0 = servers.cpu(), machine_busy_seconds()
        broadcast0 = servers.broadcast_counters()
        ours = [os.getpid(), *(p.pid for p in procs)]  # the generator's processes
        ours0 = sum(cpu_seconds(pid) for pid in ours)
        servers.sampling(True)
        parent.send(start)
        storm_result = parent.recv()
        storm_wall = max(1e-9, time.monotonic() - start)
        server_cpu = servers.cpu() - cpu0
        broadcast1 = servers.broadcast_counters()
        generator_cpu = sum(cpu_seconds(pid) for pid in ours) - ours0
        cpu_storm = server_cpu / storm_wall
        # Everything else on the machine (other tests, builds, PostgreSQL/Redis where used): figures
        # need it near zero.
        others = max(0.0, machine_busy_seconds() - machine0 - server_cpu - generator_cpu) / storm_wall
        servers.sampling(False)

        # 3. Let the last tallies arrive, then compare every client with the database.
        time.sleep(args.settle)
        db_counts = servers.vote_counts(slug)
        for pipe in pipes:
            pipe.send(("final", db_counts))
        workers = [pipe.recv()[1] for pipe in pipes]
        problems = servers.log_problems()
        server = {
            "database": servers.kind,
            "db_counts": db_counts,
            "cpu_storm": cpu_storm,
            "cpu_storm_seconds": server_cpu,
            "cpu_others": others,
            "cpu_peak": servers.peak_cpu,
            "cpu_connect": cpu_connect,
            "broadcast_frames": broadcast1[0] - broadcast0[0],
            "broadcast_cpu": broadcast1[1] - broadcast0[1],
            "rss_mb": servers.peak_rss_mb(),
            **problems,
        }
        config = {
            "phones": args.phones,
            "rate": args.rate,
            "duration": args.duration,
            "pitches": args.pitches,
            "processes": args.processes,
            "pitch_rate": args.pitch_rate,
            "question_rate": args.question_rate,
            "question_vote_rate": args.question_vote_rate,
            "generators": generators,
            "deflate": cfg["deflate"],
        }
        result = report.summarize(config, joined, workers, storm_result, server)
        result["logs"] = str(servers.tmp)
        return result
    finally:
        for p in procs:
            p.join(5)
            if p.is_alive():
                p.terminate()
        servers.stop()


def ceiling(args) -> dict:
    """The largest N (to ``--step``) whose run meets the targets: grow ×1.5, then bisect."""
    runs = []
    good, bad, n = 0, None, args.phones
    while True:
        args.phones = n
        r = run(args)
        runs.append(r)
        print(f"N={n}: p99 {r['latency_ms']['p99']} ms, {'PASS' if r['passed'] else 'FAIL'}", flush=True)
        if r["passed"]:
            good = n
        else:
            bad = n
        if bad is None:
            n = int(n * 1.5) // args.step * args.step
        elif bad - good <= args.step:
            break
        else:
            n = (good + bad) // 2 // args.step * args.step or args.step
            if n in (good, bad):
                break
    return {"ceiling": good, "runs": runs}


def parse(argv=None):
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--phones", type=int, default=2000, help="simulated phones (default 2000)")
    p.add_argument("--rate", type=float, default=100, help="votes per second (default 100)")
    p.add_argument("--duration", type=float, default=60, help="seconds of vote storm (default 60)")
    p.add_argument("--pitches", type=int, default=50, help="pitches votes go to (default 50)")
    p.add_argument("--pitch-rate", type=float, default=0.1, help="new pitches per second during the storm")
    p.add_argument("--question-rate", type=float, default=0.5, help="new questions per second")
    p.add_argument("--question-vote-rate", type=float, default=5, help="question upvotes per second")
    p.add_argument("--processes", type=int, default=1, help="gunicorn processes (K > 1 needs --redis)")
    p.add_argument("--database", help="SQLAlchemy URL of a PostgreSQL server; a fresh database is made on it")
    p.add_argument("--redis", help="Redis URL for the Socket.IO message queue")
    p.add_argument("--generators", type=int, default=0, help="load-generator processes (default: 1 per 1000 phones)")
    p.add_argument("--join-concurrency", type=int, default=20, help="phones joining at once per generator")
    p.add_argument("--no-deflate", action="store_true", help="phones don't offer websocket compression (browsers do)")
    p.add_argument(
        "--warm",
        type=float,
        default=Config.IDENTITY_FRESH_SECONDS + 1,
        help="seconds between the last join and the storm (default: until no phone's identity is fresh)",
    )
    p.add_argument("--settle", type=float, default=3.0, help="seconds to wait for the last tallies")
    p.add_argument("--ceiling", action="store_true", help="search the largest N that meets the targets")
    p.add_argument("--step", type=int, default=250, help="resolution of --ceiling")
    p.add_argument("--json", help="write the full result to this file")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse(argv)
    if args.ceiling:
        result = ceiling(args)
        for r in result["runs"]:
            print(report.table(r), end="\n\n")
        print(f"ceiling: {result['ceiling']} phones with p99 ≤ 1 s (step {args.step})")
    else:
        result = run(args)
        print(report.table(result))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)
    return 0 if args.ceiling or result["passed"] else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except HttpError as exc:
        sys.exit(f"benchmark failed: {exc}")
