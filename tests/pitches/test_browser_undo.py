"""Real Chromium: "I'd attend" shows a visible confirmation with an Undo button, and Undo takes
the vote back through the same endpoint (on=0), on the server as well as on the card."""

import pytest
import requests
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def votes(live_server, slug):
    return requests.get(f"{live_server.url}/api/v1/events/{slug}", timeout=5).json()["pitches"][0]["votes"]


def test_a_vote_is_confirmed_and_undo_takes_it_back_and_undo_again_restores_it(live_server, new_context, phone_http):
    slug, _fac = live_server.create_event("Undo Camp")
    author = phone_http()
    author.open(f"/e/{slug}")
    fields = {"title": "Undo all the things", "level": "everyone", "format": "talk", "language": "en"}
    assert author.post(f"/e/{slug}/pitch", fields).status_code == 200
    page = new_context("phone").new_page()
    page.goto(f"{live_server.url}/e/{slug}")
    card = page.get_by_role("article", name="Undo all the things")
    toast = page.get_by_role("status").filter(has=page.get_by_role("button", name="Undo"))

    card.get_by_role("button", name="I'd attend").click()
    expect(toast).to_contain_text("You said you'd attend.")
    expect(toast).to_be_in_viewport()
    assert votes(live_server, slug) == 1

    toast.get_by_role("button", name="Undo").click()
    expect(card.get_by_role("button", name="I'd attend")).to_have_attribute("aria-pressed", "false")
    expect(card.locator("[data-tally]")).to_have_text("0")
    expect(toast).to_contain_text("You took back “I'd attend”.")
    assert votes(live_server, slug) == 0

    # Withdrawing by the button itself is undone the same way: the vote comes back.
    card.get_by_role("button", name="I'd attend").click()
    expect(toast).to_contain_text("You said you'd attend.")
    card.get_by_role("button", name="I'd attend").click()
    expect(toast).to_contain_text("You took back “I'd attend”.")
    toast.get_by_role("button", name="Undo").focus()  # the toast stays while it has the focus
    page.wait_for_timeout(9000)
    page.keyboard.press("Enter")
    expect(card.get_by_role("button", name="I'd attend")).to_have_attribute("aria-pressed", "true")
    expect(card.locator("[data-tally]")).to_have_text("1")
    page.wait_for_timeout(300)
    assert votes(live_server, slug) == 1


def test_without_js_a_vote_is_confirmed_on_the_page_it_returns_to(live_server, browser):
    slug, _fac = live_server.create_event("Undo No JS Camp")
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(f"{live_server.url}/e/{slug}/pitch")
    page.get_by_label("Title").fill("Plain forms")
    page.get_by_role("button", name="Send my pitch").click()
    page.goto(f"{live_server.url}/e/{slug}")
    page.get_by_role("article", name="Plain forms").get_by_role("button", name="I'd attend").click()
    expect(page.get_by_text("You said you'd attend.")).to_be_visible()
    assert votes(live_server, slug) == 1
    ctx.close()
