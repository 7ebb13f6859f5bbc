"""Real Chromium: the first-visit guide, first-timer consent, the projector welcome slide."""

import pytest
from playwright.sync_api import expect

from tests.support.browser import console_tab

pytestmark = pytest.mark.browser


def test_guide_appears_once_is_skippable_and_reopenable(live_server, new_context):
    slug, _ = live_server.create_event("Guide Camp")
    page = new_context("phone").new_page()
    page.goto(f"{live_server.url}/e/{slug}")
    guide = page.get_by_role("region", name="New here? A 30-second guide")
    expect(guide).to_be_visible()
    expect(guide.get_by_role("heading", name="1 · What is a barcamp?")).to_be_visible()
    expect(guide.get_by_role("heading", name="2 · Pitching and voting")).to_be_hidden()
    guide.get_by_role("button", name="Next").click()
    expect(guide.get_by_role("heading", name="2 · Pitching and voting")).to_be_visible()
    expect(guide).to_contain_text("Leave the host empty and the facilitator reads it out for you")
    guide.get_by_role("button", name="Skip the guide").click()
    expect(guide).to_be_hidden()

    page.reload()
    expect(page.get_by_role("region", name="New here? A 30-second guide")).to_have_count(0)

    page.get_by_role("link", name="Guide", exact=True).click()
    guide = page.get_by_role("region", name="New here? A 30-second guide")
    expect(guide.get_by_role("heading", name="1 · What is a barcamp?")).to_be_visible()
    guide.get_by_role("button", name="Next").click()
    guide.get_by_role("button", name="Next").click()
    expect(guide).to_contain_text("law of two feet")
    expect(guide).to_contain_text("anonymously")
    guide.get_by_role("button", name="Let's go").click()
    expect(page).to_have_url(f"{live_server.url}/e/{slug}")


def test_guide_is_in_german_for_german_browsers(live_server, new_context):
    slug, _ = live_server.create_event("Leitfaden Camp")
    page = new_context("phone", locale="de-DE").new_page()
    page.goto(f"{live_server.url}/e/{slug}")
    guide = page.get_by_role("region", name="Neu hier? Die Einführung in 30 Sekunden")
    expect(guide.get_by_role("heading", name="1 · Was ist ein Barcamp?")).to_be_visible()
    guide.get_by_role("button", name="Überspringen").click()
    expect(guide).to_be_hidden()


def test_projector_welcome_slide_shows_name_hashtag_qr_and_howto(live_server, new_context):
    slug, fac_url = live_server.create_event("Welcome Camp")
    fac = new_context("laptop").new_page()
    fac.goto(fac_url)
    console_tab(fac, "Set-up")
    fac.get_by_label("Hashtag (optional)").fill("#wc26")
    fac.get_by_role("button", name="Save event").click()
    fac.get_by_role("button", name="Welcome", exact=True).click()
    projector = new_context("projector").new_page()
    projector.goto(f"{live_server.url}/e/{slug}/projector")
    expect(projector.get_by_role("heading", name="Welcome Camp")).to_be_visible()
    # The welcome slide shows the hashtag large; the side column's copy (every other mode) steps aside.
    expect(projector.get_by_role("region", name="Now on screen").get_by_text("#wc26")).to_be_visible()
    expect(projector.get_by_role("complementary").get_by_text("#wc26")).to_be_hidden()
    expect(projector.get_by_role("img", name="QR code to join")).to_be_visible()
    expect(projector.get_by_text("Scan the code, pitch your session idea")).to_be_visible()
    assert projector.get_by_role("img", name="QR code to join").evaluate("img => img.naturalWidth") > 100
    box = projector.get_by_role("img", name="QR code to join").bounding_box()
    assert box["x"] + box["width"] <= 1920 and box["y"] + box["height"] <= 1080


def test_the_projector_clock_shows_the_room_s_time_whatever_the_laptop_s_clock_and_zone_say(live_server, new_context):
    """The projector laptop is set to New York and runs three hours fast; the event is in Berlin
    (``create_event``): the clock on the wall still says the time in Berlin, by the server."""
    import datetime as dt
    import zoneinfo

    slug, _ = live_server.create_event("Clock Camp")
    page = new_context("projector", timezone_id="America/New_York").new_page()
    page.clock.install(time=dt.datetime.now(dt.UTC) + dt.timedelta(hours=3))
    page.goto(f"{live_server.url}/e/{slug}/projector")
    clock = page.locator("[data-clock]")
    expect(clock).not_to_have_text("")
    berlin = dt.datetime.now(zoneinfo.ZoneInfo("Europe/Berlin"))
    near = [berlin + dt.timedelta(minutes=m) for m in (-1, 0, 1)]
    allowed = {t.strftime(f) for t in near for f in ("%H:%M", "%I:%M %p")}  # in the browser's 12 h or 24 h
    assert clock.inner_text() in allowed, (clock.inner_text(), allowed)
