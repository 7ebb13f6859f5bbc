""" "People I met" and profile links over real HTTP: strict link validation with friendly errors,
links under the card's contact rule, only mutual consent lists a person (board, mixer, buddies),
the sessions I'd attend with room and time, saved tips, vCard and CSV, and the private link:
another browser, a tampered or foreign key never opens my page."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from sqlalchemy import select

from barcamp.core.extensions import db
from barcamp.models import CardLink, Connection, Event, MixMember, Pitch, Room, Slot, Tip, TipCard
from tests.support.vcard import parse

JSON = {"Accept": "application/json"}
DAY = dt.date.today() + dt.timedelta(days=3)  # relative to today: the event is always ahead


def phone(make_client, slug, name=""):
    c = make_client()
    c.get(f"/e/{slug}")
    assert c.post(f"/e/{slug}/me", data={"display_name": name}).status_code == 302
    return c


def join(c, slug, name, contact="", visibility="request", links=""):
    data = {
        "card-display_name": name,
        "card-contact": contact,
        "card-contact_visibility": visibility,
        "card-links": links,
    }
    return c.post(f"/e/{slug}/tips/card", data=data)


def card_id(app, name) -> int:
    with app.app_context():
        return db.session.scalar(select(TipCard.id).where(TipCard.display_name == name))


def connect(app, slug, a, b, b_name):
    """``a`` asks ``b`` to connect and ``b`` accepts: consent on both sides."""
    assert a.post(f"/e/{slug}/tips/people/{card_id(app, b_name)}/connect").status_code == 302
    with app.app_context():
        conn = db.session.scalar(select(Connection.id).where(Connection.to_card_id == card_id(app, b_name)))
    assert b.post(f"/e/{slug}/tips/connections/{conn}/accept").status_code == 302


def people(c, slug, **query) -> str:
    r = c.get(f"/e/{slug}/people", query_string=query)
    assert r.status_code == 200
    return r.get_data(as_text=True)


def my_section(html: str) -> str:
    return html.split('id="people-h"', 1)[1].split('id="sessions-h"', 1)[0]


def private_key(html: str) -> str:
    return re.search(r'class="people-key" href="[^"]*/people\?k=([\w.-]+)"', html)[1]


ADA_LINKS = "@ada@Social.Example\nhttps://www.linkedin.com/in/ada\nhttps://ada.example/blog"


def test_card_links_are_stored_by_kind_and_shown_to_the_owner(app, event_factory, make_client):
    slug, _key = event_factory(first_day=DAY)
    a = phone(make_client, slug, "Ada")
    assert join(a, slug, "Ada", "ada@example.org", links=ADA_LINKS).status_code == 302
    with app.app_context():
        rows = db.session.scalars(select(CardLink).order_by(CardLink.position)).all()
        assert [(r.kind, r.value) for r in rows] == [
            ("fediverse", "@ada@social.example"),
            ("linkedin", "https://www.linkedin.com/in/ada"),
            ("web", "https://ada.example/blog"),
        ]
    board = a.get(f"/e/{slug}/tips").get_data(as_text=True)
    link = '<a href="https://social.example/@ada" rel="me noopener nofollow ugc" target="_blank">'
    assert link + "@ada@social.example</a>" in board
    assert "@ada@social.example\nhttps://www.linkedin.com/in/ada" in board  # the form holds them for editing


def test_invalid_links_are_refused_with_a_friendly_message(app, event_factory, make_client):
    slug, _key = event_factory(first_day=DAY)
    a = phone(make_client, slug, "Ada")
    cases = {
        "javascript:alert(1)": "A profile link is an https:// address or a fediverse handle",
        "http://ada.example": "Please use a secure https:// link",
        "@ada": "A fediverse handle looks like @name@example.social",
        "@ada@localhost": "A fediverse handle looks like @name@example.social",
        "https://user:pw@ada.example": "That link has no valid web address",
        "https://ada.example:8080/x": "That link has no valid web address",
        "https://ada .example": "A profile link is an https:// address",
        "https://" + "a" * 200 + ".example": "Each profile link can have at most 200 characters.",
        "\n".join(f"https://ada{i}.example" for i in range(6)): "Please add at most 5 profile links.",
    }
    for links, message in cases.items():
        r = join(a, slug, "Ada", links=links)
        assert r.status_code == 400, links
        assert message in r.get_data(as_text=True), links
    with app.app_context():
        assert db.session.scalars(select(TipCard)).all() == []  # nothing half-saved
        assert db.session.scalars(select(CardLink)).all() == []


def test_links_follow_the_cards_contact_rule(app, event_factory, make_client):
    slug, _key = event_factory(first_day=DAY)
    a, b, outsider = (phone(make_client, slug, n) for n in ("Ada", "Bo", "Cy"))
    join(a, slug, "Ada", "ada@example.org", "request", ADA_LINKS)
    join(b, slug, "Bo", "bo@example.org", "request")
    ada = card_id(app, "Ada")
    assert "social.example/@ada" not in b.get(f"/e/{slug}/tips/people/{ada}").get_data(as_text=True)
    assert "social.example/@ada" not in outsider.get(f"/e/{slug}/tips/people/{ada}").get_data(as_text=True)
    connect(app, slug, b, a, "Ada")
    page = b.get(f"/e/{slug}/tips/people/{ada}").get_data(as_text=True)
    assert 'href="https://social.example/@ada" rel="me noopener nofollow ugc"' in page
    assert "social.example/@ada" not in outsider.get(f"/e/{slug}/tips/people/{ada}").get_data(as_text=True)
    join(a, slug, "Ada", "ada@example.org", "never", ADA_LINKS)  # "never" means never, links too
    assert "social.example/@ada" not in b.get(f"/e/{slug}/tips/people/{ada}").get_data(as_text=True)


def _round_of_two(app, slug, fac, a, b):
    r = fac.post(
        f"/e/{slug}/facilitate/meet/open",
        data={"mixround-group_size": 2, "mixround-minutes": 10, "mixround-join_minutes": 2},
    )
    assert r.status_code == 302
    for p in (a, b):
        p.post(f"/e/{slug}/meet/join", data={"on": "1"})
    fac.post(f"/e/{slug}/facilitate/meet/start")
    with app.app_context():
        return db.session.scalars(select(MixMember).order_by(MixMember.id)).all()


def test_one_sided_consent_shows_nobody(app, event_factory, make_client):
    slug, key = event_factory(first_day=DAY)
    fac = make_client()
    fac.get(f"/e/{slug}/f/{key}")
    a, b = phone(make_client, slug, "Ada"), phone(make_client, slug, "Bo")
    join(a, slug, "Ada", "ada@example.org", "request", ADA_LINKS)
    join(b, slug, "Bo", "bo@example.org", "request")
    b.post(f"/e/{slug}/tips/people/{card_id(app, 'Ada')}/connect")  # asked, never accepted
    ma, mb = _round_of_two(app, slug, fac, a, b)
    a.post(f"/e/{slug}/meet/share/{mb.id}", data={"contact": "ada@example.org"})  # Ada's yes only
    for c, other in ((a, "Bo"), (b, "Ada")):
        html = people(c, slug)
        assert "Nobody yet." in html and other not in my_section(html)
        assert c.get(f"/e/{slug}/people.vcf").get_data(as_text=True) == ""
        assert list(csv.reader(io.StringIO(c.get(f"/e/{slug}/people.csv").get_data(as_text=True)))) == [
            ["name", "met on", "contact", "links"]
        ]


def test_mutual_consent_lists_each_other_with_links_contacts_and_downloads(app, event_factory, make_client):
    slug, key = event_factory(first_day=DAY)
    fac = make_client()
    fac.get(f"/e/{slug}/f/{key}")
    a, b, c = (phone(make_client, slug, n) for n in ("Ada", "Bo", "Cy"))
    join(a, slug, "Ada", "ada@example.org", "request", ADA_LINKS)
    join(b, slug, "Bo", "https://bo.example", "request", "@bo@mastodon.example")
    connect(app, slug, a, b, "Bo")
    members = {m.attendee_id: m for m in _round_of_two(app, slug, fac, a, c)}
    ma, mc = sorted(members.values(), key=lambda m: m.id)
    a.post(f"/e/{slug}/meet/share/{mc.id}", data={"contact": "ada@example.org"})
    c.post(f"/e/{slug}/meet/share/{ma.id}", data={"contact": "cy; the one, with the hat"})

    html = my_section(people(a, slug))
    assert "Bo" in html and "Cy" in html
    assert "tips board" in html and "meet someone new" in html
    assert 'href="https://mastodon.example/@bo" rel="me noopener nofollow ugc"' in html
    assert "https://bo.example" in html and "cy; the one, with the hat" in html
    assert "follow-h" in html and html.count('rel="me noopener nofollow ugc"') == 2  # Bo's link + follow all
    theirs = my_section(people(b, slug))
    assert "Ada" in theirs and "https://social.example/@ada" in theirs and "ada@example.org" in theirs
    assert "Cy" not in theirs  # Bo never met Cy
    assert "Ada" in my_section(people(c, slug)) and "social.example" not in my_section(people(c, slug))

    r = a.get(f"/e/{slug}/people.vcf")
    assert r.mimetype == "text/vcard" and r.headers["Cache-Control"] == "no-store"
    cards = {card["FN"][0]: card for card in parse(r.get_data(as_text=True))}
    assert set(cards) == {"Bo", "Cy"}
    assert cards["Bo"]["URL"] == ["https://bo.example", "https://mastodon.example/@bo"]
    assert cards["Cy"]["NOTE"] == ["cy; the one, with the hat"]
    assert {card["FN"][0] for card in parse(b.get(f"/e/{slug}/people.vcf").get_data(as_text=True))} == {"Ada"}
    rows = list(csv.DictReader(io.StringIO(a.get(f"/e/{slug}/people.csv").get_data(as_text=True))))
    assert [(row["name"], row["met on"]) for row in rows] == [("Bo", "tips board"), ("Cy", "meet someone new")]
    assert rows[0]["links"] == "https://mastodon.example/@bo"


def test_buddies_who_were_paired_are_listed(app, event_factory, make_client):
    slug, _key = event_factory(first_day=DAY)
    veteran = phone(make_client, slug, "Vera")
    newcomer = make_client()
    newcomer.get(f"/e/{slug}")
    newcomer.post(f"/e/{slug}/me", data={"display_name": "Nico", "first_timer": "y"})
    assert veteran.post(f"/e/{slug}/meet/buddy/offer", data={"capacity": "1"}).status_code == 302
    assert "Nobody yet." in people(veteran, slug)  # an offer alone is one side
    assert newcomer.post(f"/e/{slug}/meet/buddy/ask").status_code == 302
    assert "Nico" in my_section(people(veteran, slug)) and "buddies" in my_section(people(veteran, slug))
    assert "Vera" in my_section(people(newcomer, slug))


def test_sessions_i_would_attend_show_room_and_time_and_saved_tips(app, event_factory, make_client):
    slug, key = event_factory(first_day=DAY)
    fac = make_client()
    fac.get(f"/e/{slug}/f/{key}")
    a, b = phone(make_client, slug, "Ada"), phone(make_client, slug, "Bo")
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        room = Room(event_id=event.id, name="Werkstatt", capacity=30)
        slot = Slot(day_id=event.days[0].id, starts_at=dt.time(11, 15), ends_at=dt.time(12, 0))
        placed, queued = Pitch(event_id=event.id, title="Home Assistant"), Pitch(event_id=event.id, title="Knitting")
        db.session.add_all([room, slot, placed, queued])
        db.session.commit()
        ids = placed.id, queued.id, slot.id, room.id
    r = fac.post(f"/e/{slug}/facilitate/grid/place", data={"pitch_id": ids[0], "slot_id": ids[2], "room_id": ids[3]})
    assert r.status_code == 302
    for pid in ids[:2]:
        assert a.post(f"/e/{slug}/pitches/{pid}/vote", data={"on": "1"}).status_code == 302
    join(b, slug, "Bo")
    b.post(f"/e/{slug}/tips/post", data={"tip-text": "Bring a power strip", "tip-link": "", "tip-tags": ""})
    with app.app_context():
        tip = db.session.scalar(select(Tip.id))
    a.post(f"/e/{slug}/tips/{tip}/mark", data={"kind": "saved", "on": "1"})
    html = people(a, slug)
    sessions = html.split('id="sessions-h"', 1)[1].split('id="saved-h"', 1)[0]
    where = r"Home Assistant</strong> <span class=\"muted\">· [^<]*11:15\s?(AM)?–12:00\s?(PM)? · Werkstatt"
    assert re.search(where, sessions)
    assert 'Knitting</strong> <span class="muted">· not on the grid' in sessions
    assert "Bring a power strip" in html.split('id="saved-h"', 1)[1]
    assert "Home Assistant" not in people(b, slug)


def test_my_page_is_mine_and_the_signed_link_opens_only_mine(app, event_factory, make_client):
    slug, _key = event_factory(first_day=DAY)
    other_slug, _ = event_factory("Elsewhere", first_day=DAY)
    a, b, c = (phone(make_client, slug, n) for n in ("Ada", "Bo", "Cy"))
    join(a, slug, "Ada", "ada@example.org", "request", ADA_LINKS)
    join(b, slug, "Bo", "bo@example.org", "request")
    connect(app, slug, a, b, "Bo")
    key = private_key(people(a, slug))
    assert "Bo" not in my_section(people(c, slug))  # another attendee sees their own page, empty
    cookieless = app.test_client(use_cookies=False)
    assert "bo@example.org" not in cookieless.get(f"/e/{slug}/people").get_data(as_text=True)
    assert "bo@example.org" in my_section(people(cookieless, slug, k=key))  # the saved link, no cookie
    vcf = cookieless.get(f"/e/{slug}/people.vcf", query_string={"k": key}).get_data(as_text=True)
    assert [card["FN"] for card in parse(vcf)] == [["Bo"]]
    payload, signature = key.rsplit(".", 1)
    tampered = [payload + "." + signature[:-1] + ("A" if signature[-1] != "A" else "B"), payload, "forged", ""]
    grid_key = re.search(r"mine\.ics\?k=([\w.-]+)", a.get(f"/e/{slug}/grid").get_data(as_text=True))[1]
    for bad in [*tampered, grid_key]:  # a calendar key is signed for another purpose
        for path in ("people", "people.vcf", "people.csv"):
            assert cookieless.get(f"/e/{slug}/{path}", query_string={"k": bad}).status_code == 404, (bad, path)
    assert c.get(f"/e/{other_slug}/people", query_string={"k": key}).status_code == 404  # another event


def test_the_me_page_links_to_people_i_met(event_factory, make_client):
    slug, _key = event_factory(first_day=DAY)
    html = make_client().get(f"/e/{slug}/me").get_data(as_text=True)
    assert f'href="/e/{slug}/people"' in html


def test_the_page_stays_after_the_event_until_the_retention_purge(app, event_factory, make_client):
    from barcamp.privacy.retention import purge_expired

    slug, _key = event_factory(first_day=dt.date.today() - dt.timedelta(days=3))  # over three days ago
    a, b = phone(make_client, slug, "Ada"), phone(make_client, slug, "Bo")
    join(a, slug, "Ada", "ada@example.org", "request", ADA_LINKS)
    join(b, slug, "Bo", "bo@example.org", "request")
    connect(app, slug, a, b, "Bo")
    html = people(a, slug)
    assert "bo@example.org" in my_section(html) and "It stays here after the event, until" in html
    key = private_key(html)
    app.config["RETENTION_DAYS"] = 2  # the purge is due now
    with app.app_context():
        purge_expired(2)
    for c in (a, app.test_client(use_cookies=False)):
        html = people(c, slug, k=key) if c is not a else people(c, slug)
        assert "was deleted after the retention period" in html and "Bo" not in my_section(html)
