"""Pitches: attendees propose sessions from their phones and vote; the shared pitch list.

The facilitator's side (spotlight, hide, merge, the live queue) is in ``pitch_console``.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, g, has_request_context, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from barcamp.core import ratelimits, realtime
from barcamp.core.api import section
from barcamp.core.database import after_commit, transaction
from barcamp.core.errors import wants_json
from barcamp.core.extensions import db
from barcamp.core.forms import Form, strip
from barcamp.core.identity import current_attendee, event_or_404, is_facilitator
from barcamp.core.models import Attendee, Event, Pitch, Tag
from barcamp.core.partials import partial, render_item
from barcamp.core.ratelimits import fresh_posts, limiter
from barcamp.pitches.votes import VotingForm, my_votes, public_counts, votes_left

bp = Blueprint("pitches", __name__)

LEVELS = [("beginner", _l("Beginner-friendly")), ("everyone", _l("For everyone")), ("deep", _l("Deep dive"))]
FORMATS = [("talk", _l("Talk")), ("discussion", _l("Discussion")), ("workshop", _l("Workshop")), ("other", _l("Other"))]
LANGUAGES = [("de", _l("German")), ("en", _l("English"))]
MAX_TAGS = 5


# --- domain -----------------------------------------------------------------


def _push_card(event_id: int, pitch_id: int, now: bool = False) -> None:
    """Once committed, send every page the pitch's card (new or edited), rendered once."""

    def push():
        if not has_request_context():  # e.g. the demo loader: pages just reload the list
            realtime.changed(event_id, "pitches", now=now)
            return
        event, pitch = db.session.get(Event, event_id), db.session.get(Pitch, pitch_id)
        html = render_item("pitches/_pitch.html", event=event, pitch=pitch, counts=public_counts(event))
        realtime.changed(event_id, "pitches", now=now, item=f"pitch-{pitch_id}", html=html)

    after_commit(push)


def parse_tags(raw: str) -> list[str]:
    """Split "a, b, #c" into distinct clean tag names (order kept)."""
    names: list[str] = []
    for part in (raw or "").replace(";", ",").split(","):
        name = " ".join(part.strip().lstrip("#").split()).lower()[:30]
        if name and name not in names:
            names.append(name)
    return names


def get_tags(event_id: int, names: list[str]) -> list[Tag]:
    """The event's tags with these names, created where missing."""
    existing = {t.name: t for t in db.session.scalars(select(Tag).where(Tag.event_id == event_id, Tag.name.in_(names)))}
    tags = []
    for name in names:
        tag = existing.get(name) or Tag(event_id=event_id, name=name)
        db.session.add(tag)
        tags.append(tag)
    return tags


def event_tags(event: Event) -> list[str]:
    """Tag names already used by the event's pitches, most used first."""
    from barcamp.core.models import pitch_tag

    rows = db.session.execute(
        select(Tag.name)
        .join(pitch_tag, pitch_tag.c.tag_id == Tag.id)
        .where(Tag.event_id == event.id)
        .group_by(Tag.name)
        .order_by(func.count().desc(), Tag.name)
        .limit(40)
    )
    return [name for (name,) in rows]


@transaction
def create_pitch(event: Event, attendee: Attendee | None, *, client_id: str | None = None, **fields) -> Pitch:
    """Store a new pitch; a re-sent form (same client_id) returns the stored one. Another title
    under a used client_id (an old page from the back button) is a new pitch."""
    if client_id:
        existing = db.session.scalar(select(Pitch).where(Pitch.client_id == client_id))
        if existing is not None:
            if existing.event_id != event.id:
                abort(400)
            if existing.title == fields.get("title"):
                return existing
            client_id = uuid.uuid4().hex
    tags = fields.pop("tags", [])
    pitch = Pitch(event_id=event.id, attendee_id=attendee.id if attendee else None, client_id=client_id, **fields)
    pitch.tags = get_tags(event.id, tags)
    db.session.add(pitch)
    db.session.flush()
    if pitch.status == "active":  # a held pitch shows nowhere but in the facilitators' queue
        _push_card(event.id, pitch.id, now=True)
        realtime.changed(event.id, "spotlight")
    realtime.changed(event.id, "pitchqueue", facilitators_only=True)
    return pitch


@transaction
def update_pitch(pitch: Pitch, **fields) -> Pitch:
    """Edit a pitch's text, host, tags, level, format or language."""
    tags = fields.pop("tags", None)
    for key, value in fields.items():
        setattr(pitch, key, value)
    if tags is not None:
        pitch.tags = get_tags(pitch.event_id, tags)
    _push_card(pitch.event_id, pitch.id)
    realtime.changed(pitch.event_id, "spotlight")
    realtime.changed(pitch.event_id, "pitchqueue", facilitators_only=True)
    return pitch


@transaction
def set_status(pitch: Pitch, status: str) -> None:
    """Withdraw, hide or restore a pitch (its votes stay, but no longer count)."""
    pitch.status = status
    if status == "active":  # restored: it goes back to its place in the list
        realtime.changed(pitch.event_id, "pitches")
    else:
        realtime.changed(pitch.event_id, "pitches", gone=f"pitch-{pitch.id}")
    realtime.changed(pitch.event_id, "spotlight")
    realtime.changed(pitch.event_id, "pitchqueue", facilitators_only=True)
    realtime.tally(pitch.event_id, "votes")


def queue(event: Event) -> list[Pitch]:
    """The event's active pitches in the order they were pitched."""
    return db.session.scalars(
        select(Pitch)
        .where(Pitch.event_id == event.id, Pitch.status == "active")
        .order_by(Pitch.created_at, Pitch.id)
        .options(selectinload(Pitch.tags))  # one query for every card's tags, not one per card
    ).all()


# --- forms ------------------------------------------------------------------


def _not_blank(form, field):
    if not (field.data or "").strip():
        raise ValidationError(_l("Please give your session a title."))


class PitchForm(Form):
    title = StringField(
        _l("Title"),
        filters=[strip],
        validators=[_not_blank, Length(max=120, message=_l("At most 120 characters, please."))],
    )
    description = TextAreaField(
        _l("What is it about? (optional)"),
        filters=[strip],
        validators=[Optional(), Length(max=2000, message=_l("At most 2,000 characters, please."))],
    )
    host_name = StringField(_l("Host"), filters=[strip], validators=[Optional(), Length(max=60)])
    tags = StringField(_l("Tags (up to 5, separated by commas)"), filters=[strip], validators=[Optional()])
    level = SelectField(_l("Level"), choices=LEVELS, default="everyone")
    format = SelectField(_l("Format"), choices=FORMATS, default="talk")
    language = SelectField(_l("Session language"), choices=LANGUAGES)
    client_id = HiddenField()

    def validate_tags(self, field):
        names = parse_tags(field.data)
        if len(names) > MAX_TAGS:
            raise ValidationError(_("At most %(n)s tags, please (you gave %(m)s).", n=MAX_TAGS, m=len(names)))

    def pitch_fields(self) -> dict:
        return {
            "title": self.title.data,
            "description": self.description.data or "",
            "host_name": self.host_name.data or "",
            "tags": parse_tags(self.tags.data),
            "level": self.level.data,
            "format": self.format.data,
            "language": self.language.data,
        }


def voting_form(event: Event) -> VotingForm:
    """The console's voting settings form, filled from the event."""
    return VotingForm(obj=event, formdata=None)


def votes_left_for(event: Event) -> int | None:
    """Votes this browser has left in ``event`` (None = no budget), for every event page."""
    if event.vote_budget is None:
        return None
    return votes_left(event, len(my_votes(event, current_attendee(event))))


def my_vote_ids(event: Event) -> list[int]:
    """This browser's votes in ``event`` (every event page carries them, for notices), once per request."""
    cache = g.setdefault("my_vote_ids", {})
    if event.id not in cache:
        cache[event.id] = sorted(my_votes(event, current_attendee(event)))
    return cache[event.id]


def home_context(event: Event, attendee: Attendee | None) -> dict:
    """Per-viewer state around the shared pitch list: my votes, my pitches, votes left."""
    voted = my_votes(event, attendee)
    mine = set()
    if attendee is not None:
        mine = set(db.session.scalars(select(Pitch.id).where(Pitch.attendee_id == attendee.id)))
    return {**list_context(event), "voted": voted, "mine": mine, "left": votes_left(event, len(voted))}


# --- views ------------------------------------------------------------------


def _pitch_of(event: Event, pitch_id: int) -> Pitch:
    pitch = db.session.get(Pitch, pitch_id)
    if pitch is None or pitch.event_id != event.id:
        abort(404)
    return pitch


def _may_edit(event: Event, pitch: Pitch) -> bool:
    attendee = current_attendee(event)
    return is_facilitator(event) or (attendee is not None and pitch.attendee_id == attendee.id)


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
        form.language.data = "de" if str(request.accept_languages.best_match(["de", "en"])) == "de" else "en"
        form.client_id.data = uuid.uuid4().hex
    elif form.validate():
        # A flood of new pitches from attendees: each waits for a facilitator's approval.
        held = not is_facilitator(event) and ratelimits.flooding(event.id, "pitch")
        pitch = create_pitch(
            event,
            current_attendee(event, create=True),
            client_id=(form.client_id.data or "")[:40] or None,
            status="pending" if held else "active",
            **form.pitch_fields(),
        )
        if pitch.status == "pending":
            message = _("Thanks! Your pitch “%(title)s” waits for a facilitator's approval.", title=pitch.title)
        else:
            message = _("Thanks! Your pitch “%(title)s” is on the list.", title=pitch.title)
        url = url_for("events.home", slug=slug) + (f"#pitch-{pitch.id}" if pitch.status == "active" else "")
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
    pitch = _pitch_of(event, pitch_id)
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
    """Withdraw one's own pitch."""
    event = event_or_404(slug)
    pitch = _pitch_of(event, pitch_id)
    if not _may_edit(event, pitch):
        abort(403)
    set_status(pitch, "withdrawn")
    if wants_json():
        return {"ok": True}
    flash(_("Your pitch was withdrawn."), "success")
    return redirect(url_for("events.home", slug=slug))


# --- partials and API -------------------------------------------------------


def list_context(event: Event) -> dict:
    """What the shared pitch list shows (the same for every viewer)."""
    return {"event": event, "pitches": queue(event), "counts": public_counts(event)}


@partial("pitches")
def pitches_partial(event: Event) -> str:
    """The pitch list on phones."""
    return render_template("pitches/_list.html", **list_context(event))


@section("pitches")
def pitches_json(event: Event) -> list[dict]:
    """Active pitches with their vote counts (null while voting is blind); never who voted."""
    counts = public_counts(event)
    return [
        {
            "id": p.id,
            "title": p.title,
            "description": p.description,
            "host": p.host_name,
            "tags": [t.name for t in p.tags],
            "level": p.level,
            "format": p.format,
            "language": p.language,
            "status": p.status,
            "votes": None if counts is None else counts.get(p.id, 0),
        }
        for p in queue(event)
    ]


@section("voting")
def voting_json(event: Event) -> dict:
    """Whether voting is open, the budget, and blind mode."""
    return {"open": event.voting_open, "budget": event.vote_budget, "blind": event.blind_voting}
