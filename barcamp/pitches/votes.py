"""Voting: "I'd attend" on pitches, with an optional budget and blind mode.

One vote per attendee per pitch is the database's rule (a unique constraint).
Setting a vote is idempotent: the form says whether the vote should be on or
off, so a vote re-sent after a dropped connection is never counted twice.
Tallies are announced through ``realtime.tally`` and coalesced there.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, func, insert, select
from wtforms import BooleanField, IntegerField
from wtforms.validators import Optional

from barcamp.core import metrics, realtime, rules
from barcamp.core.database import after_commit, core, transaction
from barcamp.core.errors import DomainError, wants_json
from barcamp.core.extensions import db
from barcamp.core.forms import Form
from barcamp.core.identity import (
    attendee_for,
    browser_key,
    current_attendee,
    current_attendee_id,
    event_id_or_404,
    event_or_404,
    facilitator_required,
    forget_event_id,
    remember_attendee,
)
from barcamp.core.models import Attendee, Event, utcnow
from barcamp.core.ratelimits import fresh_votes, limiter
from barcamp.core.replies import done, failed
from barcamp.core.security import local_url
from barcamp.pitches.enums import ACTIVE
from barcamp.pitches.models import Pitch, Vote

bp = Blueprint("votes", __name__)


# --- domain -----------------------------------------------------------------


def interest_counts(event_id: int) -> dict[int, int]:
    """Votes per active pitch of an event, read from the database (the truth)."""
    rows = db.session.execute(
        select(Vote.pitch_id, func.count(Vote.id))
        .join(Pitch, Pitch.id == Vote.pitch_id)
        .where(Pitch.event_id == event_id, Pitch.status == ACTIVE)
        .group_by(Vote.pitch_id)
    )
    return {pitch_id: n for pitch_id, n in rows}


def tallies_hidden(event: Event) -> bool:
    """Blind voting hides tallies from attendees until voting closes."""
    return event.blind_voting and event.voting_open


def public_counts(event: Event) -> dict[int, int] | None:
    """The counts attendees may see now, or None while voting is blind."""
    return None if tallies_hidden(event) else interest_counts(event.id)


@realtime.counter("votes")
def _vote_tally(event_id: int):
    event = db.session.get(Event, event_id)
    counts = interest_counts(event_id)
    return (None if tallies_hidden(event) else counts), counts


def my_votes(event: Event, attendee: Attendee | None) -> set[int]:
    """Ids of the active pitches this attendee voted for."""
    if attendee is None:
        return set()
    return set(
        db.session.scalars(
            select(Vote.pitch_id)
            .join(Pitch, Pitch.id == Vote.pitch_id)
            .where(Vote.attendee_id == attendee.id, Pitch.status == ACTIVE)
        )
    )


def votes_left(event: Event, used: int) -> int | None:
    """Remaining votes under the event's budget (None = unlimited)."""
    return None if event.vote_budget is None else max(0, event.vote_budget - used)


@dataclass
class VoteResult:
    voted: bool
    votes_left: int | None


# The hot path of a vote storm, as prepared statements: built once, so each vote
# costs a few narrow queries and no ORM object loading. The attendee's row is locked
# first (PostgreSQL; SQLite already holds the write lock from BEGIN IMMEDIATE), so one
# attendee's concurrent votes are serialised and can't overspend a budget. The state is
# read by a second statement: in READ COMMITTED, only a statement that starts after the
# lock is granted sees the vote the previous holder committed.
_LOCK_ATTENDEE = (
    select(Attendee.id).where(Attendee.id == bindparam("a"), Attendee.event_id == bindparam("e")).with_for_update()
)
_STATE = (
    select(Event.voting_open, Event.vote_budget, Pitch.status, Vote.id)
    .select_from(Pitch)
    .join(Event, Event.id == Pitch.event_id)
    .outerjoin(Vote, (Vote.pitch_id == Pitch.id) & (Vote.attendee_id == bindparam("a")))
    .where(Pitch.id == bindparam("p"), Event.id == bindparam("e"))
)
_USED = (
    select(func.count(Vote.id))
    .join(Pitch, Pitch.id == Vote.pitch_id)
    .where(Vote.attendee_id == bindparam("a"), Pitch.status == ACTIVE)
)
_INSERT = insert(Vote)
_DELETE = delete(Vote).where(Vote.id == bindparam("v"))


def _counted(event_id: int) -> None:
    realtime.tally(event_id, "votes")
    after_commit(metrics.VOTES.labels("pitch").inc)


@transaction
def set_vote(event_id: int, attendee_id: int, pitch_id: int, on: bool) -> VoteResult | None:
    """Turn an attendee's vote on a pitch on or off, within voting rules and budget.

    Returns None if the pitch is not one of the event's (or the attendee not the event's);
    raises DomainError (409, with ``voted`` and ``votes_left``) when a rule refuses the vote.
    """
    ids = {"e": event_id, "a": attendee_id, "p": pitch_id}
    if core(_LOCK_ATTENDEE, ids).scalar() is None:
        return None
    row = core(_STATE, ids).one_or_none()
    if row is None:
        return None
    voting_open, budget, status, existing = row
    used = core(_USED, ids).scalar() if budget is not None else 0  # only a budget needs the others

    def left(n: int) -> int | None:
        return None if budget is None else max(0, budget - n)

    if not voting_open:
        raise DomainError(_("Voting is closed right now."), 409, voted=existing is not None, votes_left=left(used))
    if status != ACTIVE:
        raise DomainError(_("This pitch is no longer open for votes."), 409, voted=False, votes_left=left(used))
    if on and existing is None:
        if budget is not None and used >= budget:
            message = _("You have used all %(n)s of your votes. Take one back to vote here.", n=budget)
            raise DomainError(message, 409, voted=False, votes_left=0)
        core(_INSERT, {"pitch_id": pitch_id, "attendee_id": attendee_id, "created_at": utcnow()})
        used += 1
        _counted(event_id)
    elif not on and existing is not None:
        core(_DELETE, {"v": existing})
        used -= 1
        _counted(event_id)
    return VoteResult(on, left(used))


_PITCH_OF = (
    select(Pitch.id)
    .join(Event, Event.id == Pitch.event_id)
    .where(Pitch.id == bindparam("p"), Event.id == bindparam("e"), Event.slug == bindparam("s"))
)


@transaction
def first_vote(event_id: int, slug: str, key: str, pitch_id: int, on: bool) -> tuple[int, VoteResult] | None:
    """A browser's first vote in an event: the write that makes (or finds) its attendee row casts it.

    Returns (attendee id, result), or None if the pitch is not the event's. A vote a rule refuses
    makes no row either: the whole write rolls back.
    """
    if core(_PITCH_OF, {"p": pitch_id, "e": event_id, "s": slug}).scalar() is None:
        return None
    attendee_id = attendee_for(event_id, key)
    return attendee_id, set_vote(event_id, attendee_id, pitch_id, on)


@transaction
def update_voting(event: Event, voting_open: bool, budget: int | None, blind: bool) -> None:
    """Open or close voting, set the vote budget, switch blind mode."""
    event.voting_open, event.vote_budget, event.blind_voting = voting_open, budget, blind
    realtime.changed(event.id, "pitches")
    realtime.changed(event.id, "spotlight")
    # Phones work out their votes left from the budget and the votes they hold: nobody fetches.
    realtime.changed(event.id, "voting", open=voting_open, budget=budget, blind=blind)
    realtime.tally(event.id, "votes")


# --- forms and views --------------------------------------------------------


class VotingForm(Form):
    voting_open = BooleanField(_l("Voting is open"))
    vote_budget = IntegerField(
        _l("Votes per person (empty = unlimited)"),
        validators=[Optional(), rules.rule("event", "vote_budget")],
    )
    blind_voting = BooleanField(_l("Blind voting: hide tallies from attendees until voting closes"))


def _cast(event_id: int, slug: str, pitch_id: int, on: bool) -> VoteResult | None:
    """This browser's vote: by the attendee its cookie names, else as its first vote in the event."""
    attendee_id = current_attendee_id(event_id)
    result = set_vote(event_id, attendee_id, pitch_id, on) if attendee_id else None
    if result is None:  # a new browser, a stale cookie, or a pitch that is not the event's
        first = first_vote(event_id, slug, browser_key(event_id), pitch_id, on)
        if first is not None:
            attendee_id, result = first
            remember_attendee(event_id, attendee_id)
    return result


@bp.post("/e/<slug>/pitches/<int:pitch_id>/vote")
@limiter.limit("120/minute")
@fresh_votes
def vote(slug, pitch_id):
    """Tap "I'd attend" (on=1) or take it back (on=0)."""
    event_id = event_id_or_404(slug)
    on = request.form.get("on", "1") == "1"
    back = local_url(request.form.get("next"), url_for("events.home", slug=slug) + f"#pitch-{pitch_id}")
    try:
        result = _cast(event_id, slug, pitch_id, on)
        if result is None:  # no such pitch, or the event this process remembers for the slug is gone
            forget_event_id(slug)
            if (fresh := event_id_or_404(slug)) != event_id:
                result = _cast(fresh, slug, pitch_id, on)
    except DomainError as exc:
        if wants_json():
            return {"ok": False, "pitch_id": pitch_id, "error": str(exc.message), **exc.data}, exc.status
        return failed(exc.message, exc.status, to=back)
    if result is None:
        return ({"error": _("This pitch does not exist.")}, 404) if wants_json() else ("", 404)
    message = _("You said you'd attend.") if result.voted else _("You took back “I'd attend”.")
    return done(back, message, voted=result.voted, votes_left=result.votes_left, pitch_id=pitch_id)


@bp.get("/e/<slug>/votes/mine")
def mine(slug):
    """This browser's votes and votes left, for resync after reconnecting."""
    event = event_or_404(slug)
    voted = my_votes(event, current_attendee(event))
    return {
        "voted": sorted(voted),
        "votes_left": votes_left(event, len(voted)),
        "budget": event.vote_budget,
        "open": event.voting_open,
    }


@bp.post("/e/<slug>/facilitate/voting")
@facilitator_required
def settings(event):
    """Voting settings: open/closed, budget, blind mode."""
    form = VotingForm()
    if form.validate():
        update_voting(event, form.voting_open.data, form.vote_budget.data, form.blind_voting.data)
        flash(_("Voting settings saved."), "success")
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
    return redirect(url_for("setup.console", slug=event.slug) + "#voting")
