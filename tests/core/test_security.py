"""Requests and browsers: CSRF, websocket origins, cookies, headers, untrusted content, limits, busy databases."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import icalendar
import pytest
import requests
from sqlalchemy import func, select

from barcamp.core.extensions import db
from barcamp.models import Event, Pitch
from tests.support.env import ROOT, SOON
from tests.support.live import own_server
from tests.support.world import build

XSS = "<img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://evil.example","x")'
INJECT = "\r\nATTACH:http://evil.example/x\r\nX-EVIL:1"


def post_rules(app):
    return [r for r in app.url_map.iter_rules() if "POST" in r.methods]


def get_urls(app, world):
    """Every GET URL of the app for ``world``, live partials by name."""
    from barcamp.core.partials import _renderers

    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "favicon"):  # files, no user text
            continue
        if rule.endpoint == "partials.live":
            urls += [f"/e/{world.slug}/live/{name}" for name in _renderers]
        elif rule.endpoint != "events.facilitator_link":  # would make the client a facilitator
            urls += world.urls(rule)
    return urls


def csrf_token(client) -> str:
    html = client.get("/").get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


# --- CSRF ---------------------------------------------------------------------------


def test_every_post_route_refuses_a_missing_or_wrong_csrf_token(app):
    world = build(app)
    app.config["WTF_CSRF_ENABLED"] = True
    fac = world.clients["facilitator"]
    checked = 0
    for rule in post_rules(app):
        for url in world.urls(rule):
            page = fac.post(url, data={"title": "x"})
            assert page.status_code == 400 and "form expired" in page.get_data(as_text=True), url
            bg = fac.post(url, data={"csrf_token": "forged"}, headers={"Accept": "application/json"})
            assert bg.status_code == 400 and "form expired" in bg.get_json()["error"], url
            checked += 1
    assert checked >= 40


def test_every_post_route_accepts_the_pages_csrf_token_in_form_or_header(app):
    world = build(app)
    app.config["WTF_CSRF_ENABLED"] = True
    fac = world.clients["facilitator"]
    token = csrf_token(fac)
    for rule in post_rules(app):
        for url in world.urls(rule):
            if rule.endpoint in ("privacy.delete", "setup.day_delete", "setup.room_delete", "setup.slot_delete"):
                continue  # would remove what the next routes need
            r = fac.post(url, data={"csrf_token": token})
            assert "form expired" not in r.get_data(as_text=True), url
            r = fac.post(url, headers={"X-CSRFToken": token, "Accept": "application/json"})
            assert "form expired" not in r.get_data(as_text=True), url


# --- websocket origin ---------------------------------------------------------------


def _handshake(server, origin, **headers):
    return requests.get(
        f"{server.url}/socket.io/?EIO=4&transport=polling",
        headers={"Origin": origin, **headers},
        timeout=10,
    )


def _websocket(server, origin):
    import websocket

    ws = websocket.create_connection(
        f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket", origin=origin, timeout=10
    )
    ws.close()


def test_socket_refuses_a_foreign_origin(live_server):
    import websocket

    assert _handshake(live_server, "https://evil.example").status_code == 400
    assert _handshake(live_server, live_server.url).status_code == 200
    with pytest.raises(websocket.WebSocketBadStatusException):
        _websocket(live_server, "https://evil.example")
    _websocket(live_server, live_server.url)


@pytest.fixture(scope="module")
def proxied_server(tmp_path_factory):
    """A live server configured for a deployment behind a proxy, with one extra allowed origin."""
    with own_server(
        tmp_path_factory.mktemp("proxied"), "p", {"SOCKETIO_ORIGINS": "https://app.example.org", "PROXY_HOPS": "1"}
    ) as server:
        yield server


def test_socket_origins_are_configurable_and_proxy_aware(proxied_server):
    assert _handshake(proxied_server, "https://app.example.org").status_code == 200
    assert _handshake(proxied_server, "https://evil.example").status_code == 400
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "barcamp.example.org"}
    assert _handshake(proxied_server, "https://barcamp.example.org", **proxied).status_code == 200
    assert _handshake(proxied_server, "https://evil.example", **proxied).status_code == 400
    # A second hop the proxy did not add is not trusted: the proxy's own (last) value counts.
    two = {"X-Forwarded-Proto": "https,https", "X-Forwarded-Host": "evil.example, barcamp.example.org"}
    assert _handshake(proxied_server, "https://barcamp.example.org", **two).status_code == 200
    assert _handshake(proxied_server, "https://evil.example", **two).status_code == 400


@pytest.mark.parametrize("junk", ['42["changed",', "4x", '42{"a":', "\x00\x01"])
def test_a_malformed_socket_packet_closes_the_socket_with_one_log_line(live_server, junk):
    import websocket

    slug, _fac = live_server.create_event("Junk Camp")
    log = Path(live_server.log.name)
    before = log.read_text()
    url = f"ws://127.0.0.1:{live_server.port}/socket.io/?EIO=4&transport=websocket&event={slug}"
    ws = websocket.create_connection(url, origin=live_server.url, timeout=5)
    assert ws.recv().startswith("0{")
    ws.send("40")
    assert ws.recv().startswith("40")
    ws.send(junk)
    with pytest.raises(
        (websocket.WebSocketConnectionClosedException, ConnectionError, websocket.WebSocketTimeoutException)
    ):
        for _ in range(5):  # anything still queued, then the close
            ws.recv()
    ws.close()
    time.sleep(0.3)
    added = log.read_text()[len(before) :]
    assert "Traceback" not in added and "File " not in added
    assert len([line for line in added.splitlines() if "malformed" in line]) == 1, added
    assert "\x00" not in added and "nope" not in added  # the client's bytes are not echoed into the log


def test_without_proxy_hops_forwarded_headers_are_not_trusted(live_server):
    """A script sends a foreign Origin with X-Forwarded-Host naming it: still a foreign origin."""
    forged = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"}
    assert _handshake(live_server, "https://evil.example", **forged).status_code == 400
    assert _handshake(live_server, live_server.url, **forged).status_code == 200


# --- cookies and headers ---------------------------------------------------------------


def _session_cookie(response) -> str:
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))


def test_session_cookie_is_httponly_and_samesite_lax(client, event_factory):
    slug, _ = event_factory()
    cookie = _session_cookie(client.get(f"/e/{slug}"))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_session_cookie_is_secure_behind_an_https_proxy(database_url, event_factory):
    from barcamp import create_app
    from barcamp.core.extensions import db

    slug, _ = event_factory()
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "PROXY_HOPS": 1, "SECRET_KEY": "x"})
    r = app.test_client().get(f"/e/{slug}", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in _session_cookie(r) and "max-age" in r.headers["Strict-Transport-Security"]
    r = app.test_client().get(f"/e/{slug}")
    assert "Secure" not in _session_cookie(r) and "Strict-Transport-Security" not in r.headers
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_session_cookie_is_secure_when_configured_for_https(app, tmp_path, database_url):
    script = (
        "from barcamp import create_app\nfrom barcamp.events.domain import create_event\n"
        "app = create_app()\n"
        "with app.app_context():\n    slug = create_event('Https Camp')[0].slug\n"
        "r = app.test_client().get(f'/e/{slug}', base_url='https://barcamp.example.org')\n"
        "print([h for h in r.headers.getlist('Set-Cookie') if h.startswith('session=')][0])\n"
        "print(r.headers.get('Strict-Transport-Security'))\n"
    )
    env = {
        **os.environ,
        "PREFERRED_URL_SCHEME": "https",
        "BARCAMP_INSTANCE": str(tmp_path),
        "DATABASE_URL": database_url,
    }
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    cookie, hsts = out.stdout.splitlines()[-2:]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert hsts.startswith("max-age=")


def test_every_page_sends_a_strict_csp_and_security_headers(app):
    world = build(app)
    for role in ("anonymous", "facilitator"):
        for url in get_urls(app, world):
            r = world.clients[role].get(url)
            csp = r.headers.get("Content-Security-Policy", "")
            if "/logo/" in url and r.status_code == 200:  # an uploaded logo: nothing in it may run or load
                assert csp.startswith("default-src 'none';") and "script" not in csp and "sandbox" in csp, url
                assert "frame-ancestors 'none'" in csp and r.headers["X-Content-Type-Options"] == "nosniff", url
                continue
            assert "script-src 'self'" in csp and "object-src 'none'" in csp, url
            assert "frame-ancestors 'none'" in csp and "unsafe" not in csp, url
            assert r.headers["X-Content-Type-Options"] == "nosniff", url
            assert r.headers["X-Frame-Options"] == "DENY" and r.headers["Referrer-Policy"] == "same-origin", url
            if r.mimetype == "text/html":
                html = r.get_data(as_text=True)
                assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), f"inline script in {url}"
                assert not re.search(r"""<[^>]+\s(style|on[a-z]+)=["']""", html), f"inline style/handler in {url}"


def test_templates_have_no_inline_script_style_or_event_handlers():
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=", text), path


def test_javascript_inserts_html_only_from_server_rendered_partials():
    for path in (ROOT / "static" / "js").glob("*.js"):
        text = path.read_text()
        for m in re.finditer(
            r"innerHTML\s*=(?!=)|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function", text
        ):
            line = text[text.rfind("\n", 0, m.start()) + 1 : text.find("\n", m.start())]
            # The two allowed forms, both HTML rendered (and escaped) by Jinja on the server: a partial
            # fetched from the server, and an item's card that a change message carries (live.js).
            fetched = re.fullmatch(r"\s*el\.innerHTML = html;", line) and "await res.text()" in text
            pushed = re.fullmatch(r"\s*tpl\.innerHTML = html\.trim\(\);", line) and "msg.html[" in text
            # And the fetched partial parsed into an inert <template> (no scripts run, nothing loads)
            # only to compare it with what the element shows (live.js sameAs).
            compared = re.fullmatch(r"\s*parsed\.innerHTML = html;", line) and (
                'const parsed = document.createElement("template");' in text and "await res.text()" in text
            )
            assert fetched or pushed or compared, f"{path}: {line}"


def test_request_over_max_content_length_gets_a_friendly_413(client, event_factory):
    slug, _ = event_factory()
    r = client.post(f"/e/{slug}/pitch", data={"title": "x" * (300 * 1024)})
    assert r.status_code == 413 and "too much text" in r.get_data(as_text=True)
    r = client.post(f"/e/{slug}/pitch", data={"title": "x" * (300 * 1024)}, headers={"Accept": "application/json"})
    assert r.status_code == 413 and "too much text" in r.get_json()["error"]


def test_huge_ids_and_nul_characters_are_refused_not_crashes(facilitator):
    c, slug = facilitator
    assert c.get(f"/e/{slug}/pitches/{2**63}/edit").status_code == 404
    assert c.post(f"/e/{slug}/pitches/{10**30}/vote").status_code == 404
    assert c.get(f"/e/{slug}%00").status_code == 404
    assert c.post(f"/e/{slug}/pitch", data={"title": "a\x00b", "language": "en"}).status_code == 400
    assert c.post(f"/e/{slug}/facilitate/grid/unschedule", data={"pitch_id": str(10**30)}).status_code == 400


def test_redirect_targets_stay_on_this_site(client, event_factory, app):
    world = build(app)
    for target in (
        "https://evil.example/x",
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "/\t/evil.example/",
    ):
        r = world.clients["attendee"].post(
            f"/e/{world.slug}/pitches/{world.ids['pitch_id']}/vote", data={"on": "1", "next": target}
        )
        assert r.status_code == 302 and r.headers["Location"].startswith("/e/"), target
        location = client.get(f"/lang/de?next={target}").headers["Location"]
        assert location.startswith("/") and not location.startswith(("//", "/\\")), target
        assert not urlsplit(location).netloc and not urlsplit(location).scheme, target


@pytest.mark.parametrize("target", ["/\t/evil.example/", "/%09/evil.example/", "/%0A/x", "/%0D%0ASet-Cookie:x=1"])
def test_language_switch_never_redirects_off_site_or_crashes(client, target):
    r = client.get(f"/lang/en?next={target}")
    assert r.status_code == 302
    location = r.headers["Location"]
    assert location == "/" or (location.startswith("/") and not location.startswith(("//", "/\\"))), location
    assert not urlsplit(location).netloc and "\n" not in location and "\t" not in location


JSON_BODIES = [
    {"title": 12345, "text": 5, "on": 1, "pitch_id": "x", "mode": ["grid"], "decision": {"a": 1}},
    {"title": {"nested": "object"}, "text": ["a", "b"], "tags": 7, "level": None, "language": True},
    {key: {"x": [1, 2]} for key in ("title", "text", "description", "host_name", "name", "label", "confirm")},
]


def test_json_bodies_where_forms_are_expected_never_give_a_500(app):
    """Every POST route, sent JSON with numbers, objects and lists where the forms expect text."""
    world = build(app)
    checked = 0
    for rule in post_rules(app):
        if rule.endpoint == "privacy.delete":
            continue  # the rest of the world must stay for the other routes
        for url in world.urls(rule):
            for role in ("author", "facilitator"):
                for body in JSON_BODIES:
                    r = world.clients[role].post(url, json=body, headers={"Accept": "application/json"})
                    assert r.status_code < 500, f"{role} {url} {body}: {r.status_code}"
                    checked += 1
    assert checked >= 200
    with app.app_context():
        titles = [t for (t,) in db.session.execute(select(Pitch.title))]
    assert not any(t in ("12345", "{'nested': 'object'}") for t in titles)


# --- untrusted content -------------------------------------------------------------


def test_user_text_is_escaped_on_every_page_partial_and_json(app):
    world = build(app, text=XSS)
    escaped = 0
    for role in ("author", "facilitator"):
        for url in get_urls(app, world):
            r = world.clients[role].get(url)
            body = r.get_data(as_text=True)
            if r.mimetype == "text/html":
                assert XSS not in body, f"raw payload in {url}"
                escaped += "&lt;img src=x onerror=alert(1)&gt;" in body
            elif r.mimetype in ("application/json", "application/manifest+json"):
                json.loads(body)  # user text travels as JSON strings; pages insert it with textContent
            elif r.mimetype == "text/javascript":  # the event's service worker: URLs and a build, no user text
                assert XSS not in body, url
            else:
                assert r.mimetype in (
                    "text/calendar",
                    "text/csv",
                    "text/vcard",
                    "image/svg+xml",
                    "text/x-vcard",
                    "text/css",
                ), url
                if r.mimetype in ("text/css", "image/svg+xml"):  # the accent stylesheet, QR codes and the logo
                    assert "onerror" not in body and "<img" not in body, url
    assert escaped >= 20  # the payload was really shown, escaped, on many views


def test_csv_exports_neutralise_formulas(app):
    world = build(app, text=FORMULA)
    csv_urls = [u for rule in app.url_map.iter_rules() if ".csv" in rule.rule for u in world.urls(rule)]
    assert len(csv_urls) >= 2
    seen = 0
    for role in ("author", "facilitator"):
        for url in csv_urls:
            r = world.clients[role].get(url)
            if r.status_code != 200:
                continue
            for row in csv.reader(io.StringIO(r.get_data(as_text=True))):
                for cell in row:
                    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), f"{url}: {cell!r}"
                    seen += "HYPERLINK" in cell
    assert seen >= 2


def test_calendar_and_vcard_exports_cannot_be_given_extra_properties(app):
    world = build(app, text=f"Talk{INJECT}")
    author, attendee = world.clients["author"], world.clients["attendee"]
    assert author.post(f"/e/{world.slug}/tips/connections/{world.ids['conn_id']}/accept").status_code == 302
    summaries = []
    for client in (author, attendee, world.clients["facilitator"]):
        for rule in app.url_map.iter_rules():
            if rule.rule.endswith((".ics", ".vcf")):
                for url in world.urls(rule):
                    body = client.get(url).get_data(as_text=True)
                    assert not re.search(r"^(ATTACH|X-EVIL)", body, re.M), url
                    if url.endswith(".ics"):
                        for item in icalendar.Calendar.from_ical(body).walk("VEVENT"):
                            assert "ATTACH" not in item and "X-EVIL" not in item
                            summaries.append(str(item["SUMMARY"]))
    assert any(s.startswith("Talk") and "ATTACH:" in s for s in summaries)  # the text stayed inside SUMMARY
    vcard = attendee.get(f"/e/{world.slug}/tips/export.vcf").get_data(as_text=True)
    assert "FN:Talk" in vcard and vcard.count("BEGIN:VCARD") == vcard.count("END:VCARD") == 1


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example",
        "ftp://example.org",
    ],
)
def test_links_allow_only_http_and_https(app, link):
    world = build(app)
    author = world.clients["author"]
    r = author.post(f"/e/{world.slug}/tips/post", data={"tip-text": "A useful tip", "tip-link": link})
    assert r.status_code == 400 and "Only http:// and https:// links" in r.get_data(as_text=True)
    card = {"card-display_name": "Ada", "card-contact": link, "card-contact_visibility": "public"}
    r = author.post(f"/e/{world.slug}/tips/card", data=card)
    assert r.status_code == 400 or not link.strip().lower().startswith(("javascript", "data", "vbscript"))
    for url in get_urls(app, world):
        body = world.clients["facilitator"].get(url).get_data(as_text=True)
        assert not re.search(r"""href=["']?\s*(javascript|data|vbscript):""", body, re.I), url


def test_http_links_are_kept_and_open_safely(app):
    world = build(app)
    author = world.clients["author"]
    r = author.post(
        f"/e/{world.slug}/tips/post", data={"tip-text": "A useful tip", "tip-link": "https://example.org/a?b=1"}
    )
    assert r.status_code == 302
    html = author.get(f"/e/{world.slug}/tips").get_data(as_text=True)
    tag = re.search(r'<a [^>]*href="https://example.org/a\?b=1"[^>]*>', html).group(0)
    assert "noopener" in tag and "nofollow" in tag


# --- rate limits ------------------------------------------------------------------------


def _hammer(client, url, data, limit=200):
    for i in range(limit):
        r = client.post(url, data=data)
        if r.status_code == 429:
            return i
    raise AssertionError(f"no 429 from {url} after {limit} requests")


LIMITED = {
    "event creation": ("/", lambda w: {"new-name": "Spam", "new-timezone": "UTC", "new-first_day": SOON}),
    "pitching": ("/e/{slug}/pitch", lambda w: {"title": "Spam", "language": "en"}),
    "voting": ("/e/{slug}/pitches/{pitch_id}/vote", lambda w: {"on": "1"}),
    "questions": ("/e/{slug}/questions", lambda w: {"text": "Spam spam spam?"}),
    "question reports": ("/e/{slug}/questions/{question_id}/report", lambda w: {}),
    "tips": ("/e/{slug}/tips/post", lambda w: {"tip-text": "Spam tip"}),
    "tip reports": ("/e/{slug}/tips/report/tip/{tip_id}", lambda w: {}),
    "event import": ("/import", lambda w: {}),
}


@pytest.mark.parametrize("action", LIMITED)
def test_rate_limit_answers_429_kindly_and_spares_other_people(app, limited_app, action):
    world = build(app)
    path, data = LIMITED[action]
    url = path.format(**world.ids)
    abuser = limited_app.test_client()
    abuser.get(f"/e/{world.slug}")
    abuser.post(f"/e/{world.slug}/tips/card", data={"card-display_name": "Spammer"})  # on the board, to post tips
    _hammer(abuser, url, data(world))
    page = abuser.post(url, data=data(world))
    html = page.get_data(as_text=True)
    assert page.status_code == 429 and page.mimetype == "text/html"
    assert re.search(r"<h1>[^<]+</h1>|class=\"error\"", html) and "Traceback" not in html
    bg = abuser.post(url, data=data(world), headers={"Accept": "application/json"})
    assert bg.status_code == 429 and bg.get_json()["error"]
    # someone else, from another network, is not affected
    other = limited_app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.9.8.7"
    other.get(f"/e/{world.slug}")
    other.post(f"/e/{world.slug}/tips/card", data={"card-display_name": "Other"})
    assert other.post(url, data=data(world)).status_code != 429


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory):
    with own_server(tmp_path_factory.mktemp("limited"), "l", {"RATELIMIT_ENABLED": "1"}) as server:
        yield server


def test_one_abusive_client_is_throttled_while_others_keep_voting(limited_server):
    from tests.support.world import LiveClient

    slug, fac_url = limited_server.create_event("Load Camp")
    author = LiveClient(limited_server.url)
    author.get(f"/e/{slug}")
    for title in ("A", "B", "C"):
        assert author.post(f"/e/{slug}/pitch", data={"title": f"Pitch {title}", "language": "de"}).status_code == 302
    pitch_ids = [int(i) for i in re.findall(r'id="pitch-(\d+)"', author.get(f"/e/{slug}").get_data(as_text=True))]
    abuser = LiveClient(limited_server.url)
    abuser.get(f"/e/{slug}")
    statuses: list[int] = []
    stop = threading.Event()

    def hammer():
        mine = LiveClient(limited_server.url)  # the same browser (cookie), one connection per thread
        mine.http.cookies.update(abuser.http.cookies)
        mine.csrf = abuser.csrf
        while not stop.is_set():
            statuses.append(mine.post(f"/e/{slug}/pitches/{pitch_ids[0]}/vote", data={"on": "1"}).status_code)

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        while statuses.count(429) < 50:
            time.sleep(0.05)
        people = [LiveClient(limited_server.url) for _ in range(10)]
        for person in people:
            assert person.get(f"/e/{slug}").status_code == 200
            for pid in pitch_ids:
                r = person.post(
                    f"/e/{slug}/pitches/{pid}/vote", data={"on": "1"}, headers={"Accept": "application/json"}
                )
                assert r.status_code == 200 and r.r.json()["voted"] is True
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert statuses.count(429) >= 50 and set(statuses) <= {200, 302, 429}


# --- a busy database: another writer holds the lock ----------------------------------------


def _hold_write_lock(database_url: str, seconds: float, ready: threading.Event):
    """Hold the write lock that a vote needs: SQLite's database lock, PostgreSQL's table lock."""
    if database_url.startswith("sqlite"):
        import sqlite3

        con = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
        con.execute("BEGIN IMMEDIATE")
        ready.set()
        time.sleep(seconds)
        con.execute("COMMIT")
        con.close()
        return
    import psycopg

    with psycopg.connect(database_url.replace("postgresql+psycopg://", "postgresql://")) as con:
        con.execute("LOCK TABLE vote IN EXCLUSIVE MODE")
        ready.set()
        time.sleep(seconds)


def test_busy_database_write_is_retried_until_it_succeeds(app, database_url):
    from barcamp.core.metrics import registry

    world = build(app)
    retries = registry.get_sample_value("barcamp_db_busy_retries_total")
    ready = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(database_url, 6.5, ready))
    holder.start()
    ready.wait()
    r = world.clients["anonymous"].post(
        f"/e/{world.slug}/pitches/{world.ids['pitch_id']}/vote",
        data={"on": "1"},
        headers={"Accept": "application/json"},
    )
    holder.join()
    assert r.status_code == 200 and r.get_json()["voted"] is True
    assert registry.get_sample_value("barcamp_db_busy_retries_total") >= retries + 1  # the operator sees it


def test_database_busy_beyond_retries_is_a_friendly_503(app, database_url, monkeypatch):
    from barcamp.core import database

    world = build(app)
    monkeypatch.setattr(database, "RETRIES", 1)  # give up after one busy timeout instead of six
    ready = threading.Event()
    holder = threading.Thread(
        target=_hold_write_lock, args=(database_url, 8, ready)
    )  # past one 5 s wait, on a slow day too
    holder.start()
    ready.wait()
    url = f"/e/{world.slug}/pitches/{world.ids['pitch_id']}/vote"
    r = world.clients["anonymous"].post(url, data={"on": "1"}, headers={"Accept": "application/json"})
    holder.join()
    assert r.status_code == 503 and "send it again" in r.get_json()["error"]
    r = world.clients["anonymous"].post(url, data={"on": "1"}, headers={"Accept": "application/json"})
    assert r.status_code == 200


def test_swept_memory_storage_counts_per_window_and_forgets_expired_windows(monkeypatch):
    """The single-process rate-limit storage: counts within a window, starts over after it,
    and drops expired windows (so thousands of phones don't grow it forever)."""
    from limits import RateLimitItemPerSecond
    from limits.storage import storage_from_string
    from limits.strategies import FixedWindowRateLimiter

    from barcamp.core.ratelimits import SweptMemoryStorage

    storage = storage_from_string("swept-memory://")
    assert isinstance(storage, SweptMemoryStorage)
    limiter = FixedWindowRateLimiter(storage)
    two_per_second = RateLimitItemPerSecond(2)
    assert limiter.hit(two_per_second, "alice") and limiter.hit(two_per_second, "alice")
    assert not limiter.hit(two_per_second, "alice")
    assert limiter.hit(two_per_second, "bob")  # someone else has their own window
    remaining = limiter.get_window_stats(two_per_second, "alice")
    assert remaining.remaining == 0 and remaining.reset_time > time.time()

    clock = [time.time()]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    clock[0] += 1.5  # the window has passed: alice may go again
    assert storage.get("LIMITER/alice/2/1/second") == 0
    assert limiter.hit(two_per_second, "alice")
    assert any("bob" in k for k in storage.windows)  # not swept yet: sweeps are rare
    clock[0] += storage.SWEEP_EVERY
    assert limiter.hit(two_per_second, "alice")  # this hit sweeps the expired windows
    assert [k for k in storage.windows if "bob" in k] == []
    storage.clear(next(iter(storage.windows)))
    assert storage.windows == {} and storage.reset() == 0


# --- a spam script that throws its cookie away, beside a crowd behind one address ------------


@pytest.fixture(scope="module")
def crowd_server(tmp_path_factory):
    """Rate limits on, as deployed; identities count as fresh for 4 s (20 in production)."""
    # The flood guard (tested on its own) stays out of the way: this is about the per-address layer.
    env = {"RATELIMIT_ENABLED": "1", "IDENTITY_FRESH_SECONDS": "4", "FLOOD_PER_MINUTE": "500"}
    with own_server(tmp_path_factory.mktemp("crowd"), "crowd", env) as server:
        yield server


@pytest.mark.alone  # a load test: alone on the machine under pytest-xdist
def test_a_cookie_rotating_spam_script_is_stopped_while_a_crowd_behind_the_same_address_goes_on(crowd_server):
    """1,000 honest phones and a script behind one address (127.0.0.1), at the same time."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.support.live import Browserless

    slug, fac_url = crowd_server.create_event("Crowd Camp")
    fac = Browserless(crowd_server.url)
    fac.open(fac_url.removeprefix(crowd_server.url))
    form = {"level": "everyone", "format": "talk", "language": "en"}
    pitch_id = fac.post(f"/e/{slug}/pitch", {"title": "Welcome", **form}).json()["id"]
    phones = [Browserless(crowd_server.url) for _ in range(1000)]
    with ThreadPoolExecutor(32) as pool:
        assert all(r.status_code == 200 for r in pool.map(lambda p: p.open(f"/e/{slug}"), phones))
    time.sleep(4.5)  # the crowd's identities are no longer fresh; the script's always are

    # (status, sent, answered) of each spam post, in seconds since the start
    spam = {"pitch": [], "question": []}
    stop = threading.Event()
    start = time.monotonic()

    def script(kind):
        while not stop.is_set():
            bot = Browserless(crowd_server.url)  # a fresh cookie for every post
            minted = time.monotonic()
            bot.open(f"/e/{slug}")
            sent = time.monotonic() - start
            if kind == "pitch":
                r = bot.post(f"/e/{slug}/pitch", {"title": f"Spam {time.monotonic()}", **form})
            else:
                r = bot.post(f"/e/{slug}/questions", {"text": f"Spam question {time.monotonic()}?"})
            # Surely still fresh when it posted: the id's time is kept in whole seconds, so one
            # minted at 100.9 s counts as 4 s old at 103.9 s. (A slow machine can take longer.)
            if time.monotonic() - minted < 3:
                spam[kind].append((r.status_code, sent, time.monotonic() - start))
            bot.http.close()

    def honest(i, phone):
        codes = [phone.post(f"/e/{slug}/pitches/{pitch_id}/vote", {"on": "1"}).status_code]
        if i % 50 == 0:
            codes.append(phone.post(f"/e/{slug}/pitch", {"title": f"Honest idea {i}", **form}).status_code)
        if i % 50 == 25:
            codes.append(phone.post(f"/e/{slug}/questions", {"text": f"Honest question {i}?"}).status_code)
        return codes

    bots = [threading.Thread(target=script, args=(kind,)) for kind in ("pitch", "question", "pitch", "question")]
    for bot in bots:
        bot.start()
    try:
        with ThreadPoolExecutor(24) as pool:
            codes = [c for result in pool.map(honest, range(1000), phones) for c in result]
        # The script goes on for a few seconds more, and until it has been refused 40 times.
        while time.monotonic() - start < 8 or (
            sum(status == 429 for status, *_ in spam["pitch"] + spam["question"]) < 40 and time.monotonic() - start < 45
        ):
            time.sleep(0.2)
    finally:
        stop.set()
        for bot in bots:
            bot.join()
    for phone in phones:
        phone.http.close()
    assert 429 not in codes and set(codes) == {200}, sorted(set(codes))
    assert len(codes) == 1000 + 20 + 20
    posts = spam["pitch"] + spam["question"]
    assert {status for status, *_ in posts} == {200, 429}
    # 20 fresh identities a minute may post, per address (on a slow machine the crowd can take
    # longer than a minute, and the next minute admits its own 20).
    first_minute = [(status, sent) for status, sent, answered in posts if answered < 60]
    assert 0 < sum(status == 200 for status, _ in first_minute) <= 20
    # Once the script had been refused, nothing more it sent that minute got through, however
    # long its first 20 posts took on a busy machine.
    first_refusal = min(answered for status, _sent, answered in posts if status == 429)
    later = [status for status, sent in first_minute if sent > first_refusal]
    assert len(later) >= 20 and set(later) == {429}
    snapshot = requests.get(f"{crowd_server.url}/api/v1/events/{slug}", timeout=10).json()
    assert next(p for p in snapshot["pitches"] if p["id"] == pitch_id)["votes"] == 1000
    honest_pitches = [p for p in snapshot["pitches"] if p["title"].startswith("Honest idea")]
    assert len(honest_pitches) == 20


def test_looking_at_pages_makes_no_attendee_and_a_new_phones_first_taps_make_one(app, event_factory):
    from barcamp.models import Attendee

    slug, _key = event_factory()
    with app.app_context():
        db.session.add(Pitch(event_id=db.session.scalar(select(Event.id).where(Event.slug == slug)), title="P"))
        db.session.commit()
        pitch_id = db.session.scalar(select(Pitch.id))
    paths = ["", "/pitch", "/questions", "/tips", "/grid", "/guide", "/me", "/projector", "/votes/mine"]
    for _ in range(20):  # twenty browsers without cookies, looking around
        viewer = app.test_client()
        for path in paths:
            assert viewer.get(f"/e/{slug}{path}").status_code == 200, path
        viewer.post(f"/e/{slug}/questions", data={"text": "Asking makes no attendee either?"})
    with app.app_context():
        assert db.session.scalar(select(func.count(Attendee.id))) == 0
    phone = app.test_client()
    phone.get(f"/e/{slug}")
    assert phone.post(f"/e/{slug}/pitches/{pitch_id}/vote", data={"on": "1"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(Attendee.id))) == 1


def test_a_new_phones_first_taps_sent_at_once_make_one_attendee(live_server, phone_http):
    """Without a row from looking at the page, a new phone's first taps race to make one: they find one."""
    slug, fac_url = live_server.create_event("First Taps Camp")
    fac = phone_http()
    fac.open(fac_url.removeprefix(live_server.url))
    form = {"level": "everyone", "format": "talk", "language": "en"}
    ids = [fac.post(f"/e/{slug}/pitch", {"title": f"T{i}", **form}).json()["id"] for i in range(6)]
    assert fac.post(f"/e/{slug}/facilitate/voting", {"voting_open": "y", "vote_budget": "2"}, json_reply=False).ok
    phone = phone_http()
    phone.open(f"/e/{slug}")
    barrier = threading.Barrier(len(ids))
    codes = []

    def tap(pid):
        barrier.wait()
        codes.append(phone.post(f"/e/{slug}/pitches/{pid}/vote", {"on": "1"}).status_code)

    threads = [threading.Thread(target=tap, args=(pid,)) for pid in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200, 200, 409, 409, 409, 409]  # one attendee, one budget of 2
    votes = sum(
        p["votes"] for p in requests.get(f"{live_server.url}/api/v1/events/{slug}", timeout=5).json()["pitches"]
    )
    assert votes == 2


def test_a_flood_of_new_pitches_and_questions_waits_for_approval_and_one_tap_settles_it(app, facilitator):
    fac, slug = facilitator
    app.config["FLOOD_PER_MINUTE"] = 5
    form = {"level": "everyone", "format": "talk", "language": "en"}
    for i in range(8):
        phone = app.test_client()
        phone.get(f"/e/{slug}")
        r = phone.post(f"/e/{slug}/pitch", data={"title": f"Flood {i}", **form}, headers={"Accept": "application/json"})
        assert r.status_code == 200
        if i >= 5:
            assert "waits for a facilitator" in r.get_json()["message"]
        phone.post(f"/e/{slug}/questions", data={"text": f"Flood question {i}?"})
    listed = app.test_client().get(f"/api/v1/events/{slug}").get_json()
    assert sorted(p["title"] for p in listed["pitches"]) == [f"Flood {i}" for i in range(5)]
    assert len(listed["questions"]) == 5
    queue = fac.get(f"/e/{slug}/live/pitchqueue").get_data(as_text=True)
    assert "3 pitches wait for your approval" in queue and "Flood 7" in queue
    assert "3 waiting for approval." in fac.get(f"/e/{slug}/facilitate").get_data(as_text=True)

    assert fac.post(f"/e/{slug}/pitches/held", data={"decision": "approve"}).status_code == 302
    assert fac.post(f"/e/{slug}/questions/held", data={"decision": "hide"}).status_code == 302
    listed = app.test_client().get(f"/api/v1/events/{slug}").get_json()
    assert len(listed["pitches"]) == 8 and len(listed["questions"]) == 5
    # A facilitator pitching for many people at once is no flood.
    for i in range(8):
        fac.post(f"/e/{slug}/pitch", data={"title": f"For someone {i}", **form})
    assert len(app.test_client().get(f"/api/v1/events/{slug}").get_json()["pitches"]) == 16


def test_translated_labels_are_escaped_like_any_other_text(app, facilitator):
    """flask-babel's lazy strings claim to be safe HTML; the console's "Data & privacy" tab
    went out as a raw "&". Templates now escape them, and a lazy string cannot inject markup."""
    from flask import render_template_string
    from flask_babel import lazy_gettext

    fac, slug = facilitator
    html = fac.get(f"/e/{slug}/facilitate").get_data(as_text=True)
    assert "Data &amp; privacy" in html and "Data & privacy" not in html
    with app.test_request_context():
        assert render_template_string("{{ x }}", x=lazy_gettext("<b>x</b>")) == "&lt;b&gt;x&lt;/b&gt;"
