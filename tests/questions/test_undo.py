"""Deleting one's own question, with an undo: hidden everywhere at once, back with its votes on
"Undo" (the same browser only), and gone from the database after the grace period (issue #17)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import text

from barcamp.core import realtime, undo
from barcamp.core.extensions import db
from barcamp.core.models import utcnow
from tests.questions.test_questions import JSON, ask, changes, live, only_question

TEXT = "Wo finde ich die Folien vom Keynote?"


@pytest.fixture(autouse=True)
def _no_tally_left_behind(app):
    yield
    with app.app_context():
        realtime.flush()


def surfaces(fac, viewer, projector, slug) -> dict[str, str]:
    """Every place the question shows: walls, partials, the projector, the console, the JSON API."""
    return {
        "wall": viewer.get(f"/e/{slug}/questions").get_data(as_text=True),
        "partial": live(viewer, slug),
        "projector": projector.get(f"/e/{slug}/projector").get_data(as_text=True),
        "projector wall": live(projector, slug, "qwall"),
        "console's moderation": live(fac, slug, "questionsmod"),
        "api": viewer.get(f"/api/v1/events/{slug}").get_data(as_text=True),
    }


def rows(app, sql: str, **params) -> list:
    """Read the database directly, past the ORM (and past the undo filter)."""
    with app.app_context():
        return db.session.execute(text(sql), params).all()


@pytest.fixture
def wall(app, facilitator, make_client):
    """A question with two upvotes and a help offer, on the projector's wall."""
    fac, slug = facilitator
    fac.post(f"/e/{slug}/facilitate/projector", data={"mode": "wall"})
    author = make_client()
    assert ask(author, slug, TEXT).status_code == 302
    q = only_question(app)
    voters = [make_client(), make_client()]
    for v in voters:
        assert v.post(f"/e/{slug}/questions/{q.id}/vote", data={"on": "1"}).status_code == 302
    assert voters[0].post(f"/e/{slug}/questions/{q.id}/help", data={"note": "Frag mich"}).status_code == 302
    return fac, slug, author, q.id, voters


def test_deleted_question_is_hidden_everywhere_and_undo_brings_it_back_with_its_votes(app, wall, make_client):
    fac, slug, author, qid, voters = wall
    viewer, projector = make_client(), make_client()
    assert all(TEXT in page for page in surfaces(fac, viewer, projector, slug).values())

    r = author.post(f"/e/{slug}/questions/{qid}/delete", headers=JSON)
    assert r.get_json() == {
        "ok": True,
        "message": "Your question was deleted.",
        "undo": f"/e/{slug}/questions/{qid}/restore",
    }
    hidden = surfaces(fac, viewer, projector, slug)
    assert [name for name, page in hidden.items() if TEXT in page] == []
    assert viewer.get(f"/api/v1/events/{slug}").get_json()["questions"] == []
    # Votes on it are refused while it is gone; the author's own list offers the undo.
    assert voters[1].post(f"/e/{slug}/questions/{qid}/vote", data={"on": "0"}).status_code == 404
    mine = author.get(f"/e/{slug}/questions/mine").get_data(as_text=True)
    assert f'action="/e/{slug}/questions/{qid}/restore"' in mine and "Question deleted:" in mine

    r = author.post(f"/e/{slug}/questions/{qid}/restore", headers=JSON)
    assert r.get_json() == {"ok": True, "message": "Your question is back.", "id": qid}
    back = surfaces(fac, viewer, projector, slug)
    assert [name for name, page in back.items() if TEXT not in page] == []
    (entry,) = viewer.get(f"/api/v1/events/{slug}").get_json()["questions"]
    assert (entry["id"], entry["votes"]) == (qid, 2)
    assert rows(app, "SELECT count(*) FROM help_offer") == [(1,)]
    assert rows(app, "SELECT deleted_at FROM question WHERE id = :qid", qid=qid) == [(None,)]


def test_undo_by_another_browser_is_refused_and_changes_nothing(app, wall, make_client):
    fac, slug, author, qid, voters = wall
    author.post(f"/e/{slug}/questions/{qid}/delete")
    for other in (voters[0], make_client(), fac):
        assert other.post(f"/e/{slug}/questions/{qid}/restore").status_code == 403
        assert other.post(f"/e/{slug}/questions/{qid}/restore", headers=JSON).status_code == 403
    assert TEXT not in live(make_client(), slug)
    assert rows(app, "SELECT deleted_at IS NOT NULL FROM question WHERE id = :qid", qid=qid) == [(1,)]


def test_after_the_grace_period_undo_is_refused_and_the_sweep_leaves_nothing(app, wall):
    fac, slug, author, qid, _voters = wall
    author.post(f"/e/{slug}/questions/{qid}/delete")
    with app.app_context():
        db.session.execute(text("UPDATE question SET deleted_at = :t"), {"t": utcnow() - undo.grace() * 2})
        db.session.commit()
    r = author.post(f"/e/{slug}/questions/{qid}/restore", headers=JSON)
    assert r.status_code == 409 and r.get_json() == {"error": "This can no longer be undone."}

    with app.app_context():
        undo.sweep()
    assert rows(app, "SELECT * FROM question") == []
    assert rows(app, "SELECT * FROM question_vote") == []
    assert rows(app, "SELECT * FROM help_offer") == []
    assert author.post(f"/e/{slug}/questions/{qid}/restore").status_code == 403


def test_the_sweep_keeps_what_is_still_within_its_grace_period(app, wall):
    fac, slug, author, qid, _voters = wall
    author.post(f"/e/{slug}/questions/{qid}/delete")
    with app.app_context():
        undo.sweep()
    assert len(rows(app, "SELECT * FROM question")) == 1
    with app.app_context():
        undo.sweep(utcnow() + undo.grace() + dt.timedelta(seconds=1))
    assert rows(app, "SELECT * FROM question") == []


def test_without_js_delete_shows_a_confirmation_with_an_undo_form(app, wall):
    fac, slug, author, qid, _voters = wall
    r = author.post(f"/e/{slug}/questions/{qid}/delete", follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "Your question was deleted." in page
    assert f'<form method="post" action="/e/{slug}/questions/{qid}/restore"' in page
    r = author.post(f"/e/{slug}/questions/{qid}/restore", follow_redirects=True)
    assert "Your question is back." in r.get_data(as_text=True)
    assert TEXT in live(author, slug)


def test_other_screens_hear_the_removal_and_the_restore_live(app, wall, make_client, socket_client):
    fac, slug, author, qid, _voters = wall
    screen = make_client()
    screen.get(f"/e/{slug}")
    sock = socket_client(screen, slug)
    sock.get_received()
    author.post(f"/e/{slug}/questions/{qid}/delete")
    assert "questions" in changes(sock)
    assert TEXT not in live(screen, slug)
    author.post(f"/e/{slug}/questions/{qid}/restore")
    assert "questions" in changes(sock)
    assert TEXT in live(screen, slug)


def test_the_sweep_runs_on_its_own_on_a_live_server(tmp_path_factory):
    """No request needed: a gunicorn server deletes for real once the grace period is over."""
    import sqlalchemy as sa

    from tests.support.live import Browserless, own_server

    with own_server(tmp_path_factory.mktemp("undo"), "undo", {"UNDO_SECONDS": "1"}) as server:
        slug, _fac = server.create_event("Sweep Camp")
        phone = Browserless(server.url)
        phone.open(f"/e/{slug}/questions")
        qid = phone.post(f"/e/{slug}/questions", {"text": TEXT}).json()["id"]
        voter = Browserless(server.url)
        voter.open(f"/e/{slug}/questions")
        assert voter.post(f"/e/{slug}/questions/{qid}/vote", {"on": "1"}).json()["voted"] is True
        assert phone.post(f"/e/{slug}/questions/{qid}/delete").json()["undo"]
        engine = sa.create_engine(server.env["DATABASE_URL"])
        try:
            for _ in range(200):  # waits for the sweep; the bound only ends a broken run
                with engine.connect() as db_conn:
                    left = db_conn.execute(text("SELECT count(*) FROM question")).scalar()
                if left == 0:
                    break
                time.sleep(0.1)
            with engine.connect() as db_conn:
                assert db_conn.execute(text("SELECT count(*) FROM question")).scalar() == 0
                assert db_conn.execute(text("SELECT count(*) FROM question_vote")).scalar() == 0
        finally:
            engine.dispose()
        assert phone.post(f"/e/{slug}/questions/{qid}/restore").status_code == 403


def test_a_backup_during_the_grace_period_holds_nothing_of_the_deleted_question(app, wall):
    from barcamp.core.models import Event
    from barcamp.privacy.backup import backup

    fac, slug, author, qid, _voters = wall
    author.post(f"/e/{slug}/questions/{qid}/delete")
    with app.app_context():
        dump = backup(db.session.scalar(db.select(Event).where(Event.slug == slug)))
    assert dump["tables"]["question"] == [] and dump["tables"]["question_vote"] == []
    assert dump["tables"]["help_offer"] == []
    assert TEXT not in str(dump)


def test_the_same_ask_form_sent_again_after_deleting_asks_anew(app, client, event_factory):
    from tests.questions.test_questions import form_nonce

    slug, _ = event_factory()
    nonce = form_nonce(client.get(f"/e/{slug}/questions").get_data(as_text=True))
    first = ask(client, slug, TEXT, nonce=nonce, headers=JSON).get_json()["id"]
    client.post(f"/e/{slug}/questions/{first}/delete")
    again = ask(client, slug, TEXT, nonce=nonce, headers=JSON)
    assert again.status_code == 200 and again.get_json()["id"] != first
    assert TEXT in live(client, slug)
    # Both can be told apart: the deleted one can still be taken back.
    assert client.post(f"/e/{slug}/questions/{first}/restore").status_code == 302
