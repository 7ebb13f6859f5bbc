"""Demo questions: what newcomers really ask at a barcamp, in German and English."""

from __future__ import annotations

from sqlalchemy import select

from barcamp.core.extensions import db
from barcamp.core.identity import hash_key
from barcamp.pitches.enums import ACTIVE
from barcamp.pitches.models import Pitch
from barcamp.questions.domain import new_secret, promote
from barcamp.questions.models import Question, QuestionVote

# (text, upvotes, answered, pinned)
EVENT_WIDE = [
    ("Was genau ist eigentlich eine Session? Muss ich da etwas vorbereiten?", 14, True, False),
    ("How does the grid work? Who decides which session goes into which room?", 11, True, False),
    ("Darf ich eine Session anbieten, obwohl ich zum ersten Mal hier bin?", 17, False, True),
    ("What does 'Gesetz der zwei Füße' mean?", 9, True, False),
    ("Kann ich einfach während einer Session den Raum wechseln, ohne unhöflich zu sein?", 8, False, False),
    ("Is it okay to pitch a session that is just a question I have, not a talk?", 12, False, False),
    ("Wo finde ich die Doku der Sessions hinterher?", 6, False, False),
    ("Gibt es vegetarisches und veganes Essen zum Mittag?", 5, True, False),
    ("What happens if two sessions with the same topic are pitched?", 4, False, False),
    ("Werden die Sessions aufgezeichnet oder gestreamt?", 7, False, False),
    ("Is there a quiet room if I need a break from people?", 10, False, False),
    ("Wie lange dauert ein Pitch? Ich bin ziemlich nervös.", 13, False, False),
]
IN_SESSIONS = [
    "Brauche ich für den Workshop einen eigenen Laptop?",
    "Will the slides be shared afterwards?",
    "Can beginners follow this, or is it a deep dive?",
]
PROMOTED = ("Would anyone join a session on accessibility testing with screen readers?", 7)


def _question(event, text, pitch_id=None, answered=False, pinned=False) -> Question:
    q = Question(
        event_id=event.id,
        pitch_id=pitch_id,
        text=text,
        answered=answered,
        pinned=pinned,
        secret_hash=hash_key(new_secret()),  # nobody holds the secret: demo questions have no author
    )
    db.session.add(q)
    db.session.flush()
    return q


def _upvote(q: Question, people, n: int, offset: int) -> None:
    for i in range(n):
        db.session.add(QuestionVote(question_id=q.id, attendee_id=people[(offset + i * 3) % len(people)].id))


def load(event, people) -> None:
    """About 15 realistic questions: some answered, one pinned, some on session walls."""
    for i, (text, votes, answered, pinned) in enumerate(EVENT_WIDE):
        _upvote(_question(event, text, answered=answered, pinned=pinned), people, votes, i)
    pitches = db.session.scalars(
        select(Pitch).where(Pitch.event_id == event.id, Pitch.status == ACTIVE).order_by(Pitch.id).limit(3)
    ).all()
    for i, (text, pitch) in enumerate(zip(IN_SESSIONS, pitches, strict=False)):
        _upvote(_question(event, text, pitch_id=pitch.id), people, 3 - i, 40 + i)
    text, votes = PROMOTED
    q = _question(event, text)
    _upvote(q, people, votes, 50)
    promote(event, q, "en")
