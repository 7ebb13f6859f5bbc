"""Setting up an event: rooms, days, time slots, the event's details and the projector's mode."""

from __future__ import annotations

import datetime as dt

from barcamp.core import realtime, rules
from barcamp.core.database import transaction
from barcamp.core.extensions import db
from barcamp.core.models import Day, Event, Room, Slot


@transaction
def save_room(event: Event, room: Room | None, name: str, capacity: int, location: str) -> Room:
    """Add a room, or rename/resize an existing one."""
    room = room or Room(event_id=event.id)
    room.name, room.capacity, room.location = name.strip(), capacity, location.strip()
    db.session.add(room)
    realtime.changed(event.id, "rooms")
    return room


@transaction
def delete_room(event: Event, room: Room) -> None:
    """Remove a room (and whatever was placed in it)."""
    db.session.delete(room)
    realtime.changed(event.id, "rooms")


@transaction
def save_day(event: Event, day: Day | None, date: dt.date, label: str) -> Day:
    """Add a day or change its date and label."""
    day = day or Day(event_id=event.id)
    day.date, day.label = date, label.strip()
    db.session.add(day)
    realtime.changed(event.id, "rooms")
    return day


@transaction
def delete_day(event: Event, day: Day) -> None:
    """Remove a day with its slots."""
    db.session.delete(day)
    realtime.changed(event.id, "rooms")


def overlapping_slot(day: Day, start: dt.time, end: dt.time, ignore: Slot | None = None) -> Slot | None:
    """The first slot of ``day`` that overlaps [start, end), if any."""
    for slot in day.slots:
        if slot is not ignore and rules.overlaps((slot.starts_at, slot.ends_at), (start, end)):
            return slot
    return None


@transaction
def save_slot(event: Event, slot: Slot | None, day: Day, start: dt.time, end: dt.time, kind: str, label: str) -> Slot:
    """Add a time slot or change one; the caller has checked for overlaps."""
    slot = slot or Slot()
    slot.day_id, slot.starts_at, slot.ends_at, slot.kind, slot.label = day.id, start, end, kind, label.strip()
    db.session.add(slot)
    realtime.changed(event.id, "rooms")
    return slot


@transaction
def delete_slot(event: Event, slot: Slot) -> None:
    """Remove a time slot."""
    db.session.delete(slot)
    realtime.changed(event.id, "rooms")


@transaction
def set_projector_mode(event: Event, mode: str) -> None:
    """Choose what the projector shows."""
    event.projector_mode = mode
    realtime.changed(event.id, "projector")


@transaction
def set_projector_theme(event: Event, theme: str) -> None:
    """Choose the projector's look (enums.PROJECTOR_THEMES); it changes live."""
    event.projector_theme = theme
    realtime.changed(event.id, "projector")


@transaction
def update_event(event: Event, name: str, hashtag: str, timezone: str) -> None:
    """Rename the event or change its hashtag and time zone."""
    event.name, event.hashtag, event.timezone = name.strip(), hashtag.strip().lstrip("#") or None, timezone
    realtime.changed(event.id, "projector")
