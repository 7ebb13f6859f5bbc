""" "I can help with this" over real HTTP and Socket.IO: offers, counts, the asker's pick of a helper
and a meeting point by the question's secret only, the helper told on their own channel, and the
database-wide proof that nothing links a question to its asker after a meeting was arranged."""

import re

import pytest
from sqlalchemy import select

from barcamp.core import realtime
from barcamp.core.extensions import db
from barcamp.models import Event, HelpOffer, Question

JSON = {"Accept": "application/json"}
ASKER, HELPER, OTHER = "Quentin Quietasker", "Hanna Helper", "Otto Offer"


@pytest.fixture(autouse=True)
def _no_tally_left_behind(app):
    yield
    with app.app_context():
        realtime.flush()


def phone(make_client, slug, name):
    c = make_client()
    c.get(f"/e/{slug}")
    assert c.post(f"/e/{slug}/me", data={"display_name": name}).status_code == 302
    return c


def ids(app, c, slug) -> int:
    with c.session_transaction() as s:
        with app.app_context():
            event_id = db.session.scalar(select(Event.id).where(Event.slug == slug))
        return s["att"][str(event_id)]


def ask(c, slug, text="Wie steuere ich meine Heizung mit Home Assistant?") -> int:
    r = c.post(f"/e/{slug}/questions", data={"text": text}, headers=JSON)
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()["id"]


def offer(c, slug, qid, note=""):
    return c.post(f"/e/{slug}/questions/{qid}/help", data={"note": note}, headers=JSON)


def offer_ids(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(HelpOffer.id).order_by(HelpOffer.id)))


def helping_html(c, slug) -> str:
    return c.get(f"/e/{slug}/questions/helping").get_data(as_text=True)


def pick(c, slug, qid, offer_id, point, at, **kw):
    return c.post(f"/e/{slug}/questions/{qid}/offers/{offer_id}/pick", data={"point": point, "at": at}, **kw)


def changes(sock) -> list[str]:
    return [m["args"][0]["what"] for m in sock.get_received() if m["name"] == "changed"]


@pytest.fixture
def scene(app, facilitator, make_client):
    """An event with meeting points, an asker with a question, two helpers who offered."""
    fac, slug = facilitator
    r = fac.post(f"/e/{slug}/facilitate/meet/points", data={"mixpoints-points": "Kaffeebar\nTisch 4"})
    assert r.status_code == 302
    asker, helper, other = (phone(make_client, slug, n) for n in (ASKER, HELPER, OTHER))
    qid = ask(asker, slug)
    assert offer(helper, slug, qid, "Ich habe das zuhause laufen").status_code == 200
    assert offer(other, slug, qid).status_code == 200
    return {"fac": fac, "slug": slug, "asker": asker, "helper": helper, "other": other, "qid": qid}


def test_offers_show_as_a_count_to_everyone_and_with_notes_to_the_asker_only(app, scene, make_client):
    slug, qid = scene["slug"], scene["qid"]
    stranger = make_client()
    wall = stranger.get(f"/e/{slug}/questions").get_data(as_text=True)
    assert re.search(rf'id="q-{qid}".*?data-helpers="2">2 people can help<', wall, re.S)
    assert "Ich habe das zuhause" not in wall
    assert "Ich habe das zuhause" not in stranger.get(f"/e/{slug}/questions/mine").get_data(as_text=True)
    assert "Ich habe das zuhause" not in scene["fac"].get(f"/e/{slug}/live/questionsmod").get_data(as_text=True)
    mine = scene["asker"].get(f"/e/{slug}/questions/mine").get_data(as_text=True)
    assert "2 people can help" in mine and "“Ich habe das zuhause laufen”" in mine
    assert len(re.findall(r'action="[^"]*/offers/\d+/pick"', mine)) == 2
    assert "Kaffeebar" in mine and "Tisch 4" in mine
    # Offering again edits the note: still two offers
    assert offer(scene["other"], slug, qid, "Zigbee auch").status_code == 200
    assert len(offer_ids(app)) == 2


def test_the_asker_cannot_offer_help_on_their_own_question(app, scene):
    r = offer(scene["asker"], scene["slug"], scene["qid"])
    assert r.status_code == 409 and "your own question" in r.get_json()["error"]
    assert len(offer_ids(app)) == 2


def test_only_the_browser_with_the_secret_picks_and_the_helper_alone_is_told(app, scene, socket_client):
    slug, qid = scene["slug"], scene["qid"]
    first, second = offer_ids(app)
    hs, os_ = socket_client(scene["helper"], slug, "questions"), socket_client(scene["other"], slug, "questions")
    hs.get_received(), os_.get_received()
    data = {"point": "Kaffeebar", "at": "12:30"}
    # Anyone else, even the helper or a facilitator, is refused
    for c in (scene["helper"], scene["other"], scene["fac"]):
        r = c.post(f"/e/{slug}/questions/{qid}/offers/{first}/pick", data=data, headers=JSON)
        assert r.status_code == 403
    assert changes(hs) == [] and changes(os_) == []
    # Bad meeting points and times are refused
    asker = scene["asker"]
    bad = [{"point": "Irgendwo", "at": "12:30"}, {"point": "Kaffeebar", "at": "25:00"}]
    for form in bad:
        assert asker.post(f"/e/{slug}/questions/{qid}/offers/{first}/pick", data=form, headers=JSON).status_code == 400
    r = asker.post(f"/e/{slug}/questions/{qid}/offers/{first}/pick", data=data, headers=JSON)
    assert r.status_code == 200, r.get_data(as_text=True)
    token = f"Orange · Star · {first}" if first % 8 == 1 else None
    assert "Kaffeebar" in r.get_json()["message"] and "12:30" in r.get_json()["message"]
    # The chosen helper's own channel says so; the other helper hears only the public wall change
    assert "questionshelp" in changes(hs)
    assert "questionshelp" not in changes(os_)
    told = scene["helper"].get(f"/e/{slug}/questions/helping").get_data(as_text=True)
    assert "The asker picked you! Meet at Kaffeebar at 12:30" in told
    label = re.search(r"look for (.+?)\.<", told).group(1)
    assert label.endswith(str(first)) and (token is None or label == token)
    assert "Waiting: the asker may pick you." in helping_html(scene["other"], slug)
    mine = asker.get(f"/e/{slug}/questions/mine").get_data(as_text=True)
    assert f"Meet at Kaffeebar at 12:30. Show your token: {label}." in mine
    # Picking the other helper instead moves the meeting, and tells both helpers
    hs.get_received()
    r = pick(asker, slug, qid, second, "Tisch 4", "14:00", headers=JSON)
    assert r.status_code == 200
    assert "questionshelp" in changes(hs) and "questionshelp" in changes(os_)
    assert "picked you" not in scene["helper"].get(f"/e/{slug}/questions/helping").get_data(as_text=True)
    assert "Meet at Tisch 4 at 14:00" in scene["other"].get(f"/e/{slug}/questions/helping").get_data(as_text=True)
    # Nothing broadcast carries anything but what changed
    heard = [m["args"][0] for m in hs.get_received() + os_.get_received() if m["name"] == "changed"]
    assert all(set(m) <= {"what", "at"} for m in heard)


def test_the_pick_works_without_javascript(app, scene):
    slug, qid = scene["slug"], scene["qid"]
    first = offer_ids(app)[0]
    r = scene["asker"].post(f"/e/{slug}/questions/{qid}/offers/{first}/pick", data={"point": "Tisch 4", "at": "09:05"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/questions#mine")
    page = scene["asker"].get(f"/e/{slug}/questions").get_data(as_text=True)
    assert "Meet at Tisch 4 at 09:05" in page
    r = scene["helper"].post(f"/e/{slug}/questions/{qid}/help", data={"note": "gern"})
    assert r.status_code == 302
    assert "Meet at Tisch 4 at 09:05" in scene["helper"].get(f"/e/{slug}/questions").get_data(as_text=True)


def test_after_a_meeting_no_table_links_the_question_to_its_asker(app, scene):
    """Every row of every table, read after the meeting was arranged: the asker's attendee id
    appears in no row beside the question, its offers or the meeting; their name nowhere near it."""
    slug, qid = scene["slug"], scene["qid"]
    first = offer_ids(app)[0]
    r = pick(scene["asker"], slug, qid, first, "Kaffeebar", "12:30")
    assert r.status_code == 302
    asker_id = ids(app, scene["asker"], slug)
    helper_id = ids(app, scene["helper"], slug)
    secret = scene["asker"].get_cookie("q_secrets", domain="barcamp.test", path=f"/e/{slug}/questions").value
    with app.app_context():
        question = db.session.get(Question, qid)
        meeting = db.session.get(HelpOffer, first)
        assert meeting.chosen and meeting.helper_id == helper_id and meeting.point == "Kaffeebar"
        rows = {}
        for table in db.metadata.sorted_tables:
            rows[table.name] = [dict(row._mapping) for row in db.session.execute(table.select())]
    everything = repr(rows)
    assert secret not in everything and question.secret_hash in everything  # only its hash
    assert ASKER in everything  # the asker has a row (a name), but...
    for name, table_rows in rows.items():
        for row in table_rows:
            about_asker = asker_id in _attendee_refs(row) or (name == "attendee" and row["id"] == asker_id)
            about_question = qid in _question_refs(name, row)
            assert not (about_asker and about_question), (name, row)  # ...no row holds both
            if about_question:
                assert ASKER not in repr(row), (name, row)


def _attendee_refs(row: dict) -> set[int]:
    return {v for k, v in row.items() if k in ("attendee_id", "helper_id", "buddy_id", "newcomer_id")}


def _question_refs(name: str, row: dict) -> set[int]:
    refs = {v for k, v in row.items() if k == "question_id"}
    return refs | ({row["id"]} if name == "question" else set())


def test_offers_need_a_visible_question(app, facilitator, make_client):
    fac, slug = facilitator
    asker, helper = phone(make_client, slug, ASKER), phone(make_client, slug, HELPER)
    qid = ask(asker, slug)
    fac.post(f"/e/{slug}/questions/{qid}/moderate", data={"decision": "hide"})
    assert offer(helper, slug, qid).status_code == 409
    assert offer_ids(app) == []


def test_questions_with_many_offers_or_upvotes_are_suggested_to_facilitators_as_pitches(app, scene, make_client):
    fac, slug, qid = scene["fac"], scene["slug"], scene["qid"]
    quiet = ask(scene["asker"], slug, "Welche Steckdosen sind gut?")
    upvoted = ask(scene["asker"], slug, "Wer teilt sich ein Taxi zum Bahnhof?")
    for _ in range(3):
        voter = make_client()
        voter.get(f"/e/{slug}")
        assert voter.post(f"/e/{slug}/questions/{upvoted}/vote", data={"on": "1"}).status_code == 302
    console = fac.get(f"/e/{slug}/facilitate").get_data(as_text=True)
    section = re.search(r'<section id="question-pitches".*?</section>', console, re.S).group(0)
    assert re.findall(r'id="suggest-(\d+)"', section) == [str(upvoted), str(qid)]  # 3 votes, then 2 offers
    assert "0 “me too”, 2 offers of help" in section and str(quiet) not in re.findall(r"suggest-(\d+)", section)
    # The existing "this deserves a session" turns it into a pitch; then it is no longer suggested
    r = fac.post(f"/e/{slug}/questions/{qid}/session", headers=JSON)
    assert r.status_code == 200 and r.get_json()["pitch_id"]
    console = fac.get(f"/e/{slug}/facilitate").get_data(as_text=True)
    assert f'id="suggest-{qid}"' not in console and f'id="suggest-{upvoted}"' in console
    assert 'id="question-pitches"' not in scene["helper"].get(f"/e/{slug}/questions").get_data(as_text=True)


def test_offers_and_meetings_go_with_their_question_in_the_retention_purge(app, scene):
    import datetime as dt

    from barcamp.privacy.retention import purge_expired

    first = offer_ids(app)[0]
    assert pick(scene["asker"], scene["slug"], scene["qid"], first, "Kaffeebar", "12:30").status_code == 302
    with app.app_context():
        purge_expired(30, now=dt.datetime.now() + dt.timedelta(days=400))
    assert offer_ids(app) == []


def join_board(c, slug, name, contact, visibility="request"):
    data = {"card-display_name": name, "card-contact": contact, "card-contact_visibility": visibility}
    assert c.post(f"/e/{slug}/tips/card", data=data).status_code == 302


def share(c, slug, qid, offer_id):
    return c.post(f"/e/{slug}/questions/{qid}/offers/{offer_id}/share", headers=JSON)


def test_the_asker_shares_their_tips_card_with_one_helper_and_still_no_row_links_them_to_the_question(
    app, scene, socket_client
):
    """The second way to meet: the asker's card goes to the one helper they chose, as an ordinary
    connection request the helper accepts on the board. The offer is left untouched, and the
    database-wide check still finds no row holding both the question and its asker."""
    slug, qid = scene["slug"], scene["qid"]
    asker, helper, other = scene["asker"], scene["helper"], scene["other"]
    first, second = offer_ids(app)
    # Without a card of their own, the asker is told to make one; the helper must be on the board too
    mine = asker.get(f"/e/{slug}/questions/mine").get_data(as_text=True)
    assert "Share my tips card" not in mine
    join_board(helper, slug, HELPER, "hanna@example.org", visibility="never")
    assert "Make your own card to share it with them" in asker.get(f"/e/{slug}/questions/mine").get_data(as_text=True)
    assert share(asker, slug, qid, first).status_code == 403  # no card yet
    join_board(asker, slug, ASKER, "quentin@example.org")
    mine = asker.get(f"/e/{slug}/questions/mine").get_data(as_text=True)
    assert mine.count("Share my tips card with this helper") == 1  # only Hanna is on the board
    r = share(asker, slug, qid, second)
    assert r.status_code == 409 and "not on the tips board" in r.get_json()["error"]
    # Nobody but the asker's browser may share, not the helper nor a facilitator
    for c in (helper, other, scene["fac"]):
        assert share(c, slug, qid, first).status_code == 403
    hs, os_ = socket_client(helper, slug, "tips"), socket_client(other, slug, "tips")
    hs.get_received(), os_.get_received()
    r = share(asker, slug, qid, first)
    assert r.status_code == 200 and r.get_json()["state"] == "sent", r.get_data(as_text=True)
    # The helper alone is told, on their own channel, and finds the asker's card among their requests
    assert "tipconn" in changes(hs) and "tipconn" not in changes(os_)
    requests = helper.get(f"/e/{slug}/tips/connections").get_data(as_text=True)
    assert ASKER in requests and "quentin@example.org" not in requests  # a request, not yet a contact
    with app.app_context():
        from barcamp.models import Connection

        conn = db.session.scalar(select(Connection))
        assert conn.status == "pending"
        offer_row = db.session.get(HelpOffer, first)
        assert not offer_row.chosen and offer_row.token is None  # the share leaves no trace on the offer
    r = helper.post(f"/e/{slug}/tips/connections/{conn.id}/accept", headers=JSON)
    assert r.status_code == 200
    assert "quentin@example.org" in helper.get(f"/e/{slug}/tips/connections").get_data(as_text=True)
    assert ASKER not in other.get(f"/e/{slug}/tips/connections").get_data(as_text=True)
    # Sharing again is idempotent
    assert share(asker, slug, qid, first).get_json()["state"] == "accepted"
    asker_id = ids(app, asker, slug)
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(table.select()):
                row = dict(row._mapping)
                about_asker = asker_id in _attendee_refs(row) or (table.name == "attendee" and row["id"] == asker_id)
                assert not (about_asker and qid in _question_refs(table.name, row)), (table.name, row)
                if qid in _question_refs(table.name, row):
                    assert ASKER not in repr(row) and "quentin@example.org" not in repr(row)
