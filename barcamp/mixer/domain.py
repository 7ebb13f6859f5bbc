"""Meet-someone-new rounds: meeting points, opening a round, joining and leaving, forming the
groups (at the start time, once, whichever process gets there first), late joiners.
"We met" and swapping contacts are in ``after``.

No background scheduler: groups are formed when the facilitator presses "start now", or on the
first read after the start time (``ensure_formed``), guarded by one conditional UPDATE so that
of several processes exactly one forms them. Nothing here reads or joins questions.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update

from barcamp.core import realtime
from barcamp.core.database import transaction
from barcamp.core.errors import DomainError
from barcamp.core.extensions import db
from barcamp.core.models import Attendee, Event, utcnow
from barcamp.mixer import grouping
from barcamp.mixer.enums import GROUP_SIZES, MAX_POINTS
from barcamp.mixer.models import MeetingPoint, MixMember, MixRound
from barcamp.tips.models import TipCard
from barcamp.tips.reading import card_tags

MESSAGES = {
    "no-round": _l("There is no round to join right now."),
    "not-grouped": _l("You are not in a group in this round."),
    "missing": _l("That person is not in your group."),
    "contact": _l("Please type how they can reach you (up to 200 characters)."),
}


# --- meeting points ---------------------------------------------------------------------


def points_of(event_id: int) -> list[str]:
    """The event's meeting points, in their order."""
    query = select(MeetingPoint.name).where(MeetingPoint.event_id == event_id)
    return list(db.session.scalars(query.order_by(MeetingPoint.position, MeetingPoint.id)))


@transaction
def save_points(event: Event, names: list[str]) -> None:
    """Replace the event's meeting points with ``names`` (one a line in the form)."""
    db.session.execute(delete(MeetingPoint).where(MeetingPoint.event_id == event.id))
    for i, name in enumerate(names[:MAX_POINTS]):
        db.session.add(MeetingPoint(event_id=event.id, name=name, position=i))
    realtime.changed(event.id, "mixcounts", facilitators_only=True)


# --- the round ----------------------------------------------------------------------------


def current_round(event_id: int) -> MixRound | None:
    """The event's round that is not closed (the newest), if any."""
    query = select(MixRound).where(MixRound.event_id == event_id, MixRound.closed.is_(False))
    return db.session.scalar(query.order_by(MixRound.id.desc()).limit(1))


def ends_at(rnd: MixRound) -> dt.datetime:
    return rnd.starts_at + dt.timedelta(minutes=rnd.minutes)


def phase(rnd: MixRound | None, now: dt.datetime | None = None) -> str:
    """ "none", "open" (joining), "running" (groups meet) or "after" (time is up: we met, contacts)."""
    if rnd is None:
        return "none"
    now = now or utcnow()
    if not rnd.formed:
        return "open"
    return "running" if now < ends_at(rnd) else "after"


def _announce(event_id: int) -> None:
    realtime.changed(event_id, "mixer")
    realtime.changed(event_id, "mixproj")
    realtime.changed(event_id, "mixcounts", facilitators_only=True)
    realtime.tally(event_id, "mixin")


@transaction
def open_round(event: Event, group_size: int, minutes: int, join_minutes: int) -> MixRound:
    """Open a new round for joining (closing the one before); the groups form at its start time.

    Who waited in the last round (every group was full) is in this one from the start."""
    if group_size not in GROUP_SIZES:
        raise DomainError(_l("Groups have 2 to 4 people."))
    previous = current_round(event.id)
    waiting = []
    if previous is not None:
        previous.closed = True
        if previous.formed:
            waiting = db.session.execute(
                select(MixMember.attendee_id, MixMember.first_timer).where(
                    MixMember.round_id == previous.id, MixMember.group_no.is_(None)
                )
            ).all()
    rnd = MixRound(
        event_id=event.id,
        group_size=group_size,
        minutes=minutes,
        points="\n".join(points_of(event.id)),
        starts_at=utcnow() + dt.timedelta(minutes=join_minutes),
    )
    db.session.add(rnd)
    db.session.flush()
    for attendee_id, first_timer in waiting:
        db.session.add(MixMember(round_id=rnd.id, attendee_id=attendee_id, first_timer=first_timer))
    _announce(event.id)
    return rnd


@transaction
def close_round(event: Event) -> None:
    """End the current round (its pairs stay counted, for "no repeated pair" and the dashboard)."""
    rnd = current_round(event.id)
    if rnd is not None:
        rnd.closed = True
        _announce(event.id)


@transaction
def start_now(event: Event) -> None:
    """Form the groups of the open round now, instead of at its start time."""
    rnd = current_round(event.id)
    if rnd is None or rnd.formed:
        return
    rnd.starts_at = utcnow()
    _form(rnd)


def ensure_formed(rnd: MixRound | None) -> MixRound | None:
    """Form the round's groups if its start time has passed and nobody formed them yet."""
    if rnd is not None and not rnd.formed and not rnd.closed and utcnow() >= rnd.starts_at:
        _form_due(rnd.id)
        db.session.refresh(rnd)
    return rnd


@transaction
def _form_due(round_id: int) -> None:
    rnd = db.session.get(MixRound, round_id)
    if rnd is not None:
        _form(rnd)


def _form(rnd: MixRound) -> None:
    # Exactly one writer wins the flag, on any number of processes: the others see formed=true.
    won = db.session.execute(
        update(MixRound).where(MixRound.id == rnd.id, MixRound.formed.is_(False)).values(formed=True)
    ).rowcount
    if not won:
        return
    # Plain rows and one executemany, not ORM objects: 2,000 people are grouped well under a second.
    members = db.session.execute(
        select(MixMember.id, MixMember.attendee_id, MixMember.first_timer).where(MixMember.round_id == rnd.id)
    ).all()
    people = people_of(rnd.event_id, members)
    groups = grouping.form_groups(list(people.values()), rnd.group_size, met_pairs(rnd.event_id, rnd.id), seed=rnd.id)
    member_id = {m.attendee_id: m.id for m in members}
    placed, number = [], 0
    for gno, group in enumerate(groups):
        for attendee_id in group:
            number += 1
            placed.append({"id": member_id[attendee_id], "group_no": gno, "token": number})
    if placed:
        db.session.execute(update(MixMember), placed)
    for m in members:
        realtime.personal(rnd.event_id, m.attendee_id, "mixme")
    _announce(rnd.event_id)


def people_of(event_id: int, members) -> dict[int, grouping.Person]:
    """The grouping's view of members (rows with ``attendee_id`` and ``first_timer``): first-timer
    or not, and their tips card's tags."""
    ids = [m.attendee_id for m in members]
    cards = dict(
        db.session.execute(
            select(TipCard.attendee_id, TipCard.id).where(
                TipCard.event_id == event_id, TipCard.attendee_id.in_(ids), TipCard.hidden.is_(False)
            )
        ).all()
    )
    tags = card_tags(list(cards.values()))
    people = {}
    for m in members:
        t = tags.get(cards.get(m.attendee_id), {"help": [], "seek": []})
        helps, seeks = frozenset(t["help"]), frozenset(t["seek"])
        people[m.attendee_id] = grouping.Person(m.attendee_id, m.first_timer, helps, seeks)
    return people


def met_pairs(event_id: int, except_round: int | None = None) -> set[tuple[int, int]]:
    """Every pair of attendees who shared a group in an earlier round of the event."""
    query = (
        select(MixMember.round_id, MixMember.group_no, MixMember.attendee_id)
        .join(MixRound, MixRound.id == MixMember.round_id)
        .where(MixRound.event_id == event_id, MixMember.group_no.is_not(None))
    )
    if except_round is not None:
        query = query.where(MixRound.id != except_round)
    groups: dict[tuple[int, int], list[int]] = {}
    for round_id, group_no, attendee_id in db.session.execute(query):
        groups.setdefault((round_id, group_no), []).append(attendee_id)
    return grouping.pairs_of(groups.values())


def member_of(rnd: MixRound | None, attendee: Attendee | None) -> MixMember | None:
    if rnd is None or attendee is None:
        return None
    query = select(MixMember).where(MixMember.round_id == rnd.id, MixMember.attendee_id == attendee.id)
    return db.session.scalar(query)


@transaction
def join(event: Event, attendee: Attendee, on: bool) -> MixMember | None:
    """I'm in (``on``) or out of the current round. Joining after the groups formed puts me into a
    group below the maximum size, or I wait for the next round."""
    rnd = ensure_formed(current_round(event.id))
    if rnd is None or phase(rnd) == "after":
        raise DomainError(MESSAGES["no-round"], 409)
    mine = member_of(rnd, attendee)
    if not on:
        if mine is not None:
            mates = _group_of(mine) if mine.group_no is not None else []
            db.session.delete(mine)
            for m in mates:
                if m.id != mine.id:
                    realtime.personal(event.id, m.attendee_id, "mixme")
        realtime.personal(event.id, attendee.id, "mixme")
        realtime.tally(event.id, "mixin")
        realtime.changed(event.id, "mixcounts", facilitators_only=True)
        return None
    if mine is None:
        mine = MixMember(round_id=rnd.id, attendee_id=attendee.id, first_timer=attendee.first_timer)
        db.session.add(mine)
        db.session.flush()
        if rnd.formed:
            _place_late(rnd, mine)
        realtime.personal(event.id, attendee.id, "mixme")
        realtime.tally(event.id, "mixin")
        realtime.changed(event.id, "mixcounts", facilitators_only=True)
    return mine


def _place_late(rnd: MixRound, mine: MixMember) -> None:
    members = db.session.scalars(
        select(MixMember).where(MixMember.round_id == rnd.id, MixMember.group_no.is_not(None))
    ).all()
    people = people_of(rnd.event_id, [*members, mine])
    numbers = sorted({m.group_no for m in members})
    groups = [[people[m.attendee_id] for m in members if m.group_no == g] for g in numbers]
    chosen = grouping.place_late(groups, people[mine.attendee_id], rnd.group_size, met_pairs(rnd.event_id, rnd.id))
    if chosen is None:
        return  # every group is full: wait for the next round
    mine.group_no = numbers[chosen]
    top = db.session.scalar(select(func.max(MixMember.token)).where(MixMember.round_id == rnd.id)) or 0
    mine.token = top + 1
    for m in members:
        if m.group_no == mine.group_no:
            realtime.personal(rnd.event_id, m.attendee_id, "mixme")


def _group_of(member: MixMember) -> list[MixMember]:
    query = select(MixMember).where(MixMember.round_id == member.round_id, MixMember.group_no == member.group_no)
    return list(db.session.scalars(query.order_by(MixMember.token)))


def group_of(member: MixMember | None) -> list[MixMember]:
    """Everyone in my group (me included), by token."""
    if member is None or member.group_no is None:
        return []
    return _group_of(member)
