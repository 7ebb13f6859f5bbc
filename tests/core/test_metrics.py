"""/metrics: the operator's Prometheus endpoint. Refused without its token; its counters move."""

from __future__ import annotations

import time

import pytest
import requests
import socketio
from prometheus_client.parser import text_string_to_metric_families

from barcamp.core.metrics import registry
from tests.support.live import METRICS_TOKEN, Browserless, own_server


def scrape(base: str) -> dict[str, float]:
    r = requests.get(f"{base}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=5)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/plain")
    assert r.headers["Cache-Control"] == "no-store"
    samples = {}
    for family in text_string_to_metric_families(r.text):
        for s in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()) if k != "le")
            if "le" not in s.labels:
                samples[s.name + (f"{{{labels}}}" if labels else "")] = s.value
    return samples


def test_metrics_are_refused_without_the_operator_s_token(live_server):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": METRICS_TOKEN[:-1]}):
        r = requests.get(f"{live_server.url}/metrics", headers=headers, timeout=5)
        assert r.status_code == 403, headers
        assert "barcamp_votes_total" not in r.text
    r = requests.get(f"{live_server.url}/metrics?token={METRICS_TOKEN}", timeout=5)
    assert r.status_code == 403  # a token in the URL would end up in access logs


def test_without_a_configured_token_there_is_no_metrics_endpoint(client):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


@pytest.fixture(scope="module")
def metrics_server(tmp_path_factory):
    """A live server of its own: on the shared one, other tests' pages open and close sockets meanwhile."""
    with own_server(tmp_path_factory.mktemp("metrics"), "m") as server:
        yield server


def test_a_socket_event_named_disconnect_moves_nothing(metrics_server):
    live_server = metrics_server
    phone_http = lambda: Browserless(metrics_server.url)  # noqa: E731
    slug, _fac = live_server.create_event("Spoof Camp")
    phone = phone_http()
    phone.open(f"/e/{slug}")
    sio = socketio.Client()
    sio.connect(f"{live_server.url}/?event={slug}", transports=["websocket"], headers={"Cookie": phone.cookie_header()})
    try:
        time.sleep(0.3)
        connected = scrape(live_server.url)["barcamp_sockets_connected"]
        for _ in range(5):
            sio.emit("disconnect", {"reason": "spoofed"})
        time.sleep(0.3)
        assert scrape(live_server.url)["barcamp_sockets_connected"] == connected >= 1
    finally:
        sio.disconnect()


def test_counters_move_after_sockets_connect_and_votes_are_cast(metrics_server):
    live_server = metrics_server
    phone_http = lambda: Browserless(metrics_server.url)  # noqa: E731
    slug, fac_url = live_server.create_event("Metrics Camp")
    fac = phone_http()
    fac.open(fac_url.replace(live_server.url, ""))
    fac.post(f"/e/{slug}/pitch", {"title": "Measured pitch", "level": "everyone", "format": "talk", "language": "en"})
    pid = fac.http.get(f"{live_server.url}/api/v1/events/{slug}").json()["pitches"][0]["id"]
    before = scrape(live_server.url)

    listener = phone_http()
    listener.open(f"/e/{slug}")
    tallies = []
    sio = socketio.Client()
    sio.on("tally", tallies.append)
    sio.connect(
        f"{live_server.url}/?event={slug}", transports=["websocket"], headers={"Cookie": listener.cookie_header()}
    )
    try:
        voters = [phone_http() for _ in range(5)]
        for v in voters:
            v.open(f"/e/{slug}")
            assert v.post(f"/e/{slug}/pitches/{pid}/vote", {"on": "1"}).json()["voted"] is True
        voters[0].post(f"/e/{slug}/pitches/{pid}/vote", {"on": "1"})  # again: no change, not counted
        voters[1].post(f"/e/{slug}/pitches/{pid}/vote", {"on": ""})  # taken back: counted
        deadline = time.monotonic() + 10
        while not tallies or tallies[-1]["counts"].get(str(pid)) != 4:
            assert time.monotonic() < deadline, tallies
            time.sleep(0.05)
        during = scrape(live_server.url)
    finally:
        sio.disconnect()

    assert during["barcamp_sockets_connected"] >= before["barcamp_sockets_connected"] + 1
    assert during["barcamp_votes_total{kind=pitch}"] - before.get("barcamp_votes_total{kind=pitch}", 0) == 6
    assert during["barcamp_broadcast_seconds_count"] >= before["barcamp_broadcast_seconds_count"] + 1
    assert during["barcamp_broadcast_seconds_sum"] > before["barcamp_broadcast_seconds_sum"]
    assert during["barcamp_commit_to_emit_seconds_count"] >= before["barcamp_commit_to_emit_seconds_count"] + 1
    assert "barcamp_db_busy_retries_total" in during and "barcamp_rate_limited_total" in during
    deadline = time.monotonic() + 5
    while scrape(live_server.url)["barcamp_sockets_connected"] != during["barcamp_sockets_connected"] - 1:
        assert time.monotonic() < deadline, "a closed socket still counts as connected"
        time.sleep(0.05)


def test_every_429_is_counted(limited_app):
    limited_client = limited_app.test_client()
    before = registry.get_sample_value("barcamp_rate_limited_total")
    statuses = [
        limited_client.post("/", data={"new-name": "Spam", "new-timezone": "UTC"}).status_code for _ in range(40)
    ]
    assert 429 in statuses
    assert registry.get_sample_value("barcamp_rate_limited_total") - before == statuses.count(429)
