"""The mixer's live parts: the banner every phone shows, the projector's round, the console's
counts (facilitators only), the joined count as a coalesced tally, and its JSON section.
None of them names anybody; a person's group is only ever in their own page (``views.mine``)."""

from __future__ import annotations

from flask import render_template

from barcamp.core import realtime
from barcamp.core.api import section
from barcamp.core.extensions import db
from barcamp.core.models import Event, utcnow
from barcamp.core.partials import partial
from barcamp.mixer import after, buddies, reading


def seconds_until(when) -> int:
    return max(0, int((when - utcnow()).total_seconds())) if when else 0


@partial("mixer")
def banner(event: Event) -> str:
    """ "Meet someone new: I'm in", on every attendee page while a round is on."""
    return render_template("mixer/_banner.html", event=event, view=reading.round_view(event))


@partial("mixproj")
def projector(event: Event) -> str:
    """The projector's round: the countdown, how many are in, the meeting points; no names."""
    return render_template(
        "mixer/_projector_round.html",
        event=event,
        view=reading.round_view(event),
        counts=reading.dashboard(event.id),
    )


@partial("mixcounts", facilitators=True)
def console_counts(event: Event) -> str:
    """The console's mixing dashboard and buddy counts (counts only)."""
    return render_template(
        "mixer/_counts.html",
        event=event,
        view=reading.round_view(event),
        counts=reading.dashboard(event.id),
        buddy=buddies.counts(event.id),
    )


@realtime.counter("mixin")
def joined_tally(event_id: int):
    """How many are in the current round, for everyone."""
    n = {"in": after.joined_count(event_id)}
    db.session.remove()
    return n, n


@section("mixer")
def api_section(event: Event) -> dict:
    """The mixing dashboard's anonymous counts and the current round's phase."""
    view = reading.round_view(event)
    return {"phase": view["phase"], "joined": view["joined"], "counts": reading.dashboard(event.id)}
