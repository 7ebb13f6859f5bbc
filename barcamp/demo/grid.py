"""Demo grid: Saturday is planned (the most wanted sessions in the biggest rooms), Sunday is
left open to try drag and drop and auto-plan; one cell is locked for the organisers."""

from __future__ import annotations

from sqlalchemy import select

from barcamp.core.extensions import db
from barcamp.core.models import Attendee, Event
from barcamp.grid.plan import place, set_lock
from barcamp.grid.reading import host_key
from barcamp.pitches.enums import ACTIVE
from barcamp.pitches.models import Pitch
from barcamp.pitches.votes import interest_counts


def load(event: Event, people: list[Attendee]) -> None:
    """Place 16 pitches on the first day and lock one empty cell."""
    saturday = [s for s in event.days[0].slots if s.kind == "session"]
    rooms = sorted(event.rooms, key=lambda r: -r.capacity)
    if not saturday or not rooms:
        return
    set_lock(event, saturday[0].id, rooms[-1].id, True)  # the organisers' corner
    interest = interest_counts(event.id)
    pitches = db.session.scalars(select(Pitch).where(Pitch.event_id == event.id, Pitch.status == ACTIVE)).all()
    queue = sorted(pitches, key=lambda p: (-interest.get(p.id, 0), p.id))[:16]
    cells = [(slot, room) for room in rooms for slot in saturday if (slot, room) != (saturday[0], rooms[-1])]
    hosts: dict[int, set] = {slot.id: set() for slot in saturday}
    for pitch in queue:
        key = host_key(pitch)
        cell = next(((s, r) for s, r in cells if key is None or key not in hosts[s.id]), None)
        if cell is None:
            continue
        cells.remove(cell)
        hosts[cell[0].id].add(key)
        place(event, pitch.id, cell[0].id, cell[1].id)
