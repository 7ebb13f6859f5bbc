"""Fixtures: an app on a real database, HTTP and Socket.IO test clients, a live
gunicorn+gevent server, and real Chromium through Playwright.

SQLite is the default. With TEST_DATABASE_URL (a PostgreSQL URL) the same
suite runs against PostgreSQL, in a fresh database made for this run.
Under CI=true, a missing browser, PostgreSQL or Redis fails instead of skipping.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests

# A first day a few days ahead of whenever the suite runs (never a fixed date).
SOON = (dt.date.today() + dt.timedelta(days=5)).isoformat()

ROOT = Path(__file__).resolve().parent.parent
CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

os.environ.setdefault("BARCAMP_INSTANCE", str(Path("/tmp") / f"barcamp-test-{os.getpid()}"))


def need(reason: str):
    """Skip for a missing service locally; fail under CI, where everything must run."""
    if CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


# --- databases ----------------------------------------------------------------


def _pg_create(admin_url: str) -> str:
    """Create a throwaway PostgreSQL database; return its URL."""
    import sqlalchemy as sa

    name = f"barcamp_t_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name


def _pg_drop(url: str, admin_url: str) -> None:
    import sqlalchemy as sa

    name = url.rsplit("/", 1)[1]
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    engine.dispose()


@pytest.fixture(scope="session")
def pg_url():
    """A fresh PostgreSQL database for this test run (needs the server)."""
    try:
        url = _pg_create(PG_ADMIN_URL)
    except Exception as exc:  # noqa: BLE001
        need(f"PostgreSQL is not reachable ({exc.__class__.__name__})")
    yield url
    _pg_drop(url, PG_ADMIN_URL)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """The URL tests run on: TEST_DATABASE_URL (PostgreSQL, fresh db) or SQLite."""
    admin = os.environ.get("TEST_DATABASE_URL")
    if admin:
        url = _pg_create(admin)
        yield url
        _pg_drop(url, admin)
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


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


def tallies_of(received: list[dict]) -> list[dict]:
    """The ``tally`` messages among a test socket client's received ones, each checked to carry the
    time its counts were read (``at``), and returned without it."""
    out = []
    for m in received:
        if m["name"] == "tally":
            msg = dict(m["args"][0])
            assert isinstance(msg.pop("at"), float)
            out.append(msg)
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """A gunicorn+gevent process serving the app, exactly as deployed."""

    def __init__(self, database_url: str, tmp: Path, extra_env: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "live-test",
            "BARCAMP_INSTANCE": str(tmp),
            "RATELIMIT_ENABLED": "0",
            "TALLY_INTERVAL": "0.25",
            **(extra_env or {}),
        }
        self.log = open(tmp / f"server-{self.port}.log", "w")  # noqa: SIM115
        self.proc = None

    def migrate(self):
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
        )

    def start(self):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:config", "-b", f"127.0.0.1:{self.port}", "wsgi:app"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                if requests.get(self.url + "/healthz", timeout=1).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("live server did not start: " + Path(self.log.name).read_text()[-2000:])

    def stop(self, kill: bool = False):
        if self.proc and self.proc.poll() is None:
            self.proc.kill() if kill else self.proc.terminate()
            self.proc.wait(10)

    def close(self):
        self.stop()
        self.log.close()

    def create_event(self, name="Live Barcamp") -> tuple[str, str]:
        """Create an event through the / form; return (slug, facilitator URL)."""
        with requests.Session() as s:
            html = s.get(self.url + "/").text
            token = re.search(r'name="new-csrf_token" type="hidden" value="([^"]+)"', html).group(1)
            r = s.post(
                self.url + "/",
                data={
                    "new-csrf_token": token,
                    "new-name": name,
                    "new-timezone": "Europe/Berlin",
                    "new-first_day": SOON,
                },
            )
        assert r.status_code == 200, r.text[:500]
        slug = re.search(r"/e/([^/]+)/created", r.url).group(1)
        fac = re.search(r'id="facilitator-link" href="([^"]+)"', r.text).group(1)
        return slug, self.url + fac


class Browserless:
    """A phone or laptop talking plain HTTP to a live server, with its own cookies."""

    def __init__(self, base: str):
        self.base = base
        self.http = requests.Session()
        self.csrf = ""

    def open(self, path: str) -> requests.Response:
        r = self.http.get(self.base + path, timeout=10)
        m = re.search(r'name="csrf-token" content="([^"]+)"', r.text)
        if m:
            self.csrf = m.group(1)
        return r

    def post(self, path: str, data: dict | None = None, json_reply: bool = True) -> requests.Response:
        headers = {"X-CSRFToken": self.csrf}
        if json_reply:
            headers["Accept"] = "application/json"
        return self.http.post(self.base + path, data=data or {}, headers=headers, timeout=10)

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)


def vote_all_at_once(voters: list[Browserless], slug: str, pitch_id: int) -> float:
    """Every voter votes for the pitch at the same moment (a thread each); returns the seconds it took."""
    start = time.monotonic()
    threads = [
        threading.Thread(target=lambda v=v: v.post(f"/e/{slug}/pitches/{pitch_id}/vote", {"on": "1"})) for v in voters
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.monotonic() - start


class LateAnswer:
    """A slow network for one page: the first request to ``pattern`` reaches the server at once,
    but the page gets the server's answer only on ``deliver()``. Later requests pass through."""

    def __init__(self, page, pattern: str):
        self.page, self.pattern, self.held = page, pattern, None
        page.route(pattern, self._hold_first)

    def _hold_first(self, route):
        if self.held:
            route.continue_()
        else:
            self.held = (route, route.fetch())

    def answer(self, timeout: float = 5.0):
        """The held answer (as the server gave it), once the page has asked."""
        deadline = time.monotonic() + timeout
        while self.held is None:
            assert time.monotonic() < deadline, f"the page did not ask for {self.pattern}"
            self.page.wait_for_timeout(50)
        return self.held[1]

    def deliver(self, settle_ms: int = 500):
        """Let the page have the held answer, and give it time to read it."""
        route, answer = self.held
        with self.page.expect_response(lambda r: r.request.url == route.request.url):
            route.fulfill(response=answer)
        self.page.wait_for_timeout(settle_ms)


@pytest.fixture
def phone_http(live_server):
    """Factory: a new browserless phone on the live server."""
    return lambda: Browserless(live_server.url)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """One gunicorn+gevent server for the browser tests, on its own SQLite (or PostgreSQL) db."""
    tmp = tmp_path_factory.mktemp("live")
    admin = os.environ.get("TEST_DATABASE_URL")
    url = _pg_create(admin) if admin else f"sqlite:///{tmp / 'live.db'}"
    server = LiveServer(url, tmp)
    server.migrate()
    server.start()
    yield server
    server.close()
    if admin:
        _pg_drop(url, admin)


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

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


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


PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
PROJECTOR = {"viewport": {"width": 1920, "height": 1080}}
LAPTOP = {"viewport": {"width": 1366, "height": 900}}


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


AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run the vendored axe-core (WCAG 2.1 A/AA rules) on the page; return serious/critical violations.

    The page's strict CSP forbids injected scripts, so a11y contexts use ``bypass_csp=True``.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]
