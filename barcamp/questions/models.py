"""The anonymous question wall.

Anonymity rule: ``Question`` has no column that points at an attendee. Votes
and reports on questions reference the voter, never the author.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from barcamp.core.extensions import db
from barcamp.core.models import this_hour
from barcamp.core.undo import Undoable


class Question(Undoable, db.Model):
    """An anonymous question. Deliberately no attendee reference, IP or user agent.

    ``deleted_at`` (``Undoable``): its author deleted it and may still take that back."""

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
