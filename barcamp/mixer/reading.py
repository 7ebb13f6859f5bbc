"""What the mixer's screens show: the dashboard's anonymous counts, my round (where to go, whom
to look for, a prompt), and my buddy pairings."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import and_, distinct, func, select
from sqlalchemy.orm import aliased

from barcamp.core.extensions import db
from barcamp.core.models import Attendee, Event
from barcamp.mixer import after, buddies, domain
from barcamp.mixer.enums import OPENERS, token
from barcamp.mixer.models import BuddyPair, MixMember, MixRound, MixShare


def dashboard(event_id: int) -> dict[str, int]:
    """Anonymous counts: people who joined rounds, new pairs that met (both tapped "we met"),
    first-timers who met at least one person, buddies matched."""
    in_event = MixMember.round_id.in_(select(MixRound.id).where(MixRound.event_id == event_id))
    joined = db.session.scalar(select(func.count(distinct(MixMember.attendee_id))).where(in_event))
    a, b = aliased(MixMember), aliased(MixMember)
    pairs = (
        select(a.attendee_id, b.attendee_id)
        .join(b, and_(a.round_id == b.round_id, a.group_no == b.group_no, a.attendee_id < b.attendee_id))
        .join(MixRound, MixRound.id == a.round_id)
        .where(MixRound.event_id == event_id, a.met.is_(True), b.met.is_(True))
        .distinct()
    )
    met_pairs = db.session.scalar(select(func.count()).select_from(pairs.subquery()))
    first_timers = db.session.scalar(
        select(func.count(distinct(MixMember.attendee_id))).where(in_event, MixMember.first_timer, MixMember.met)
    )
    return {
        "joined": joined or 0,
        "pairs": met_pairs or 0,
        "first_timers": first_timers or 0,
        "buddies": buddies.counts(event_id)["matched"],
    }


def rounds_held(event: Event) -> int:
    """Rounds whose groups were formed."""
    return db.session.scalar(select(func.count(MixRound.id)).where(MixRound.event_id == event.id, MixRound.formed)) or 0


def connected_pairs(event: Event) -> list[tuple[int, int]]:
    """Group-mates who both said yes to swapping contacts, and buddy pairs: for the recap's counts."""
    a, b = aliased(MixMember), aliased(MixMember)
    mutual = aliased(MixShare)
    swaps = (
        select(a.attendee_id, b.attendee_id)
        .select_from(MixShare)
        .join(a, a.id == MixShare.from_member_id)
        .join(b, b.id == MixShare.to_member_id)
        .join(
            mutual, and_(mutual.from_member_id == MixShare.to_member_id, mutual.to_member_id == MixShare.from_member_id)
        )
        .join(MixRound, MixRound.id == a.round_id)
        .where(MixRound.event_id == event.id)
    )
    pairs = select(BuddyPair.buddy_id, BuddyPair.newcomer_id).where(BuddyPair.event_id == event.id)
    return [tuple(row) for query in (swaps, pairs) for row in db.session.execute(query)]


def round_view(event: Event) -> dict:
    """The current round as everyone sees it: phase, counts, meeting points and times."""
    rnd = domain.ensure_formed(domain.current_round(event.id))
    return {
        "round": rnd,
        "phase": domain.phase(rnd),
        "joined": after.joined_count(event.id),
        "points": rnd.points.splitlines() if rnd else [],
        "ends_at": domain.ends_at(rnd) if rnd else None,
    }


def _point(rnd: MixRound, group_no: int) -> str:
    points = rnd.points.splitlines()
    return points[group_no % len(points)] if points else _("Group %(n)s", n=group_no + 1)


def _prompt(rnd: MixRound, me: MixMember, mates: list[MixMember], names: dict[int, str]) -> str:
    """From the group's tags ("Deniz can help with Home Assistant; you're looking for it"), or an opener."""
    people = domain.people_of(rnd.event_id, [me, *mates])
    mine = people[me.attendee_id]
    for mate in mates:
        them = people[mate.attendee_id]
        who = names.get(mate.attendee_id) or token(mate.token)["label"]
        for tag in sorted(them.helps & mine.seeks):
            return _("%(name)s can help with %(tag)s; you're looking for it.", name=who, tag=tag)
        for tag in sorted(mine.helps & them.seeks):
            return _("%(name)s is looking for %(tag)s; you can help with it.", name=who, tag=tag)
    return str(OPENERS[(rnd.id + (me.group_no or 0)) % len(OPENERS)])


def my_round(event: Event, attendee: Attendee | None) -> dict:
    """My part of the current round: am I in, my token, where to go, whom to look for, a prompt,
    and for each group-mate whether we agreed to swap contacts (their contact only if both did)."""
    view = round_view(event)
    rnd = view["round"]
    me = domain.member_of(rnd, attendee)
    out = {**view, "me": me, "token": None, "mates": [], "point": None, "prompt": None}
    if me is None or me.group_no is None:
        return out
    group = domain.group_of(me)
    mates = [m for m in group if m.id != me.id]
    names = after.names_of(event.id, [m.attendee_id for m in group])
    shares = after.shares_of(me)
    out.update(
        token=token(me.token),
        point=_point(rnd, me.group_no),
        prompt=_prompt(rnd, me, mates, names),
        mates=[
            {
                "id": m.id,
                "token": token(m.token),
                "name": names.get(m.attendee_id, ""),
                **shares.get(m.id, {"mine": False, "theirs": False, "contact": None}),
            }
            for m in mates
        ],
    )
    return out


def my_buddies(event: Event, attendee: Attendee | None) -> dict:
    """My offer, my request, and my pairings with the other's name (or a token), place and time."""
    pairs = buddies.pairs_of(event.id, attendee)
    others = [p.newcomer_id if p.buddy_id == attendee.id else p.buddy_id for p in pairs]
    names = after.names_of(event.id, others)
    when = buddies.next_break(event)
    return {
        "offer": buddies.offer_of(event.id, attendee),
        "request": buddies.request_of(event.id, attendee),
        "first_timer": bool(attendee and attendee.first_timer),
        "pairs": [
            {
                "id": p.id,
                "role": "buddy" if p.buddy_id == attendee.id else "newcomer",
                "name": names.get(other, ""),
                "token": token(p.id),
                "point": p.point,
                "when": when,
            }
            for p, other in zip(pairs, others, strict=True)
        ],
    }
