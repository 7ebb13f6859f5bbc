"""Page weight for phones on bad Wi-Fi: the attendee home, as first loaded, transfers
at most 60 KB (HTML, CSS, JS and the vendored Socket.IO client together), measured
with Chromium's own network events (bytes on the wire, compressed, with headers)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from barcamp.demo.pitches import PITCHES
from tests.support.live import Browserless

pytestmark = pytest.mark.browser
BUDGET = 60 * 1024


@pytest.fixture(scope="module")
def demo_like_event(live_server):
    """An event with the demo's 30 pitches, tags, descriptions and some votes."""
    slug, _fac = live_server.create_event("Barcamp Rhein-Main 2026")
    author = Browserless(live_server.url)
    author.open(f"/e/{slug}")
    ids = []
    for i, (title, level, fmt, lang, tags) in enumerate(PITCHES):
        form = {"title": title, "level": level, "format": fmt, "language": lang, "tags": tags, "host_name": "Anna"}
        if i % 2:
            form["description"] = "Wir sammeln Erfahrungen, Fragen und Tipps – bring gern eigene Beispiele mit."
        r = author.post(f"/e/{slug}/pitch", form)
        assert r.status_code == 200, r.text
        ids.append(r.json()["id"])
    for n in range(8):
        voter = Browserless(live_server.url)
        voter.open(f"/e/{slug}")
        for pid in ids[: 3 + 3 * n]:
            assert voter.post(f"/e/{slug}/pitches/{pid}/vote", {"on": "1"}).status_code == 200
    return slug


def record_transfers(context, page) -> dict[str, dict]:
    """Every finished request of ``page``: url, bytes on the wire, content encoding."""
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    seen: dict[str, dict] = {}

    def response(e):
        headers = {k.lower(): v for k, v in e["response"]["headers"].items()}
        seen.setdefault(e["requestId"], {})["url"] = e["response"]["url"]
        seen[e["requestId"]]["encoding"] = headers.get("content-encoding", "")
        # From the HTTP cache, or a static file from the event's service worker (its cache of
        # fingerprinted files; pages it answers come from the network while there is one).
        r = e["response"]
        from_worker = r.get("fromServiceWorker") and "/static/" in r["url"]
        cached = r.get("fromDiskCache") or r.get("fromMemoryCache") or from_worker
        seen[e["requestId"]]["cached"] = seen[e["requestId"]].get("cached") or cached  # servedFromCache may come first

    def finished(e):
        seen.setdefault(e["requestId"], {})["bytes"] = e["encodedDataLength"]

    cdp.on("Network.responseReceived", response)
    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.requestServedFromCache", lambda e: seen.setdefault(e["requestId"], {}).update(cached=True))
    return seen


def open_home(page, url: str) -> None:
    page.goto(url, wait_until="networkidle")
    expect(page.get_by_role("heading", name="Session-Pitches")).to_be_visible()
    expect(page.locator("body[data-live=on]")).to_be_attached()  # the Socket.IO client loaded and connected


def test_attendee_home_first_load_transfers_at_most_60_kb(live_server, new_context, demo_like_event):
    context = new_context("phone", locale="de-DE")
    page = context.new_page()
    transfers = record_transfers(context, page)

    open_home(page, f"{live_server.url}/e/{demo_like_event}")
    page.wait_for_timeout(300)  # let the last loadingFinished events arrive

    done = [t for t in transfers.values() if "bytes" in t and "url" in t]
    total = sum(t["bytes"] for t in done)
    breakdown = "\n".join(f"{t['bytes']:>7} {t['encoding'] or '-':5} {t['url']}" for t in done)
    paths = {t["url"].replace(live_server.url, "").split("?")[0] for t in done}
    assert {f"/e/{demo_like_event}", "/static/css/app.css", "/static/vendor/socket.io.min.js"} <= paths
    assert "/static/js/live.js" in paths
    for t in done:
        if t["bytes"] > 2048:
            assert t["encoding"] == "gzip", breakdown
    assert total <= BUDGET, f"{total} bytes > {BUDGET}:\n{breakdown}"
    print(f"\nattendee home, first load: {total} bytes\n{breakdown}")


def test_attendee_home_second_visit_takes_fingerprinted_files_from_the_cache(live_server, new_context, demo_like_event):
    context = new_context("phone", locale="de-DE")
    page = context.new_page()
    url = f"{live_server.url}/e/{demo_like_event}"
    open_home(page, url)
    # The first visit installs the event's service worker, which fetches the same files into its
    # cache; a second visit while it still does can find the HTTP cache's entries busy. Wait for it.
    assert page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    transfers = record_transfers(context, page)

    page.goto("about:blank")
    open_home(page, url)
    page.wait_for_timeout(300)

    by_path = {t["url"].replace(live_server.url, "").split("?")[0]: t for t in transfers.values() if "url" in t}
    assert by_path["/static/vendor/socket.io.min.js"]["cached"], by_path["/static/vendor/socket.io.min.js"]
    assert by_path["/static/css/app.css"]["cached"], by_path["/static/css/app.css"]
    network = sum(t.get("bytes", 0) for t in transfers.values() if not t.get("cached"))
    assert network < 20 * 1024  # the page itself and a few 304s for the JS modules
