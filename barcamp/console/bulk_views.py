"""Set-up in few submits: a day from a template, "copy this day to …", rooms pasted as lines."""

from __future__ import annotations

from flask_babel import gettext as _

from barcamp.console import bulk
from barcamp.console.forms import CopyDayForm, DayTemplateForm, RoomsPasteForm
from barcamp.console.views import bp, first_error, saved
from barcamp.core import screens
from barcamp.core.errors import DomainError
from barcamp.core.identity import event_row_or_404, facilitator_required
from barcamp.core.models import Day
from barcamp.core.replies import failed


def _added(event, n: int):
    if not n:
        taken = _("Nothing was added: those times are taken already.")
        return failed(taken, 409, to=screens.console_url(event, "#slots"))
    return saved(event, _("%(n)s time slots added.", n=n), "#slots")


def _refused(event, form, anchor: str):
    return failed(first_error(form), 400, to=screens.console_url(event, anchor))


@bp.post("/e/<slug>/facilitate/days/template")
@facilitator_required
def day_template(event):
    """Make a day's slots from start, end, session and break lengths and lunch."""
    form = DayTemplateForm(prefix="tpl")
    if not form.validate():
        return _refused(event, form, "#slots")
    template = bulk.DayTemplate(
        form.starts_at.data,
        form.ends_at.data,
        form.session.data,
        form.pause.data or 0,
        form.lunch_at.data,
        form.lunch.data or 0,
    )
    try:
        n = bulk.apply_template(event, form.date.data, template, lunch_label=_("Lunch"))
    except DomainError as exc:
        return failed(exc.message, exc.status, to=screens.console_url(event, "#slots"))
    return _added(event, n)


@bp.post("/e/<slug>/facilitate/days/<int:day_id>/copy")
@facilitator_required
def day_copy(event, day_id):
    """Copy a day's slots to another date."""
    source = event_row_or_404(Day, event, day_id)
    form = CopyDayForm(prefix=f"copy{day_id}")
    if not form.validate():
        return _refused(event, form, "#slots")
    try:
        n = bulk.copy_day(event, source, form.date.data)
    except DomainError as exc:
        return failed(exc.message, exc.status, to=screens.console_url(event, "#slots"))
    return _added(event, n)


@bp.post("/e/<slug>/facilitate/rooms/paste")
@facilitator_required
def rooms_paste(event):
    """Add rooms pasted as lines "Aula, 120, Ground floor"."""
    form = RoomsPasteForm(prefix="paste")
    if not form.validate():
        return _refused(event, form, "#rooms")
    try:
        n = bulk.add_rooms(event, bulk.parse_rooms(form.lines.data))
    except DomainError as exc:
        return failed(exc.message, exc.status, to=screens.console_url(event, "#rooms"))
    return saved(event, _("%(n)s rooms saved.", n=n), "#rooms")
