"""Scale-out: two gunicorn processes (one gevent worker each, own ports) sharing
PostgreSQL and the Redis message queue, as in the README's deploy section."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import requests
import socketio
import sqlalchemy as sa

from tests.support.env import PG_ADMIN_URL, REDIS_URL, ROOT, free_port, need, pg_create, pg_drop
from tests.support.live import Browserless, LiveServer, vote_all_at_once

pytestmark = pytest.mark.scaleout
INTERVAL = 0.25  # TALLY_INTERVAL of the live servers (tests.support.live.LiveServer)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Processes A and B on one fresh PostgreSQL database and one Redis channel."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError as exc:
        need(f"Redis is not reachable ({exc.__class__.__name__})")
    try:
        url = pg_create(PG_ADMIN_URL)
    except Exception as exc:  # noqa: BLE001
        need(f"PostgreSQL is not reachable ({exc.__class__.__name__})")
    env = {"REDIS_URL": REDIS_URL, "SOCKETIO_CHANNEL": f"barcamp-test-{uuid.uuid4().hex[:8]}"}
    servers = [LiveServer(url, tmp_path_factory.mktemp(name), env) for name in ("a", "b")]
    try:
        servers[0].migrate()
        for server in servers:
            server.start()
        yield (*servers, url)
    finally:
        for server in servers:
            server.close()
        pg_drop(url, PG_ADMIN_URL)


def db_votes(url: str, pitch_id: int) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        n = conn.execute(sa.text("SELECT count(*) FROM vote WHERE pitch_id = :p"), {"p": pitch_id}).scalar_one()
    engine.dispose()
    return n


def new_pitch(server: LiveServer, slug: str, title: str) -> int:
    author = Browserless(server.url)
    author.open(f"/e/{slug}")
    r = author.post(f"/e/{slug}/pitch", {"title": title, "level": "everyone", "format": "talk", "language": "de"})
    assert r.status_code == 200, r.text
    return r.json()["id"]


def listen(base: str, slug: str, transport: str = "websocket") -> tuple[socketio.Client, list]:
    """A phone at ``base`` with its own cookie and a socket; collects (time, tally)."""
    phone = Browserless(base)
    assert phone.open(f"/e/{slug}").status_code == 200
    tallies: list = []
    sio = socketio.Client(reconnection=False)
    sio.on("tally", lambda msg: tallies.append((time.monotonic(), msg)))
    sio.connect(f"{base}/?event={slug}", transports=[transport], headers={"Cookie": phone.cookie_header()})
    return sio, tallies


def wait_for(tallies: list, pitch_id: int, count: int, timeout: float = 5.0) -> float | None:
    """Time at which a vote tally with ``count`` for the pitch arrived, or None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for at, msg in list(tallies):
            if msg["kind"] == "votes" and msg["counts"].get(str(pitch_id)) == count:
                return at
        time.sleep(0.02)
    return None


def test_vote_posted_to_process_a_reaches_phone_on_process_b(cluster):
    a, b, url = cluster
    slug, _fac = a.create_event("Scale-out Camp")
    pitch_id = new_pitch(a, slug, "Redis für Anfänger")
    sio, tallies = listen(b.url, slug)
    voter = Browserless(a.url)
    voter.open(f"/e/{slug}")

    sent = time.monotonic()
    r = voter.post(f"/e/{slug}/pitches/{pitch_id}/vote", {"on": "1"})
    arrived = wait_for(tallies, pitch_id, 1)
    sio.disconnect()

    assert r.json()["voted"] is True
    assert db_votes(url, pitch_id) == 1
    assert arrived is not None, f"no tally reached process B: {tallies}"
    print(f"vote on A -> tally on B in {(arrived - sent) * 1000:.0f} ms")


def test_votes_on_both_processes_coalesce_and_every_phone_ends_on_the_database_count(cluster):
    a, b, url = cluster
    slug, _fac = a.create_event("Coalescing Camp")
    pitch_id = new_pitch(b, slug, "Many votes, few messages")
    listeners = [listen(a.url, slug), listen(b.url, slug)]
    voters = []
    for i in range(60):
        phone = Browserless((a, b)[i % 2].url)  # nginx ip_hash spreads phones over both
        phone.open(f"/e/{slug}")
        voters.append(phone)

    elapsed = vote_all_at_once(voters, slug, pitch_id)
    truth = db_votes(url, pitch_id)
    finals = [wait_for(tallies, pitch_id, truth) for _sio, tallies in listeners]
    for sio, _tallies in listeners:
        sio.disconnect()

    assert truth == 60
    assert all(at is not None for at in finals), "a phone never saw the database's count"
    for _sio, tallies in listeners:
        votes_tallies = [msg for _at, msg in tallies if msg["kind"] == "votes"]
        # Both processes' tallies reach every phone and can cross on the way through Redis. A page keeps
        # the one read last (``at``, on the database's clock, as live.js does): with votes only added,
        # what it shows never goes down, and it ends on the database's count.
        shown, newest = [], 0.0
        for msg in votes_tallies:
            if msg["at"] >= newest:
                newest = msg["at"]
                shown.append(msg["counts"][str(pitch_id)])
        assert shown == sorted(shown) and shown[-1] == truth
        # Each process broadcasts at most once per interval: 60 votes, a handful of messages.
        assert len(votes_tallies) <= 2 * (elapsed / INTERVAL + 3)
        assert len(votes_tallies) < 60


NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def nginx_config(a: LiveServer, b: LiveServer, port: int, redirect_port: int, logs: Path) -> str:
    """deploy/nginx.conf pointed at the test's processes, plain HTTP on free ports, logs in ``logs``."""
    text = (ROOT / "deploy" / "nginx.conf").read_text().replace("/var/log/nginx/", f"{logs}/")
    assert "ip_hash;" in text
    text = text.replace("127.0.0.1:8001", f"127.0.0.1:{a.port}").replace("127.0.0.1:8002", f"127.0.0.1:{b.port}")
    text = text.replace("listen 80;", f"listen 127.0.0.1:{redirect_port};")
    text = text.replace("listen 443 ssl;", f"listen 127.0.0.1:{port};")
    text = text.replace("include mime.types;", "include /etc/nginx/mime.types;")
    return "\n".join(line for line in text.splitlines() if "ssl_certificate" not in line)


@pytest.fixture
def nginx(cluster, tmp_path):
    """nginx running the sample config in front of processes A and B."""
    if not Path(NGINX).exists():
        need("nginx is not installed")
    a, b, _url = cluster
    port = free_port()
    (tmp_path / "logs").mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx_config(a, b, port, free_port(), tmp_path / "logs"))
    globals_ = f"daemon off; pid {tmp_path}/nginx.pid; error_log {tmp_path}/logs/error.log;"
    cmd = [NGINX, "-p", str(tmp_path), "-c", str(conf), "-g", globals_]
    check = subprocess.run([*cmd, "-t"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/healthz", timeout=1).ok:
                break
        except requests.RequestException:
            time.sleep(0.1)
    yield url, tmp_path / "logs" / "barcamp.log"
    proc.terminate()
    proc.wait(10)


def test_sample_nginx_config_keeps_each_phone_on_one_process_for_polling_and_websockets(cluster, nginx):
    a, b, url = cluster
    nginx, log = nginx
    slug, _fac = a.create_event("Behind nginx")
    pitch_id = new_pitch(b, slug, "Sticky sessions")
    # Long-polling sends many requests per session: they only work if all reach one process.
    listeners = [listen(nginx, slug, transport) for transport in ("polling", "websocket")]
    voter = Browserless(nginx)
    voter.open(f"/e/{slug}")

    r = voter.post(f"/e/{slug}/pitches/{pitch_id}/vote", {"on": "1"})
    direct = Browserless(b.url)  # a phone on the other process, past nginx
    direct.open(f"/e/{slug}")
    direct.post(f"/e/{slug}/pitches/{pitch_id}/vote", {"on": "1"})
    seen = [wait_for(tallies, pitch_id, 2) for _sio, tallies in listeners]
    for sio, _tallies in listeners:
        sio.disconnect()

    assert r.status_code == 200 and r.json()["voted"] is True
    assert db_votes(url, pitch_id) == 2
    assert all(at is not None for at in seen)
    # nginx's own log names nobody either: no address or user agent, no question-wall line.
    voter.http.headers["User-Agent"] = "NginxPhone/1.0 (unique)"
    assert voter.post(f"/e/{slug}/questions", {"text": "Asked through nginx?"}).status_code == 200
    deadline = time.monotonic() + 5
    while "/pitches/" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    text = log.read_text()
    assert f"/e/{slug}/pitches/{pitch_id}/vote" in text
    assert "/questions" not in text and "127.0.0.1" not in text and "NginxPhone" not in text and "?" not in text


def test_scaled_out_nothing_about_who_asks_or_votes_reaches_redis(tmp_path):
    """Rate limits on, every log on, Redis as the message queue: the server keeps no key in Redis,
    so its keys (and their expiry times) can't be matched to browsers, votes or questions."""
    import redis

    try:
        store = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
        store.ping()
    except redis.RedisError as exc:
        need(f"Redis is not reachable ({exc.__class__.__name__})")
    env = {
        "REDIS_URL": REDIS_URL,
        "SOCKETIO_CHANNEL": f"barcamp-test-{uuid.uuid4().hex[:8]}",
        "RATELIMIT_ENABLED": "1",
        "ACCESS_LOG": "-",
        "LOG_LEVEL": "debug",
    }
    server = LiveServer(f"sqlite:///{tmp_path / 'keys.db'}", tmp_path, env)
    server.migrate()
    server.start()
    before = set(store.keys("*"))
    try:
        slug, _fac = server.create_event("Keys Camp")
        pitch = new_pitch(server, slug, "Keys")
        for i in range(8):
            phone = Browserless(server.url)
            phone.open(f"/e/{slug}")
            assert phone.post(f"/e/{slug}/pitches/{pitch}/vote", {"on": "1"}).status_code == 200
            assert phone.post(f"/e/{slug}/questions", {"text": f"Who asked question {i}?"}).status_code == 200
        questions = requests.get(f"{server.url}/api/v1/events/{slug}", timeout=5).json()["questions"]
        assert len(questions) == 8
        phone.post(f"/e/{slug}/questions/{questions[0]['id']}/vote", {"on": "1"})
    finally:
        server.close()
    assert set(store.keys("*")) - before == set()
