"""Offers of help on anonymous questions.

Anonymity rule: a ``HelpOffer`` names the helper (they chose to speak up), the question and the
meeting place, never the asker.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from barcamp.core.extensions import db
from barcamp.core.models import this_hour


class HelpOffer(db.Model):
    """An attendee's "I can help with this", and the meeting the asker arranged from it.

    The asker picks an offer by the question's secret, and the token they will hold up is just
    a number: nothing here points at them.
    """

    __table_args__ = (UniqueConstraint("question_id", "helper_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    helper_id: Mapped[int] = mapped_column(ForeignKey("attendee.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(String(140), default="")
    chosen: Mapped[bool] = mapped_column(default=False)
    point: Mapped[str] = mapped_column(String(40), default="")
    meet_at: Mapped[str] = mapped_column(String(5), default="")  # "12:30", the event's local time
    token: Mapped[int | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=this_hour)
