"""The design system (issue #17) in real Chromium and over HTTP: on the attendee pages and the
console, at 390×844 and 1440×900, every icon points at a symbol of the page's one inline sprite,
no screen has more than one primary button, buttons are touch targets on the phone, the tab bar's
icons render, and nothing is loaded from another host (no CDN).

"Primary" is the filled accent look: a button (or a link styled as one) whose computed background
is the page's --accent. Toggles (aria-pressed) are not primary: they are filled only when on."""

from __future__ import annotations

import re

import pytest

from tests.support.live import Browserless

PAGES = ["", "/pitch", "/grid", "/questions", "/tips", "/meet", "/me", "/guide"]
SIZES = {"phone": (390, 844), "laptop": (1440, 900)}
TAP = 44

# Every visible button in main: its text, whether it is primary (background = --accent), height.
BUTTONS = """() => {
  const probe = document.createElement('span');
  probe.style.setProperty('background-color', 'var(--accent)');
  document.body.append(probe);
  const accent = getComputedStyle(probe).backgroundColor;
  probe.remove();
  return [...document.querySelectorAll('main button, main .button')].filter(b => {
    const r = b.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(b).visibility !== 'hidden';
  }).map(b => ({
    text: b.textContent.trim().replace(/\\s+/g, ' ').slice(0, 50),
    primary: !b.hasAttribute('aria-pressed') && getComputedStyle(b).backgroundColor === accent,
    height: b.getBoundingClientRect().height,
  }));
}"""

# Every <use> and what its href points at (the tag name of the element with that id, or null).
USES = """() => [...document.querySelectorAll('use')].map(u => {
  const href = u.getAttribute('href') || '';
  const target = href.startsWith('#') ? document.getElementById(href.slice(1)) : null;
  return {href, target: target ? target.tagName.toLowerCase() : null};
})"""


def open_console(page, live_demo):
    """The facilitator link opens the console; it shows one tab at a time."""
    page.goto(live_demo["facilitator"])
    page.wait_for_selector("[data-console-tabs] [data-tab]")
    tabs = page.locator("[data-console-tabs] [data-tab]")
    return [tabs.nth(i).get_attribute("data-tab") for i in range(tabs.count())]


def screens(page, base, live_demo):
    """Visit each attendee page, then each console tab, yielding a name for each screen."""
    for path in PAGES:
        page.goto(f"{base}/e/demo{path}")
        yield f"/e/demo{path}"
    for key in open_console(page, live_demo):
        page.click(f"[data-console-tabs] [data-tab={key}]")
        page.wait_for_selector(f"[data-panel={key}]:not([hidden])")
        yield f"console#{key}"


@pytest.mark.browser
@pytest.mark.parametrize("size", SIZES)
def test_design_every_icon_resolves_and_at_most_one_primary_button(live_server, live_demo, browser, size):
    width, height = SIZES[size]
    phone = size == "phone"
    ctx = browser.new_context(viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone)
    page = ctx.new_page()
    seen_uses = 0
    for name in screens(page, live_server.url, live_demo):
        uses = page.evaluate(USES)
        seen_uses += len(uses)
        broken = [u for u in uses if u["target"] != "symbol"]
        assert not broken, (name, broken)

        buttons = page.evaluate(BUTTONS)
        primaries = [b["text"] for b in buttons if b["primary"]]
        assert len(primaries) <= 1, (name, primaries)

        if phone:
            small = [b for b in buttons if b["height"] < TAP - 0.5]
            assert not small, (name, small)
    assert seen_uses > 0
    ctx.close()


@pytest.mark.browser
def test_design_key_pages_have_their_one_primary_action(live_server, live_demo, new_context):
    page = new_context("phone").new_page()
    expected = {"": "Pitch a session", "/pitch": "Send my pitch", "/questions": "Ask anonymously"}
    for path, label in expected.items():
        page.goto(f"{live_server.url}/e/demo{path}")
        primaries = [b["text"] for b in page.evaluate(BUTTONS) if b["primary"]]
        assert primaries == [label], (path, primaries)


@pytest.mark.browser
@pytest.mark.parametrize("size", SIZES)
def test_design_tab_bar_icons_render_beside_their_words(live_server, live_demo, browser, size):
    width, height = SIZES[size]
    ctx = browser.new_context(viewport={"width": width, "height": height})
    page = ctx.new_page()
    page.goto(f"{live_server.url}/e/demo")
    tabs = page.get_by_role("navigation", name="Event").get_by_role("link")
    assert tabs.count() >= 7
    for i in range(tabs.count()):
        tab = tabs.nth(i)
        assert tab.inner_text().strip(), i  # the word stays
        box = tab.locator("svg.icon").bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0, (tab.inner_text(), box)
    # The console's tabs carry icons too.
    page.goto(live_demo["facilitator"])
    console_tabs = page.locator("[data-console-tabs] [data-tab]")
    assert console_tabs.count() >= 4
    for i in range(console_tabs.count()):
        box = console_tabs.nth(i).locator("svg.icon").bounding_box()
        assert box and box["width"] > 0, (console_tabs.nth(i).inner_text(), box)
    ctx.close()


ASSET = re.compile(r'<(?:script|link|img|use|source|iframe)\b[^>]*?\b(?:src|href)="([^"]*)"', re.I)


def test_design_sprite_is_in_each_page_once_and_nothing_comes_from_a_cdn(live_server, live_demo):
    person = Browserless(live_server.url)
    pages = [f"/e/demo{p}" for p in PAGES]
    r = person.open("/e/demo/f/demo-facilitator")  # becomes a facilitator, lands on the console
    assert r.status_code == 200 and "data-console-tabs" in r.text
    bodies = {"console": r.text}
    for path in pages:
        r = person.open(path)
        assert r.status_code == 200, path
        bodies[path] = r.text
    for name, html in bodies.items():
        assert html.count('<symbol id="i-check"') == 1, name
        assert len(re.findall(r"<svg[^>]*\bhidden\b[^>]*>\s*<symbol", html)) == 1, name
        symbols = set(re.findall(r'<symbol id="([^"]+)"', html))
        assert len(symbols) >= 15, name
        used = set(re.findall(r'<use href="#([^"]+)"', html))
        assert used and used <= symbols, (name, used - symbols)
        for url in ASSET.findall(html):
            assert not re.match(r"^(https?:)?//", url) or url.startswith(live_server.url), (name, url)
    for css in ("/static/css/app.css", "/static/css/console.css"):
        text = person.open(css).text
        assert not re.search(r"url\(\s*['\"]?(https?:)?//|@import", text), css
