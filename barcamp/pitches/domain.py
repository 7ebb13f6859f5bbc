"""Pitches' rules: create, edit, withdraw, hide and restore, and the shared list's order.
No request and no HTML here: the live card goes out through ``core.partials.push_item``."""

from __future__ import annotations

import uuid
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from barcamp.core import realtime
from barcamp.core.database import transaction
from barcamp.core.errors import DomainError
from barcamp.core.extensions import db
from barcamp.core.models import Attendee, Event, Tag
from barcamp.core.partials import push_item
from barcamp.core.tags import get_tags
from barcamp.pitches.enums import ACTIVE
from barcamp.pitches.models import Pitch, pitch_tag


def event_tags(event: Event) -> list[str]:
    """Tag names already used by the event's pitches, most used first."""
    rows = db.session.execute(
        select(Tag.name)
        .join(pitch_tag, pitch_tag.c.tag_id == Tag.id)
        .where(Tag.event_id == event.id)
        .group_by(Tag.name)
        .order_by(func.count().desc(), Tag.name)
        .limit(40)
    )
    return [name for (name,) in rows]


@transaction
def create_pitch(event: Event, attendee: Attendee | None, *, client_id: str | None = None, **fields) -> Pitch:
    """Store a new pitch; a re-sent form (same client_id) returns the stored one. Another title
    under a used client_id (an old page from the back button) is a new pitch."""
    if client_id:
        existing = db.session.scalar(select(Pitch).where(Pitch.client_id == client_id))
        if existing is not None:
            if existing.event_id != event.id:
                raise DomainError(_l("Something in that request was not right. Please go back and try again."))
            if existing.title == fields.get("title"):
                return existing
            client_id = uuid.uuid4().hex
    tags = fields.pop("tags", [])
    pitch = Pitch(event_id=event.id, attendee_id=attendee.id if attendee else None, client_id=client_id, **fields)
    pitch.tags = get_tags(event.id, tags)
    db.session.add(pitch)
    db.session.flush()
    if pitch.status == ACTIVE:  # a held pitch shows nowhere but in the facilitators' queue
        push_item(event.id, "pitches", pitch.id, f"pitch-{pitch.id}", now=True)
        realtime.changed(event.id, "spotlight")
    realtime.changed(event.id, "pitchqueue", facilitators_only=True)
    return pitch


@transaction
def update_pitch(pitch: Pitch, **fields) -> Pitch:
    """Edit a pitch's text, host, tags, level, format or language."""
    tags = fields.pop("tags", None)
    for key, value in fields.items():
        setattr(pitch, key, value)
    if tags is not None:
        pitch.tags = get_tags(pitch.event_id, tags)
    push_item(pitch.event_id, "pitches", pitch.id, f"pitch-{pitch.id}")
    realtime.changed(pitch.event_id, "spotlight")
    realtime.changed(pitch.event_id, "pitchqueue", facilitators_only=True)
    return pitch


@transaction
def set_status(pitch: Pitch, status: str) -> None:
    """Withdraw, hide or restore a pitch (its votes stay, but no longer count)."""
    pitch.status = status
    if status == ACTIVE:  # restored: it goes back to its place in the list
        realtime.changed(pitch.event_id, "pitches")
    else:
        realtime.changed(pitch.event_id, "pitches", gone=f"pitch-{pitch.id}")
    realtime.changed(pitch.event_id, "spotlight")
    realtime.changed(pitch.event_id, "pitchqueue", facilitators_only=True)
    realtime.tally(pitch.event_id, "votes")


def _active(event: Event) -> tuple:
    return Pitch.event_id == event.id, Pitch.status == ACTIVE


_PITCHED = (Pitch.created_at, Pitch.id)  # the list's order: as they were pitched


def queue(event: Event) -> list[Pitch]:
    """The event's active pitches in the order they were pitched."""
    return db.session.scalars(
        select(Pitch)
        .where(*_active(event))
        .order_by(*_PITCHED)
        .options(selectinload(Pitch.tags))  # one query for every card's tags, not one per card
    ).all()


class TagName(NamedTuple):
    name: str


class Card(NamedTuple):
    """What a pitch card shows, read as plain rows (the attendee page's list: no ORM objects to load)."""

    id: int
    title: str
    host_name: str | None
    level: str
    format: str
    language: str
    description: str | None
    tags: tuple[TagName, ...]


_CARD_COLUMNS = (Pitch.id, Pitch.title, Pitch.host_name, Pitch.level, Pitch.format, Pitch.language, Pitch.description)


def cards(event: Event) -> list[Card]:
    """``queue(event)`` as plain rows, in the same order, with the tags in the same order: two
    narrow queries. A join of 2,000 phones spent 17% of its CPU loading the ORM objects."""
    active = _active(event)
    tags: dict[int, list[TagName]] = {}
    for pitch_id, name in db.session.execute(
        select(pitch_tag.c.pitch_id, Tag.name)
        .join(Tag, Tag.id == pitch_tag.c.tag_id)
        .join(Pitch, Pitch.id == pitch_tag.c.pitch_id)
        .where(*active)
        .order_by(pitch_tag.c.pitch_id, Tag.name)
    ):
        tags.setdefault(pitch_id, []).append(TagName(name))
    rows = db.session.execute(select(*_CARD_COLUMNS).where(*active).order_by(*_PITCHED))
    return [Card(*row, tuple(tags.get(row[0], ()))) for row in rows]
