"""Real Chromium: the projector and a phone update live when the facilitator renames a room."""

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import console_tab

pytestmark = pytest.mark.browser


def test_room_rename_reaches_projector_and_phone_live(live_server, new_context):
    slug, fac_url = live_server.create_event("Live Rename Camp")
    fac = new_context("laptop").new_page()
    fac.goto(fac_url)
    expect(fac.get_by_role("heading", name="Facilitator console")).to_be_visible()
    console_tab(fac, "Set-up")
    add = fac.get_by_role("form", name="Add a room")
    add.get_by_label("Room name").fill("Kantine")
    add.get_by_label("Capacity (people)").fill("40")
    add.get_by_role("button", name="Add room").click()
    expect(fac.get_by_text("Room saved.")).to_be_visible()

    projector = new_context("projector").new_page()
    projector.goto(f"{live_server.url}/e/{slug}/projector")
    phone = new_context("phone", locale="de-DE").new_page()
    phone.goto(f"{live_server.url}/e/{slug}")
    expect(projector.locator("[data-live=rooms]")).to_contain_text("Kantine")
    expect(phone.locator("[data-live=rooms]")).to_contain_text("Kantine")
    # wait until both pages hold a live connection
    expect(projector.locator("body[data-live=on]")).to_have_count(1)
    expect(phone.locator("body[data-live=on]")).to_have_count(1)

    row = fac.get_by_role("form", name="Room Kantine")
    row.get_by_label("Room name").fill("Mensa")
    row.get_by_role("button", name="Save").click()
    expect(fac.get_by_text("Room saved.")).to_be_visible()

    expect(projector.locator("[data-live=rooms]")).to_contain_text("Mensa", timeout=3000)
    expect(phone.locator("[data-live=rooms]")).to_contain_text("Mensa", timeout=3000)
    assert "Kantine" not in phone.locator("[data-live=rooms]").inner_text()
    # no reload happened: the page was updated in place
    assert phone.evaluate("performance.getEntriesByType('navigation').length") == 1
    expect(phone.locator("html")).to_have_attribute("lang", re.compile("de"))


def test_phone_websocket_is_uncompressed_though_chromium_offers_deflate(live_server, new_context):
    """Chromium offers permessage-deflate; the server declines it (a compressor per phone costs
    ~300 KB and CPU on every message, see sockets.without_compression), and live updates still work."""
    slug, _fac_url = live_server.create_event("Plain Socket Camp")
    phone = new_context("phone").new_page()
    phone.goto(f"{live_server.url}/e/{slug}")
    expect(phone.locator("body[data-live=on]")).to_have_count(1)
    transport = phone.evaluate(
        "(() => { const t = window.barcampSocket.io.engine.transport;"
        " return {name: t.name, extensions: t.ws.extensions}; })()"
    )
    assert transport == {"name": "websocket", "extensions": ""}
