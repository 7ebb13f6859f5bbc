"""What a facilitator may take away: the event, its programme and its content, with counts.

Never who voted, upvoted, reported or marked anything, never who connected with whom, no
attendee rows, and no contacts at all (a contact shared "with board members" was not shared
with a file on an organiser's laptop). Moving an event to another server takes the operator's
full backup instead (``backup``, ``flask --app wsgi backup``).
"""

from __future__ import annotations

from sqlalchemy import func, select

from barcamp.core.api import event_json
from barcamp.core.extensions import db
from barcamp.core.models import Attendee, Event, utcnow
from barcamp.grid.models import Placement
from barcamp.mixer.reading import dashboard
from barcamp.pitches.models import Pitch, Vote
from barcamp.pitches.partials import pitch_json
from barcamp.questions.models import Question, QuestionReport, QuestionVote
from barcamp.tips.models import BoardReport, Connection, Tip, TipCard, TipMark
from barcamp.tips.reading import card_tags

FORMAT, VERSION = "barcamp-summary", 1


def _counts(column, *where) -> dict[int, int]:
    return dict(db.session.execute(select(column, func.count()).where(*where).group_by(column)).all())


def summary(event: Event) -> dict:
    """The facilitator's download of an event: content and counts, nobody's actions or contacts."""
    votes = _counts(Vote.pitch_id, Vote.pitch_id.in_(select(Pitch.id).where(Pitch.event_id == event.id)))
    questions = select(Question.id).where(Question.event_id == event.id)
    upvotes = _counts(QuestionVote.question_id, QuestionVote.question_id.in_(questions))
    reports = _counts(QuestionReport.question_id, QuestionReport.question_id.in_(questions))
    cards = db.session.scalars(select(TipCard).where(TipCard.event_id == event.id).order_by(TipCard.id)).all()
    tips = db.session.scalars(select(Tip).where(Tip.card_id.in_([c.id for c in cards])).order_by(Tip.id)).all()
    helpful = _counts(TipMark.tip_id, TipMark.tip_id.in_([t.id for t in tips]), TipMark.kind == "helpful")
    board_reports = _counts(BoardReport.target_id, BoardReport.event_id == event.id, BoardReport.target == "tip")
    tags = card_tags([c.id for c in cards])
    pitches = db.session.scalars(select(Pitch).where(Pitch.event_id == event.id).order_by(Pitch.id)).all()
    placements = db.session.scalars(select(Placement).where(Placement.event_id == event.id)).all()
    people = select(func.count(Attendee.id)).where(Attendee.event_id == event.id)
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": utcnow().isoformat(),
        "event": event_json(event),
        "pitches": [pitch_json(p, votes.get(p.id, 0)) for p in pitches],
        "grid": [
            {"slot_id": c.slot_id, "room_id": c.room_id, "pitch_id": c.pitch_id, "locked": c.locked} for c in placements
        ],
        "questions": [
            {
                "id": q.id,
                "text": q.text,
                "session": q.pitch_id,
                "status": q.status,
                "answered": q.answered,
                "upvotes": upvotes.get(q.id, 0),
                "reports": reports.get(q.id, 0),
            }
            for q in db.session.scalars(select(Question).where(Question.event_id == event.id).order_by(Question.id))
        ],
        "cards": [
            {
                "id": c.id,
                "name": c.display_name,
                "intro": c.intro,
                "can_help_with": tags[c.id]["help"],
                "looking_for": tags[c.id]["seek"],
                "first_barcamp": c.show_first_timer,
                "hidden": c.hidden,
            }
            for c in cards
        ],
        "tips": [
            {
                "id": t.id,
                "card": t.card_id,
                "text": t.text,
                "link": t.link or None,
                "tags": [g.name for g in t.tags],
                "helpful": helpful.get(t.id, 0),
                "reports": board_reports.get(t.id, 0),
                "hidden": t.hidden,
            }
            for t in tips
        ],
        "counts": {
            "attendees": db.session.scalar(people),
            "first_timers": db.session.scalar(people.where(Attendee.first_timer)),
            "votes": sum(votes.values()),
            "question_upvotes": sum(upvotes.values()),
            # The mixing dashboard: anonymous counts, never who was in which group.
            "mixer": dashboard(event.id),
            "connections_made": db.session.scalar(
                select(func.count(Connection.id)).where(
                    Connection.status == "accepted", Connection.from_card_id.in_([c.id for c in cards])
                )
            ),
        },
    }
