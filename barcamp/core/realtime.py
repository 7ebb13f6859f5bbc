"""The one real-time seam: the only module that calls ``socketio.emit``.

Two kinds of messages reach browsers in an event's room:

* ``changed`` ``{"what": ..., ...}``: something was added, edited or moved;
  pages reload the server-rendered partials that show ``what``.
* ``tally`` ``{"kind": ..., "counts": {id: n}, "at": t}``: counts (votes, upvotes,
  "helpful") for the items that changed. Tallies are coalesced: writes only
  mark an event dirty, and a background loop broadcasts at most once per
  ``TALLY_INTERVAL`` per event, reading the counts from the database (the
  truth), so the cost follows the number of clients, not the number of votes.
  The loop keeps deadlines, not pauses: a change in a quiet moment goes out at
  once, and under a storm flushes start every ``TALLY_INTERVAL``, however long
  each one took (one that overran is followed by the next at once, not later).
  The interval adapts: it is at least ``1 / FLUSH_SHARE`` times the CPU the last
  flush's broadcasts took (at most ``MAX_INTERVAL``), so a broadcast to thousands
  of phones gets coarser tallies instead of the worker spending all its time
  broadcasting.
  ``at`` is when the counts were read, on the database's clock: with several
  processes, two tallies can cross on their way through Redis, and pages keep
  the newer one (a count must not flicker back down).

News for one person (a connection request, later their group in a round) goes to that
attendee's personal room (``personal``), which a socket joins only on the strength of its own
cookie (``sockets``): never into a room that other people's pages join.

Everything is announced only after the write committed (see ``database``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from flask import current_app
from sqlalchemy import text

from barcamp.core import fanout, metrics
from barcamp.core.database import after_commit
from barcamp.core.extensions import db, socketio

log = logging.getLogger(__name__)

# kind -> function(event_id) -> (counts for everyone or None when hidden, counts for facilitators)
_counters: dict[str, Callable[[int], tuple[dict | None, dict]]] = {}
# (event id, kind) -> when it was first marked since its last broadcast (time.monotonic())
_dirty: dict[tuple[int, str], float] = {}
_loop_started = False
_wake = None  # the loop's event: set by a change while the loop waits for one
# event id -> how many changes and tallies this process has announced for it (see ``version``)
_versions: dict[int, int] = {}


def version(event_id: int) -> int:
    """A number that moves whenever this process announces anything of the event: whatever was
    rendered under an older one may be out of date (``pagecache``)."""
    return _versions.get(event_id, 0)


def _moved(event_id: int) -> None:
    _versions[event_id] = _versions.get(event_id, 0) + 1


# Things only some pages show (the question wall, the tips board) go to a topic room
# that those pages join (see sockets.py), so the thousands of phones on the pitch list
# are not sent every question upvote. A change or tally whose name starts with a topic
# belongs to it; everything else goes to the whole event.
TOPICS = ("questions", "tip", "mix")


def topic_of(name: str) -> str | None:
    """The topic a change or tally named ``name`` belongs to, if any."""
    return next((t for t in TOPICS if name.startswith(t)), None)


def room(event_id: int, facilitators: bool = False, topic: str | None = None) -> str:
    """Name of the Socket.IO room for an event (or its facilitators, or one topic)."""
    if facilitators:
        return f"ev:{event_id}:fac"
    return f"ev:{event_id}:{topic}" if topic else f"ev:{event_id}"


def personal_room(event_id: int, attendee_id: int) -> str:
    """One attendee's own room: a socket joins it only on the strength of its own cookie (sockets.py)."""
    return f"ev:{event_id}:a:{attendee_id}"


def counter(kind: str):
    """Register the function that reads the current counts of one tally kind."""

    def register(fn):
        _counters[kind] = fn
        return fn

    return register


def changed(event_id: int, what: str, facilitators_only: bool = False, **data) -> None:
    """Tell an event's pages that ``what`` changed, once the write has committed."""
    target = room(event_id, facilitators_only, topic_of(what))

    def emit():
        _moved(event_id)
        # ``at`` lets pages ask for a render made after this change (see partials).
        socketio.emit("changed", {"what": what, "at": round(time.time(), 3), **data}, to=target)

    after_commit(emit)


def personal(event_id: int, attendee_id: int, what: str, **data) -> None:
    """Tell one attendee's pages (and nobody else's) that ``what`` changed, once the write committed."""
    target = personal_room(event_id, attendee_id)

    def emit():
        socketio.emit("changed", {"what": what, "at": round(time.time(), 3), **data}, to=target)

    after_commit(emit)


def revoke_facilitators(event_id: int) -> None:
    """Empty an event's facilitator room (a link was revoked); pages that may still be there rejoin."""
    target = room(event_id, True)

    def go():
        socketio.emit("rejoin", {}, to=target)
        socketio.close_room(target)

    after_commit(go)


def tally(event_id: int, kind: str) -> None:
    """Mark a tally as changed once the write commits; the coalescing loop broadcasts it soon.

    Marking only after the commit matters: a loop that ran between the mark and the
    commit would read the old count, clear the mark, and never send the new one.
    """

    def mark():
        _moved(event_id)
        _dirty.setdefault((event_id, kind), time.monotonic())
        _ensure_loop()
        if _wake is not None:
            _wake.set()

    after_commit(mark)


def flush() -> int:
    """Broadcast every dirty tally once, with counts read from the database."""
    sent = 0
    # Only what was dirty when the flush began: writes committing meanwhile wait for the next one,
    # so a busy event still gets at most one broadcast per kind per interval.
    batch = list(_dirty.items())
    for key, _marked in batch:
        del _dirty[key]
    for (event_id, kind), marked in batch:
        try:
            at = _clock()  # before the read: a later ``at`` never carries older counts
            public, full = _counters[kind](event_id)
        except Exception:  # keep the loop alive; the next change retries
            log.exception("reading %s tally failed", kind)
            continue
        finally:
            db.session.remove()
        socketio.emit("tally", {"kind": kind, "counts": full, "at": at}, to=room(event_id, True))
        if public is not None:
            to = room(event_id, topic=topic_of(kind))
            with metrics.BROADCAST.time(), fanout.yielding():
                socketio.emit("tally", {"kind": kind, "counts": public, "at": at}, to=to)
        metrics.LAG.observe(time.monotonic() - marked)
        sent += 1
    return sent


def _clock() -> float:
    """Start the read of a tally and say when: on the database server's clock, which every process
    shares (SQLite: this machine's, before the read transaction's first statement takes its snapshot).

    On PostgreSQL the read is one REPEATABLE READ snapshot, taken by the very statement that reads
    the clock, so a later ``at`` can't come with older counts, however the greenlet is delayed.
    """
    if db.engine.dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        return float(db.session.scalar(text("SELECT EXTRACT(EPOCH FROM clock_timestamp())")))
    return time.time()


def _ensure_loop() -> None:
    global _loop_started, _wake
    if _loop_started or current_app.testing:
        return  # tests call flush() themselves, deterministically
    _loop_started = True
    _wake = socketio.server.eio.create_event()
    app = current_app._get_current_object()
    socketio.start_background_task(_loop, app)


FLUSH_SHARE = 0.25  # of the worker's time that tally broadcasts may take before the interval grows
MAX_INTERVAL = 1.0  # seconds: the coarsest cadence, however long flushes take


def next_flush(last_start: float, interval: float, now: float, took: float = 0.0) -> float:
    """When the next flush may start: an interval after the last one started (a deadline, so a
    slow flush doesn't push the cadence), or at once if that has passed. The interval is
    ``interval``, or longer when the last flush ``took`` more than ``FLUSH_SHARE`` of it."""
    return max(now, last_start + min(max(interval, took / FLUSH_SHARE), max(interval, MAX_INTERVAL)))


def _loop(app) -> None:
    interval = app.config["TALLY_INTERVAL"]
    last, took = float("-inf"), 0.0
    while True:
        if not _dirty:
            _wake.clear()
            if not _dirty:  # a change marked between the test and clear() has set nothing lost
                _wake.wait()
        delay = next_flush(last, interval, time.monotonic(), took) - time.monotonic()
        if delay > 0:
            socketio.sleep(delay)
        last, cpu = time.monotonic(), fanout.flushed["cpu_seconds"]
        with app.app_context():
            flush()
        # The CPU the broadcasts took, not the wall time: a flush that yielded to requests waits
        # behind them, and counting that wait made the cadence coarse exactly when votes poured in.
        took = fanout.flushed["cpu_seconds"] - cpu
