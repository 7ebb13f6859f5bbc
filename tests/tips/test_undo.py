"""Leaving the tips board and deleting a tip, with an undo: hidden everywhere at once, back
exactly as it was on "Undo" (this browser only), gone from the database after the grace period
(issue #17)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import text

from barcamp.core import realtime, undo
from barcamp.core.extensions import db
from barcamp.core.models import utcnow
from tests.tips.test_tips import JSON, card_id, every_surface, join, post_tip, tip_id

SECRET = "Secret sauce tip from Lena"


@pytest.fixture(autouse=True)
def _no_tally_left_behind(app):
    yield
    with app.app_context():
        realtime.flush()


@pytest.fixture
def slug(event_factory):
    return event_factory("Undo Camp")[0]


def rows(app, sql: str, **params) -> list:
    """Read the database directly, past the ORM (and past the undo filter)."""
    with app.app_context():
        return db.session.execute(text(sql), params).all()


@pytest.fixture
def board(app, client, make_client, slug):
    """Lena (``client``) with a card, a tip a friend marked helpful, an accepted connection and a report."""
    join(client, slug, "Leaving Lena", helps="sql", seeks="rust", contact="lena@example.org", visibility="request")
    post_tip(client, slug, SECRET, tags="sauce")
    friend = make_client()
    join(friend, slug, "Friend", contact="friend@example.org", visibility="request")
    lena, tip = card_id(app, "Leaving Lena"), tip_id(app, SECRET)
    assert friend.post(f"/e/{slug}/tips/{tip}/mark", data={"kind": "helpful", "on": "1"}).status_code == 302
    assert friend.post(f"/e/{slug}/tips/people/{lena}/connect").status_code == 302
    conn = rows(app, "SELECT id FROM connection")[0][0]
    assert client.post(f"/e/{slug}/tips/connections/{conn}/accept").status_code == 302
    assert friend.post(f"/e/{slug}/tips/report/card/{lena}").status_code == 302
    return friend, lena, tip


def friend_view(friend, slug, lena) -> str:
    """Everything the friend can read about the board (each page's CSRF token left out)."""
    seen = every_surface(friend, slug, friend.application)
    seen += friend.get(f"/e/{slug}/tips/people/{lena}").get_data(as_text=True)
    return re.sub(r'(csrf-token" content|name="csrf_token" value|csrf_token" type="hidden" value)="[^"]*"', r"\1", seen)


def stored(app) -> dict:
    """What the database holds of the board, read directly."""
    return {
        table: rows(app, "SELECT count(*) FROM " + table)[0][0]  # noqa: S608 -- the names below
        for table in ("tip_card", "tip", "tip_mark", "tip_tag", "card_tag", "connection", "board_report", "card_link")
    }


def test_leaving_hides_everything_at_once_and_undo_brings_it_back_exactly(app, client, slug, board):
    friend, lena, tip = board
    before_view, before_rows = friend_view(friend, slug, lena), stored(app)
    assert SECRET in before_view and "lena@example.org" in before_view

    r = client.post(f"/e/{slug}/tips/leave", headers=JSON)
    assert r.get_json() == {"ok": True, "message": "You left the board.", "undo": f"/e/{slug}/tips/leave/undo"}
    gone = friend_view(friend, slug, lena)
    assert "Leaving Lena" not in gone and SECRET not in gone and "lena@example.org" not in gone
    assert friend.get(f"/e/{slug}/tips/people/{lena}").status_code == 404
    assert friend.post(f"/e/{slug}/tips/{tip}/mark", data={"kind": "saved", "on": "1"}).status_code == 404
    assert "Nothing about you appears here until you join" in client.get(f"/e/{slug}/tips").get_data(as_text=True)

    r = client.post(f"/e/{slug}/tips/leave/undo", headers=JSON)
    assert r.get_json() == {"ok": True, "message": "You are back on the board."}
    assert friend_view(friend, slug, lena) == before_view  # card, tip, tags, mark count, contact as before
    assert stored(app) == before_rows
    (entry,) = [t for t in friend.get(f"/e/{slug}/tips.json").get_json()["tips"] if t["id"] == tip]
    assert entry["helpful"] == 1


def test_undo_of_leaving_is_for_the_same_browser_only(app, client, make_client, slug, board):
    friend, lena, _tip = board
    client.post(f"/e/{slug}/tips/leave")
    for other in (friend, make_client()):
        assert other.post(f"/e/{slug}/tips/leave/undo").status_code in (302, 409)
        assert other.post(f"/e/{slug}/tips/leave/undo", headers=JSON).status_code == 409
    assert "Leaving Lena" not in friend_view(friend, slug, lena)


def test_after_the_grace_period_the_sweep_leaves_nothing_of_the_card(app, client, slug, board):
    friend, lena, _tip = board
    client.post(f"/e/{slug}/tips/leave")
    with app.app_context():
        undo.sweep()  # still within the grace period: kept for "Undo"
    assert rows(app, "SELECT count(*) FROM tip_card WHERE id = :lena", lena=lena) == [(1,)]
    with app.app_context():
        undo.sweep(utcnow() + undo.grace() + dt.timedelta(seconds=1))
    assert rows(app, "SELECT display_name FROM tip_card") == [("Friend",)]
    assert stored(app) == {
        "tip_card": 1,
        "tip": 0,
        "tip_mark": 0,
        "tip_tag": 0,
        "card_tag": 0,
        "connection": 0,
        "board_report": 0,
        "card_link": 0,
    }
    assert client.post(f"/e/{slug}/tips/leave/undo", headers=JSON).status_code == 409


def test_joining_again_within_the_grace_period_starts_a_new_card(app, client, slug, board):
    client.post(f"/e/{slug}/tips/leave")
    assert join(client, slug, "Lena again").status_code == 302
    assert rows(app, "SELECT display_name FROM tip_card ORDER BY id") == [("Friend",), ("Lena again",)]
    assert rows(app, "SELECT count(*) FROM tip") == [(0,)]


def test_deleted_tip_is_hidden_and_undo_brings_it_back_with_its_marks(app, client, make_client, slug, board):
    friend, lena, tip = board
    r = client.post(f"/e/{slug}/tips/{tip}/delete", headers=JSON)
    assert r.get_json() == {"ok": True, "message": "Tip deleted.", "undo": f"/e/{slug}/tips/{tip}/restore"}
    assert SECRET not in friend_view(friend, slug, lena)
    # Only its author may take it back.
    assert friend.post(f"/e/{slug}/tips/{tip}/restore").status_code == 404
    assert make_client().post(f"/e/{slug}/tips/{tip}/restore", headers=JSON).status_code == 404
    r = client.post(f"/e/{slug}/tips/{tip}/restore", headers=JSON)
    assert r.get_json() == {"ok": True, "message": "Your tip is back on the board."}
    (entry,) = [t for t in friend.get(f"/e/{slug}/tips.json").get_json()["tips"] if t["id"] == tip]
    assert entry["helpful"] == 1 and entry["tags"] == ["sauce"]


def test_deleted_tip_is_gone_from_the_database_after_the_sweep(app, client, slug, board):
    _friend, _lena, tip = board
    client.post(f"/e/{slug}/tips/{tip}/delete")
    with app.app_context():
        undo.sweep(utcnow() + undo.grace() + dt.timedelta(seconds=1))
    assert rows(app, "SELECT * FROM tip WHERE id = :tip", tip=tip) == []
    assert rows(app, "SELECT * FROM tip_mark WHERE tip_id = :tip", tip=tip) == []
    assert rows(app, "SELECT * FROM tip_tag WHERE tip_id = :tip", tip=tip) == []
    assert client.post(f"/e/{slug}/tips/{tip}/restore", headers=JSON).status_code == 404


def test_without_js_the_page_confirms_and_offers_an_undo_form(app, client, slug, board):
    _friend, _lena, tip = board
    page = client.post(f"/e/{slug}/tips/{tip}/delete", follow_redirects=True).get_data(as_text=True)
    assert "Tip deleted." in page and f'<form method="post" action="/e/{slug}/tips/{tip}/restore"' in page
    assert f'action="/e/{slug}/tips/{tip}/delete"' not in page  # no longer among "My tips"
    page = client.post(f"/e/{slug}/tips/{tip}/restore", follow_redirects=True).get_data(as_text=True)
    assert "Your tip is back on the board." in page and SECRET in page
    page = client.post(f"/e/{slug}/tips/leave", follow_redirects=True).get_data(as_text=True)
    assert "You left the board." in page and f'<form method="post" action="/e/{slug}/tips/leave/undo"' in page
    page = client.post(f"/e/{slug}/tips/leave/undo", follow_redirects=True).get_data(as_text=True)
    assert "You are back on the board." in page and "Leaving Lena" in page


def test_other_screens_hear_the_leaving_and_the_coming_back(app, client, make_client, slug, board, socket_client):
    friend, _lena, _tip = board
    screen = make_client()
    screen.get(f"/e/{slug}/tips")
    sock = socket_client(screen, slug)
    sock.get_received()

    def heard():
        return {m["args"][0]["what"] for m in sock.get_received() if m["name"] == "changed"}

    client.post(f"/e/{slug}/tips/leave")
    assert {"tips", "tipcards"} <= heard()
    assert "Leaving Lena" not in screen.get(f"/e/{slug}/live/tipcards?fresh=1").get_data(as_text=True)
    client.post(f"/e/{slug}/tips/leave/undo")
    assert {"tips", "tipcards"} <= heard()
    assert "Leaving Lena" in screen.get(f"/e/{slug}/live/tipcards?fresh=1").get_data(as_text=True)


def test_reports_on_a_card_that_left_do_not_count_until_it_comes_back(app, client, slug, board):
    from barcamp.core.models import Event
    from barcamp.tips import reading

    def open_reports():
        with app.app_context():
            return reading.summary(db.session.scalar(db.select(Event).where(Event.slug == slug)))["reports"]

    assert open_reports() == 1
    client.post(f"/e/{slug}/tips/leave")
    assert open_reports() == 0
    client.post(f"/e/{slug}/tips/leave/undo")
    assert open_reports() == 1


def test_a_backup_during_the_grace_period_holds_nothing_of_the_card_that_left(app, client, slug, board):
    from barcamp.core.models import Event
    from barcamp.privacy.backup import backup

    _friend, lena, tip = board
    client.post(f"/e/{slug}/tips/leave")
    with app.app_context():
        dump = backup(db.session.scalar(db.select(Event).where(Event.slug == slug)))
    tables = dump["tables"]
    assert [c["display_name"] for c in tables["tip_card"]] == ["Friend"]
    assert tables["tip"] == [] and tables["tip_mark"] == [] and tables["tip_tag"] == []
    assert tables["connection"] == [] and tables["board_report"] == []
    assert [r["card_id"] for r in tables["card_tag"]] == [card_id(app, "Friend")] * len(tables["card_tag"])
    assert "lena@example.org" not in str(dump) and SECRET not in str(dump)
