"""The anonymous question wall: posting, anonymity, upvotes, moderation, reports, limits, pitches."""

import logging
import re
import threading
import time

import pytest
import requests
import sqlalchemy as sa
from sqlalchemy import select

from barcamp.core import realtime
from barcamp.core.extensions import db
from barcamp.models import Event, Pitch, Question, QuestionReport, QuestionVote
from tests.support.live import tallies_of

JSON = {"Accept": "application/json"}
IP, UA, NAME = "203.0.113.77", "ShyPhone/1.0 (quiet-newcomer-agent)", "Zelda Quietname"


@pytest.fixture(autouse=True)
def _no_tally_left_behind(app):
    """Send this test's pending upvote tallies, so they never reach another test's sockets."""
    yield
    with app.app_context():
        realtime.flush()


def ask(c, slug, text, pitch=None, nonce=None, **kwargs):
    data = {"text": text}
    if pitch:
        data["pitch"] = str(pitch)
    if nonce:
        data["nonce"] = nonce
    return c.post(f"/e/{slug}/questions", data=data, **kwargs)


def only_question(app) -> Question:
    with app.app_context():
        return db.session.scalars(select(Question)).one()


def secrets_of(c, slug) -> str:
    cookie = c.get_cookie("q_secrets", domain="barcamp.test", path=f"/e/{slug}/questions")
    return cookie.value if cookie else ""


def live(c, slug, name="questions", **query) -> str:
    """A live partial as a page fetches it after being told of a change made just now."""
    return c.get(f"/e/{slug}/live/{name}", query_string={**query, "at": time.time()}).get_data(as_text=True)


def wall_html(c, slug, **query) -> str:
    return c.get(f"/e/{slug}/questions", query_string=query).get_data(as_text=True)


def changes(sock) -> list[str]:
    """What the ``changed`` messages a socket received were about."""
    return [m["args"][0]["what"] for m in sock.get_received() if m["name"] == "changed"]


def set_settings(fac, slug, premoderation=False, threshold=3):
    data = {"report_threshold": str(threshold)}
    if premoderation:
        data["premoderation"] = "y"
    assert fac.post(f"/e/{slug}/facilitate/questions", data=data).status_code == 302


def make_pitch(app, slug, title="Kubernetes für Einsteiger") -> int:
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        pitch = Pitch(event_id=event.id, title=title)
        db.session.add(pitch)
        db.session.commit()
        return pitch.id


# --- posting and validation ---------------------------------------------------------


def test_question_posted_appears_on_wall_and_in_json(client, make_client, event_factory):
    slug, _ = event_factory()
    r = ask(client, slug, "  Was ist ein Barcamp?  ")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/e/{slug}/questions#mine")
    assert "Was ist ein Barcamp?" in wall_html(make_client(), slug)
    data = make_client().get(f"/api/v1/events/{slug}").get_json()
    assert [q["text"] for q in data["questions"]] == ["Was ist ein Barcamp?"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "Please type your question."),
        ("ab", "A question needs at least 3 characters."),
        ("x" * 501, "At most 500 characters, please (you typed 501)."),
    ],
)
def test_question_with_bad_length_is_refused_and_text_kept(client, event_factory, text, message):
    slug, _ = event_factory()
    r = ask(client, slug, text)
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert message in html
    assert f">\r\n{text.strip()}</textarea>" in html
    assert ask(client, slug, text, headers=JSON).get_json()["error"] == message


def test_question_of_exactly_3_and_500_characters_is_accepted(client, app, event_factory):
    slug, _ = event_factory()
    assert ask(client, slug, "Wer?").status_code == 302
    assert ask(client, slug, "y" * 500, headers=JSON).get_json()["ok"] is True
    with app.app_context():
        assert sorted(len(q.text) for q in db.session.scalars(select(Question))) == [4, 500]


# --- anonymity ------------------------------------------------------------------------


def test_question_schema_has_no_reference_to_attendees_or_clients(app):
    with app.app_context():
        inspector = sa.inspect(db.engine)
        columns = {c["name"] for c in inspector.get_columns("question")}
        referred = {fk["referred_table"] for fk in inspector.get_foreign_keys("question")}
    assert referred == {"event", "pitch"}
    assert columns == {
        "id",
        "event_id",
        "pitch_id",
        "text",
        "status",
        "answered",
        "pinned",
        "secret_hash",
        "promoted_pitch_id",
        "created_at",
        "deleted_at",  # the author deleted it: the undo grace period (core.undo)
    }
    assert not [c for c in columns if re.search(r"attendee|author|user|ip|addr|agent|browser", c)]


def _author(make_client, slug):
    """A browser with a display name, a fixed address and user agent, that asks one question."""
    author = make_client()
    author.environ_base.update(REMOTE_ADDR=IP, HTTP_USER_AGENT=UA)
    author.post(f"/e/{slug}/me", data={"display_name": NAME})
    r = ask(author, slug, "Ist es okay, nur zuzuhören?")
    assert r.status_code == 302
    return author


def test_posting_stores_and_logs_nothing_that_identifies_the_author(app, make_client, event_factory, caplog):
    slug, _ = event_factory()
    caplog.set_level(logging.DEBUG)
    author = _author(make_client, slug)
    with author.session_transaction() as s:
        bid, attendee_id = s["bid"], next(iter(s["att"].values()))
    secret = secrets_of(author, slug)
    assert len(secret) >= 20
    logged = "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.INFO)
    for needle in (IP, UA, NAME, bid, secret, "Ist es okay"):
        assert needle not in logged
    # Nothing in any table holds the address or the user agent, and the secret is stored only hashed.
    with app.app_context():
        dump = []
        for table in db.metadata.sorted_tables:
            dump += [repr(tuple(row)) for row in db.session.execute(table.select())]
        question = db.session.scalars(select(Question)).one()
    dump = "\n".join(dump)
    assert IP not in dump and UA not in dump and secret not in dump and bid not in dump
    assert question.secret_hash != secret and len(question.secret_hash) == 64
    # The attendee row exists (the author has a name), but no row links it to the question:
    # asking does not even add an upvote by the author.
    assert NAME in dump and attendee_id
    with app.app_context():
        assert db.session.scalars(select(QuestionVote)).all() == []
        assert db.session.scalars(select(QuestionReport)).all() == []


def test_no_page_or_json_of_any_role_reveals_the_author(app, make_client, facilitator, event_factory):
    fac, slug = facilitator
    pitch_id = make_pitch(app, slug)
    author = _author(make_client, slug)
    assert ask(author, slug, "Gibt es Folien zu dieser Session?", pitch=pitch_id).status_code == 302
    secret = secrets_of(author, slug).split(".")[0]
    other, projector = make_client(), make_client()
    other.get(f"/e/{slug}")
    fac.post(f"/e/{slug}/facilitate/projector", data={"mode": "wall"})
    with app.app_context():
        hashes = [q.secret_hash for q in db.session.scalars(select(Question))]
    pages = {
        "author": [f"/e/{slug}/questions", f"/e/{slug}/questions?pitch={pitch_id}", f"/e/{slug}/questions/mine"],
        "other": [f"/e/{slug}/questions", f"/e/{slug}/questions?pitch={pitch_id}", f"/e/{slug}/questions/mine"],
        "facilitator": [
            f"/e/{slug}/questions",
            f"/e/{slug}/questions?pitch={pitch_id}",
            f"/e/{slug}/facilitate",
            f"/e/{slug}/live/questionsmod",
        ],
        "projector": [f"/e/{slug}/projector", f"/e/{slug}/live/qwall", f"/e/{slug}/live/questions"],
    }
    clients = {"author": author, "other": other, "facilitator": fac, "projector": projector}
    for role, urls in pages.items():
        for url in [*urls, f"/api/v1/events/{slug}"]:
            r = clients[role].get(url)
            assert r.status_code == 200, (role, url)
            source = r.get_data(as_text=True)
            for needle in (NAME, IP, UA, secret, *hashes):
                assert needle not in source, (role, url, needle)
            if role in ("other", "facilitator", "projector"):
                assert not re.search(r'id="mine-\d', source), (role, url)  # none of the author's own list
    # The question itself is on the walls everyone sees.
    assert "Ist es okay, nur zuzuhören?" in projector.get(f"/e/{slug}/projector").get_data(as_text=True)
    assert "Ist es okay, nur zuzuhören?" in wall_html(author, slug)


def test_json_snapshot_lists_visible_questions_with_votes_and_no_author_fields(app, client, event_factory):
    slug, _ = event_factory()
    pitch_id = make_pitch(app, slug, "Barrierefreiheit")
    ask(client, slug, "Wie teste ich mit Screenreadern?", pitch=pitch_id)
    q = only_question(app)
    client.post(f"/e/{slug}/questions/{q.id}/vote", data={"on": "1"})
    (entry,) = client.get(f"/api/v1/events/{slug}").get_json()["questions"]
    assert entry == {
        "id": q.id,
        "text": "Wie teste ich mit Screenreadern?",
        "votes": 1,
        "status": "open",
        "pinned": False,
        "session": {"id": pitch_id, "title": "Barrierefreiheit"},
        "promoted_to_pitch": None,
    }


# --- a re-sent ask form ----------------------------------------------------------------


def form_nonce(html: str) -> str:
    field = re.search(r'<input[^>]*name="nonce"[^>]*>', html).group(0)
    return re.search(r'value="([^"]+)"', field).group(1)


def test_a_re_sent_ask_form_is_stored_once_and_its_nonce_is_not(app, client, make_client, event_factory):
    """The offline outbox re-sends a question whose answer was lost: the wall shows it once."""
    slug, _ = event_factory()
    nonce = form_nonce(client.get(f"/e/{slug}/questions").get_data(as_text=True))
    first = ask(client, slug, "Wo gibt es Kaffee?", nonce=nonce, headers=JSON)
    again = ask(client, slug, "Wo gibt es Kaffee?", nonce=nonce, headers=JSON)
    assert first.status_code == again.status_code == 200
    assert first.get_json()["id"] == again.get_json()["id"]
    assert len(secrets_of(client, slug).split(".")) == 1  # the author holds it once, and may delete it
    # Someone else asks the same words from their own form: that is a second question.
    other = make_client()
    other_nonce = form_nonce(other.get(f"/e/{slug}/questions").get_data(as_text=True))
    assert other_nonce != nonce
    third = ask(other, slug, "Wo gibt es Kaffee?", nonce=other_nonce, headers=JSON)
    assert third.get_json()["id"] != first.get_json()["id"]
    # The same browser's next form has a new nonce: a new question.
    next_nonce = form_nonce(client.get(f"/e/{slug}/questions").get_data(as_text=True))
    fourth = ask(client, slug, "Und Tee?", nonce=next_nonce, headers=JSON)
    assert fourth.get_json()["id"] not in (first.get_json()["id"], third.get_json()["id"])
    # An old page (the back button) with another question under a used nonce: a new question.
    fifth = ask(client, slug, "Wann ist Mittag?", nonce=nonce, headers=JSON)
    assert fifth.get_json()["id"] not in (first.get_json()["id"], third.get_json()["id"], fourth.get_json()["id"])
    assert len(secrets_of(client, slug).split(".")) == 3  # and its author holds its secret
    with app.app_context():
        assert db.session.scalar(select(sa.func.count(Question.id))) == 4
        dump = "\n".join(repr(tuple(row)) for t in db.metadata.sorted_tables for row in db.session.execute(t.select()))
    assert nonce not in dump and other_nonce not in dump  # nothing ties a form, or its page, to a question
    r = client.post(f"/e/{slug}/questions/{first.get_json()['id']}/delete", headers=JSON)
    assert r.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(sa.func.count(Question.id))) == 3


def test_the_same_ask_form_sent_several_times_at_once_is_stored_once(live_server, phone_http):
    """A double tap (or a re-send racing the first send): the database's unique secret hash decides."""
    slug, _ = live_server.create_event("Double Tap Camp")
    phone = phone_http()
    nonce = form_nonce(phone.open(f"/e/{slug}/questions").text)
    replies = []
    threads = [
        threading.Thread(
            target=lambda: replies.append(phone.post(f"/e/{slug}/questions", {"text": "Gibt es WLAN?", "nonce": nonce}))
        )
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status_code for r in replies] == [200] * 4
    assert len({r.json()["id"] for r in replies}) == 1
    questions = requests.get(f"{live_server.url}/api/v1/events/{slug}", timeout=5).json()["questions"]
    assert [q["text"] for q in questions] == ["Gibt es WLAN?"]


# --- the author's secret --------------------------------------------------------------


def test_author_deletes_own_question_but_a_second_browser_cannot(app, client, make_client, event_factory):
    slug, _ = event_factory()
    ask(client, slug, "Peinliche Frage: was ist ein Slot?")
    q = only_question(app)
    assert "Peinliche Frage" in client.get(f"/e/{slug}/questions/mine").get_data(as_text=True)
    stranger = make_client()
    stranger.get(f"/e/{slug}/questions")
    assert stranger.post(f"/e/{slug}/questions/{q.id}/delete").status_code == 403
    assert stranger.post(f"/e/{slug}/questions/{q.id}/delete", headers=JSON).status_code == 403
    assert "Peinliche Frage" not in stranger.get(f"/e/{slug}/questions/mine").get_data(as_text=True)
    # The same attendee cookie without the question's secret is not enough either.
    with client.session_transaction() as s:
        session_copy = dict(s)
    thief = make_client()
    with thief.session_transaction() as s:
        s.update(session_copy)
    assert thief.post(f"/e/{slug}/questions/{q.id}/delete").status_code == 403
    r = client.post(f"/e/{slug}/questions/{q.id}/delete", headers=JSON)
    assert r.get_json()["ok"] is True
    with app.app_context():
        assert db.session.scalars(select(Question)).all() == []
    # The secret stays in this browser for "Undo" (tests/questions/test_undo.py); after the sweep
    # it opens nothing.
    assert secrets_of(client, slug) != ""


def test_secret_cookie_is_httponly_and_scoped_to_the_events_wall(client, event_factory):
    slug, _ = event_factory()
    r = ask(client, slug, "Wo ist die Garderobe?")
    header = r.headers["Set-Cookie"]
    assert header.startswith("q_secrets=") and "HttpOnly" in header and f"Path=/e/{slug}/questions" in header


# --- upvotes ----------------------------------------------------------------------------


def test_upvote_toggles_once_per_attendee(app, client, make_client, event_factory, socket_client):
    slug, _ = event_factory()
    ask(client, slug, "Gibt es WLAN?")
    q = only_question(app)
    listener = make_client()
    listener.get(f"/e/{slug}")
    sock = socket_client(listener, slug)
    sock.get_received()
    url = f"/e/{slug}/questions/{q.id}/vote"
    voter, other = make_client(), make_client()
    assert voter.post(url, data={"on": "1"}, headers=JSON).get_json() == {
        "ok": True,
        "message": "You said “Me too”.",
        "voted": True,
        "question_id": q.id,
    }
    voter.post(url, data={"on": "1"})  # a re-sent upvote counts once
    other.post(url, data={"on": "1"})

    def votes():
        return client.get(f"/api/v1/events/{slug}").get_json()["questions"][0]["votes"]

    assert votes() == 2
    with app.app_context():
        realtime.flush()
    tallies = tallies_of(sock.get_received())
    assert tallies == [{"kind": "questions", "counts": {str(q.id): 2}}]
    voter.post(url, data={"on": "0"})
    voter.post(url, data={"on": "0"})
    assert votes() == 1


def test_my_upvote_is_shown_to_me_but_never_in_the_shared_partial(app, client, make_client, event_factory):
    slug, _ = event_factory()
    ask(client, slug, "Wann ist Mittag?")
    q = only_question(app)
    client.post(f"/e/{slug}/questions/{q.id}/vote", data={"on": "1"})
    mine = wall_html(client, slug)
    assert f'data-my-question-votes="{q.id}"' in mine and 'aria-pressed="true"' in mine
    shared = live(client, slug)
    assert 'aria-pressed="false"' in shared and 'aria-pressed="true"' not in shared
    assert 'aria-pressed="true"' not in wall_html(make_client(), slug)


def test_shared_partial_is_the_same_for_every_viewer(app, client, make_client, event_factory):
    slug, _ = event_factory()
    ask(client, slug, "Was ist ein Pitch?")
    q = only_question(app)
    client.post(f"/e/{slug}/questions/{q.id}/vote", data={"on": "1"})
    stranger = make_client()
    at = time.time()
    renders = [c.get(f"/e/{slug}/live/questions?at={at}").get_data(as_text=True) for c in (client, stranger)]
    fresh = stranger.get(f"/e/{slug}/live/questions?fresh=1").get_data(as_text=True)
    assert renders[0] == renders[1] == fresh
    assert "csrf_token" not in fresh and "Your questions" not in fresh


def test_sorting_by_top_and_new(app, client, make_client, event_factory):
    slug, _ = event_factory()
    ask(client, slug, "Erste Frage, viele Stimmen")
    ask(client, slug, "Zweite Frage, neu")
    with app.app_context():
        first = db.session.scalar(select(Question.id).order_by(Question.id))
    for _ in range(2):
        make_client().post(f"/e/{slug}/questions/{first}/vote", data={"on": "1"})
    viewer = make_client()
    top = wall_html(viewer, slug)
    new = wall_html(viewer, slug, sort="new")
    assert top.index("Erste Frage") < top.index("Zweite Frage")
    assert new.index("Zweite Frage") < new.index("Erste Frage")
    live_new = live(client, slug, sort="new")
    assert live_new.index("Zweite Frage") < live_new.index("Erste Frage")


# --- moderation ---------------------------------------------------------------------------


def test_moderation_is_for_facilitators_only(app, client, facilitator, event_factory, make_client):
    fac, slug = facilitator
    ask(client, slug, "Darf ich Fotos machen?")
    q = only_question(app)
    for action in ("hide", "answer", "pin", "approve"):
        assert client.post(f"/e/{slug}/questions/{q.id}/moderate", data={"decision": action}).status_code == 403
    assert client.post(f"/e/{slug}/facilitate/questions", data={"report_threshold": "1"}).status_code == 403
    assert client.get(f"/e/{slug}/live/questionsmod").status_code == 403
    assert client.post(f"/e/{slug}/questions/{q.id}/session").status_code == 403
    other_slug, other_key = event_factory("Anderes Camp")
    other_fac = make_client()
    other_fac.get(f"/e/{other_slug}/f/{other_key}")
    assert other_fac.post(f"/e/{slug}/questions/{q.id}/moderate", data={"decision": "hide"}).status_code == 403
    assert fac.post(f"/e/{slug}/questions/{q.id}/moderate", data={"decision": "explode"}).status_code == 400
    q = only_question(app)
    assert (q.status, q.answered, q.pinned) == ("visible", False, False)
    assert "Hide" not in wall_html(client, slug) and "Hide" in wall_html(fac, slug)


def test_facilitator_hides_restores_answers_and_pins(app, client, facilitator, socket_client, make_client):
    fac, slug = facilitator
    ask(client, slug, "Wer moderiert die Abschlussrunde?")
    ask(client, slug, "Gibt es Kaffee?")
    with app.app_context():
        q1, q2 = db.session.scalars(select(Question.id).order_by(Question.id)).all()
    phone = make_client()
    phone.get(f"/e/{slug}")
    sock = socket_client(phone, slug)
    sock.get_received()

    def mod(qid, action):
        r = fac.post(f"/e/{slug}/questions/{qid}/moderate", data={"decision": action}, headers=JSON)
        assert r.status_code == 200 and r.get_json()["ok"] is True

    mod(q1, "hide")
    assert "questions" in changes(sock)
    assert "Abschlussrunde" not in live(phone, slug)
    assert [q["id"] for q in phone.get(f"/api/v1/events/{slug}").get_json()["questions"]] == [q2]
    assert "Abschlussrunde" in live(fac, slug, "questionsmod")
    mod(q1, "restore")
    assert "Abschlussrunde" in live(phone, slug)

    mod(q2, "answer")
    shared = live(phone, slug)
    answered = shared[shared.index('<details class="qw-answered"') :]
    assert "Answered (1)" in answered and "Gibt es Kaffee?" in answered and "Abschlussrunde" not in answered
    assert phone.get(f"/api/v1/events/{slug}").get_json()["questions"][1]["status"] == "answered"

    fac.post(f"/e/{slug}/facilitate/projector", data={"mode": "wall"})
    mod(q1, "pin")
    wall = live(phone, slug, "qwall")
    assert "Pinned question" in wall and "Abschlussrunde" in wall[: wall.index("</section>")]
    mod(q2, "pin")  # one pinned question at a time
    with app.app_context():
        assert dict(db.session.execute(select(Question.id, Question.pinned)).all()) == {q1: False, q2: True}
    mod(q2, "hide")  # hiding takes it off the projector
    assert "Pinned question" not in live(phone, slug, "qwall")


def test_premoderation_shows_question_only_after_approval(app, client, facilitator, make_client, socket_client):
    fac, slug = facilitator
    set_settings(fac, slug, premoderation=True)
    other = make_client()
    other.get(f"/e/{slug}")
    sock = socket_client(other, slug)
    sock.get_received()
    r = ask(client, slug, "Ist Barcamp wie eine Konferenz?", headers=JSON)
    assert r.get_json()["status"] == "pending"
    assert "waiting for approval" in r.get_json()["message"]
    assert sock.get_received() == []  # attendees hear nothing of a pending question
    mine = client.get(f"/e/{slug}/questions/mine").get_data(as_text=True)
    assert "Ist Barcamp wie eine Konferenz?" in mine and "Waiting for approval" in mine
    assert "Konferenz" not in wall_html(other, slug)
    assert "Konferenz" not in live(other, slug)
    assert other.get(f"/api/v1/events/{slug}").get_json()["questions"] == []
    moderation = wall_html(fac, slug)
    assert "Waiting for approval (1)" in moderation and "Konferenz" in moderation
    q = only_question(app)
    fac.post(f"/e/{slug}/questions/{q.id}/moderate", data={"decision": "approve"})
    assert "questions" in changes(sock)
    assert "Konferenz" in live(other, slug)
    assert "On the wall" in client.get(f"/e/{slug}/questions/mine").get_data(as_text=True)


def test_rejected_question_tells_its_author(app, client, facilitator):
    fac, slug = facilitator
    set_settings(fac, slug, premoderation=True)
    ask(client, slug, "Spam spam spam")
    fac.post(f"/e/{slug}/questions/{only_question(app).id}/moderate", data={"decision": "reject"})
    assert "Hidden by the facilitators" in client.get(f"/e/{slug}/questions/mine").get_data(as_text=True)
    assert "Spam" not in live(client, slug)


def test_reports_hide_a_question_at_the_threshold_until_reviewed(app, client, facilitator, make_client):
    fac, slug = facilitator
    set_settings(fac, slug, threshold=2)
    ask(client, slug, "Unfreundliche Frage")
    q = only_question(app)
    first, second = make_client(), make_client()
    url = f"/e/{slug}/questions/{q.id}/report"
    assert first.post(url, headers=JSON).get_json()["ok"] is True
    first.post(url)  # one report per attendee
    assert only_question(app).status == "visible"
    second.post(url)
    assert only_question(app).status == "hidden"
    assert "Unfreundliche" not in live(first, slug)
    moderation = live(fac, slug, "questionsmod")
    assert "Reported, hidden until you review them (1)" in moderation and "Reported 2×" in moderation
    assert "1 reported and hidden until you review them." in fac.get(f"/e/{slug}/facilitate").get_data(as_text=True)
    fac.post(f"/e/{slug}/questions/{q.id}/moderate", data={"decision": "restore"})
    assert only_question(app).status == "visible"
    with app.app_context():
        assert db.session.scalars(select(QuestionReport)).all() == []  # reviewed: reports settled
    first.post(url)
    assert only_question(app).status == "visible"


def test_settings_form_refuses_bad_threshold(app, facilitator):
    fac, slug = facilitator
    r = fac.post(f"/e/{slug}/facilitate/questions", data={"report_threshold": "0"}, follow_redirects=True)
    assert "Between 1 and 100." in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Event.report_threshold)) == 3


# --- question to pitch ----------------------------------------------------------------------


def test_facilitator_turns_question_into_pitch_that_it_links_to(app, client, facilitator, socket_client):
    fac, slug = facilitator
    text = "Könnte jemand erklären, wie man ein Barcamp selbst organisiert? " * 3
    ask(client, slug, text)
    q = only_question(app)
    sock = socket_client(client, slug)
    sock.get_received()
    r = fac.post(f"/e/{slug}/questions/{q.id}/session", headers=JSON)
    pitch_id = r.get_json()["pitch_id"]
    with app.app_context():
        pitch = db.session.get(Pitch, pitch_id)
        assert pitch.status == "active" and pitch.attendee_id is None and pitch.host_name == ""
        assert len(pitch.title) <= 120 and pitch.title.startswith("Könnte jemand erklären")
        assert pitch.description == text.strip()
        assert db.session.get(Question, q.id).promoted_pitch_id == pitch_id
    assert {"pitches", "questions"} <= set(changes(sock))
    assert f"#pitch-{pitch_id}" in live(client, slug)
    assert client.get(f"/api/v1/events/{slug}").get_json()["questions"][0]["promoted_to_pitch"] == pitch_id
    # Doing it again does not make a second pitch.
    assert fac.post(f"/e/{slug}/questions/{q.id}/session", headers=JSON).get_json()["pitch_id"] == pitch_id


def test_attendees_may_promote_a_question_once_it_is_highly_upvoted(app, client, make_client, event_factory):
    app.config["QUESTION_PROMOTE_VOTES"] = 2
    slug, _ = event_factory()
    ask(client, slug, "Wer hat Lust auf eine Session zu Open Data?")
    q = only_question(app)
    url = f"/e/{slug}/questions/{q.id}/session"
    make_client().post(f"/e/{slug}/questions/{q.id}/vote", data={"on": "1"})
    assert "This deserves a session" not in live(client, slug)
    assert client.post(url).status_code == 403
    make_client().post(f"/e/{slug}/questions/{q.id}/vote", data={"on": "1"})
    assert "This deserves a session" in live(client, slug)
    assert client.post(url).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Pitch.title)) == "Wer hat Lust auf eine Session zu Open Data?"


# --- session walls and live updates ------------------------------------------------------------


def test_session_wall_holds_only_that_sessions_questions(app, client, make_client, event_factory):
    slug, _ = event_factory()
    pitch_id = make_pitch(app, slug)
    ask(client, slug, "Allgemeine Frage zum Tag")
    r = ask(client, slug, "Brauche ich Vorwissen?", pitch=pitch_id)
    assert r.headers["Location"].endswith(f"/e/{slug}/questions?pitch={pitch_id}#mine")
    viewer = make_client()
    session_wall = wall_html(viewer, slug, pitch=pitch_id)
    assert "Questions about “Kubernetes für Einsteiger”" in session_wall
    assert "Brauche ich Vorwissen?" in session_wall and "Allgemeine Frage" not in session_wall
    assert f'name="pitch" type="hidden" value="{pitch_id}"' in session_wall
    assert f"/live/questions?pitch={pitch_id}" in session_wall
    shared = live(client, slug, pitch=pitch_id)
    assert "Brauche ich Vorwissen?" in shared and "Allgemeine Frage" not in shared
    assert "Allgemeine Frage" in live(client, slug)  # the variants are cached apart
    event_wall = wall_html(viewer, slug)
    assert "Allgemeine Frage" in event_wall and "Brauche ich Vorwissen?" not in event_wall
    other_slug, _ = event_factory("Other camp")
    assert client.get(f"/e/{other_slug}/questions?pitch={pitch_id}").status_code == 404
    assert ask(client, other_slug, "Fremde Session?", pitch=pitch_id).status_code == 404


def test_new_question_reaches_open_pages_without_reload(app, client, make_client, event_factory, socket_client):
    slug, _ = event_factory()
    viewer = make_client()
    viewer.get(f"/e/{slug}/questions")
    sock = socket_client(viewer, slug)
    sock.get_received()
    ask(client, slug, "Was heißt Unkonferenz?")
    assert "questions" in changes(sock)


def test_wall_tab_and_german_translation(client, event_factory):
    slug, _ = event_factory()
    html = client.get(f"/e/{slug}/questions", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert f'href="/e/{slug}/questions" aria-current="page"' in html
    assert "Frag einfach" in html and "Anonym fragen" in html


# --- rate limiting --------------------------------------------------------------------------------


@pytest.fixture
def limited_app(database_url):
    """The app with rate limiting on (counters in this process's memory, as deployed)."""
    from barcamp import create_app
    from barcamp.core.ratelimits import limiter

    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": True,
            "SECRET_KEY": "test",
            "SERVER_NAME": "barcamp.test",
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
        limiter.reset()
    yield app
    with app.app_context():
        limiter.reset()
        db.session.remove()
        db.engine.dispose()


def test_posting_too_fast_returns_429_with_a_readable_page(limited_app, caplog):
    from barcamp.events.domain import create_event

    with limited_app.app_context():
        slug = create_event("Limit Camp")[0].slug
    caplog.set_level(logging.INFO)
    phone = limited_app.test_client()
    phone.environ_base.update(REMOTE_ADDR=IP, HTTP_USER_AGENT=UA)
    phone.get(f"/e/{slug}/questions")
    for i in range(5):
        assert ask(phone, slug, f"Frage Nummer {i}").status_code == 302
    r = ask(phone, slug, "Meine sechste Frage")
    html = r.get_data(as_text=True)
    assert r.status_code == 429
    assert "Please wait a minute" in html and ">\r\nMeine sechste Frage</textarea>" in html
    r = ask(phone, slug, "Noch eine", headers=JSON)
    assert r.status_code == 429 and "Please wait a minute" in r.get_json()["error"]
    neighbour = limited_app.test_client()
    neighbour.environ_base.update(REMOTE_ADDR=IP)
    neighbour.get(f"/e/{slug}/questions")
    assert ask(neighbour, slug, "Eine andere Person, gleiches WLAN").status_code == 302
    with phone.session_transaction() as s:
        bid = s["bid"]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert IP not in logged and UA not in logged and bid not in logged
    with limited_app.app_context():
        assert db.session.scalar(select(sa.func.count(Question.id))) == 6


# --- demo ---------------------------------------------------------------------------------------


def test_demo_event_has_about_15_questions_in_german_and_english(app, client):
    from barcamp.demo import load_demo

    with app.app_context():
        load_demo()
    questions = client.get("/api/v1/events/demo").get_json()["questions"]
    texts = " ".join(q["text"] for q in questions)
    assert 14 <= len(questions) <= 18
    assert sum(q["status"] == "answered" for q in questions) >= 3
    assert sum(q["pinned"] for q in questions) == 1
    assert "Session" in texts and " ich " in texts and " the " in texts
    assert any(q["promoted_to_pitch"] for q in questions) and any(q["session"] for q in questions)
    assert all(q["votes"] > 0 for q in questions)
    wall = client.get("/e/demo/questions").get_data(as_text=True)
    assert "Darf ich eine Session anbieten" in wall and "Answered (" in wall


def test_question_news_reaches_only_pages_that_show_questions(app, client, make_client, event_factory, socket_client):
    """Phones on the pitch list are not sent question upvotes; the wall and the projector are."""
    slug, _ = event_factory()
    ask(client, slug, "Wo ist Raum 2?")
    q = only_question(app)
    on_pitch_list, on_wall = make_client(), make_client()
    for phone in (on_pitch_list, on_wall):
        phone.get(f"/e/{slug}")
    home_sock = socket_client(on_pitch_list, slug, topics="pitches,votes,grid")
    wall_sock = socket_client(on_wall, slug, topics="questions")
    for sock in (home_sock, wall_sock):
        sock.get_received()

    make_client().post(f"/e/{slug}/questions/{q.id}/vote", data={"on": "1"})
    ask(client, slug, "Gibt es Kaffee?")
    with app.app_context():
        realtime.flush()

    heard_at_home = [m["name"] for m in home_sock.get_received()]
    heard_at_wall = [
        (m["name"], m["args"][0].get("kind") or m["args"][0].get("what")) for m in wall_sock.get_received()
    ]
    assert heard_at_home == []
    assert ("tally", "questions") in heard_at_wall and ("changed", "questions") in heard_at_wall
