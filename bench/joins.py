"""CPU per attendee-page join, in process: ``python3 -m bench.joins --joins 100 --pitches 50``.

Each join is a new browser (no cookie) loading the event home through Flask's test client, as a
phone scanning the QR code does, on a fresh SQLite file; CPU is this process's (``process_time``).
"""

from __future__ import annotations

import argparse
import tempfile
import time

from tests.support.env import fresh_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--joins", type=int, default=100)
    parser.add_argument("--pitches", type=int, default=50)
    args = parser.parse_args()
    with fresh_app(f"sqlite:///{tempfile.mkdtemp()}/joins.db") as app:
        from barcamp.events.domain import create_event
        from barcamp.pitches.domain import create_pitch

        with app.app_context():
            event, _key = create_event("Join Camp")
            for i in range(args.pitches):
                create_pitch(
                    event,
                    None,
                    title=f"Session {i} about something",
                    description="A longer description " * 5,
                    host_name="Anna",
                    tags=["rust", "python", "web"],
                )
            slug = event.slug
        for _ in range(5):  # warm up: templates compiled, cards kept
            app.test_client().get(f"/e/{slug}")
        cpu, wall = time.process_time(), time.time()
        for _ in range(args.joins):
            assert app.test_client().get(f"/e/{slug}").status_code == 200
        cpu, wall = time.process_time() - cpu, time.time() - wall
        print(f"{cpu / args.joins * 1000:.1f} ms CPU per join (wall {wall / args.joins * 1000:.1f} ms)")


if __name__ == "__main__":
    main()
