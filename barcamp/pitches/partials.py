"""The pitch list's live parts and JSON, and the per-viewer state every event page shows."""

from __future__ import annotations

from collections import Counter

from flask import g, render_template, request
from sqlalchemy import select

from barcamp.core.api import section
from barcamp.core.extensions import db
from barcamp.core.identity import current_attendee
from barcamp.core.models import Attendee, Event
from barcamp.core.partials import item_partial, partial, render_item
from barcamp.pitches.domain import cards, queue
from barcamp.pitches.enums import WITHDRAWN
from barcamp.pitches.models import Pitch
from barcamp.pitches.votes import VotingForm, my_votes, public_counts, votes_left


@item_partial("pitches")
def pitch_card(event: Event, pitch_id: int) -> dict[str, str]:
    """One pitch's card, as the list shows it, for pushing it live."""
    pitch = db.session.get(Pitch, pitch_id)
    return render_item("pitches/_pitch.html", event=event, pitch=pitch, counts=public_counts(event))


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
    context = list_context(event)
    used = Counter(tag.name for pitch in context["pitches"] for tag in pitch.tags)
    tags = sorted(used, key=lambda name: (-used[name], name))  # the most used first, for the tag filter
    withdrawn = request.args.get("withdrawn", type=int)  # just withdrawn from this browser: offer "Undo"
    undo = db.session.get(Pitch, withdrawn) if withdrawn in mine else None
    if undo is not None and undo.status != WITHDRAWN:
        undo = None
    return {
        **context,
        "voted": voted,
        "mine": mine,
        "left": votes_left(event, len(voted)),
        "list_tags": tags,
        "withdrawn": undo,
    }


# --- partials and API -------------------------------------------------------


def list_context(event: Event) -> dict:
    """What the shared pitch list shows (the same for every viewer), its cards as plain rows."""
    return {"event": event, "pitches": cards(event), "counts": public_counts(event)}


@partial("pitches")
def pitches_partial(event: Event) -> str:
    """The pitch list on phones."""
    return render_template("pitches/_list.html", **list_context(event))


def pitch_json(p: Pitch, votes: int | None) -> dict:
    """One pitch as the API and the facilitators' summary show it: its content and a count."""
    return {
        "id": p.id,
        "title": p.title,
        "description": p.description,
        "host": p.host_name,
        "tags": [t.name for t in p.tags],
        "level": p.level,
        "format": p.format,
        "language": p.language,
        "status": p.status,
        "votes": votes,
    }


@section("pitches")
def pitches_json(event: Event) -> list[dict]:
    """Active pitches with their vote counts (null while voting is blind); never who voted."""
    counts = public_counts(event)
    return [pitch_json(p, None if counts is None else counts.get(p.id, 0)) for p in queue(event)]


@section("voting")
def voting_json(event: Event) -> dict:
    """Whether voting is open, the budget, and blind mode."""
