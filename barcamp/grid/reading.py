"""Reading the grid: cells of rooms × session slots with interest, the unscheduled queue,
warnings (shown, never blocking), and what runs now and next.

Breaks and plenaries span all rooms: their rows have no cells.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from barcamp.core import dates, zones
from barcamp.core.extensions import db
from barcamp.core.models import Day, Event, Room, Slot
from barcamp.grid.models import Placement
from barcamp.pitches.enums import ACTIVE
from barcamp.pitches.models import Pitch
from barcamp.pitches.votes import interest_counts


@dataclass
class Cell:
    slot: Slot
    room: Room
    placement: Placement | None = None
    pitch: Pitch | None = None
    interest: int = 0
    warnings: list[str] = field(default_factory=list)  # kinds: capacity, host, empty

    @property
    def key(self) -> str:
        return f"{self.slot.id}-{self.room.id}"

    @property
    def locked(self) -> bool:
        return bool(self.placement and self.placement.locked)

    @property
    def free(self) -> bool:
        """Empty and unlocked: auto-plan may use it."""
        return self.pitch is None and not self.locked


@dataclass
class Row:
    slot: Slot
    starts: dt.datetime
    ends: dt.datetime
    cells: list[Cell]  # empty for breaks and plenaries (they span all rooms)


@dataclass
class GridWarning:
    kind: str  # capacity / host / empty
    row: Row
    cells: list[Cell]
    interest: int = 0
    suggestion: Cell | None = None  # capacity: a bigger free room in the same slot


@dataclass
class Grid:
    event: Event
    rooms: list[Room]
    days: list[tuple]  # (Day, [Row])
    unscheduled: list[tuple[Pitch, int]]
    warnings: list[GridWarning]
    latest_batch: str | None
    batch_size: int

    @property
    def rows(self) -> list[Row]:
        return [row for _day, rows in self.days for row in rows]

    def when(self, row: Row) -> str:
        """A slot's start for messages: "14:00", with the day when the event has several."""
        start = row.slot.starts_at.strftime("%H:%M")
        if len(self.days) > 1:
            return f"{dates.day_short(row.slot.day)} {start}"
        return start


def event_tz(event: Event) -> dt.tzinfo:
    """The event's time zone (UTC if the stored name is unknown)."""
    return zones.zone(event.timezone)


def host_key(pitch: Pitch) -> tuple | None:
    """Who hosts a pitch: its attendee when known, else its normalised host name."""
    if pitch.attendee_id:
        return ("attendee", pitch.attendee_id)
    name = " ".join((pitch.host_name or "").split()).casefold()
    return ("name", name) if name else None


def build_grid(event: Event) -> Grid:
    """The whole grid of an event, with interest, the unscheduled queue and warnings."""
    tz = event_tz(event)
    rooms = list(event.rooms)
    placements = {
        (p.slot_id, p.room_id): p for p in db.session.scalars(select(Placement).where(Placement.event_id == event.id))
    }
    pitches = {
        p.id: p for p in db.session.scalars(select(Pitch).where(Pitch.event_id == event.id, Pitch.status == ACTIVE))
    }
    interest = interest_counts(event.id)
    placed: set[int] = set()
    days = []
    for day in event.days:
        rows = []
        for slot in day.slots:
            starts = dt.datetime.combine(day.date, slot.starts_at, tz)
            ends = dt.datetime.combine(day.date, slot.ends_at, tz)
            cells = []
            if slot.kind == "session":
                for room in rooms:
                    placement = placements.get((slot.id, room.id))
                    pitch = pitches.get(placement.pitch_id) if placement and placement.pitch_id else None
                    if pitch:
                        placed.add(pitch.id)
                    cells.append(Cell(slot, room, placement, pitch, interest.get(pitch.id, 0) if pitch else 0))
            rows.append(Row(slot, starts, ends, cells))
        days.append((day, rows))
    unscheduled = sorted(
        ((p, interest.get(p.id, 0)) for p in pitches.values() if p.id not in placed),
        key=lambda pi: (-pi[1], pi[0].created_at, pi[0].id),
    )
    batch = latest_batch(event)
    size = len(db.session.scalars(select(Placement.id).where(Placement.autoplan_batch == batch)).all()) if batch else 0
    grid = Grid(event, rooms, days, unscheduled, [], batch, size)
    grid.warnings = _warnings(grid)
    return grid


def _warnings(grid: Grid) -> list[GridWarning]:
    """Conflicts to show, never to block: over capacity, host twice in a slot, empty room in a popular slot."""
    warnings = []
    session_rows = [r for r in grid.rows if r.cells]
    totals = {r.slot.id: sum(c.interest for c in r.cells if c.pitch) for r in session_rows}
    used = [t for r in session_rows if any(c.pitch for c in r.cells) for t in [totals[r.slot.id]]]
    mean = sum(used) / len(used) if used else 0
    for row in session_rows:
        free = [c for c in row.cells if c.free]
        for cell in row.cells:
            if cell.pitch and cell.interest > cell.room.capacity:
                bigger = [c for c in free if c.room.capacity > cell.room.capacity]
                fitting = [c for c in bigger if c.room.capacity >= cell.interest]
                suggestion = (
                    min(fitting, key=lambda c: c.room.capacity)
                    if fitting
                    else max(bigger, key=lambda c: c.room.capacity, default=None)
                )
                cell.warnings.append("capacity")
                warnings.append(GridWarning("capacity", row, [cell], cell.interest, suggestion))
        by_host: dict[tuple, list[Cell]] = {}
        for cell in row.cells:
            key = host_key(cell.pitch) if cell.pitch else None
            if key:
                by_host.setdefault(key, []).append(cell)
        for cells in by_host.values():
            if len(cells) > 1:
                for cell in cells:
                    cell.warnings.append("host")
                warnings.append(GridWarning("host", row, cells))
        total = totals[row.slot.id]
        if free and total > 0 and total >= mean:
            for cell in free:
                cell.warnings.append("empty")
            warnings.append(GridWarning("empty", row, free, total))
    return warnings


def now_next(grid: Grid, now: dt.datetime | None = None) -> tuple[Row | None, Row | None, dt.datetime | None]:
    """The slot running now, the one after it, and when this answer next changes."""
    now = now or dt.datetime.now(event_tz(grid.event))
    rows = grid.rows
    current = next((r for r in rows if r.starts <= now < r.ends), None)
    upcoming = next((r for r in rows if r.starts >= (current.ends if current else now)), None)
    boundaries = [t for r in rows for t in (r.starts, r.ends) if t > now]
    return current, upcoming, min(boundaries, default=None)


def sessions_held(event: Event, now: dt.datetime | None = None) -> int:
    """Sessions on the grid whose slot has begun (all of them, once the event is over)."""
    grid = build_grid(event)
    now = now or dt.datetime.now(event_tz(event))
    return sum(1 for row in grid.rows if row.starts <= now for cell in row.cells if cell.pitch)


def day_on_screen(grid: Grid, today: dt.date | None = None):
    """The day the projector shows: today, else the next day, else the last day."""
    today = today or dt.datetime.now(event_tz(grid.event)).date()
    if not grid.days:
        return None, []
    for day, rows in grid.days:
        if day.date >= today:
            return day, rows
    return grid.days[-1]


def latest_batch(event: Event) -> str | None:
    """The newest auto-plan run that still has placements (what "undo" takes back)."""
    return db.session.scalar(
        select(Placement.autoplan_batch)
        .where(Placement.event_id == event.id, Placement.autoplan_batch.is_not(None))
        .order_by(Placement.id.desc())
        .limit(1)
    )


def schedule_of(event: Event) -> dict[int, tuple[str, str]]:
    """Where and when each placed pitch is, for its card: ``{pitch_id: (sort key, "Sat 10:15 · Aula")}``.

    The day is named when the event has several, as in the notices (``plan._moved``); so is the
    sort key ("2026-12-05 10:15", else "10:15"), which phones keep up to date from those notices.
    Every attendee page asks for it, so it reads only the placed cells in one query, not the whole
    grid (``build_grid``: interest, warnings, the queue), and says the same as ``Grid.when``.
    """
    placed = db.session.execute(
        select(Placement.pitch_id, Slot, Room.name)
        .join(Slot, Slot.id == Placement.slot_id)
        .join(Room, Room.id == Placement.room_id)
        .join(Pitch, Pitch.id == Placement.pitch_id)
        .join(Day, Day.id == Slot.day_id)
        .where(
            Placement.event_id == event.id,
            Day.event_id == event.id,
            Room.event_id == event.id,
            Slot.kind == "session",
            Pitch.status == ACTIVE,
        )
    ).all()
    if not placed:
        return {}
    several = len(event.days) > 1
    out = {}
    for pitch_id, slot, room_name in placed:
        start = f"{slot.starts_at:%H:%M}"
        key = f"{slot.day.date.isoformat()} " * several + start
        when = f"{dates.day_short(slot.day)} {start}" if several else start
        out[pitch_id] = (key, f"{when} · {room_name}")
    return out
