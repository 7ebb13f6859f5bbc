"""Voting: toggling, budget (also under concurrent requests), open/closed, blind mode, coalescing."""

import threading
import time

import socketio
from sqlalchemy import func, select

from barcamp.core import realtime
from barcamp.core.extensions import db
from barcamp.models import Event, Vote
from tests.support.live import tallies_of, vote_all_at_once


def make_pitches(app, slug, n):
    from barcamp.pitches.domain import create_pitch

    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        return [create_pitch(event, None, title=f"Session {i}").id for i in range(n)]


def vote(c, slug, pid, on=True):
    return c.post(
        f"/e/{slug}/pitches/{pid}/vote", data={"on": "1" if on else "0"}, headers={"Accept": "application/json"}
    )


def db_votes(app, pid=None):
    with app.app_context():
        q = select(func.count(Vote.id))
        return db.session.scalar(q.where(Vote.pitch_id == pid) if pid else q)


def settings(fac, slug, **kw):
    data = {"voting_open": "y"} if kw.pop("open", True) else {}
    if kw.get("budget") is not None:
        data["vote_budget"] = str(kw["budget"])
    if kw.get("blind"):
        data["blind_voting"] = "y"
    assert fac.post(f"/e/{slug}/facilitate/voting", data=data).status_code == 302


def test_vote_toggles_and_is_idempotent(app, client, event_factory):
    slug, _ = event_factory()
    [pid] = make_pitches(app, slug, 1)
    client.get(f"/e/{slug}")
    said = "You said you'd attend."  # the confirmation the toast shows (with "Undo")
    assert vote(client, slug, pid).get_json() == {
        "ok": True,
        "message": said,
        "voted": True,
        "votes_left": None,
        "pitch_id": pid,
    }
    assert vote(client, slug, pid).get_json()["voted"] is True  # re-sent after a dropped connection
    assert db_votes(app, pid) == 1
    off = vote(client, slug, pid, on=False).get_json()
    assert off["voted"] is False and off["message"] == "You took back “I'd attend”."
    assert vote(client, slug, pid, on=False).status_code == 200
    assert db_votes(app, pid) == 0
    assert client.get(f"/e/{slug}/votes/mine").get_json() == {
        "voted": [],
        "votes_left": None,
        "budget": None,
        "open": True,
    }


def test_vote_without_js_redirects_back_and_shows_state(app, client, event_factory):
    slug, _ = event_factory()
    [pid] = make_pitches(app, slug, 1)
    r = client.post(f"/e/{slug}/pitches/{pid}/vote", data={"on": "1"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"#pitch-{pid}")
    html = client.get(f"/e/{slug}").get_data(as_text=True)
    assert 'aria-pressed="true"' in html and 'name="on" value="0"' in html


def test_unique_constraint_enforces_one_vote_per_attendee(app, client, event_factory):
    import pytest
    from sqlalchemy.exc import IntegrityError

    slug, _ = event_factory()
    [pid] = make_pitches(app, slug, 1)
    vote(client, slug, pid)
    with app.app_context():
        attendee_id = db.session.scalar(select(Vote.attendee_id))
        db.session.add(Vote(pitch_id=pid, attendee_id=attendee_id))
        with pytest.raises(IntegrityError):
            db.session.commit()


def test_budget_refuses_clearly_when_spent_and_frees_on_take_back(app, client, facilitator):
    fac, slug = facilitator
    settings(fac, slug, budget=2)
    a, b, c = make_pitches(app, slug, 3)
    client.get(f"/e/{slug}")
    assert vote(client, slug, a).get_json()["votes_left"] == 1
    assert vote(client, slug, b).get_json()["votes_left"] == 0
    r = vote(client, slug, c)
    assert r.status_code == 409
    assert r.get_json()["error"] == "You have used all 2 of your votes. Take one back to vote here."
    assert db_votes(app, c) == 0
    assert "You have 0 of 2 votes left." in client.get(f"/e/{slug}").get_data(as_text=True)
    vote(client, slug, a, on=False)
    assert vote(client, slug, c).get_json() == {
        "ok": True,
        "message": "You said you'd attend.",
        "voted": True,
        "votes_left": 0,
        "pitch_id": c,
    }
    r = client.post(f"/e/{slug}/pitches/{b}/vote", data={"on": "0"})  # plain form works too
    assert r.status_code == 302


def test_budget_holds_under_concurrent_requests(live_server, phone_http):
    slug, fac_url = live_server.create_event("Budget Race")
    fac = phone_http()
    fac.open(fac_url.replace(live_server.url, ""))
    fac.open(f"/e/{slug}/facilitate")
    for i in range(12):
        assert fac.post(
            f"/e/{slug}/pitch", {"title": f"P{i}", "level": "everyone", "format": "talk", "language": "en"}
        ).ok
    assert fac.post(f"/e/{slug}/facilitate/voting", {"voting_open": "y", "vote_budget": "3"}, json_reply=False).ok
    pitches = [p["id"] for p in fac.http.get(f"{live_server.url}/api/v1/events/{slug}").json()["pitches"]]
    phone = phone_http()
    phone.open(f"/e/{slug}")
    results = []
    barrier = threading.Barrier(len(pitches))

    def hit(pid):
        barrier.wait()
        results.append(phone.post(f"/e/{slug}/pitches/{pid}/vote", {"on": "1"}))

    threads = [threading.Thread(target=hit, args=(pid,)) for pid in pitches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(r.status_code for r in results)
    assert codes == [200] * 3 + [409] * 9
    assert all("used all 3" in r.json()["error"] for r in results if r.status_code == 409)
    snapshot = fac.http.get(f"{live_server.url}/api/v1/events/{slug}").json()
    assert sum(p["votes"] for p in snapshot["pitches"]) == 3
    assert phone.http.get(f"{live_server.url}/e/{slug}/votes/mine").json()["votes_left"] == 0


def test_one_phone_tapping_the_same_vote_many_times_at_once_counts_once(live_server, phone_http):
    """Re-sends and double taps race each other: each must see the vote the one before it stored
    (on PostgreSQL a statement that waited for the attendee's lock must read after it), not fail."""
    slug, _fac = live_server.create_event("Double Tap Votes")
    phone = phone_http()
    phone.open(f"/e/{slug}")
    pitch = phone.post(f"/e/{slug}/pitch", {"title": "Tap", "level": "everyone", "format": "talk", "language": "en"})
    pid = pitch.json()["id"]

    def tap_at_once(on: str, taps: int = 8) -> list:
        barrier = threading.Barrier(taps)
        results = []

        def tap():
            barrier.wait()
            results.append(phone.post(f"/e/{slug}/pitches/{pid}/vote", {"on": on}))

        threads = [threading.Thread(target=tap) for _ in range(taps)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return results

    for on in ("1", "0") * 4:
        results = tap_at_once(on)
        assert [r.status_code for r in results] == [200] * 8
        assert {r.json()["voted"] for r in results} == {on == "1"}
        (entry,) = phone.http.get(f"{live_server.url}/api/v1/events/{slug}").json()["pitches"]
        assert entry["votes"] == (1 if on == "1" else 0)


def test_closed_voting_refuses_votes_and_take_backs(app, client, facilitator):
    fac, slug = facilitator
    [pid] = make_pitches(app, slug, 1)
    vote(client, slug, pid)
    settings(fac, slug, open=False)
    r = vote(client, slug, pid, on=False)
    assert r.status_code == 409 and r.get_json()["error"] == "Voting is closed right now."
    assert db_votes(app, pid) == 1
    html = client.get(f"/e/{slug}").get_data(as_text=True)
    assert "Voting is closed." in html and "disabled" in html
    settings(fac, slug, open=True)
    assert vote(client, slug, pid, on=False).get_json()["voted"] is False


def test_voting_settings_are_facilitator_only(client, facilitator):
    _, slug = facilitator
    client.get(f"/e/{slug}")
    assert client.post(f"/e/{slug}/facilitate/voting", data={}).status_code == 403


def test_blind_voting_hides_tallies_from_attendees_not_facilitators(app, client, facilitator, socket_client):
    fac, slug = facilitator
    [pid] = make_pitches(app, slug, 1)
    settings(fac, slug, blind=True)
    phone_socket = socket_client(client, slug)
    fac_socket = socket_client(fac, slug)
    for c in (phone_socket, fac_socket):
        c.get_received()
    vote(client, slug, pid)
    with app.app_context():
        realtime.flush()
    assert [m for m in phone_socket.get_received() if m["name"] == "tally"] == []
    fac_tallies = tallies_of(fac_socket.get_received())
    assert fac_tallies == [{"kind": "votes", "counts": {str(pid): 1}}]
    assert client.get(f"/api/v1/events/{slug}").get_json()["pitches"][0]["votes"] is None
    html = client.get(f"/e/{slug}").get_data(as_text=True)
    assert "Blind voting: tallies appear when voting closes." in html and 'data-tally="votes"' not in html
    assert 'data-tally="votes"' in fac.get(f"/e/{slug}/live/pitchqueue").get_data(as_text=True)
    settings(fac, slug, open=False, blind=True)  # closing voting reveals the tallies
    assert client.get(f"/api/v1/events/{slug}").get_json()["pitches"][0]["votes"] == 1


def test_many_votes_coalesce_into_one_broadcast_with_the_db_count(app, make_client, event_factory, socket_client):
    slug, _ = event_factory()
    a, b = make_pitches(app, slug, 2)
    watcher = make_client()
    watcher.get(f"/e/{slug}")
    sc = socket_client(watcher, slug)
    sc.get_received()
    voters = [make_client() for _ in range(30)]
    for i, c in enumerate(voters):
        vote(c, slug, a)
        if i % 3 == 0:
            vote(c, slug, b)
    vote(voters[0], slug, a, on=False)
    assert [m for m in sc.get_received() if m["name"] == "tally"] == []  # nothing per vote
    with app.app_context():
        assert realtime.flush() == 1
    tallies = tallies_of(sc.get_received())
    assert tallies == [{"kind": "votes", "counts": {str(a): db_votes(app, a), str(b): db_votes(app, b)}}]
    assert tallies[0]["counts"] == {str(a): 29, str(b): 10}


def test_coalescing_on_live_server_sends_few_broadcasts_and_final_tally_matches(live_server, phone_http):
    slug, fac_url = live_server.create_event("Storm")
    fac = phone_http()
    fac.open(fac_url.replace(live_server.url, ""))
    fac.post(f"/e/{slug}/pitch", {"title": "Storm pitch", "level": "everyone", "format": "talk", "language": "en"})
    pid = fac.http.get(f"{live_server.url}/api/v1/events/{slug}").json()["pitches"][0]["id"]
    listener = phone_http()
    listener.open(f"/e/{slug}")
    tallies = []
    sio = socketio.Client()
    sio.on("tally", lambda msg: tallies.append((time.monotonic(), msg)))
    sio.connect(
        f"{live_server.url}/?event={slug}", transports=["websocket"], headers={"Cookie": listener.cookie_header()}
    )
    voters = [phone_http() for _ in range(60)]
    for v in voters:
        v.open(f"/e/{slug}")
    elapsed = vote_all_at_once(voters, slug, pid)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and (not tallies or tallies[-1][1]["counts"].get(str(pid)) != 60):
        time.sleep(0.05)
    sio.disconnect()
    assert tallies[-1][1]["counts"][str(pid)] == 60
    # TALLY_INTERVAL is 0.25 s on the live server: 60 votes give a handful of broadcasts, not 60.
    assert len(tallies) <= elapsed / 0.25 + 3
    assert len(tallies) < 60


def attendees(app, slug):
    from barcamp.models import Attendee

    with app.app_context():
        return db.session.scalar(
            select(func.count(Attendee.id)).join(Event, Event.id == Attendee.event_id).where(Event.slug == slug)
        )


def test_a_first_vote_makes_its_voter_in_the_same_write_and_a_refused_one_makes_none(app, make_client, facilitator):
    fac, slug = facilitator
    [pid] = make_pitches(app, slug, 1)
    settings(fac, slug, open=False)
    phone = make_client()
    phone.get(f"/e/{slug}")
    assert vote(phone, slug, pid).status_code == 409
    assert attendees(app, slug) == 0  # looking and a refused tap leave no row

    settings(fac, slug, open=True)
    assert vote(phone, slug, pid).get_json()["voted"] is True
    assert vote(phone, slug, pid, on=False).get_json()["voted"] is False  # by the attendee its cookie now names
    assert vote(phone, slug, pid).get_json()["voted"] is True
    assert attendees(app, slug) == 1 and db_votes(app, pid) == 1
    assert phone.get(f"/e/{slug}/votes/mine").get_json()["voted"] == [pid]

    # A cookie that lost its attendee id (but kept its browser id) finds the same row again.
    with phone.session_transaction() as sess:
        sess["att"] = {}
    assert vote(phone, slug, pid, on=False).get_json()["voted"] is False
    assert attendees(app, slug) == 1 and db_votes(app, pid) == 0


def test_a_vote_on_another_events_pitch_is_a_404_and_makes_no_voter(app, make_client, event_factory):
    slug, _ = event_factory("Here Camp")
    other, _ = event_factory("There Camp")
    [theirs] = make_pitches(app, other, 1)
    phone = make_client()
    phone.get(f"/e/{slug}")
    r = vote(phone, slug, theirs)
    assert r.status_code == 404 and r.get_json()["error"] == "This pitch does not exist."
    assert attendees(app, slug) == 0 and attendees(app, other) == 0 and db_votes(app, theirs) == 0


def test_votes_follow_an_event_deleted_and_made_again_under_the_same_slug(app, make_client, event_factory):
    """The vote path remembers slug -> id; a deleted event's slug must not vote into nothing (or elsewhere)."""
    from sqlalchemy import delete as sa_delete

    from barcamp.privacy.retention import delete_event

    slug, _ = event_factory("Again Camp")
    [old_pid] = make_pitches(app, slug, 1)
    phone = make_client()
    phone.get(f"/e/{slug}")
    assert vote(phone, slug, old_pid).status_code == 200  # the process now knows the slug's id
    event_factory("Between Camp")  # so the new event gets a new id
    with app.app_context():  # deleted as another process would: this one still remembers the old id
        db.session.execute(sa_delete(Event).where(Event.slug == slug))
        db.session.commit()
    again, _ = event_factory("Again Camp")
    assert again == slug
    [new_pid] = make_pitches(app, slug, 1)
    assert vote(phone, slug, new_pid).get_json()["voted"] is True  # the old cookie's attendee id is of the gone event
    fresh = make_client()
    fresh.get(f"/e/{slug}")
    assert vote(fresh, slug, new_pid).get_json()["voted"] is True
    assert db_votes(app, new_pid) == 2 and attendees(app, slug) == 2

    with app.app_context():
        delete_event(db.session.scalar(select(Event).where(Event.slug == slug)))
    assert vote(phone, slug, new_pid).status_code == 404
