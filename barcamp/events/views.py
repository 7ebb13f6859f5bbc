"""Events: create one, join one by code, the attendee home, projector and QR code."""

from __future__ import annotations

import datetime as dt
import io
import re
import secrets
import unicodedata

import segno
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from wtforms import BooleanField, DateField, StringField
from wtforms.validators import DataRequired, Length, Optional

from barcamp.core import realtime, rules
from barcamp.core.database import transaction
from barcamp.core.errors import wants_json
from barcamp.core.extensions import db
from barcamp.core.forms import Form, strip
from barcamp.core.identity import current_attendee, event_or_404, grant_facilitator, hash_key, is_facilitator
from barcamp.core.models import Attendee, Day, Event, FacilitatorLink
from barcamp.core.partials import partial
from barcamp.core.ratelimits import limiter, per_address
from barcamp.core.security import local_url

bp = Blueprint("events", __name__)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


# --- domain -----------------------------------------------------------------


def slugify(text: str) -> str:
    """A URL-safe slug from any (German) event name."""
    text = text.replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:50] or "barcamp"


@transaction
def create_event(
    name: str, hashtag: str = "", timezone: str = "Europe/Berlin", first_day: dt.date | None = None
) -> tuple[Event, str]:
    """Create an event with one day; return it and its secret facilitator key."""
    slug = base = slugify(name)
    while db.session.scalar(select(Event.id).where(Event.slug == slug)):
        slug = f"{base}-{secrets.token_hex(2)}"
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
    while db.session.scalar(select(Event.id).where(Event.join_code == code)):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
    event = Event(
        slug=slug,
        name=name.strip(),
        hashtag=hashtag.strip().lstrip("#") or None,
        timezone=timezone,
        join_code=code,
    )
    event.days.append(Day(date=first_day or dt.date.today()))
    db.session.add(event)
    db.session.flush()
    key = new_facilitator_link(event, "creator")
    return event, key


@transaction
def new_facilitator_link(event: Event, label: str = "") -> str:
    """Create a facilitator link for ``event`` and return its secret key."""
    key = secrets.token_urlsafe(24)
    db.session.add(FacilitatorLink(event_id=event.id, key_hash=hash_key(key), label=label))
    return key


@transaction
def rotate_facilitator_link(event: Event, link_id: int) -> str:
    """Revoke one facilitator link and issue a replacement with the same label."""
    link = db.session.get(FacilitatorLink, link_id)
    if link is None or link.event_id != event.id or link.revoked_at:
        abort(404)
    link.revoked_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    realtime.revoke_facilitators(event.id)
    return new_facilitator_link(event, link.label)


@transaction
def update_profile(attendee: Attendee, display_name: str, first_timer: bool) -> None:
    """Set an attendee's optional display name and "first barcamp" flag."""
    attendee.display_name = display_name.strip()
    attendee.first_timer = first_timer


def first_timer_count(event: Event) -> int:
    """How many attendees said this is their first barcamp (facilitators see only this)."""
    return db.session.scalar(select(func.count(Attendee.id)).where(Attendee.event_id == event.id, Attendee.first_timer))


# --- forms ------------------------------------------------------------------


class CreateEventForm(Form):
    name = StringField(
        _l("Event name"),
        validators=[DataRequired(_l("Please give the event a name.")), Length(max=120)],
        filters=[strip],
    )
    hashtag = StringField(_l("Hashtag (optional)"), validators=[Optional(), Length(max=60)])
    timezone = StringField(
        _l("Time zone"), default="Europe/Berlin", validators=[DataRequired(), rules.rule("event", "timezone")]
    )
    first_day = DateField(
        _l("First day"),
        default=dt.date.today,
        validators=[DataRequired(_l("Please pick a date.")), rules.rule("day", "date")],
    )


class JoinForm(Form):
    code = StringField(
        _l("Event code"), validators=[DataRequired(_l("Please enter the code shown on the screen.")), Length(max=12)]
    )


class ProfileForm(Form):
    display_name = StringField(_l("Display name (optional)"), validators=[Optional(), Length(max=60)])
    first_timer = BooleanField(_l("This is my first barcamp"))


# --- views ------------------------------------------------------------------


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
    from barcamp.pitches.views import home_context

    attendee = current_attendee(event)
    # The guide shows on the first visit only; the menu re-opens it.
    show_guide = not session.get("guide_seen")
    session["guide_seen"] = True
    return render_template(
        "events/home.html", attendee=attendee, show_guide=show_guide, **home_context(event, attendee)
    )


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
    return render_template("events/projector.html", event=event)


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
    if code in ("de", "en"):
        session["lang"] = code
    return redirect(local_url(request.args.get("next"), "/"))


@partial("projector")
def projector_partial(event: Event) -> str:
    """What the projector shows now: welcome slide, pitches, grid, now/next or the wall."""
    return render_template("events/_projector.html", event=event)
