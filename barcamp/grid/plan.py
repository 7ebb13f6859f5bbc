"""The grid's rules: place, move, swap, unschedule, lock, auto-plan and its undo.

A cell is a room at a session slot. Breaks and plenaries span all rooms and take
no placements. A ``Placement`` row exists for a cell that holds a pitch or is
locked; an empty unlocked cell has no row.
"""

from __future__ import annotations

import uuid

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from barcamp.core import realtime
from barcamp.core.database import transaction
from barcamp.core.errors import DomainError
from barcamp.core.extensions import db
from barcamp.core.models import Event, Room, Slot
from barcamp.grid.models import Placement
from barcamp.grid.reading import build_grid, host_key, latest_batch
from barcamp.pitches.enums import ACTIVE
from barcamp.pitches.models import Pitch


def _slot(event: Event, slot_id: int) -> Slot:
    slot = db.session.get(Slot, slot_id)
    if slot is None or slot.day.event_id != event.id:
        raise DomainError(_l("That time slot does not exist (any more)."))
    if slot.kind != "session":
        raise DomainError(_l("Breaks and plenaries span all rooms: no session can be placed there."))
    return slot


def _room(event: Event, room_id: int) -> Room:
    room = db.session.get(Room, room_id)
    if room is None or room.event_id != event.id:
        raise DomainError(_l("That room does not exist (any more)."))
    return room


def _pitch(event: Event, pitch_id: int) -> Pitch:
    pitch = db.session.get(Pitch, pitch_id)
    if pitch is None or pitch.event_id != event.id or pitch.status != ACTIVE:
        raise DomainError(_l("That pitch is no longer open for scheduling."))
    return pitch


def _cell_row(slot_id: int, room_id: int) -> Placement | None:
    return db.session.scalar(select(Placement).where(Placement.slot_id == slot_id, Placement.room_id == room_id))


def _moved(pitch: Pitch, placement: Placement | None, placed: bool = False) -> dict:
    """What phones that follow the pitch are told: where it is now (placed: it just got on the grid).

    The day goes as data (its date and label, when the event has several days): each phone names
    it in its own language, which need not be the facilitator's.
    """
    where = {"room": None, "start": None, "day": None, "day_label": ""}
    if placement is not None:
        slot, room = db.session.get(Slot, placement.slot_id), db.session.get(Room, placement.room_id)
        where.update(room=room.name, start=slot.starts_at.strftime("%H:%M"))
        if len(slot.day.event.days) > 1:
            where.update(day=slot.day.date.isoformat(), day_label=slot.day.label)
    return {"pitch_id": pitch.id, "title": pitch.title, "placed": placed, **where}


def _release(placement: Placement) -> None:
    """Empty a cell: keep it only when locked."""
    placement.pitch_id, placement.autoplan_batch = None, None
    db.session.flush()
    if not placement.locked:
        db.session.delete(placement)
        db.session.flush()


@transaction
def place(event: Event, pitch_id: int, slot_id: int, room_id: int) -> list[dict]:
    """Put a pitch into a cell: a placement, a move, or a swap with the cell's session."""
    pitch, slot, room = _pitch(event, pitch_id), _slot(event, slot_id), _room(event, room_id)
    source = db.session.scalar(select(Placement).where(Placement.pitch_id == pitch.id))
    target = _cell_row(slot.id, room.id)
    if source is not None and source is target:
        return []
    displaced = None
    if target is not None and target.pitch_id:
        other = db.session.get(Pitch, target.pitch_id)
        displaced = other if other.status == ACTIVE else None
    # Free the pitch (unique) before it lands in the target, one statement at a time.
    if source is not None:
        source.pitch_id, source.autoplan_batch = None, None
        db.session.flush()
    if target is None:
        target = Placement(event_id=event.id, slot_id=slot.id, room_id=room.id)
        db.session.add(target)
    target.pitch_id, target.autoplan_batch = pitch.id, None
    db.session.flush()
    moved = [_moved(pitch, target, placed=source is None)]
    if displaced is not None and source is not None:  # a swap
        source.pitch_id = displaced.id
        db.session.flush()
        moved.append(_moved(displaced, source))
    elif source is not None:
        _release(source)
    if displaced is not None and source is None:
        moved.append(_moved(displaced, None))  # back to the unscheduled queue
    realtime.changed(event.id, "grid", now=True, moved=moved)
    return moved


@transaction
def unschedule(event: Event, pitch_id: int) -> list[dict]:
    """Take a pitch off the grid (back to the unscheduled queue)."""
    pitch = db.session.get(Pitch, pitch_id)
    if pitch is None or pitch.event_id != event.id:
        raise DomainError(_l("That pitch is no longer open for scheduling."))
    source = db.session.scalar(select(Placement).where(Placement.pitch_id == pitch.id))
    if source is None:
        return []
    _release(source)
    moved = [_moved(pitch, None)] if pitch.status == ACTIVE else []
    realtime.changed(event.id, "grid", now=True, moved=moved)
    return moved


@transaction
def set_lock(event: Event, slot_id: int, room_id: int, locked: bool) -> None:
    """Lock a cell (auto-plan leaves it alone, empty or not) or unlock it."""
    slot, room = _slot(event, slot_id), _room(event, room_id)
    row = _cell_row(slot.id, room.id)
    if locked:
        if row is None:
            row = Placement(event_id=event.id, slot_id=slot.id, room_id=room.id)
            db.session.add(row)
        row.locked, row.autoplan_batch = True, None  # a locked cell is the facilitator's decision
    elif row is not None:
        row.locked = False
        if row.pitch_id is None:
            db.session.delete(row)
    realtime.changed(event.id, "grid", now=True)


@transaction
def autoplan(event: Event) -> tuple[str | None, int]:
    """Place the unscheduled pitches: most interest into the biggest rooms, never a host twice in a slot.

    Locked cells and placed sessions stay. Returns the run's batch id (None if nothing
    could be placed, in which case nothing changed) and how many were placed.
    """
    grid = build_grid(event)
    busy: dict[int, set] = {}
    for row in grid.rows:
        busy[row.slot.id] = {host_key(c.pitch) for c in row.cells if c.pitch} - {None}
    order = {row.slot.id: i for i, row in enumerate(grid.rows)}
    free = sorted(
        (c for row in grid.rows for c in row.cells if c.free),
        key=lambda c: (-c.room.capacity, c.room.id, order[c.slot.id]),
    )
    plan = []
    for pitch, _interest in grid.unscheduled:
        key = host_key(pitch)
        cell = next((c for c in free if key is None or key not in busy[c.slot.id]), None)
        if cell is None:
            continue
        free.remove(cell)
        if key:
            busy[cell.slot.id].add(key)
        plan.append((pitch, cell))
    if not plan:
        return None, 0
    batch = uuid.uuid4().hex
    moved = []
    for pitch, cell in plan:
        if cell.placement is not None:  # a row left by a withdrawn pitch
            db.session.delete(cell.placement)
            db.session.flush()
        row = Placement(
            event_id=event.id, slot_id=cell.slot.id, room_id=cell.room.id, pitch_id=pitch.id, autoplan_batch=batch
        )
        db.session.add(row)
        moved.append(_moved(pitch, row, placed=True))
    realtime.changed(event.id, "grid", now=True, moved=moved)
    return batch, len(plan)


@transaction
def undo_autoplan(event: Event, batch: str | None = None) -> int:
    """Take back one auto-plan run (the newest by default); sessions moved by hand since then stay."""
    batch = batch or latest_batch(event)
    if not batch:
        return 0
    rows = db.session.scalars(
        select(Placement).where(Placement.event_id == event.id, Placement.autoplan_batch == batch)
    ).all()
    pitches = db.session.scalars(select(Pitch).where(Pitch.id.in_([r.pitch_id for r in rows if r.pitch_id]))).all()
    for row in rows:
        _release(row)
    # Phones that follow these sessions hear they left the programme.
    moved = [_moved(pitch, None) for pitch in pitches if pitch.status == ACTIVE]
    if rows:
        realtime.changed(event.id, "grid", now=True, moved=moved)
    return len(rows)
