"""Real Chromium: a question asked on a phone reaches the projector wall live, and leaves it live."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.browser import console_tab

pytestmark = pytest.mark.browser

UA = "ShyPhone/1.0 (question-wall-test)"


def _console_wall_mode(fac):
    fac.get_by_role("region", name="Projector shows").get_by_role("button", name="Question wall").click()
    expect(fac.get_by_role("button", name="Question wall")).to_have_attribute("aria-pressed", "true")


def test_question_from_phone_reaches_projector_and_leaves_it_when_hidden(live_server, new_context):
    slug, fac_url = live_server.create_event("Question Wall Camp")
    fac = new_context("laptop").new_page()
    fac.goto(fac_url)
    _console_wall_mode(fac)

    projector = new_context("projector").new_page()
    projector.goto(f"{live_server.url}/e/{slug}/projector")
    expect(projector.get_by_text("No questions yet.")).to_be_visible()
    phone = new_context("phone", user_agent=UA).new_page()
    phone.goto(f"{live_server.url}/e/{slug}")
    phone.get_by_role("link", name="Questions").click()
    expect(phone.get_by_role("heading", name="Ask anything")).to_be_visible()
    for page in (projector, phone):
        expect(page.locator("body[data-live=on]")).to_have_count(1)

    phone.get_by_label("Your question", exact=True).fill("Was bedeutet eigentlich „Sessionplanung“?")
    phone.get_by_role("button", name="Ask anonymously").click()
    expect(phone.get_by_role("status").filter(has_text="Thanks! Your question is on the wall.")).to_be_visible()
    expect(phone.get_by_label("Your question", exact=True)).to_have_value("")
    expect(phone.get_by_role("region", name="Your questions")).to_contain_text("Sessionplanung")

    stage = projector.locator(".qw-stage")
    expect(stage).to_contain_text("Was bedeutet eigentlich „Sessionplanung“?", timeout=5000)

    fac.goto(f"{live_server.url}/e/{slug}/questions")
    question = fac.get_by_role("article").filter(has_text="Sessionplanung")
    question.get_by_role("button", name="Hide").click()
    expect(fac.get_by_role("group", name="Hidden (1)").or_(fac.get_by_text("Hidden (1)"))).to_be_visible()

    expect(stage).not_to_contain_text("Sessionplanung", timeout=5000)
    wall = phone.get_by_role("region", name="Questions on the wall")
    expect(wall).not_to_contain_text("Sessionplanung", timeout=5000)
    expect(phone.get_by_role("region", name="Your questions")).to_contain_text("Hidden by the facilitators")
    # Updated in place: neither page reloaded.
    assert projector.evaluate("performance.getEntriesByType('navigation').length") == 1
    assert phone.evaluate("performance.getEntriesByType('navigation').length") == 1
    # The server logged nothing about the phone that asked.
    log = Path(live_server.log.name).read_text()
    assert UA not in log and "Sessionplanung" not in log and "/questions" not in log


def test_pinned_question_and_upvotes_update_projector_live(live_server, new_context):
    slug, fac_url = live_server.create_event("Pin Camp")
    fac = new_context("laptop").new_page()
    fac.goto(fac_url)
    _console_wall_mode(fac)
    asker = new_context("phone", locale="de-DE").new_page()
    asker.goto(f"{live_server.url}/e/{slug}/questions")
    asker.get_by_label("Deine Frage", exact=True).fill("Gibt es eine Kinderbetreuung?")
    asker.get_by_role("button", name="Anonym fragen").click()
    expect(asker.get_by_text("Danke! Deine Frage steht an der Wand.")).to_be_visible()

    projector = new_context("projector").new_page()
    projector.goto(f"{live_server.url}/e/{slug}/projector")
    expect(projector.locator("body[data-live=on]")).to_have_count(1)
    fac.goto(f"{live_server.url}/e/{slug}/questions")
    fac.get_by_role("article").filter(has_text="Kinderbetreuung").get_by_role("button", name="Pin to projector").click()
    pinned = projector.get_by_role("region", name="Pinned question")
    expect(pinned).to_contain_text("Gibt es eine Kinderbetreuung?", timeout=5000)
    expect(pinned).to_contain_text("Me too 0")

    voter = new_context("phone").new_page()
    voter.goto(f"{live_server.url}/e/{slug}/questions")
    expect(voter.locator("body[data-live=on]")).to_have_count(1)
    me_too = voter.get_by_role("article").filter(has_text="Kinderbetreuung").get_by_role("button", name="Me too")
    # The answer (with the cookie that makes this browser's upvote its own) is awaited before the
    # reload below: the projector's tally can arrive first, as a broadcast goes out at once.
    with voter.expect_response(lambda r: r.url.endswith("/vote") and r.request.method == "POST"):
        me_too.click()
    expect(me_too).to_have_attribute("aria-pressed", "true")
    expect(pinned).to_contain_text("Me too 1", timeout=5000)
    # Taking it back: the state survives the live reload of the list, and the projector follows.
    voter.reload()
    me_too = voter.get_by_role("article").filter(has_text="Kinderbetreuung").get_by_role("button", name="Me too")
    expect(me_too).to_have_attribute("aria-pressed", "true")
    me_too.click()
    expect(me_too).to_have_attribute("aria-pressed", "false")
    expect(pinned).to_contain_text("Me too 0", timeout=5000)


def test_premoderated_question_waits_then_appears_live_after_approval(live_server, new_context):
    slug, fac_url = live_server.create_event("Premod Camp")
    fac = new_context("laptop").new_page()
    fac.goto(fac_url)
    console_tab(fac, "Questions")
    settings = fac.get_by_role("form", name="Question wall settings")
    settings.get_by_label("Pre-moderation").check()
    settings.get_by_role("button", name="Save question settings").click()
    expect(fac.get_by_text("Question wall settings saved.")).to_be_visible()
    fac.goto(f"{live_server.url}/e/{slug}/questions")
    other = new_context("phone").new_page()
    other.goto(f"{live_server.url}/e/{slug}/questions")
    phone = new_context("phone").new_page()
    phone.goto(f"{live_server.url}/e/{slug}/questions")
    for page in (fac, other, phone):
        expect(page.locator("body[data-live=on]")).to_have_count(1)

    phone.get_by_label("Your question", exact=True).fill("Muss ich mich für Sessions anmelden?")
    phone.get_by_role("button", name="Ask anonymously").click()
    expect(phone.get_by_text("Thanks! Your question is waiting for approval by a facilitator.")).to_be_visible()
    mine = phone.get_by_role("region", name="Your questions")
    expect(mine).to_contain_text("Waiting for approval")

    queue = fac.get_by_role("region", name="Waiting for approval (1)")
    expect(queue).to_contain_text("Muss ich mich für Sessions anmelden?", timeout=5000)
    expect(other.get_by_role("region", name="Questions on the wall")).not_to_contain_text("anmelden")
    queue.get_by_role("button", name="Approve").click()

    expect(other.get_by_role("region", name="Questions on the wall")).to_contain_text("anmelden", timeout=5000)
    expect(mine).to_contain_text("On the wall", timeout=5000)
    assert other.evaluate("performance.getEntriesByType('navigation').length") == 1


def test_a_question_whose_answer_was_lost_is_re_sent_and_shown_once(live_server, new_context):
    """The server stores the question but the phone never hears back (Wi-Fi drops): the outbox
    sends it again later, and the wall still has it once. A second question asked meanwhile from
    the same form is a question of its own."""
    import requests

    slug, _fac = live_server.create_event("Lost Answer Camp")
    phone = new_context("phone").new_page()
    phone.goto(f"{live_server.url}/e/{slug}/questions")
    expect(phone.locator("body[data-live=on]")).to_have_count(1)
    lost = []

    def lose_first_answer(route):
        if route.request.method == "POST" and not lost:
            lost.append(route.fetch())  # the server has it...
            route.abort("connectionreset")  # ...the phone never hears
        else:
            route.continue_()

    phone.route("**/questions", lose_first_answer)
    question = phone.get_by_label("Your question", exact=True)
    question.fill("Darf ich einfach in jede Session?")
    phone.get_by_role("button", name="Ask anonymously").click()
    expect(phone.locator("#conn")).to_contain_text("Offline")
    assert lost and lost[0].status == 200

    question.fill("Gibt es vegane Snacks?")
    phone.get_by_role("button", name="Ask anonymously").click()
    expect(phone.get_by_role("status").filter(has_text="Thanks! Your question is on the wall.")).to_be_visible()

    phone.reload()  # back on the page later: the outbox sends what it kept
    expect(phone.locator("body[data-live=on]")).to_have_count(1)
    for _ in range(100):
        if phone.evaluate("() => localStorage.getItem('barcamp-outbox')") in ("[]", None):
            break
        phone.wait_for_timeout(100)
    texts = [q["text"] for q in requests.get(f"{live_server.url}/api/v1/events/{slug}", timeout=5).json()["questions"]]
    assert sorted(texts) == ["Darf ich einfach in jede Session?", "Gibt es vegane Snacks?"]
    phone.reload()
    mine = phone.get_by_role("region", name="Your questions")
    expect(mine.get_by_text("Darf ich einfach in jede Session?")).to_have_count(1)
    expect(mine.get_by_text("Gibt es vegane Snacks?")).to_have_count(1)


def test_a_question_arriving_live_is_marked_new_on_other_phones_and_the_moderators_wall(live_server, new_context):
    slug, fac_url = live_server.create_event("Question New Camp")
    asker = new_context("phone").new_page()
    asker.goto(f"{live_server.url}/e/{slug}/questions")
    asker.get_by_label("Your question", exact=True).fill("Where is the coffee?")
    asker.get_by_role("button", name="Ask anonymously").click()
    expect(asker.get_by_role("region", name="Your questions")).to_contain_text("Where is the coffee?")

    reader = new_context("phone").new_page()
    reader.goto(f"{live_server.url}/e/{slug}/questions")
    moderator = new_context("laptop").new_page()
    moderator.goto(fac_url)
    moderator.goto(f"{live_server.url}/e/{slug}/questions")
    for page in (asker, reader, moderator):
        expect(page.locator("body[data-live=on]")).to_have_count(1)

    asker.get_by_label("Your question", exact=True).fill("Is there a quiet room?")
    asker.get_by_role("button", name="Ask anonymously").click()
    for page in (reader, moderator):
        fresh = page.get_by_role("article", name="Is there a quiet room?")
        expect(fresh).to_have_attribute("data-arrived", "New")
        assert (
            fresh.evaluate("el => getComputedStyle(el, '::before').content") == '"New"'
        )  # shown, not only an attribute
        expect(page.get_by_role("article", name="Where is the coffee?")).not_to_have_attribute("data-arrived", "New")
    mine = asker.get_by_role("article", name="Is there a quiet room?")
    expect(mine).to_be_visible()
    expect(mine).not_to_have_attribute("data-arrived", "New")  # my own question is no news to me

    # The mark stays through the next live reload of the wall (an upvote elsewhere).
    asker.get_by_role("article", name="Where is the coffee?").get_by_role("button", name="Me too").click()
    expect(reader.get_by_role("article", name="Where is the coffee?").locator("[data-tally]")).to_have_text("1")
    reader.get_by_role("article", name="Where is the coffee?").get_by_role("button", name="Me too").click()
    expect(reader.get_by_role("article", name="Is there a quiet room?")).to_have_attribute("data-arrived", "New")
    reader.screenshot(path="/tmp/17p-question-new.png", full_page=True)
