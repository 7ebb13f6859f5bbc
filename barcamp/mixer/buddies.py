"""First-timer buddies: veterans offer (for 1 to 3 newcomers), first-timers ask, and matching is
live, preferring shared interests (votes on the same pitches, tags on their tips cards). Either
side can end a pairing at any time; the other is told it ended, never why."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from barcamp.core import realtime, zones
from barcamp.core.database import transaction
from barcamp.core.errors import DomainError
from barcamp.core.extensions import db
from barcamp.core.models import Attendee, Day, Event, Slot, utcnow
from barcamp.mixer.domain import points_of
from barcamp.mixer.enums import BUDDY_CAPACITY
from barcamp.mixer.models import BuddyOffer, BuddyPair, BuddyRequest
from barcamp.pitches.models import Vote
from barcamp.tips.models import TipCard
from barcamp.tips.reading import card_tags

MESSAGES = {
    "capacity": _l("A buddy looks after 1 to 3 newcomers."),
    "first-timer": _l("Buddies are for first-timers: please tick that this is your first barcamp."),
    "missing": _l("That pairing is not yours, or it has ended."),
}


def _tell(event_id: int, *attendee_ids: int) -> None:
    for attendee_id in attendee_ids:
        realtime.personal(event_id, attendee_id, "mixme")
    realtime.changed(event_id, "mixcounts", facilitators_only=True)


def offer_of(event_id: int, attendee: Attendee | None) -> BuddyOffer | None:
    if attendee is None:
        return None
    return db.session.scalar(
        select(BuddyOffer).where(BuddyOffer.event_id == event_id, BuddyOffer.attendee_id == attendee.id)
    )


def request_of(event_id: int, attendee: Attendee | None) -> BuddyRequest | None:
    if attendee is None:
        return None
    query = select(BuddyRequest).where(BuddyRequest.event_id == event_id, BuddyRequest.attendee_id == attendee.id)
    return db.session.scalar(query)


def pairs_of(event_id: int, attendee: Attendee | None) -> list[BuddyPair]:
    """My pairings that have not ended (as buddy or newcomer)."""
    if attendee is None:
        return []
    query = select(BuddyPair).where(
        BuddyPair.event_id == event_id,
        BuddyPair.ended.is_(False),
        (BuddyPair.buddy_id == attendee.id) | (BuddyPair.newcomer_id == attendee.id),
    )
    return list(db.session.scalars(query.order_by(BuddyPair.id)))


@transaction
def offer(event: Event, attendee: Attendee, capacity: int) -> None:
    """Offer to be a buddy for ``capacity`` newcomers (0 withdraws the offer; pairings stay)."""
    mine = offer_of(event.id, attendee)
    if capacity == 0:
        if mine is not None:
            db.session.delete(mine)
        _tell(event.id, attendee.id)
        return
    if capacity not in BUDDY_CAPACITY:
        raise DomainError(MESSAGES["capacity"])
    if mine is None:
        db.session.add(BuddyOffer(event_id=event.id, attendee_id=attendee.id, capacity=capacity))
    else:
        mine.capacity = capacity
    db.session.flush()
    _tell(event.id, attendee.id)
    match(event.id)


@transaction
def ask(event: Event, attendee: Attendee, first_timer: bool, on: bool = True) -> None:
    """A first-timer asks for a buddy (or stops asking)."""
    mine = request_of(event.id, attendee)
    if not on:
        if mine is not None:
            db.session.delete(mine)
        _tell(event.id, attendee.id)
        return
    if first_timer and not attendee.first_timer:
        attendee.first_timer = True  # ticking it here is ticking it on the profile
    if not attendee.first_timer:
        raise DomainError(MESSAGES["first-timer"])
    if mine is None and not any(p.newcomer_id == attendee.id for p in pairs_of(event.id, attendee)):
        db.session.add(BuddyRequest(event_id=event.id, attendee_id=attendee.id))
        db.session.flush()
    _tell(event.id, attendee.id)
    match(event.id)


@transaction
def end(event: Event, attendee: Attendee, pair_id: int) -> None:
    """End a pairing I am in; both are told it ended, nobody is told why."""
    pair = db.session.get(BuddyPair, pair_id)
    if pair is None or pair.event_id != event.id or pair.ended or attendee.id not in (pair.buddy_id, pair.newcomer_id):
        raise DomainError(MESSAGES["missing"], 404)
    pair.ended = True
    db.session.flush()
    _tell(event.id, pair.buddy_id, pair.newcomer_id)
    match(event.id)


def _active_counts(event_id: int) -> dict[int, int]:
    query = (
        select(BuddyPair.buddy_id, func.count(BuddyPair.id))
        .where(BuddyPair.event_id == event_id, BuddyPair.ended.is_(False))
        .group_by(BuddyPair.buddy_id)
    )
    return dict(db.session.execute(query).all())


def _interests(event_id: int, ids: set[int]) -> dict[int, set]:
    """Each person's interests: the pitches they voted for and their tips card's tags."""
    out: dict[int, set] = {i: set() for i in ids}
    for attendee_id, pitch_id in db.session.execute(
        select(Vote.attendee_id, Vote.pitch_id).where(Vote.attendee_id.in_(ids))
    ):
        out[attendee_id].add(("pitch", pitch_id))
    cards = dict(
        db.session.execute(
            select(TipCard.id, TipCard.attendee_id).where(TipCard.event_id == event_id, TipCard.attendee_id.in_(ids))
        ).all()
    )
    for card_id, tags in card_tags(list(cards)).items():
        out[cards[card_id]].update(("tag", t) for t in tags["help"] + tags["seek"])
    return out


def match(event_id: int) -> int:
    """Pair waiting first-timers with buddies who have room, oldest request first, best shared
    interests first; never the same two again. Runs inside the caller's transaction."""
    requests = db.session.scalars(
        select(BuddyRequest).where(BuddyRequest.event_id == event_id).order_by(BuddyRequest.created_at, BuddyRequest.id)
    ).all()
    offers = db.session.scalars(select(BuddyOffer).where(BuddyOffer.event_id == event_id).order_by(BuddyOffer.id)).all()
    if not requests or not offers:
        return 0
    room = {
        o.attendee_id: o.capacity - n
        for o in offers
        if (n := _active_counts(event_id).get(o.attendee_id, 0)) < o.capacity
    }
    before = {
        (b, n)
        for b, n in db.session.execute(
            select(BuddyPair.buddy_id, BuddyPair.newcomer_id).where(BuddyPair.event_id == event_id)
        )
    }
    interests = _interests(event_id, {r.attendee_id for r in requests} | set(room))
    points = points_of(event_id)
    made = 0
    for req in requests:
        free = [
            b for b, left in room.items() if left > 0 and b != req.attendee_id and (b, req.attendee_id) not in before
        ]
        if not free:
            continue
        buddy = max(free, key=lambda b: (len(interests[b] & interests[req.attendee_id]), -b))
        room[buddy] -= 1
        db.session.add(
            BuddyPair(event_id=event_id, buddy_id=buddy, newcomer_id=req.attendee_id, point=points[0] if points else "")
        )
        db.session.delete(req)
        _tell(event_id, buddy, req.attendee_id)
        made += 1
    return made


def counts(event_id: int) -> dict[str, int]:
    """For the console, as counts only: first-timers waiting, buddies with room, pairings ever made."""
    waiting = db.session.scalar(select(func.count(BuddyRequest.id)).where(BuddyRequest.event_id == event_id))
    active = _active_counts(event_id)
    offers = db.session.execute(
        select(BuddyOffer.attendee_id, BuddyOffer.capacity).where(BuddyOffer.event_id == event_id)
    )
    free = sum(1 for attendee_id, cap in offers if active.get(attendee_id, 0) < cap)
    matched = db.session.scalar(select(func.count(BuddyPair.id)).where(BuddyPair.event_id == event_id))
    return {"waiting": waiting or 0, "free": free, "matched": matched or 0}


def next_break(event: Event, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the next break starts (in the event's time zone), for a suggested meeting time."""
    zone = zones.zone(event.timezone)
    local = (now or utcnow()).replace(tzinfo=dt.UTC).astimezone(zone).replace(tzinfo=None)
    rows = db.session.execute(
        select(Day.date, Slot.starts_at)
        .join(Slot, Slot.day_id == Day.id)
        .where(Day.event_id == event.id, Slot.kind == "break", Day.date >= local.date())
        .order_by(Day.date, Slot.starts_at)
    )
    for date, starts in rows:
        when = dt.datetime.combine(date, starts)
        if when >= local:
            return when
    return None
