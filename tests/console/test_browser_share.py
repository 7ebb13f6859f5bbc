"""Real Chromium: ready to share. The event-ready page shows the QR code and copies both links;
the join poster (with the hashtag, in either language) and the rooms' table tents print to PDF."""

import os
import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import console_tab
from tests.support.env import SOON

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("CONSOLE_SHOTS")


def pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """The size of each page of a PDF Chromium printed, in points."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return [(float(w), float(h)) for w, h in boxes]


def a4(size) -> bool:
    w, h = size
    return abs(w - 595.3) < 2 and abs(h - 841.9) < 2


def test_event_ready_page_shows_the_qr_code_and_copies_both_links(live_server, new_context):
    ctx = new_context("laptop", permissions=["clipboard-read", "clipboard-write"])
    page = ctx.new_page()
    page.goto(live_server.url + "/")
    page.get_by_label("Event name").fill("Share Camp")
    page.get_by_label("Hashtag (optional)").fill("sharecamp")
    page.get_by_label("First day").fill(SOON)
    page.get_by_role("button", name="Create event").click()
    expect(page.get_by_role("heading", name="Your event is ready")).to_be_visible()

    qr = page.get_by_role("img", name="QR code to join Share Camp")
    expect(qr).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=qr.element_handle())
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/ready-1440.png")
    for button, link, said in (
        ("Copy attendee link", "#attendee-link", "Attendee link copied."),
        ("Copy facilitator link", "#facilitator-link", "Facilitator link copied. Keep it private."),
    ):
        page.get_by_role("button", name=button).click()
        expect(page.locator("#toast")).to_have_text(said)
        href = page.locator(link).evaluate("a => a.href")
        assert page.evaluate("navigator.clipboard.readText()") == href
    assert "/f/" in href  # the facilitator link was copied last


def test_join_poster_prints_on_one_a4_page_with_the_hashtag_in_both_languages(live_server, new_context):
    slug, fac_url = live_server.create_event("Poster Camp")
    page = new_context("laptop").new_page()
    page.goto(fac_url)
    console_tab(page, "Set-up")
    event = page.get_by_role("form", name="Event")
    event.get_by_label("Hashtag (optional)").fill("#postercamp")
    event.get_by_role("button", name="Save event").click()
    expect(page.locator("#toast")).to_have_text("Event saved.")
    code = re.search(r"Join code (\w+)", page.locator(".console-head").inner_text()).group(1)

    leads = {}
    qr_names = {"en": "QR code to join Poster Camp", "de": "QR-Code zum Beitreten: Poster Camp"}
    for lang in ("en", "de"):
        page.goto(f"{live_server.url}/e/{slug}/facilitate/poster?lang={lang}")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        poster = page.locator(".poster")
        expect(poster).to_contain_text("#postercamp")
        expect(poster).to_contain_text(code)
        expect(poster).to_contain_text(f"/e/{slug}")
        expect(poster.get_by_role("img", name=qr_names[lang])).to_be_visible()
        leads[lang] = page.locator(".poster-lead").inner_text()
        if SHOTS:
            page.set_viewport_size({"width": 1440, "height": 900})
            page.screenshot(path=f"{SHOTS}/poster-{lang}.png", full_page=True)
        page.emulate_media(media="print")
        expect(page.locator(".print-hint")).to_be_hidden()
        page.emulate_media(media="screen")
        pages = pdf_pages(page.pdf(format="A4"))
        assert len(pages) == 1 and a4(pages[0]), pages
    # the poster's words are the reader's language's: the two versions differ
    assert leads["en"] and leads["de"] and leads["en"] != leads["de"], leads


def test_table_tents_show_each_room_with_its_sessions_and_print_two_a_page(live_server, new_context, phone_http):
    slug, fac_url = live_server.create_event("Tent Camp")
    author = phone_http()
    author.open(f"/e/{slug}")
    pitch = author.post(
        f"/e/{slug}/pitch", {"title": "Kaffee-Hacks", "level": "everyone", "format": "talk", "language": "en"}
    )
    page = new_context("laptop").new_page()
    page.goto(fac_url)
    console_tab(page, "Set-up")
    paste = page.get_by_role("form", name="Paste rooms")
    paste.get_by_label("Rooms, one a line: name, capacity, where").fill("Aula, 120\nLab, 20\nCafé, 40")
    paste.get_by_role("button", name="Add these rooms").click()
    expect(page.locator("#toast")).to_have_text("3 rooms saved.")
    template = page.get_by_role("form", name="Make a day from a template")
    template.get_by_label("Ends").fill("11:00")
    template.get_by_label("Lunch (minutes)").fill("0")
    template.get_by_role("button", name="Make the slots").click()
    expect(page.locator("#toast")).to_contain_text("time slots added.")

    room = page.get_by_role("form", name="Room Lab").get_attribute("action").rsplit("/", 1)[1]
    page.locator("details.day-setup summary").first.click()
    slot = page.locator("form[aria-label^='Slot ']").first.get_attribute("action").rsplit("/", 1)[1]
    token = page.locator("meta[name=csrf-token]").get_attribute("content")
    placed = page.request.post(
        f"{live_server.url}/e/{slug}/facilitate/grid/place",
        form={"pitch_id": str(pitch.json()["id"]), "slot_id": slot, "room_id": room},
        headers={"X-CSRFToken": token, "Accept": "application/json"},
    )
    assert placed.ok, placed.text()

    page.goto(f"{live_server.url}/e/{slug}/facilitate/tents")
    tents = page.get_by_role("article")
    expect(tents).to_have_count(3)
    lab = page.get_by_role("article", name="Room Lab")
    expect(lab).to_contain_text("Kaffee-Hacks")
    expect(lab).to_contain_text("9:00")
    expect(page.get_by_role("article", name="Room Aula")).to_contain_text("No sessions planned here yet.")
    expect(lab.get_by_role("img", name="QR code to the question wall")).to_be_visible()
    expect(lab).to_contain_text(f"/e/{slug}/questions")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/tents.png", full_page=True)
    pages = pdf_pages(page.pdf(format="A4"))
    assert len(pages) == 2 and all(a4(p) for p in pages), pages


def test_the_demo_event_s_recap_opens_from_the_console_and_prints_on_one_a4_page(live_demo, new_context):
    from tests.support.browser import axe_violations

    page = new_context("laptop", bypass_csp=True).new_page()
    page.goto(live_demo["facilitator"])
    console_tab(page, "Data & privacy")
    page.get_by_role("link", name="Open the event recap").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Barcamp"))
    pitches = page.locator('[data-figure="pitches"] dd')
    assert int(pitches.inner_text()) > 10  # the demo's pitches, counted
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    assert axe_violations(page) == []
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/recap-1440.png", full_page=True)
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_hidden()
    pages = pdf_pages(page.pdf(format="A4", print_background=True))
    assert len(pages) == 1 and a4(pages[0])
