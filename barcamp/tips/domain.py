"""The tips board's rules: opt-in cards, tips, marks, matching, reports and moderation.

Reading the board is in ``reading``; contacts and connections in ``consent``.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from barcamp.core import metrics, realtime
from barcamp.core.database import after_commit, transaction
from barcamp.core.errors import DomainError
from barcamp.core.extensions import db
from barcamp.core.models import Attendee, Event, utcnow
from barcamp.core.tags import get_tags
from barcamp.tips.links import MAX_LINKS, ProfileLink
from barcamp.tips.models import BoardReport, CardLink, Tip, TipCard, TipMark, card_tag
from barcamp.tips.reading import card_of, member

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
    "too-late": _l("This can no longer be undone."),
}


# --- small helpers ------------------------------------------------------------


def announce_board(event_id: int) -> None:
    """Tell every page that the tips, the cards and the moderation list changed."""
    realtime.changed(event_id, "tips")
    realtime.changed(event_id, "tipcards")
    realtime.changed(event_id, "tipmod", facilitators_only=True)


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
    links: list[ProfileLink] | None = None,
) -> TipCard:
    """Join the board (create my card) or edit my card (its profile links too, when ``links`` is given)."""
    if contact_visibility not in VISIBILITIES:
        raise DomainError(MESSAGES["visibility"])
    card = card_of(event, attendee)
    if card is None:
        card = TipCard(event_id=event.id, attendee_id=attendee.id)
        db.session.add(card)
    card.display_name, card.intro = display_name.strip(), intro.strip()
    card.show_first_timer = show_first_timer
    card.contact, card.contact_visibility = contact.strip(), contact_visibility
    if links is not None:
        card.links = [CardLink(position=i, kind=x.kind, value=x.value) for i, x in enumerate(links[:MAX_LINKS])]
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
        if want != (existing is not None):
            after_commit(metrics.VOTES.labels("helpful").inc)
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
