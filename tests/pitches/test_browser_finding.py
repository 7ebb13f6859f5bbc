"""Real Chromium on a phone: finding a pitch in a long list (search, sort, tag, level, mine), when
and where it is on the programme, the vote toggle's state in shape and words, a card that arrived
live marked as new, and the pitch form's tag picker."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.live import Browserless

pytestmark = pytest.mark.browser

PITCHES = [  # title, level, tags
    ("Rust for beginners", "beginner", "rust, code"),
    ("Gardening on balconies", "everyone", "garden"),
    ("Deep dive into compilers", "deep", "code, compilers"),
    ("Community radio", "everyone", "radio"),
]


def titles(page) -> list[str]:
    return page.locator("article[data-pitch]:visible h3").all_inner_texts()


@pytest.fixture
def listed(live_server):
    """An event with four pitches; the second has two votes, the third one. Returns the slug."""
    slug, _ = live_server.create_event("Finding Camp")
    author = Browserless(live_server.url)
    author.open(f"/e/{slug}")
    ids = []
    for title, level, tags in PITCHES:
        form = {"title": title, "level": level, "format": "talk", "language": "en", "tags": tags}
        ids.append(author.post(f"/e/{slug}/pitch", form).json()["id"])
    for pid in (ids[1], ids[1], ids[2]):
        voter = Browserless(live_server.url)
        voter.open(f"/e/{slug}")
        assert voter.post(f"/e/{slug}/pitches/{pid}/vote", {"on": "1"}).status_code == 200
    return slug


def test_search_sort_and_filters_narrow_the_list(live_server, new_context, listed):
    page = new_context("phone").new_page()
    page.goto(f"{live_server.url}/e/{listed}")
    assert titles(page) == [t for t, _, _ in PITCHES]

    page.get_by_label("Sort").select_option(label="Most interest")
    assert titles(page)[:2] == ["Gardening on balconies", "Deep dive into compilers"]
    page.get_by_label("Sort").select_option(label="Newest first")
    assert titles(page) == [t for t, _, _ in reversed(PITCHES)]

    page.get_by_label("Tag", exact=True).select_option(label="#code")
    assert sorted(titles(page)) == ["Deep dive into compilers", "Rust for beginners"]
    expect(page.get_by_text("2 of 4 pitches shown")).to_be_visible()
    page.get_by_label("Level").select_option(label="Deep dive")
    assert titles(page) == ["Deep dive into compilers"]
    page.get_by_label("Tag", exact=True).select_option(label="All tags")
    page.get_by_label("Level").select_option(label="All levels")

    page.get_by_label("Search").fill("radio")
    assert titles(page) == ["Community radio"]
    page.get_by_label("Search").fill("")

    card = page.get_by_role("article", name="Community radio")
    card.get_by_role("button", name="I'd attend").click()
    expect(card.get_by_role("button", name="I'd attend")).to_have_attribute("aria-pressed", "true")
    page.get_by_label("Only my pitches and votes").check()
    assert titles(page) == ["Community radio"]


def test_vote_toggle_says_its_state_and_a_live_card_is_marked_new(live_server, new_context, listed):
    page = new_context("phone").new_page()
    page.goto(f"{live_server.url}/e/{listed}")
    expect(page.locator("body[data-live=on]")).to_have_count(1)
    button = page.get_by_role("article", name="Rust for beginners").get_by_role("button", name="I'd attend")
    assert "✓" not in button.inner_text()
    off = button.evaluate("b => getComputedStyle(b).backgroundColor")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    assert "✓" in button.inner_text()
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") != off  # filled, not outlined

    other = Browserless(live_server.url)
    other.open(f"/e/{listed}")
    form = {"title": "Arrived from another phone", "level": "everyone", "format": "talk", "language": "en"}
    assert other.post(f"/e/{listed}/pitch", form).status_code == 200
    arrived = page.get_by_role("article", name="Arrived from another phone")
    expect(arrived).to_have_attribute("data-arrived", "New")
    assert arrived.evaluate("a => getComputedStyle(a, '::before').content") == '"New"'
    assert page.get_by_role("article", name="Rust for beginners").get_attribute("data-arrived") is None


def test_cards_say_when_and_where_they_are_on_the_programme(live_server, live_demo, new_context):
    page = new_context("phone").new_page()
    page.goto(f"{live_server.url}/e/demo/grid")
    session = page.locator(".gs").filter(has_text="Rust für Python-Leute").first
    room = session.locator(".where strong, strong").first.inner_text()
    page.goto(f"{live_server.url}/e/demo")
    line = page.get_by_role("article", name="Rust für Python-Leute").locator("[data-when-text]")
    expect(line).to_be_visible()
    assert re.search(r"\d\d:\d\d · " + re.escape(room) + "$", line.inner_text()), line.inner_text()

    page.get_by_label("Sort").select_option(label="Programme time")
    whens = page.locator("article[data-pitch]").evaluate_all("cards => cards.map(c => c.dataset.when)")
    placed = [w for w in whens if w]
    assert placed and placed == sorted(placed) and whens[: len(placed)] == placed


def test_tag_picker_shows_the_most_used_first_and_narrows_as_you_type(live_server, new_context):
    slug, _ = live_server.create_event("Tag Camp")
    author = Browserless(live_server.url)
    author.open(f"/e/{slug}")
    for i in range(12):
        tags = f"tag{i:02d}" + (", popular" if i % 2 else "")
        form = {"title": f"Pitch {i}", "level": "everyone", "format": "talk", "language": "en", "tags": tags}
        assert author.post(f"/e/{slug}/pitch", form).status_code == 200
    page = new_context("phone").new_page()
    page.goto(f"{live_server.url}/e/{slug}/pitch")
    picks = page.get_by_role("group", name="Tags already used")
    expect(picks.get_by_role("button").first).to_have_text("#popular")
    expect(picks.locator("[data-add-tag]:visible")).to_have_count(8)  # the rest behind "More tags"
    page.get_by_label("Tags (up to 5, separated by commas)").fill("popular, tag1")
    expect(picks.locator("[data-add-tag]:visible")).to_have_text(["#tag10", "#tag11"])
    picks.get_by_role("button", name="#tag11").click()
    expect(page.get_by_label("Tags (up to 5, separated by commas)")).to_have_value("popular, tag11")
    send = page.get_by_role("button", name="Send my pitch")
    assert send.bounding_box()["y"] < 1400  # no longer buried under forty chips
