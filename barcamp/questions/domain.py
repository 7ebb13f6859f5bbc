"""The question wall's rules: posting, the author's secret, upvotes, reports, moderation.

Anonymity is the feature. A question row holds no attendee id, IP address or
user agent, and nothing here logs. The author's browser keeps a random secret;
the server stores only its hash, so "delete my question" and "waiting for
approval" work without the server ever knowing who asked. Votes and reports
reference the voter or reporter, never the author, and are only ever shown
as counts.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from barcamp.core import realtime
from barcamp.core.database import transaction
from barcamp.core.extensions import db
from barcamp.core.identity import hash_key
from barcamp.core.models import Attendee, Event, Pitch, Question, QuestionReport, QuestionVote

MIN_LENGTH, MAX_LENGTH = 3, 500
MODERATION_ACTIONS = ("approve", "reject", "hide", "restore", "answer", "unanswer", "pin", "unpin")


def announce(event_id: int, public: bool = True) -> None:
    """Tell pages the wall changed: everyone's, or only the facilitators' view of it."""
    realtime.changed(event_id, "questions", facilitators_only=not public)


def new_secret() -> str:
    """A random value: an ask form's nonce (never stored), or the secret of a question posted without one."""
    return secrets.token_urlsafe(16)


def secret_for(event_id: int, nonce: str) -> str:
    """The question's secret: derived from the form's nonce with the app's key, so a re-send of
    the same form finds the stored question, while the nonce alone (in the page) proves nothing."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"question {event_id} {nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()


@transaction
def post_question(
    event: Event, text: str, pitch: Pitch | None = None, nonce: str = "", hold: bool = False
) -> tuple[Question, str]:
    """Store an anonymous question; return it and the secret for the author's browser.

    A form re-sent with the same nonce (the offline outbox after a lost answer, a double
    click) returns the question stored the first time instead of a second copy. Another text
    under a used nonce (an old page from the back button) is a new question.
    """
    secret = secret_for(event.id, nonce) if nonce else new_secret()
    question = Question(
        event_id=event.id,
        pitch_id=pitch.id if pitch else None,
        text=text.strip(),
        status="pending" if event.premoderation or hold else "visible",
        secret_hash=hash_key(secret),
    )
    try:
        with db.session.begin_nested():
            db.session.add(question)
    except IntegrityError:  # stored before (secret_hash is unique)
        existing = db.session.scalar(select(Question).where(Question.secret_hash == question.secret_hash))
        if existing is None or existing.event_id != event.id:
            raise
        if existing.text == question.text:
            return existing, secret
        secret = new_secret()
        question.secret_hash = hash_key(secret)
        db.session.add(question)
        db.session.flush()
    announce(event.id, public=question.status == "visible")
    return question, secret


def own_questions(event: Event, author_secrets: list[str]) -> list[Question]:
    """The questions of ``event`` whose secret this browser holds, newest first."""
    if not author_secrets:
        return []
    hashes = [hash_key(s) for s in author_secrets]
    return db.session.scalars(
        select(Question)
        .where(Question.event_id == event.id, Question.secret_hash.in_(hashes))
        .order_by(Question.id.desc())
    ).all()


@transaction
def delete_own(question: Question, author_secrets: list[str]) -> bool:
    """Delete a question if one of ``author_secrets`` is its secret."""
    if question.secret_hash not in {hash_key(s) for s in author_secrets}:
        return False
    public = question.status == "visible"
    db.session.delete(question)
    announce(question.event_id, public)
    return True


@transaction
def set_vote(question: Question, attendee: Attendee, on: bool) -> bool:
    """Upvote (on) or take the upvote back; one per attendee. Returns whether it is on."""
    existing = db.session.scalar(
        select(QuestionVote).where(QuestionVote.question_id == question.id, QuestionVote.attendee_id == attendee.id)
    )
    if on and existing is None:
        db.session.add(QuestionVote(question_id=question.id, attendee_id=attendee.id))
        realtime.tally(question.event_id, "questions")
    elif not on and existing is not None:
        db.session.delete(existing)
        realtime.tally(question.event_id, "questions")
    return on


def report_count(question: Question) -> int:
    """How many attendees reported a question since a facilitator last reviewed it."""
    return db.session.scalar(select(func.count(QuestionReport.id)).where(QuestionReport.question_id == question.id))


@transaction
def report(event: Event, question: Question, attendee: Attendee) -> bool:
    """Report a question once per attendee; at the event's threshold it is hidden for review.

    Returns True if this report hid the question.
    """
    exists = db.session.scalar(
        select(QuestionReport.id).where(
            QuestionReport.question_id == question.id, QuestionReport.attendee_id == attendee.id
        )
    )
    if exists is None:
        db.session.add(QuestionReport(question_id=question.id, attendee_id=attendee.id))
        db.session.flush()
    if question.status == "visible" and report_count(question) >= event.report_threshold:
        question.status, question.pinned = "hidden", False
        announce(event.id)
        return True
    announce(event.id, public=False)  # the facilitators' report counts changed
    return False


@transaction
def moderate(question: Question, action: str) -> None:
    """A facilitator's decision: approve/reject, hide/restore, (un)answer, (un)pin."""
    was_public = question.status == "visible"
    if action in ("approve", "restore"):
        question.status = "visible"
    elif action in ("reject", "hide"):
        question.status, question.pinned = "hidden", False
    elif action in ("answer", "unanswer"):
        question.answered = action == "answer"
    elif action == "pin" and question.status == "visible":
        # One question on the projector at a time.
        db.session.execute(
            update(Question)
            .where(Question.event_id == question.event_id, Question.id != question.id)
            .values(pinned=False)
        )
        question.pinned = True
    elif action == "unpin":
        question.pinned = False
    if action in ("approve", "reject", "hide", "restore"):
        # A facilitator looked at it: earlier reports are settled.
        db.session.execute(delete(QuestionReport).where(QuestionReport.question_id == question.id))
    announce(question.event_id, public=was_public or question.status == "visible")


@transaction
def settle_pending(event: Event, approve: bool) -> int:
    """Approve or hide every question waiting for approval, in one go; returns how many."""
    n = db.session.execute(
        update(Question)
        .where(Question.event_id == event.id, Question.status == "pending")
        .values(status="visible" if approve else "hidden")
    ).rowcount
    if n:
        announce(event.id, public=approve)
    return n


def pitch_title(text: str, limit: int = 120) -> str:
    """A pitch title from a question's text: whole words, at most ``limit`` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


@transaction
def promote(event: Event, question: Question, language: str = "en") -> Pitch:
    """Turn a question into a session pitch ("This deserves a session"); idempotent."""
    if question.promoted_pitch_id:
        return db.session.get(Pitch, question.promoted_pitch_id)
    from barcamp.pitches.views import create_pitch

    pitch = create_pitch(
        event,
        None,
        title=pitch_title(question.text),
        description=question.text,
        host_name="",
        language=language if language in ("de", "en") else "en",
    )
    question.promoted_pitch_id = pitch.id
    announce(event.id, public=question.status == "visible")
    return pitch


@transaction
def update_settings(event: Event, premoderation: bool, report_threshold: int) -> None:
    """Switch pre-moderation and set how many reports hide a question."""
    event.premoderation, event.report_threshold = premoderation, report_threshold
    announce(event.id, public=False)


# --- reading ------------------------------------------------------------------


def vote_counts(event_id: int, visible_only: bool = False) -> dict[int, int]:
    """Upvotes per question of an event, read from the database (the truth)."""
    query = (
        select(QuestionVote.question_id, func.count(QuestionVote.id))
        .join(Question, Question.id == QuestionVote.question_id)
        .where(Question.event_id == event_id)
        .group_by(QuestionVote.question_id)
    )
    if visible_only:
        query = query.where(Question.status == "visible")
    return {qid: n for qid, n in db.session.execute(query)}


@realtime.counter("questions")
def _tally(event_id: int):
    return vote_counts(event_id, visible_only=True), vote_counts(event_id)


def my_votes(event: Event, attendee: Attendee | None) -> set[int]:
    """Ids of the questions this attendee upvoted (only ever shown to that attendee)."""
    if attendee is None:
        return set()
    return set(
        db.session.scalars(
            select(QuestionVote.question_id)
            .join(Question, Question.id == QuestionVote.question_id)
            .where(QuestionVote.attendee_id == attendee.id, Question.event_id == event.id)
        )
    )


@dataclass
class Wall:
    """What one wall shows: open and answered questions, and the facilitators' queues."""

    counts: dict[int, int]
    open: list[Question] = field(default_factory=list)
    answered: list[Question] = field(default_factory=list)
    pending: list[Question] = field(default_factory=list)
    review: list[Question] = field(default_factory=list)
    hidden: list[Question] = field(default_factory=list)
    reports: dict[int, int] = field(default_factory=dict)


def wall(event: Event, pitch: Pitch | None = None, sort: str = "top", moderate: bool = False) -> Wall:
    """The questions of the event-wide wall (``pitch`` None) or of one session's wall."""
    query = select(Question).where(Question.event_id == event.id)
    query = query.where(Question.pitch_id == pitch.id if pitch else Question.pitch_id.is_(None))
    if not moderate:
        query = query.where(Question.status == "visible")
    questions = db.session.scalars(query.order_by(Question.id.desc())).all()
    counts = vote_counts(event.id, visible_only=not moderate)
    if sort == "top":
        questions = sorted(questions, key=lambda q: -counts.get(q.id, 0))  # stable: newest first among equals
    result = Wall(counts=counts)
    if moderate:
        rows = db.session.execute(
            select(QuestionReport.question_id, func.count(QuestionReport.id))
            .join(Question, Question.id == QuestionReport.question_id)
            .where(Question.event_id == event.id)
            .group_by(QuestionReport.question_id)
        )
        result.reports = {qid: n for qid, n in rows}
    for q in questions:
        if q.status == "pending":
            result.pending.append(q)
        elif q.status == "hidden":
            needs_review = result.reports.get(q.id, 0) >= event.report_threshold
            (result.review if needs_review else result.hidden).append(q)
        else:
            (result.answered if q.answered else result.open).append(q)
    return result


def projector_wall(event: Event, limit: int = 6) -> tuple[Question | None, list[Question], dict[int, int]]:
    """The pinned question and the top open questions of the event-wide wall."""
    pinned = db.session.scalar(
        select(Question).where(Question.event_id == event.id, Question.pinned, Question.status == "visible")
    )
    w = wall(event, sort="top")
    top = [q for q in w.open if not (pinned and q.id == pinned.id)][:limit]
    return pinned, top, w.counts


def moderation_summary(event: Event) -> dict[str, int]:
    """Counts for the console: questions waiting for approval and reported ones."""
    pending = db.session.scalar(
        select(func.count(Question.id)).where(Question.event_id == event.id, Question.status == "pending")
    )
    reported = select(QuestionReport.question_id).group_by(QuestionReport.question_id)
    reported = reported.having(func.count(QuestionReport.id) >= event.report_threshold)
    review = db.session.scalar(
        select(func.count(Question.id)).where(
            Question.event_id == event.id, Question.status == "hidden", Question.id.in_(reported)
        )
    )
    visible = db.session.scalar(
        select(func.count(Question.id)).where(Question.event_id == event.id, Question.status == "visible")
    )
    return {"pending": pending, "review": review, "visible": visible}


def public_questions(event: Event) -> list[dict]:
    """The visible questions for the JSON snapshot: no author, no voters, no reporters."""
    counts = vote_counts(event.id, visible_only=True)
    rows = db.session.execute(
        select(Question, Pitch.title)
        .outerjoin(Pitch, Pitch.id == Question.pitch_id)
        .where(Question.event_id == event.id, Question.status == "visible")
        .order_by(Question.id)
    )
    return [
        {
            "id": q.id,
            "text": q.text,
            "votes": counts.get(q.id, 0),
            "status": "answered" if q.answered else "open",
            "pinned": q.pinned,
            "session": {"id": q.pitch_id, "title": title} if q.pitch_id else None,
            "promoted_to_pitch": q.promoted_pitch_id,
        }
        for q, title in rows
    ]
