"""Meet-someone-new rounds, their members and contact swaps; meeting points; first-timer buddies.

Kept only for "no repeated pair" and the mixing dashboard's counts, and purged with the event's
retention (``privacy.retention``). Never joined to questions.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from barcamp.core.extensions import db
from barcamp.core.models import utcnow


class MeetingPoint(db.Model):
    """A place groups meet ("Tisch 4", "Kaffeebar"), a list kept with the event."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(default=0)


class MixRound(db.Model):
    """One "meet someone new" round: open for joining until ``starts_at``, then groups for ``minutes``."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    group_size: Mapped[int] = mapped_column(default=3)
    minutes: Mapped[int] = mapped_column(default=10)
    points: Mapped[str] = mapped_column(Text, default="")  # the meeting points of this round, one a line
    starts_at: Mapped[dt.datetime] = mapped_column()
    formed: Mapped[bool] = mapped_column(default=False)
    closed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class MixMember(db.Model):
    """Someone who is in a round: their group (None: waiting) and token once groups are formed."""

    __table_args__ = (UniqueConstraint("round_id", "attendee_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("mix_round.id", ondelete="CASCADE"), index=True)
    attendee_id: Mapped[int] = mapped_column(ForeignKey("attendee.id", ondelete="CASCADE"), index=True)
    first_timer: Mapped[bool] = mapped_column(default=False)
    group_no: Mapped[int | None] = mapped_column()
    token: Mapped[int | None] = mapped_column()
    met: Mapped[bool] = mapped_column(default=False)


class MixShare(db.Model):
    """One side's yes to swapping contacts with a group-mate; a contact shows only when both said yes."""

    __table_args__ = (UniqueConstraint("from_member_id", "to_member_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    from_member_id: Mapped[int] = mapped_column(ForeignKey("mix_member.id", ondelete="CASCADE"))
    to_member_id: Mapped[int] = mapped_column(ForeignKey("mix_member.id", ondelete="CASCADE"), index=True)
    contact: Mapped[str] = mapped_column(String(200))


class BuddyOffer(db.Model):
    """A veteran's offer to be a buddy for 1 to 3 newcomers."""

    __table_args__ = (UniqueConstraint("event_id", "attendee_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    attendee_id: Mapped[int] = mapped_column(ForeignKey("attendee.id", ondelete="CASCADE"))
    capacity: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class BuddyRequest(db.Model):
    """A first-timer waiting for a buddy (deleted once matched or withdrawn)."""

    __table_args__ = (UniqueConstraint("event_id", "attendee_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    attendee_id: Mapped[int] = mapped_column(ForeignKey("attendee.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class BuddyPair(db.Model):
    """A buddy and a newcomer; ``ended`` once either ends it (kept for the count and no re-match)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    buddy_id: Mapped[int] = mapped_column(ForeignKey("attendee.id", ondelete="CASCADE"), index=True)
    newcomer_id: Mapped[int] = mapped_column(ForeignKey("attendee.id", ondelete="CASCADE"), index=True)
    point: Mapped[str] = mapped_column(String(40), default="")
    ended: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
