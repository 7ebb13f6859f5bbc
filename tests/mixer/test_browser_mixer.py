"""Real Chromium: a meet-someone-new round with 6 phones (2 first-timers), the projector and the
console; and a buddy request matched, ended, with the console's counts following live."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.browser import axe_violations, document_id

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("MIXER_SHOTS")  # a folder: save screenshots of the new screens there


def shot(target, name):
    """A screenshot of a page's viewport, or of one element (the sticky header spoils full pages)."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        target.screenshot(path=f"{SHOTS}/{name}.png")


def profile(page, base, slug, name="", first_timer=False):
    page.goto(f"{base}/e/{slug}/me")
    form = page.locator("main form")  # by id: one of the phones reads German
    if name:
        form.locator("#display_name").fill(name)
    if first_timer:
        form.locator("#first_timer").check()
    form.locator("button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()


def console_section(page):
    return page.get_by_role("region", name="Meet someone new")


def my_token(page) -> str:
    return page.locator(".mix-token-label strong").inner_text()


def test_round_with_six_phones_projector_and_console(live_server, new_context):
    base = live_server.url
    slug, fac_url = live_server.create_event("Mixer Camp")
    fac = new_context("laptop").new_page()
    fac.goto(fac_url)
    mixer = console_section(fac)
    mixer.get_by_text("Meeting points", exact=True).click()
    mixer.get_by_label("Meeting points (one a line)").fill("Tisch 1\nTisch 2\nKaffeebar")
    mixer.get_by_role("button", name="Save meeting points").click()
    expect(fac.get_by_text("Meeting points saved.")).to_be_visible()
    fac.get_by_role("region", name="Projector shows").get_by_role("button", name="Meet someone new").click()
    mixer = console_section(fac)
    mixer.get_by_label("Group size").select_option("3")
    mixer.get_by_label("Length").select_option(label="10 min")
    mixer.get_by_label("Groups form").select_option(label="in 5 min")
    mixer.get_by_role("button", name="Start a round").click()
    expect(fac.get_by_text("The round is open")).to_be_visible()

    projector = new_context("projector", bypass_csp=True).new_page()
    projector.goto(f"{base}/e/{slug}/projector")
    stage = projector.locator("[data-live=mixproj]")
    expect(stage).to_contain_text("Groups form in")
    expect(stage).to_contain_text("Kaffeebar")

    phones = []
    for i in range(6):
        page = new_context("phone", bypass_csp=True, locale="de-DE" if i == 5 else "en-US").new_page()
        profile(page, base, slug, name=f"Person {i}" if i < 4 else "", first_timer=i >= 4)
        phones.append(page)
    for page in phones:
        page.goto(f"{base}/e/{slug}")
        expect(page.locator("body[data-live=on]")).to_have_count(1)
        banner = page.locator("[data-live=mixer]")
        button = banner.get_by_role("button", name="Ich bin dabei" if page is phones[5] else "I'm in")
        button.click()
        page.wait_for_url(re.compile(r"/meet"))
        expect(page.locator("#my-round")).to_contain_text("Du bist dabei." if page is phones[5] else "You're in.")
    expect(stage.locator("[data-tally=mixin]")).to_have_text("6", timeout=5000)  # live, coalesced
    expect(console_section(fac).locator("[data-tally=mixin]")).to_have_text("6", timeout=5000)
    shot(phones[0], "phone-joined")
    phones[0].goto(f"{base}/e/{slug}")
    shot(phones[0], "phone-home-banner")
    phones[0].goto(f"{base}/e/{slug}/meet")
    docs = [document_id(p) for p in phones]  # from here on, everything happens in place

    console_section(fac).get_by_role("button", name="Form the groups now").click()
    expect(fac.get_by_text("Groups are formed")).to_be_visible()
    tokens, groups = {}, {}
    for i, page in enumerate(phones):
        where = page.locator(".mix-point")
        expect(where).to_have_text(re.compile(r"^(Tisch 1|Tisch 2|Kaffeebar)$"), timeout=8000)  # heard live
        expect(page.locator(".mix-prompt")).not_to_be_empty()
        tokens[i] = my_token(page)  # "Orange · Star · 1" (phone 5 says it in German)
        groups[i] = where.inner_text()
        assert document_id(page) == docs[i]
    assert len(set(tokens.values())) == 6
    assert sorted(groups.values()).count(groups[0]) == 3  # two groups of three
    for i, page in enumerate(phones):
        mates = page.locator(".mix-mates")
        others = [j for j in range(6) if j != i and groups[j] == groups[i]]
        number = {j: tokens[j].rsplit("· ", 1)[1] for j in range(6)}
        shown = sorted(mates.locator("li strong").all_inner_texts())
        assert sorted(t.rsplit("· ", 1)[1] for t in shown) == sorted(number[j] for j in others)
        first_timers_here = sum(1 for j in [i, *others] if j >= 4)
        assert first_timers_here < 3  # never only first-timers
    shot(phones[0].locator("#my-round"), "phone-group")
    shot(phones[0], "phone-group-viewport")
    shot(phones[5].locator("#my-round"), "phone-group-de")
    expect(stage).to_contain_text("Time left")
    expect(stage.locator(".mix-clock")).to_have_text(re.compile(r"^(10:00|9:\d\d)$"))
    expect(stage).not_to_contain_text("Person")  # the projector names nobody
    shot(projector, "projector-running")
    if SHOTS:
        small = new_context("projector").new_page()
        small.set_viewport_size({"width": 1280, "height": 720})
        small.goto(f"{base}/e/{slug}/projector")
        expect(small.locator("[data-live=mixproj]")).to_contain_text("Time left")
        shot(small, "projector-720")

    # "we met": two of one group tap it; the console's dashboard counts the new pair, live
    a = 0
    b = next(j for j in range(1, 5) if groups[j] == groups[a])  # two English phones of one group
    for page in (phones[a], phones[b]):
        page.locator("#my-round").get_by_role("button", name="We met").click()
        expect(page.locator("#my-round").get_by_role("button", name="We met")).to_have_attribute("aria-pressed", "true")
    dash = console_section(fac).locator(".mix-dash")
    expect(dash.locator("div").filter(has_text="New pairs that met").locator("dd")).to_have_text("1", timeout=5000)
    expect(dash.locator("div").filter(has_text="People who joined rounds").locator("dd")).to_have_text("6")
    shot(console_section(fac), "console")

    # contacts: neither is shown until both say yes
    pa, pb = phones[a], phones[b]
    pa.get_by_label(f"My contact for {tokens[b]}").fill("person0@example.org")
    pa.get_by_role("button", name=f"Yes, swap with {tokens[b]}").click()
    expect(pa.locator("#my-round")).to_contain_text(f"You said yes to {tokens[b]}. Waiting for them.")
    expect(pb.locator("#my-round")).to_contain_text(f"{tokens[a]} would like to swap contacts.", timeout=5000)
    expect(pb.locator("main")).not_to_contain_text("person0@example.org")
    pb.get_by_label(f"My contact for {tokens[a]}").fill("@b@social.example")
    pb.get_by_role("button", name=f"Yes, swap with {tokens[a]}").click()
    expect(pb.locator("#my-round")).to_contain_text("person0@example.org")
    expect(pa.locator("#my-round")).to_contain_text("@b@social.example", timeout=5000)
    for j in range(6):
        if j not in (a, b):
            expect(phones[j].locator("main")).not_to_contain_text("person0@example.org")
    assert document_id(pa) == docs[a] and document_id(pb) == docs[b]

    found = {"meet page": axe_violations(phones[a]), "meet page (de)": axe_violations(phones[5])}
    found["projector"] = axe_violations(projector)
    assert {k: v for k, v in found.items() if v} == {}


def test_buddy_request_is_matched_ended_and_console_counts_follow_live(live_server, new_context):
    base = live_server.url
    slug, fac_url = live_server.create_event("Buddy Camp")
    fac = new_context("laptop").new_page()
    fac.goto(fac_url)
    counts = console_section(fac).locator(".mix-buddy-counts")
    expect(counts).to_contain_text("First-timers waiting for a buddy: 0")

    newcomer = new_context("phone", bypass_csp=True).new_page()
    newcomer.goto(f"{base}/e/{slug}/meet")
    expect(newcomer.locator("body[data-live=on]")).to_have_count(1)
    buddies = newcomer.get_by_role("region", name="First-timer buddies")
    buddies.get_by_label("This is my first barcamp").check()
    buddies.get_by_role("button", name="Ask for a buddy").click()
    expect(buddies).to_contain_text("You asked for a buddy.")
    expect(counts).to_contain_text("First-timers waiting for a buddy: 1", timeout=5000)  # live
    expect(counts).to_contain_text("Buddies free: 0")

    veteran = new_context("phone", bypass_csp=True).new_page()
    profile(veteran, base, slug, name="Vera")
    veteran.goto(f"{base}/e/{slug}/meet")
    docs = document_id(newcomer), document_id(veteran)
    vb = veteran.get_by_role("region", name="First-timer buddies")
    vb.get_by_label("Been to barcamps before? Be a buddy for").select_option(label="2 first-timers")
    vb.get_by_role("button", name="Offer to be a buddy").click()
    expect(vb).to_contain_text("Your first-timer:")
    expect(buddies).to_contain_text("Your buddy: Vera", timeout=5000)  # heard on the newcomer's own channel
    expect(buddies).to_contain_text("the welcome desk")
    expect(counts).to_contain_text("First-timers waiting for a buddy: 0", timeout=5000)
    expect(counts).to_contain_text("Buddies free: 1")  # room for one more
    shot(buddies, "phone-buddy")
    found = axe_violations(newcomer)

    buddies.get_by_role("button", name="End this pairing").click()
    expect(buddies).not_to_contain_text("Your buddy:")
    expect(vb).not_to_contain_text("Your first-timer:", timeout=5000)  # told it ended, not why
    expect(console_section(fac).locator(".mix-dash div").filter(has_text="Buddies matched").locator("dd")).to_have_text(
        "1", timeout=5000
    )
    assert (document_id(newcomer), document_id(veteran)) == docs  # no reloads on the meet page
    assert found == []


def test_a_group_formed_before_the_page_was_listening_still_shows_up(live_server, new_context):
    """The gap between a page's render and its socket connecting: news for me alone sent then is
    not heard, so my own part of the page catches up once when the socket first connects."""
    base = live_server.url
    slug, fac_url = live_server.create_event("Late Socket Camp")
    fac = new_context("laptop").new_page()
    fac.goto(fac_url)
    mixer = console_section(fac)
    mixer.get_by_label("Group size").select_option("2")
    mixer.get_by_role("button", name="Start a round").click()
    expect(fac.get_by_text("The round is open")).to_be_visible()
    phones = []
    for name in ("Ida", "Jo"):
        # Service workers blocked, so the test can hold back the socket's requests (Playwright
        # doesn't see requests that a service worker makes).
        page = new_context("phone", service_workers="block").new_page()
        profile(page, base, slug, name=name)
        page.goto(f"{base}/e/{slug}/meet")
        page.get_by_role("button", name="I'm in").click()
        expect(page.locator("#my-round")).to_contain_text("You're in.")
        phones.append(page)
    late = phones[1]
    polling = re.compile(r"/socket\.io/\?")
    late.route(polling, lambda route: route.abort())  # no live connection yet: neither transport
    late.route_web_socket(polling, lambda ws: ws.close())
    late.reload()
    expect(late.locator("#my-round")).to_contain_text("You're in.")
    expect(late.locator("body[data-live=on]")).to_have_count(0)
    doc = document_id(late)
    console_section(fac).get_by_role("button", name="Form the groups now").click()
    expect(fac.get_by_text("Groups are formed")).to_be_visible()
    expect(phones[0].locator(".mix-token-label strong")).not_to_be_empty(timeout=8000)  # heard live
    late.wait_for_timeout(500)
    expect(late.locator(".mix-token-label strong")).to_have_count(0)  # it heard nothing
    late.unroute(polling)
    late.route_web_socket(polling, lambda ws: ws.connect_to_server())
    expect(late.locator("body[data-live=on]")).to_have_count(1, timeout=30000)  # socket.io retries, backing off to 5 s
    expect(late.locator(".mix-token-label strong")).not_to_be_empty(timeout=5000)
    assert document_id(late) == doc  # caught up in place: no reload


def test_a_reload_that_changes_nothing_keeps_what_someone_is_ticking_and_choosing(live_server, new_context):
    """Live reloads come often (every reconnect, every change nearby): an answer that shows the same
    state must not redraw the forms under someone's thumb, though each render has a fresh CSRF token."""
    base = live_server.url
    slug, _ = live_server.create_event("Steady Camp")
    page = new_context("phone").new_page()
    page.goto(f"{base}/e/{slug}/meet")
    expect(page.locator("body[data-live=on]")).to_have_count(1)
    buddies = page.get_by_role("region", name="First-timer buddies")
    buddies.get_by_label("This is my first barcamp").check()
    buddies.get_by_label("Been to barcamps before? Be a buddy for").select_option(label="3 first-timers")
    page.locator("#buddies").evaluate("el => { el.testKept = true; }")  # a property: an attribute would differ
    with page.expect_response(lambda r: "/meet/mine?fresh=1" in r.url and r.ok, timeout=10_000):
        page.evaluate("() => { window.barcampSocket.disconnect(); window.barcampSocket.connect(); }")  # resyncs
    expect(page.locator("body[data-live=on]")).to_have_count(1)
    page.wait_for_timeout(300)  # the answer has been applied, or not
    assert page.locator("#buddies").evaluate("el => el.testKept === true")  # the same element: not redrawn
    expect(buddies.get_by_label("This is my first barcamp")).to_be_checked()
    expect(buddies.get_by_label("Been to barcamps before? Be a buddy for")).to_have_value("3")
