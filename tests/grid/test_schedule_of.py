"""The programme line on pitch cards (``grid.reading.schedule_of``): its one-query read says exactly
what the whole grid (``build_grid``, ``Grid.when``) says, with one day and with several."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from barcamp.console import bulk
from barcamp.core.extensions import db
from barcamp.core.models import Day, Event, Room, Slot
from barcamp.grid.models import Placement
from barcamp.grid.reading import build_grid, schedule_of
from barcamp.pitches.models import Pitch
from tests.support.world import build


def from_the_whole_grid(event: Event) -> dict[int, tuple[str, str]]:
    """What the cards showed when they were read off the whole grid."""
    grid = build_grid(event)
    several = len(grid.days) > 1
    return {
        cell.pitch.id: (
            f"{row.slot.day.date.isoformat()} " * several + f"{row.slot.starts_at:%H:%M}",
            f"{grid.when(row)} · {cell.room.name}",
        )
        for row in grid.rows
        for cell in row.cells
        if cell.pitch is not None
    }


def test_schedule_of_says_what_the_grid_says_on_one_day_and_on_several(app):
    world = build(app)
    with app.test_request_context():  # day names are formatted in the reader's language
        event = db.session.scalar(select(Event).where(Event.slug == world.slug))
        one_day = schedule_of(event)
        assert one_day == from_the_whole_grid(event) and len(one_day) == 1
        [(key, text)] = one_day.values()
        assert key == "10:00" and text.startswith("10:00 · ")

        first = event.days[0]
        bulk.copy_day(event, first, first.date + dt.timedelta(days=1))
        second = db.session.scalar(select(Day).where(Day.event_id == event.id, Day.id != first.id))
        slot = db.session.scalar(select(Slot).where(Slot.day_id == second.id).order_by(Slot.starts_at.desc()))
        room = db.session.scalar(select(Room).where(Room.event_id == event.id).order_by(Room.id.desc()))
        unplaced = db.session.scalar(
            select(Pitch.id).where(Pitch.event_id == event.id, Pitch.id.not_in(select(Placement.pitch_id)))
        )
        db.session.add(Placement(event_id=event.id, slot_id=slot.id, room_id=room.id, pitch_id=unplaced))
        db.session.commit()
        db.session.expire_all()
        event = db.session.get(Event, event.id)

        several = schedule_of(event)
        assert several == from_the_whole_grid(event) and len(several) == 2
        assert several[unplaced][0] == f"{second.date.isoformat()} 11:15"
