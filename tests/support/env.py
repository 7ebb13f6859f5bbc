"""The test environment: where the project is, which services to use, skipping (or failing under
CI) when one is missing, throwaway PostgreSQL databases, the app on a clean schema, free ports."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import uuid
from pathlib import Path

import pytest

# A first day a few days ahead of whenever the suite runs (never a fixed date).
SOON = (dt.date.today() + dt.timedelta(days=5)).isoformat()

ROOT = Path(__file__).resolve().parents[2]
CI = os.environ.get("CI", "").lower() == "true"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

# One instance folder per test process (pytest-xdist's workers each get their own).
os.environ["BARCAMP_INSTANCE"] = str(Path("/tmp") / f"barcamp-test-{os.getpid()}")


def need(reason: str):
    """Skip for a missing service locally; fail under CI, where everything must run."""
    if CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


# --- databases ----------------------------------------------------------------


def pg_create(admin_url: str) -> str:
    """Create a throwaway PostgreSQL database; return its URL."""
    import sqlalchemy as sa

    name = f"barcamp_t_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name


def pg_drop(url: str, admin_url: str) -> None:
    import sqlalchemy as sa

    name = url.rsplit("/", 1)[1]
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    engine.dispose()


@contextlib.contextmanager
def fresh_app(database_url: str):
    """The app on a clean schema (for fixtures of any scope)."""
    from barcamp import create_app
    from barcamp.core import ratelimits, realtime
    from barcamp.core.extensions import db

    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "SECRET_KEY": "test",
            "SERVER_NAME": "barcamp.test",
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
    realtime._dirty.clear()  # tallies marked by an earlier test are not this test's
    ratelimits._recent.clear()  # nor are its new pitches and questions (ids start again at 1)
    ratelimits._fresh.clear()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
