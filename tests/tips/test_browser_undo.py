"""Real Chromium on a phone: delete my tip, then "Undo" in the toast brings it back, on another
phone's live board too (issue #17)."""

import pytest
from playwright.sync_api import expect

from tests.support.browser import axe_violations, document_id
from tests.tips.test_browser_tips import join_board

pytestmark = pytest.mark.browser

TIP = "Der Kaffee im zweiten Stock ist besser"


def test_delete_my_tip_then_undo_in_the_toast_on_a_phone(live_server, new_context):
    slug, _ = live_server.create_event("Tips Undo Camp")
    author = new_context("phone").new_page()
    author.goto(f"{live_server.url}/e/{slug}/tips")
    join_board(author, "Ute", helps="kaffee")
    share = author.get_by_role("form", name="Share a tip")
    share.get_by_label("Your tip").fill(TIP)
    share.get_by_role("button", name="Post tip").click()
    expect(share.get_by_label("Your tip")).to_have_value("")
    author.reload()  # "My tips" is this page's own list, drawn on load

    reader = new_context("phone").new_page()
    reader.goto(f"{live_server.url}/e/{slug}/tips")
    for page in (author, reader):
        expect(page.locator("body[data-live=on]")).to_have_count(1)
    board = reader.locator("[data-live=tips]")
    expect(board).to_contain_text(TIP)
    doc = document_id(author)

    delete = author.get_by_role("button", name=f"Delete my tip: {TIP}")
    delete.click()
    toast = author.locator("#toast")
    expect(toast).to_contain_text("Tip deleted.")
    expect(delete).to_be_hidden()
    expect(board).not_to_contain_text(TIP, timeout=5000)

    toast.get_by_role("button", name="Undo").click()
    expect(toast).to_contain_text("Your tip is back on the board.")
    expect(delete).to_be_visible()
    expect(board).to_contain_text(TIP, timeout=5000)
    assert document_id(author) == doc  # all in place, no reload


def test_leave_the_board_then_undo_in_the_toast_on_a_phone(live_server, new_context):
    slug, _ = live_server.create_event("Leave Undo Camp")
    author = new_context("phone", bypass_csp=True).new_page()  # for axe-core
    author.goto(f"{live_server.url}/e/{slug}/tips")
    join_board(author, "Leonie Leaving", helps="rust")
    reader = new_context("phone").new_page()
    reader.goto(f"{live_server.url}/e/{slug}/tips")
    expect(reader.locator("body[data-live=on]")).to_have_count(1)
    cards = reader.locator("[data-live=tipcards]")
    expect(cards).to_contain_text("Leonie Leaving")

    author.get_by_text("Leave the board", exact=True).click()
    author.get_by_role("button", name="Delete my card and leave").click()
    toast = author.locator("#toast")
    expect(toast).to_contain_text("You left the board.")
    expect(author.get_by_role("form", name="Join the board")).to_be_visible()
    expect(cards).not_to_contain_text("Leonie Leaving", timeout=5000)
    assert axe_violations(author) == []  # the page with its "Undo" box and the toast

    toast.get_by_role("button", name="Undo").click()
    expect(author.locator("#toast")).to_contain_text("You are back on the board.")
    expect(author.get_by_role("heading", name="My card")).to_be_visible()
    expect(cards).to_contain_text("Leonie Leaving", timeout=5000)
