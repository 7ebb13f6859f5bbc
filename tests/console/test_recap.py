"""The organiser's event recap: counts only, built through HTTP the way an event builds them,
refused to anyone but the facilitators, naming nobody, and one printable A4 page in Chromium."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from barcamp.core.extensions import db
from barcamp.models import Connection, Event, HelpOffer, MixMember, Room, Slot

JSON = {"Accept": "application/json"}
NAMES = ("Ada Lovelace", "Bea Bridges", "Cem Coder")
# Yesterday's sessions were held, whatever today is
YESTERDAY = dt.date.today() - dt.timedelta(days=1)


def phone(make_client, slug, name, first_timer=False):
    c = make_client()
    c.get(f"/e/{slug}")
    data = {"display_name": name, **({"first_timer": "y"} if first_timer else {})}
    assert c.post(f"/e/{slug}/me", data=data).status_code == 302
    return c


def ok(r, code=200):
    assert r.status_code == code, r.get_data(as_text=True)[:400]
    return r


def pitch(c, slug, title) -> int:
    data = {"title": title, "host_name": "", "tags": "", "level": "beginner", "format": "talk", "language": "en"}
    return ok(c.post(f"/e/{slug}/pitch", data=data, headers=JSON)).get_json()["id"]


def join_board(c, slug, name, contact):
    data = {"card-display_name": name, "card-contact": contact, "card-contact_visibility": "request"}
    ok(c.post(f"/e/{slug}/tips/card", data=data), 302)


def figures(html: str) -> dict[str, int]:
    found = re.findall(r'data-figure="([\w-]+)"><dt>[^<]*</dt><dd>(\d+)</dd>', html)
    return {key: int(n) for key, n in found}


@pytest.fixture
def camp(app, event_factory, make_client):
    """An event held yesterday, with everything a recap counts, made by three people."""
    slug, key = event_factory("Recap Camp", first_day=YESTERDAY)
    fac = make_client()
    ok(fac.get(f"/e/{slug}/f/{key}"), 302)
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        room = Room(event_id=event.id, name="Aula", capacity=50)
        slots = [
            Slot(day_id=event.days[0].id, starts_at=dt.time(h), ends_at=dt.time(h, 45), kind="session")
            for h in (10, 11)
        ]
        db.session.add_all([room, *slots])
        db.session.commit()
        room_id, slot_ids = room.id, [s.id for s in slots]
    ada, bea, cem = (phone(make_client, slug, n, first_timer=(n == NAMES[0])) for n in NAMES)
    # 3 pitches, 3 votes, 2 of them on the grid (held yesterday)
    p1, p2, _p3 = pitch(ada, slug, "Home Assistant"), pitch(bea, slug, "Rust"), pitch(cem, slug, "Knitting")
    for c, pid in ((bea, p1), (cem, p1), (ada, p2)):
        ok(c.post(f"/e/{slug}/pitches/{pid}/vote", data={"on": "1"}, headers=JSON))
    for pid, slot_id in ((p1, slot_ids[0]), (p2, slot_ids[1])):
        data = {"pitch_id": pid, "slot_id": slot_id, "room_id": room_id}
        ok(fac.post(f"/e/{slug}/facilitate/grid/place", data=data, headers=JSON))
    # 3 questions, 1 answered; 1 offer of help, and the asker arranged a meeting from it
    qids = [
        ok(c.post(f"/e/{slug}/questions", data={"text": t}, headers=JSON)).get_json()["id"]
        for c, t in ((ada, "Where is the coffee?"), (ada, "Is there Wi-Fi in the garden?"), (bea, "Who knows Zigbee?"))
    ]
    ok(fac.post(f"/e/{slug}/questions/{qids[0]}/moderate", data={"decision": "answer"}, headers=JSON))
    ok(fac.post(f"/e/{slug}/facilitate/meet/points", data={"mixpoints-points": "Kaffeebar"}), 302)
    ok(cem.post(f"/e/{slug}/questions/{qids[2]}/help", data={"note": "I run it"}, headers=JSON))
    with app.app_context():
        offer_id = db.session.scalar(select(HelpOffer.id))
    ok(
        bea.post(
            f"/e/{slug}/questions/{qids[2]}/offers/{offer_id}/pick",
            data={"point": "Kaffeebar", "at": "12:30"},
            headers=JSON,
        )
    )
    # 2 tips; Bea and Ada connect on the board (Ada is a first-timer)
    join_board(ada, slug, NAMES[0], "ada@example.org")
    join_board(bea, slug, NAMES[1], "bea@example.org")
    for text in ("Bring an adapter", "The garden has shade"):
        ok(ada.post(f"/e/{slug}/tips/post", data={"tip-text": text, "tip-link": "", "tip-tags": ""}), 302)
    with app.app_context():
        from barcamp.models import TipCard

        ada_card = db.session.scalar(select(TipCard.id).where(TipCard.display_name == NAMES[0]))
    ok(bea.post(f"/e/{slug}/tips/people/{ada_card}/connect", headers=JSON))
    with app.app_context():
        conn_id = db.session.scalar(select(Connection.id))
    ok(ada.post(f"/e/{slug}/tips/connections/{conn_id}/accept", headers=JSON))
    # A round of two: Ada and Bea swap contacts there too (the same pair: counted once), and Cem
    # becomes Ada's buddy (a second pair)
    ok(
        fac.post(
            f"/e/{slug}/facilitate/meet/open",
            data={"mixround-group_size": 2, "mixround-minutes": 10, "mixround-join_minutes": 2},
        ),
        302,
    )
    for c in (ada, bea):
        ok(c.post(f"/e/{slug}/meet/join", data={"on": "1"}), 302)
    ok(fac.post(f"/e/{slug}/facilitate/meet/start"), 302)
    with app.app_context():
        ma, mb = db.session.scalars(select(MixMember.id).order_by(MixMember.id)).all()
    ok(ada.post(f"/e/{slug}/meet/share/{mb}", data={"contact": "ada@example.org"}, headers=JSON))
    ok(bea.post(f"/e/{slug}/meet/share/{ma}", data={"contact": "bea@example.org"}, headers=JSON))
    ok(cem.post(f"/e/{slug}/meet/buddy/offer", data={"capacity": "1"}), 302)
    ok(ada.post(f"/e/{slug}/meet/buddy/ask", data={"on": "1"}), 302)
    return {"slug": slug, "fac": fac, "phones": (ada, bea, cem)}


def test_the_recap_counts_what_happened_and_names_nobody(camp):
    slug = camp["slug"]
    html = ok(camp["fac"].get(f"/e/{slug}/facilitate/recap")).get_data(as_text=True)
    assert figures(html) == {
        "pitches": 3,
        "held": 2,
        "votes": 3,
        "asked": 3,
        "answered": 1,
        "offers": 1,
        "meetings": 1,
        "tips": 2,
        "rounds": 1,
        "met": 0,
        "connections": 2,  # Ada–Bea (board and round, once) and Cem–Ada (buddies)
        "first-timers": 1,  # Ada, however many ways she connected
    }
    assert "Recap Camp" in html
    for name in NAMES:
        assert name not in html and name.split()[0] not in html
    for word in ("example.org", "Home Assistant", "coffee", "adapter"):
        assert word not in html  # counts, not content
    # The console's Data & privacy tab links to it
    assert f"/e/{slug}/facilitate/recap" in camp["fac"].get(f"/e/{slug}/facilitate").get_data(as_text=True)


def test_the_recap_is_for_the_facilitators_only(camp, make_client):
    slug = camp["slug"]
    for c in (*camp["phones"], make_client()):
        assert c.get(f"/e/{slug}/facilitate/recap").status_code in (403, 404)


def test_a_fresh_event_s_recap_is_all_zeros(facilitator):
    fac, slug = facilitator
    found = figures(ok(fac.get(f"/e/{slug}/facilitate/recap")).get_data(as_text=True))
    assert set(found.values()) == {0} and len(found) == 12
