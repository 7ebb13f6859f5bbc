"""Reading the board: cards and tips as everyone sees them, one's own marks, matches between
what people offer and seek, the tag cloud, and the moderation counts. Never a contact."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased, selectinload

from barcamp.core import realtime
from barcamp.core.extensions import db
from barcamp.core.models import Attendee, Event, Tag
from barcamp.tips.models import BoardReport, Connection, Tip, TipCard, TipMark, card_tag


def card_of(event: Event, attendee: Attendee | None) -> TipCard | None:
    """The attendee's own card, hidden or not."""
    if attendee is None:
        return None
    return db.session.scalar(select(TipCard).where(TipCard.event_id == event.id, TipCard.attendee_id == attendee.id))


def member(card: TipCard | None) -> TipCard | None:
    """The card if it makes its holder a board member (a card hidden by a facilitator does not)."""
    return card if card is not None and not card.hidden else None


def board_members(event_id: int, attendee_ids: set[int]) -> set[int]:
    """Which of these attendees are board members (a card not hidden by a facilitator), in one query."""
    if not attendee_ids:
        return set()
    query = select(TipCard.attendee_id).where(
        TipCard.event_id == event_id, TipCard.attendee_id.in_(attendee_ids), TipCard.hidden.is_(False)
    )
    return set(db.session.scalars(query))


def card_tags(card_ids: list[int]) -> dict[int, dict[str, list[str]]]:
    """Help and seek tag names of each card."""
    out: dict[int, dict[str, list[str]]] = {cid: {"help": [], "seek": []} for cid in card_ids}
    if not card_ids:
        return out
    rows = db.session.execute(
        select(card_tag.c.card_id, card_tag.c.kind, Tag.name)
        .join(Tag, Tag.id == card_tag.c.tag_id)
        .where(card_tag.c.card_id.in_(card_ids))
        .order_by(Tag.name)
    )
    for card_id, kind, name in rows:
        out[card_id][kind].append(name)
    return out


def visible_cards(event: Event) -> list[TipCard]:
    """Cards everyone may see, newest first, with their tags attached as ``card.help``/``card.seek``."""
    cards = db.session.scalars(
        select(TipCard)
        .where(TipCard.event_id == event.id, TipCard.hidden.is_(False))
        .order_by(TipCard.created_at.desc(), TipCard.id.desc())
    ).all()
    return with_tags(cards)


def with_tags(cards: list[TipCard]) -> list[TipCard]:
    """Attach ``help`` and ``seek`` tag lists to cards for templates and JSON."""
    tags = card_tags([c.id for c in cards])
    for card in cards:
        card.help, card.seek = tags[card.id]["help"], tags[card.id]["seek"]
    return cards


def visible_tips(event: Event, card: TipCard | None = None) -> list[Tip]:
    """Tips everyone may see (neither the tip nor its card hidden), newest first."""
    query = (
        select(Tip)
        .join(TipCard, TipCard.id == Tip.card_id)
        .where(TipCard.event_id == event.id, TipCard.hidden.is_(False), Tip.hidden.is_(False))
        .options(selectinload(Tip.tags), selectinload(Tip.card))
        .order_by(Tip.created_at.desc(), Tip.id.desc())
    )
    if card is not None:
        query = query.where(Tip.card_id == card.id)
    return db.session.scalars(query).all()


def helpful_counts(event_id: int) -> dict[int, int]:
    """ "Helpful" marks per visible tip of an event, read from the database."""
    rows = db.session.execute(
        select(TipMark.tip_id, func.count(TipMark.id))
        .join(Tip, Tip.id == TipMark.tip_id)
        .join(TipCard, TipCard.id == Tip.card_id)
        .where(TipCard.event_id == event_id, TipMark.kind == "helpful", Tip.hidden.is_(False))
        .group_by(TipMark.tip_id)
    )
    return {tip_id: n for tip_id, n in rows}


@realtime.counter("tips")
def _helpful_tally(event_id: int) -> tuple[dict, dict]:
    counts = helpful_counts(event_id)
    return counts, counts


def marks_of(event: Event, attendee: Attendee | None) -> dict[str, set[int]]:
    """The tip ids this attendee marked helpful and saved."""
    out: dict[str, set[int]] = {"helpful": set(), "saved": set()}
    if attendee is not None:
        for tip_id, kind in db.session.execute(
            select(TipMark.tip_id, TipMark.kind).where(TipMark.attendee_id == attendee.id)
        ):
            out[kind].add(tip_id)
    return out


def saved_tips(event: Event, attendee: Attendee | None) -> list[Tip]:
    """The visible tips an attendee saved to their own list."""
    if attendee is None:
        return []
    saved = marks_of(event, attendee)["saved"]
    return [t for t in visible_tips(event) if t.id in saved]


def tag_cloud(tips: list[Tip], cards: list[TipCard]) -> list[tuple[str, int]]:
    """Tags in use on the board, most used first."""
    counts: dict[str, int] = {}
    for tip in tips:
        for tag in tip.tags:
            counts[tag.name] = counts.get(tag.name, 0) + 1
    for card in cards:
        for name in set(card.help) | set(card.seek):
            counts[name] = counts.get(name, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


# --- matching -------------------------------------------------------------------


@dataclass
class Match:
    card: TipCard
    tags: list[str] = field(default_factory=list)


def matches(event: Event, mine: TipCard | None) -> dict[str, list[Match]]:
    """Cards that can help with what I look for ("for_me"), and that look for what I can help with ("by_me")."""
    out: dict[str, list[Match]] = {"for_me": [], "by_me": []}
    if member(mine) is None:
        return out
    mine_tags = card_tags([mine.id])[mine.id]
    for card in visible_cards(event):
        if card.id == mine.id:
            continue
        helps = sorted(set(mine_tags["seek"]) & set(card.help))
        seeks = sorted(set(mine_tags["help"]) & set(card.seek))
        if helps:
            out["for_me"].append(Match(card, helps))
        if seeks:
            out["by_me"].append(Match(card, seeks))
    for key in out:
        out[key].sort(key=lambda m: (-len(m.tags), m.card.display_name.lower()))
    return out


def _on_board(event: Event):
    """Reports of this event whose tip or card is on the board (not one just deleted, see ``undo``)."""
    return (BoardReport.event_id == event.id) & or_(
        (BoardReport.target == "card") & BoardReport.target_id.in_(select(TipCard.id)),
        (BoardReport.target == "tip") & BoardReport.target_id.in_(select(Tip.id)),
    )


def summary(event: Event) -> dict[str, int]:
    """How many cards and tips the board has, and how many reports are open."""
    cards = db.session.scalar(select(func.count(TipCard.id)).where(TipCard.event_id == event.id))
    tips = db.session.scalar(select(func.count(Tip.id)).join(TipCard).where(TipCard.event_id == event.id))
    reports = db.session.scalar(select(func.count(BoardReport.id)).where(_on_board(event)))
    return {"cards": cards, "tips": tips, "reports": reports}


def recap_tips(event: Event) -> int:
    """How many tips were shared on the board."""
    return db.session.scalar(select(func.count(Tip.id)).join(TipCard).where(TipCard.event_id == event.id)) or 0


def connected_pairs(event: Event) -> list[tuple[int, int]]:
    """The attendees of every accepted connection (both said yes), for the recap's counts."""
    other = aliased(TipCard)
    query = (
        select(TipCard.attendee_id, other.attendee_id)
        .join(Connection, Connection.from_card_id == TipCard.id)
        .join(other, other.id == Connection.to_card_id)
        .where(TipCard.event_id == event.id, Connection.status == "accepted")
    )
    return [tuple(row) for row in db.session.execute(query)]


def report_counts(event: Event) -> dict[tuple[str, int], int]:
    """Open reports per (target, id)."""
    rows = db.session.execute(
        select(BoardReport.target, BoardReport.target_id, func.count(BoardReport.id))
        .where(_on_board(event))
        .group_by(BoardReport.target, BoardReport.target_id)
    )
    return {(target, tid): n for target, tid, n in rows}


def open_reports(event: Event) -> int:
    """Open reports on the board (the console's badge)."""
    return summary(event)["reports"]
