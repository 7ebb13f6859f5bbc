"""The wall's live parts (phones, moderation, projector) and its JSON section."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    render_template,
    request,
)

from barcamp.core.api import section
from barcamp.core.extensions import db
from barcamp.core.models import Event
from barcamp.core.partials import partial
from barcamp.pitches.models import Pitch
from barcamp.questions import reading

PROMOTE_VOTES = 10  # attendees may turn a question into a pitch from this many upvotes


def session_of(event: Event, pitch_id) -> Pitch | None:
    try:
        pitch_id = int(pitch_id) if pitch_id not in (None, "") else None
    except ValueError:
        abort(404)
    if pitch_id is None:
        return None
    pitch = db.session.get(Pitch, pitch_id)
    if pitch is None or pitch.event_id != event.id:
        abort(404)
    return pitch


def wall_args(event: Event) -> tuple[Pitch | None, str]:
    return session_of(event, request.args.get("pitch")), "new" if request.args.get("sort") == "new" else "top"


def wall_context(event: Event, pitch: Pitch | None, sort: str, moderate: bool) -> dict:
    """What the shared wall partial needs (the same for every viewer of that view)."""
    return {
        "event": event,
        "pitch": pitch,
        "sort": sort,
        "moderate": moderate,
        "wall": reading.wall(event, pitch, sort, moderate),
        "promote_votes": current_app.config.get("QUESTION_PROMOTE_VOTES", PROMOTE_VOTES),
    }


# --- live partials and the JSON snapshot ----------------------------------------


@partial("questions")
def questions_partial(event: Event) -> str:
    """The wall as every attendee sees it (``?pitch=`` for a session, ``?sort=new``)."""
    pitch, sort = wall_args(event)
    return render_template("questions/_wall.html", **wall_context(event, pitch, sort, False))


@partial("questionsmod", facilitators=True)
def moderation_partial(event: Event) -> str:
    """The wall with the facilitators' queues and controls."""
    pitch, sort = wall_args(event)
    return render_template("questions/_wall.html", **wall_context(event, pitch, sort, True))


@partial("qwall")
def projector_partial(event: Event) -> str:
    """The projector's wall: the pinned question large, then the top questions."""
    pinned, top, counts = reading.projector_wall(event)
    return render_template("questions/_projector_wall.html", event=event, pinned=pinned, top=top, counts=counts)


@section("questions")
def api_questions(event: Event) -> list[dict]:
    """Visible questions: text, upvotes, status, session. Nothing about who asked or voted."""
    return reading.public_questions(event)
