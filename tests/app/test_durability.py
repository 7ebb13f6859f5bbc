"""No data loss under faults: kill -9 during a vote storm, clients that reconnect by themselves,
and a Redis outage in scale-out mode."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
import time
import uuid

import pytest
import requests
from sqlalchemy import create_engine, func, insert, select

from barcamp.models import Pitch, Vote
from tests.support.env import free_port, need, pg_create, pg_drop
from tests.support.live import LiveServer
from tests.support.world import LiveClient


@pytest.fixture
def own_db(tmp_path):
    """A database for one server that this test kills and restarts."""
    admin = os.environ.get("TEST_DATABASE_URL")
    url = pg_create(admin) if admin else f"sqlite:///{tmp_path / 'storm.db'}"
    yield url
    if admin:
        pg_drop(url, admin)


def _event_with_pitches(server, n: int, name: str) -> tuple[str, list[int]]:
    slug, _fac = server.create_event(name)
    author = LiveClient(server.url)
    author.get(f"/e/{slug}")
    for i in range(n):
        r = author.post(f"/e/{slug}/pitch", data={"title": f"Session {i}", "language": "de"})
        assert r.status_code == 302
    html = author.get(f"/e/{slug}").get_data(as_text=True)
    return slug, [int(i) for i in re.findall(r'id="pitch-(\d+)"', html)]


@pytest.mark.alone  # a load test: alone on the machine under pytest-xdist
def test_kill_9_during_a_vote_storm_loses_no_acknowledged_write(own_db, tmp_path):
    server = LiveServer(own_db, tmp_path)
    server.migrate()
    server.start()
    try:
        slug, pitch_ids = _event_with_pitches(server, 6, "Storm Camp")
        phones = [LiveClient(server.url) for _ in range(16)]
        for phone in phones:
            assert phone.get(f"/e/{slug}").status_code == 200
        acked_votes: set[tuple[int, int]] = set()
        acked_pitches: set[str] = set()
        failures = []
        lock = threading.Lock()

        def storm(i, phone):
            for round_ in range(1000):
                try:
                    pid = pitch_ids[(i + round_) % len(pitch_ids)]
                    r = phone.post(
                        f"/e/{slug}/pitches/{pid}/vote", data={"on": "1"}, headers={"Accept": "application/json"}
                    )
                    if r.status_code == 200 and r.r.json()["voted"]:
                        with lock:
                            acked_votes.add((i, pid))
                    if round_ % 5 == 0:  # and now and then a new pitch, re-sendable by its client id
                        cid = uuid.uuid4().hex
                        data = {"title": f"Storm {i}-{round_}", "language": "en", "client_id": cid}
                        r = phone.post(f"/e/{slug}/pitch", data=data, headers={"Accept": "application/json"})
                        if r.status_code == 200 and r.r.json()["ok"]:
                            with lock:
                                acked_pitches.add(cid)
                except requests.RequestException as exc:
                    failures.append(exc)
                    return

        threads = [threading.Thread(target=storm, args=(i, p)) for i, p in enumerate(phones)]
        for t in threads:
            t.start()
        while len(acked_votes) < 30:
            time.sleep(0.01)
        server.stop(kill=True)  # SIGKILL, mid-storm
        for t in threads:
            t.join(30)
        assert len(failures) == len(phones)  # every phone was cut off by the kill

        server.start()
        for i, phone in enumerate(phones):
            voted = set(phone.get(f"/e/{slug}/votes/mine").r.json()["voted"])
            assert {pid for (who, pid) in acked_votes if who == i} <= voted, f"phone {i} lost an acknowledged vote"
        engine = create_engine(own_db)
        with engine.connect() as conn:
            stored = set(conn.scalars(select(Pitch.client_id).where(Pitch.client_id.is_not(None))))
            votes = conn.scalar(select(func.count(Vote.id)))
        engine.dispose()
        assert acked_pitches <= stored and votes >= len(acked_votes)
        # and the restarted server carries on
        r = phones[0].post(
            f"/e/{slug}/pitches/{pitch_ids[0]}/vote", data={"on": "0"}, headers={"Accept": "application/json"}
        )
        assert r.status_code == 200 and r.r.json()["voted"] is False
    finally:
        server.close()


@pytest.mark.browser
def test_browser_reconnects_and_resyncs_by_itself_after_a_crash(own_db, tmp_path, new_context):
    from playwright.sync_api import expect

    server = LiveServer(own_db, tmp_path)
    server.migrate()
    server.start()
    try:
        slug, pitch_ids = _event_with_pitches(server, 1, "Crash Camp")
        phone = new_context("phone").new_page()
        phone.goto(f"{server.url}/e/{slug}")
        expect(phone.locator("body[data-live=on]")).to_have_count(1)
        server.stop(kill=True)
        expect(phone.locator("body[data-live=off]")).to_have_count(1, timeout=15000)
        expect(phone.get_by_role("status").filter(has_text="reconnecting")).to_be_visible()
        # A change the page cannot hear about: made while no server runs, straight into the database.
        engine = create_engine(own_db)
        with engine.begin() as conn:
            event_id = conn.scalar(select(Pitch.event_id).where(Pitch.id == pitch_ids[0]))
            conn.execute(insert(Pitch).values(event_id=event_id, title="Written while you were away"))
        engine.dispose()
        server.start()
        expect(phone.locator("body[data-live=on]")).to_have_count(1, timeout=20000)
        expect(phone.get_by_role("article", name="Written while you were away")).to_be_visible(timeout=5000)
        assert phone.evaluate("performance.getEntriesByType('navigation').length") == 1  # no reload
    finally:
        server.close()


# --- Redis outage in scale-out mode --------------------------------------------------------


class Redis:
    """A private redis-server on a free port, which the test can stop and start again."""

    def __init__(self, tmp):
        self.port, self.tmp, self.proc = free_port(), tmp, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.tmp),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # Redis is a service, on the real clock: when the suite runs under libfaketime (to show
            # it depends on no date), redis-server aborts with the library preloaded.
            env={k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith("FAKETIME")},
        )
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                import redis

                with redis.Redis.from_url(self.url, socket_connect_timeout=0.5) as probe:
                    if probe.ping():
                        return self
            except Exception:  # noqa: BLE001 -- not up yet
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


@pytest.mark.scaleout
def test_redis_outage_keeps_writes_and_live_updates_resume(own_db, tmp_path):
    import socketio

    if not shutil.which("redis-server"):
        need("redis-server is not installed")
    redis = Redis(tmp_path).start()
    env = {"REDIS_URL": redis.url, "RATELIMIT_ENABLED": "1", "TALLY_INTERVAL": "0.2"}
    a, b = LiveServer(own_db, tmp_path, env), LiveServer(own_db, tmp_path, env)
    a.migrate()
    a.start()
    b.start()
    heard: list[dict] = []
    listener = socketio.Client(reconnection=True)
    try:
        slug, pitch_ids = _event_with_pitches(a, 3, "Scale Camp")
        listener.on("tally", lambda msg: heard.append(msg))
        listener.connect(f"{b.url}?event={slug}", transports=["websocket"], wait_timeout=10)
        phones = [LiveClient(a.url) for _ in range(3)]

        def vote(phone, pid, on="1"):
            r = phone.post(f"/e/{slug}/pitches/{pid}/vote", data={"on": on}, headers={"Accept": "application/json"})
            assert r.status_code == 200, r.get_data(as_text=True)[:300]
            return r

        def wait_for(counts, timeout):
            deadline = time.time() + timeout
            while time.time() < deadline:
                if any(m["kind"] == "votes" and m["counts"] == counts for m in heard):
                    return True
                time.sleep(0.1)
            return False

        vote(phones[0], pitch_ids[0])
        assert wait_for({str(pitch_ids[0]): 1}, 10), heard  # a vote on A reaches a phone on B

        redis.stop()
        vote(phones[1], pitch_ids[0])  # writes keep working while Redis is down
        vote(phones[1], pitch_ids[1])
        assert (
            phones[2].post(f"/e/{slug}/pitch", data={"title": "During the outage", "language": "en"}).status_code == 302
        )
        heard.clear()
        time.sleep(1)
        assert not [m for m in heard if m["kind"] == "votes"]  # nothing travels between processes meanwhile

        redis.start()
        expected = {str(pitch_ids[0]): 2, str(pitch_ids[1]): 2}
        deadline = time.time() + 60
        while not wait_for(expected, 1):  # live updates resume once both processes reconnected to Redis
            assert time.time() < deadline, heard[-3:]
            vote(phones[2], pitch_ids[1], "0")
            vote(phones[2], pitch_ids[1], "1")
        assert listener.connected
        html = LiveClient(b.url).get(f"/e/{slug}").get_data(as_text=True)
        assert "During the outage" in html
    finally:
        if listener.connected:
            listener.disconnect()
        a.close()
        b.close()
        redis.stop()
