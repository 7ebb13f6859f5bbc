"""Deleting an event, and the retention purge of anonymous questions, the tips board (tips and
cards with their contacts) and the mixer's rounds and buddy pairs.

"After the event ends" means after midnight following its last day, in the event's time zone.
An event whose dates can't be counted with (an old row from before dates were checked) is
skipped and logged, never allowed to stop the purge of every other event.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import delete, func, select

from barcamp.core import zones
from barcamp.core.database import after_commit, transaction
from barcamp.core.extensions import db
from barcamp.core.identity import forget_event_id
from barcamp.core.models import Day, Event, utcnow
from barcamp.mixer.models import BuddyOffer, BuddyPair, BuddyRequest, MixRound
from barcamp.questions.models import Question
from barcamp.tips.models import BoardReport, CardLink, Connection, Tip, TipCard, card_tag

log = logging.getLogger(__name__)


@transaction
def delete_event(event: Event) -> None:
    """Delete an event and everything in it (the database cascades to every table)."""
    slug = event.slug
    db.session.execute(delete(Event).where(Event.id == event.id))
    # SQLite may give the id to the next event: this process must not take the slug to it.
    after_commit(lambda: forget_event_id(slug))


def event_end(event: Event, last_day: dt.date | None = None) -> dt.datetime:
    """When the event is over: midnight after its last day, in its time zone (as naive UTC)."""
    last = last_day or max((d.date for d in event.days), default=event.created_at.date())
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=zones.zone(event.timezone))
    return end.astimezone(dt.UTC).replace(tzinfo=None)


def purge_date(event: Event, retention_days: int) -> dt.date | None:
    """The day (in the event's time zone) its anonymous questions and tips are deleted (None: never countable)."""
    try:
        when = (event_end(event) + dt.timedelta(days=retention_days)).replace(tzinfo=dt.UTC)
    except OverflowError:
        return None
    return when.astimezone(zones.zone(event.timezone)).date()


def _purge_one(event_id: int) -> tuple[int, int]:
    cards = select(TipCard.id).where(TipCard.event_id == event_id)
    tips = db.session.execute(delete(Tip).where(Tip.card_id.in_(cards))).rowcount
    questions = db.session.execute(delete(Question).where(Question.event_id == event_id)).rowcount
    # The board's cards go too, with their contacts, profile links, connections and reports: after
    # the retention period nobody's contact details are kept ("People I met" is empty by then).
    db.session.execute(delete(BoardReport).where(BoardReport.event_id == event_id))
    db.session.execute(delete(Connection).where(Connection.from_card_id.in_(cards) | Connection.to_card_id.in_(cards)))
    db.session.execute(delete(CardLink).where(CardLink.card_id.in_(cards)))
    db.session.execute(delete(card_tag).where(card_tag.c.card_id.in_(cards)))
    db.session.execute(delete(TipCard).where(TipCard.event_id == event_id))
    # The mixer's rounds (with members, tokens and contact swaps) and buddy pairings: kept only for
    # "no repeated pair" and the dashboard's counts during the event.
    for model in (MixRound, BuddyPair, BuddyRequest, BuddyOffer):
        db.session.execute(delete(model).where(model.event_id == event_id))
    return questions, tips


@transaction
def purge_expired(retention_days: int, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete questions, tips and tips cards (with their votes, marks, contacts, connections and
    reports), and the mixer's rounds and buddy pairs, of events past retention."""
    now = now or utcnow()
    last_days = select(Event, func.max(Day.date)).outerjoin(Day, Day.event_id == Event.id).group_by(Event.id)
    counts = {"events": 0, "questions": 0, "tips": 0, "skipped": 0}
    for event, last in db.session.execute(last_days).all():
        try:
            due = event_end(event, last or event.created_at.date()) + dt.timedelta(days=retention_days)
        except (OverflowError, ValueError):
            log.warning("retention purge skipped event %s: its dates can't be counted with", event.id)
            counts["skipped"] += 1
            continue
        if now < due:
            continue
        questions, tips = _purge_one(event.id)
        if tips or questions:
            counts["events"] += 1
            counts["questions"] += questions
            counts["tips"] += tips
    return counts
