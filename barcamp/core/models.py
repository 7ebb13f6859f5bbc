"""The shared tables: the event and its days, slots, rooms, attendees and tags. Each feature
keeps its own tables in its own ``models.py``; ``barcamp.models`` lists them all."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from barcamp.core.extensions import db


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def this_hour() -> dt.datetime:
    """Now, to the hour: when an anonymous question was asked is kept no finer than that, so its
    time can't be matched to what one person did at that second (a vote, a log line)."""
    return utcnow().replace(minute=0, second=0, microsecond=0)


class Event(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    hashtag: Mapped[str | None] = mapped_column(String(60))
    timezone: Mapped[str] = mapped_column(String(60), default="Europe/Berlin")
    join_code: Mapped[str] = mapped_column(String(12), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Pitching and voting
    voting_open: Mapped[bool] = mapped_column(default=True)
    vote_budget: Mapped[int | None] = mapped_column()  # None = unlimited
    blind_voting: Mapped[bool] = mapped_column(default=False)
    # The pitch in the "now pitching" spotlight; a soft reference (no FK, no cycle).
    spotlight_pitch_id: Mapped[int | None] = mapped_column()
    # What the projector shows: welcome, pitches, grid, nownext, wall
    projector_mode: Mapped[str] = mapped_column(String(20), default="welcome")
    # Its look: dark or light (core.enums.PROJECTOR_THEMES)
    projector_theme: Mapped[str] = mapped_column(String(10), default="dark", server_default="dark")
    # Question wall
    premoderation: Mapped[bool] = mapped_column(default=False)
    report_threshold: Mapped[int] = mapped_column(default=3)

    days: Mapped[list[Day]] = relationship(back_populates="event", cascade="all, delete-orphan", order_by="Day.date")
    rooms: Mapped[list[Room]] = relationship(
        back_populates="event",
        cascade="all, delete-orphan",
        order_by="(Room.capacity.desc(), Room.id)",
    )


class FacilitatorLink(db.Model):
    """A secret link granting facilitator rights; only the key's hash is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column()


class Day(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column()
    label: Mapped[str] = mapped_column(String(60), default="")

    event: Mapped[Event] = relationship(back_populates="days")
    slots: Mapped[list[Slot]] = relationship(
        back_populates="day", cascade="all, delete-orphan", order_by="Slot.starts_at"
    )


class Slot(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("day.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[dt.time] = mapped_column()
    ends_at: Mapped[dt.time] = mapped_column()
    kind: Mapped[str] = mapped_column(String(10), default="session")  # session/break/plenary
    label: Mapped[str] = mapped_column(String(80), default="")

    day: Mapped[Day] = relationship(back_populates="slots")


class Room(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    capacity: Mapped[int] = mapped_column()
    location: Mapped[str] = mapped_column(String(120), default="")

    event: Mapped[Event] = relationship(back_populates="rooms")


class Attendee(db.Model):
    """A per-browser, per-event identity; the browser holds its id in a signed cookie.

    ``browser_key`` is an HMAC of the browser's random id (which only the browser holds): a
    new phone's first taps, sent at once, find one row instead of making one each.
    """

    __table_args__ = (UniqueConstraint("event_id", "browser_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    browser_key: Mapped[str | None] = mapped_column(String(32))
    display_name: Mapped[str] = mapped_column(String(60), default="")
    first_timer: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Tag(db.Model):
    """A free tag of an event, shared by pitches, tips and tip cards."""

    __table_args__ = (UniqueConstraint("event_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(30))
