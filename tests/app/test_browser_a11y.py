"""Real Chromium: accessibility (axe-core, keyboard, tap targets, zoom, motion, live regions)
and the first-timer journey, on the demo event."""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.support.browser import axe_violations

pytestmark = pytest.mark.browser

ATTENDEE_PAGES = [
    "/",
    "/e/demo",
    "/e/demo/pitch",
    "/e/demo/grid",
    "/e/demo/questions",
    "/e/demo/tips",
    "/e/demo/meet",
    "/e/demo/me",
    "/e/demo/guide",
]
PROJECTOR_MODES = ["Welcome", "Pitches", "Grid", "Now & next", "Question wall", "Meet someone new"]


def set_projector(page, mode):
    page.goto(page.url.split("/e/")[0] + "/e/demo/facilitate")
    page.get_by_role("button", name=mode, exact=True).click()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_and_state_has_no_serious_axe_violations(live_server, live_demo, new_context, scheme):
    found = {}
    phone = new_context("phone", bypass_csp=True, color_scheme=scheme).new_page()
    for path in ATTENDEE_PAGES:
        phone.goto(live_server.url + path)
        found[path] = axe_violations(phone)
    phone.goto(live_server.url + "/e/demo/pitch")
    phone.get_by_role("button", name="Send my pitch").click()
    expect(phone.get_by_text("Please give your session a title.")).to_be_visible()
    found["pitch form with errors"] = axe_violations(phone)

    laptop = new_context("laptop", bypass_csp=True, color_scheme=scheme).new_page()
    laptop.goto(live_demo["facilitator"])
    found["console"] = axe_violations(laptop)
    projector = new_context("projector", bypass_csp=True, color_scheme=scheme).new_page()
    for mode in PROJECTOR_MODES:
        set_projector(laptop, mode)
        projector.goto(f"{live_server.url}/e/demo/projector")
        found[f"projector {mode}"] = axe_violations(projector)
    set_projector(laptop, "Welcome")
    assert {k: v for k, v in found.items() if v} == {}


def tab_to(page, locator, limit=120):
    """Press Tab until ``locator`` has focus (proves it is reachable by keyboard); return steps."""
    for step in range(limit):
        if locator.evaluate("el => el === document.activeElement"):
            return step
        page.keyboard.press("Tab")
    raise AssertionError(f"not reachable by Tab: {locator}")


def assert_visible_focus(page):
    style = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return {o: s.outlineStyle, w: parseFloat(s.outlineWidth), b: s.boxShadow}; }"
    )
    assert (style["o"] != "none" and style["w"] >= 2) or style["b"] != "none", style


def test_keyboard_only_journey_pitches_votes_and_asks(live_server, new_context):
    slug, _ = live_server.create_event("Keyboard Camp")
    page = new_context("laptop").new_page()
    page.goto(f"{live_server.url}/e/{slug}")
    skip = page.get_by_role("button", name="Skip the guide")
    tab_to(page, skip)
    assert_visible_focus(page)
    page.keyboard.press("Enter")
    expect(skip).to_be_hidden()

    tab_to(page, page.get_by_role("link", name="Pitch a session"))
    assert_visible_focus(page)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Pitch a session")).to_be_visible()
    tab_to(page, page.get_by_label("Title"))
    page.keyboard.type("Screen readers 101")
    tab_to(page, page.get_by_role("button", name="Send my pitch"))
    page.keyboard.press("Enter")
    card = page.get_by_role("article", name="Screen readers 101")
    expect(card).to_be_visible()

    vote = card.get_by_role("button", name="I'd attend")
    tab_to(page, vote)
    assert_visible_focus(page)
    page.keyboard.press("Space")
    expect(vote).to_have_attribute("aria-pressed", "true")
    expect(vote.locator("[data-tally]")).to_have_text("1", timeout=5000)

    tab_to(page, page.get_by_role("link", name="Questions", exact=True).first)
    page.keyboard.press("Enter")
    box = page.get_by_role("textbox")
    tab_to(page, box)
    page.keyboard.type("What does 'law of two feet' mean?")
    tab_to(page, page.get_by_role("button", name="Ask anonymously"))
    page.keyboard.press("Enter")
    expect(page.locator("[data-live=questions]").first).to_contain_text("law of two feet", timeout=5000)


def test_first_timer_journey_within_a_minute(live_server, live_demo, new_context):
    start = time.monotonic()
    page = new_context("phone").new_page()
    page.goto(f"{live_server.url}/j/{live_demo['code']}")
    guide = page.get_by_role("region", name="New here? A 30-second guide")
    expect(guide).to_be_visible()
    guide.get_by_role("button", name="Next").click()
    guide.get_by_role("button", name="Skip the guide").click()

    card = page.get_by_role("article").filter(has=page.get_by_text("Beginner-friendly")).first
    card.get_by_role("button", name="I'd attend").click()
    expect(card.get_by_role("button", name="I'd attend")).to_have_attribute("aria-pressed", "true")

    page.get_by_role("link", name="Questions", exact=True).first.click()
    page.get_by_role("textbox").fill("Is it okay to leave a session in the middle?")
    page.get_by_role("button", name="Ask anonymously").click()
    expect(page.get_by_text("Is it okay to leave a session in the middle?").first).to_be_visible()

    page.get_by_role("link", name="Tips", exact=True).click()
    join = page.get_by_role("form", name="Join the board")
    join.get_by_label("Display name").fill("Neu")
    join.get_by_label("I'm looking for").fill("public speaking")
    join.get_by_role("button", name="Join the board").click()
    matches = page.get_by_role("region", name="Matches for you")
    expect(matches).to_contain_text("public speaking")
    expect(matches.get_by_role("link").first).to_be_visible()
    assert time.monotonic() - start < 60


def test_first_timer_badge_needs_consent_and_facilitators_see_a_count(live_server, new_context):
    slug, fac_url = live_server.create_event("Badge Camp")
    shy, proud = new_context("phone").new_page(), new_context("phone").new_page()
    for page, name, show in ((shy, "Shy", False), (proud, "Proud", True)):
        page.goto(f"{live_server.url}/e/{slug}/me")
        page.get_by_label("Display name (optional)").fill(name)
        page.get_by_label("This is my first barcamp").check()
        page.get_by_role("button", name="Save").click()
        page.goto(f"{live_server.url}/e/{slug}/tips")
        join = page.get_by_role("form", name="Join the board")
        join.get_by_label("I can help with").fill("listening")
        if show:
            join.get_by_label("Show a “first barcamp — say hi” badge on my card").check()
        join.get_by_role("button", name="Join the board").click()
    viewer = new_context("phone").new_page()
    viewer.goto(f"{live_server.url}/e/{slug}/tips")
    people = viewer.get_by_role("region", name="People on the board")
    expect(people).to_contain_text("Proud")
    expect(people).to_contain_text("Shy")
    badges = people.locator("li, article").filter(has_text=re.compile("first barcamp", re.I))
    expect(badges).to_have_count(1)
    expect(badges.first).to_contain_text("Proud")
    fac = new_context("laptop").new_page()
    fac.goto(fac_url)
    expect(fac.get_by_text("2 attendees said it is their first barcamp.")).to_be_visible()
    assert "Shy" not in fac.locator("main").inner_text().split("Facilitator links")[0].split("Event")[0]


@pytest.mark.parametrize("width", [320, 640])  # 640 CSS px = a 1280 px screen at 200% zoom
def test_pages_reflow_without_horizontal_scrolling(live_server, live_demo, browser, width):
    ctx = browser.new_context(viewport={"width": width, "height": 800})
    page = ctx.new_page()
    try:
        for path in ATTENDEE_PAGES:
            page.goto(live_server.url + path)
            overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{path} scrolls sideways by {overflow}px at {width}px"
    finally:
        ctx.close()


def test_tap_targets_are_at_least_44px(live_server, live_demo, new_context):
    page = new_context("phone").new_page()
    small = []
    for path in ["/e/demo", "/e/demo/pitch", "/e/demo/grid", "/e/demo/questions", "/e/demo/tips"]:
        page.goto(live_server.url + path)
        small += page.evaluate(
            """(path) => [...document.querySelectorAll('button, input:not([type=hidden]), select, textarea, summary,'
                 + ' nav a, a.button, .tabs a')]
               .filter(el => el.offsetParent !== null)
               .map(el => [el, el.getBoundingClientRect()])
               .filter(([el, r]) => r.height < 44 && !(el.type === 'checkbox' || el.type === 'radio'))
               .map(([el, r]) => `${path}: <${el.tagName.toLowerCase()}> `
                                  + `${(el.innerText || el.name || '').slice(0, 30)}`
                                  + ` ${Math.round(r.width)}x${Math.round(r.height)}`)""",
            path,
        )
    assert small == []


def test_reduced_motion_turns_off_highlight_animations(live_server, live_demo, browser):
    ctx = browser.new_context(reduced_motion="reduce", viewport={"width": 390, "height": 844})
    page = ctx.new_page()
    try:
        page.goto(f"{live_server.url}/e/demo")
        name = page.evaluate(
            "() => { const el = document.querySelector('article'); el.classList.add('changed');"
            " return getComputedStyle(el).animationName; }"
        )
        assert name == "none"
    finally:
        ctx.close()


def test_new_pitches_are_announced_politely_and_throttled(live_server, new_context, phone_http):
    slug, fac_url = live_server.create_event("Announce Camp")
    page = new_context("phone").new_page()
    page.goto(f"{live_server.url}/e/{slug}")
    expect(page.locator("body[data-live=on]")).to_have_count(1)
    region = page.locator("#announcer")
    expect(region).to_have_attribute("aria-live", "polite")
    fac = phone_http()
    fac.open(fac_url.replace(live_server.url, ""))
    # Timestamps are taken in the page, so a slow test process cannot squeeze the gaps.
    page.evaluate(
        "() => { window.__announced = []; const el = document.getElementById('announcer');"
        " new MutationObserver(() => window.__announced.push([performance.now(), el.textContent]))"
        ".observe(el, {childList: true, characterData: true, subtree: true}); }"
    )
    for i in range(5):
        fac.post(f"/e/{slug}/pitch", {"title": f"Burst {i}", "level": "everyone", "format": "talk", "language": "en"})
    expect(region).to_have_text("New pitch on the list.", timeout=5000)
    page.wait_for_timeout(2500)
    changes = [(at / 1000, text) for at, text in page.evaluate("() => window.__announced")]
    assert 1 <= len(changes) <= 3  # five pitches, not five announcements
    assert all(b[0] - a[0] >= 1.9 for a, b in zip(changes, changes[1:], strict=False))


def test_projector_text_has_high_contrast(live_server, live_demo, new_context):
    page = new_context("projector").new_page()
    page.goto(f"{live_server.url}/e/demo/projector")
    ratio = page.evaluate(
        """() => {
          const lum = (c) => { const [r, g, b] = c.match(/\\d+/g).slice(0, 3).map(v => v / 255)
            .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
            return 0.2126*r + 0.7152*g + 0.0722*b; };
          const s = getComputedStyle(document.body);
          const a = lum(s.color), b = lum(s.backgroundColor);
          return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        }"""
    )
    assert ratio >= 15


def test_pitch_level_badges_are_outlined_and_only_beginner_friendly_is_green(live_server, live_demo, new_context):
    """The grid's "now" badge (filled green) has its own class: it once shared ``.badge`` with pitch
    cards and question states, and turned every one of them into a green pill, warnings too."""
    page = new_context("phone").new_page()
    page.goto(f"{live_server.url}/e/demo")
    looks = page.evaluate(
        """() => {
          const probe = document.createElement("span");
          probe.style.color = "var(--ok)";
          document.body.append(probe);
          const ok = getComputedStyle(probe).color;
          probe.remove();
          const look = (sel) => { const s = getComputedStyle(document.querySelector(sel));
                                  return { color: s.color, background: s.backgroundColor }; };
          return { ok, beginner: look(".badge-beginner"), other: look(".badge:not(.badge-beginner)") };
        }"""
    )
    transparent = "rgba(0, 0, 0, 0)"
    assert looks["beginner"] == {"color": looks["ok"], "background": transparent}
    assert looks["other"]["background"] == transparent and looks["other"]["color"] != looks["ok"]
