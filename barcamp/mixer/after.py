"""After a round: "we met" (counted, never shown per person), and swapping contacts, shown to the
other person only once both have said yes (the tips board's consent model)."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from barcamp.core import realtime
from barcamp.core.database import transaction
from barcamp.core.errors import DomainError
from barcamp.core.extensions import db
from barcamp.core.models import Attendee
from barcamp.mixer.domain import MESSAGES, current_round
from barcamp.mixer.models import MixMember, MixRound, MixShare
from barcamp.tips.models import TipCard


@transaction
def set_met(member: MixMember | None, on: bool) -> None:
    """ "We met": counted anonymously on the mixing dashboard."""
    if member is None or member.group_no is None:
        raise DomainError(MESSAGES["not-grouped"], 409)
    member.met = on
    realtime.changed(db.session.get(MixRound, member.round_id).event_id, "mixcounts", facilitators_only=True)


def _mate(member: MixMember | None, other_id: int) -> MixMember:
    other = db.session.get(MixMember, other_id)
    if (
        member is None
        or member.group_no is None
        or other is None
        or other.id == member.id
        or other.round_id != member.round_id
        or other.group_no != member.group_no
    ):
        raise DomainError(MESSAGES["missing"], 404)
    return other


@transaction
def share_contact(member: MixMember | None, other_id: int, contact: str) -> bool:
    """Say yes to swapping contacts with a group-mate; True once they said yes too."""
    other = _mate(member, other_id)
    contact = contact.strip()
    if not contact or len(contact) > 200:
        raise DomainError(MESSAGES["contact"])
    mine = db.session.scalar(
        select(MixShare).where(MixShare.from_member_id == member.id, MixShare.to_member_id == other.id)
    )
    if mine is None:
        db.session.add(MixShare(from_member_id=member.id, to_member_id=other.id, contact=contact))
    else:
        mine.contact = contact
    event_id = db.session.get(MixRound, member.round_id).event_id
    realtime.personal(event_id, other.attendee_id, "mixme")
    realtime.personal(event_id, member.attendee_id, "mixme")
    return _said_yes(other.id, member.id)


@transaction
def withdraw_contact(member: MixMember | None, other_id: int) -> None:
    """Take back my yes; my contact is no longer shown to them."""
    other = _mate(member, other_id)
    db.session.execute(delete(MixShare).where(MixShare.from_member_id == member.id, MixShare.to_member_id == other.id))
    event_id = db.session.get(MixRound, member.round_id).event_id
    realtime.personal(event_id, other.attendee_id, "mixme")


def _said_yes(from_id: int, to_id: int) -> bool:
    query = select(MixShare.id).where(MixShare.from_member_id == from_id, MixShare.to_member_id == to_id)
    return db.session.scalar(query) is not None


def shares_of(member: MixMember) -> dict[int, dict]:
    """For each group-mate: did I say yes, did they, and their contact — only when both did.
    The one consent check of the mixer: no page or answer shows a contact any other way."""
    rows = db.session.scalars(
        select(MixShare).where((MixShare.from_member_id == member.id) | (MixShare.to_member_id == member.id))
    ).all()
    mine = {s.to_member_id: s for s in rows if s.from_member_id == member.id}
    theirs = {s.from_member_id: s for s in rows if s.to_member_id == member.id}
    out = {}
    for other_id in set(mine) | set(theirs):
        both = other_id in mine and other_id in theirs
        out[other_id] = {
            "mine": other_id in mine,
            "theirs": other_id in theirs,
            "contact": theirs[other_id].contact if both else None,
        }
    return out


def joined_count(event_id: int) -> int:
    """How many are in the current round."""
    rnd = current_round(event_id)
    if rnd is None:
        return 0
    return db.session.scalar(select(func.count(MixMember.id)).where(MixMember.round_id == rnd.id)) or 0


def names_of(event_id: int, attendee_ids: list[int]) -> dict[int, str]:
    """The names people gave (their tips card's, else their profile's); nobody has to have one."""
    names = dict(
        db.session.execute(
            select(Attendee.id, Attendee.display_name).where(Attendee.id.in_(attendee_ids), Attendee.display_name != "")
        ).all()
    )
    cards = db.session.execute(
        select(TipCard.attendee_id, TipCard.display_name).where(
            TipCard.event_id == event_id, TipCard.attendee_id.in_(attendee_ids), TipCard.hidden.is_(False)
        )
    )
    names.update(dict(cards.all()))
    return names
