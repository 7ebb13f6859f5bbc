"""Setting up in minutes: a day from a template, a copy of a day, rooms pasted as lines."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _

from barcamp.core import realtime, rules
from barcamp.core.database import transaction
from barcamp.core.errors import DomainError
from barcamp.core.extensions import db
from barcamp.core.models import Day, Event, Room, Slot


@dataclass(frozen=True)
class DayTemplate:
    """How a day runs: sessions of ``session`` minutes from ``start`` to ``end`` with ``pause``
    minutes between them, and a lunch of ``lunch`` minutes at the first gap from ``lunch_at``."""

    start: dt.time
    end: dt.time
    session: int
    pause: int = 0
    lunch_at: dt.time | None = None
    lunch: int = 0


def _at(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60)


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def template_slots(t: DayTemplate) -> list[tuple[dt.time, dt.time, str]]:
    """The slots a template makes, in order: (start, end, kind); lunch is a break."""
    if t.session <= 0:
        raise DomainError(_("A session needs a length in minutes."))
    slots, now, end = [], _minutes(t.start), _minutes(t.end)
    lunch_due = t.lunch_at is not None and t.lunch > 0
    while now + t.session <= end:
        if lunch_due and now >= _minutes(t.lunch_at) and now + t.lunch <= end:
            slots.append((_at(now), _at(now + t.lunch), "break"))
            now, lunch_due = now + t.lunch, False
            continue
        slots.append((_at(now), _at(now + t.session), "session"))
        now += t.session + t.pause
    return slots


def _free(day: Day, start: dt.time, end: dt.time) -> bool:
    return not any(rules.overlaps((s.starts_at, s.ends_at), (start, end)) for s in day.slots)


def _day_on(event: Event, date: dt.date) -> Day:
    day = next((d for d in event.days if d.date == date), None)
    if day is None:
        day = Day(event_id=event.id, date=date, label="")
        event.days.append(day)
        db.session.add(day)
    return day


def _add_slots(day: Day, slots: list[tuple[dt.time, dt.time, str, str]]) -> int:
    """Add the slots that overlap none of the day's; the day's own slots stay as they are."""
    added = 0
    for start, end, kind, label in slots:
        if _free(day, start, end):
            day.slots.append(Slot(starts_at=start, ends_at=end, kind=kind, label=label))
            added += 1
    return added


@transaction
def apply_template(event: Event, date: dt.date, template: DayTemplate, lunch_label: str = "") -> int:
    """Give the day on ``date`` (made if missing) the template's slots; returns how many were added."""
    day = _day_on(event, date)
    slots = [(s, e, k, lunch_label if k == "break" else "") for s, e, k in template_slots(template)]
    added = _add_slots(day, slots)
    realtime.changed(event.id, "rooms")
    return added


@transaction
def copy_day(event: Event, source: Day, date: dt.date) -> int:
    """Copy a day's slots (times, kinds, labels) to the day on ``date``, made if missing."""
    if date == source.date:
        raise DomainError(_("Pick another date to copy this day to."))
    slots = [(s.starts_at, s.ends_at, s.kind, s.label) for s in source.slots]
    added = _add_slots(_day_on(event, date), slots)
    realtime.changed(event.id, "rooms")
    return added


def parse_rooms(text: str) -> list[tuple[str, int, str]]:
    """Pasted lines "Aula, 120, Ground floor" (or tab-separated, as from a spreadsheet) as
    (name, capacity, location); a line that cannot be read is refused with its number."""
    rooms = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in (line.split("\t") if "\t" in line else line.split(",", 2))]
        name, capacity, location = (parts + ["", ""])[:3]
        if not name or not capacity.isdigit() or not 1 <= int(capacity) <= 100_000 or len(name) > 60:
            raise DomainError(
                _("Line %(n)s: please write a name and how many people fit, e.g. “Aula, 120, Ground floor”.", n=number)
            )
        rooms.append((name, int(capacity), location[:120]))
    if not rooms:
        raise DomainError(_("Paste one room a line, e.g. “Aula, 120, Ground floor”."))
    return rooms


@transaction
def add_rooms(event: Event, rooms: list[tuple[str, int, str]]) -> int:
    """Add the pasted rooms; a name the event already has updates that room instead."""
    known = {r.name.casefold(): r for r in event.rooms}
    for name, capacity, location in rooms:
        room = known.get(name.casefold()) or Room(event_id=event.id, name=name)
        room.capacity, room.location = capacity, location
        db.session.add(room)
        known[name.casefold()] = room
    realtime.changed(event.id, "rooms")
    return len(rooms)
