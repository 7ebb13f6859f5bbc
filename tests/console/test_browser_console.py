"""Real Chromium: the organiser's first hour. Set up 2 days × 4 slots × 5 rooms in few submits,
find every part of the console one tap away, and see what needs attention as it happens."""

import datetime as dt
import os
import time

import pytest
from babel.dates import format_date
from playwright.sync_api import expect

from tests.support.browser import console_tab
from tests.support.env import SOON

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("CONSOLE_SHOTS")  # a folder: save screenshots of the console there
ROOMS = "\n".join(
    [
        "Aula, 120, Ground floor",
        "Seminar 1, 30, First floor",
        "Seminar 2, 30, First floor",
        "Lab, 20, Basement",
        "Café, 40, Ground floor",
    ]
)


def shot(page, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png")


def count_submits(page) -> list[str]:
    """Every POST the page sends, in the background or as a page load."""
    sent = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    return sent


def test_setup_of_two_days_four_slots_five_rooms_takes_three_submits(live_server, new_context):
    slug, fac_url = live_server.create_event("Quick Setup Camp")
    page = new_context("laptop").new_page()
    page.goto(fac_url)
    console_tab(page, "Set-up")
    submits = count_submits(page)
    started = time.monotonic()

    paste = page.get_by_role("form", name="Paste rooms")
    paste.get_by_label("Rooms, one a line: name, capacity, where").fill(ROOMS)
    paste.get_by_role("button", name="Add these rooms").click()
    expect(page.locator("#toast")).to_have_text("5 rooms saved.")

    template = page.get_by_role("form", name="Make a day from a template")
    template.get_by_label("Starts").fill("09:00")
    template.get_by_label("Ends").fill("13:00")
    template.get_by_label("Session (minutes)").fill("45")
    template.get_by_label("Break (minutes)").fill("15")
    template.get_by_label("Lunch (minutes)").fill("0")
    template.get_by_role("button", name="Make the slots").click()
    expect(page.locator("#toast")).to_have_text("4 time slots added.")

    day = page.locator("details.day-setup").first
    expect(day.locator("summary")).to_contain_text("4 slots")
    day.locator("summary").click()
    day.get_by_role("button", name="Copy the day").click()
    expect(page.locator("#toast")).to_have_text("4 time slots added.")
    seconds = time.monotonic() - started

    days = page.locator("details.day-setup")
    expect(days).to_have_count(2)
    expect(days.nth(1).locator("summary")).to_contain_text("4 slots")
    expect(page.get_by_role("form", name="Room Café")).to_be_visible()
    print(f"\nset-up of 2 days x 4 slots x 5 rooms: {len(submits)} submits, {seconds:.1f} s")
    assert len(submits) <= 3
    assert seconds < 60
    # every save happened in place: still the first page load
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1
    expect(page.locator("form[aria-label^='Room ']")).to_have_count(5)
    # the generated slots stay editable one by one
    expect(days.nth(1).locator("form[aria-label^='Slot ']")).to_have_count(4)
    if SHOTS:
        days.nth(1).locator("summary").click()
        page.locator("#rooms").screenshot(path=f"{SHOTS}/setup-rooms.png")
        page.locator("#days").screenshot(path=f"{SHOTS}/setup-days.png")
    # A narrow window: the rooms scroll sideways in their own box, and the times stay in view
    page.set_viewport_size({"width": 480, "height": 800})
    console_tab(page, "Plan")
    scroller = page.locator(".gc-scroll")
    assert scroller.evaluate("s => s.scrollWidth > s.clientWidth")
    scroller.evaluate("s => { s.scrollLeft = s.scrollWidth; }")
    time_cell = page.locator('.gc-table th[scope="row"]').first
    assert abs(time_cell.bounding_box()["x"] - scroller.bounding_box()["x"]) < 2
    expect(time_cell).to_be_visible()
    day_name = page.locator(".gc-day-name").first.bounding_box()  # and so do the days' names
    assert scroller.bounding_box()["x"] <= day_name["x"] < scroller.bounding_box()["x"] + 20
    if SHOTS:
        scroller.screenshot(path=f"{SHOTS}/console-480-grid-scrolled.png")


def test_setup_days_read_in_the_readers_language(live_server, new_context):
    _slug, fac_url = live_server.create_event("Tag Camp")
    page = new_context("laptop", locale="de-DE").new_page()
    page.goto(fac_url)
    expect(page.locator("html")).to_have_attribute("lang", "de")
    page.goto(page.url.split("#")[0] + "#days")
    summary = page.locator("details.day-setup summary").first
    day = dt.date.fromisoformat(SOON)
    expect(summary).to_contain_text(format_date(day, "long", locale="de"))
    expect(summary).to_contain_text(format_date(day, "EEEE", locale="de"))
    expect(summary).not_to_contain_text(SOON)


def test_console_tabs_show_one_section_and_badges_count_live(live_server, new_context):
    slug, fac_url = live_server.create_event("Badge Camp")
    fac = new_context("laptop").new_page()
    fac.goto(fac_url)
    tabs = fac.get_by_role("navigation", name="Console sections")
    for name in ("Plan", "Pitching", "Questions", "Board", "Set-up", "Data & privacy"):
        expect(tabs.get_by_role("link", name=name)).to_be_visible()
    expect(fac.get_by_role("heading", name="Session grid")).to_be_visible()
    expect(fac.get_by_role("heading", name="Question wall")).to_be_hidden()

    console_tab(fac, "Questions")
    expect(fac.get_by_role("heading", name="Question wall")).to_be_visible()
    expect(fac.get_by_role("heading", name="Session grid")).to_be_hidden()
    settings = fac.get_by_role("form", name="Question wall settings")
    settings.get_by_label("Pre-moderation").check()
    settings.get_by_role("button", name="Save question settings").click()
    expect(fac.get_by_text("Question wall settings saved.")).to_be_visible()
    # the confirmation shows inside the screen, below the sticky header and tabs
    box = fac.get_by_text("Question wall settings saved.").bounding_box()
    header = fac.locator("header.top").bounding_box()
    assert box["y"] > header["y"] + header["height"] and box["y"] + box["height"] <= 900
    expect(fac.get_by_role("heading", name="Question wall")).to_be_visible()  # still on its tab
    expect(fac.locator("body[data-live=on]")).to_have_count(1)

    phone = new_context("phone").new_page()
    phone.goto(f"{live_server.url}/e/{slug}/questions")
    phone.get_by_label("Your question", exact=True).fill("Gibt es Kaffee?")
    phone.get_by_role("button", name="Ask anonymously").click()
    expect(phone.get_by_text("Thanks! Your question is waiting for approval by a facilitator.")).to_be_visible()

    badge = tabs.get_by_role("link", name="Questions")
    expect(badge.locator("[data-badge]")).to_contain_text("1", timeout=5000)
    expect(badge).to_have_attribute("aria-current", "page")  # the live reload kept the open tab
    assert fac.evaluate("performance.getEntriesByType('navigation').length") == 1

    for size, name in (
        ({"width": 1440, "height": 900}, "console-1440"),
        ({"width": 1024, "height": 768}, "console-1024"),
    ):
        fac.set_viewport_size(size)
        console_tab(fac, "Plan")
        # Laptop and tablet alike: the page never scrolls sideways (the grid scrolls in its own
        # box) and every tab is on screen.
        assert fac.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
        for link in tabs.get_by_role("link").all():
            box = link.bounding_box()
            assert box and 0 <= box["x"] and box["x"] + box["width"] <= size["width"], (name, link.inner_text())
        shot(fac, f"{name}-plan")
        console_tab(fac, "Set-up")
        shot(fac, f"{name}-setup")
        console_tab(fac, "Pitching")
        shot(fac, f"{name}-pitching")


def test_anchor_of_a_section_opens_its_tab(live_server, new_context):
    _slug, fac_url = live_server.create_event("Anchor Camp")
    fac = new_context("laptop").new_page()
    fac.goto(fac_url)
    fac.goto(fac.url.split("#")[0] + "#rooms")
    expect(fac.get_by_role("heading", name="Rooms", exact=True)).to_be_visible()
    expect(fac.get_by_role("navigation", name="Console sections").get_by_role("link", name="Set-up")).to_have_attribute(
        "aria-current", "page"
    )
