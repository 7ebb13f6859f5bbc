"""Every GET page, in every state a facilitator can put an event in, as every role: nothing answers 5xx.

Routes come from ``app.url_map`` and live partials from ``partials._renderers``, so a new page or
partial is crawled without an edit here; a route argument the crawl cannot fill fails
(``world.rule_urls``). Query arguments are found by watching each request: the names its view
reads from ``request.args`` are crawled again with real, foreign and junk values, and a name the
crawl has no values for fails. States are built through HTTP, the way people build them.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import traceback
import zoneinfo
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from flask import request, request_started
from sqlalchemy import select
from werkzeug.datastructures import ImmutableMultiDict

import barcamp  # noqa: F401  (its features register their projector modes)
from barcamp.core import screens
from barcamp.core.extensions import db
from barcamp.models import Day, Event, FacilitatorLink, HelpOffer, Pitch, Placement, Question, Room, Slot, TipCard
from tests.support.env import ROOT, fresh_app
from tests.support.world import ARG, LOGO_SVG, ok, post_logo, rule_urls

PROJECTOR_MODES = screens.mode_values()

# attendee_de: an attendee who switched to German (translations have placeholders of their own)
ROLES = ("anonymous", "attendee", "attendee_de", "other_attendee", "facilitator", "revoked_facilitator", "projector")
STATES = (
    "just_created",
    "blind_voting",
    "vote_budget",
    "voting_closed",
    "premoderation_pending",
    "question_hidden",
    "moderated",  # pitches hidden, merged, withdrawn; questions answered and hidden; a tip hidden, a card reported
    "locked_cells",
    "full_grid",
    "mixer_open",  # a meet-someone-new round open for joining, the attendee in
    "mixer_running",  # groups formed: the attendee's group, a contact swap asked; buddies paired
    "mixer_after",  # the round's time is up
    *(f"projector_{mode}" for mode in PROJECTOR_MODES),
    "no_days",
    "programme_over",
    "demo",
)
CACHE_ARGS = {"at", "fresh"}  # steer only the shared render cache of live partials (partials.shared_render)
LAST = ("events.set_language", "events.facilitator_link")  # change who the browser is: crawled last

ROOMS = (("Aula", 80, "Erdgeschoss"), ("Küche", 12, ""), ("Garten", 30, "hinter dem Haus"))
# (day, start, end, kind, label); the event's clock says about 12:30 on day 0 (see _midday_zone)
SLOTS = (
    (0, "09:00", "10:00", "session", ""),
    (0, "10:15", "11:15", "break", "Kaffee"),
    (0, "11:30", "13:30", "session", ""),  # running now
    (0, "13:45", "14:30", "session", ""),  # next
    (0, "14:45", "15:30", "plenary", "Abschluss"),
    (1, "10:00", "11:00", "session", ""),
)
PITCHES = (  # (title, level, format, language, tags); the first two are placed (now, next)
    ("Python für Einsteiger", "beginner", "workshop", "de", "python, web"),
    ("Flask security", "everyone", "talk", "en", "web"),
    ("PostgreSQL deep dive", "deep", "talk", "en", "databases"),
    ("Kaffee & Kuchen", "everyone", "discussion", "de", ""),
)


# --- which query arguments a view reads --------------------------------------------

READ: set[str] = set()  # request.args names read by the request being crawled


class WatchedArgs(ImmutableMultiDict):
    """``request.args`` that notes each name a view asks for."""

    def __getitem__(self, key):
        READ.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        READ.add(key)
        return super().__contains__(key)

    def get(self, key, default=None, type=None):  # werkzeug's signature
        READ.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        READ.add(key)
        return super().getlist(key, type)


def _watch_args(sender, **extra):
    req = request._get_current_object()
    req.args = WatchedArgs(req.args)


# --- building states through HTTP --------------------------------------------------


def _db(app, fn):
    with app.app_context():
        try:
            return fn()
        finally:
            db.session.remove()


def _midday_zone() -> tuple[str, dt.datetime]:
    """A time zone where it is now between 12:00 and 13:00, so one slot is always running now."""
    utc = dt.datetime.now(dt.UTC)
    east = 12 - utc.hour  # -11 .. +12 hours
    name = f"Etc/GMT{-east:+d}" if east else "Etc/GMT"  # POSIX signs: Etc/GMT-2 is UTC+2
    return name, utc.astimezone(zoneinfo.ZoneInfo(name))


@dataclass
class State:
    """An event in one state, a client per role, and the values the crawl fills URLs with."""

    slug: str
    clients: dict
    values: dict = field(default_factory=dict)  # route arguments
    query: dict = field(default_factory=dict)  # query arguments
    borrowed: set = field(default_factory=set)  # route arguments filled from another event


class Camp:
    """An event being built: its facilitator, author and attendee, and shortcuts for their requests."""

    def __init__(self, app, slug: str, key: str, fac=None):
        self.app, self.slug, self.key = app, slug, key
        self.event_id = _db(app, lambda: db.session.scalar(select(Event.id).where(Event.slug == slug)))
        self.fac, self.author, self.attendee = fac or app.test_client(), app.test_client(), app.test_client()
        if fac is None:
            self.get(self.fac, f"/f/{key}")

    @classmethod
    def create(cls, app, name: str, first_day: dt.date, timezone: str) -> Camp:
        """Create an event through the / form, as its facilitator does."""
        fac = app.test_client()
        form = {"new-name": name, "new-hashtag": "#crawl", "new-timezone": timezone}
        r = fac.post("/", data={**form, "new-first_day": first_day.isoformat()})
        assert r.status_code == 302, r.get_data(as_text=True)[:300]
        slug = re.search(r"/e/([^/]+)/created$", r.headers["Location"]).group(1)
        page = ok(fac.get(f"/e/{slug}/created"), "created page").get_data(as_text=True)
        key = re.search(r'id="facilitator-link" href="/e/[^/]+/f/([^"]+)"', page).group(1)
        return cls(app, slug, key, fac)

    def post(self, client, path: str, data: dict | None = None):
        return ok(client.post(f"/e/{self.slug}{path}", data=data or {}), f"POST {path}")

    def get(self, client, path: str):
        return ok(client.get(f"/e/{self.slug}{path}"), f"GET {path}")

    def ids(self, model, *where, order=None) -> list[int]:
        column = model.id
        stmt = select(column).where(*where).order_by(order if order is not None else column)
        return _db(self.app, lambda: db.session.scalars(stmt).all())

    def pitch_ids(self) -> list[int]:
        return self.ids(Pitch, Pitch.event_id == self.event_id)

    def cells(self):
        """(slot id, room id) of every session cell, in slot order."""
        slots = self.ids(Slot, Slot.day_id == Day.id, Day.event_id == self.event_id, Slot.kind == "session")
        rooms = self.ids(Room, Room.event_id == self.event_id)
        return [(s, r) for s in slots for r in rooms]

    def pitch(self, client, title, level="everyone", fmt="talk", language="en", tags="", host=""):
        data = {"title": title, "description": f"About {title}.", "host_name": host, "tags": tags}
        self.post(client, "/pitch", {**data, "level": level, "format": fmt, "language": language})

    def rotate(self, link_id: int):
        self.post(self.fac, f"/facilitate/links/{link_id}/rotate")


def _camp(app, name: str, days_from_today: int = 0, schedule: bool = True) -> Camp:
    """An event with rooms, two days of slots (one running now), pitches (a beginner-friendly one
    placed now), votes, questions (one pinned), tip cards, a tip and a connection request."""
    zone, now = _midday_zone()
    first = now.date() + dt.timedelta(days=days_from_today)
    camp = Camp.create(app, name, first, zone)
    fac, author, att = camp.fac, camp.author, camp.attendee
    for room, capacity, location in ROOMS:
        camp.post(fac, "/facilitate/rooms", {"room-name": room, "room-capacity": capacity, "room-location": location})
    if schedule:
        camp.post(
            fac, "/facilitate/days", {"day-date": (first + dt.timedelta(days=1)).isoformat(), "day-label": "Tag 2"}
        )
        days = camp.ids(Day, Day.event_id == camp.event_id, order=Day.date)
        for day, start, end, kind, label in SLOTS:
            slot = {"slot-day": days[day], "slot-starts_at": start, "slot-ends_at": end, "slot-kind": kind}
            camp.post(fac, "/facilitate/slots", {**slot, "slot-label": label})
    camp.get(author, "")
    camp.post(author, "/me", {"display_name": "Ada", "first_timer": "y"})
    for i, (title, level, fmt, language, tags) in enumerate(PITCHES):
        camp.pitch(author if i < 2 else app.test_client(), title, level, fmt, language, tags, host=f"Host {i}")
    pitches = camp.pitch_ids()
    camp.get(att, "")
    for pitch in pitches[:2]:
        camp.post(att, f"/pitches/{pitch}/vote", {"on": "1"})
    camp.post(author, f"/pitches/{pitches[0]}/vote", {"on": "1"})
    if schedule:
        cells = camp.cells()
        for pitch, (slot, room) in zip(pitches[:2], (cells[3], cells[7]), strict=True):  # now/Aula, next/Küche
            camp.post(fac, "/facilitate/grid/place", {"pitch_id": pitch, "slot_id": slot, "room_id": room})
    camp.post(fac, "/facilitate/spotlight", {"move": "next"})
    camp.post(author, "/questions", {"text": "Wie schützt ihr die Daten der Leute?"})
    camp.post(author, "/questions", {"text": "Brauche ich Vorwissen dafür?", "pitch": pitches[0]})
    questions = camp.ids(Question, Question.event_id == camp.event_id)
    camp.post(att, f"/questions/{questions[0]}/vote", {"on": "1"})
    camp.post(fac, f"/questions/{questions[0]}/moderate", {"decision": "pin"})
    # an offer of help, and the meeting the asker arranged from it
    camp.post(fac, "/facilitate/meet/points", {"mixpoints-points": "Kaffeebar"})
    camp.post(att, f"/questions/{questions[0]}/help", {"note": "Ich kenne das"})
    (offer,) = camp.ids(HelpOffer, HelpOffer.question_id == questions[0])
    camp.post(author, f"/questions/{questions[0]}/offers/{offer}/pick", {"point": "Kaffeebar", "at": "12:30"})
    card = {"card-intro": "Ich helfe gern", "card-help_tags": "python", "card-seek_tags": "design"}
    card |= {"card-contact": "ada@example.org", "card-contact_visibility": "request"}
    camp.post(author, "/tips/card", {**card, "card-display_name": "Ada"})
    camp.post(
        author, "/tips/post", {"tip-text": "Read the docs", "tip-link": "https://example.org", "tip-tags": "python"}
    )
    camp.post(att, "/tips/card", {**card, "card-display_name": "Bea", "card-contact": "bea@example.org"})
    author_card = camp.ids(TipCard, TipCard.event_id == camp.event_id)[0]
    camp.post(att, f"/tips/people/{author_card}/connect")
    return camp


def _tweak(camp: Camp, name: str) -> None:
    """Put a populated event into the state ``name``."""
    fac, att, app = camp.fac, camp.attendee, camp.app
    pitches = camp.pitch_ids()
    questions = camp.ids(Question, Question.event_id == camp.event_id)
    if name == "blind_voting":
        camp.post(fac, "/facilitate/voting", {"voting_open": "y", "blind_voting": "y"})
    elif name == "vote_budget":
        camp.post(fac, "/facilitate/voting", {"voting_open": "y", "vote_budget": "2"})
        camp.post(att, f"/pitches/{pitches[2]}/vote", {"on": "1"})  # one more than the budget allows
    elif name == "voting_closed":
        camp.post(fac, "/facilitate/voting", {})
    elif name == "premoderation_pending":
        camp.post(fac, "/facilitate/questions", {"premoderation": "y", "report_threshold": "3"})
        camp.post(att, "/questions", {"text": "Wird das aufgezeichnet?"})
        held = camp.ids(Question, Question.event_id == camp.event_id, Question.status == "pending")
        assert len(held) == 1, "pre-moderation should hold the new question"
    elif name == "question_hidden":
        camp.post(fac, "/facilitate/questions", {"report_threshold": "2"})
        for _ in range(3):
            reporter = app.test_client()
            camp.get(reporter, "/questions")
            reporter.post(f"/e/{camp.slug}/questions/{questions[0]}/report")
        assert camp.ids(Question, Question.id == questions[0], Question.status == "hidden"), "reports should hide it"
    elif name == "moderated":
        camp.post(fac, f"/pitches/{pitches[3]}/hide")
        camp.pitch(app.test_client(), "PostgreSQL Deep Dive (again)", host="Host 2")
        duplicate = camp.pitch_ids()[-1]
        camp.post(fac, "/pitches/merge", {"keep": pitches[2], "duplicate": duplicate})
        camp.post(camp.author, f"/pitches/{pitches[1]}/withdraw")  # placed on the grid: its cell keeps a row
        camp.post(fac, f"/questions/{questions[1]}/moderate", {"decision": "answer"})
        camp.post(fac, f"/questions/{questions[0]}/moderate", {"decision": "hide"})
        cards = camp.ids(TipCard, TipCard.event_id == camp.event_id)
        tip = re.search(r"/tips/(\d+)/mark", camp.get(att, "/tips").get_data(as_text=True)).group(1)
        camp.post(fac, f"/tips/moderate/tip/{tip}/hide")
        camp.post(att, f"/tips/report/card/{cards[0]}")
        statuses = _db(app, lambda: set(db.session.scalars(select(Pitch.status).where(Pitch.id.in_(pitches)))))
        assert {"hidden", "withdrawn"} <= statuses
    elif name == "locked_cells":
        cells = camp.cells()
        for slot, room in (cells[0], cells[3]):  # an empty cell, and the cell of the beginner-friendly pitch
            camp.post(fac, "/facilitate/grid/lock", {"slot_id": slot, "room_id": room, "locked": "1"})
    elif name == "full_grid":
        cells = camp.cells()
        for i in range(len(cells)):
            camp.pitch(app.test_client(), f"Session {i}", level=("beginner", "everyone", "deep")[i % 3], host=f"H{i}")
        camp.post(fac, "/facilitate/grid/autoplan")
        filled = camp.ids(Placement, Placement.event_id == camp.event_id, Placement.pitch_id.is_not(None))
        assert len(filled) == len(cells), f"auto-plan filled {len(filled)} of {len(cells)} session cells"
    elif name.startswith("mixer_"):
        round_form = {"mixround-group_size": "3", "mixround-minutes": "10", "mixround-join_minutes": "2"}
        camp.post(fac, "/facilitate/meet/points", {"mixpoints-points": "Tisch 1\nKaffeebar"})
        camp.post(fac, "/facilitate/meet/open", round_form)
        people = [att, camp.author, app.test_client(), app.test_client()]
        for person in people:
            camp.get(person, "")
            camp.post(person, "/meet/join", {"on": "1"})
        if name != "mixer_open":
            camp.post(fac, "/facilitate/meet/start")
            mine = camp.get(att, "/meet/mine").get_data(as_text=True)
            mate = re.search(r"/meet/share/(\d+)", mine)
            if mate:
                camp.post(att, f"/meet/share/{mate.group(1)}", {"contact": "bea@example.org"})
            camp.post(att, "/meet/met", {"on": "1"})
            camp.post(att, "/meet/buddy/ask", {"on": "1", "first_timer": "1"})
            camp.post(people[2], "/meet/buddy/offer", {"capacity": "2"})
            camp.post(camp.author, "/meet/buddy/ask", {"on": "1"})  # the author ticked "first barcamp"
        if name == "mixer_after":
            from barcamp.models import MixRound

            def back():
                for rnd in db.session.scalars(select(MixRound).where(MixRound.event_id == camp.event_id)):
                    rnd.starts_at -= dt.timedelta(minutes=30)
                db.session.commit()

            _db(app, back)
    elif name.startswith("projector_"):
        camp.post(fac, "/facilitate/projector", {"mode": name.removeprefix("projector_")})
    elif name == "no_days":
        (day,) = camp.ids(Day, Day.event_id == camp.event_id)
        camp.post(fac, f"/facilitate/days/{day}/delete")
        assert not camp.ids(Day, Day.event_id == camp.event_id)


def _demo(app) -> Camp:
    """The demo event, as ``flask --app wsgi demo`` loads it."""
    from barcamp.demo import load_demo

    with app.app_context():
        event, key = load_demo()
        slug = event.slug
        db.session.remove()
    camp = Camp(app, slug, key)
    camp.get(camp.attendee, "")
    camp.post(camp.attendee, f"/pitches/{camp.pitch_ids()[0]}/vote", {"on": "1"})
    return camp


def _pitch_kinds(camp: Camp) -> list[tuple[int, str, str, bool]]:
    """(id, status, level, placed) of every pitch of the event."""
    stmt = (
        select(Pitch.id, Pitch.status, Pitch.level, Placement.id.is_not(None))
        .outerjoin(Placement, Placement.pitch_id == Pitch.id)
        .where(Pitch.event_id == camp.event_id)
        .order_by(Pitch.id)
    )
    return _db(camp.app, lambda: [tuple(row) for row in db.session.execute(stmt)])


def one_of_each(rows, kind) -> list[int]:
    """The first pitch id of each ``kind(row)``: a few pitches that cover every case."""
    first: dict = {}
    for row in rows:
        first.setdefault(kind(row), row[0])
    return sorted(first.values())


def _state(app, name: str, other: tuple[str, int, int, int]) -> State:
    """Build the event of state ``name`` and a client per role."""
    other_slug, other_pitch, other_room, other_card = other
    if name == "demo":
        camp = _demo(app)
    elif name == "just_created":
        zone, now = _midday_zone()
        camp = Camp.create(app, "Crawl just created", now.date(), zone)
        camp.get(camp.attendee, "")
    else:
        offset = {"programme_over": -2}.get(name, 0)
        camp = _camp(app, f"Crawl {name}", days_from_today=offset, schedule=name != "no_days")
        _tweak(camp, name)
    slug, fac = camp.slug, camp.fac
    # every state is branded (logo version 1, accent version 2), so its logo and stylesheet are crawled
    ok(post_logo(fac, f"/e/{slug}/facilitate/branding/logo", LOGO_SVG), "logo")
    camp.post(fac, "/facilitate/branding/accent", {"accent-accent": "#6a1b9a"})
    clients = {"anonymous": app.test_client(use_cookies=False), "attendee": camp.attendee, "facilitator": fac}
    clients["other_attendee"] = other_attendee = app.test_client()
    ok(other_attendee.get(f"/e/{other_slug}"), "other event")
    ok(other_attendee.post(f"/e/{other_slug}/pitches/{other_pitch}/vote", data={"on": "1"}), "vote elsewhere")
    clients["attendee_de"] = german = app.test_client()
    ok(german.get(f"/lang/de?next=/e/{slug}"), "switch to German")
    _page(german, f"/e/{slug}")
    clients["revoked_facilitator"] = revoked = app.test_client()
    camp.post(fac, "/facilitate/links", {"label": "crawl co"})
    # the new link is flashed on the next page (the guide, should the console itself be broken)
    flashed = _page(fac, f"/e/{slug}/facilitate") or _page(fac, f"/e/{slug}/guide") or ""
    co_key = re.search(r"/f/([\w-]+)</code>", flashed).group(1)
    camp.get(revoked, f"/f/{co_key}")
    (link,) = camp.ids(FacilitatorLink, FacilitatorLink.event_id == camp.event_id, FacilitatorLink.label == "crawl co")
    camp.rotate(link)
    assert revoked.get(f"/e/{slug}/facilitate").status_code == 403
    clients["projector"] = projector = app.test_client()
    _page(projector, f"/e/{slug}/projector")  # the crawl reports it if it fails
    assert set(clients) == set(ROLES)

    from barcamp.core.partials import _renderers

    rows = _pitch_kinds(camp)
    pitches = one_of_each(rows, lambda r: r[1:])  # each status, level, placed or not
    cards = camp.ids(TipCard, TipCard.event_id == camp.event_id)
    rooms = camp.ids(Room, Room.event_id == camp.event_id)
    code = _db(app, lambda: db.session.scalar(select(Event.join_code).where(Event.id == camp.event_id)))
    feed = re.search(r"mine\.ics\?k=([\w.-]+)", _page(camp.attendee, f"/e/{slug}/grid") or "")
    people = re.search(r"/people\?k=([\w.-]+)", _page(camp.attendee, f"/e/{slug}/people") or "")
    state = State(slug=slug, clients=clients)
    state.values = {
        "slug": [slug],
        "key": [camp.key],
        "events.join_code:code": [code],
        "events.set_language:code": ["de", "en"],
        "name": sorted(_renderers),
        "version": [1, 2, 99],  # the logo's and stylesheet's version: 2 is current, the others redirect
        "pitch_id": pitches or [other_pitch],
        "card_id": sorted({cards[0], cards[-1]}) if cards else [other_card],
    }
    state.borrowed = {n for n, has in (("pitch_id", pitches), ("card_id", cards)) if not has}
    state.query = {
        "pitch": [*one_of_each(rows, lambda r: r[1]), other_pitch, "x"],
        "withdrawn": [*one_of_each(rows, lambda r: r[1]), other_pitch, "x"],  # the list's "Undo" after withdrawing
        "sort": ["new", "top"],
        "lang": ["de", "en", "xx"],  # the join poster's language (xx: not one of ours)
        "room": [*rooms[:1], other_room, "x"],
        "mine": ["1"],
        "pick": [*one_of_each(rows, lambda r: r[3]), "x"],  # the console looks placed and unplaced ones up apart
        "tag": ["python", "Unbekannt"],
        "k": [*(feed.groups() if feed else ()), *(people.groups() if people else ()), "forged"],
        "next": [f"/e/{slug}/grid", "//elsewhere.example/"],
        "v": ["0123456789ab", "x"],  # a static file's version (the favicon serves one)
    }
    return state


# --- crawling ------------------------------------------------------------------------


def _where(exc: BaseException) -> str:
    """The exception, the app line that raised it and the view it came through."""
    frames = traceback.extract_tb(exc.__traceback__)
    start = max((i for i, f in enumerate(frames) if f.name == "dispatch_request"), default=0)
    ours = [
        f
        for f in frames[start:]
        if os.path.normpath(f.filename).startswith(str(ROOT)) and "site-packages" not in f.filename
    ]
    if not ours:
        return f"{type(exc).__name__}: {exc}"

    def at(f):
        return f"{os.path.relpath(os.path.normpath(f.filename), ROOT)}:{f.lineno}"

    code = [f for f in ours if f.filename.endswith(".py")]  # the view or renderer, above any template lines
    via = f" (in {at(code[-1])} {code[-1].name})" if code and code[-1] is not ours[-1] else ""
    return f"{type(exc).__name__}: {exc} at {at(ours[-1])}{via}"


def _fetch(client, url: str) -> tuple[int, str, set[str], str]:
    """GET ``url``: its status, what went wrong (for a 5xx), the query names its view read, its body."""
    READ.clear()
    try:
        r = client.get(url)
    except Exception as exc:  # TESTING propagates a view's exception: in production it is a 500 page
        return 500, _where(exc), set(READ), ""
    body = r.get_data().decode("utf-8", "replace")  # the favicon is not text
    return r.status_code, body[:200] if r.status_code >= 500 else "", set(READ), body


def _page(client, url: str) -> str | None:
    """A page's HTML for building a state, or None if it fails (the crawl reports that)."""
    status, _detail, _read, body = _fetch(client, url)
    return body if status < 400 else None


# Pages for the server's operator, not for any role of the app (tests/core/test_metrics.py opens them).
OPERATOR_ONLY = {"metrics.scrape"}


def crawl(app, state: State) -> list[tuple]:
    """GET every route with every role, then again with each query argument its view read.

    Returns failures as (status, url, role, detail): any 5xx, a query argument the crawl has no
    values for, and any page the facilitator cannot open (the crawl would be testing error pages).
    """
    plan = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static" and "GET" in rule.methods:
            try:
                plan += [(rule, url) for url in rule_urls(rule, state.values)]
            except LookupError as exc:
                pytest.fail(str(exc))
    rank = {endpoint: i + 1 for i, endpoint in enumerate(LAST)}
    plan.sort(key=lambda p: (rank.get(p[0].endpoint, 0), p[1]))
    failures: set[tuple] = set()
    reads: dict[str, set[str]] = {}

    def visit(role, rule, url):
        status, detail, read, _body = _fetch(state.clients[role], url)
        if status >= 500:
            failures.add((status, url, role, detail))
        own = not (state.borrowed & {n for _c, _o, n in ARG.findall(rule.rule)})
        operator = rule.endpoint in OPERATOR_ONLY
        if role == "facilitator" and 400 <= status < 500 and own and "?" not in url and not operator:
            failures.add((status, url, role, "the facilitator cannot open this page, so the crawl misses it"))
        reads.setdefault(url, set()).update(read)

    def variants(url):
        for name in sorted(reads.get(url, set()) - CACHE_ARGS):
            if name not in state.query:
                failures.add((0, url, "-", f"the view reads ?{name}=: give the crawl values for it (_state)"))
            for value in state.query.get(name, []):
                yield url + ("&" if "?" in url else "?") + urlencode({name: value})

    early = [(rule, url) for rule, url in plan if rule.endpoint not in LAST]
    late = [(rule, url) for rule, url in plan if rule.endpoint in LAST]
    for role in ROLES:
        for rule, url in early:
            visit(role, rule, url)
    for role in ROLES:
        for rule, url in early:
            for variant in variants(url):
                visit(role, rule, variant)
    for role in ROLES:
        for rule, url in late:
            visit(role, rule, url)
            for variant in variants(url):
                visit(role, rule, variant)
    return sorted(failures)


def report(failures: list[tuple]) -> str:
    """One line per URL and outcome, naming the roles that got it."""
    groups: dict[tuple, list[str]] = {}
    for status, url, role, detail in failures:
        groups.setdefault((status, url, detail), []).append(role)
    return "\n".join(
        f"{status} GET {url} as {', '.join(roles)}: {detail}" for (status, url, detail), roles in groups.items()
    )


@pytest.fixture(scope="module")
def crawl_app(database_url):
    """One app for the module; each state is its own event in it."""
    with fresh_app(database_url) as app:
        request_started.connect(_watch_args, app)
        yield app
        request_started.disconnect(_watch_args, app)


@pytest.fixture(scope="module")
def states(crawl_app):
    """Each state built once, on first use, next to one other event (for foreign ids and attendees)."""
    other = Camp.create(crawl_app, "Crawl elsewhere", dt.date.today(), "Europe/Berlin")
    other.post(other.fac, "/facilitate/rooms", {"room-name": "Anderswo", "room-capacity": "9"})
    other.pitch(other.fac, "Another event's pitch")
    other.post(other.fac, "/tips/card", {"card-display_name": "Cem", "card-contact_visibility": "never"})
    ids = (
        other.pitch_ids()[0],
        other.ids(Room, Room.event_id == other.event_id)[0],
        other.ids(TipCard, TipCard.event_id == other.event_id)[0],
    )
    built: dict[str, State] = {}

    def get(name: str) -> State:
        if name not in built:
            built[name] = _state(crawl_app, name, (other.slug, *ids))
        return built[name]

    return get


@pytest.mark.parametrize("state", STATES)
def test_every_page_answers_without_server_error(crawl_app, states, state):
    failures = crawl(crawl_app, states(state))
    assert not failures, f"{len(failures)} failed requests in state {state!r}:\n{report(failures)}"


def test_crawl_hears_the_query_arguments_views_read(crawl_app, states):
    state = states("blind_voting")
    heard = {}
    for role, path in (
        ("attendee", "/grid"),
        ("attendee", "/tips"),
        ("attendee", "/questions"),
        ("attendee", "/live/questions?fresh=1"),
        ("facilitator", "/facilitate"),
    ):
        read = _fetch(state.clients[role], f"/e/{state.slug}{path}")[2]
        heard[path] = read - CACHE_ARGS
    assert heard["/grid"] >= {"room", "mine"}
    assert heard["/tips"] >= {"tag"}
    assert heard["/questions"] >= {"pitch", "sort"}
    assert heard["/live/questions?fresh=1"] >= {"pitch", "sort"}
    assert heard["/facilitate"] >= {"pick"}  # the console embeds the planning grid, which reads ?pick=
