"""The facilitator console's page and its set-up forms (blueprint ``setup``)."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from barcamp.console.domain import (
    delete_day,
    delete_room,
    delete_slot,
    overlapping_slot,
    save_day,
    save_room,
    save_slot,
    set_projector_mode,
    set_projector_theme,
    update_event,
)
from barcamp.console.forms import CopyDayForm, DayForm, DayTemplateForm, EventForm, RoomForm, RoomsPasteForm, SlotForm
from barcamp.core import dates, screens
from barcamp.core.enums import PROJECTOR_THEMES
from barcamp.core.errors import wants_json
from barcamp.core.extensions import db
from barcamp.core.identity import event_row_or_404, facilitator_required, grant_facilitator
from barcamp.core.models import Day, Event, FacilitatorLink, Room, Slot
from barcamp.core.partials import partial
from barcamp.core.replies import done
from barcamp.events.domain import first_timer_count, new_facilitator_link, rotate_facilitator_link

bp = Blueprint("setup", __name__)


def _next_day(day: dt.date) -> dt.date | None:
    """The day after, if there is one (a day stored before dates were checked can be the last one)."""
    return day + dt.timedelta(days=1) if day < dt.date.max else None


@screens.console_page
def render_console(event: Event, status: int = 200, **bound):
    """The console page; ``bound`` holds a failed form to show with its errors."""
    forms = {
        "event_form": EventForm(obj=event, prefix="event", formdata=None),
        "room_form": RoomForm(prefix="room", formdata=None),
        "day_form": DayForm(prefix="day", formdata=None),
        "slot_form": SlotForm(prefix="slot", formdata=None),
    }
    # The template fills the first day without slots, else a new day after the last one.
    empty = next((d.date for d in event.days if not d.slots), None)
    after = _next_day(event.days[-1].date) if event.days else None
    forms["template_form"] = DayTemplateForm(prefix="tpl", formdata=None, date=empty or after)
    forms["paste_form"] = RoomsPasteForm(prefix="paste", formdata=None)
    forms["copy_form"] = lambda d: CopyDayForm(prefix=f"copy{d.id}", formdata=None, date=_next_day(d.date))
    forms.update(bound)
    day_choices = [(d.id, f"{dates.day_name(d)}, {dates.long_date(d.date)}") for d in event.days]

    def slot_edit_form(slot=None):
        form = SlotForm(obj=slot, prefix=f"slot{slot.id if slot else ''}", formdata=None)
        form.day.choices = day_choices
        if slot:
            form.day.data = slot.day_id
        return form

    forms["slot_form"].day.choices = day_choices
    forms.update(
        room_blank=RoomForm(prefix="room", formdata=None),
        day_blank=DayForm(prefix="day", formdata=None),
        slot_blank=slot_edit_form(),
        room_edit_form=lambda r: RoomForm(obj=r, prefix=f"room{r.id}", formdata=None),
        day_edit_form=lambda d: DayForm(obj=d, prefix=f"day{d.id}", formdata=None),
        slot_edit_form=slot_edit_form,
    )
    links = db.session.scalars(
        select(FacilitatorLink).where(FacilitatorLink.event_id == event.id, FacilitatorLink.revoked_at.is_(None))
    ).all()
    return render_template(
        "setup/console.html", event=event, links=links, first_timers=first_timer_count(event), **forms
    ), status


@bp.get("/e/<slug>/facilitate")
@facilitator_required
def console(event):
    """The facilitator console."""
    return render_console(event)


def _back(event, anchor=""):
    return redirect(screens.console_url(event, anchor))


def saved(event, message, anchor: str):
    """A set-up form worked: JSON for the in-place save, else the console again at ``anchor``."""
    return done(screens.console_url(event, anchor), message)


def first_error(form) -> str:
    return str(next(e for errors in form.errors.values() for e in errors))


def refused(event, form, **bound):
    """A set-up form was refused: its first error as JSON, else the console with the form's errors."""
    if wants_json():
        return {"error": first_error(form)}, 400
    return render_console(event, 400, **bound)


@bp.post("/e/<slug>/facilitate/event")
@facilitator_required
def edit_event(event):
    """Rename the event, change hashtag or time zone."""
    form = EventForm(prefix="event")
    if not form.validate():
        return refused(event, form, event_form=form)
    update_event(event, form.name.data, form.hashtag.data or "", form.timezone.data)
    return saved(event, _("Event saved."), "#event")


@bp.post("/e/<slug>/facilitate/rooms", defaults={"room_id": None})
@bp.post("/e/<slug>/facilitate/rooms/<int:room_id>")
@facilitator_required
def room(event, room_id):
    """Add a room or edit one."""
    existing = event_row_or_404(Room, event, room_id) if room_id else None
    form = RoomForm(prefix=f"room{room_id or ''}")
    if not form.validate():
        return refused(event, form, room_form=form, failed=("room", room_id))
    save_room(event, existing, form.name.data, form.capacity.data, form.location.data or "")
    return saved(event, _("Room saved."), "#rooms")


@bp.post("/e/<slug>/facilitate/rooms/<int:room_id>/delete")
@facilitator_required
def room_delete(event, room_id):
    """Delete a room."""
    delete_room(event, event_row_or_404(Room, event, room_id))
    return saved(event, _("Room deleted."), "#rooms")


@bp.post("/e/<slug>/facilitate/days", defaults={"day_id": None})
@bp.post("/e/<slug>/facilitate/days/<int:day_id>")
@facilitator_required
def day(event, day_id):
    """Add a day or edit one."""
    existing = event_row_or_404(Day, event, day_id) if day_id else None
    form = DayForm(prefix=f"day{day_id or ''}")
    if form.validate():
        clash = next((d for d in event.days if d.date == form.date.data and d is not existing), None)
        if clash:
            form.date.errors.append(_("This event already has that day."))
    if form.errors:
        return refused(event, form, day_form=form, failed=("day", day_id))
    save_day(event, existing, form.date.data, form.label.data or "")
    return saved(event, _("Day saved."), "#days")


@bp.post("/e/<slug>/facilitate/days/<int:day_id>/delete")
@facilitator_required
def day_delete(event, day_id):
    """Delete a day."""
    delete_day(event, event_row_or_404(Day, event, day_id))
    return saved(event, _("Day deleted."), "#days")


@bp.post("/e/<slug>/facilitate/slots", defaults={"slot_id": None})
@bp.post("/e/<slug>/facilitate/slots/<int:slot_id>")
@facilitator_required
def slot(event, slot_id):
    """Add a time slot or edit one; overlapping slots are refused."""
    existing = event_row_or_404(Slot, event, slot_id) if slot_id else None
    form = SlotForm(prefix=f"slot{slot_id or ''}")
    form.day.choices = [(d.id, f"{dates.day_name(d)}, {dates.long_date(d.date)}") for d in event.days]
    if form.validate():
        day = event_row_or_404(Day, event, form.day.data)
        clash = overlapping_slot(day, form.starts_at.data, form.ends_at.data, ignore=existing)
        if clash:
            form.starts_at.errors.append(
                _(
                    "This overlaps the slot %(start)s–%(end)s.",
                    start=clash.starts_at.strftime("%H:%M"),
                    end=clash.ends_at.strftime("%H:%M"),
                )
            )
    if form.errors:
        return refused(event, form, slot_form=form, failed=("slot", slot_id))
    save_slot(event, existing, day, form.starts_at.data, form.ends_at.data, form.kind.data, form.label.data or "")
    return saved(event, _("Time slot saved."), "#slots")


@bp.post("/e/<slug>/facilitate/slots/<int:slot_id>/delete")
@facilitator_required
def slot_delete(event, slot_id):
    """Delete a time slot."""
    delete_slot(event, event_row_or_404(Slot, event, slot_id))
    return saved(event, _("Time slot deleted."), "#slots")


@bp.post("/e/<slug>/facilitate/projector")
@facilitator_required
def projector_mode(event):
    """Switch what the projector shows, or its theme (dark or light)."""
    if "theme" in request.form:
        theme = request.form["theme"]
        if theme not in dict(PROJECTOR_THEMES):
            abort(400)
        set_projector_theme(event, theme)
        return _back(event, "#projector")
    mode = request.form.get("mode", "")
    if mode not in screens.mode_values():
        abort(400)
    set_projector_mode(event, mode)
    return _back(event, "#projector")


@bp.post("/e/<slug>/facilitate/links")
@facilitator_required
def invite(event):
    """Create a co-facilitator link, shown once."""
    label = (request.form.get("label") or "").strip()[:80] or _("co-facilitator")
    key = new_facilitator_link(event, label)
    flash(_("New facilitator link (shown once, share it privately):"), "success")
    flash(url_for("events.facilitator_link", slug=event.slug, key=key, _external=True), "link")
    return _back(event, "#links")


@bp.post("/e/<slug>/facilitate/links/<int:link_id>/rotate")
@facilitator_required
def rotate(event, link_id):
    """Revoke a facilitator link and issue a new one."""
    own = session.get("fac", {}).get(str(event.id)) == link_id
    key = rotate_facilitator_link(event, link_id)
    if own:  # rotating the link this browser used keeps this browser in
        grant_facilitator(event, key)
    flash(_("The old link no longer works. The new link (shown once):"), "success")
    flash(url_for("events.facilitator_link", slug=event.slug, key=key, _external=True), "link")
    return _back(event, "#links")


@partial("consoletabs", facilitators=True)
def tabs_partial(event: Event) -> str:
    """The console's tabs with their badges (questions waiting, reports, pitches waiting)."""
    return render_template("setup/_tabs.html", event=event)


@partial("rooms")
def rooms_partial(event: Event) -> str:
    """Rooms with their location hints, and the days' time slots."""
    return render_template("setup/_rooms.html", event=event)
