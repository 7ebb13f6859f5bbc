"""Real Chromium: layout at the sizes people use. On phones (360×640, 390×844) no page is wider
than the screen and every tab, the current one too, is on screen. On the projector (1280×720,
1920×1080) every mode fits one screen in the dark and the light theme, nothing is cut off, no word
is broken without a hyphen, text is at least 3.5% of the screen's height and in good contrast, a
grid with rows fills the screen, and a dark logo sits on a light plate: with the demo event, and
with an event of 60 pitches (long German words among them) and 40 questions.
Screenshots of each go to /tmp/shots-17s/ for review."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

import barcamp  # noqa: F401  (its features register their projector modes)
from barcamp.core import screens
from barcamp.core.extensions import db
from barcamp.models import Event, Pitch, Placement, Room, Slot
from tests.support.live import Browserless
from tests.support.world import LiveClient, post_logo

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots-17s")
PHONES = [(360, 640), (390, 844)]
SCREENS = [(1280, 720), (1920, 1080)]
PAGES = ["", "/pitch", "/grid", "/questions", "/tips", "/meet", "/me", "/guide"]
MIN_TEXT = 0.035  # of the screen's height
THEMES = ["dark", "light"]
DARK_LOGO = (  # navy on transparent: lost on a black projector without a plate
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40" width="120" height="40">'
    b'<circle cx="20" cy="20" r="14" fill="#14213d"/>'
    b'<text x="40" y="28" font-size="22" fill="#14213d">Camp</text></svg>'
)
LONG_GERMAN = "Datenschutzgrundverordnung und Barrierefreiheitsanforderungen im Ehrenamt"

# Every visible element that holds text itself: its box and font size.
TEXT_BOXES = """() => [...document.querySelectorAll('main *')].filter(el => {
  if (el.closest('.visually-hidden') || !el.getClientRects().length) return false;
  return [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
}).map(el => { const r = el.getBoundingClientRect();
  return {text: el.textContent.trim().slice(0, 40),
          size: parseFloat(getComputedStyle(el).fontSize),
          top: r.top, bottom: r.bottom, left: r.left, right: r.right}; })"""

# Words the browser broke across two lines without a hyphen (a soft hyphen shows as one): the
# characters of each text on the stage, and where the next one starts a new line.
BROKEN_WORDS = r"""() => {
  const out = [], ok = new Set(['-', '\u00ad', '/', '.', ':', '\u2013']), range = document.createRange();
  const walker = document.createTreeWalker(document.querySelector('.stage'), NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.parentElement.getClientRects().length || n.parentElement.closest('.visually-hidden')) continue;
    const text = n.textContent;
    let top = null;
    for (let i = 0; i < text.length; i++) {
      if (/\s/.test(text[i])) { top = null; continue; }
      range.setStart(n, i); range.setEnd(n, i + 1);
      const rects = [...range.getClientRects()].filter((r) => r.width > 0);  // not the empty one at a line's end
      if (!rects.length) continue;
      const at = rects[rects.length - 1].top;
      if (top !== null && at > top + 2 && !ok.has(text[i - 1])) out.push(text.slice(Math.max(0, i - 15), i + 15));
      top = at;
    }
  }
  return out;
}"""

# Text on the stage whose colour has less than 4.5:1 contrast with what is behind it.
LOW_CONTRAST = r"""() => {
  const rgb = (c) => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number); return {r, g, b, a}; };
  const lum = ({r, g, b}) => [r, g, b]
    .map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const behind = (el) => { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor);
    if (c && c.a > 0) return c; } return {r: 255, g: 255, b: 255, a: 1}; };
  return [...document.querySelectorAll('.stage *')].filter((el) => el.getClientRects().length
      && [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()) && !el.closest('.visually-hidden'))
    .map((el) => { const fg = rgb(getComputedStyle(el).color), bg = behind(el);
      if (!fg) return null; const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
      return {text: el.textContent.trim().slice(0, 30), ratio: (hi + 0.05) / (lo + 0.05)}; })
    .filter((c) => c && c.ratio < 4.5);
}"""


def shoot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


@pytest.mark.parametrize("width,height", PHONES)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_phone_pages_fit_the_screen_and_every_tab_is_on_it(live_server, live_demo, browser, width, height, scheme):
    size = {"width": width, "height": height}
    ctx = browser.new_context(viewport=size, is_mobile=True, has_touch=True, color_scheme=scheme)
    page = ctx.new_page()
    for path in PAGES:
        page.goto(f"{live_server.url}/e/demo{path}")
        tabs = page.get_by_role("navigation", name="Event").get_by_role("link")
        assert tabs.count() >= 7
        for i in range(tabs.count()):
            box = tabs.nth(i).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, (path, tabs.nth(i).inner_text(), box)
            assert box["y"] >= 0 and box["y"] + box["height"] <= height / 3, (path, tabs.nth(i).inner_text(), box)
        if path != "/pitch":  # the form is not a tab
            expect(page.locator(".tabs a[aria-current=page]")).to_be_in_viewport(ratio=1)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        shoot(page, f"phone{width}-{scheme}-{path.strip('/') or 'pitches'}")
    ctx.close()


def test_anchor_lands_below_the_sticky_tabs(live_server, live_demo, new_context):
    page = new_context("phone").new_page()
    page.goto(f"{live_server.url}/e/demo")
    last = page.locator("article[data-pitch]").last
    page.goto(f"{live_server.url}/e/demo#{last.get_attribute('id')}")
    header = page.locator("header.top").bounding_box()
    title = last.locator("h3").bounding_box()
    assert title["y"] >= header["y"] + header["height"], (title, header)


def plan_grid(live_server, slug, rooms=6, slots=8):
    """Rooms with locations and a day of slots, every cell holding one of the event's pitches (approved)."""
    from barcamp import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": live_server.env["DATABASE_URL"]})
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        room_rows = [
            Room(event_id=event.id, name=f"Room {n + 1}", capacity=50, location=f"Floor {n}") for n in range(rooms)
        ]
        slot_rows = [
            Slot(day_id=event.days[0].id, starts_at=dt.time(9 + n), ends_at=dt.time(9 + n, 45), kind="session")
            for n in range(slots)
        ]
        db.session.add_all(room_rows + slot_rows)
        db.session.flush()
        pitches = list(db.session.scalars(select(Pitch).where(Pitch.event_id == event.id).order_by(Pitch.id)))
        for pitch in pitches:  # one phone's many pitches wait for review: the facilitators approved them
            pitch.status = "active"
        pitches = iter(pitches)
        for slot in slot_rows:
            for room in room_rows:
                pitch = next(pitches)
                db.session.add(Placement(event_id=event.id, slot_id=slot.id, room_id=room.id, pitch_id=pitch.id))
        db.session.commit()
        db.engine.dispose()


@pytest.fixture(scope="module")
def crowded(live_server):
    """An event with 60 pitches (long titles, tags) and 40 questions, 48 of them on a grid of
    6 rooms × 8 slots; returns (slug, facilitator)."""
    slug, fac_url = live_server.create_event("Barcamp with a rather long name for the projector 2026")
    phone = Browserless(live_server.url)
    phone.open(f"/e/{slug}")
    for i in range(60):
        title = f"Pitch {i + 1}: what we learned running a community project for {i + 2} years"
        language = "en"
        if i % 3 == 1:  # German compounds, longer than a grid cell is wide
            title, language = f"Pitch {i + 1}: {LONG_GERMAN}", "de"
        form = {"title": title, "level": "everyone", "format": "talk", "language": language, "tags": "community, oss"}
        r = phone.post(f"/e/{slug}/pitch", form)
        assert r.status_code == 200, r.text[:300]
    for i in range(40):
        text = f"Question {i + 1}: how do you keep newcomers on board when the group grows beyond {i + 10} people?"
        assert phone.post(f"/e/{slug}/questions", {"text": text}).status_code == 200
    plan_grid(live_server, slug)
    fac = LiveClient(live_server.url)
    assert fac.get(fac_url.removeprefix(live_server.url)).status_code == 302
    assert post_logo(fac, f"/e/{slug}/facilitate/branding/logo", DARK_LOGO).status_code == 302
    return slug, fac


@pytest.fixture
def demo_fac(live_server, live_demo):
    fac = LiveClient(live_server.url)
    assert fac.get(live_demo["facilitator"].removeprefix(live_server.url)).status_code == 302
    yield "demo", fac
    assert fac.post("/e/demo/facilitate/projector", data={"mode": "welcome"}).status_code == 302
    assert fac.post("/e/demo/facilitate/projector", data={"theme": "dark"}).status_code == 302
    assert fac.post("/e/demo/facilitate/spotlight", data={"pitch_id": "0"}).status_code == 302


def assert_projector_fits(page, width, height, where):
    scroll = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert scroll == [width, height], where
    boxes = page.evaluate(TEXT_BOXES)
    assert boxes, where
    small = [b for b in boxes if b["size"] < MIN_TEXT * height]
    assert small == [], where
    out = [b for b in boxes if b["top"] < 0 or b["left"] < 0 or b["bottom"] > height + 0.5 or b["right"] > width + 0.5]
    assert out == [], where
    assert page.evaluate(BROKEN_WORDS) == [], where
    assert page.evaluate(LOW_CONTRAST) == [], where
    for paged in page.locator(".stage [data-fit-page], .nnb-list").all():  # a list never shows an empty page
        assert paged.locator(":scope > li:visible").count() > 0, where
    logo = page.locator(".stage-logo")
    if logo.count():
        plate = logo.evaluate("el => getComputedStyle(el).backgroundColor")
        assert plate == ("rgb(255, 255, 255)" if "dark" in where else "rgba(0, 0, 0, 0)"), where


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("width,height", SCREENS)
@pytest.mark.parametrize("which", ["demo", "crowded"])
def test_projector_modes_fill_the_screen_with_large_text_and_nothing_cut_off(
    live_server, browser, request, which, width, height, theme
):
    slug, fac = request.getfixturevalue("demo_fac" if which == "demo" else "crowded")
    assert fac.post(f"/e/{slug}/facilitate/projector", data={"theme": theme}).status_code == 302
    assert fac.post(f"/e/{slug}/facilitate/spotlight", data={"pitch_id": "0"}).status_code == 302
    ctx = browser.new_context(viewport={"width": width, "height": height})
    page = ctx.new_page()
    page.clock.install()  # time runs as usual, and the test can turn the grid's pages
    for mode in screens.mode_values():
        assert fac.post(f"/e/{slug}/facilitate/projector", data={"mode": mode}).status_code == 302
        page.goto(f"{live_server.url}/e/{slug}/projector")
        expect(page.locator(f".mode-{mode}.theme-{theme}")).to_have_count(1)
        page.wait_for_timeout(300)  # projector.js has paged the lists
        name = f"projector{width}-{theme}-{which}-{mode}"
        shoot(page, name)
        assert_projector_fits(page, width, height, name)
        if mode == "grid":
            assert_every_grid_page_fits(page, width, height, which, name)
        if mode == "pitches":  # a pitch in the spotlight, with its timer (a long German one in the big event)
            assert fac.post(f"/e/{slug}/facilitate/spotlight", data={"move": "next"}).status_code == 302
            if which == "crowded":
                fac.post(f"/e/{slug}/facilitate/spotlight", data={"move": "next"})
            page.reload()
            expect(page.locator(".mode-pitches .kicker")).to_be_visible()
            page.wait_for_timeout(300)
            shoot(page, f"{name}-spotlight")
            assert_projector_fits(page, width, height, f"{name}-spotlight")
            assert fac.post(f"/e/{slug}/facilitate/spotlight", data={"pitch_id": "0"}).status_code == 302
    ctx.close()


def assert_every_grid_page_fits(page, width, height, which, name):
    """Turn through the grid's pages: each fits the screen in large type, and together they show
    every placed session."""
    cells = page.locator(".pgrid td .gt-title")
    placed = cells.count()
    assert placed == (48 if which == "crowded" else placed) and placed > 0
    pager = page.locator(".pgrid-page:not([hidden]) [data-pager]")
    views = 1 if pager.is_hidden() else int(pager.inner_text().rsplit(" ", 1)[1])
    seen = set()
    for n in range(views):
        if views > 1:
            expect(pager).to_have_text(f"Page {n + 1} of {views}")
        seen |= set(page.locator(".pgrid td .gt-title:visible").all_inner_texts())
        shoot(page, f"{name}-{n + 1}")
        assert_projector_fits(page, width, height, f"{name}-{n + 1}")
        shown = page.locator(".pgrid-page:not([hidden]) table")
        for _ in range(30):  # projector.js may be re-fitting or turning the page in this moment
            table = shown.bounding_box() if shown.count() == 1 else None
            if table:
                break
            page.wait_for_timeout(100)
        assert table, f"{name}-{n + 1}: no grid page is shown"
        assert table["y"] + table["height"] >= 0.85 * height, (f"{name}-{n + 1}", table)  # no half-empty screen
        if n + 1 < views:  # the next view comes within the 12 s rotation (a re-split may restart it)
            for _ in range(30):
                page.clock.fast_forward(1000)
                if pager.inner_text() != f"Page {n + 1} of {views}":
                    break
    assert len(seen) == len(set(cells.all_inner_texts())), which


def test_projector_in_german_fits_and_breaks_long_words_with_a_hyphen(live_server, browser, crowded):
    slug, fac = crowded
    assert fac.post(f"/e/{slug}/facilitate/projector", data={"theme": "dark"}).status_code == 302
    ctx = browser.new_context(viewport={"width": 1280, "height": 720}, locale="de-DE")
    page = ctx.new_page()
    for mode in ("welcome", "grid", "nownext", "wall", "mixer"):
        assert fac.post(f"/e/{slug}/facilitate/projector", data={"mode": mode}).status_code == 302
        page.goto(f"{live_server.url}/e/{slug}/projector")
        expect(page.locator("html[lang=de]")).to_have_count(1)
        expect(page.locator(f".mode-{mode}")).to_have_count(1)
        page.wait_for_timeout(300)
        shoot(page, f"projector1280-dark-crowded-de-{mode}")
        assert_projector_fits(page, 1280, 720, f"projector1280-dark-crowded-de-{mode}")
    ctx.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_dark_logo_sits_on_a_light_plate_on_the_dark_phone_header(live_server, browser, crowded, scheme):
    slug, _fac = crowded
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, color_scheme=scheme)
    page = ctx.new_page()
    page.goto(f"{live_server.url}/e/{slug}")
    logo = page.locator("header .brand-logo")
    expect(logo).to_be_visible()
    plate = logo.evaluate("el => getComputedStyle(el).backgroundColor")
    assert plate == ("rgb(255, 255, 255)" if scheme == "dark" else "rgba(0, 0, 0, 0)")
    shoot(page, f"phone390-{scheme}-logo")
    ctx.close()


def test_console_switches_the_projector_to_the_light_theme_live(live_server, new_context):
    slug, fac_url = live_server.create_event("Bright Room Camp")
    console = new_context("laptop").new_page()
    console.goto(fac_url)
    console.goto(f"{live_server.url}/e/{slug}/facilitate")
    projector = new_context("projector").new_page()
    projector.goto(f"{live_server.url}/e/{slug}/projector")
    expect(projector.locator("body[data-live=on]")).to_have_count(1)
    assert projector.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"

    themes = console.get_by_role("group", name="Projector theme")
    themes.get_by_role("button", name="Light, for bright rooms").click()
    expect(themes.get_by_role("button", name="Light, for bright rooms")).to_have_attribute("aria-pressed", "true")
    expect(projector.locator(".theme-light")).to_have_count(1)  # live, no reload
    assert projector.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    title = projector.locator(".stage-title")
    assert title.evaluate("el => getComputedStyle(el).color") == "rgb(0, 0, 0)"
    shoot(projector, "projector1920-light-welcome")
    for mode in ("pitches", "wall"):
        console.get_by_role("button", name={"pitches": "Pitches", "wall": "Question wall"}[mode], exact=True).click()
        expect(projector.locator(f".mode-{mode}.theme-light")).to_have_count(1)
        shoot(projector, f"projector1920-light-{mode}")
    themes = console.get_by_role("group", name="Projector theme")
    themes.get_by_role("button", name="Dark").click()
    expect(projector.locator(".theme-dark")).to_have_count(1)
    assert projector.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"


def test_confirmations_are_in_view_on_a_small_phone(live_server, browser):
    slug, _ = live_server.create_event("Confirm Camp")
    ctx = browser.new_context(viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    page.goto(f"{live_server.url}/e/{slug}/tips")
    form = page.get_by_role("form", name="Join the board")
    form.get_by_label("Display name").fill("Anna")
    form.get_by_role("button", name="Join the board").click()
    expect(page.get_by_text("Welcome to the board!")).to_be_in_viewport()  # not scrolled away above #my-card

    share = page.get_by_role("form", name="Share a tip")
    share.get_by_label("Your tip").fill("Bring an HDMI adapter to the workshop room.")
    share.get_by_role("button", name="Post tip").click()
    expect(page.locator("#toast")).to_have_text("Your tip is on the board.")
    expect(page.locator("#toast")).to_be_in_viewport()

    page.goto(f"{live_server.url}/e/{slug}/pitch")
    page.get_by_label("Title").fill("A pitch whose card lands in view")
    page.get_by_role("button", name="Send my pitch").click()
    card = page.get_by_role("article", name="A pitch whose card lands in view")
    expect(card).to_be_in_viewport()
    expect(page.locator("#toast")).to_contain_text("is on the list")
    header = page.locator("header.top").bounding_box()
    assert card.locator("h3").bounding_box()["y"] >= header["y"] + header["height"]  # not under the tabs
    ctx.close()
