"""Who is asking: attendees without sign-up, and facilitators by secret link.

The browser holds a signed cookie (Flask's session) with a random browser id,
the attendee id it has in each event, and the facilitator links it opened.
A facilitator link is checked against the database on every request, so
rotating a link revokes every browser that used it.
"""

from __future__ import annotations

import functools
import hashlib
import secrets

from flask import abort, g, session
from sqlalchemy import bindparam, select

from .database import transaction
from .extensions import db
from .models import Attendee, Event, FacilitatorLink


def hash_key(key: str) -> str:
    """SHA-256 of a high-entropy secret (a facilitator key or a question secret)."""
    return hashlib.sha256(key.encode()).hexdigest()


def browser_id() -> str:
    """A random id for this browser, kept in the signed cookie."""
    if "bid" not in session:
        session["bid"] = secrets.token_urlsafe(12)
        session.permanent = True
    return session["bid"]


def current_attendee(event: Event, create: bool = False) -> Attendee | None:
    """This browser's attendee in ``event``; created on first need when ``create``."""
    cache = g.setdefault("attendees", {})
    if event.id in cache:
        return cache[event.id]
    ids = session.get("att", {})
    attendee = db.session.get(Attendee, ids[str(event.id)]) if str(event.id) in ids else None
    if attendee is not None and attendee.event_id != event.id:
        attendee = None
    if attendee is None and create:
        browser_id()
        attendee = db.session.get(Attendee, _new_attendee(event.id))
        session["att"] = {**ids, str(event.id): attendee.id}
    cache[event.id] = attendee
    return attendee


@transaction
def _new_attendee(event_id: int) -> int:
    attendee = Attendee(event_id=event_id)
    db.session.add(attendee)
    db.session.flush()
    return attendee.id


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


def facilitator_required(view):
    """Guard a view taking ``slug``: facilitators of that event only, others get 403."""

    @functools.wraps(view)
    def wrapped(slug, *args, **kwargs):
        event = event_or_404(slug)
        if not is_facilitator(event):
            abort(403)
        return view(event, *args, **kwargs)

    return wrapped
