"""Where a pitch sits in the grid: one placement per pitch, in one slot of one room."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from barcamp.core.extensions import db


class Placement(db.Model):
    """A cell of the grid: a pitch in a room at a slot, or a locked empty cell."""

    __table_args__ = (UniqueConstraint("slot_id", "room_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id", ondelete="CASCADE"))
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="CASCADE"))
    pitch_id: Mapped[int | None] = mapped_column(ForeignKey("pitch.id", ondelete="CASCADE"), unique=True)
    locked: Mapped[bool] = mapped_column(default=False)
    # Set on placements made by one auto-plan run, so the run can be undone.
    autoplan_batch: Mapped[str | None] = mapped_column(String(32), index=True)
