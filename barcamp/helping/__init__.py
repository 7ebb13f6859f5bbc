""" "I can help with this": attendees offer help on an anonymous question; the asker alone (by the
question's secret) sees the offers, picks one and a meeting point and time, without revealing
themselves; the helper is told on their personal channel. The wall shows only counts.

May touch: the core seams, its own table, and reads the questions (their rows and the asker's
secrets cookie) and the mixer's meeting points and tokens. Never writes either; never reads
rounds, groups or buddies, so the mixer and the questions still never meet in one query.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from barcamp.core import screens
from barcamp.core.identity import current_attendee
from barcamp.helping import domain, views

bp = views.bp
__all__ = ["bp", "init_app"]


def my_help(event) -> list[dict]:
    """My own offers of help, for the wall page (the viewer's cookie)."""
    return domain.helping(event, current_attendee(event))


def help_for_asker(event, mine) -> dict:
    """The offers on my own questions, with what sharing my card needs (the viewer's cookie)."""
    return domain.for_asker(event, mine, current_attendee(event))


screens.template_helper(
    help_counts=domain.offer_counts, help_for_asker=help_for_asker, help_meeting=domain.meeting, my_help=my_help
)
screens.recap_count("offers", _l("Offers of help on questions"), domain.offer_total, 55)
screens.recap_count("meetings", _l("Meetings arranged from questions"), domain.meetings_total, 56)
screens.template_helper(pitch_suggestions=domain.pitch_suggestions)
screens.console_section("helping/_console.html", 31, "questions")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
