"""Real Chromium: stored XSS payloads in every user-written field stay inert on every view,
on full page loads and when live partials swap them in."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.world import LiveClient, build

pytestmark = pytest.mark.browser

PAYLOADS = ['"><img src=x onerror=alert(1)>', "</title><script>alert(2)</script>"]
INJECTED = "img[src='x'], svg[onload], [onerror], [onload], script:not([src])"


@pytest.fixture
def live_app(live_server):
    """An app on the live server's database, to set up events the way the world builder does."""
    from barcamp import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": live_server.env["DATABASE_URL"], "SERVER_NAME": "barcamp.test"})
    yield app
    from barcamp.core.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


class Watch:
    """Everything that would show an attack worked: dialogs, CSP violations, script errors."""

    def __init__(self, page):
        self.events: list[str] = []
        page.on("dialog", lambda d: (self.events.append(f"dialog: {d.message}"), d.dismiss()))
        page.on("pageerror", lambda e: self.events.append(f"error: {e}"))
        page.on(
            "console",
            lambda m: self.events.append(f"console: {m.text}") if "Content Security Policy" in m.text else None,
        )


def _inert(page, url, watch):
    assert page.locator(INJECTED).count() == 0, f"markup from user text became elements on {url}"
    assert watch.events == [], f"{url}: {watch.events}"


def _as(context, client, base):
    """Let a browser context carry a LiveClient's cookies (that browser's identity)."""
    context.add_cookies(
        [{"name": c.name, "value": c.value, "domain": "127.0.0.1", "path": c.path or "/"} for c in client.http.cookies]
    )
    return context


@pytest.mark.parametrize("payload", PAYLOADS)
def test_stored_payloads_are_inert_on_every_page(live_server, live_app, new_context, payload):
    world = build(live_app, text=payload, client=lambda: LiveClient(live_server.url))
    pages = []
    for rule in live_app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint not in ("static", "events.facilitator_link", "partials.live"):
            pages += world.urls(rule)
    shown = 0
    for role in ("author", "facilitator"):
        context = _as(new_context("laptop"), world.clients[role], live_server.url)
        page = context.new_page()
        watch = Watch(page)
        for url in pages:
            if "text/html" not in world.clients[role].get(url).headers.get("Content-Type", ""):
                continue  # downloads (CSV, iCal, JSON) are checked over HTTP in test_security
            page.goto(live_server.url + url)
            page.wait_for_load_state("load")
            _inert(page, url, watch)
            shown += payload in page.locator("body").inner_text()
    assert shown >= 20  # the payload was really on those pages, as text


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_arriving_live_stay_inert(live_server, live_app, new_context, payload):
    world = build(live_app, client=lambda: LiveClient(live_server.url))
    slug, author, fac = world.slug, world.clients["author"], world.clients["facilitator"]
    base = live_server.url
    phone = _as(new_context("phone"), world.clients["attendee"], base).new_page()
    projector = new_context("projector").new_page()
    console = _as(new_context("laptop"), fac, base).new_page()
    watches = {p: Watch(p) for p in (phone, projector, console)}
    phone.goto(f"{base}/e/{slug}")
    projector.goto(f"{base}/e/{slug}/projector")
    console.goto(f"{base}/e/{slug}/facilitate")
    for p in watches:
        expect(p.locator("body[data-live=on]")).to_have_count(1)

    pitch = {"title": payload, "description": payload, "host_name": payload[:60], "language": "en"}
    assert author.post(f"/e/{slug}/pitch", data=pitch).status_code == 302
    expect(phone.get_by_role("article", name=payload)).to_be_visible(timeout=5000)
    expect(console.locator("[data-live=pitchqueue]")).to_contain_text(payload, timeout=5000)
    room = {"room-name": payload[:60], "room-capacity": "10", "room-location": payload}
    assert fac.post(f"/e/{slug}/facilitate/rooms", data=room).status_code == 302
    expect(phone.locator("[data-live=rooms]")).to_contain_text(payload[:60], timeout=5000)

    assert author.post(f"/e/{slug}/questions", data={"text": f"Why {payload}?"}).status_code == 302
    tip = {"tip-text": f"Tip {payload}", "tip-link": "https://example.org/docs"}
    assert author.post(f"/e/{slug}/tips/post", data=tip).status_code == 302
    for mode in ("pitches", "grid", "nownext", "wall"):
        assert fac.post(f"/e/{slug}/facilitate/projector", data={"mode": mode}).status_code == 302
        projector.wait_for_timeout(600)
        _inert(projector, f"projector/{mode}", watches[projector])
    expect(projector.locator("body")).to_contain_text(f"Why {payload}?", timeout=5000)
    wall = _as(new_context("phone"), world.clients["anonymous"], base).new_page()
    watches[wall] = Watch(wall)
    wall.goto(f"{base}/e/{slug}/questions")
    expect(wall.locator("body[data-live=on]")).to_have_count(1)
    assert author.post(f"/e/{slug}/questions", data={"text": f"Again {payload}?"}).status_code == 302
    expect(wall.locator("body")).to_contain_text(f"Again {payload}?", timeout=5000)
    board = _as(new_context("phone"), world.clients["attendee"], base).new_page()
    watches[board] = Watch(board)
    board.goto(f"{base}/e/{slug}/tips")
    expect(board.locator("body[data-live=on]")).to_have_count(1)
    assert author.post(f"/e/{slug}/tips/post", data={"tip-text": f"More {payload}"}).status_code == 302
    expect(board.locator("body")).to_contain_text(f"More {payload}", timeout=5000)
    for p, watch in watches.items():
        _inert(p, p.url, watch)
        assert p.evaluate("performance.getEntriesByType('navigation').length") == 1  # updated live, not reloaded
