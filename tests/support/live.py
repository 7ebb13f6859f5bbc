"""Live servers and the clients that talk to them over the network: a gunicorn+gevent process,
a browserless phone, a vote from many phones at once, a slow answer for one page, tally messages."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from tests.support.env import ROOT, SOON, free_port, pg_create, pg_drop


def http_session() -> requests.Session:
    """A cookie-keeping HTTP client that opens a connection per request. gunicorn closes an idle
    keep-alive connection after 2 s; a request sent on it in that same moment is reset, and a POST
    can't safely be sent again. Localhost connections cost nothing, so the tests don't reuse them."""
    s = requests.Session()
    s.headers["Connection"] = "close"
    return s


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


METRICS_TOKEN = "operator-only"  # noqa: S105 -- the live test servers' /metrics token


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
            "METRICS_TOKEN": METRICS_TOKEN,
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
        with http_session() as s:
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


@contextlib.contextmanager
def own_server(tmp: Path, name: str, extra_env: dict | None = None):
    """A live server on a database of its own: SQLite in ``tmp``, or a new PostgreSQL database
    when ``TEST_DATABASE_URL`` is set (dropped afterwards). Migrated and started; closed after."""
    admin = os.environ.get("TEST_DATABASE_URL")
    url = pg_create(admin) if admin else f"sqlite:///{tmp / (name + '.db')}"
    server = LiveServer(url, tmp, extra_env)
    try:
        server.migrate()
        yield server.start()
    finally:
        server.close()
        if admin:
            pg_drop(url, admin)


class Browserless:
    """A phone or laptop talking plain HTTP to a live server, with its own cookies."""

    def __init__(self, base: str):
        self.base = base
        self.http = http_session()
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
    # Each phone starts on a new connection, as a browser does after it was idle: a POST sent on a
    # keep-alive connection just as the server closes it (idle for its keep-alive seconds) is reset,
    # and requests, unlike a browser, doesn't send it again.
    for v in voters:
        v.http.close()
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
