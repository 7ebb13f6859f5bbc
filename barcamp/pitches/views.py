"""Pitches' pages: pitch a session from a phone, edit it, withdraw it (and take that back)."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from barcamp.core import ratelimits
from barcamp.core.enums import languages
from barcamp.core.errors import wants_json
from barcamp.core.identity import current_attendee, event_or_404, event_row_or_404, is_facilitator
from barcamp.core.models import Event
from barcamp.core.ratelimits import fresh_posts, limiter
from barcamp.core.replies import done, failed
from barcamp.pitches.domain import create_pitch, event_tags, set_status, update_pitch
from barcamp.pitches.enums import ACTIVE, PENDING, WITHDRAWN
from barcamp.pitches.forms import PitchForm
from barcamp.pitches.models import Pitch

bp = Blueprint("pitches", __name__)


def _may_edit(event: Event, pitch: Pitch) -> bool:
    attendee = current_attendee(event)
    return is_facilitator(event) or (attendee is not None and pitch.attendee_id == attendee.id)


def _arrives_held(event: Event) -> bool:
    """Count a pitch arriving on the list (new or put back): during a flood of them from attendees,
    each waits for a facilitator's approval."""
    return not is_facilitator(event) and ratelimits.flooding(event.id, "pitch")


@bp.route("/e/<slug>/pitch", methods=["GET", "POST"])
@limiter.limit("10/minute;60/hour", methods=["POST"])
@fresh_posts
def new(slug):
    """The pitch form (mobile-first)."""
    event = event_or_404(slug)
    form = PitchForm()
    if request.method == "GET":
        attendee = current_attendee(event)
        form.host_name.data = attendee.display_name if attendee else ""
        form.language.data = request.accept_languages.best_match(languages()) or languages()[0]
        form.client_id.data = uuid.uuid4().hex
    elif form.validate():
        held = _arrives_held(event)
        pitch = create_pitch(
            event,
            current_attendee(event, create=True),
            client_id=(form.client_id.data or "")[:40] or None,
            status="pending" if held else ACTIVE,
            **form.pitch_fields(),
        )
        if pitch.status == "pending":
            message = _("Thanks! Your pitch “%(title)s” waits for a facilitator's approval.", title=pitch.title)
        else:
            message = _("Thanks! Your pitch “%(title)s” is on the list.", title=pitch.title)
        url = url_for("events.home", slug=slug) + (f"#pitch-{pitch.id}" if pitch.status == ACTIVE else "")
        if wants_json():
            return {"ok": True, "id": pitch.id, "message": message, "url": url}
        flash(message, "success")
        return redirect(url)
    status = 400 if form.errors else 200
    if wants_json() and form.errors:
        return {"error": _("Please fix the marked fields."), "fields": form.errors}, 400
    return render_template("pitches/form.html", event=event, form=form, tags=event_tags(event), pitch=None), status


@bp.route("/e/<slug>/pitches/<int:pitch_id>/edit", methods=["GET", "POST"])
def edit(slug, pitch_id):
    """Edit a pitch: its author, or a facilitator."""
    event = event_or_404(slug)
    pitch = event_row_or_404(Pitch, event, pitch_id)
    if not _may_edit(event, pitch):
        abort(403)
    # Filled from the pitch only on GET: a POST missing a field must not read the model's objects.
    form = PitchForm(obj=pitch) if request.method == "GET" else PitchForm()
    if request.method == "GET":
        form.tags.data = ", ".join(t.name for t in pitch.tags)
    elif form.validate():
        update_pitch(pitch, **form.pitch_fields())
        if wants_json():
            return {"ok": True, "id": pitch.id}
        flash(_("Pitch saved."), "success")
        return redirect(url_for("events.home", slug=slug) + f"#pitch-{pitch.id}")
    status = 400 if form.errors else 200
    return render_template("pitches/form.html", event=event, form=form, tags=event_tags(event), pitch=pitch), status


@bp.post("/e/<slug>/pitches/<int:pitch_id>/withdraw")
def withdraw(slug, pitch_id):
    """Withdraw one's own pitch (its votes stay, so putting it back loses nothing)."""
    event = event_or_404(slug)
    pitch = event_row_or_404(Pitch, event, pitch_id)
    if not _may_edit(event, pitch):
        abort(403)
    set_status(pitch, WITHDRAWN)
    again = url_for("pitches.restore", slug=slug, pitch_id=pitch.id)
    if wants_json():
        return {"ok": True, "message": _("Your pitch was withdrawn."), "undo": again}
    # The list then says so, with an "Undo" that works without JS (see home_context).
    return redirect(url_for("events.home", slug=slug, withdrawn=pitch.id))


@bp.post("/e/<slug>/pitches/<int:pitch_id>/restore")
@limiter.limit("10/minute;60/hour")
def restore(slug, pitch_id):
    """Undo withdrawing one's own pitch: it is back in its place, with its votes.

    It comes back the way a new pitch arrives: during a flood it waits for a facilitator, so
    withdrawing and restoring is never a way round the review."""
    event = event_or_404(slug)
    pitch = event_row_or_404(Pitch, event, pitch_id)
    if not _may_edit(event, pitch):
        abort(403)
    if pitch.status != WITHDRAWN:  # hidden or merged by a facilitator: not the author's to undo
        return failed(_("This pitch can't be put back."), 409, to=url_for("events.home", slug=slug))
    held = _arrives_held(event)
    set_status(pitch, PENDING if held else ACTIVE)
    if held:
        message = _("Thanks! Your pitch “%(title)s” waits for a facilitator's approval.", title=pitch.title)
        return done(url_for("events.home", slug=slug), message, id=pitch.id)
    return done(url_for("events.home", slug=slug) + f"#pitch-{pitch.id}", _("Your pitch is back."), id=pitch.id)
