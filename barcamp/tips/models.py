"""The opt-in tips exchange board: cards, tips, marks, connection requests and reports."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from barcamp.core.extensions import db
from barcamp.core.models import Tag, utcnow
from barcamp.core.undo import Undoable

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


class TipCard(Undoable, db.Model):
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
    links: Mapped[list[CardLink]] = relationship(cascade="all, delete-orphan", order_by="CardLink.position")


class CardLink(db.Model):
    """A profile link on a card (``tips.links``): shown only to whom the card's contact is shown."""

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("tip_card.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(10))  # fediverse / linkedin / web
    value: Mapped[str] = mapped_column(String(200))  # @name@server, or an https:// URL


class Tip(Undoable, db.Model):
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
