"""Real Chromium: an organiser sets a logo and an accent colour in the console; the phone header
(light and dark), the projector (every mode, both themes) and the join poster show them, axe-clean."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from barcamp.branding import colour
from barcamp.core import screens
from tests.console.test_browser_share import pdf_pages
from tests.support.browser import axe_violations, console_tab
from tests.support.world import LOGO_SVG, LiveClient

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("BRANDING_SHOTS")
ACCENT = "#6a1b9a"
HOSTILE_LOGO = LOGO_SVG.replace(b"</svg>", b'<script>document.title="owned"</script></svg>').replace(
    b"<rect ", b'<rect onload="alert(1)" '
)


def rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png")


def loaded(page, selector: str) -> None:
    img = page.locator(selector)
    expect(img).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())


def clean(page, where: str) -> None:
    assert axe_violations(page) == [], where


def test_logo_and_accent_from_the_console_show_on_phone_projector_and_poster(live_server, new_context):
    slug, fac_url = live_server.create_event("Brand Camp")
    palette = colour.palette(ACCENT)
    console = new_context("laptop", bypass_csp=True).new_page()
    console.goto(fac_url)
    console_tab(console, "Set-up")
    upload = console.get_by_role("form", name="Upload a logo")
    upload.get_by_label("Logo (PNG, JPEG or SVG, up to 200 KB)").set_input_files(
        files=[{"name": "logo.svg", "mimeType": "image/svg+xml", "buffer": HOSTILE_LOGO}]
    )
    upload.get_by_role("button", name="Upload logo").click()
    expect(console.get_by_text("Logo saved.")).to_be_visible()
    console_tab(console, "Set-up")
    loaded(console, ".brand-preview img")
    accent = console.get_by_role("form", name="Accent colour")
    accent.get_by_label("Accent colour").fill("#ffd400")
    accent.get_by_role("button", name="Save colour").click()
    expect(console.get_by_text("This colour is too light to read on a white page").first).to_be_visible()
    accent = console.get_by_role("form", name="Accent colour")
    accent.get_by_label("Accent colour").fill(ACCENT)
    accent.get_by_role("button", name="Save colour").click()
    expect(console.get_by_text("Accent colour saved.")).to_be_visible()
    console_tab(console, "Set-up")
    console.locator("#branding").scroll_into_view_if_needed()
    clean(console, "console")
    shot(console, "console-branding-1366")
    assert console.title() != "owned"

    for scheme, shade, fg in (
        ("light", palette["light"], palette["light_fg"]),
        ("dark", palette["dark"], palette["dark_fg"]),
    ):
        phone = new_context("phone", bypass_csp=True, color_scheme=scheme).new_page()
        phone.goto(f"{live_server.url}/e/{slug}")
        loaded(phone, ".top .brand-logo")
        assert phone.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()") == shade
        button = phone.locator("main button[type=submit]").first
        assert button.evaluate("b => getComputedStyle(b).backgroundColor") in (rgb(shade), "rgba(0, 0, 0, 0)")
        current = phone.locator(".tabs a[aria-current=page]")
        assert current.evaluate("a => getComputedStyle(a).color") == rgb(shade)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        assert phone.title() != "owned"
        clean(phone, f"phone {scheme}")
        shot(phone, f"phone-{scheme}-390")
        assert fg  # the button text picked for the shade (its contrast is checked in test_branding)

    fac = LiveClient(live_server.url)
    assert fac.get(fac_url.removeprefix(live_server.url)).status_code == 302
    projector = new_context("projector", bypass_csp=True).new_page()
    for theme, shade in (("dark", palette["dark"]), ("light", palette["light"])):
        assert fac.post(f"/e/{slug}/facilitate/projector", data={"theme": theme}).status_code == 302
        for mode in screens.mode_values():
            assert fac.post(f"/e/{slug}/facilitate/projector", data={"mode": mode}).status_code == 302
            projector.goto(f"{live_server.url}/e/{slug}/projector")
            loaded(projector, ".stage-logo")
            side = projector.locator(".stage-side")
            assert side.evaluate("s => getComputedStyle(s).borderTopColor") == rgb(shade), (theme, mode)
            box = projector.locator(".stage-logo").bounding_box()
            assert box["y"] >= 0 and box["y"] + box["height"] <= 1080, (theme, mode)
            clean(projector, f"projector {theme} {mode}")
            if mode in ("welcome", "grid"):
                shot(projector, f"projector-{theme}-{mode}-1920")

    poster = console
    poster.goto(f"{live_server.url}/e/{slug}/facilitate/poster?lang=en")
    loaded(poster, ".poster-logo")
    assert poster.locator("#poster-h").evaluate("h => getComputedStyle(h).color") == rgb(palette["light"])
    clean(poster, "poster")
    shot(poster, "poster-1366")
    assert len(pdf_pages(poster.pdf(format="A4", print_background=True))) == 1  # the logo keeps it on one page
    assert poster.title() != "owned"


def test_a_new_logo_and_accent_reach_open_phones_and_the_projector_without_a_reload(live_server, new_context):
    from tests.support.world import post_logo

    slug, fac_url = live_server.create_event("Live Brand Camp")
    palette = colour.palette(ACCENT)
    fac = LiveClient(live_server.url)
    assert fac.get(fac_url.removeprefix(live_server.url)).status_code == 302
    phone = new_context("phone").new_page()
    phone.goto(f"{live_server.url}/e/{slug}")
    projector = new_context("projector").new_page()
    projector.goto(f"{live_server.url}/e/{slug}/projector")
    for page in (phone, projector):
        expect(page.locator("body[data-live=on]")).to_be_attached()
        page.evaluate("window.notReloaded = true")
    assert phone.locator(".top .brand-logo").count() == 0
    before = phone.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()")

    assert post_logo(fac, f"/e/{slug}/facilitate/branding/logo", LOGO_SVG).status_code in (200, 302)
    assert fac.post(f"/e/{slug}/facilitate/branding/accent", data={"accent-accent": ACCENT}).status_code in (200, 302)
    loaded(phone, ".top .brand-logo")
    loaded(projector, ".stage-logo")
    assert projector.locator(".stage-logo").get_attribute("alt") == "Logo of Live Brand Camp"
    # a function, not an expression: Playwright evals a string predicate inside the page, which the CSP refuses
    accent_is = "want => getComputedStyle(document.documentElement).getPropertyValue('--accent').trim() === want"
    phone.wait_for_function(accent_is, arg=palette["light"])
    side = projector.locator(".stage-side")
    expect(side).to_have_css("border-top-color", rgb(palette["dark"]))
    assert phone.locator("link[data-brand-css]").count() == 1

    assert fac.post(f"/e/{slug}/facilitate/branding/logo/delete").status_code in (200, 302)
    assert fac.post(f"/e/{slug}/facilitate/branding/accent", data={"accent-accent": ""}).status_code in (200, 302)
    expect(phone.locator(".top .brand-logo")).to_have_count(0)
    expect(projector.locator(".stage-logo")).to_have_count(0)
    phone.wait_for_function(accent_is, arg=before)
    assert phone.locator("link[data-brand-css]").count() == 0
    assert phone.evaluate("window.notReloaded") and projector.evaluate("window.notReloaded")
