"""Exports of the grid: iCal feeds (the event's and a personal one, with its subscription link) and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

import icalendar
from flask import request, url_for
from flask_babel import gettext as _

from barcamp.core import signing
from barcamp.core.models import Attendee, Event
from barcamp.grid.reading import Grid

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


FEED = "my-sessions-feed"  # the signing purpose of the calendar link (core.signing)


def feed_url(event: Event, attendee: Attendee | None) -> str | None:
    """A link to an attendee's "my sessions" feed that needs no cookie, so a calendar app can
    subscribe to it (and follow moves): it carries the attendee's id, signed."""
    if attendee is None:
        return None
    key = signing.attendee_key(FEED, event, attendee)
    return url_for("grid.ical_mine", slug=event.slug, k=key, _external=True)


def feed_attendee(event: Event, key: str) -> Attendee | None:
    """The attendee whose feed ``key`` opens in ``event``; None for a forged or foreign key."""
    return signing.key_attendee(FEED, event, key)


def _uid(kind: str, obj_id: int, grid: Grid) -> str:
    # Stable per pitch, so a session that moves updates the calendar entry instead of adding one.
    return f"{kind}-{obj_id}-{grid.event.slug}@{request.host.split(':')[0]}"


def ical(grid: Grid, pitch_ids: set[int] | None = None, title: str | None = None) -> bytes:
    """An iCalendar feed of the placed sessions (only ``pitch_ids`` when given) in the event's time zone."""
    event = grid.event
    cal = icalendar.Calendar()
    cal.add("prodid", "-//barcamp//session grid//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", icalendar.vText(title or event.name))  # vText escapes line breaks
    cal.add("x-wr-timezone", event.timezone)
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for row in grid.rows:
        if pitch_ids is None and row.slot.kind == "plenary":
            item = icalendar.Event()
            item.add("uid", _uid("slot", row.slot.id, grid))
            item.add("summary", row.slot.label or _("Plenary"))
            item.add("dtstart", row.starts)
            item.add("dtend", row.ends)
            item.add("dtstamp", stamp)
            cal.add_component(item)
        for cell in row.cells:
            if cell.pitch is None or (pitch_ids is not None and cell.pitch.id not in pitch_ids):
                continue
            item = icalendar.Event()
            item.add("uid", _uid("pitch", cell.pitch.id, grid))
            item.add("summary", cell.pitch.title)
            item.add("dtstart", row.starts)
            item.add("dtend", row.ends)
            item.add("dtstamp", stamp)
            item.add("location", ", ".join(x for x in (cell.room.name, cell.room.location) if x))
            parts = [_("Hosted by %(name)s", name=cell.pitch.host_name)] if cell.pitch.host_name else []
            if cell.pitch.description:
                parts.append(cell.pitch.description)
            if parts:
                item.add("description", "\n\n".join(parts))
            cal.add_component(item)
    if grid.days:
        first, last = grid.days[0][0].date, grid.days[-1][0].date
        # Dates are checked (rules.py), but an old row may lie at the end of the calendar.
        first, last = max(first, dt.date(1, 1, 2)), min(last, dt.date(9999, 12, 29))
        cal.add_missing_timezones(first - dt.timedelta(days=1), last + dt.timedelta(days=2))
    return cal.to_ical()


def _safe(value) -> str:
    """Neutralise spreadsheet formulas (CSV injection): a leading ' makes the cell text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_text(grid: Grid) -> str:
    """The grid as CSV, one row per session (and per break or plenary), for spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [_("Day"), _("Date"), _("Start"), _("End"), _("Room"), _("Location"), _("Title"), _("Session host")]
        + [_("Interest"), _("Locked")]
    )
    for day, rows in grid.days:
        for row in rows:
            times = [day.label, day.date.isoformat(), row.slot.starts_at.strftime("%H:%M")]
            times.append(row.slot.ends_at.strftime("%H:%M"))
            if not row.cells:
                label = row.slot.label or (_("Break") if row.slot.kind == "break" else _("Plenary"))
                writer.writerow([_safe(v) for v in [*times, "", "", label, "", "", ""]])
                continue
            for cell in row.cells:
                if cell.pitch is None and not cell.locked:
                    continue
                writer.writerow(
                    [
                        _safe(v)
                        for v in [
                            *times,
                            cell.room.name,
                            cell.room.location,
                            cell.pitch.title if cell.pitch else "",
                            cell.pitch.host_name if cell.pitch else "",
                            cell.interest if cell.pitch else "",
                            _("yes") if cell.locked else "",
                        ]
                    ]
                )
    return "\ufeff" + out.getvalue()  # the BOM makes spreadsheet apps read UTF-8 umlauts right
