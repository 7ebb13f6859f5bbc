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

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from barcamp.core import metrics, realtime, undo
from barcamp.core.database import after_commit, transaction
from barcamp.core.enums import languages
from barcamp.core.errors import DomainError
from barcamp.core.extensions import db
from barcamp.core.identity import hash_key
from barcamp.core.models import Attendee, Event, utcnow
from barcamp.pitches.domain import create_pitch
from barcamp.pitches.models import Pitch
from barcamp.questions.models import Question, QuestionReport, QuestionVote

MIN_LENGTH, MAX_LENGTH = 3, 500


UNDO_TOO_LATE = _l("This can no longer be undone.")
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
        existing = db.session.scalar(
            select(Question).where(Question.secret_hash == question.secret_hash).execution_options(**undo.WITH_DELETED)
        )
        if existing is None or existing.event_id != event.id:
            raise
        if existing.text == question.text and existing.deleted_at is None:
            return existing, secret  # (a deleted one is asked anew, as once it was deleted for real)
        secret = new_secret()
        question.secret_hash = hash_key(secret)
        db.session.add(question)
        db.session.flush()
    announce(event.id, public=question.status == "visible")
    return question, secret


def _held(event: Event, author_secrets: list[str]):
    """The event's questions whose secret is one of ``author_secrets``."""
    hashes = [hash_key(s) for s in author_secrets]
    return select(Question).where(Question.event_id == event.id, Question.secret_hash.in_(hashes))


def own_questions(event: Event, author_secrets: list[str]) -> list[Question]:
    """The questions of ``event`` whose secret this browser holds, newest first."""
    if not author_secrets:
        return []
    return db.session.scalars(_held(event, author_secrets).order_by(Question.id.desc())).all()


def owns(question: Question, author_secrets: list[str]) -> bool:
    """Whether one of ``author_secrets`` (what this browser holds) is the question's secret."""
    return question.secret_hash in {hash_key(s) for s in author_secrets}


@transaction
def delete_own(question: Question, author_secrets: list[str]) -> bool:
    """Delete a question if one of ``author_secrets`` is its secret: gone from every screen at
    once, deleted for real (with its votes) after the grace period (``core.undo``)."""
    if not owns(question, author_secrets):
        return False
    question.deleted_at = utcnow()
    announce(question.event_id, question.status == "visible")
    after_commit(undo.deleted)
    return True


def deleted_own(event: Event, author_secrets: list[str]) -> list[Question]:
    """This browser's questions deleted a moment ago, that it may still take back (newest first)."""
    if not author_secrets:
        return []
    query = _held(event, author_secrets).where(Question.deleted_at >= undo.cutoff())
    return db.session.scalars(query.order_by(Question.deleted_at.desc()).execution_options(**undo.WITH_DELETED)).all()


@transaction
def restore_own(event: Event, question_id: int, author_secrets: list[str]) -> Question:
    """Undo deleting a question, within the grace period, for the browser holding its secret only."""
    question = db.session.scalar(
        select(Question)
        .where(Question.id == question_id, Question.event_id == event.id)
        .execution_options(**undo.WITH_DELETED)
    )
    if question is None or not owns(question, author_secrets):
        raise DomainError(_l("This is not your question."), 403)
    if not undo.undoable(question):
        raise DomainError(UNDO_TOO_LATE, 409)
    question.deleted_at = None
    announce(event.id, question.status == "visible")
    return question


@undo.sweeper(Question)
@transaction
def sweep(before) -> None:
    """Delete for real the questions whose grace period ended; votes, reports and offers cascade."""
    db.session.execute(delete(Question).where(Question.deleted_at < before))


@transaction
def set_vote(question: Question, attendee: Attendee, on: bool) -> bool:
    """Upvote (on) or take the upvote back; one per attendee. Returns whether it is on."""
    existing = db.session.scalar(
        select(QuestionVote).where(QuestionVote.question_id == question.id, QuestionVote.attendee_id == attendee.id)
    )
    if on and existing is None:
        db.session.add(QuestionVote(question_id=question.id, attendee_id=attendee.id))
    elif not on and existing is not None:
        db.session.delete(existing)
    else:
        return on
    realtime.tally(question.event_id, "questions")
    after_commit(metrics.VOTES.labels("question").inc)
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
        .where(Question.event_id == event.id, Question.status == "pending", Question.deleted_at.is_(None))
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
    pitch = create_pitch(
        event,
        None,
        title=pitch_title(question.text),
        description=question.text,
        host_name="",
        language=language if language in languages() else languages()[0],
    )
    question.promoted_pitch_id = pitch.id
    announce(event.id, public=question.status == "visible")
    return pitch


@transaction
def update_settings(event: Event, premoderation: bool, report_threshold: int) -> None:
    """Switch pre-moderation and set how many reports hide a question."""
    event.premoderation, event.report_threshold = premoderation, report_threshold
    announce(event.id, public=False)
