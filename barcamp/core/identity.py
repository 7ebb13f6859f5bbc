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
from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from barcamp.core.database import core, transaction
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
        attendee = db.session.get(Attendee, attendee_for(event.id, browser_key(event.id)))
        session["att"] = {**ids, str(event.id): attendee.id}
    cache[event.id] = attendee
    return attendee


def remember_attendee(event_id: int, attendee_id: int) -> None:
    """Keep in this browser's cookie the attendee a write (``attendee_for``) made or found."""
    session["att"] = {**session.get("att", {}), str(event_id): attendee_id}
    g.setdefault("attendees", {}).pop(event_id, None)


def browser_key(event_id: int) -> str:
    """What finds this browser's attendee row in an event (an HMAC: the row never holds the browser id)."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"attendee {event_id} {browser_id()}".encode(), hashlib.sha256).hexdigest()[:32]


_FIND_ATTENDEE = select(Attendee.id).where(Attendee.event_id == bindparam("e"), Attendee.browser_key == bindparam("k"))
_MAKE_ATTENDEE = insert(Attendee).returning(Attendee.id)


@transaction
def attendee_for(event_id: int, key: str) -> int:
    """The attendee row of this browser in an event, made if there is none (once, also when asked at once).

    Joins the caller's write, so a vote can make its voter in the same transaction.
    """
    ids = {"e": event_id, "k": key}
    found = core(_FIND_ATTENDEE, ids).scalar()
    if found is not None:
        return found
    try:
        with db.session.begin_nested():
            return core(_MAKE_ATTENDEE, {"event_id": event_id, "browser_key": key}).scalar()
    except IntegrityError:  # the same browser's other request made it a moment ago
        return core(_FIND_ATTENDEE, ids).scalar()


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


def is_facilitator(event: Event | int) -> bool:
    """True if this browser holds a live facilitator link of ``event`` (or the event of that id)."""
    event_id = event if isinstance(event, int) else event.id
    cache = g.setdefault("facilitator", {})
    if event_id not in cache:
        link_id = session.get("fac", {}).get(str(event_id))
        link = db.session.get(FacilitatorLink, link_id) if link_id else None
        cache[event_id] = bool(link and link.event_id == event_id and link.revoked_at is None)
    return cache[event_id]


_EVENT_ID = select(Event.id).where(Event.slug == bindparam("slug"))


# slug -> id, kept by this process (per app) for the vote path. A slug never changes; an event
# that is deleted leaves a stale entry, which the vote finds out (its write matches no row) and
# drops with ``forget_event_id`` before it looks again.
def _event_ids() -> dict[str, int]:
    return current_app.extensions.setdefault("barcamp.event_ids", {})


def event_id_of(slug: str) -> int | None:
    """Just the id of the event with ``slug`` (a vote and a socket's join need no more), or None."""
    known = _event_ids()
    event_id = known.get(slug)
    if event_id is None:
        event_id = core(_EVENT_ID, {"slug": slug}).scalar()
        if event_id is None:
            return None
        if len(known) > 10_000:
            known.clear()
        known[slug] = event_id
    return event_id


def event_id_or_404(slug: str) -> int:
    """The id of the event with ``slug``, or a 404 page."""
    event_id = event_id_of(slug)
    if event_id is None:
        abort(404)
    return event_id


def forget_event_id(slug: str) -> None:
    """Drop a remembered slug -> id (the event may have been deleted)."""
    _event_ids().pop(slug, None)


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
