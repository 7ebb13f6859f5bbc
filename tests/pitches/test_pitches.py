"""Pitching: the form, editing and withdrawing with the right permissions, merging, spotlight."""

import pytest
from sqlalchemy import func, select

from barcamp.core import realtime
from barcamp.core.extensions import db
from barcamp.models import Event, Pitch, Vote


def pitch_data(**overrides):
    data = {
        "title": "Intro to Rust",
        "description": "",
        "host_name": "Anna",
        "tags": "rust, programming",
        "level": "beginner",
        "format": "talk",
        "language": "en",
    }
    data.update(overrides)
    return data


def pitch_ids(app, slug):
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        return db.session.scalars(select(Pitch.id).where(Pitch.event_id == event.id).order_by(Pitch.id)).all()


def test_pitch_form_prefills_host_from_display_name(client, event_factory):
    slug, _ = event_factory()
    client.post(f"/e/{slug}/me", data={"display_name": "Zoë"})
    html = client.get(f"/e/{slug}/pitch").get_data(as_text=True)
    assert 'name="host_name" type="text" value="Zoë"' in html


def test_pitch_is_created_and_listed_with_tags(app, client, event_factory):
    slug, _ = event_factory()
    r = client.post(f"/e/{slug}/pitch", data=pitch_data(tags="Rust, #programming, rust"))
    assert r.status_code == 302
    html = client.get(f"/e/{slug}").get_data(as_text=True)
    assert "Intro to Rust" in html and "#rust" in html and "#programming" in html
    data = client.get(f"/api/v1/events/{slug}").get_json()
    [p] = data["pitches"]
    assert p["title"] == "Intro to Rust" and p["tags"] == ["programming", "rust"] and p["votes"] == 0
    assert p["level"] == "beginner" and p["format"] == "talk" and p["language"] == "en" and p["status"] == "active"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Please give your session a title."),
        ({"title": "   \t  "}, "Please give your session a title."),
        ({"title": "x" * 121}, "At most 120 characters"),
        ({"description": "d" * 2001}, "At most 2,000 characters"),
        ({"tags": "a, b, c, d, e, f"}, "At most 5 tags"),
        ({"level": "expert"}, "Not a valid choice"),
    ],
)
def test_pitch_validation_shows_error_and_keeps_input(app, client, event_factory, overrides, message):
    slug, _ = event_factory()
    data = pitch_data(description="Keep me", **{k: v for k, v in overrides.items() if k != "description"})
    if "description" in overrides:
        data["description"] = overrides["description"]
    r = client.post(f"/e/{slug}/pitch", data=data)
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert message in html
    if "description" not in overrides:
        assert "Keep me</textarea>" in html
    assert pitch_ids(app, slug) == []


def test_pitch_json_validation_error(client, event_factory):
    slug, _ = event_factory()
    r = client.post(f"/e/{slug}/pitch", data=pitch_data(title=""), headers={"Accept": "application/json"})
    assert r.status_code == 400 and "title" in r.get_json()["fields"]


def test_resent_pitch_with_same_client_id_is_stored_once(app, client, event_factory):
    slug, _ = event_factory()
    for _ in range(3):
        assert client.post(f"/e/{slug}/pitch", data=pitch_data(client_id="abc123")).status_code == 302
    assert len(pitch_ids(app, slug)) == 1
    # An old form (the back button) with another pitch in it: that is a new pitch, not lost.
    other = pitch_data(client_id="abc123", title="Something else entirely")
    assert client.post(f"/e/{slug}/pitch", data=other).status_code == 302
    assert len(pitch_ids(app, slug)) == 2


def test_author_can_edit_and_withdraw_but_not_others(app, client, make_client, event_factory):
    slug, _ = event_factory()
    client.post(f"/e/{slug}/pitch", data=pitch_data())
    [pid] = pitch_ids(app, slug)
    stranger = make_client()
    stranger.get(f"/e/{slug}")
    assert stranger.get(f"/e/{slug}/pitches/{pid}/edit").status_code == 403
    assert stranger.post(f"/e/{slug}/pitches/{pid}/edit", data=pitch_data(title="Hacked")).status_code == 403
    assert stranger.post(f"/e/{slug}/pitches/{pid}/withdraw").status_code == 403
    assert client.post(f"/e/{slug}/pitches/{pid}/edit", data=pitch_data(title="Rust for beginners")).status_code == 302
    assert client.get(f"/api/v1/events/{slug}").get_json()["pitches"][0]["title"] == "Rust for beginners"
    assert client.post(f"/e/{slug}/pitches/{pid}/withdraw").status_code == 302
    assert client.get(f"/api/v1/events/{slug}").get_json()["pitches"] == []
    assert "Rust for beginners" not in client.get(f"/e/{slug}").get_data(as_text=True)


def test_withdrawing_a_pitch_can_be_undone_by_its_author_with_its_votes(app, client, make_client, event_factory):
    slug, _ = event_factory()
    client.post(f"/e/{slug}/pitch", data=pitch_data(title="Rust for everyone"))
    [pid] = pitch_ids(app, slug)
    fan = make_client()
    assert fan.post(f"/e/{slug}/pitches/{pid}/vote", data={"on": "1"}).status_code == 302

    r = client.post(f"/e/{slug}/pitches/{pid}/withdraw")  # the form, without JS
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/e/{slug}?withdrawn={pid}")
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Your pitch “Rust for everyone” was withdrawn." in page
    assert f'action="/e/{slug}/pitches/{pid}/restore"' in page  # an "Undo" that needs no JS
    assert client.get(f"/api/v1/events/{slug}").get_json()["pitches"] == []
    # Someone else opening the same address is offered nothing, and may not put it back.
    assert f"/pitches/{pid}/restore" not in fan.get(f"/e/{slug}?withdrawn={pid}").get_data(as_text=True)
    assert fan.post(f"/e/{slug}/pitches/{pid}/restore").status_code == 403

    r = client.post(f"/e/{slug}/pitches/{pid}/restore")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/e/{slug}#pitch-{pid}")
    assert "Your pitch is back." in client.get(f"/e/{slug}").get_data(as_text=True)
    [p] = client.get(f"/api/v1/events/{slug}").get_json()["pitches"]
    assert p["title"] == "Rust for everyone" and p["votes"] == 1  # its vote counts again
    assert f"/pitches/{pid}/restore" not in client.get(f"/e/{slug}?withdrawn={pid}").get_data(as_text=True)

    # From the page's background request: the answer names the "Undo" URL the toast posts to.
    json = {"Accept": "application/json"}
    r = client.post(f"/e/{slug}/pitches/{pid}/withdraw", headers=json)
    assert r.get_json() == {
        "ok": True,
        "message": "Your pitch was withdrawn.",
        "undo": f"/e/{slug}/pitches/{pid}/restore",
    }
    r = client.post(r.get_json()["undo"], headers=json)
    assert r.get_json() == {"ok": True, "message": "Your pitch is back.", "id": pid}


def test_a_pitch_a_facilitator_hid_or_one_restored_during_a_flood_is_not_the_authors_way_round_review(
    app, client, facilitator
):
    fac, slug = facilitator
    json = {"Accept": "application/json"}
    client.post(f"/e/{slug}/pitch", data=pitch_data(title="Hidden one"))
    client.post(f"/e/{slug}/pitch", data=pitch_data(title="Back in a flood"))
    hidden, flooded = pitch_ids(app, slug)
    fac.post(f"/e/{slug}/pitches/{hidden}/hide")
    r = client.post(f"/e/{slug}/pitches/{hidden}/restore", headers=json)
    assert r.status_code == 409 and r.get_json() == {"error": "This pitch can't be put back."}
    assert client.post(f"/e/{slug}/pitches/{hidden}/restore").status_code == 302  # the form: told on the list

    client.post(f"/e/{slug}/pitches/{flooded}/withdraw")
    app.config["FLOOD_PER_MINUTE"] = 0  # every arrival is now part of a flood
    r = client.post(f"/e/{slug}/pitches/{flooded}/restore", headers=json)
    assert "waits for a facilitator's approval" in r.get_json()["message"]
    assert client.get(f"/api/v1/events/{slug}").get_json()["pitches"] == []
    assert "Back in a flood" in fac.get(f"/e/{slug}/live/pitchqueue").get_data(as_text=True)


def test_facilitator_can_edit_hide_and_restore(app, client, facilitator):
    fac, slug = facilitator
    client.post(f"/e/{slug}/pitch", data=pitch_data())
    [pid] = pitch_ids(app, slug)
    assert fac.post(f"/e/{slug}/pitches/{pid}/edit", data=pitch_data(title="Edited by fac")).status_code == 302
    assert client.post(f"/e/{slug}/pitches/{pid}/hide").status_code == 403
    assert fac.post(f"/e/{slug}/pitches/{pid}/hide").status_code == 302
    assert "Edited by fac" not in client.get(f"/e/{slug}").get_data(as_text=True)
    assert "Edited by fac" in fac.get(f"/e/{slug}/facilitate").get_data(as_text=True)  # listed as hidden
    fac.post(f"/e/{slug}/pitches/{pid}/hide", data={"restore": "1"})
    assert "Edited by fac" in client.get(f"/e/{slug}").get_data(as_text=True)


def test_merge_moves_votes_without_double_counting(app, facilitator, make_client):
    fac, slug = facilitator
    fac.post(f"/e/{slug}/pitch", data=pitch_data(title="Kubernetes 101"))
    fac.post(f"/e/{slug}/pitch", data=pitch_data(title="K8s for beginners", tags="k8s"))
    keep, dupe = pitch_ids(app, slug)
    both, only_dupe, only_keep = make_client(), make_client(), make_client()
    for c, ids in ((both, (keep, dupe)), (only_dupe, (dupe,)), (only_keep, (keep,))):
        for pid in ids:
            assert c.post(f"/e/{slug}/pitches/{pid}/vote", data={"on": "1"}).status_code == 302
    assert fac.post(f"/e/{slug}/pitches/merge", data={"keep": keep, "duplicate": dupe}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Vote.pitch_id == keep)) == 3
        assert db.session.scalar(select(func.count()).where(Vote.pitch_id == dupe)) == 0
        merged = db.session.get(Pitch, dupe)
        assert merged.status == "merged" and merged.merged_into_id == keep
        assert sorted(t.name for t in db.session.get(Pitch, keep).tags) == ["k8s", "programming", "rust"]
    [p] = fac.get(f"/api/v1/events/{slug}").get_json()["pitches"]
    assert p["votes"] == 3


def test_merge_refuses_same_pitch_and_non_facilitators(app, client, facilitator):
    fac, slug = facilitator
    fac.post(f"/e/{slug}/pitch", data=pitch_data())
    [pid] = pitch_ids(app, slug)
    assert client.post(f"/e/{slug}/pitches/merge", data={"keep": pid, "duplicate": pid}).status_code == 403
    fac.post(f"/e/{slug}/pitches/merge", data={"keep": pid, "duplicate": pid})
    with app.app_context():
        assert db.session.get(Pitch, pid).status == "active"


def test_spotlight_moves_through_queue_and_reaches_projector(app, client, facilitator, socket_client):
    fac, slug = facilitator
    for title in ("First", "Second", "Third"):
        fac.post(f"/e/{slug}/pitch", data=pitch_data(title=title))
    first, second, third = pitch_ids(app, slug)
    projector = socket_client(client, slug)
    projector.get_received()

    def spot(move):
        return fac.post(
            f"/e/{slug}/facilitate/spotlight", data={"move": move}, headers={"Accept": "application/json"}
        ).get_json()["pitch_id"]

    assert [spot("next"), spot("next"), spot("next"), spot("next")] == [first, second, third, third]
    assert [spot("prev"), spot("prev"), spot("prev")] == [second, first, first]
    assert client.post(f"/e/{slug}/facilitate/spotlight", data={"move": "next"}).status_code == 403
    assert any(m["args"][0]["what"] == "spotlight" for m in projector.get_received() if m["name"] == "changed")
    html = client.get(f"/e/{slug}/live/spotlight").get_data(as_text=True)
    assert "Now pitching" in html and "First" in html


def test_new_pitch_is_announced_to_the_event_room(client, make_client, event_factory, socket_client):
    slug, _ = event_factory()
    watcher = make_client()
    watcher.get(f"/e/{slug}")
    sc = socket_client(watcher, slug)
    sc.get_received()
    client.post(f"/e/{slug}/pitch", data=pitch_data(title="Live one"))
    changes = [m["args"][0] for m in sc.get_received() if m["name"] == "changed"]
    assert any(c["what"] == "pitches" and c["now"] and c["at"] > 0 for c in changes)
    assert "Live one" in watcher.get(f"/e/{slug}/live/pitches").get_data(as_text=True)


def test_pitch_queue_partial_is_for_facilitators_only(client, facilitator):
    fac, slug = facilitator
    assert client.get(f"/e/{slug}/live/pitchqueue").status_code == 403
    assert fac.get(f"/e/{slug}/live/pitchqueue").status_code == 200


def test_realtime_flush_without_changes_sends_nothing(app):
    with app.app_context():
        assert realtime.flush() == 0


def test_live_partial_is_rendered_once_per_change_and_fresh_after_it(app, make_client, event_factory):
    from barcamp.core import partials

    slug, _ = event_factory()
    a, b = make_client(), make_client()
    a.get(f"/e/{slug}")
    b.get(f"/e/{slug}")
    calls = []
    original = partials._renderers["pitches"]
    partials._renderers["pitches"] = lambda event: calls.append(1) or original(event)
    try:
        first = a.get(f"/e/{slug}/live/pitches?at=1").get_data(as_text=True)
        assert b.get(f"/e/{slug}/live/pitches?at=1").get_data(as_text=True) == first
        assert len(calls) == 1  # the second phone got the shared render
        assert 'name="csrf_token"' not in first  # no one's token in a shared render
        a.post(f"/e/{slug}/pitch", data=pitch_data(title="After the change"))
        import time

        html = b.get(f"/e/{slug}/live/pitches?at={time.time()}").get_data(as_text=True)
        assert "After the change" in html and len(calls) == 2
    finally:
        partials._renderers["pitches"] = original
