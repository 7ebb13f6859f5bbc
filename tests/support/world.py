"""A populated event built the way people build it (through HTTP), shared by the security tests.

Roles: ``anonymous`` (a browser that never visited), ``attendee`` (on the board,
asked to connect with the author), ``author`` (made the pitch, question, tip
card and tip), ``facilitator`` (of this event) and ``other_facilitator`` (of
another event). ``urls(rule)`` fills any route's arguments with this world's ids;
``rule_urls`` fills them from any mapping of argument values (the crawls use it).
Works with Flask test clients, or with ``LiveClient`` against a live server.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import requests
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from barcamp.core.extensions import db
from barcamp.events.domain import create_event, new_facilitator_link
from barcamp.models import (
    Attendee,
    Branding,
    BuddyPair,
    Connection,
    Day,
    Event,
    FacilitatorLink,
    HelpOffer,
    MixMember,
    Pitch,
    Question,
    Room,
    Slot,
    Tip,
    TipCard,
)
from tests.support.live import http_session

ROLES = ("anonymous", "attendee", "author", "facilitator", "other_facilitator")
ARG = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")


def ok(response, what: str):
    assert response.status_code < 400, f"{what}: {response.status_code} {response.get_data(as_text=True)[:300]}"
    return response


class LiveResponse:
    def __init__(self, r: requests.Response):
        self.r, self.status_code, self.headers = r, r.status_code, r.headers

    def get_data(self, as_text=False):
        return self.r.text if as_text else self.r.content


class LiveClient:
    """A browser without JS on a live server: keeps cookies, sends the page's CSRF token."""

    def __init__(self, base: str):
        self.base, self.http, self.csrf = base, http_session(), ""

    def get(self, path: str, **kw) -> LiveResponse:
        r = self.http.get(self.base + path, allow_redirects=False, timeout=15, **kw)
        m = re.search(r'name="csrf-token" content="([^"]+)"', r.text)
        if m:
            self.csrf = m.group(1)
        return LiveResponse(r)

    def post(self, path: str, data=None, **kw) -> LiveResponse:
        if not self.csrf:
            self.get("/")
        headers = {"X-CSRFToken": self.csrf, **kw.pop("headers", {})}
        r = self.http.post(self.base + path, data=data or {}, headers=headers, allow_redirects=False, timeout=15, **kw)
        return LiveResponse(r)


@dataclass
class World:
    app: object
    slug: str
    other_slug: str
    clients: dict
    ids: dict = field(default_factory=dict)

    def urls(self, rule) -> list[str]:
        """Concrete URLs for a url_map rule: one per choice of its ``any(...)`` parts."""
        variants = [{}]
        for converter, options, name in ARG.findall(rule.rule):
            if converter == "any":
                variants = [{**v, name: o.strip()} for v in variants for o in options.split(",")]
        urls = []
        for chosen in variants:

            def fill(m, chosen=chosen):
                name = m.group(3)
                if name in chosen:
                    return chosen[name]
                if name == "target_id":
                    return str(self.ids["tip_id"] if chosen.get("target") == "tip" else self.ids["card_id"])
                return str(self.ids[name])

            urls.append(ARG.sub(fill, rule.rule))
        return urls


def post_file(client, url: str, body: bytes, filename: str = "event.json", **kw):
    """POST one file as multipart from memory. (The test client's own encoder spools a body over
    500 KB to a temporary file it never closes; the garbage collector's warning then fails
    whichever test is running when it comes.)"""
    boundary, data = encode_multipart(
        {"file": FileStorage(io.BytesIO(body), filename, content_type="application/json")}
    )
    return client.post(url, data=data, content_type=f"multipart/form-data; boundary={boundary}", **kw)


LOGO_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40" width="120" height="40">'
    b'<rect width="120" height="40" rx="8" fill="#6a1b9a"/><circle cx="20" cy="20" r="12" fill="#fff"/>'
    b'<text x="40" y="27" font-size="18" fill="#fff">Camp</text></svg>'
)


def post_logo(client, url: str, body: bytes, filename: str = "logo.svg", content_type: str = "image/svg+xml"):
    """Upload a logo as the console's form does (multipart ``logo-logo``), with a test or live client."""
    fields = {"logo-logo": FileStorage(io.BytesIO(body), filename, content_type=content_type)}
    boundary, data = encode_multipart(fields)
    multipart = f"multipart/form-data; boundary={boundary}"
    if isinstance(client, LiveClient):
        return client.post(url, data=data, headers={"Content-Type": multipart})
    return client.post(url, data=data, content_type=multipart)


def rule_urls(rule, values: dict[str, list]) -> list[str]:
    """Concrete URLs for a url_map rule: every combination of its arguments' values.

    ``values`` maps an argument name to its values; ``"<endpoint>:<name>"`` wins for one endpoint
    (``/j/<code>`` wants a join code, ``/lang/<code>`` a language). ``any(...)`` parts take each
    of their options. An argument without values raises, so a new route cannot be skipped silently.
    """
    combos = [{}]
    for converter, options, name in ARG.findall(rule.rule):
        if converter == "any":
            choices = [o.strip() for o in options.split(",")]
        else:
            choices = values.get(f"{rule.endpoint}:{name}", values.get(name))
        if not choices:
            raise LookupError(f"{rule.rule} ({rule.endpoint}): no values for <{name}>; teach the crawl this argument")
        combos = [{**c, name: str(v)} for c in combos for v in choices]
    return [ARG.sub(lambda m, c=c: c[m.group(3)], rule.rule) for c in combos]


def build(app, name: str = "Matrix Camp", text: str = "", first_day=None, client=None) -> World:
    """Two events; the first with rooms, slots, pitches, votes, the grid, a question, tip cards, a tip,
    a connection request and reports, a meet-someone-new round with the author and the attendee in one
    group, and a buddy pairing (author and attendee). ``text`` (e.g. an attack payload) becomes the
    whole value of every user-written field. ``client`` makes a client per role (default: Flask test clients)."""

    def v(default: str, limit: int = 60) -> str:
        return (text or default)[:limit]

    with app.app_context():
        event, key = create_event(v(name, 120), first_day=first_day)
        slug, event_id = event.slug, event.id
        co_key = new_facilitator_link(event, "co")
        other, other_key = create_event(f"{name} Other")
        other_slug = other.slug
        db.session.remove()
    c = {role: (client or app.test_client)() for role in ROLES}
    ok(c["facilitator"].get(f"/e/{slug}/f/{key}"), "facilitator link")
    ok(c["other_facilitator"].get(f"/e/{other_slug}/f/{other_key}"), "other facilitator link")
    fac, author, att = c["facilitator"], c["author"], c["attendee"]
    for n, cap in ((v("Aula"), "80"), ("Küche", "12")):
        room = {"room-name": n, "room-capacity": cap, "room-location": v("", 120)}
        ok(fac.post(f"/e/{slug}/facilitate/rooms", data=room), "room")
    with app.app_context():
        day_id = db.session.scalar(select(Day.id).where(Day.event_id == event_id))
        db.session.remove()
    for start, end in (("10:00", "11:00"), ("11:15", "12:00")):
        slot = {"slot-day": day_id, "slot-starts_at": start, "slot-ends_at": end, "slot-kind": "session"}
        ok(fac.post(f"/e/{slug}/facilitate/slots", data={**slot, "slot-label": v("", 80)}), "slot")
    ok(post_logo(fac, f"/e/{slug}/facilitate/branding/logo", LOGO_SVG), "logo")
    ok(fac.post(f"/e/{slug}/facilitate/branding/accent", data={"accent-accent": "#6a1b9a"}), "accent colour")
    ok(author.get(f"/e/{slug}"), "author visits")
    ok(author.post(f"/e/{slug}/me", data={"display_name": v("Ada")}), "profile")
    for title in (v("Flask security", 120), "Kaffee & Kuchen"):
        pitch = {"title": title, "description": v("", 2000), "host_name": v("Ada"), "tags": "web"}
        ok(
            author.post(f"/e/{slug}/pitch", data={**pitch, "level": "everyone", "format": "talk", "language": "de"}),
            "pitch",
        )
    ok(author.post(f"/e/{slug}/questions", data={"text": v("Wie schützt ihr Daten?", 500)}), "question")
    card = {
        "card-display_name": v("Ada"),
        "card-intro": v("", 140),
        "card-help_tags": "python",
        "card-seek_tags": "design",
        "card-contact": "ada@example.org",
        "card-contact_visibility": "request",
        "card-links": "@ada@social.example\nhttps://ada.example/",  # profile links (the card_link table)
    }
    ok(author.post(f"/e/{slug}/tips/card", data=card), "author card")
    tip = {"tip-text": v("Read the docs", 500), "tip-link": "https://example.org/docs", "tip-tags": "python"}
    ok(author.post(f"/e/{slug}/tips/post", data=tip), "tip")
    ok(att.get(f"/e/{slug}"), "attendee visits")
    other_card = {**card, "card-display_name": "Bea", "card-contact": "bea@example.org"}
    ok(att.post(f"/e/{slug}/tips/card", data=other_card), "attendee card")
    with app.app_context():
        pitch_ids = db.session.scalars(select(Pitch.id).where(Pitch.event_id == event_id).order_by(Pitch.id)).all()
        author_id = db.session.get(Pitch, pitch_ids[0]).attendee_id
        question_id = db.session.scalar(select(Question.id).where(Question.event_id == event_id))
        card_id = db.session.scalar(select(TipCard.id).where(TipCard.attendee_id == author_id))
        tip_id = db.session.scalar(select(Tip.id).where(Tip.card_id == card_id))
        room_id = db.session.scalar(select(Room.id).where(Room.event_id == event_id).order_by(Room.id))
        slot_ids = db.session.scalars(select(Slot.id).where(Slot.day_id == day_id).order_by(Slot.id)).all()
        db.session.remove()
    ok(att.post(f"/e/{slug}/tips/people/{card_id}/connect"), "connect")
    ok(att.post(f"/e/{slug}/pitches/{pitch_ids[0]}/vote", data={"on": "1"}), "vote")
    ok(author.post(f"/e/{slug}/pitches/{pitch_ids[0]}/vote", data={"on": "1"}), "author votes")
    ok(att.post(f"/e/{slug}/questions/{question_id}/vote", data={"on": "1"}), "question vote")
    ok(att.post(f"/e/{slug}/questions/{question_id}/help", data={"note": v("I can help", 140)}), "offer help")
    ok(att.post(f"/e/{slug}/tips/report/tip/{tip_id}"), "report tip")
    # a meet-someone-new round in which the author and the attendee are grouped, and a buddy pairing
    round_form = {"mixround-group_size": "2", "mixround-minutes": "10", "mixround-join_minutes": "2"}
    ok(fac.post(f"/e/{slug}/facilitate/meet/points", data={"mixpoints-points": v("Tisch 1", 40)}), "meeting points")
    ok(fac.post(f"/e/{slug}/facilitate/meet/open", data=round_form), "open a round")
    ok(author.post(f"/e/{slug}/meet/join", data={"on": "1"}), "author joins the round")
    ok(att.post(f"/e/{slug}/meet/join", data={"on": "1"}), "attendee joins the round")
    ok(fac.post(f"/e/{slug}/facilitate/meet/start"), "groups form")
    ok(author.post(f"/e/{slug}/meet/buddy/offer", data={"capacity": "1"}), "buddy offer")
    ok(att.post(f"/e/{slug}/meet/buddy/ask", data={"on": "1", "first_timer": "1"}), "buddy request")
    place = {"pitch_id": pitch_ids[0], "slot_id": slot_ids[0], "room_id": room_id}
    ok(fac.post(f"/e/{slug}/facilitate/grid/place", data=place), "place")
    # the other event has content too, so ids from it can be tried against this one
    ofac = c["other_facilitator"]
    ok(ofac.post(f"/e/{other_slug}/facilitate/rooms", data={"room-name": "Elsewhere", "room-capacity": "9"}), "room B")
    ok(ofac.post(f"/e/{other_slug}/pitch", data={"title": "Other pitch", "language": "en"}), "pitch B")
    ok(ofac.post(f"/e/{other_slug}/questions", data={"text": "Another event's question?"}), "question B")
    ok(ofac.post(f"/e/{other_slug}/tips/card", data={**card, "card-display_name": "Cem"}), "card B")
    ok(ofac.post(f"/e/{other_slug}/tips/post", data={"tip-text": "Other tip", "tip-tags": "x"}), "tip B")
    with app.app_context():
        conn_id = db.session.scalar(select(Connection.id).where(Connection.to_card_id == card_id))
        link_id = db.session.scalar(
            select(FacilitatorLink.id).where(FacilitatorLink.event_id == event_id, FacilitatorLink.label == "co")
        )
        code = db.session.scalar(select(Event.join_code).where(Event.id == event_id))
        other_id = db.session.scalar(select(Event.id).where(Event.slug == other_slug))
        foreign = {
            "pitch": db.session.scalar(select(Pitch.id).where(Pitch.event_id == other_id)),
            "question": db.session.scalar(select(Question.id).where(Question.event_id == other_id)),
            "card": db.session.scalar(select(TipCard.id).where(TipCard.event_id == other_id)),
            "room": db.session.scalar(select(Room.id).where(Room.event_id == other_id)),
            "day": db.session.scalar(select(Day.id).where(Day.event_id == other_id)),
        }
        foreign["tip"] = db.session.scalar(select(Tip.id).where(Tip.card_id == foreign["card"]))
        assert db.session.scalar(select(func.count(Attendee.id)).where(Attendee.event_id == event_id)) == 2
        pair_id = db.session.scalar(select(BuddyPair.id).where(BuddyPair.event_id == event_id))
        offer_id = db.session.scalar(select(HelpOffer.id).where(HelpOffer.question_id == question_id))
        # the attendee's group-mate in the round: the author
        member_id = db.session.scalar(select(MixMember.id).where(MixMember.attendee_id == author_id))
        version = db.session.scalar(select(Branding.version).where(Branding.event_id == event_id))
        db.session.remove()
    ids = {
        "slug": slug,
        "pitch_id": pitch_ids[0],
        "other_pitch_id": pitch_ids[1],
        "question_id": question_id,
        "card_id": card_id,
        "tip_id": tip_id,
        "conn_id": conn_id,
        "pair_id": pair_id,
        "offer_id": offer_id,
        "member_id": member_id,
        "version": version,
        "link_id": link_id,
        "room_id": room_id,
        "day_id": day_id,
        "slot_id": slot_ids[0],
        "key": co_key,
        "code": code,
        "event_id": event_id,
        "other_event_id": other_id,
        "foreign": foreign,
    }
    return World(app=app, slug=slug, other_slug=other_slug, clients=c, ids=ids)


def dump(app, skip: tuple[str, ...] = ()) -> dict:
    """Every row of every table, to compare database states."""
    out = {}
    with app.app_context():
        for table in db.metadata.sorted_tables:
            if table.name not in skip:
                out[table.name] = sorted(map(repr, db.session.execute(select(table)).all()))
        db.session.remove()
    return out


def cross_event_links(app) -> list[str]:
    """Rows that tie two events together: something no request may ever create."""
    from sqlalchemy.orm import aliased

    from barcamp.models import BoardReport, Placement, QuestionReport, QuestionVote, TipMark, Vote

    a, p, p2, q, card, card2, tip, slot, day, room = (
        aliased(m) for m in (Attendee, Pitch, Pitch, Question, TipCard, TipCard, Tip, Slot, Day, Room)
    )
    checks = {
        "vote": select(Vote.id)
        .join(p, p.id == Vote.pitch_id)
        .join(a, a.id == Vote.attendee_id)
        .where(p.event_id != a.event_id),
        "pitch author": select(Pitch.id).join(a, a.id == Pitch.attendee_id).where(Pitch.event_id != a.event_id),
        "pitch merge": select(Pitch.id).join(p, p.id == Pitch.merged_into_id).where(Pitch.event_id != p.event_id),
        "spotlight": select(Event.id).join(p, p.id == Event.spotlight_pitch_id).where(p.event_id != Event.id),
        "placement pitch": select(Placement.id)
        .join(p, p.id == Placement.pitch_id)
        .where(p.event_id != Placement.event_id),
        "placement room": select(Placement.id)
        .join(room, room.id == Placement.room_id)
        .where(room.event_id != Placement.event_id),
        "placement slot": select(Placement.id)
        .join(slot, slot.id == Placement.slot_id)
        .join(day, day.id == slot.day_id)
        .where(day.event_id != Placement.event_id),
        "question pitch": select(Question.id).join(p, p.id == Question.pitch_id).where(p.event_id != Question.event_id),
        "question promoted": select(Question.id)
        .join(p, p.id == Question.promoted_pitch_id)
        .where(p.event_id != Question.event_id),
        "question vote": select(QuestionVote.id)
        .join(q, q.id == QuestionVote.question_id)
        .join(a, a.id == QuestionVote.attendee_id)
        .where(q.event_id != a.event_id),
        "question report": select(QuestionReport.id)
        .join(q, q.id == QuestionReport.question_id)
        .join(a, a.id == QuestionReport.attendee_id)
        .where(q.event_id != a.event_id),
        "card owner": select(TipCard.id).join(a, a.id == TipCard.attendee_id).where(TipCard.event_id != a.event_id),
        "tip mark": select(TipMark.id)
        .join(tip, tip.id == TipMark.tip_id)
        .join(card, card.id == tip.card_id)
        .join(a, a.id == TipMark.attendee_id)
        .where(card.event_id != a.event_id),
        "connection": select(Connection.id)
        .join(card, card.id == Connection.from_card_id)
        .join(card2, card2.id == Connection.to_card_id)
        .where(card.event_id != card2.event_id),
        "board report": select(BoardReport.id)
        .join(a, a.id == BoardReport.attendee_id)
        .where(BoardReport.event_id != a.event_id),
        "tip report target": select(BoardReport.id)
        .join(tip, tip.id == BoardReport.target_id)
        .join(card, card.id == tip.card_id)
        .where(BoardReport.target == "tip", card.event_id != BoardReport.event_id),
        "card report target": select(BoardReport.id)
        .join(card, card.id == BoardReport.target_id)
        .where(BoardReport.target == "card", card.event_id != BoardReport.event_id),
    }
    with app.app_context():
        problems = [f"{name}: {ids}" for name, stmt in checks.items() if (ids := db.session.scalars(stmt).all())]
        db.session.remove()
    return problems
