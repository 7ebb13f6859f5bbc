"""The installable, offline-first phone app in real Chromium: a phone that loaded the event once
opens every tab with the Wi-Fi gone, queues votes, pitches and questions in two tabs and sends
each once, in order, when it is back; a new deploy takes over after one reload; and a
facilitator's browser keeps nothing. The caches are listed from the page, as they are."""

from __future__ import annotations

import re
import time

import pytest
import requests
from playwright.sync_api import expect

from tests.support.live import Browserless, LiveServer

pytestmark = pytest.mark.browser

# Every cache of this origin and the URLs in it, read from the page.
CACHES = """async () => {
  const out = {};
  for (const name of await caches.keys()) out[name] = (await (await caches.open(name)).keys()).map((r) => r.url);
  return out;
}"""
OFFLINE = re.compile(r"^Offline · as of \d\d:\d\d$")
DEMO_QUESTION = "Werden die Sessions aufgezeichnet oder gestreamt?"
PAGES = 8  # the allow-listed attendee pages (tests/offline/test_offline.py lists them)


def kept(page) -> dict[str, list[str]]:
    return page.evaluate(CACHES)


def installed(page, build: str | None = None, timeout: float = 30.0) -> dict[str, list[str]]:
    """Wait until the event's worker controls the page and has kept every attendee page (of ``build``)."""
    deadline = time.monotonic() + timeout
    reloaded = False
    while True:
        controlled = page.evaluate("() => navigator.serviceWorker.controller !== null")
        caches = kept(page)
        ours = all(name.endswith(build) for name in caches) if build else True
        pages = [urls for name, urls in caches.items() if " pages " in name]
        if ours and len(pages) == 1 and len(pages[0]) == PAGES:
            if controlled:
                return caches
            if not reloaded and page.evaluate("async () => !!(await navigator.serviceWorker.ready).active"):
                # A document whose navigation was in flight while the worker claimed its clients
                # stays uncontrolled (Chromium); its next navigation is served by the worker.
                page.reload()
                reloaded = True
        assert time.monotonic() < deadline, f"not installed: controlled={controlled}, caches={caches}"
        page.wait_for_timeout(200)


def outbox_empty(page, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while page.evaluate("() => localStorage.getItem('barcamp-outbox')") not in ("[]", None):
        assert time.monotonic() < deadline, "the outbox was not sent"
        page.wait_for_timeout(100)


def snapshot(base: str, slug: str) -> dict:
    return requests.get(f"{base}/api/v1/events/{slug}", timeout=5).json()


def tab(page, name: str):
    return page.get_by_role("navigation", name="Event").get_by_role("link", name=name, exact=True)


def test_a_phone_that_loaded_once_opens_every_tab_offline_and_resyncs_when_back(
    live_server, live_demo, new_context, tmp_path
):
    base, slug = live_server.url, live_demo["slug"]
    ctx = new_context("phone")
    page = ctx.new_page()
    page.goto(f"{base}/e/{slug}")
    expect(page.locator("body[data-live=on]")).to_have_count(1)
    installed(page)

    ctx.set_offline(True)
    page.reload()
    expect(page.locator("#conn")).to_have_text(OFFLINE)
    expect(page.get_by_role("article", name="Barcamp für Einsteiger: Wie funktioniert das hier?")).to_be_visible()
    page.screenshot(path=str(tmp_path / "offline-home.png"))
    pages = {
        "Grid": ("/grid", page.get_by_role("heading", name="Programme", level=1)),
        "Questions": ("/questions", page.get_by_role("article", name=DEMO_QUESTION)),
        "Tips": ("/tips", page.get_by_role("heading", name="Tips board")),
        "Guide": ("/guide", page.get_by_role("heading", name="New here? A 30-second guide")),
        "Me": ("/me", page.get_by_role("heading", name="About me")),
        "Pitches": ("", page.get_by_role("heading", name="Session pitches")),
    }
    for name, (path, content) in pages.items():
        tab(page, name).click()
        expect(page).to_have_url(f"{base}/e/{slug}{path}")
        expect(content.first).to_be_visible()
        expect(page.locator("#conn")).to_have_text(OFFLINE)
    page.get_by_role("link", name="Pitch a session").click()
    expect(page.get_by_label("Title")).to_be_visible()
    expect(page.locator("#conn")).to_have_text(OFFLINE)
    page.goto(f"{base}/e/{slug}/grid?mine=1")  # my sessions
    expect(page.get_by_label("Only my sessions")).to_be_checked()
    expect(page.locator("#conn")).to_have_text(OFFLINE)

    # Back online: the copy resyncs its live parts, as a page does after a reconnect.
    tab(page, "Pitches").click()
    expect(page.locator("#conn")).to_have_text(OFFLINE)
    author = Browserless(base)
    author.open(f"/e/{slug}")
    form = {"title": "Written while the phone was offline", "level": "everyone", "format": "talk", "language": "en"}
    assert author.post(f"/e/{slug}/pitch", form).status_code == 200
    ctx.set_offline(False)
    expect(page.get_by_role("article", name="Written while the phone was offline")).to_be_visible(timeout=15_000)
    expect(page.locator("#conn")).to_be_hidden()


def test_votes_pitches_and_questions_queued_offline_in_two_tabs_land_once_in_order(live_server, new_context, tmp_path):
    base = live_server.url
    slug, _fac = live_server.create_event("Two Tabs Offline Camp")
    author = Browserless(base)
    author.open(f"/e/{slug}")
    form = {"title": "Tabs", "level": "everyone", "format": "talk", "language": "en"}
    assert author.post(f"/e/{slug}/pitch", form).status_code == 200
    ctx = new_context("phone")
    home, wall = ctx.new_page(), ctx.new_page()
    home.goto(f"{base}/e/{slug}")
    installed(home)
    wall.goto(f"{base}/e/{slug}/questions")
    for page in (home, wall):
        expect(page.locator("body[data-live=on]")).to_have_count(1)

    ctx.set_offline(True)
    home.reload()
    wall.reload()
    expect(home.locator("#conn")).to_have_text(OFFLINE)
    home.get_by_role("article", name="Tabs").get_by_role("button", name="I'd attend").click()
    ask = wall.get_by_label("Your question", exact=True)
    ask.fill("First question, asked offline?")
    wall.get_by_role("button", name="Ask anonymously").click()
    mine = wall.get_by_role("region", name="Your questions")
    expect(mine.get_by_role("listitem").filter(has_text="First question, asked offline?")).to_contain_text(
        "Waiting to send"
    )
    tab(home, "Pitches").click()  # (a fresh look at the kept copy)
    home.get_by_role("link", name="Pitch a session").click()
    home.get_by_label("Title").fill("Pitched offline")
    home.get_by_role("button", name="Send my pitch").click()
    expect(home.get_by_text("Your pitch is saved on this phone")).to_be_visible()
    ask.fill("Second question, asked offline?")
    wall.get_by_role("button", name="Ask anonymously").click()
    expect(mine.get_by_role("listitem").filter(has_text="Second question")).to_contain_text("Waiting to send")
    tab(home, "Pitches").click()
    my_pitches = home.get_by_role("region", name="My pitches")
    expect(my_pitches.get_by_role("listitem").filter(has_text="Pitched offline")).to_contain_text("Waiting to send")
    tabs = home.get_by_role("article", name="Tabs")  # the kept copy, with the vote still waiting on it
    expect(tabs.get_by_role("button", name="I'd attend")).to_have_attribute("aria-pressed", "true")
    expect(tabs.locator("[data-tally]")).to_have_text("1")
    home.screenshot(path=str(tmp_path / "waiting-pitch.png"), full_page=True)
    wall.screenshot(path=str(tmp_path / "waiting-questions.png"))
    assert snapshot(base, slug)["questions"] == []

    sent = []
    ctx.on("request", lambda r: sent.append(r.url.removeprefix(f"{base}/e/{slug}")) if r.method == "POST" else None)
    ctx.set_offline(False)
    outbox_empty(home)

    pid = next(p["id"] for p in snapshot(base, slug)["pitches"] if p["title"] == "Tabs")
    # One sender, oldest first. An item sent again straight after itself is a retry after a lost
    # or busy answer: allowed, since the server stores each item once (asserted just below).
    in_order = [url for i, url in enumerate(sent) if i == 0 or url != sent[i - 1]]
    assert in_order == [f"/pitches/{pid}/vote", "/questions", "/pitch", "/questions"], sent
    data = snapshot(base, slug)
    assert sorted((p["title"], p["votes"]) for p in data["pitches"]) == [("Pitched offline", 0), ("Tabs", 1)]
    by_id = sorted(data["questions"], key=lambda q: q["id"])
    assert [q["text"] for q in by_id] == ["First question, asked offline?", "Second question, asked offline?"]
    # Each form shows what was stored, in the tab it was written in.
    expect(my_pitches.get_by_role("link", name="Pitched offline")).to_be_visible()
    expect(my_pitches).not_to_contain_text("Waiting to send")
    # The list follows by the server's notice and the resync after reconnecting (spread over 3 s).
    expect(home.get_by_role("article", name="Pitched offline")).to_be_visible(timeout=10_000)
    expect(tabs.locator("[data-tally]")).to_have_text("1")
    expect(mine.get_by_text("Second question, asked offline?")).to_be_visible()
    expect(mine).not_to_contain_text("Waiting to send")
    expect(wall.locator("#toast")).to_have_text("Thanks! Your question is on the wall.")


@pytest.fixture
def deployable(tmp_path):
    """A server of its own, to deploy again on the same address with a new build."""
    server = LiveServer(f"sqlite:///{tmp_path / 'deploy.db'}", tmp_path, {"BARCAMP_BUILD": "build-one"})
    server.migrate()
    server.start()
    yield server
    server.close()


def test_after_a_new_deploy_the_phone_runs_the_new_version_after_one_reload(deployable, new_context):
    slug, _fac = deployable.create_event("Deploy Camp")
    ctx = new_context("phone")
    page = ctx.new_page()
    page.goto(f"{deployable.url}/e/{slug}")
    installed(page, "build-one")
    expect(page.locator("body")).to_have_attribute("data-build", "build-one")
    other_tab = ctx.new_page()  # left open on the old version
    other_tab.goto(f"{deployable.url}/e/{slug}/grid")
    expect(other_tab.locator("body")).to_have_attribute("data-build", "build-one")

    deployable.stop()
    deployable.env["BARCAMP_BUILD"] = "build-two"
    deployable.start()
    page.reload()  # the one reload

    expect(page.locator("body")).to_have_attribute("data-build", "build-two")  # never the old shell
    caches = installed(page, "build-two")  # the new worker took over and dropped the old app's caches
    assert all(name.endswith("build-two") for name in caches)
    expect(other_tab.locator("body")).to_have_attribute("data-build", "build-two")  # told, it loaded the new one
    ctx.set_offline(True)
    page.reload()
    expect(page.locator("#conn")).to_have_text(OFFLINE)
    expect(page.locator("body")).to_have_attribute("data-build", "build-two")  # the kept copy is the new one


def test_nothing_of_the_facilitator_s_is_kept_in_any_cache(live_server, new_context):
    base = live_server.url
    slug, fac_url = live_server.create_event("Private Console Camp")
    facilitated = [
        f"/e/{slug}/facilitate",
        f"/e/{slug}/tips/moderate",
        f"/e/{slug}",
        f"/e/{slug}/questions",
        f"/e/{slug}/grid",
    ]
    # A phone that installed the app as an attendee, then opened the facilitator link.
    fac_ctx = new_context("phone")
    fac = fac_ctx.new_page()
    fac.goto(f"{base}/e/{slug}")
    assert installed(fac)
    fac.goto(fac_url)
    for path in facilitated:
        fac.goto(base + path)
        expect(fac.get_by_role("link", name="Facilitate")).to_be_visible()
    fac.goto(f"{base}/e/{slug}")
    deadline = time.monotonic() + 15
    while kept(fac) or fac.evaluate("async () => (await navigator.serviceWorker.getRegistrations()).length"):
        assert time.monotonic() < deadline, f"the facilitator's browser still keeps {kept(fac)}"
        fac.wait_for_timeout(200)
    assert kept(fac) == {}

    # An attendee's phone keeps the attendee pages and fingerprinted files only, none of them the console.
    phone = new_context("phone").new_page()
    phone.goto(f"{base}/e/{slug}")
    phone.goto(f"{base}/e/{slug}/facilitate")  # refused: nothing to keep either
    phone.goto(f"{base}/e/{slug}")
    caches = installed(phone)
    phone.goto(f"{base}/e/{slug}/grid?room=1")
    urls = [u.removeprefix(base) for urls in kept(phone).values() for u in urls]
    print("\n".join(sorted(urls)))
    attendee_page = rf"/e/{slug}(/pitch|/grid|/questions|/tips|/guide|/me)?(\?[\w=&]*)?"
    for url in urls:
        assert re.fullmatch(rf"/static/[\w/.-]+\?v=[0-9a-f]{{12}}|{attendee_page}", url), url
        assert not re.search(r"facilitate|/f/|moderate|/mine|export|connections|people", url), url
    assert len(caches) == 2
