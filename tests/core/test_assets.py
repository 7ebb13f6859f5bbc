"""Compressed responses and cached, fingerprinted static files (barcamp/assets.py)."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

from tests.support.env import ROOT

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def static_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def test_pages_are_gzipped_when_the_browser_accepts_it(client, event_factory):
    slug, _key = event_factory()

    zipped = client.get(f"/e/{slug}", headers=GZIP)
    plain = client.get(f"/e/{slug}")

    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert "Content-Encoding" not in plain.headers
    page = gzip.decompress(zipped.data)
    assert b"<html" in page
    assert len(zipped.data) < len(page) / 2


def test_small_json_replies_are_not_compressed(client, event_factory):
    slug, _key = event_factory()

    r = client.get(f"/e/{slug}/votes/mine", headers=GZIP)

    assert "Content-Encoding" not in r.headers
    assert r.json["voted"] == []


def test_stylesheet_and_vendored_script_urls_carry_a_content_hash_and_are_cached_a_year(client, event_factory):
    slug, _key = event_factory()
    html = client.get(f"/e/{slug}").text
    # JS modules are served with their imports rewritten: see the test after this one.
    versioned = [u for u in static_urls(html) if "?v=" in u and not u.startswith("/static/js/")]

    assert {u.split("?")[0] for u in versioned} >= {"/static/css/app.css", "/static/vendor/socket.io.min.js"}
    for url in versioned:
        r = client.get(url, headers=GZIP)
        assert r.status_code == 200
        size = (ROOT / "static" / url.split("?")[0].removeprefix("/static/")).stat().st_size
        text = url.split("?")[0].endswith((".css", ".js", ".svg")) and size >= 512
        assert r.headers.get("Content-Encoding") == ("gzip" if text else None), url  # PNGs are compressed already
        assert "immutable" in r.headers["Cache-Control"]
        assert "max-age=31536000" in r.headers["Cache-Control"]
        assert "Set-Cookie" not in r.headers  # a fresh cookie or Vary: Cookie would defeat caches
        assert r.headers["Vary"] == "Accept-Encoding"
        path, digest = url.split("?v=")
        on_disk = (ROOT / "static" / path.removeprefix("/static/")).read_bytes()
        assert (gzip.decompress(r.data) if text else r.data) == on_disk
        assert hashlib.sha256(on_disk).hexdigest()[:12] == digest


def test_js_modules_are_fingerprinted_and_import_each_other_by_the_same_versioned_url(client, event_factory):
    slug, _key = event_factory()
    html = client.get(f"/e/{slug}").text
    modules = {u.split("?")[0]: u for u in static_urls(html) if u.startswith("/static/js/")}

    live, pitches = modules["/static/js/live.js"], modules["/static/js/pitches.js"]
    r = client.get(pitches)
    imported = re.findall(r'from "\./(live\.js\?v=[0-9a-f]{12})"', r.text)

    assert "?v=" in live
    assert imported == [live.removeprefix("/static/js/")]  # one URL per module: it runs once
    assert "max-age=31536000" in r.headers["Cache-Control"]
    assert "immutable" in r.headers["Cache-Control"]
    assert hashlib.sha256(r.data).hexdigest()[:12] == pitches.split("?v=")[1]  # the hash covers the rewrite


def test_a_changed_module_changes_the_urls_of_the_modules_importing_it(app, tmp_path):
    from barcamp.core.assets import load

    (tmp_path / "js").mkdir()
    (tmp_path / "js/live.js").write_text("export const a = 1;\n")
    (tmp_path / "js/page.js").write_text('import { a } from "./live.js";\n')
    before = load(str(tmp_path), "js/page.js")

    (tmp_path / "js/live.js").write_text("export const a = 2; // a new deploy\n")
    after = load(str(tmp_path), "js/page.js")

    assert before.digest != after.digest
    assert after.data.decode() == f'import {{ a }} from "./live.js?v={load(str(tmp_path), "js/live.js").digest}";\n'


def test_unversioned_static_urls_are_revalidated_with_a_304(client):
    first = client.get("/static/js/live.js", headers=GZIP)
    again = client.get("/static/js/live.js", headers={**GZIP, "If-None-Match": first.headers["ETag"]})
    plain = client.get("/static/js/live.js")

    assert first.headers["Cache-Control"] == "no-cache"
    assert first.headers["Content-Encoding"] == "gzip"
    assert again.status_code == 304
    assert again.data == b""
    assert plain.data.startswith(b"//")
    assert plain.headers["ETag"] != first.headers["ETag"]  # each encoding has its own validator


def test_a_stale_fingerprint_is_served_but_not_cached_forever(client):
    r = client.get("/static/css/app.css?v=000000000000", headers=GZIP)

    assert r.status_code == 200
    assert r.headers["Cache-Control"] == "no-cache"


def test_missing_static_files_and_paths_outside_the_folder_are_404(client):
    assert client.get("/static/css/nope.css").status_code == 404
    assert client.get("/static/../config.py").status_code == 404
    assert client.get("/static/%2e%2e/config.py").status_code == 404
    assert Path(ROOT / "config.py").exists()


def test_favicon_is_served_at_the_root_and_linked_from_every_page(client, event_factory):
    slug, _key = event_factory()

    r = client.get("/favicon.ico")

    assert r.status_code == 200 and r.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert r.data[:4] == b"\x00\x00\x01\x00" and r.cache_control.max_age == 24 * 3600
    html = client.get(f"/e/{slug}").get_data(as_text=True)
    icons = re.findall(r'<link rel="(?:icon|apple-touch-icon)" href="([^"]+)"', html)
    assert len(icons) == 3
    assert all(client.get(url).status_code == 200 for url in icons)
