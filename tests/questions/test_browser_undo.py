"""Real Chromium on a phone: delete my question, then "Undo" in the toast brings it back, on the
projector too (issue #17)."""

import pytest
from playwright.sync_api import expect

from tests.support.browser import axe_violations

pytestmark = pytest.mark.browser

TEXT = "Darf ich meine Frage zurücknehmen?"


def test_delete_then_undo_in_the_toast_on_a_phone(live_server, new_context):
    slug, fac_url = live_server.create_event("Undo Camp")
    fac = new_context("laptop").new_page()
    fac.goto(fac_url)
    fac.get_by_role("region", name="Projector shows").get_by_role("button", name="Question wall").click()
    expect(fac.get_by_role("button", name="Question wall")).to_have_attribute("aria-pressed", "true")
    projector = new_context("projector").new_page()
    projector.goto(f"{live_server.url}/e/{slug}/projector")
    phone = new_context("phone", bypass_csp=True).new_page()  # for axe-core
    phone.goto(f"{live_server.url}/e/{slug}/questions")
    for page in (projector, phone):
        expect(page.locator("body[data-live=on]")).to_have_count(1)

    phone.get_by_label("Your question", exact=True).fill(TEXT)
    phone.get_by_role("button", name="Ask anonymously").click()
    mine = phone.get_by_role("region", name="Your questions")
    expect(mine).to_contain_text(TEXT)
    stage = projector.locator(".qw-stage")
    expect(stage).to_contain_text(TEXT, timeout=5000)

    mine.get_by_role("button", name=f"Delete my question: {TEXT}").click()
    toast = phone.locator("#toast")
    expect(toast).to_contain_text("Your question was deleted.")
    expect(stage).not_to_contain_text(TEXT, timeout=5000)
    expect(phone.get_by_role("region", name="Questions on the wall")).not_to_contain_text(TEXT, timeout=5000)

    expect(mine).to_contain_text("Question deleted:")  # the list's own "Undo" form, for without JS
    assert axe_violations(phone) == []
    toast.get_by_role("button", name="Undo").click()
    expect(toast).to_contain_text("Your question is back.")
    expect(stage).to_contain_text(TEXT, timeout=5000)
    expect(phone.get_by_role("region", name="Questions on the wall")).to_contain_text(TEXT, timeout=5000)
    expect(mine.get_by_role("button", name=f"Delete my question: {TEXT}")).to_be_visible()
    # Updated in place: neither page reloaded.
    assert projector.evaluate("performance.getEntriesByType('navigation').length") == 1
    assert phone.evaluate("performance.getEntriesByType('navigation').length") == 1

    # The list's own "Undo" form (the one that works without JS) does the same in the background.
    mine.get_by_role("button", name=f"Delete my question: {TEXT}").click()
    expect(stage).not_to_contain_text(TEXT, timeout=5000)
    mine.get_by_role("button", name=f"Undo deleting my question: {TEXT}").click()
    expect(stage).to_contain_text(TEXT, timeout=5000)
    expect(mine.get_by_role("button", name=f"Delete my question: {TEXT}")).to_be_visible()
