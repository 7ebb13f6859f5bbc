"""Branding per event over HTTP: the logo upload (each type, refusals, SVG cleaning), how it is
served, the accent's contrast check, and both reaching the phone header, projector and poster."""

from __future__ import annotations

import re

import pytest

from barcamp.branding import colour
from barcamp.branding.logo import MAX_BYTES
from barcamp.core.extensions import db
from barcamp.events.domain import create_event
from tests.branding.images import jpeg, png, svg
from tests.support.world import post_logo

ACCENT_OK = "#6a1b9a"
SAFE_LOGO_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox"


@pytest.fixture
def camp(app):
    """An event and its facilitator's browser."""
    with app.app_context():
        event, key = create_event("Brand Camp")
        slug = event.slug
        db.session.remove()
    fac = app.test_client()
    assert fac.get(f"/e/{slug}/f/{key}").status_code == 302
    return slug, fac


def upload(fac, slug, body, filename="logo.svg", content_type="image/svg+xml"):
    return post_logo(fac, f"/e/{slug}/facilitate/branding/logo", body, filename, content_type)


def logo_url(client, slug) -> str:
    page = client.get(f"/e/{slug}").get_data(as_text=True)
    found = re.search(r'<img class="brand-logo" src="(/e/[^"]+/logo/\d+)"', page)
    return found.group(1) if found else ""


@pytest.mark.parametrize(
    ("body", "filename", "content_type", "served_as", "suffix"),
    [
        (png(), "logo.png", "image/png", "image/png", "png"),
        (jpeg(), "logo.jpg", "image/jpeg", "image/jpeg", "jpg"),
        (svg('<rect width="100" height="40" fill="#6a1b9a"/>'), "logo.svg", "image/svg+xml", "image/svg+xml", "svg"),
    ],
)
def test_each_logo_type_is_stored_and_served_with_safe_headers(camp, body, filename, content_type, served_as, suffix):
    slug, fac = camp
    r = upload(fac, slug, body, filename, content_type)
    assert r.status_code == 302 and r.headers["Location"].endswith("/facilitate#branding")
    url = logo_url(fac, slug)
    assert url, "the phone header shows the logo"
    served = fac.get(url)
    assert served.status_code == 200
    assert served.mimetype == served_as
    assert served.headers["Content-Security-Policy"] == SAFE_LOGO_CSP
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Disposition"] == f'inline; filename="{slug}-logo.{suffix}"'
    assert "immutable" in served.headers["Cache-Control"]
    if suffix != "svg":
        assert served.get_data() == body  # PNG and JPEG are stored byte for byte


def test_a_new_logo_gets_a_new_url_and_the_old_one_redirects_to_it(camp):
    slug, fac = camp
    upload(fac, slug, png(), "a.png", "image/png")
    first = logo_url(fac, slug)
    upload(fac, slug, png(rgb=(0, 0, 0)), "b.png", "image/png")
    second = logo_url(fac, slug)
    assert first != second
    old = fac.get(first)
    assert old.status_code == 302 and old.headers["Location"].endswith(second)


def test_removing_the_logo_takes_it_off_every_page(camp, client):
    slug, fac = camp
    upload(fac, slug, png(), "a.png", "image/png")
    url = logo_url(fac, slug)
    r = fac.post(f"/e/{slug}/facilitate/branding/logo/delete")
    assert r.status_code == 302
    assert logo_url(client, slug) == ""
    assert client.get(url).status_code == 404
    assert "stage-logo" not in client.get(f"/e/{slug}/projector").get_data(as_text=True)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (MAX_BYTES + 10), "at most 200 KB"),
        (b"GIF89a" + b"\x00" * 40, "Only PNG, JPEG or SVG"),
        (b"<html><script>alert(1)</script></html>", "Only PNG, JPEG or SVG"),
        (png()[:30], "damaged"),  # a PNG signature on bytes that are not a PNG
        (b"\xff\xd8\xff\xe0" + b"junk" * 10, "damaged"),
        (png(width=5000, height=10), "at most 4096 pixels"),
        (svg("", root_attrs="").replace(b' viewBox="0 0 100 40"', b""), "viewBox"),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "boom">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
            "DOCTYPE",
        ),
        (b"<svg><unclosed></svg>", "could not be read"),
        (b'<svg xmlns="http://www.w3.org/1999/xhtml"></svg>', "not an SVG"),
    ],
)
def test_a_file_that_is_not_a_usable_logo_is_refused_with_a_reason(camp, body, message):
    slug, fac = camp
    r = upload(fac, slug, body, "logo.png", "image/png")  # the name and type claimed never count
    assert r.status_code in (400, 413)
    if r.status_code == 400:
        assert message in r.get_data(as_text=True)
    assert logo_url(fac, slug) == ""


def test_the_upload_form_without_a_file_says_so(camp):
    slug, fac = camp
    r = fac.post(f"/e/{slug}/facilitate/branding/logo", data={})
    assert r.status_code == 400 and "Please choose a file." in r.get_data(as_text=True)


HOSTILE = {
    "script": '<script>alert(1)</script><rect width="10" height="10"/>',
    "onload": '<rect width="10" height="10" onload="alert(1)" onclick="alert(2)"/>',
    "javascript href": '<a xlink:href="javascript:alert(1)"><rect width="10" height="10"/></a>'
    '<use href="javascript:alert(1)"/>',
    "external image": '<image href="https://evil.example/track.png" width="10" height="10"/>'
    '<use xlink:href="https://evil.example/sprite.svg#x"/>',
    "foreignObject": '<foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml">'
    '<iframe src="https://evil.example"></iframe></div></foreignObject>',
    "style url": "<style>rect { fill: url(https://evil.example/x) }</style>"
    '<rect width="10" height="10" style="fill:url(https://evil.example/y);stroke:#000" fill="url(http://e/z)"/>',
    "data uri": '<rect width="10" height="10" fill="data:text/html,x"/>',
}


@pytest.mark.parametrize("attack", sorted(HOSTILE))
def test_an_svg_is_served_without_anything_that_could_run_or_load(camp, attack):
    slug, fac = camp
    r = upload(fac, slug, svg(HOSTILE[attack] + '<circle cx="5" cy="5" r="4" fill="url(#g)"/>', 'onload="x()"'))
    assert r.status_code == 302
    served = fac.get(logo_url(fac, slug)).get_data(as_text=True).lower()
    for bad in ("script", "onload", "onclick", "javascript", "evil.example", "foreignobject", "<style", "iframe",
                "<image", "<a ", "data:", "http://e/"):  # fmt: skip
        assert bad not in served, f"{attack}: {bad!r} survived in {served}"
    assert '<circle cx="5" cy="5" r="4" fill="url(#g)" />' in served  # the harmless parts stay
    assert served.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewbox="0 0 100 40"')


def test_the_logo_is_never_inlined_into_a_page(camp, client):
    slug, fac = camp
    upload(fac, slug, svg('<rect id="unique-logo-mark" width="10" height="10"/>'))
    fac.post(f"/e/{slug}/facilitate/rooms", data={"room-name": "Aula", "room-capacity": "80"})  # a table tent
    for path in ("", "/projector", "/facilitate", "/facilitate/poster", "/facilitate/tents"):
        page = fac.get(f"/e/{slug}{path}").get_data(as_text=True)
        assert "unique-logo-mark" not in page, path
        assert re.search(r'<img [^>]*src="/e/[^"]+/logo/\d+"', page), f"{path} shows the logo as an image"


def test_an_accent_that_cannot_reach_aa_on_white_is_refused_kindly(camp):
    slug, fac = camp
    r = fac.post(f"/e/{slug}/facilitate/branding/accent", data={"accent-accent": "#ffd400"})
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert "This colour is too light to read on a white page" in page and "4.5:1" in page
    assert 'rel="stylesheet" href="/e/' not in fac.get(f"/e/{slug}").get_data(as_text=True).split("app.css")[1]


@pytest.mark.parametrize("junk", ["red", "#12345", "#1234567", "#gg0000", "#000;}body{x", "url(x)"])
def test_only_a_hex_colour_is_taken(camp, junk):
    slug, fac = camp
    r = fac.post(f"/e/{slug}/facilitate/branding/accent", data={"accent-accent": junk})
    assert r.status_code == 400


def test_an_accent_drives_the_css_variables_in_both_themes_with_aa_everywhere(camp, client):
    slug, fac = camp
    r = fac.post(f"/e/{slug}/facilitate/branding/accent", data={"accent-accent": "#6A1B9A"})
    assert r.status_code == 302
    page = client.get(f"/e/{slug}").get_data(as_text=True)
    href = re.search(r'<link rel="stylesheet" href="(/e/[^"]+/brand/\d+\.css)"', page).group(1)
    css = client.get(href)
    assert css.mimetype == "text/css"
    text = css.get_data(as_text=True)
    p = colour.palette("#6a1b9a")
    assert f"--accent: {p['light']}; --accent-fg: {p['light_fg']}" in text
    assert f"--accent: {p['dark']}; --accent-fg: {p['dark_fg']}" in text
    assert p["light"] == "#6a1b9a"
    for surface in colour.LIGHT_SURFACES:
        assert colour.contrast(p["light"], surface) >= 4.5
    for surface in colour.DARK_SURFACES:
        assert colour.contrast(p["dark"], surface) >= 4.5
    assert colour.contrast(p["light"], p["light_fg"]) >= 4.5 and colour.contrast(p["dark"], p["dark_fg"]) >= 4.5
    for path in ("/projector", "/facilitate/poster", "/facilitate/tents"):
        assert href in fac.get(f"/e/{slug}{path}").get_data(as_text=True), path
    # clearing it brings the default back
    assert fac.post(f"/e/{slug}/facilitate/branding/accent", data={"accent-accent": ""}).status_code == 302
    assert "/brand/" not in client.get(f"/e/{slug}").get_data(as_text=True)


def test_contrast_matches_the_wcag_examples():
    assert round(colour.contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(colour.contrast("#767676", "#ffffff"), 2) == 4.54
    assert colour.contrast("#777777", "#ffffff") < 4.5


def _backup(app, slug) -> dict:
    import json

    from barcamp.core.identity import event_or_404
    from barcamp.privacy.backup import backup

    with app.test_request_context():
        data = json.loads(json.dumps(backup(event_or_404(slug))))
        db.session.remove()
    return data


def test_a_backup_carries_the_branding_and_an_import_checks_it_like_an_upload(app, camp, make_client):
    import base64
    import json

    from tests.support.world import post_file

    slug, fac = camp
    upload(fac, slug, svg('<rect width="100" height="40" fill="#6a1b9a"/>'))
    fac.post(f"/e/{slug}/facilitate/branding/accent", data={"accent-accent": ACCENT_OK})
    data = _backup(app, slug)
    (row,) = data["tables"]["branding"]
    assert row["accent"] == ACCENT_OK and row["logo_type"] == "svg"
    assert b"<rect" in base64.b64decode(row["logo"])

    newcomer = make_client()
    copied = post_file(newcomer, "/import", json.dumps(data).encode())
    assert copied.status_code == 302
    copy_slug = copied.headers["Location"].split("/")[2]
    assert copy_slug != slug and logo_url(newcomer, copy_slug)
    assert f"/e/{copy_slug}/brand/" in newcomer.get(f"/e/{copy_slug}").get_data(as_text=True)

    for column, value in (
        ("logo", base64.b64encode(svg("<script>alert(1)</script>")).decode()),  # not what an upload stores
        ("logo", "not base64!"),
        ("accent", "#ffd400"),  # too light: the upload's contrast rule holds for imports too
        ("accent", "red;}body{"),
        ("logo_type", "html"),
    ):
        tampered = json.loads(json.dumps(data))
        tampered["tables"]["branding"][0][column] = value
        r = post_file(make_client(), "/import", json.dumps(tampered).encode())
        assert r.status_code == 400, (column, value)
