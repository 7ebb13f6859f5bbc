"""First-timer buddies over real HTTP: offering, asking (first-timers only), live matching that
prefers shared interests, either side ending it without a reason, and the console's counts."""

import re

from sqlalchemy import select

from barcamp.core.extensions import db
from barcamp.models import BuddyPair, BuddyRequest
from tests.mixer.test_mixer import JSON, attendee_id, phone


def counts(fac, slug) -> tuple[int, int]:
    html = fac.get(f"/e/{slug}/live/mixcounts?fresh=1").get_data(as_text=True)
    waiting = re.search(r'data-mix-count="waiting">(\d+)<', html).group(1)
    free = re.search(r'data-mix-count="free">(\d+)<', html).group(1)
    return int(waiting), int(free)


def buddies_html(c, slug) -> str:
    html = c.get(f"/e/{slug}/meet/mine").get_data(as_text=True)
    return html[html.index('id="buddies"') :]


def test_a_request_is_matched_live_and_both_see_each_other(app, facilitator, make_client):
    fac, slug = facilitator
    fac.post(f"/e/{slug}/facilitate/meet/points", data={"mixpoints-points": "Infotheke"})
    newcomer = phone(make_client, slug, "Neo", first_timer=True)
    assert newcomer.post(f"/e/{slug}/meet/buddy/ask", data={"on": "1"}, headers=JSON).get_json()["ok"]
    assert counts(fac, slug) == (1, 0)
    veteran = phone(make_client, slug, "Vera")
    veteran.post(f"/e/{slug}/meet/buddy/offer", data={"capacity": "2"})
    assert counts(fac, slug) == (0, 1)  # matched at once; Vera still has room for one more
    mine, theirs = buddies_html(newcomer, slug), buddies_html(veteran, slug)
    assert "Your buddy:" in mine and "Vera" in mine and "Infotheke" in mine
    assert "Your first-timer:" in theirs and "Neo" in theirs


def test_only_first_timers_ask_and_ticking_it_here_counts(app, facilitator, make_client):
    _fac, slug = facilitator
    c = phone(make_client, slug)
    r = c.post(f"/e/{slug}/meet/buddy/ask", data={"on": "1"}, headers=JSON)
    assert r.status_code == 400 and "first barcamp" in r.get_json()["error"]
    assert c.post(f"/e/{slug}/meet/buddy/ask", data={"on": "1", "first_timer": "1"}, headers=JSON).get_json()["ok"]
    with app.app_context():
        assert db.session.scalar(select(BuddyRequest.attendee_id)) == attendee_id(app, c, slug)


def test_matching_prefers_shared_interests(app, facilitator, make_client):
    fac, slug = facilitator
    fac.post(f"/e/{slug}/pitch", data={"title": "Home Assistant", "language": "en"})
    fac.post(f"/e/{slug}/pitch", data={"title": "Knitting", "language": "en"})
    from barcamp.models import Pitch

    with app.app_context():
        ha, knit = db.session.scalars(select(Pitch.id).order_by(Pitch.id)).all()
    a, b = phone(make_client, slug, "A"), phone(make_client, slug, "B")
    a.post(f"/e/{slug}/pitches/{knit}/vote", data={"on": "1"})
    b.post(f"/e/{slug}/pitches/{ha}/vote", data={"on": "1"})
    for v in (a, b):
        v.post(f"/e/{slug}/meet/buddy/offer", data={"capacity": "1"})
    n = phone(make_client, slug, "N", first_timer=True)
    n.post(f"/e/{slug}/pitches/{ha}/vote", data={"on": "1"})
    n.post(f"/e/{slug}/meet/buddy/ask", data={"on": "1"})
    with app.app_context():
        assert db.session.scalar(select(BuddyPair.buddy_id)) == attendee_id(app, b, slug)


def test_either_side_ends_it_without_a_reason_and_counts_follow(app, facilitator, make_client):
    fac, slug = facilitator
    v = phone(make_client, slug, "Vera")
    v.post(f"/e/{slug}/meet/buddy/offer", data={"capacity": "1"})
    n1, n2 = phone(make_client, slug, first_timer=True), phone(make_client, slug, first_timer=True)
    n1.post(f"/e/{slug}/meet/buddy/ask", data={"on": "1"})
    n2.post(f"/e/{slug}/meet/buddy/ask", data={"on": "1"})
    assert counts(fac, slug) == (1, 0)
    with app.app_context():
        pair_id = db.session.scalar(select(BuddyPair.id))
    # someone else can't end it
    assert n2.post(f"/e/{slug}/meet/buddy/{pair_id}/end", headers=JSON).status_code == 404
    # the newcomer ends it: the buddy is free again and is matched with the one waiting
    assert n1.post(f"/e/{slug}/meet/buddy/{pair_id}/end", headers=JSON).get_json()["ok"]
    assert counts(fac, slug) == (0, 0)
    assert "Your buddy:" in buddies_html(n2, slug) and "Your buddy:" not in buddies_html(n1, slug)
    with app.app_context():
        second = db.session.scalar(select(BuddyPair.id).where(BuddyPair.ended.is_(False)))
    # and the buddy ends the second one: never the same two again, nobody told why
    v.post(f"/e/{slug}/meet/buddy/{second}/end")
    assert counts(fac, slug) == (0, 1)
    assert "Your first-timer:" not in buddies_html(v, slug)
    dash = fac.get(f"/e/{slug}/live/mixcounts?fresh=1").get_data(as_text=True)
    assert re.search(r"Buddies matched</dt><dd>2<", dash)


def test_ending_is_told_on_the_others_own_channel_only(app, facilitator, make_client, socket_client):
    fac, slug = facilitator
    v, n, other = phone(make_client, slug), phone(make_client, slug, first_timer=True), phone(make_client, slug)
    v.post(f"/e/{slug}/meet/buddy/offer", data={"capacity": "1"})
    n.post(f"/e/{slug}/meet/buddy/ask", data={"on": "1"})
    sv, so = socket_client(v, slug, topics="mixer"), socket_client(other, slug, topics="mixer")
    sv.get_received(), so.get_received()
    with app.app_context():
        pair_id = db.session.scalar(select(BuddyPair.id))
    n.post(f"/e/{slug}/meet/buddy/{pair_id}/end")
    assert [m["args"][0] for m in sv.get_received() if m["name"] == "changed"][0]["what"] == "mixme"
    assert [m for m in so.get_received() if m["name"] == "changed"] == []
