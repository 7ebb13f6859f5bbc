"""The session grid: the attendee programme, the facilitator's planning actions, live partials, exports.

The rules live in ``plan`` (placing, auto-plan), ``reading`` (the grid as data, warnings, now/next)
and ``export`` (iCal, CSV); the live parts in ``partials``, the forms in ``forms``.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext

from barcamp.core import screens
from barcamp.core.errors import DomainError
from barcamp.core.forms import Form
from barcamp.core.identity import current_attendee, event_or_404, facilitator_required
from barcamp.core.models import Event
from barcamp.core.replies import done, failed
from barcamp.grid import export
from barcamp.grid.forms import LockForm, PitchIdForm, PlaceForm, UndoForm
from barcamp.grid.partials import programme_context
from barcamp.grid.plan import autoplan, place, set_lock, undo_autoplan
from barcamp.grid.plan import unschedule as unschedule_pitch
from barcamp.grid.reading import build_grid
from barcamp.pitches.votes import my_votes

bp = Blueprint("grid", __name__)


# --- helpers ------------------------------------------------------------------


def _act(event: Event, form: Form, action):
    """Validate a grid form and run ``action(form) -> message``; domain errors become 400."""
    if not form.validate():
        message = form.error_text() or _("Something in that request was not right.")
        return failed(message, page=lambda: screens.render_console(event, 400)[0])
    try:
        message, data = action(form)
    except DomainError as exc:
        message, status = exc.message, exc.status
        return failed(message, status, page=lambda: screens.render_console(event, status)[0])
    return done(screens.console_url(event, "#grid"), message, **data)


# --- attendee views -------------------------------------------------------------


@bp.get("/e/<slug>/grid")
def attendee(slug):
    """The programme on a phone: now and next, then every slot as a list; filters by room and "mine"."""
    event = event_or_404(slug)
    room = request.args.get("room", type=int)
    me = current_attendee(event)
    return render_template(
        "grid/attendee.html",
        my_votes=sorted(my_votes(event, me)),
        feed_url=export.feed_url(event, me),
        filter_room=room if any(r.id == room for r in event.rooms) else None,
        filter_mine=request.args.get("mine") == "1",
        **programme_context(event),
    )


@bp.get("/e/<slug>/grid/print")
def print_view(slug):
    """Every day of the grid as a table, laid out for one landscape page per day."""
    event = event_or_404(slug)
    return render_template("grid/print.html", event=event, grid=build_grid(event))


@bp.get("/e/<slug>/grid/mine.json")
def mine_json(slug):
    """The pitches I voted for, so the page can mark and filter "my sessions" after a resync."""
    event = event_or_404(slug)
    return {"pitch_ids": sorted(my_votes(event, current_attendee(event)))}, 200, {"Cache-Control": "no-store"}


def _calendar(body: bytes, filename: str) -> Response:
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-cache"},
    )


@bp.get("/e/<slug>/grid.ics")
def ical_feed(slug):
    """iCal feed of the whole programme."""
    event = event_or_404(slug)
    return _calendar(export.ical(build_grid(event)), f"{event.slug}.ics")


@bp.get("/e/<slug>/grid/mine.ics")
def ical_mine(slug):
    """iCal feed of the sessions I voted for: by this browser's cookie, or by the signed key of
    ``export.feed_url`` (a calendar app has no cookie)."""
    event = event_or_404(slug)
    attendee = None
    if "k" in request.args:
        attendee = export.feed_attendee(event, request.args["k"])
        if attendee is None:
            abort(404)
    title = _("%(event)s: my sessions", event=event.name)
    body = export.ical(build_grid(event), my_votes(event, attendee or current_attendee(event)), title)
    return _calendar(body, f"{event.slug}-mine.ics")


# --- facilitator views ------------------------------------------------------------


@bp.get("/e/<slug>/grid.csv")
@facilitator_required
def csv_download(event):
    """The grid as a CSV download (facilitators only)."""
    return Response(
        export.csv_text(build_grid(event)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{event.slug}-grid.csv"'},
    )


@bp.post("/e/<slug>/facilitate/grid/place")
@facilitator_required
def place_view(event):
    """Place a pitch into a cell, move it there, or swap it with the cell's session."""

    def action(form):
        moved = place(event, form.pitch_id.data, form.slot_id.data, form.room_id.data)
        return _("Grid updated."), {"moved": moved}

    return _act(event, PlaceForm(), action)


@bp.post("/e/<slug>/facilitate/grid/unschedule")
@facilitator_required
def unschedule(event):
    """Take a session off the grid."""

    def action(form):
        return _("Session taken off the grid."), {"moved": unschedule_pitch(event, form.pitch_id.data)}

    return _act(event, PitchIdForm(), action)


@bp.post("/e/<slug>/facilitate/grid/lock")
@facilitator_required
def lock(event):
    """Lock or unlock a cell."""

    def action(form):
        locked = form.locked.data == "1"
        set_lock(event, form.slot_id.data, form.room_id.data, locked)
        return (_("Cell locked: auto-plan leaves it alone.") if locked else _("Cell unlocked.")), {}

    return _act(event, LockForm(), action)


@bp.post("/e/<slug>/facilitate/grid/autoplan")
@facilitator_required
def autoplan_view(event):
    """Place every unscheduled pitch that fits."""

    def action(form):
        batch, n = autoplan(event)
        if not n:
            return _("Auto-plan found nothing to place."), {"placed": 0, "batch": None}
        return ngettext("Auto-plan placed %(num)d session.", "Auto-plan placed %(num)d sessions.", n), {
            "placed": n,
            "batch": batch,
        }

    return _act(event, Form(), action)


@bp.post("/e/<slug>/facilitate/grid/undo")
@facilitator_required
def undo(event):
    """Undo the last auto-plan run in one step."""

    def action(form):
        n = undo_autoplan(event, form.batch.data or None)
        return ngettext("Took back %(num)d session.", "Took back %(num)d sessions.", n), {"removed": n}

    return _act(event, UndoForm(), action)
