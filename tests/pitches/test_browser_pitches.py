"""Real Chromium: pitches and votes from phones reach the projector and other phones live;
a vote cast while offline lands exactly once after reconnecting."""

import time

import pytest
import requests
from playwright.sync_api import expect

from tests.support.live import LateAnswer

pytestmark = pytest.mark.browser


def wait_outbox_empty(page, timeout=10.0):
    """Poll (from Python: the page's CSP forbids evaluating strings) until the offline outbox is sent."""
    deadline = time.monotonic() + timeout
    while page.evaluate("() => localStorage.getItem('barcamp-outbox')") not in ("[]", None):
        assert time.monotonic() < deadline, "outbox was not sent"
        page.wait_for_timeout(100)


def snapshot(live_server, slug):
    return requests.get(f"{live_server.url}/api/v1/events/{slug}", timeout=5).json()


def test_pitch_and_votes_from_phones_appear_on_projector_and_other_phone(live_server, new_context):
    slug, fac_url = live_server.create_event("Pitch Night")
    fac = new_context("laptop").new_page()
    fac.goto(fac_url)
    fac.get_by_role("button", name="Pitches", exact=True).click()  # projector mode

    projector = new_context("projector").new_page()
    projector.goto(f"{live_server.url}/e/{slug}/projector")
    anna = new_context("phone").new_page()
    anna.goto(f"{live_server.url}/e/{slug}")
    ben = new_context("phone", locale="de-DE").new_page()
    ben.goto(f"{live_server.url}/e/{slug}")
    for page in (projector, anna, ben):
        expect(page.locator("body[data-live=on]")).to_have_count(1)

    anna.get_by_role("link", name="Pitch a session").click()
    anna.get_by_label("Title").fill("Sketchnotes für alle")
    anna.get_by_label("Host").fill("Anna")
    anna.get_by_label("Tags (up to 5, separated by commas)").fill("kreativ, visual")
    anna.get_by_label("Level").select_option("beginner")
    anna.get_by_role("button", name="Send my pitch").click()
    expect(anna.get_by_role("heading", name="Sketchnotes für alle")).to_be_visible()

    ben_card = ben.get_by_role("article", name="Sketchnotes für alle")
    expect(ben_card).to_be_visible(timeout=3000)
    expect(ben_card).to_contain_text("#kreativ")
    expect(ben_card.get_by_role("link", name="Meinen Pitch bearbeiten")).to_be_hidden()  # not Ben's pitch
    expect(
        anna.get_by_role("article", name="Sketchnotes für alle").get_by_role("link", name="Edit my pitch")
    ).to_be_visible()
    expect(projector.locator(".spot-queue")).to_contain_text("Sketchnotes für alle", timeout=3000)

    fac.keyboard.press("ArrowRight")  # spotlight the first pitch
    expect(projector.locator(".spot-title")).to_have_text("Sketchnotes für alle", timeout=3000)
    expect(projector.locator(".spot-count [data-tally]")).to_have_text("0")

    ben_card.get_by_role("button", name="Ich komme").click()
    expect(ben_card.get_by_role("button", name="Ich komme")).to_have_attribute("aria-pressed", "true")
    anna_card = anna.get_by_role("article", name="Sketchnotes für alle")
    anna_card.get_by_role("button", name="I'd attend").click()

    expect(projector.locator(".spot-count [data-tally]")).to_have_text("2", timeout=3000)
    expect(ben_card.locator("[data-tally]")).to_have_text("2", timeout=3000)
    expect(anna_card.locator("[data-tally]")).to_have_text("2", timeout=3000)
    assert snapshot(live_server, slug)["pitches"][0]["votes"] == 2
    for page in (projector, anna, ben):
        assert page.evaluate("performance.getEntriesByType('navigation').length") == 1


def test_vote_cast_offline_lands_exactly_once_after_reconnect(live_server, new_context):
    slug, fac_url = live_server.create_event("Flaky Wifi Camp")
    fac = new_context("laptop").new_page()
    fac.goto(fac_url)
    fac.goto(f"{live_server.url}/e/{slug}/pitch")
    fac.get_by_label("Title").fill("Offline-first apps")
    fac.get_by_role("button", name="Send my pitch").click()

    ctx = new_context("phone")
    phone = ctx.new_page()
    phone.goto(f"{live_server.url}/e/{slug}")
    expect(phone.locator("body[data-live=on]")).to_have_count(1)
    card = phone.get_by_role("article", name="Offline-first apps")

    ctx.set_offline(True)
    card.get_by_role("button", name="I'd attend").click()
    expect(phone.locator("#conn")).to_contain_text("Offline")
    expect(card.get_by_role("button", name="I'd attend")).to_have_attribute("aria-pressed", "true")  # optimistic
    assert snapshot(live_server, slug)["pitches"][0]["votes"] == 0

    ctx.set_offline(False)
    expect(card.locator("[data-tally]")).to_have_text("1", timeout=10_000)
    wait_outbox_empty(phone)
    phone.reload()  # what the server says after everything settled
    card = phone.get_by_role("article", name="Offline-first apps")
    expect(card.get_by_role("button", name="I'd attend")).to_have_attribute("aria-pressed", "true")
    expect(card.locator("[data-tally]")).to_have_text("1")
    assert snapshot(live_server, slug)["pitches"][0]["votes"] == 1


def test_pitch_form_errors_show_next_to_field_and_offline_pitch_is_sent_once(live_server, new_context):
    slug, _ = live_server.create_event("Offline Pitch Camp")
    ctx = new_context("phone")
    page = ctx.new_page()
    page.goto(f"{live_server.url}/e/{slug}/pitch")
    page.get_by_label("What is it about? (optional)").fill("Keep this text")
    page.get_by_label("Title").fill("   ")
    page.get_by_role("button", name="Send my pitch").click()
    expect(page.get_by_text("Please give your session a title.")).to_be_visible()
    expect(page.get_by_label("What is it about? (optional)")).to_have_value("Keep this text")
    expect(page.get_by_label("Title")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Title").fill("Mesh networks at events")
    ctx.set_offline(True)
    page.get_by_role("button", name="Send my pitch").click()
    expect(page.get_by_text("Your pitch is saved on this phone")).to_be_visible()
    assert snapshot(live_server, slug)["pitches"] == []
    ctx.set_offline(False)
    # Sent from the outbox: the page shows what was stored, as after an online send.
    expect(page.get_by_role("article", name="Mesh networks at events")).to_be_visible(timeout=10_000)
    expect(page).to_have_url(
        f"{live_server.url}/e/{slug}#pitch-" + str(snapshot(live_server, slug)["pitches"][0]["id"])
    )
    expect(page.locator("#toast")).to_have_text("Thanks! Your pitch “Mesh networks at events” is on the list.")
    wait_outbox_empty(page)
    titles = [p["title"] for p in snapshot(live_server, slug)["pitches"]]
    assert titles == ["Mesh networks at events"]


def test_the_author_withdraws_a_pitch_and_takes_it_back_while_another_phone_watches(live_server, new_context):
    slug, _ = live_server.create_event("Undo Pitch Camp")
    author = new_context("phone").new_page()
    author.goto(f"{live_server.url}/e/{slug}/pitch")
    author.get_by_label("Title").fill("Knitting for coders")
    author.get_by_role("button", name="Send my pitch").click()
    card = author.get_by_role("article", name="Knitting for coders")
    expect(card).to_be_visible()
    watcher = new_context("phone").new_page()
    watcher.goto(f"{live_server.url}/e/{slug}")
    expect(watcher.locator("body[data-live=on]")).to_have_count(1)
    expect(watcher.get_by_role("article", name="Knitting for coders")).to_be_visible()

    card.get_by_role("link", name="Edit my pitch").click()
    author.get_by_role("button", name="Withdraw this pitch").click()
    box = author.locator(".undo-box")
    expect(box).to_contain_text("Your pitch “Knitting for coders” was withdrawn.")
    expect(author.get_by_role("article", name="Knitting for coders")).to_have_count(0)
    expect(watcher.get_by_role("article", name="Knitting for coders")).to_have_count(0, timeout=5000)  # live

    box.get_by_role("button", name="Undo withdrawing “Knitting for coders”").click()
    expect(author.get_by_text("Your pitch is back.")).to_be_visible()
    expect(author.get_by_role("article", name="Knitting for coders")).to_be_visible()
    expect(author.locator(".undo-box")).to_have_count(0)
    expect(watcher.get_by_role("article", name="Knitting for coders")).to_be_visible(timeout=5000)  # live again
    assert [p["title"] for p in snapshot(live_server, slug)["pitches"]] == ["Knitting for coders"]


def test_new_edited_and_withdrawn_pitches_reach_a_phone_without_reloading_the_list(
    live_server, new_context, phone_http
):
    """One broadcast carries the pitch's card (in the phone's language): nobody fetches the list."""
    slug, _fac = live_server.create_event("Card Camp")
    author = phone_http()
    author.open(f"/e/{slug}")
    first = author.post(
        f"/e/{slug}/pitch", {"title": "Erster Pitch", "level": "everyone", "format": "talk", "language": "de"}
    )
    page = new_context("phone", locale="de-DE").new_page()
    list_fetches = []
    page.on("request", lambda r: "/live/pitches" in r.url and list_fetches.append(r.url))
    page.goto(f"{live_server.url}/e/{slug}")
    expect(page.locator("body[data-live=on]")).to_have_count(1)

    fields = {"level": "beginner", "format": "workshop", "language": "en", "tags": "rust"}
    second = author.post(f"/e/{slug}/pitch", {"title": "Rust for the curious", **fields}).json()["id"]
    card = page.get_by_role("article", name="Rust for the curious")
    expect(card).to_be_visible(timeout=3000)
    expect(card).to_contain_text("Einsteigerfreundlich")  # rendered in the phone's language
    expect(card).to_contain_text("#rust")
    expect(card.get_by_role("button", name="Ich komme")).to_be_enabled()

    author.post(f"/e/{slug}/pitches/{second}/edit", {"title": "Rust for the very curious", **fields})
    expect(page.get_by_role("article", name="Rust for the very curious")).to_be_visible(timeout=3000)
    expect(page.get_by_role("article", name="Rust for the curious")).to_have_count(0)

    # A card arriving live is escaped like any other: markup in a title stays text.
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    author.post(f"/e/{slug}/pitch", {"title": '<img src=x onerror="alert(1)">', **fields})
    expect(page.get_by_role("article", name='<img src=x onerror="alert(1)">')).to_be_visible(timeout=3000)
    assert page.locator("article img").count() == 0 and dialogs == []

    author.post(f"/e/{slug}/pitches/{first.json()['id']}/withdraw")
    expect(page.get_by_role("article", name="Erster Pitch")).to_have_count(0, timeout=3000)
    expect(page.locator("article[data-pitch]")).to_have_count(2)

    # The card that arrived live works like one rendered with the page: the vote lands.
    page.get_by_role("article", name="Rust for the very curious").get_by_role("button", name="Ich komme").click()
    expect(page.get_by_role("article", name="Rust for the very curious").locator("[data-tally]")).to_have_text("1")
    page.wait_for_timeout(600)
    assert snapshot(live_server, slug)["pitches"][0]["votes"] == 1
    assert list_fetches == []


def test_a_tally_read_before_the_one_shown_does_not_turn_the_count_back(live_server, new_context):
    """With several server processes two tallies can cross on their way (realtime.py): the page keeps
    the one read last, by its ``at``, and a real tally that follows still applies."""
    slug, _fac_url = live_server.create_event("Crossing Camp")
    phone = new_context("phone").new_page()
    phone.goto(f"{live_server.url}/e/{slug}")
    expect(phone.locator("body[data-live=on]")).to_have_count(1)
    phone.get_by_role("link", name="Pitch a session").click()
    phone.get_by_label("Title").fill("Clocks and crossings")
    phone.get_by_role("button", name="Send my pitch").click()
    card = phone.get_by_role("article", name="Clocks and crossings")
    count = card.locator("[data-tally]")
    expect(count).to_have_text("0")
    pid = count.get_attribute("data-id")
    phone.wait_for_function("() => window.barcampSocket")  # the page after the pitch has its socket

    phone.evaluate(
        """(id) => {
          const fire = (msg) => window.barcampSocket.listeners("tally").forEach((fn) => fn(msg));
          const now = Date.now() / 1000;
          fire({kind: "votes", counts: {[id]: 7}, at: now - 10});
          fire({kind: "votes", counts: {[id]: 5}, at: now - 20});  // read earlier, arrived later
        }""",
        pid,
    )
    expect(count).to_have_text("7")
    card.get_by_role("button", name="I'd attend").click()
    expect(count).to_have_text("1", timeout=3000)  # the server's tally, read now, wins again


def test_a_card_pushed_while_a_list_reload_is_on_its_way_is_not_lost(live_server, new_context, phone_http):
    """A reload of the list answered before a new pitch existed, but arriving after its pushed card,
    must not take the card away for good: the page asks again."""
    slug, _fac = live_server.create_event("Late Answer Camp")
    author = phone_http()
    author.open(f"/e/{slug}")
    fields = {"level": "everyone", "format": "talk", "language": "en"}
    author.post(f"/e/{slug}/pitch", {"title": "Already there", **fields})
    page = new_context("phone").new_page()
    page.goto(f"{live_server.url}/e/{slug}")
    expect(page.locator("body[data-live=on]")).to_have_count(1)
    late = LateAnswer(page, "**/live/pitches*")
    page.evaluate('window.barcampSocket.listeners("changed").forEach((fn) => fn({what: "pitches", now: true}))')
    assert "Already there" in late.answer().text()

    author.post(f"/e/{slug}/pitch", {"title": "Pushed meanwhile", **fields})
    card = page.get_by_role("article", name="Pushed meanwhile")
    expect(card).to_be_visible(timeout=3000)

    late.deliver()
    expect(card).to_be_visible()
    expect(page.get_by_role("article", name="Already there")).to_be_visible()


def test_a_budget_set_live_shows_on_open_phones_and_a_refused_vote_takes_its_count_back(
    live_server, new_context, phone_http
):
    slug, fac_url = live_server.create_event("Budget Camp")
    fac = phone_http()
    fac.open(fac_url.removeprefix(live_server.url))
    fields = {"level": "everyone", "format": "talk", "language": "en"}
    for title in ("First choice", "Second choice"):
        assert fac.post(f"/e/{slug}/pitch", {"title": title, **fields}).ok
    page = new_context("phone", locale="de-DE").new_page()
    page.goto(f"{live_server.url}/e/{slug}")
    expect(page.locator("body[data-live=on]")).to_have_count(1)
    left = page.locator("[data-votes-left]")
    expect(left).to_be_hidden()

    fac.open(f"/e/{slug}/facilitate")
    assert fac.post(f"/e/{slug}/facilitate/voting", {"voting_open": "y", "vote_budget": "1"}, json_reply=False).ok
    expect(left).to_have_text("Du hast noch 1 von 1 Stimmen.")  # the server's sentence, without a reload

    first = page.get_by_role("article", name="First choice")
    with page.expect_response(lambda r: r.url.endswith("/vote")):
        first.get_by_role("button", name="Ich komme").click()
    expect(left).to_have_text("Du hast noch 0 von 1 Stimmen.")
    second = page.get_by_role("article", name="Second choice")
    with page.expect_response(lambda r: r.url.endswith("/vote")) as answer:
        second.get_by_role("button", name="Ich komme").click()
    assert answer.value.status == 409
    expect(second.locator("[data-tally]")).to_have_text("0")  # not the optimistic 1
    expect(second.get_by_role("button", name="Ich komme")).to_have_attribute("aria-pressed", "false")
    expect(first.locator("[data-tally]")).to_have_text("1")
    page.reload()
    expect(page.locator("[data-votes-left]")).to_have_text("Du hast noch 0 von 1 Stimmen.")


def test_one_outbox_for_all_tabs_applies_every_offline_action_once_and_in_order(live_server, new_context, phone_http):
    """Three tabs of one phone offline (the list twice, the pitch form, the wall): each action lands
    once, and a vote toggled across tabs ends as it was last tapped, in every round."""
    slug, fac_url = live_server.create_event("Three Tabs Camp")
    author = phone_http()
    author.open(f"/e/{slug}")
    pid = author.post(f"/e/{slug}/pitch", {"title": "Tabs", "level": "everyone", "format": "talk", "language": "en"})
    pid = pid.json()["id"]
    ctx = new_context("phone")
    lists = [ctx.new_page(), ctx.new_page()]
    form, wall = ctx.new_page(), ctx.new_page()
    for rnd in range(3):
        for page in lists:
            page.goto(f"{live_server.url}/e/{slug}")
        form.goto(f"{live_server.url}/e/{slug}/pitch")
        wall.goto(f"{live_server.url}/e/{slug}/questions")
        for page in (*lists, form, wall):
            expect(page.locator("body[data-live=on]")).to_have_count(1)
        ctx.set_offline(True)
        buttons = [p.get_by_role("article", name="Tabs").get_by_role("button", name="I'd attend") for p in lists]
        buttons[0].click()  # on
        buttons[1].click()  # on (this tab did not see the other's tap)
        buttons[0].click()  # off: the last tap
        if rnd == 1:
            buttons[0].click()  # in round two the last tap is "on" again
        form.get_by_label("Title").fill(f"Offline pitch {rnd}")
        form.get_by_role("button", name="Send my pitch").click()
        expect(form.get_by_text("Your pitch is saved on this phone")).to_be_visible()
        wall.get_by_label("Your question", exact=True).fill(f"Offline question {rnd}?")
        wall.get_by_role("button", name="Ask").click()
        ctx.set_offline(False)
        deadline = time.monotonic() + 15
        while lists[0].evaluate("() => localStorage.getItem('barcamp-outbox')") not in ("[]", None):
            assert time.monotonic() < deadline, "the outbox was not sent"
            lists[0].wait_for_timeout(100)
        data = snapshot(live_server, slug)
        titles = sorted(p["title"] for p in data["pitches"])
        assert titles == sorted(["Tabs", *(f"Offline pitch {i}" for i in range(rnd + 1))])
        questions = sorted(q["text"] for q in data["questions"])
        assert questions == [f"Offline question {i}?" for i in range(rnd + 1)]
        tabs = next(p for p in data["pitches"] if p["title"] == "Tabs")
        assert tabs["votes"] == (1 if rnd == 1 else 0), f"round {rnd}"
        if rnd == 1:  # leave the vote off for the next round's taps
            lists[0].goto(f"{live_server.url}/e/{slug}")
            with lists[0].expect_response(lambda r: r.url.endswith("/vote")):
                lists[0].get_by_role("article", name="Tabs").get_by_role("button", name="I'd attend").click()
