"""Who is asking: attendees without sign-up, and facilitators by secret link.

The browser holds a signed cookie (Flask's session) with a random browser id,
the attendee id it has in each event, and the facilitator links it opened.
A facilitator link is checked against the database on every request, so
rotating a link revokes every browser that used it.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import time

from flask import abort, current_app, g, request, session
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from barcamp.core.database import transaction
from barcamp.core.extensions import db
from barcamp.core.models import Attendee, Event, FacilitatorLink


def hash_key(key: str) -> str:
    """SHA-256 of a high-entropy secret (a facilitator key or a question secret)."""
    return hashlib.sha256(key.encode()).hexdigest()


def browser_id() -> str:
    """A random id for this browser, kept in the signed cookie with when it was made.

    Made on the first visit to an event's pages (no database row: see ``current_attendee``), so
    an identity has an age: posts from brand-new ones share a ceiling per address (ratelimits).
    """
    if "bid" not in session:
        session["bid"] = secrets.token_urlsafe(12)
        session["bid_t"] = int(time.time())
        session.permanent = True
    return session["bid"]


def current_attendee(event: Event, create: bool = False) -> Attendee | None:
    """This browser's attendee in ``event``; created on first need when ``create``.

    Only actions create one (a vote, a pitch, a name, a card): looking at pages never writes a row.
    Asking a question never needs one.
    """
    cache = g.setdefault("attendees", {})
    if event.id in cache and (cache[event.id] is not None or not create):
        return cache[event.id]
    ids = session.get("att", {})
    attendee = db.session.get(Attendee, ids[str(event.id)]) if str(event.id) in ids else None
    if attendee is not None and attendee.event_id != event.id:
        attendee = None
    if attendee is None and create:
        attendee = db.session.get(Attendee, _attendee_for(event.id, _browser_key(event.id)))
        session["att"] = {**ids, str(event.id): attendee.id}
    cache[event.id] = attendee
    return attendee


def _browser_key(event_id: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"attendee {event_id} {browser_id()}".encode(), hashlib.sha256).hexdigest()[:32]


@transaction
def _attendee_for(event_id: int, browser_key: str) -> int:
    """The attendee row of this browser in an event, made if there is none (once, also when asked at once)."""
    find = select(Attendee.id).where(Attendee.event_id == event_id, Attendee.browser_key == browser_key)
    found = db.session.scalar(find)
    if found is not None:
        return found
    try:
        with db.session.begin_nested():
            attendee = Attendee(event_id=event_id, browser_key=browser_key)
            db.session.add(attendee)
        return attendee.id
    except IntegrityError:  # the same browser's other request made it a moment ago
        return db.session.scalar(find)


def init_app(app) -> None:
    """Give a browser its random id on its first look at an event's pages (a cookie, no row)."""

    @app.before_request
    def mint_browser_id():
        if request.method == "GET" and request.view_args and "slug" in request.view_args:
            if request.blueprint not in ("api", "partials"):
                browser_id()


def grant_facilitator(event: Event, key: str) -> bool:
    """Remember in this browser that it opened a valid facilitator link."""
    link = db.session.scalar(
        select(FacilitatorLink).where(
            FacilitatorLink.event_id == event.id,
            FacilitatorLink.key_hash == hash_key(key),
            FacilitatorLink.revoked_at.is_(None),
        )
    )
    if link is None:
        return False
    browser_id()
    session["fac"] = {**session.get("fac", {}), str(event.id): link.id}
    return True


def is_facilitator(event: Event) -> bool:
    """True if this browser holds a live facilitator link of ``event``."""
    cache = g.setdefault("facilitator", {})
    if event.id not in cache:
        link_id = session.get("fac", {}).get(str(event.id))
        link = db.session.get(FacilitatorLink, link_id) if link_id else None
        cache[event.id] = bool(link and link.event_id == event.id and link.revoked_at is None)
    return cache[event.id]


_EVENT_ID = select(Event.id).where(Event.slug == bindparam("slug"))


def event_id_or_404(slug: str) -> int:
    """Just the id of the event with ``slug`` (the vote path needs no more), or a 404."""
    event_id = db.session.scalar(_EVENT_ID, {"slug": slug})
    if event_id is None:
        abort(404)
    return event_id


def current_attendee_id(event_id: int) -> int | None:
    """The attendee id this browser's cookie claims in an event, unchecked (callers check it)."""
    return session.get("att", {}).get(str(event_id))


def event_or_404(slug: str) -> Event:
    """The event with ``slug``, or a 404 page."""
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        abort(404)
    return event


def event_row_or_404(model, event: Event, row_id):
    """The row of ``model`` (a pitch, a question, a room, a day, a slot...) with ``row_id`` that
    belongs to ``event``, or a 404 page: no id of another event's rows works here."""
    row = db.session.get(model, row_id) if row_id is not None else None
    owner = getattr(row, "event_id", None) if not hasattr(row, "day") else row.day.event_id
    if row is None or owner != event.id:
        abort(404)
    return row


def facilitator_required(view):
    """Guard a view taking ``slug``: facilitators of that event only, others get 403."""

    @functools.wraps(view)
    def wrapped(slug, *args, **kwargs):
        event = event_or_404(slug)
        if not is_facilitator(event):
            abort(403)
        return view(event, *args, **kwargs)

    return wrapped
