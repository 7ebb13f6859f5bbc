""" "I can help with this": offers on a question, the asker's pick, and the meeting it arranges.

An offer names its helper (they chose to speak up) and the question; the asker is never named.
Only the browser holding the question's secret sees the offers and picks one; the meeting it
arranges (a meeting point, a time, a token the asker holds up) is stored on the offer, so the
helper reads it there. Counts are all anyone else sees.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from barcamp.core import realtime
from barcamp.core.database import transaction
from barcamp.core.errors import DomainError
from barcamp.core.extensions import db
from barcamp.core.models import Attendee, Event
from barcamp.helping.models import HelpOffer
from barcamp.mixer.domain import points_of
from barcamp.mixer.enums import token
from barcamp.questions.domain import owns
from barcamp.questions.models import Question
from barcamp.questions.reading import vote_counts
from barcamp.tips import consent
from barcamp.tips.reading import board_members, card_of, member

NOTE_LENGTH = 140
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
HELPING = "questionshelp"  # the helper's own live box (their personal channel)
MESSAGES = {
    "gone": (_l("This question is no longer on the wall."), 409),
    "own": (_l("This is your own question: others can offer help on it."), 409),
    "not-yours": (_l("Only the browser that asked this question can pick a helper."), 403),
    "missing": (_l("That offer is no longer there."), 404),
    "point": (_l("Please choose one of the meeting points."), 400),
    "time": (_l("Please give a time like 12:30."), 400),
    "no-card": (_l("This helper is not on the tips board: meet them at a meeting point instead."), 409),
}


def refuse(key: str) -> DomainError:
    message, status = MESSAGES[key]
    return DomainError(message, status)


def offer_counts(event_id: int) -> dict[int, int]:
    """How many people offered help, per question of an event."""
    query = (
        select(HelpOffer.question_id, func.count(HelpOffer.id))
        .join(Question, Question.id == HelpOffer.question_id)
        .where(Question.event_id == event_id)
        .group_by(HelpOffer.question_id)
    )
    return {qid: n for qid, n in db.session.execute(query)}


@transaction
def offer_help(question: Question, helper: Attendee, note: str, author_secrets: list[str]) -> HelpOffer:
    """Offer help on a visible question (once per attendee; offering again edits the note)."""
    if question.status != "visible":
        raise refuse("gone")
    if owns(question, author_secrets):
        raise refuse("own")
    offer = db.session.scalar(
        select(HelpOffer).where(HelpOffer.question_id == question.id, HelpOffer.helper_id == helper.id)
    )
    if offer is None:
        offer = HelpOffer(question_id=question.id, helper_id=helper.id)
        db.session.add(offer)
    offer.note = " ".join(note.split())[:NOTE_LENGTH]
    db.session.flush()
    realtime.changed(question.event_id, "questions")  # the count, and the asker's own list
    realtime.personal(question.event_id, helper.id, HELPING)
    return offer


def offer_total(event: Event) -> int:
    return sum(offer_counts(event.id).values())


def meetings_total(event: Event) -> int:
    """Offers the asker picked (a meeting at a point); shared cards are ordinary board requests."""
    query = select(func.count(HelpOffer.id)).join(Question).where(Question.event_id == event.id, HelpOffer.chosen)
    return db.session.scalar(query) or 0


def offers_on(questions: list[Question]) -> dict[int, list[HelpOffer]]:
    """The offers on the asker's own questions, oldest first (only ever shown to that browser)."""
    out: dict[int, list[HelpOffer]] = {q.id: [] for q in questions}
    if questions:
        query = select(HelpOffer).where(HelpOffer.question_id.in_(out)).order_by(HelpOffer.id)
        for offer in db.session.scalars(query):
            out[offer.question_id].append(offer)
    return out


def _offer_of(question: Question, offer_id: int, author_secrets: list[str]) -> HelpOffer:
    if not owns(question, author_secrets):
        raise refuse("not-yours")
    offer = db.session.get(HelpOffer, offer_id)
    if offer is None or offer.question_id != question.id:
        raise refuse("missing")
    return offer


@transaction
def pick(question: Question, offer_id: int, author_secrets: list[str], point: str, at: str) -> HelpOffer:
    """The asker picks one offer and where and when to meet; the helper is told on their own channel.

    Picking another offer later moves the meeting to that helper (the first one is told too).
    """
    offer = _offer_of(question, offer_id, author_secrets)
    if point not in points_of(question.event_id):
        raise refuse("point")
    if not TIME.match(at or ""):
        raise refuse("time")
    before = db.session.scalars(
        select(HelpOffer.helper_id).where(HelpOffer.question_id == question.id, HelpOffer.chosen)
    ).all()
    db.session.execute(update(HelpOffer).where(HelpOffer.question_id == question.id).values(chosen=False, token=None))
    offer.chosen, offer.point, offer.meet_at, offer.token = True, point, at, offer.id
    for helper_id in {*before, offer.helper_id}:
        realtime.personal(question.event_id, helper_id, HELPING)
    realtime.changed(question.event_id, "questions")
    return offer


def helper_card(event: Event, offer: HelpOffer):
    """The helper's card on the tips board, or None."""
    return member(card_of(event, db.session.get(Attendee, offer.helper_id)))


@transaction
def share_card(question: Question, offer_id: int, author_secrets: list[str], mine) -> str:
    """The asker shares their tips card with one helper, instead of (or as well as) meeting blind.

    It is an ordinary connection request from the asker's card to the helper's, which the helper
    accepts or ignores on the board like any other ("sent", or "accepted" if they had asked
    before). Nothing it stores names the question: the offer is left as it was, so the database
    still holds no row with both the question and its asker. Telling the helper who asked is the
    asker's own choice, made in their browser.
    """
    offer = _offer_of(question, offer_id, author_secrets)
    theirs = helper_card(db.session.get(Event, question.event_id), offer)
    if theirs is None:
        raise refuse("no-card")
    return consent.request_connection(mine, theirs, invited=True)


def meeting(offer: HelpOffer) -> dict | None:
    """Where, when and which token: what the asker and the chosen helper both see."""
    if not offer.chosen:
        return None
    return {"point": offer.point, "at": offer.meet_at, "token": token(offer.token)}


def helping(event: Event, helper: Attendee | None) -> list[dict]:
    """My offers of help, with the question and, once the asker picked me, our meeting."""
    if helper is None:
        return []
    rows = db.session.execute(
        select(HelpOffer, Question)
        .join(Question, Question.id == HelpOffer.question_id)
        .where(HelpOffer.helper_id == helper.id, Question.event_id == event.id)
        .order_by(HelpOffer.id.desc())
    )
    return [{"offer": o, "question": q, "meeting": meeting(o)} for o, q in rows]


def for_asker(event: Event, mine: list[Question], asker: Attendee | None = None) -> dict:
    """What the asker's own list needs: the offers on their questions, the meeting points, the
    asker's own card and which helpers are on the tips board (to share the card with)."""
    offers = offers_on(mine)
    members = board_members(event.id, {o.helper_id for these in offers.values() for o in these})
    on_board = {o.id for these in offers.values() for o in these if o.helper_id in members}
    return {
        "offers": offers,
        "points": points_of(event.id),
        "card": member(card_of(event, asker)),
        "on_board": on_board,
    }


SUGGEST_VOTES, SUGGEST_OFFERS = 3, 2  # "many": from this many "me too" votes, or offers of help


def pitch_suggestions(event: Event, limit: int = 5) -> list[dict]:
    """Questions with many "me too" votes or offers that are no pitch yet: for the facilitators,
    most wanted first (votes and offers counted together)."""
    votes, helpers = vote_counts(event.id, visible_only=True), offer_counts(event.id)
    query = select(Question).where(
        Question.event_id == event.id, Question.status == "visible", Question.promoted_pitch_id.is_(None)
    )
    rows = [
        {"question": q, "votes": votes.get(q.id, 0), "offers": helpers.get(q.id, 0)}
        for q in db.session.scalars(query.order_by(Question.id))
    ]
    rows = [r for r in rows if r["votes"] >= SUGGEST_VOTES or r["offers"] >= SUGGEST_OFFERS]
    return sorted(rows, key=lambda r: -(r["votes"] + r["offers"]))[:limit]
