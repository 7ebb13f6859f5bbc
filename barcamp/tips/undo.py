"""Leaving the board and deleting a tip, with a grace period to take it back (``core.undo``).

Leaving marks my card and its tips deleted with one timestamp: every page, the API and the
exports stop showing them at once. Coming back within the grace period clears exactly those
marks, so the card returns with its tips, tags, links, contact choice, connections and marks.
Afterwards the sweep deletes all of it for real (``purge_card``, ``purge_tip``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, or_, select

from barcamp.core import realtime, undo
from barcamp.core.database import after_commit, transaction
from barcamp.core.errors import DomainError
from barcamp.core.extensions import db
from barcamp.core.models import Attendee, Event, utcnow
from barcamp.tips.domain import MESSAGES, announce_board
from barcamp.tips.models import BoardReport, Connection, Tip, TipCard, TipMark, card_tag


def _partners(card: TipCard) -> list[TipCard]:
    """The live cards my card has a connection with (they hear that something changed)."""
    conns = db.session.scalars(
        select(Connection).where(or_(Connection.from_card_id == card.id, Connection.to_card_id == card.id))
    ).all()
    ids = {c.to_card_id if c.from_card_id == card.id else c.from_card_id for c in conns}
    return db.session.scalars(select(TipCard).where(TipCard.id.in_(ids))).all() if ids else []


def _announce_card(event_id: int, card: TipCard) -> None:
    announce_board(event_id)
    for other in _partners(card):
        realtime.personal(event_id, other.attendee_id, "tipconn")
    realtime.tally(event_id, "tips")


# --- leaving and coming back ---------------------------------------------------------


@transaction
def leave_board(event: Event, card: TipCard) -> None:
    """Take my card and its tips off the board at once; deleted for real after the grace period."""
    now = utcnow()
    for tip in card.tips:
        tip.deleted_at = now
    card.deleted_at = now
    db.session.flush()
    _announce_card(event.id, card)
    after_commit(undo.deleted)


def left_card(event: Event, attendee: Attendee | None) -> TipCard | None:
    """My card if I left the board and may still take that back."""
    if attendee is None:
        return None
    card = db.session.scalar(
        select(TipCard)
        .where(TipCard.event_id == event.id, TipCard.attendee_id == attendee.id, TipCard.deleted_at.is_not(None))
        .execution_options(**undo.WITH_DELETED)
    )
    return card if undo.undoable(card) else None


@transaction
def come_back(event: Event, attendee: Attendee | None) -> TipCard:
    """Undo leaving: my card returns exactly as it was, with the tips that left with it."""
    card = left_card(event, attendee)
    if card is None:
        raise DomainError(MESSAGES["too-late"], 409)
    went_along = select(Tip).where(Tip.card_id == card.id, Tip.deleted_at == card.deleted_at)
    for tip in db.session.scalars(went_along.execution_options(**undo.WITH_DELETED)):
        tip.deleted_at = None
    card.deleted_at = None
    db.session.flush()
    _announce_card(event.id, card)
    return card


# --- one tip ------------------------------------------------------------------------


@transaction
def delete_tip(card: TipCard, tip: Tip) -> None:
    """Take one of my own tips off the board at once; deleted for real after the grace period."""
    if tip.card_id != card.id:
        raise DomainError(MESSAGES["missing"], 404)
    tip.deleted_at = utcnow()
    announce_board(card.event_id)
    realtime.tally(card.event_id, "tips")
    after_commit(undo.deleted)


def deleted_tips(card: TipCard | None) -> list[Tip]:
    """My tips deleted a moment ago, that I may still take back (newest first)."""
    if card is None:
        return []
    tips = db.session.scalars(
        select(Tip)
        .where(Tip.card_id == card.id, Tip.deleted_at >= undo.cutoff())
        .order_by(Tip.deleted_at.desc())
        .execution_options(**undo.WITH_DELETED)
    ).all()
    return [t for t in tips if card.deleted_at is None or t.deleted_at != card.deleted_at]


@transaction
def restore_tip(card: TipCard | None, tip_id: int) -> Tip:
    """Undo deleting one of my tips, within the grace period."""
    tip = db.session.scalar(select(Tip).where(Tip.id == tip_id).execution_options(**undo.WITH_DELETED))
    if card is None or tip is None or tip.card_id != card.id:
        raise DomainError(MESSAGES["missing"], 404)
    if not undo.undoable(tip) or tip.deleted_at == card.deleted_at:
        raise DomainError(MESSAGES["too-late"], 409)
    tip.deleted_at = None
    announce_board(card.event_id)
    realtime.tally(card.event_id, "tips")
    return tip


# --- for real -----------------------------------------------------------------------


def purge_tip(tip: Tip) -> None:
    """Delete a tip for real, with its marks (the database cascades), tags and reports."""
    db.session.execute(delete(BoardReport).where(BoardReport.target == "tip", BoardReport.target_id == tip.id))
    db.session.execute(delete(TipMark).where(TipMark.tip_id == tip.id))
    db.session.delete(tip)


def purge_card(card: TipCard) -> None:
    """Delete a card for real, with all its tips, their marks, its tags, links, connections and reports."""
    tip_ids = [t.id for t in card.tips] or [-1]  # loaded past the filter: every tip, deleted or not
    db.session.execute(
        delete(BoardReport).where(
            BoardReport.event_id == card.event_id,
            or_(
                (BoardReport.target == "card") & (BoardReport.target_id == card.id),
                (BoardReport.target == "tip") & BoardReport.target_id.in_(tip_ids),
            ),
        )
    )
    db.session.execute(delete(TipMark).where(TipMark.tip_id.in_(tip_ids)))
    db.session.execute(
        delete(Connection).where(or_(Connection.from_card_id == card.id, Connection.to_card_id == card.id))
    )
    db.session.execute(delete(card_tag).where(card_tag.c.card_id == card.id))
    db.session.delete(card)  # its tips and links go with it (and the database drops their tags)


@transaction
def forget_left_card(event: Event, attendee: Attendee) -> None:
    """Joining again gives up the undo of leaving: the old card goes for real (one card per person)."""
    card = db.session.scalar(
        select(TipCard)
        .where(TipCard.event_id == event.id, TipCard.attendee_id == attendee.id, TipCard.deleted_at.is_not(None))
        .execution_options(**undo.WITH_DELETED)
    )
    if card is not None:
        purge_card(card)


@undo.sweeper(TipCard, Tip)
@transaction
def sweep(before: dt.datetime) -> None:
    """Delete for real the cards and tips whose grace period ended before ``before``."""
    old = undo.WITH_DELETED
    events = set()
    for card in db.session.scalars(select(TipCard).where(TipCard.deleted_at < before).execution_options(**old)):
        events.add(card.event_id)
        purge_card(card)
    db.session.flush()
    for tip in db.session.scalars(select(Tip).where(Tip.deleted_at < before).execution_options(**old)):
        events.add(tip.card.event_id)
        purge_tip(tip)
    for event_id in events:
        realtime.changed(event_id, "tipmod", facilitators_only=True)  # their reports went too
