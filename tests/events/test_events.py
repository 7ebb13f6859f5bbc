"""Foundation: creating, joining, the facilitator console and its forms, languages."""

import re

from sqlalchemy import select

from barcamp.core.extensions import db
from barcamp.models import Event, Room
from tests.support.env import SOON


def test_create_event_form_yields_working_attendee_and_facilitator_links(client, make_client):
    r = client.post(
        "/",
        data={
            "new-name": "Barcamp Köln",
            "new-hashtag": "#bck",
            "new-timezone": "Europe/Berlin",
            "new-first_day": SOON,
        },
        follow_redirects=True,
    )
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    attendee = re.search(r'id="attendee-link" href="([^"]+)"', html).group(1)
    fac = re.search(r'id="facilitator-link" href="([^"]+)"', html).group(1)
    assert attendee == "/e/barcamp-koln"
    other = make_client()
    assert other.get(attendee).status_code == 200
    assert other.get("/e/barcamp-koln/facilitate").status_code == 403
    assert other.get(fac).status_code == 302
    assert other.get("/e/barcamp-koln/facilitate").status_code == 200


def test_a_long_event_name_gives_a_slug_without_a_dangling_hyphen(client):
    name = "Barcamp Rhein-Main 2027: das Unkonferenz-Wochenend für alle"  # a word ends at character 49
    r = client.post("/", data={"new-name": name, "new-timezone": "UTC", "new-first_day": SOON}, follow_redirects=True)
    link = re.search(r'id="attendee-link" href="/e/([^"]+)"', r.get_data(as_text=True)).group(1)
    assert link == "barcamp-rhein-main-2027-das-unkonferenz-wochenend"
    assert client.get(f"/e/{link}").status_code == 200


def test_created_event_has_hashed_key_and_join_code(app, client):
    client.post("/", data={"new-name": "BC", "new-timezone": "UTC", "new-first_day": SOON})
    with app.app_context():
        event = db.session.scalar(select(Event))
        assert len(event.join_code) == 6
        assert event.hashtag is None
    r = client.post("/join", data={"join-code": event.join_code.lower()})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/e/{event.slug}")


def test_join_with_unknown_code_says_so_and_keeps_it(client):
    r = client.post("/join", data={"join-code": "NOPE42"})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "No event has this code" in html and 'value="NOPE42"' in html


def test_create_event_with_empty_name_keeps_typed_values(client):
    r = client.post(
        "/",
        data={"new-name": "   ", "new-hashtag": "mytag", "new-timezone": "Mars/Base", "new-first_day": SOON},
    )
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "Please give the event a name." in html
    assert "Unknown time zone" in html
    assert 'value="mytag"' in html and 'value="Mars/Base"' in html


def test_unknown_or_absurd_time_zones_are_refused_by_every_form_with_a_message(app, facilitator, client):
    r = client.post("/", data={"new-name": "TZ", "new-timezone": "A" * 300, "new-first_day": SOON})
    assert r.status_code == 400 and "Unknown time zone" in r.get_data(as_text=True)
    fac, slug = facilitator
    for zone in ("Mars/Olympus", "Europe", "../../etc/passwd", "B" * 300):
        r = fac.post(f"/e/{slug}/facilitate/event", data={"event-name": "TZ", "event-timezone": zone})
        assert r.status_code == 400 and "Unknown time zone" in r.get_data(as_text=True), zone
    assert (
        fac.post(f"/e/{slug}/facilitate/event", data={"event-name": "TZ", "event-timezone": "Asia/Tokyo"}).status_code
        == 302
    )
    assert client.get(f"/api/v1/events/{slug}").get_json()["timezone"] == "Asia/Tokyo"


def test_an_event_stored_with_an_unknown_zone_still_renders_in_utc(app, facilitator, client):
    fac, slug = facilitator
    with app.app_context():
        db.session.scalar(select(Event).where(Event.slug == slug)).timezone = "Mars/Olympus"
        db.session.commit()
    for url in (f"/api/v1/events/{slug}", f"/e/{slug}/grid", f"/e/{slug}/grid.ics", f"/e/{slug}"):
        assert client.get(url).status_code == 200, url
    assert fac.get(f"/e/{slug}/facilitate").status_code == 200


def test_console_refuses_attendee_and_other_events_facilitator(client, facilitator, event_factory, make_client):
    fac_client, slug = facilitator
    assert client.get(f"/e/{slug}").status_code == 200  # attendee
    assert client.get(f"/e/{slug}/facilitate").status_code == 403
    assert client.post(f"/e/{slug}/facilitate/rooms", data={"room-name": "X", "room-capacity": "5"}).status_code == 403
    other_slug, other_key = event_factory("Other camp")
    other = make_client()
    other.get(f"/e/{other_slug}/f/{other_key}")
    assert other.get(f"/e/{other_slug}/facilitate").status_code == 200
    assert other.get(f"/e/{slug}/facilitate").status_code == 403
    assert other.post(f"/e/{slug}/facilitate/rooms", data={"room-name": "X", "room-capacity": "5"}).status_code == 403
    assert fac_client.get(f"/e/{slug}/facilitate").status_code == 200


def test_wrong_facilitator_key_is_refused(client, event_factory):
    slug, key = event_factory()
    assert client.get(f"/e/{slug}/f/{key}x").status_code == 403
    assert client.get(f"/e/{slug}/facilitate").status_code == 403


def test_room_form_errors_are_shown_and_input_kept(facilitator):
    c, slug = facilitator
    r = c.post(f"/e/{slug}/facilitate/rooms", data={"room-name": "", "room-capacity": "0", "room-location": "Upstairs"})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "Please name the room." in html and "Capacity must be between 1 and 100,000." in html
    assert 'value="Upstairs"' in html
    r = c.post(f"/e/{slug}/facilitate/rooms", data={"room-name": "Aula", "room-capacity": "lots"})
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and "as a number" in html and 'value="Aula"' in html


def test_slot_form_refuses_end_before_start_and_overlaps(app, facilitator):
    c, slug = facilitator
    with app.app_context():
        day_id = db.session.scalar(select(Event).where(Event.slug == slug)).days[0].id
    base = {"slot-day": day_id, "slot-kind": "session", "slot-label": ""}
    r = c.post(f"/e/{slug}/facilitate/slots", data={**base, "slot-starts_at": "11:00", "slot-ends_at": "10:00"})
    assert r.status_code == 400 and "The end must be after the start." in r.get_data(as_text=True)
    assert (
        c.post(
            f"/e/{slug}/facilitate/slots", data={**base, "slot-starts_at": "10:00", "slot-ends_at": "11:00"}
        ).status_code
        == 302
    )
    r = c.post(
        f"/e/{slug}/facilitate/slots",
        data={**base, "slot-starts_at": "10:30", "slot-ends_at": "11:30", "slot-label": "Clash"},
    )
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and "overlaps the slot 10:00–11:00" in html and 'value="Clash"' in html
    assert (
        c.post(
            f"/e/{slug}/facilitate/slots", data={**base, "slot-starts_at": "11:00", "slot-ends_at": "12:00"}
        ).status_code
        == 302
    )


def test_snapshot_reflects_edits(app, facilitator, client):
    c, slug = facilitator
    c.post(f"/e/{slug}/facilitate/rooms", data={"room-name": "Aula", "room-capacity": "80", "room-location": "EG"})
    with app.app_context():
        room_id = db.session.scalar(select(Room.id))
    c.post(
        f"/e/{slug}/facilitate/rooms/{room_id}",
        data={f"room{room_id}-name": "Aula Magna", f"room{room_id}-capacity": "90"},
    )
    c.post(
        f"/e/{slug}/facilitate/event",
        data={"event-name": "Renamed", "event-hashtag": "#new", "event-timezone": "Europe/Vienna"},
    )
    data = client.get(f"/api/v1/events/{slug}").get_json()
    assert data["name"] == "Renamed" and data["hashtag"] == "new" and data["timezone"] == "Europe/Vienna"
    assert data["rooms"] == [{"id": room_id, "name": "Aula Magna", "capacity": 90, "location": ""}]
    c.post(f"/e/{slug}/facilitate/rooms/{room_id}/delete")
    assert client.get(f"/api/v1/events/{slug}").get_json()["rooms"] == []


def test_rotating_a_facilitator_link_revokes_it(app, facilitator, make_client, event_factory):
    c, slug = facilitator
    helper = make_client()
    c.post(f"/e/{slug}/facilitate/links", data={"label": "Co"})
    with c.session_transaction() as s:
        flashes = s["_flashes"]
    invite = [m for cat, m in flashes if cat == "link"][0]
    assert helper.get(invite.replace("http://barcamp.test", "")).status_code == 302
    assert helper.get(f"/e/{slug}/facilitate").status_code == 200
    from barcamp.models import FacilitatorLink

    with app.app_context():
        link_id = db.session.scalars(select(FacilitatorLink.id).where(FacilitatorLink.label == "Co")).one()
    assert c.post(f"/e/{slug}/facilitate/links/{link_id}/rotate").status_code == 302
    assert helper.get(f"/e/{slug}/facilitate").status_code == 403
    assert helper.get(invite.replace("http://barcamp.test", "")).status_code == 403


def test_german_and_english_both_render(client, event_factory):
    slug, _ = event_factory()
    de = client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9"}).get_data(as_text=True)
    assert 'lang="de"' in de and "Veranstaltung erstellen" in de
    en = client.get("/", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert 'lang="en"' in en and "Create an event" in en
    client.get("/lang/de?next=/")
    assert "Veranstaltung erstellen" in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_socket_client_joins_event_room_and_hears_room_rename(facilitator, client, socket_client):
    c, slug = facilitator
    client.get(f"/e/{slug}")
    phone = socket_client(client, slug)
    assert phone.is_connected()
    c.post(f"/e/{slug}/facilitate/rooms", data={"room-name": "Aula", "room-capacity": "80"})
    received = phone.get_received()
    assert "rooms" in [m["args"][0]["what"] for m in received if m["name"] == "changed"]


def test_socket_connect_to_unknown_event_is_refused(client, socket_client):
    sc = socket_client(client, "no-such-event")
    assert not sc.is_connected()


def test_qr_code_is_svg_with_join_url(client, event_factory):
    slug, _ = event_factory()
    r = client.get(f"/e/{slug}/qr.svg")
    svg = r.get_data(as_text=True)
    assert r.status_code == 200 and r.mimetype == "image/svg+xml"
    assert 'xmlns="http://www.w3.org/2000/svg"' in svg and "<path" in svg


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_rotating_own_link_keeps_this_browser_but_revokes_the_old_link(app, make_client, event_factory):
    from barcamp.models import FacilitatorLink

    slug, key = event_factory()
    c = make_client()
    c.get(f"/e/{slug}/f/{key}")
    with app.app_context():
        link_id = db.session.scalar(select(FacilitatorLink.id))
    assert c.post(f"/e/{slug}/facilitate/links/{link_id}/rotate").status_code == 302
    assert c.get(f"/e/{slug}/facilitate").status_code == 200
    assert make_client().get(f"/e/{slug}/f/{key}").status_code == 403


def test_facilitator_sees_only_the_first_timer_count(facilitator, make_client):
    fac, slug = facilitator
    for name, first in (("Kim", True), ("Lou", True), ("Max", False)):
        c = make_client()
        c.post(f"/e/{slug}/me", data={"display_name": name, **({"first_timer": "y"} if first else {})})
    html = fac.get(f"/e/{slug}/facilitate").get_data(as_text=True)
    assert "2 attendees said it is their first barcamp." in html
    assert "Kim" not in html and "Lou" not in html
