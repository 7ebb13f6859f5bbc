"""Reading the wall: vote counts, one's own upvotes, the wall's order, the projector's
selection, the moderation summary and the public JSON. Nothing here names an asker."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from barcamp.core import realtime
from barcamp.core.extensions import db
from barcamp.core.models import Attendee, Event
from barcamp.pitches.models import Pitch
from barcamp.questions.models import Question, QuestionReport, QuestionVote


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


def my_question_votes(event: Event, attendee: Attendee | None) -> set[int]:
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


def attention_count(event: Event) -> int:
    """Questions waiting for approval plus reported ones to review (the console's badge)."""
    summary = moderation_summary(event)
    return summary["pending"] + summary["review"]
