"""An event's branding: its logo and accent colour (one row per event, made on first use)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from barcamp.core.extensions import db


class Branding(db.Model):
    """The event's logo (checked bytes, see ``logo.checked``) and accent (a checked ``#rrggbb``).

    ``version`` grows with every change; it is in the logo's and the stylesheet's URLs, so a
    browser that cached the old ones asks again.
    """

    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), primary_key=True)
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_type: Mapped[str] = mapped_column(String(10), default="")  # png, jpeg, svg or "" (logo.TYPES)
    accent: Mapped[str] = mapped_column(String(7), default="")  # "" is the app's own blue
    version: Mapped[int] = mapped_column(default=1)
