"""The event recap for organisers: a printable page of counts only (``screens.recap_count``), with
the connections made across features and the first-timers among them. It names nobody."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import func, select

from barcamp.console.views import bp
from barcamp.core import screens
from barcamp.core.extensions import db
from barcamp.core.identity import facilitator_required
from barcamp.core.models import Attendee


def first_timers_among(event, people: set[int]) -> int:
    if not people:
        return 0
    query = select(func.count(Attendee.id)).where(
        Attendee.event_id == event.id, Attendee.first_timer, Attendee.id.in_(people)
    )
    return db.session.scalar(query) or 0


@bp.get("/e/<slug>/facilitate/recap")
@facilitator_required
def recap(event):
    """Counts only: what happened, for the thank-you mail or next year's sponsors (print it as PDF)."""
    ties = screens.ties(event)
    people = {attendee for pair in ties for attendee in pair}
    figures = screens.recap(event)
    return render_template(
        "setup/recap.html",
        event=event,
        figures=figures,
        connections=len(ties),
        first_timers=first_timers_among(event, people),
    )
