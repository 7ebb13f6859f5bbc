"""Tests marked ``alone`` run with no other test at the same time when pytest-xdist runs the suite
in several processes (``-n 3``): a crowd of a thousand phones on two cores would otherwise slow
every other test's live server, and be slowed by them.

Every test holds a shared lock while it runs, an ``alone`` test the exclusive one. A turnstile in
front of it lets a waiting ``alone`` test in before tests that start later (without it, the
shared holders overlap forever and the exclusive one never gets its turn).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from pathlib import Path


def _lock_dir() -> Path | None:
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")  # the same for all workers of one run
    if not run:
        return None
    path = Path(tempfile.gettempdir()) / f"barcamp-xdist-{run}"
    path.mkdir(exist_ok=True)
    return path


@contextlib.contextmanager
def turn(alone: bool):
    """Hold the run's lock while a test runs: exclusively if ``alone``, else shared."""
    where = _lock_dir()
    if where is None:
        yield
        return
    with open(where / "turnstile", "a") as turnstile, open(where / "running", "a") as running:
        fcntl.flock(turnstile, fcntl.LOCK_EX)
        try:
            fcntl.flock(running, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
        finally:
            fcntl.flock(turnstile, fcntl.LOCK_UN)
        try:
            yield
        finally:
            fcntl.flock(running, fcntl.LOCK_UN)
