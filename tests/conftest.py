"""Fixtures: an app on a real database, HTTP and Socket.IO test clients, a live
gunicorn+gevent server, and real Chromium through Playwright.

SQLite is the default. With TEST_DATABASE_URL (a PostgreSQL URL) the same
suite runs against PostgreSQL, in a fresh database made for this run.
Under CI=true, a missing browser, PostgreSQL or Redis fails instead of skipping.
The helpers these fixtures use are in tests/support.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.alone import turn
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, LAPTOP, PHONE, PROJECTOR
from tests.support.env import PG_ADMIN_URL, ROOT, fresh_app, need, pg_create, pg_drop
from tests.support.live import Browserless, own_server


@pytest.fixture(autouse=True)
def _one_at_a_time_if_alone(request):
    """Under pytest-xdist, a test marked ``alone`` runs while no other test does (support/alone.py)."""
    with turn(request.node.get_closest_marker("alone") is not None):
        yield


# --- databases ----------------------------------------------------------------


@pytest.fixture(scope="session")
def pg_url():
    """A fresh PostgreSQL database for this test run (needs the server)."""
    try:
        url = pg_create(PG_ADMIN_URL)
    except Exception as exc:  # noqa: BLE001
        need(f"PostgreSQL is not reachable ({exc.__class__.__name__})")
    yield url
    pg_drop(url, PG_ADMIN_URL)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """The URL tests run on: TEST_DATABASE_URL (PostgreSQL, fresh db) or SQLite."""
    admin = os.environ.get("TEST_DATABASE_URL")
    if admin:
        url = pg_create(admin)
        yield url
        pg_drop(url, admin)
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture
def app(database_url):
    """The app on a clean schema."""
    with fresh_app(database_url) as app:
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_client(app):
    """A factory for more browsers (each with its own cookies)."""
    return app.test_client


@pytest.fixture
def socket_client(app):
    """A factory: a Socket.IO test client that shares the cookies of an HTTP test client."""
    from barcamp.core.extensions import socketio

    clients = []

    def make(http_client, slug, topics="questions,tips"):
        query = f"event={slug}&topics={topics}"
        sc = socketio.test_client(app, flask_test_client=http_client, query_string=query)
        clients.append(sc)
        return sc

    yield make
    for sc in clients:
        if sc.is_connected():
            sc.disconnect()


@pytest.fixture
def limited_app(app):
    """The same app and database, with rate limits on (Flask-Limiter reads the switch at init)."""
    from barcamp import create_app
    from barcamp.core.extensions import db
    from barcamp.core.ratelimits import limiter

    limited = create_app({**app.config, "RATELIMIT_ENABLED": True})
    yield limited
    limiter.enabled = False
    with limited.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def event_factory(app):
    """Create events through the domain function; returns (event, facilitator key)."""
    from barcamp.events.domain import create_event

    def make(name="Barcamp Test", **kwargs):
        with app.app_context():
            event, key = create_event(name, **kwargs)
            return event.slug, key

    return make


@pytest.fixture
def facilitator(app, event_factory):
    """A client that is facilitator of a fresh event; returns (client, slug)."""
    slug, key = event_factory()
    c = app.test_client()
    assert c.get(f"/e/{slug}/f/{key}").status_code == 302
    return c, slug


# --- live server ------------------------------------------------------------------


@pytest.fixture
def phone_http(live_server):
    """Factory: a new browserless phone on the live server."""
    return lambda: Browserless(live_server.url)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """One gunicorn+gevent server for the browser tests, on its own SQLite (or PostgreSQL) db."""
    with own_server(tmp_path_factory.mktemp("live"), "live") as server:
        yield server


@pytest.fixture(scope="session")
def live_demo(live_server):
    """The demo event (``flask --app wsgi demo``) loaded into the live server's database."""
    out = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "demo"],
        cwd=ROOT,
        env=live_server.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return {"slug": "demo", "code": "DEMO26", "facilitator": f"{live_server.url}/e/demo/f/demo-facilitator"}


# --- browser ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    """Real Chromium (Debian's /usr/bin/chromium); never a downloaded browser."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        need(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def new_context(browser):
    """Factory for isolated browser contexts (each a separate person), closed after the test."""
    contexts = []

    def make(kind="phone", locale="en-US", **kwargs):
        opts = {"phone": PHONE, "projector": PROJECTOR, "laptop": LAPTOP}[kind]
        ctx = browser.new_context(locale=locale, **opts, **kwargs)
        ctx.set_default_timeout(10_000)
        contexts.append(ctx)
        return ctx

    yield make
    for ctx in contexts:
        ctx.close()
