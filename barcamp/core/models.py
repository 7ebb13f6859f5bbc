"""Database tables. Models stay slim: behaviour lives in the feature modules.

Anonymity rule: ``Question`` has no column that points at an attendee. Votes
and reports on questions reference the voter, never the author.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
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
    status: Mapped[str] = mapped_column(String(10), default="active")  # active/withdrawn/hidden/merged
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


class Question(db.Model):
    """An anonymous question. Deliberately no attendee reference, IP or user agent."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    pitch_id: Mapped[int | None] = mapped_column(ForeignKey("pitch.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(10), default="visible")  # pending/visible/hidden
    answered: Mapped[bool] = mapped_column(default=False)
    pinned: Mapped[bool] = mapped_column(default=False)
    # Hash of a random secret that only the author's browser holds.
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    promoted_pitch_id: Mapped[int | None] = mapped_column(ForeignKey("pitch.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=this_hour)


class QuestionVote(db.Model):
    __table_args__ = (UniqueConstraint("question_id", "attendee_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    attendee_id: Mapped[int] = mapped_column(ForeignKey("attendee.id", ondelete="CASCADE"))


class QuestionReport(db.Model):
    __table_args__ = (UniqueConstraint("question_id", "attendee_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    attendee_id: Mapped[int] = mapped_column(ForeignKey("attendee.id", ondelete="CASCADE"))


card_tag = db.Table(
    "card_tag",
    db.Column("card_id", ForeignKey("tip_card.id", ondelete="CASCADE"), primary_key=True),
    db.Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
    db.Column("kind", String(5), primary_key=True),  # help / seek
)

tip_tag = db.Table(
    "tip_tag",
    db.Column("tip_id", ForeignKey("tip.id", ondelete="CASCADE"), primary_key=True),
    db.Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
)


class TipCard(db.Model):
    """An attendee's opt-in card on the tips board. No card, no presence."""

    __table_args__ = (UniqueConstraint("event_id", "attendee_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    attendee_id: Mapped[int] = mapped_column(ForeignKey("attendee.id", ondelete="CASCADE"))
    display_name: Mapped[str] = mapped_column(String(60))
    intro: Mapped[str] = mapped_column(String(140), default="")
    show_first_timer: Mapped[bool] = mapped_column(default=False)
    contact: Mapped[str] = mapped_column(String(200), default="")
    contact_visibility: Mapped[str] = mapped_column(String(8), default="never")  # public/request/never
    hidden: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    tips: Mapped[list[Tip]] = relationship(back_populates="card", cascade="all, delete-orphan")


class Tip(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("tip_card.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(500))
    link: Mapped[str] = mapped_column(String(500), default="")
    hidden: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    card: Mapped[TipCard] = relationship(back_populates="tips")
    tags: Mapped[list[Tag]] = relationship(secondary=tip_tag, order_by="Tag.name")


class TipMark(db.Model):
    """An attendee's "helpful" or "saved" mark on a tip, one of each per person."""

    __table_args__ = (UniqueConstraint("tip_id", "attendee_id", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("tip.id", ondelete="CASCADE"), index=True)
    attendee_id: Mapped[int] = mapped_column(ForeignKey("attendee.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))  # helpful / saved


class Connection(db.Model):
    """A request from one card to another to share contacts; visible once accepted."""

    __table_args__ = (UniqueConstraint("from_card_id", "to_card_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    from_card_id: Mapped[int] = mapped_column(ForeignKey("tip_card.id", ondelete="CASCADE"))
    to_card_id: Mapped[int] = mapped_column(ForeignKey("tip_card.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(8), default="pending")  # pending/accepted/ignored
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class BoardReport(db.Model):
    """An attendee's report of a tip or a card, for facilitator review."""

    __table_args__ = (UniqueConstraint("target", "target_id", "attendee_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    target: Mapped[str] = mapped_column(String(4))  # tip / card
    target_id: Mapped[int] = mapped_column()
    attendee_id: Mapped[int] = mapped_column(ForeignKey("attendee.id", ondelete="CASCADE"))
