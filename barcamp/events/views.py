"""The public doors: the start page, creating and joining an event, the attendee's home, guide
and profile, the projector page, the QR code and the language switcher."""

from __future__ import annotations

import io
import time

import segno
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from barcamp.core import pagecache, screens
from barcamp.core.enums import languages
from barcamp.core.errors import wants_json
from barcamp.core.extensions import db
from barcamp.core.identity import current_attendee, event_or_404, grant_facilitator, is_facilitator
from barcamp.core.models import Event
from barcamp.core.partials import partial
from barcamp.core.ratelimits import limiter, per_address
from barcamp.core.security import local_url
from barcamp.events.domain import create_event, update_profile
from barcamp.events.forms import CreateEventForm, JoinForm, ProfileForm

bp = Blueprint("events", __name__)


@bp.get("/healthz")
def healthz():
    """Liveness and database check for load balancers."""
    db.session.execute(select(1))
    return {"status": "ok"}


@bp.route("/", methods=["GET", "POST"])
# Per address, not per browser: a script could fetch a fresh browser id for every event it creates.
@limiter.limit("10/hour", methods=["POST"], key_func=per_address)
def index():
    """What barcamp is, create an event, join one by code."""
    form, join = CreateEventForm(prefix="new"), JoinForm(prefix="join")
    if form.validate_on_submit():
        event, key = create_event(form.name.data, form.hashtag.data or "", form.timezone.data, form.first_day.data)
        grant_facilitator(event, key)
        session["new_key"] = key  # shown once on the next page
        return redirect(url_for("events.created", slug=event.slug))
    return render_template("events/index.html", form=form, join=join), 400 if form.errors else 200


@bp.post("/join")
def join():
    """Join an event by its short code."""
    form, join_form = CreateEventForm(prefix="new", formdata=None), JoinForm(prefix="join")
    if join_form.validate_on_submit():
        code = join_form.code.data.strip().upper().replace(" ", "")
        event = db.session.scalar(select(Event).where(Event.join_code == code))
        if event:
            return redirect(url_for("events.home", slug=event.slug))
        join_form.code.errors.append(_("No event has this code. Check the screen and try again."))
    return render_template("events/index.html", form=form, join=join_form), 400


@bp.get("/j/<code>")
def join_code(code):
    """Short link printed under the QR code."""
    event = db.session.scalar(select(Event).where(Event.join_code == code.upper()))
    if event is None:
        abort(404)
    return redirect(url_for("events.home", slug=event.slug))


@bp.get("/e/<slug>/created")
def created(slug):
    """Shown once after creating an event: the attendee and facilitator links."""
    event = event_or_404(slug)
    if not is_facilitator(event):
        abort(403)
    key = session.pop("new_key", None)
    return render_template("events/created.html", event=event, key=key)


@bp.get("/e/<slug>/f/<key>")
def facilitator_link(slug, key):
    """Open a secret facilitator link: grants facilitator rights in this browser."""
    event = event_or_404(slug)
    if not grant_facilitator(event, key):
        abort(403)
    flash(_("You are now a facilitator of this event in this browser."), "success")
    return redirect(url_for("setup.console", slug=slug))


@bp.get("/e/<slug>")
def home(slug):
    """The attendee home, mobile-first."""
    event = event_or_404(slug)
    attendee = current_attendee(event)
    # The guide shows on the first visit only; the menu re-opens it.
    show_guide = not session.get("guide_seen")
    if show_guide:  # only then: a page that sets no cookie is one a phone may keep offline
        session["guide_seen"] = True

    def render():
        context = {"event": event, **screens.context_for("home", event, attendee)}
        return render_template("events/home.html", attendee=attendee, show_guide=show_guide, **context)

    # A hall scanning the QR code at once: the brand-new phones share one rendering.
    return pagecache.page(event, "home", render) if pagecache.enabled() else render()


@bp.get("/e/<slug>/guide")
def guide(slug):
    """The first-visit guide, re-opened from the menu."""
    return render_template("events/guide.html", event=event_or_404(slug))


@bp.post("/e/<slug>/guide/done")
def guide_done(slug):
    """Skip or finish the guide."""
    event_or_404(slug)
    session["guide_seen"] = True
    return {"ok": True} if wants_json() else redirect(url_for("events.home", slug=slug))


@bp.route("/e/<slug>/me", methods=["GET", "POST"])
def profile(slug):
    """Optional display name and "first barcamp" flag."""
    event = event_or_404(slug)
    form = ProfileForm(obj=current_attendee(event))
    if form.validate_on_submit():
        update_profile(current_attendee(event, create=True), form.display_name.data or "", form.first_timer.data)
        flash(_("Saved."), "success")
        return redirect(url_for("events.home", slug=slug))
    return render_template("events/profile.html", event=event, form=form), 400 if form.errors else 200


@bp.get("/e/<slug>/projector")
def projector(slug):
    """The big screen: 1920×1080, updates live."""
    event = event_or_404(slug)
    # The clock shows the server's time in the event's zone, whatever the projector laptop's clock says.
    return render_template("events/projector.html", event=event, now_ms=int(time.time() * 1000))


@bp.get("/e/<slug>/qr.svg")
def qr(slug):
    """The join QR code as SVG, made here (no external service)."""
    event = event_or_404(slug)
    url = url_for("events.home", slug=event.slug, _external=True)
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", scale=10, dark="#000", light="#fff", border=2)
    return Response(buf.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "public, max-age=3600"})


@bp.get("/lang/<code>")
def set_language(code):
    """The visible language switcher."""
    if code in languages():
        session["lang"] = code
    return redirect(local_url(request.args.get("next"), "/"))


@partial("projector")
def projector_partial(event: Event) -> str:
    """What the projector shows now: the mode the facilitator chose, as its feature renders it."""
    return render_template(
        "events/_projector.html", event=event, mode_template=screens.projector_template(event.projector_mode)
    )
