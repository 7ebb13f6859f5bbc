"""Flask extensions, created unbound and bound to the app in ``create_app``."""

import time

from flask import request, session
from flask_babel import Babel
from flask_limiter import Limiter
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from limits.storage import Storage
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Named constraints, so Alembic can alter them on SQLite and PostgreSQL alike.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


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


def _rate_key() -> str:
    """Rate-limit per attendee browser where known, else per address."""
    return session.get("bid") or request.remote_addr or "unknown"


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()
socketio = SocketIO()
limiter = Limiter(key_func=_rate_key)
