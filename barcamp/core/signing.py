"""Signed private links: a key that names one attendee of one event, for places without the
browser's cookie (a calendar app, a bookmark kept after the event). One mechanism, a salt per use."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from barcamp.core.extensions import db
from barcamp.core.models import Attendee, Event


def _signer(purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def attendee_key(purpose: str, event: Event, attendee: Attendee) -> str:
    """A key that opens ``purpose`` for this attendee of ``event``: their ids, signed."""
    return _signer(purpose).dumps([event.id, attendee.id])


def key_attendee(purpose: str, event: Event, key: str) -> Attendee | None:
    """The attendee a key of ``purpose`` names in ``event``; None for a forged, foreign or other-purpose key."""
    try:
        event_id, attendee_id = _signer(purpose).loads(key)
    except (BadSignature, TypeError, ValueError):
        return None
    attendee = db.session.get(Attendee, attendee_id) if event_id == event.id else None
    return attendee if attendee is not None and attendee.event_id == event.id else None
