"""Real Chromium: two people connect on the tips board and swap contacts after a mixer round; after
the event (a second server on the same database, its clock frozen past the last day by libfaketime),
each finds the other on "People I met" with profile links, by cookie or by the saved private link,
and downloads a vCard that parses."""

import datetime as dt
import glob
import os
import re
import time
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from tests.support.browser import axe_violations
from tests.support.env import need
from tests.support.live import LiveServer
from tests.support.vcard import parse

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("PEOPLE_SHOTS")  # a folder: save screenshots of the new screens there
# Debian's libfaketime (package faketime), wherever its multiarch folder is
FAKETIME_LIB = next(iter(sorted(glob.glob("/usr/lib/*/faketime/libfaketime.so.1"))), "")


def shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def profile(page, base, slug, name):
    page.goto(f"{base}/e/{slug}/me")
    page.locator("main form").first.get_by_label("Display name").fill(name)
    page.locator("main form").first.get_by_role("button", name="Save").click()
    expect(page.locator(".flash-success")).to_be_visible()


def join_board(page, base, slug, name, helps, seeks, contact, links):
    page.goto(f"{base}/e/{slug}/tips")
    form = page.get_by_role("form", name="Join the board")
    form.get_by_label("Display name").fill(name)
    form.get_by_label("I can help with").fill(helps)
    form.get_by_label("I'm looking for").fill(seeks)
    form.get_by_label("Contact (optional)").fill(contact)
    form.get_by_label("Profile links (optional, up to 5, one a line)").fill(links)
    form.get_by_role("button", name="Join the board").click()
    expect(page.get_by_text("Welcome to the board!")).to_be_visible()


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def after_the_event(live_server, tmp_path):
    """Factory: the same app and database, served with a clock frozen on ``day`` at noon."""
    if not FAKETIME_LIB:
        need("libfaketime is not installed (apt-get install faketime)")
    servers = []

    def start(day: dt.date) -> LiveServer:
        env = {"LD_PRELOAD": FAKETIME_LIB, "FAKETIME": f"@{day.isoformat()} 12:00:00"}
        server = LiveServer(live_server.env["DATABASE_URL"], tmp_path, extra_env=env)
        servers.append(server)
        try:
            return server.start()
        except RuntimeError:  # under libfaketime on a busy machine the worker boots slowly: wait longer
            deadline = time.time() + 120
            while time.time() < deadline and server.proc.poll() is None:
                try:
                    if requests.get(server.url + "/healthz", timeout=2).ok:
                        return server
                except requests.RequestException:
                    time.sleep(0.5)
            raise

    yield start
    for server in servers:
        server.close()


def test_connect_on_the_board_meet_in_a_mixer_and_find_each_other_after_the_event(
    live_server, new_context, after_the_event
):
    base = live_server.url
    slug, fac_url = live_server.create_event("People Camp")  # its one day is five days from today
    fac = new_context("laptop").new_page()
    fac.goto(fac_url)
    ada, bo = new_context("phone", bypass_csp=True).new_page(), new_context("phone").new_page()  # axe: bypass_csp
    profile(ada, base, slug, "Ada")
    profile(bo, base, slug, "Bo")
    join_board(
        ada, base, slug, "Ada", "python", "", "ada@example.org", "@ada@social.example\nhttps://www.linkedin.com/in/ada"
    )
    join_board(bo, base, slug, "Bo", "", "python", "bo@example.org", "https://bo.example")

    # On the board: Bo asks, Ada accepts.
    for page in (ada, bo):
        expect(page.locator("body[data-live=on]")).to_have_count(1)
    bo.get_by_role("region", name="Matches for you").get_by_role("button", name="Ask Ada to connect").click()
    ada_connections = ada.get_by_role("region", name="Connections")
    expect(ada_connections).to_contain_text("Bo would like to connect", timeout=5000)
    ada_connections.get_by_role("button", name="Accept Bo").click()
    expect(bo.get_by_role("region", name="Connections").get_by_text("ada@example.org")).to_be_visible(timeout=5000)

    # In a mixer round of two: both say yes to swapping contacts.
    mixer = fac.get_by_role("region", name="Meet someone new")
    mixer.get_by_label("Group size").select_option("2")
    mixer.get_by_role("button", name="Start a round").click()
    expect(fac.get_by_text("The round is open")).to_be_visible()
    for page in (ada, bo):
        page.goto(f"{base}/e/{slug}")
        page.locator("[data-live=mixer]").get_by_role("button", name="I'm in").click()
        page.wait_for_url(re.compile(r"/meet"))
        expect(page.locator("#my-round")).to_contain_text("You're in.")
    fac.get_by_role("region", name="Meet someone new").get_by_role("button", name="Form the groups now").click()
    expect(fac.get_by_text("Groups are formed")).to_be_visible()
    tokens = {}
    for page in (ada, bo):
        expect(page.locator(".mix-token-label strong")).not_to_be_empty(timeout=8000)
        tokens[page] = page.locator(".mix-token-label strong").inner_text()
    ada.get_by_label(f"My contact for {tokens[bo]}").fill("ada@example.org")
    ada.get_by_role("button", name=f"Yes, swap with {tokens[bo]}").click()
    expect(bo.locator("#my-round")).to_contain_text(f"{tokens[ada]} would like to swap contacts.", timeout=5000)
    bo.get_by_label(f"My contact for {tokens[ada]}").fill("+49 170 555 0101")
    bo.get_by_role("button", name=f"Yes, swap with {tokens[ada]}").click()
    expect(ada.locator("#my-round")).to_contain_text("+49 170 555 0101", timeout=5000)

    # Bo saves his private link from "Me" → "People I met" during the event.
    bo.goto(f"{base}/e/{slug}")
    bo.get_by_role("navigation", name="Event").get_by_role("link", name="Me", exact=True).click()
    bo.get_by_role("link", name="Open “People I met”").click()
    expect(bo.get_by_role("heading", name="People I met", level=1)).to_be_visible()
    saved_link = bo.locator(".people-key").get_attribute("href")
    assert "/people?k=" in saved_link

    # After the event: the clock stands a week past its last day (the purge is 30 days later).
    late = after_the_event(dt.date.today() + dt.timedelta(days=12))
    served_on = dt.datetime.strptime(
        requests.get(late.url + "/healthz", timeout=5).headers["Date"], "%a, %d %b %Y %H:%M:%S GMT"
    )
    assert served_on.date() == dt.date.today() + dt.timedelta(days=12)

    ada.goto(f"{late.url}/e/{slug}/people")  # by her browser's cookie (cookies are per host, not port)
    mine = ada.get_by_role("region", name="My people")
    person = mine.get_by_role("listitem").filter(has=ada.get_by_role("heading", name="Bo", exact=True))
    expect(person).to_contain_text("tips board, meet someone new")
    expect(person).to_contain_text("bo@example.org")
    expect(person).to_contain_text("+49 170 555 0101")
    expect(person.get_by_role("link", name="bo.example")).to_have_attribute("rel", "me noopener nofollow ugc")
    expect(ada.get_by_role("list", name="Follow all").get_by_role("link")).to_have_count(1)
    assert no_sideways_scroll(ada)
    shot(ada, "people-phone")
    with ada.expect_download() as download:
        mine.get_by_role("link", name="Download contacts (vCard)").click()
    (card,) = parse(Path(download.value.path()).read_bytes().decode("utf-8"))
    assert card["FN"] == ["Bo"] and "https://bo.example" in card["URL"] and "bo@example.org" in card["EMAIL"]

    # Bo, on another device without his cookie, opens the link he saved.
    elsewhere = new_context("laptop", bypass_csp=True).new_page()
    elsewhere.goto(saved_link.replace(base, late.url))
    theirs = elsewhere.get_by_role("region", name="My people")
    person = theirs.get_by_role("listitem").filter(has=elsewhere.get_by_role("heading", name="Ada", exact=True))
    expect(person.get_by_role("link", name="@ada@social.example")).to_have_attribute(
        "href", "https://social.example/@ada"
    )
    expect(person.get_by_role("link", name="www.linkedin.com/in/ada")).to_be_visible()
    expect(person).to_contain_text("ada@example.org")
    follow = elsewhere.get_by_role("list", name="Follow all").get_by_role("link")
    expect(follow).to_have_count(1)
    expect(follow).to_have_attribute("href", "https://social.example/@ada")  # the fediverse first
    shot(elsewhere, "people-laptop")
    with elsewhere.expect_download() as download:
        theirs.get_by_role("link", name="Download contacts (vCard)").click()
    (card,) = parse(Path(download.value.path()).read_bytes().decode("utf-8"))
    assert card["FN"] == ["Ada"] and "https://social.example/@ada" in card["URL"]

    found = {"phone": axe_violations(ada), "laptop (signed link)": axe_violations(elsewhere)}
    assert {k: v for k, v in found.items() if v} == {}
    # A tampered link opens nothing.
    assert elsewhere.goto(saved_link.replace(base, late.url)[:-2] + "xx").status == 404
