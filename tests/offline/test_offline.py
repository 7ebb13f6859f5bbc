"""The installable app over HTTP: the service worker script and its allow-list, the manifest, and
which responses carry the mark that lets a phone keep them (barcamp/offline)."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from barcamp.core.extensions import db
from barcamp.models import Connection, TipCard

KEEP = "Barcamp-Offline"


def settings_of(script: str) -> dict:
    return json.loads(re.search(r"^self\.BARCAMP = (\{.*\});$", script, re.M).group(1))


def visited(client, slug):
    """An attendee's browser after its first look (which set its cookie)."""
    first = client.get(f"/e/{slug}")
    assert "Set-Cookie" in first.headers and KEEP not in first.headers  # the cookie's answer is not kept
    return client


def test_the_worker_is_scoped_to_the_event_and_names_this_build_and_only_attendee_pages(client, event_factory):
    slug, _key = event_factory()

    r = client.get(f"/e/{slug}/sw.js")
    settings = settings_of(r.text)

    assert r.mimetype == "text/javascript"
    assert r.headers["Cache-Control"] == "no-cache"  # a deploy is seen on the next page load
    assert r.headers["Service-Worker-Allowed"] == f"/e/{slug}"
    assert settings["scope"] == f"/e/{slug}"
    assert settings["pages"] == [
        f"/e/{slug}",
        f"/e/{slug}/pitch",
        f"/e/{slug}/grid",
        f"/e/{slug}/grid?mine=1",
        f"/e/{slug}/questions",
        f"/e/{slug}/tips",
        f"/e/{slug}/guide",
        f"/e/{slug}/me",
    ]
    assert all("?v=" in url for url in settings["shell"])
    assert re.fullmatch(r"[0-9a-f]{12}", settings["build"])
    assert client.get(f"/e/{slug}/sw.js", headers={"If-None-Match": r.headers["ETag"]}).status_code == 304


def test_a_new_build_changes_the_worker_script(app, client, event_factory):
    slug, _key = event_factory()
    before = client.get(f"/e/{slug}/sw.js").text

    app.config["BUILD"] = "2026-12-02.2"
    after = client.get(f"/e/{slug}/sw.js").text

    assert before != after
    assert settings_of(after)["build"] == "2026-12-02.2"


def test_the_manifest_opens_the_event_with_icons_maskable_too(client, event_factory):
    slug, _key = event_factory("Barcamp Rhein-Main")

    r = client.get(f"/e/{slug}/manifest.webmanifest")
    manifest = r.get_json(force=True)

    assert r.mimetype == "application/manifest+json"
    assert manifest["name"] == "Barcamp Rhein-Main"
    assert manifest["start_url"] == manifest["scope"] == manifest["id"] == f"/e/{slug}"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#0b5cad"
    purposes = {(i["sizes"], i["purpose"]) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= purposes
    for icon in manifest["icons"]:
        got = client.get(icon["src"])
        assert got.status_code == 200 and "immutable" in got.headers["Cache-Control"], icon["src"]


def test_attendee_pages_link_the_manifest_and_the_worker(client, event_factory):
    slug, _key = event_factory()

    html = visited(client, slug).get(f"/e/{slug}/grid").text

    assert f'<link rel="manifest" href="/e/{slug}/manifest.webmanifest">' in html
    assert f'data-worker="/e/{slug}/sw.js" data-worker-scope="/e/{slug}"' in html
    assert '<meta name="theme-color"' in html


def test_every_allow_listed_attendee_page_may_be_kept_and_nothing_else(client, event_factory):
    slug, _key = event_factory()
    visited(client, slug)
    pages = settings_of(client.get(f"/e/{slug}/sw.js").text)["pages"]

    for url in pages:
        assert client.get(url).headers.get(KEEP) == "cache", url
    for path in ("/votes/mine", "/questions/mine", "/grid/mine.json", "/live/pitches", "/sw.js", "/facilitate"):
        assert KEEP not in client.get(f"/e/{slug}{path}").headers, path


def test_a_facilitator_s_browser_gets_no_worker_and_nothing_it_may_keep(facilitator):
    client, slug = facilitator

    html = client.get(f"/e/{slug}").text

    assert "data-worker-off" in html
    assert "data-worker=" not in html and 'rel="manifest"' not in html
    for url in settings_of(client.get(f"/e/{slug}/sw.js").text)["pages"]:
        assert KEEP not in client.get(url).headers, url
    for path in ("/facilitate", "/tips/moderate"):
        r = client.get(f"/e/{slug}{path}")
        assert r.status_code == 200 and KEEP not in r.headers, path


def test_a_board_showing_another_person_s_contact_is_never_kept(app, client, make_client, event_factory):
    slug, _key = event_factory()
    bea, ali = visited(client, slug), visited(make_client(), slug)
    for c, name, contact in ((bea, "Bea", "bea@example.org"), (ali, "Ali", "ali@example.org")):
        c.post(
            f"/e/{slug}/tips/card",
            data={"card-display_name": name, "card-contact": contact, "card-contact_visibility": "request"},
        )
    ali.get(f"/e/{slug}/tips")
    assert ali.get(f"/e/{slug}/tips").headers.get(KEEP) == "cache"  # nobody's contact on it yet
    with app.app_context():
        bea_id = db.session.scalar(select(TipCard.id).where(TipCard.display_name == "Bea"))
    assert ali.post(f"/e/{slug}/tips/people/{bea_id}/connect").status_code in (200, 302)
    with app.app_context():
        conn_id = db.session.scalar(select(Connection.id))
    assert bea.post(f"/e/{slug}/tips/connections/{conn_id}/accept").status_code == 302

    board = ali.get(f"/e/{slug}/tips")

    assert "bea@example.org" in board.text
    assert board.cache_control.no_store
    assert KEEP not in board.headers
