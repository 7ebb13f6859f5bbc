"""The facilitator's side of pitching: the "now pitching" spotlight, hiding pitches, merging
duplicates, and the live queue with its tallies (the console and the projector show these).

Its views sit on the pitches blueprint, so their endpoints are ``pitches.spotlight`` and so on.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select
from wtforms import SelectField

from barcamp.core import realtime, screens
from barcamp.core.database import count, transaction
from barcamp.core.errors import wants_json
from barcamp.core.extensions import db
from barcamp.core.forms import Form
from barcamp.core.identity import event_row_or_404, facilitator_required
from barcamp.core.models import Event
from barcamp.core.partials import partial
from barcamp.pitches.domain import queue, set_status
from barcamp.pitches.enums import ACTIVE, MAX_TAGS, PENDING
from barcamp.pitches.models import Pitch, Vote
from barcamp.pitches.partials import list_context
from barcamp.pitches.views import bp
from barcamp.pitches.votes import interest_counts
from barcamp.questions.models import Question

# --- domain -----------------------------------------------------------------


@transaction
def merge_pitches(keep: Pitch, duplicate: Pitch) -> int:
    """Merge ``duplicate`` into ``keep``: votes move over, nobody is counted twice.

    Returns how many votes moved.
    """
    if keep.id == duplicate.id or keep.event_id != duplicate.event_id:
        raise ValueError("cannot merge a pitch with itself or across events")
    voters = set(db.session.scalars(select(Vote.attendee_id).where(Vote.pitch_id == keep.id)))
    moved = 0
    for vote in db.session.scalars(select(Vote).where(Vote.pitch_id == duplicate.id)).all():
        if vote.attendee_id in voters:
            db.session.delete(vote)
        else:
            vote.pitch_id = keep.id
            moved += 1
    for question in db.session.scalars(select(Question).where(Question.pitch_id == duplicate.id)):
        question.pitch_id = keep.id
    keep.tags = list({t.id: t for t in [*keep.tags, *duplicate.tags]}.values())[:MAX_TAGS]
    duplicate.status, duplicate.merged_into_id = "merged", keep.id
    realtime.changed(keep.event_id, "pitches")
    realtime.changed(keep.event_id, "spotlight")
    realtime.changed(keep.event_id, "pitchqueue", facilitators_only=True)
    realtime.tally(keep.event_id, "votes")
    return moved


@transaction
def move_spotlight(event: Event, step: int = 0, pitch_id: int | None = None) -> Pitch | None:
    """Put the next/previous pitch (or a chosen one) in the "now pitching" spotlight."""
    pitches = queue(event)
    ids = [p.id for p in pitches]
    if pitch_id is not None:
        target = pitch_id if pitch_id in ids else None
    elif not ids:
        target = None
    elif event.spotlight_pitch_id in ids:
        target = ids[max(0, min(len(ids) - 1, ids.index(event.spotlight_pitch_id) + step))]
    else:
        target = ids[0] if step >= 0 else ids[-1]
    event.spotlight_pitch_id = target
    realtime.changed(event.id, "spotlight")
    realtime.changed(event.id, "pitchqueue", facilitators_only=True)
    return db.session.get(Pitch, target) if target else None


@transaction
def settle_held(event: Event, approve: bool) -> int:
    """Approve (to the list) or hide every pitch waiting for approval; returns how many."""
    held = db.session.scalars(select(Pitch).where(Pitch.event_id == event.id, Pitch.status == "pending")).all()
    for pitch in held:
        pitch.status = ACTIVE if approve else "hidden"
    if held:
        realtime.changed(event.id, "pitches")
        realtime.changed(event.id, "spotlight")
        realtime.changed(event.id, "pitchqueue", facilitators_only=True)
    return len(held)


# --- forms ------------------------------------------------------------------


class MergeForm(Form):
    keep = SelectField(_l("Keep"), coerce=int)
    duplicate = SelectField(_l("Merge this duplicate into it"), coerce=int)


def merge_form(event: Event) -> MergeForm:
    """The console's merge form, offering the active pitches."""
    form = MergeForm(formdata=None)
    form.keep.choices = form.duplicate.choices = [(p.id, p.title) for p in queue(event)]
    return form


# --- views ------------------------------------------------------------------


@bp.post("/e/<slug>/pitches/<int:pitch_id>/hide")
@facilitator_required
def hide(event, pitch_id):
    """Hide a pitch from everyone (or restore it)."""
    pitch = event_row_or_404(Pitch, event, pitch_id)
    set_status(pitch, ACTIVE if request.form.get("restore") else "hidden")
    if wants_json():
        return {"ok": True, "status": pitch.status}
    return redirect(screens.console_url(event, "#pitches"))


@bp.post("/e/<slug>/pitches/held")
@facilitator_required
def held(event):
    """Approve or hide, in one tap, every pitch held while many arrived at once."""
    approve = request.form.get("decision") == "approve"
    n = settle_held(event, approve)
    if approve:
        message = ngettext("%(num)d pitch is on the list.", "%(num)d pitches are on the list.", n)
    else:
        message = ngettext("%(num)d pitch hidden.", "%(num)d pitches hidden.", n)
    if wants_json():
        return {"ok": True, "message": message, "count": n}
    flash(message, "success")
    return redirect(screens.console_url(event, "#pitches"))


@bp.post("/e/<slug>/pitches/merge")
@facilitator_required
def merge(event):
    """Merge a duplicate pitch into another."""
    form = MergeForm()
    choices = [(p.id, p.title) for p in queue(event)]
    form.keep.choices = form.duplicate.choices = choices
    if form.validate() and form.keep.data != form.duplicate.data:
        keep, dupe = event_row_or_404(Pitch, event, form.keep.data), event_row_or_404(Pitch, event, form.duplicate.data)
        merge_pitches(keep, dupe)
        flash(_("Merged “%(dupe)s” into “%(keep)s”.", dupe=dupe.title, keep=keep.title), "success")
    else:
        flash(_("Pick two different pitches to merge."), "error")
    return redirect(screens.console_url(event, "#pitches"))


@bp.post("/e/<slug>/facilitate/spotlight")
@facilitator_required
def spotlight(event):
    """Move the "now pitching" spotlight: next, previous, or a chosen pitch."""
    step = {"next": 1, "prev": -1}.get(request.form.get("move", ""), 0)
    chosen = request.form.get("pitch_id", type=int)
    pitch = move_spotlight(event, step, chosen)
    if wants_json():
        return {"ok": True, "pitch_id": pitch.id if pitch else None}
    return redirect(screens.console_url(event, "#spotlight"))


def recap_votes(event: Event) -> int:
    """Every "I'd attend" given on the event's pitches (a count, never who)."""
    return count(Vote, Vote.pitch_id.in_(select(Pitch.id).where(Pitch.event_id == event.id)))


def waiting_count(event: Event) -> int:
    """Pitches held for a facilitator's approval (the console's badge)."""
    return db.session.scalar(select(func.count(Pitch.id)).where(Pitch.event_id == event.id, Pitch.status == PENDING))


# --- partials ---------------------------------------------------------------


@partial("spotlight")
def spotlight_partial(event: Event) -> str:
    """The projector's pitch view: the pitch in the spotlight, large, and what's next."""
    ctx = list_context(event)
    ctx["current"] = next((p for p in ctx["pitches"] if p.id == event.spotlight_pitch_id), None)
    return render_template("pitches/_spotlight.html", **ctx)


@partial("pitchqueue", facilitators=True)
def queue_partial(event: Event) -> str:
    """The facilitator's queue with live tallies (also while voting is blind)."""

    def with_status(status):
        return db.session.scalars(
            select(Pitch).where(Pitch.event_id == event.id, Pitch.status == status).order_by(Pitch.id)
        ).all()

    return render_template(
        "pitches/_queue.html",
        event=event,
        pitches=queue(event),
        held=with_status("pending"),
        hidden=with_status("hidden"),
        counts=interest_counts(event.id),
    )
