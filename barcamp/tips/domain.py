"""The tips board's rules: opt-in cards, tips, marks, matching, reports and moderation.

Contacts and connections live in ``tips_consent``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from barcamp.core import realtime
from barcamp.core.database import transaction
from barcamp.core.errors import DomainError
from barcamp.core.extensions import db
from barcamp.core.models import Attendee, Event, Tag, utcnow
from barcamp.core.tags import get_tags
from barcamp.tips.models import BoardReport, Tip, TipCard, TipMark, card_tag

VISIBILITIES = ("public", "request", "never")
MARK_KINDS = ("helpful", "saved")


# What a broken rule of the board says to the person.
MESSAGES = {
    "join": _l("Join the board first."),
    "missing": _l("We couldn't find that on the board."),
    "not-on-request": _l("This person does not share a contact on request."),
    "need-contact": _l(
        "Add a contact to your card (public or on request) first, so the other person can reach you too."
    ),
    "own-tip": _l("That's your own tip."),
    "kind": _l("Something in that request was not right. Please go back and try again."),
    "visibility": _l("Something in that request was not right. Please go back and try again."),
}


# --- small helpers ------------------------------------------------------------


def announce_board(event_id: int) -> None:
    """Tell every page that the tips, the cards and the moderation list changed."""
    realtime.changed(event_id, "tips")
    realtime.changed(event_id, "tipcards")
    realtime.changed(event_id, "tipmod", facilitators_only=True)


# --- reading ------------------------------------------------------------------


def card_of(event: Event, attendee: Attendee | None) -> TipCard | None:
    """The attendee's own card, hidden or not."""
    if attendee is None:
        return None
    return db.session.scalar(select(TipCard).where(TipCard.event_id == event.id, TipCard.attendee_id == attendee.id))


def member(card: TipCard | None) -> TipCard | None:
    """The card if it makes its holder a board member (a card hidden by a facilitator does not)."""
    return card if card is not None and not card.hidden else None


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


# --- writing: cards -----------------------------------------------------------


def _set_card_tags(card: TipCard, kind: str, names: list[str]) -> None:
    db.session.execute(delete(card_tag).where(card_tag.c.card_id == card.id, card_tag.c.kind == kind))
    for tag in get_tags(card.event_id, names):
        db.session.execute(card_tag.insert().values(card_id=card.id, tag_id=tag.id, kind=kind))


@transaction
def save_card(
    event: Event,
    attendee: Attendee,
    *,
    display_name: str,
    intro: str = "",
    help_tags: list[str] = (),
    seek_tags: list[str] = (),
    show_first_timer: bool = False,
    contact: str = "",
    contact_visibility: str = "never",
) -> TipCard:
    """Join the board (create my card) or edit my card."""
    if contact_visibility not in VISIBILITIES:
        raise DomainError(MESSAGES["visibility"])
    card = card_of(event, attendee)
    if card is None:
        card = TipCard(event_id=event.id, attendee_id=attendee.id)
        db.session.add(card)
    card.display_name, card.intro = display_name.strip(), intro.strip()
    card.show_first_timer = show_first_timer
    card.contact, card.contact_visibility = contact.strip(), contact_visibility
    db.session.flush()
    _set_card_tags(card, "help", list(help_tags))
    _set_card_tags(card, "seek", list(seek_tags))
    announce_board(event.id)
    return card


# --- writing: tips, marks, reports, moderation -----------------------------------


@transaction
def post_tip(card: TipCard, text: str, link: str = "", tags: list[str] = ()) -> Tip:
    """Post a tip from my card; the same text re-sent within minutes is stored once."""
    if member(card) is None:
        raise DomainError(MESSAGES["join"], 403)
    text, link = text.strip(), link.strip()
    recent = utcnow() - dt.timedelta(minutes=10)
    same = db.session.scalar(
        select(Tip).where(Tip.card_id == card.id, Tip.text == text, Tip.link == link, Tip.created_at >= recent)
    )
    if same is not None:  # a retry after a dropped connection
        return same
    tip = Tip(card_id=card.id, text=text, link=link)
    tip.tags = get_tags(card.event_id, list(tags))
    db.session.add(tip)
    db.session.flush()
    announce_board(card.event_id)
    return tip


@transaction
def delete_tip(card: TipCard, tip: Tip) -> None:
    """Delete one of my own tips."""
    if tip.card_id != card.id:
        raise DomainError(MESSAGES["missing"], 404)
    db.session.execute(delete(BoardReport).where(BoardReport.target == "tip", BoardReport.target_id == tip.id))
    db.session.delete(tip)
    announce_board(card.event_id)


@transaction
def set_mark(attendee: Attendee, tip: Tip, kind: str, on: bool | None) -> bool:
    """Set (True), clear (False) or toggle (None) my helpful/saved mark; returns the new state."""
    if kind not in MARK_KINDS:
        raise DomainError(MESSAGES["kind"])
    if kind == "helpful" and tip.card.attendee_id == attendee.id:
        raise DomainError(MESSAGES["own-tip"])
    existing = db.session.scalar(
        select(TipMark).where(TipMark.tip_id == tip.id, TipMark.attendee_id == attendee.id, TipMark.kind == kind)
    )
    want = (existing is None) if on is None else on
    if want and existing is None:
        try:
            with db.session.begin_nested():
                db.session.add(TipMark(tip_id=tip.id, attendee_id=attendee.id, kind=kind))
        except IntegrityError:
            pass  # the same mark arrived twice at once: one is enough
    elif not want and existing is not None:
        db.session.delete(existing)
    if kind == "helpful":
        realtime.tally(tip.card.event_id, "tips")
    return want


@transaction
def report(event: Event, attendee: Attendee, target: str, target_id: int) -> None:
    """Report a tip or card to the facilitators (once per person)."""
    exists = db.session.scalar(
        select(BoardReport.id).where(
            BoardReport.target == target, BoardReport.target_id == target_id, BoardReport.attendee_id == attendee.id
        )
    )
    if exists is None:
        db.session.add(BoardReport(event_id=event.id, target=target, target_id=target_id, attendee_id=attendee.id))
        realtime.changed(event.id, "tipmod", facilitators_only=True)


@transaction
def set_hidden(event: Event, item: Tip | TipCard, hidden: bool) -> None:
    """A facilitator hides (or shows again) a tip or a card; hiding clears its reports."""
    item.hidden = hidden
    target = "tip" if isinstance(item, Tip) else "card"
    if hidden:
        db.session.execute(delete(BoardReport).where(BoardReport.target == target, BoardReport.target_id == item.id))
    announce_board(event.id)
    realtime.tally(event.id, "tips")


@transaction
def dismiss_reports(event: Event, target: str, target_id: int) -> None:
    """A facilitator found a report unfounded: clear it, keep the item."""
    db.session.execute(
        delete(BoardReport).where(
            BoardReport.event_id == event.id, BoardReport.target == target, BoardReport.target_id == target_id
        )
    )
    realtime.changed(event.id, "tipmod", facilitators_only=True)


def summary(event: Event) -> dict[str, int]:
    """How many cards and tips the board has, and how many reports are open."""
    cards = db.session.scalar(select(func.count(TipCard.id)).where(TipCard.event_id == event.id))
    tips = db.session.scalar(select(func.count(Tip.id)).join(TipCard).where(TipCard.event_id == event.id))
    reports = db.session.scalar(select(func.count(BoardReport.id)).where(BoardReport.event_id == event.id))
    return {"cards": cards, "tips": tips, "reports": reports}


def report_counts(event: Event) -> dict[tuple[str, int], int]:
    """Open reports per (target, id)."""
    rows = db.session.execute(
        select(BoardReport.target, BoardReport.target_id, func.count(BoardReport.id))
        .where(BoardReport.event_id == event.id)
        .group_by(BoardReport.target, BoardReport.target_id)
    )
    return {(target, tid): n for target, tid, n in rows}
