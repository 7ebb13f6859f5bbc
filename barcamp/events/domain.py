"""Events: creating one (slug, join code, first facilitator link), facilitator links, profiles."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from barcamp.core import realtime
from barcamp.core.database import transaction
from barcamp.core.errors import DomainError
from barcamp.core.extensions import db
from barcamp.core.identity import hash_key
from barcamp.core.models import Attendee, Day, Event, FacilitatorLink

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def slugify(text: str) -> str:
    """A URL-safe slug from any (German) event name."""
    text = text.replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower())[:50].strip("-") or "barcamp"


@transaction
def create_event(
    name: str, hashtag: str = "", timezone: str = "Europe/Berlin", first_day: dt.date | None = None
) -> tuple[Event, str]:
    """Create an event with one day; return it and its secret facilitator key."""
    slug = base = slugify(name)
    while db.session.scalar(select(Event.id).where(Event.slug == slug)):
        slug = f"{base}-{secrets.token_hex(2)}"
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
    while db.session.scalar(select(Event.id).where(Event.join_code == code)):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
    event = Event(
        slug=slug,
        name=name.strip(),
        hashtag=hashtag.strip().lstrip("#") or None,
        timezone=timezone,
        join_code=code,
    )
    event.days.append(Day(date=first_day or dt.date.today()))
    db.session.add(event)
    db.session.flush()
    key = new_facilitator_link(event, "creator")
    return event, key


@transaction
def new_facilitator_link(event: Event, label: str = "") -> str:
    """Create a facilitator link for ``event`` and return its secret key."""
    key = secrets.token_urlsafe(24)
    db.session.add(FacilitatorLink(event_id=event.id, key_hash=hash_key(key), label=label))
    return key


@transaction
def rotate_facilitator_link(event: Event, link_id: int) -> str:
    """Revoke one facilitator link and issue a replacement with the same label."""
    link = db.session.get(FacilitatorLink, link_id)
    if link is None or link.event_id != event.id or link.revoked_at:
        raise DomainError(_l("We couldn't find that page. Maybe the link is old?"), 404)
    link.revoked_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    realtime.revoke_facilitators(event.id)
    return new_facilitator_link(event, link.label)


@transaction
def update_profile(attendee: Attendee, display_name: str, first_timer: bool) -> None:
    """Set an attendee's optional display name and "first barcamp" flag."""
    attendee.display_name = display_name.strip()
    attendee.first_timer = first_timer


def first_timer_count(event: Event) -> int:
    """How many attendees said this is their first barcamp (facilitators see only this)."""
    return db.session.scalar(select(func.count(Attendee.id)).where(Attendee.event_id == event.id, Attendee.first_timer))
