"""Rate limits that can name nobody: per browser, per address for brand-new identities, per event.

* **Keys.** Every counter is keyed by an HMAC of the browser id (or address) with a random salt
  this process makes at start and never stores, and each kind of limit has its own derivation.
  So a counter of question posts can't be matched to a browser's vote counter, nor to any
  browser id, by anyone reading the server (README, "Threat model").
* **Where.** Counters live in this process's memory (``SweptMemoryStorage``), also when scaled
  out: nginx's ``ip_hash`` keeps each phone (and each address) on one process, so nothing about
  who posts when ever reaches Redis.
* **Fresh identities.** A script can throw its cookie away for every post, so per-browser limits
  alone don't hold it. A browser id minted less than ``IDENTITY_FRESH_SECONDS`` ago (or none) is
  *fresh*; per address, only so many fresh identities may post (or vote) a minute, sized so a
  hall of real phones behind one NAT never meets it: they keep their cookies, and age.
* **Floods.** When an event gets more new pitches or questions a minute than any real crowd
  sends (``FLOOD_PER_MINUTE``), new ones wait for a facilitator's approval (``flooding``).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import time
from collections import deque

from flask import abort, current_app, request, session
from flask_limiter import Limiter
from limits.storage import Storage

_SALT = secrets.token_bytes(16)  # this process's own; never stored or logged


def _private(purpose: str, value: str | None) -> str:
    digest = hmac.new(_SALT, f"{purpose}\x1f{value or '-'}".encode(), hashlib.sha256).hexdigest()
    return f"{purpose}:{digest[:24]}"


def per_browser() -> str:
    """The default key: this browser (by its cookie's random id), else its address."""
    bid = session.get("bid")
    return _private("browser", bid) if bid else _private("address", request.remote_addr)


def per_asker() -> str:
    """The question wall's key: its own derivation, so it matches no other counter."""
    return _private("asker", session.get("bid") or request.remote_addr)


def per_address() -> str:
    """Per network address (event creation, imports)."""
    return _private("address", request.remote_addr)


def established() -> bool:
    """True if this browser's id was minted long enough ago (or it opened a facilitator link):
    it is exempt from the fresh ceilings."""
    if session.get("fac"):
        return True
    minted = session.get("bid_t")
    if not session.get("bid") or not isinstance(minted, int | float):
        return False
    return time.time() - minted >= current_app.config["IDENTITY_FRESH_SECONDS"]


limiter = Limiter(key_func=per_browser)

# (kind, address key) -> [end of the minute, keys of the fresh identities that acted in it]
_fresh: dict[tuple[str, str], list] = {}


def _admit_fresh(kind: str, per_minute: int) -> bool:
    """Count a fresh identity's action, once per identity and minute; False beyond the ceiling.

    It is identities that are counted, not actions: one eager phone counts once (its own
    per-browser limits hold it), while a script that takes a new cookie for every post, or
    sends none, counts every time.
    """
    now = time.monotonic()
    if len(_fresh) > 50_000:
        for key in [k for k, (end, _who) in _fresh.items() if end <= now]:
            del _fresh[key]
    where = (kind, _private("fresh", request.remote_addr))
    window = _fresh.get(where)
    if window is None or window[0] <= now:
        window = _fresh[where] = [now + 60, set()]
    bid = session.get("bid")
    who = _private("who", bid) if bid else secrets.token_hex(8)  # no cookie: a new identity each time
    if who in window[1]:
        return True
    if len(window[1]) >= per_minute:
        return False
    window[1].add(who)
    return True


def _fresh_gate(kind: str, per_minute: int):
    def decorate(view):
        @functools.wraps(view)
        def gated(*args, **kwargs):
            if request.method == "POST" and current_app.config["RATELIMIT_ENABLED"] and not established():
                if not _admit_fresh(kind, per_minute):
                    abort(429)
            return view(*args, **kwargs)

        return gated

    return decorate


# Posts (pitches, questions, tips, cards) from fresh identities: 20 new identities a minute per address.
fresh_posts = _fresh_gate("posts", 20)
# Votes, upvotes and marks: 300 new identities a minute per address (a hall arriving behind one NAT).
fresh_votes = _fresh_gate("votes", 300)


# event id, kind -> times of the newest creations (in this process)
_recent: dict[tuple[int, str], deque] = {}


def flooding(event_id: int, kind: str) -> bool:
    """Count one new pitch or question; True while the event gets more a minute than a crowd sends."""
    now = time.monotonic()
    times = _recent.setdefault((event_id, kind), deque())
    times.append(now)
    while times and times[0] < now - 60:
        times.popleft()
    if len(_recent) > 10_000:  # events long gone
        _recent.clear()
    return len(times) > current_app.config["FLOOD_PER_MINUTE"]


class SweptMemoryStorage(Storage):
    """Fixed-window rate-limit counters in this process's memory (``RATELIMIT_STORAGE_URI=swept-memory://``).

    limits' own ``memory://`` storage starts a timer thread on every hit that scans all keys
    every 10 ms; with thousands of phones that was ~8% of the server's CPU in the benchmark.
    Here expired windows are swept at most every ``SWEEP_EVERY`` seconds, during a hit.
    Under gevent nothing here yields, so no locks are needed.
    """

    STORAGE_SCHEME = ["swept-memory"]
    SWEEP_EVERY = 10.0

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        self.windows: dict[str, list[float]] = {}  # key -> [count, expires at]
        self.next_sweep = 0.0
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        return ValueError

    def _live(self, key: str, now: float) -> list[float] | None:
        window = self.windows.get(key)
        return window if window and window[1] > now else None

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        if now >= self.next_sweep:
            self.windows = {k: w for k, w in self.windows.items() if w[1] > now}
            self.next_sweep = now + self.SWEEP_EVERY
        window = self._live(key, now)
        if window is None:
            window = self.windows[key] = [0, now + expiry]
        window[0] += amount
        return int(window[0])

    def get(self, key: str) -> int:
        window = self._live(key, time.time())
        return int(window[0]) if window else 0

    def get_expiry(self, key: str) -> float:
        window = self._live(key, time.time())
        return window[1] if window else time.time()

    def check(self) -> bool:
        return True

    def reset(self) -> int:
        n = len(self.windows)
        self.windows = {}
        return n

    def clear(self, key: str) -> None:
        self.windows.pop(key, None)
