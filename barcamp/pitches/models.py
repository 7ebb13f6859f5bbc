"""Pitches (session ideas) and the votes on them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from barcamp.core.extensions import db
from barcamp.core.models import Tag, utcnow
from barcamp.pitches.enums import ACTIVE

pitch_tag = db.Table(
    "pitch_tag",
    db.Column("pitch_id", ForeignKey("pitch.id", ondelete="CASCADE"), primary_key=True),
    db.Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
)


class Pitch(db.Model):
    """A session idea an attendee (or a facilitator for them) proposes."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    attendee_id: Mapped[int | None] = mapped_column(ForeignKey("attendee.id", ondelete="SET NULL"), index=True)
    # Client-generated id: a pitch re-sent after a dropped connection is stored once.
    client_id: Mapped[str | None] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    host_name: Mapped[str] = mapped_column(String(60), default="")
    level: Mapped[str] = mapped_column(String(12), default="everyone")
    format: Mapped[str] = mapped_column(String(12), default="talk")
    language: Mapped[str] = mapped_column(String(2), default="en")
    status: Mapped[str] = mapped_column(String(10), default=ACTIVE)  # active/withdrawn/hidden/merged
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("pitch.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    tags: Mapped[list[Tag]] = relationship(secondary=pitch_tag, order_by="Tag.name")


class Vote(db.Model):
    """One attendee's "I'd attend" on a pitch; the unique constraint is the rule."""

    __table_args__ = (UniqueConstraint("pitch_id", "attendee_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    pitch_id: Mapped[int] = mapped_column(ForeignKey("pitch.id", ondelete="CASCADE"), index=True)
    attendee_id: Mapped[int] = mapped_column(ForeignKey("attendee.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PitchTimer(db.Model):
    """The event's pitch timer: its length, and when it runs out (running) or what is left (paused).
    Every screen counts down from ``ends_at``, the server's time, so they all show the same second."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), unique=True)
    seconds: Mapped[int] = mapped_column(default=45)
    ends_at: Mapped[dt.datetime | None] = mapped_column()
    left_ms: Mapped[int | None] = mapped_column()  # paused with this much left; None: the full length
    auto_next: Mapped[bool] = mapped_column(default=False)
