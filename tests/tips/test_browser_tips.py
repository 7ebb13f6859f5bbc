"""Real Chromium: a tip from one phone appears on another live, and two people connect and see each other's contact."""

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import console_tab, document_id

pytestmark = pytest.mark.browser


def join_board(page, name, helps="", seeks="", contact="", visibility=None):
    """Fill the join form the way a person would and send it."""
    form = page.get_by_role("form", name="Join the board")
    form.get_by_label("Display name").fill(name)
    form.get_by_label("I can help with").fill(helps)
    form.get_by_label("I'm looking for").fill(seeks)
    form.get_by_label("Contact (optional)").fill(contact)
    if visibility:
        form.get_by_label("Who may see my contact?").select_option(label=visibility)
    form.get_by_role("button", name="Join the board").click()
    expect(page.get_by_text("Welcome to the board!")).to_be_visible()


def test_tip_from_one_phone_appears_on_another_live_with_helpful_count(live_server, new_context):
    slug, _ = live_server.create_event("Tips Live Camp")
    author = new_context("phone").new_page()
    author.goto(f"{live_server.url}/e/{slug}")
    author.get_by_role("navigation", name="Event").get_by_role("link", name="Tips", exact=True).click()
    join_board(author, "Anna", helps="ux")

    reader = new_context("phone", locale="de-DE").new_page()
    reader.goto(f"{live_server.url}/e/{slug}/tips")
    # The glossary's "Tipps-Wand" once /work/i18n-17.json is merged into the translations.
    expect(reader.get_by_role("heading", name=re.compile("Tippbörse|Tipps-Wand"))).to_be_visible()
    for page in (author, reader):
        expect(page.locator("body[data-live=on]")).to_have_count(1)
    docs = document_id(author), document_id(reader)
    board = reader.locator("[data-live=tips]")
    expect(board).not_to_contain_text("Werkstatt")

    share = author.get_by_role("form", name="Share a tip")
    share.get_by_label("Your tip").fill("Die Werkstatt hat den besten Beamer – HDMI-Adapter mitbringen!")
    share.get_by_label("Link (optional)").fill("https://example.org/beamer")
    share.get_by_label("Tags (optional, up to 5)").fill("venue")
    share.get_by_role("button", name="Post tip").click()
    expect(share.get_by_label("Your tip")).to_have_value("")  # sent in the background

    expect(board).to_contain_text("Die Werkstatt hat den besten Beamer", timeout=5000)
    link = board.get_by_role("link", name="https://example.org/beamer")
    expect(link).to_have_attribute("rel", "nofollow noopener ugc")

    # The reader finds it helpful; the author's count follows, coalesced, without a reload.
    tip = board.get_by_role("listitem").filter(has_text="Werkstatt")
    tip.get_by_role("button", name="Hilfreich").click()
    expect(tip.get_by_role("button", name="Hilfreich")).to_have_attribute("aria-pressed", "true")
    author_tip = author.locator("[data-live=tips] li.tip").filter(has_text="Werkstatt")
    expect(author_tip.locator("[data-tally=tips]")).to_have_text("1", timeout=5000)
    assert (document_id(author), document_id(reader)) == docs  # no reloads


def test_connect_request_accept_reveals_contacts_to_both(live_server, new_context):
    slug, _ = live_server.create_event("Connect Camp")
    bea = new_context("phone").new_page()
    bea.goto(f"{live_server.url}/e/{slug}/tips")
    join_board(bea, "Bea", helps="python", contact="bea@example.org")  # "shared on request" is the default
    ali = new_context("phone").new_page()
    ali.goto(f"{live_server.url}/e/{slug}/tips")
    join_board(ali, "Ali", seeks="python", contact="https://social.example/@ali", visibility=None)
    for page in (bea, ali):
        expect(page.locator("body[data-live=on]")).to_have_count(1)
    docs = document_id(bea), document_id(ali)
    bea_connections = bea.get_by_role("region", name="Connections")
    ali_connections = ali.get_by_role("region", name="Connections")
    expect(bea.get_by_text("bea@example.org")).to_have_count(1)  # only on her own card
    expect(ali.get_by_text("bea@example.org")).to_have_count(0)

    matches = ali.get_by_role("region", name="Matches for you")
    expect(matches).to_contain_text("Bea")
    matches.get_by_role("button", name="Ask Bea to connect").click()
    expect(matches.get_by_text("Request sent. Bea's contact appears once they accept.")).to_be_visible()
    expect(ali_connections).to_contain_text("Waiting for an answer", timeout=5000)
    expect(ali.get_by_text("bea@example.org")).to_have_count(0)

    # Bea's page hears about the request on her private channel and shows it without a reload.
    expect(bea_connections).to_contain_text("Ali would like to connect", timeout=5000)
    expect(bea.get_by_text("social.example/@ali")).to_have_count(0)
    bea_connections.get_by_role("button", name="Accept Ali").click()

    expect(ali_connections.get_by_text("bea@example.org")).to_be_visible(timeout=5000)
    ali_link = bea_connections.get_by_role("link", name="https://social.example/@ali")
    expect(ali_link).to_be_visible(timeout=5000)
    expect(ali_link).to_have_attribute("rel", "nofollow noopener ugc")
    assert (document_id(bea), document_id(ali)) == docs  # no reloads

    # A third person, also on the board, sees neither contact anywhere.
    cem = new_context("phone").new_page()
    cem.goto(f"{live_server.url}/e/{slug}/tips")
    join_board(cem, "Cem", contact="cem@example.org", visibility="Everyone on the board")
    for name in ("Bea", "Ali"):
        cem.get_by_role("region", name="People on the board").get_by_role("link", name=name).click()
        expect(cem.get_by_role("heading", level=1, name=name)).to_be_visible()
        expect(cem.locator("main")).not_to_contain_text("bea@example.org")
        expect(cem.locator("main")).not_to_contain_text("social.example/@ali")
        cem.go_back()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_joined_board_person_and_moderation_pages_have_no_serious_axe_violations(live_server, new_context, scheme):
    from tests.support.browser import axe_violations

    slug, fac_url = live_server.create_event("Axe Tips Camp")
    phone = new_context("phone", bypass_csp=True, color_scheme=scheme).new_page()
    phone.goto(f"{live_server.url}/e/{slug}/tips")
    join_board(phone, "Axel", helps="a11y", seeks="python", contact="axel@example.org")
    share = phone.get_by_role("form", name="Share a tip")
    share.get_by_label("Your tip").fill("x")
    share.get_by_role("button", name="Post tip").click()
    expect(share.get_by_text("A tip needs 3 to 500 characters.")).to_be_visible()
    found = {"board with error": axe_violations(phone)}
    share.get_by_label("Your tip").fill("Screenreader testen: VoiceOver ist auf jedem iPhone.")
    share.get_by_role("button", name="Post tip").click()
    expect(phone.locator("[data-live=tips]")).to_contain_text("VoiceOver", timeout=5000)
    found["joined board"] = axe_violations(phone)
    phone.get_by_role("region", name="People on the board").get_by_role("link", name="Axel").click()
    found["person"] = axe_violations(phone)
    laptop = new_context("laptop", bypass_csp=True, color_scheme=scheme).new_page()
    laptop.goto(fac_url)
    found["console"] = axe_violations(laptop)
    console_tab(laptop, "Board")
    laptop.get_by_role("link", name="Moderate the tips board").click()
    found["moderation"] = axe_violations(laptop)
    assert {k: v for k, v in found.items() if v} == {}


# The text of the chosen option, as the select draws it: does it fit inside the box (less the arrow)?
OPTION_FITS = """sel => { const cs = getComputedStyle(sel);
  const ctx = document.createElement('canvas').getContext('2d'); ctx.font = cs.font;
  const room = sel.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 20;
  return {scroll: sel.scrollWidth, client: sel.clientWidth, text: ctx.measureText(sel.selectedOptions[0].text).width,
          room, right: sel.getBoundingClientRect().right}; }"""


@pytest.mark.parametrize("width", [360, 390])
@pytest.mark.parametrize("locale", ["en-US", "de-DE"])
def test_contact_visibility_options_fit_the_select_on_a_small_phone(live_server, browser, width, locale):
    slug, _ = live_server.create_event("Narrow Select Camp")
    ctx = browser.new_context(viewport={"width": width, "height": 800}, is_mobile=True, has_touch=True, locale=locale)
    page = ctx.new_page()
    page.goto(f"{live_server.url}/e/{slug}/tips")
    select = page.get_by_role("form", name=re.compile("Join the board|mitmachen")).locator("select")
    values = select.locator("option").evaluate_all("os => os.map(o => o.value)")
    assert values == ["request", "public", "never"]
    for value in values:
        select.select_option(value)
        box = select.evaluate(OPTION_FITS)
        assert box["scroll"] <= box["client"], (locale, value, box)
        assert box["text"] <= box["room"], (locale, value, box)  # the chosen text shows in full
        assert box["right"] <= width, (locale, value, box)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=f"/tmp/tips-select-{locale}-{width}.png", full_page=True)
    ctx.close()


def test_unmarking_a_saved_tip_is_confirmed_and_undo_saves_it_again(live_server, new_context):
    slug, _ = live_server.create_event("Tips Undo Camp")
    author = new_context("phone").new_page()
    author.goto(f"{live_server.url}/e/{slug}/tips")
    join_board(author, "Anna")
    share = author.get_by_role("form", name="Share a tip")
    share.get_by_label("Your tip").fill("The quiet room is on the 2nd floor.")
    share.get_by_role("button", name="Post tip").click()
    expect(author.locator("#toast")).to_have_text("Your tip is on the board.")

    reader = new_context("phone").new_page()
    reader.goto(f"{live_server.url}/e/{slug}/tips")
    save = reader.get_by_role("button", name="Save for later")
    toast = reader.locator("#toast")
    save.click()
    expect(toast).to_contain_text("Saved for later.")
    expect(save).to_have_attribute("aria-pressed", "true")
    save.click()
    expect(toast).to_contain_text("Removed from your saved tips.")
    expect(save).to_have_attribute("aria-pressed", "false")
    toast.get_by_role("button", name="Undo").click()
    expect(save).to_have_attribute("aria-pressed", "true")
    expect(toast).to_contain_text("Saved for later.")
    reader.reload()  # the server has it: the saved list shows it
    expect(reader.get_by_role("region", name="My saved tips")).to_contain_text("The quiet room is on the 2nd floor.")
    expect(reader.get_by_role("button", name="Save for later")).to_have_attribute("aria-pressed", "true")
