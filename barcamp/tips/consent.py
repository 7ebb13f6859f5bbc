"""Consent on the tips board: who may see a contact, connection requests, and leaving.

Who may see a contact (and the profile links) is decided in exactly one place, ``may_see_contact``; every
page, JSON answer and export asks it. Live partials never carry contacts.
"""

from __future__ import annotations

from sqlalchemy import or_, select

from barcamp.core import realtime
from barcamp.core.database import transaction
from barcamp.core.errors import DomainError
from barcamp.core.extensions import db
from barcamp.tips.domain import MESSAGES
from barcamp.tips.links import ProfileLink
from barcamp.tips.models import Connection, TipCard
from barcamp.tips.reading import member


def connections_of(card: TipCard | None) -> list[Connection]:
    """Every connection request from or to a card."""
    if card is None:
        return []
    live = select(TipCard.id)  # a card that left the board (see ``undo``) takes its connections along
    return db.session.scalars(
        select(Connection)
        .where(or_(Connection.from_card_id == card.id, Connection.to_card_id == card.id))
        .where(Connection.from_card_id.in_(live), Connection.to_card_id.in_(live))
        .order_by(Connection.created_at.desc(), Connection.id.desc())
    ).all()


def accepted_partners(card: TipCard | None) -> set[int]:
    """Ids of the cards this card has an accepted connection with."""
    partners = set()
    for conn in connections_of(card):
        if conn.status == "accepted":
            partners.add(conn.to_card_id if conn.from_card_id == card.id else conn.from_card_id)
    return partners


def may_see_contact(viewer: TipCard | None, card: TipCard, partners: set[int] | None = None) -> bool:
    """True if ``viewer`` may see what ``card`` shares (its contact and profile links). The one consent check.

    Owners see their own. Otherwise the viewer must be a board member, the card
    visible, and the card either public to members or shared by an accepted
    connection. "never" means never.
    """
    if viewer is not None and viewer.id == card.id:
        return True
    if member(viewer) is None or card.hidden or viewer.event_id != card.event_id:
        return False
    if card.contact_visibility == "public":
        return True
    if card.contact_visibility == "request":
        if partners is None:
            partners = accepted_partners(viewer)
        return card.id in partners
    return False


def contact_for(viewer: TipCard | None, card: TipCard, partners: set[int] | None = None) -> str | None:
    """The contact of ``card`` as ``viewer`` may see it, or None."""
    return card.contact if card.contact and may_see_contact(viewer, card, partners) else None


def links_for(viewer: TipCard | None, card: TipCard, partners: set[int] | None = None) -> list[ProfileLink]:
    """The profile links of ``card`` as ``viewer`` may see them: under the same rule as the contact."""
    if not card.links or not may_see_contact(viewer, card, partners):
        return []
    return [ProfileLink(link.kind, link.value) for link in card.links]


def can_be_asked(card: TipCard) -> bool:
    """True if a card shares its contact on request (so a connect button makes sense)."""
    return bool(card.contact) and card.contact_visibility == "request" and not card.hidden


def _announce_connection(event_id: int, *cards: TipCard) -> None:
    """Tell the two people concerned, each on their own channel: nobody else learns who connects."""
    for card in cards:
        realtime.personal(event_id, card.attendee_id, "tipconn")


@transaction
def request_connection(mine: TipCard | None, other: TipCard, invited: bool = False) -> str:
    """Ask another card to connect; returns "sent" or "accepted" (when they had asked me).

    ``invited``: the other person opened the door themselves (they offered help on my question),
    so they may be asked whatever their card's contact setting; they still accept or ignore.
    """
    if member(mine) is None:
        raise DomainError(MESSAGES["join"], 403)
    if other.id == mine.id or other.hidden or other.event_id != mine.event_id:
        raise DomainError(MESSAGES["missing"], 404)
    if not invited and not can_be_asked(other):
        raise DomainError(MESSAGES["not-on-request"])
    if not mine.contact or mine.contact_visibility == "never":
        raise DomainError(MESSAGES["need-contact"])
    reverse = db.session.scalar(
        select(Connection).where(Connection.from_card_id == other.id, Connection.to_card_id == mine.id)
    )
    if reverse is not None:
        # They asked me before: asking back is consent on both sides.
        reverse.status = "accepted"
        _announce_connection(mine.event_id, mine, other)
        return "accepted"
    existing = db.session.scalar(
        select(Connection).where(Connection.from_card_id == mine.id, Connection.to_card_id == other.id)
    )
    if existing is None:
        db.session.add(Connection(from_card_id=mine.id, to_card_id=other.id))
        _announce_connection(mine.event_id, mine, other)
    return "accepted" if existing is not None and existing.status == "accepted" else "sent"


@transaction
def answer_connection(mine: TipCard | None, conn: Connection, accept: bool) -> None:
    """Accept or (silently) ignore a request addressed to my card."""
    if member(mine) is None or conn.to_card_id != mine.id:
        raise DomainError(MESSAGES["missing"], 404)
    other = db.session.get(TipCard, conn.from_card_id)
    if other is None:  # they left the board a moment ago
        raise DomainError(MESSAGES["missing"], 404)
    if conn.status == "accepted" and not accept:
        return  # ignoring never takes back consent already given
    conn.status = "accepted" if accept else "ignored"
    _announce_connection(mine.event_id, mine, other)


def connection_lists(mine: TipCard | None) -> dict:
    """My incoming requests, accepted connections (with the contacts I was granted) and sent requests."""
    me = member(mine)
    if me is None:
        return {"incoming": [], "accepted": [], "sent": []}
    conns = connections_of(me)
    ids = {c.from_card_id for c in conns} | {c.to_card_id for c in conns}
    cards = {c.id: c for c in db.session.scalars(select(TipCard).where(TipCard.id.in_(ids)))}
    partners = accepted_partners(me)
    incoming, accepted, sent = [], [], []
    for conn in conns:
        other = cards[conn.to_card_id if conn.from_card_id == me.id else conn.from_card_id]
        if other.hidden:
            continue
        if conn.status == "accepted":
            accepted.append((other, contact_for(me, other, partners)))
        elif conn.from_card_id == me.id:
            sent.append(other)
        elif conn.status == "pending":
            incoming.append((conn, other))
    return {"incoming": incoming, "accepted": accepted, "sent": sent}


def connection_states(me: TipCard | None) -> dict[int, str]:
    """How I stand with each card I have a connection with: "accepted", "sent" or "received"."""
    states: dict[int, str] = {}
    for conn in connections_of(me):
        mine_sent = conn.from_card_id == me.id
        other = conn.to_card_id if mine_sent else conn.from_card_id
        if conn.status == "accepted":
            states[other] = "accepted"
        elif mine_sent and states.get(other) != "accepted":
            states[other] = "sent"
        elif conn.status == "pending" and other not in states:
            states[other] = "received"
    return states
