"""The public, read-only JSON API: ``/api/v1/events/<slug>``.

Feature modules add their part of the snapshot with ``@section("<key>")``.
Nothing here says who voted, who asked a question, or any contact that was
not made public.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint

from barcamp.core.identity import event_or_404
from barcamp.core.models import Event

bp = Blueprint("api", __name__, url_prefix="/api/v1")
_sections: dict[str, Callable[[Event], object]] = {}


def section(key: str):
    """Register ``fn(event) -> JSON-able`` as one key of the event snapshot."""

    def register(fn):
        _sections[key] = fn
        return fn

    return register


def event_json(event: Event) -> dict:
    """The event itself: name, time zone, join code, rooms, days and their slots."""
    return {
        "slug": event.slug,
        "name": event.name,
        "hashtag": event.hashtag,
        "timezone": event.timezone,
        "join_code": event.join_code,
        "rooms": [{"id": r.id, "name": r.name, "capacity": r.capacity, "location": r.location} for r in event.rooms],
        "days": [
            {
                "id": d.id,
                "date": d.date.isoformat(),
                "label": d.label,
                "slots": [
                    {
                        "id": s.id,
                        "starts_at": s.starts_at.strftime("%H:%M"),
                        "ends_at": s.ends_at.strftime("%H:%M"),
                        "kind": s.kind,
                        "label": s.label,
                    }
                    for s in d.slots
                ],
            }
            for d in event.days
        ],
    }


def snapshot(event: Event) -> dict:
    """The whole public snapshot of an event: the event and every feature's section."""
    data = event_json(event)
    for key, fn in _sections.items():
        data[key] = fn(event)
    return data


@bp.get("/events/<slug>")
def event_snapshot(slug):
    """Public read-only JSON snapshot of an event."""
    return snapshot(event_or_404(slug))
