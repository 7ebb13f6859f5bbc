"""The undo seam (``core.undo``): one hook hides deleted rows from every kind of query the app
runs, only ``with_deleted`` looks past it, and every such table has a sweeper."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from barcamp.core import undo
from barcamp.core.extensions import db
from barcamp.core.models import utcnow
from barcamp.models import Question, QuestionVote, Tip, TipCard
from tests.questions.test_questions import ask, only_question
from tests.tips.test_tips import join, post_tip, tip_id


def test_every_table_with_deleted_at_is_undoable_and_swept():
    tables = [m.class_ for m in db.Model.registry.mappers if "deleted_at" in m.columns]
    assert sorted(t.__name__ for t in tables) == ["Question", "Tip", "TipCard"]
    assert all(issubclass(t, undo.Undoable) and t in undo._models for t in tables)


def test_a_deleted_row_is_hidden_from_every_kind_of_query(app, client, make_client, event_factory):
    slug, _ = event_factory()
    ask(client, slug, "Versteckt?")
    qid = only_question(app).id
    make_client().post(f"/e/{slug}/questions/{qid}/vote", data={"on": "1"})
    join(client, slug, "Tia")
    post_tip(client, slug, "Keep me")
    post_tip(client, slug, "Hide me")
    gone_tip = tip_id(app, "Hide me")
    assert client.post(f"/e/{slug}/questions/{qid}/delete").status_code == 302
    assert client.post(f"/e/{slug}/tips/{gone_tip}/delete").status_code == 302

    with app.app_context():
        s = db.session
        assert s.scalars(select(Question)).all() == []
        assert s.scalars(select(Question.id)).all() == []
        assert s.scalar(select(func.count()).select_from(Question)) == 0
        assert s.scalars(select(QuestionVote.id).join(Question, Question.id == QuestionVote.question_id)).all() == []
        assert s.get(Question, qid) is None
        assert s.scalars(select(TipCard.id).where(TipCard.id.in_(select(Tip.card_id)))).all() != []  # a subquery
        assert [t.text for t in s.scalars(select(TipCard)).one().tips] == ["Keep me"]  # a relationship load
        assert s.scalars(select(Tip.text).join(TipCard)).all() == ["Keep me"]
        # Only undo and the sweep look past it.
        assert s.scalars(select(Question.id).execution_options(**undo.WITH_DELETED)).all() == [qid]
        assert len(s.scalars(select(Tip).execution_options(**undo.WITH_DELETED)).all()) == 2


def test_next_due_is_the_first_grace_period_to_end(app, client, event_factory):
    slug, _ = event_factory()
    with app.app_context():
        assert undo.next_due() is None
    ask(client, slug, "Bald weg?")
    qid = only_question(app).id
    before = utcnow()
    client.post(f"/e/{slug}/questions/{qid}/delete")
    with app.app_context():
        due = undo.next_due()
        assert before + undo.grace() <= due <= utcnow() + undo.grace()
        undo.sweep(due + dt.timedelta(seconds=1))
        assert undo.next_due() is None
