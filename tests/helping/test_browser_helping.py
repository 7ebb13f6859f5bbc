"""Real Chromium, journey 1: a question gets two offers of help; the asker picks one and a meeting
point without revealing themselves; the helper is told live; then every table of the live server's
database is read and no row ties the question to its asker."""

import os
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from barcamp.core.extensions import db
from tests.support.browser import axe_violations

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("HELPING_SHOTS")  # a folder: save screenshots of the new screens there
ASKER = "Asta Askerin"


def shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def person(new_context, base, slug, name, kind="phone", locale="en-US"):
    page = new_context(kind, bypass_csp=True, locale=locale).new_page()
    page.goto(f"{base}/e/{slug}/me")
    page.locator("main form #display_name").fill(name)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    page.goto(f"{base}/e/{slug}/questions")
    expect(page.locator("body[data-live=on]")).to_have_count(1)
    return page


def offer(page, note):
    """Offer help on the first question (by structure: one of the helpers reads German)."""
    question = page.locator("article.qw-q").first
    question.locator(".qw-help summary").click()
    if note:
        question.locator(".qw-help-form input[name=note]").fill(note)
    question.locator(".qw-help-form button[type=submit]").click()
    expect(page.locator("#helping .qw-offer")).to_have_count(1)


def test_two_offers_the_asker_picks_one_the_helper_is_told_live_and_nothing_links_the_asker(live_server, new_context):
    base = live_server.url
    slug, fac_url = live_server.create_event("Helping Camp")
    fac = new_context("laptop").new_page()
    fac.goto(fac_url)
    mixer = fac.get_by_role("region", name="Meet someone new")
    mixer.get_by_text("Meeting points", exact=True).click()
    mixer.get_by_label("Meeting points (one a line)").fill("Kaffeebar\nTisch 4")
    mixer.get_by_role("button", name="Save meeting points").click()
    expect(fac.get_by_text("Meeting points saved.")).to_be_visible()

    asker = person(new_context, base, slug, ASKER)
    asker.get_by_role("textbox", name="Your question").fill("Wie binde ich Zigbee-Sensoren in Home Assistant ein?")
    asker.get_by_role("button", name="Ask anonymously").click()
    expect(asker.locator("#mine")).to_contain_text("Zigbee-Sensoren")

    helper = person(new_context, base, slug, "Hanna Helferin")
    other = person(new_context, base, slug, "Otto Anders", locale="de-DE")
    offer(helper, "I run Home Assistant at home")
    offer(other, "")
    # Everyone's wall shows the count, live; the notes only on the asker's own list
    expect(helper.locator("article.qw-q .qw-helpers")).to_have_text("2 people can help")
    mine = asker.locator("#mine")
    expect(mine.locator(".qw-offer")).to_have_count(2)
    expect(mine).to_contain_text("“I run Home Assistant at home”")
    assert "I run Home Assistant at home" not in other.locator("main").inner_text()  # only the asker sees notes
    shot(asker, "asker-offers-phone")

    chosen = mine.locator(".qw-offer").filter(has_text="I run Home Assistant at home")
    chosen.get_by_label("Meeting point").select_option("Kaffeebar")
    chosen.get_by_label("Time").fill("12:30")
    before = helper.evaluate("performance.getEntriesByType('navigation').length")
    chosen.get_by_role("button", name="Meet this helper without revealing myself").click()
    expect(mine.locator(".qw-meeting")).to_contain_text("Meet at Kaffeebar at 12:30. Show your token:")
    # The helper is told live, without reloading; the other helper is not picked
    told = helper.locator("#helping .qw-meeting")
    expect(told).to_contain_text("The asker picked you! Meet at Kaffeebar at 12:30 and look for")
    assert helper.evaluate("performance.getEntriesByType('navigation').length") == before
    token = re.search(r"look for (.+)\.$", told.inner_text().strip()).group(1)
    expect(mine.locator(".qw-meeting")).to_contain_text(token)
    expect(other.locator("#helping .qw-offer.is-chosen")).to_have_count(0)
    assert axe_violations(helper) == []
    assert axe_violations(asker) == []
    shot(asker, "asker-meeting-phone")
    shot(helper, "helper-told-phone")
    wide = new_context("laptop").new_page()
    wide.goto(f"{base}/e/{slug}/questions")
    shot(wide, "wall-laptop")

    # The database-wide anonymity check: no row names the asker beside the question or the meeting
    engine = sa.create_engine(live_server.env["DATABASE_URL"])
    with engine.connect() as conn:
        rows = {t.name: [dict(r._mapping) for r in conn.execute(t.select())] for t in db.metadata.sorted_tables}
    engine.dispose()
    # The live server is shared: this event's rows are the ones to follow (every row is still read).
    (event_id,) = [e["id"] for e in rows["event"] if e["slug"] == slug]
    (asker_row,) = [r for r in rows["attendee"] if r["display_name"] == ASKER and r["event_id"] == event_id]
    (question,) = [q for q in rows["question"] if q["event_id"] == event_id]
    meeting = [r for r in rows["help_offer"] if r["chosen"] and r["question_id"] == question["id"]]
    assert len(meeting) == 1 and meeting[0]["point"] == "Kaffeebar" and meeting[0]["helper_id"] != asker_row["id"]
    refs = ("attendee_id", "helper_id", "buddy_id", "newcomer_id")
    for name, table_rows in rows.items():
        for row in table_rows:
            about_asker = asker_row["id"] in {row.get(k) for k in refs} or (name == "attendee" and row is asker_row)
            about_question = question["id"] in (
                {row.get("question_id")} | ({row["id"]} if name == "question" else set())
            )
            assert not (about_asker and about_question), (name, row)


def test_the_i_can_help_toggle_shows_a_chevron_that_turns_when_it_opens(live_demo, live_server, new_context):
    """Summaries are flex boxes (tap height), which drops Chromium's disclosure triangle; each
    draws its own chevron, pointing right while closed and down once open."""
    page = new_context("phone").new_page()
    page.goto(f"{live_server.url}/e/{live_demo['slug']}/questions")
    summary = page.locator("article.qw-q .qw-help summary").first
    chevron = "s => { const c = getComputedStyle(s, '::before'); return [c.borderRightWidth, c.transform]; }"
    width, closed = summary.evaluate(chevron)
    assert width == "2px" and closed != "none"
    summary.click()
    expect(page.locator("article.qw-q .qw-help[open]").first).to_be_visible()
    page.wait_for_timeout(300)  # the turn's transition
    assert summary.evaluate(chevron)[1] != closed
