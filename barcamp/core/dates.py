"""Days and times as the reader says them: one place for how a day is named on screen.

A day's label is the facilitator's own words ("Tag 1"); without one, a day is named
by its date in the reader's language ("Samstag" / "Saturday"), never by a fixed word.
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_time
from flask_babel import format_date, get_locale


def day_name(day) -> str:
    """What a day is called: its label, else its weekday in the reader's language."""
    return day.label or format_date(day.date, "EEEE")


def day_short(day) -> str:
    """A short name for lists and notices: the label, else "Sat 5 Dec" / "Sa. 5. Dez."."""
    return day.label or format_date(day.date, "EEE d MMM")


def long_date(value: dt.date) -> str:
    """A date in full in the reader's language ("5 December 2026" / "5. Dezember 2026")."""
    return format_date(value, "long")


def clock(value: dt.time) -> str:
    """A time of day as the reader writes it ("9:00 AM" / "09:00")."""
    return format_time(value, "short", locale=get_locale())


def init_app(app) -> None:
    """Make the names available to templates as filters."""
    app.jinja_env.filters.update(day_name=day_name, day_short=day_short, long_date=long_date, clock=clock)
