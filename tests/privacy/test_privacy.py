"""Data protection: export and import, deleting an event, the retention purge, and anonymity."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from sqlalchemy import func, select

from barcamp.core.extensions import db
from barcamp.models import Attendee, CardLink, Connection, Pitch, Question, QuestionVote, Tip, TipCard, TipMark, Vote
from tests.support.env import ROOT, pg_create, pg_drop
from tests.support.live import LiveServer, own_server
from tests.support.world import build, dump, post_file


def full_world(app, **kwargs):
    """The shared world plus what it lacks: a merged pitch, the spotlight and its timer, marks, a
    question report, a contact swap in a round and a first-timer waiting for a buddy."""
    world = build(app, **kwargs)
    slug, ids, c = world.slug, world.ids, world.clients
    fac = c["facilitator"]
    assert (
        c["attendee"].post(f"/e/{slug}/tips/{ids['tip_id']}/mark", data={"kind": "helpful", "on": "1"}).status_code
        < 400
    )
    assert c["attendee"].post(f"/e/{slug}/questions/{ids['question_id']}/report").status_code < 400
    assert fac.post(f"/e/{slug}/facilitate/spotlight", data={"move": "next"}).status_code == 302
    timer = fac.post(f"/e/{slug}/facilitate/timer", data={"timer": "start", "seconds": "45", "auto_next": "1"})
    assert timer.status_code == 302
    with app.app_context():
        third = Pitch(event_id=ids["event_id"], title="Duplicate")
        db.session.add(third)
        db.session.commit()
        ids["third_pitch_id"] = third.id
    merge = {"keep": ids["other_pitch_id"], "duplicate": ids["third_pitch_id"]}
    assert fac.post(f"/e/{slug}/pitches/merge", data=merge).status_code == 302
    # the mixer: a contact swap offered, and a first-timer still waiting for a buddy
    share = c["attendee"].post(f"/e/{slug}/meet/share/{ids['member_id']}", data={"contact": "bea@example.org"})
    assert share.status_code < 400
    waiting = app.test_client()
    assert waiting.get(f"/e/{slug}").status_code == 200
    assert waiting.post(f"/e/{slug}/meet/buddy/ask", data={"on": "1", "first_timer": "1"}).status_code < 400
    return world


def backup(app, slug) -> dict:
    """The operator's full backup of an event (``flask --app wsgi backup``), as JSON data."""
    from barcamp.core.identity import event_or_404
    from barcamp.privacy.backup import backup as make

    with app.test_request_context():
        data = json.loads(json.dumps(make(event_or_404(slug))))
        db.session.remove()
    return data


def facilitator_download(client, slug) -> dict:
    r = client.get(f"/e/{slug}/facilitate/export.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    assert "attachment" in r.headers["Content-Disposition"]
    return json.loads(r.get_data())


def upload(client, data, **kw):
    body = data if isinstance(data, bytes) else json.dumps(data).encode()
    return post_file(client, "/import", body, **kw)


def canonical(data: dict) -> dict:
    """An export with every id replaced by the row's position, so two servers' exports compare equal."""
    from barcamp.privacy.backup import SOFT_REFS

    tables = data["tables"]
    rank = {t: {row["id"]: i for i, row in enumerate(rows)} for t, rows in tables.items() if rows and "id" in rows[0]}
    out = {}
    for name, rows in tables.items():
        table = db.metadata.tables[name]
        fks = {fk.parent.name: fk.column.table.name for fk in table.foreign_keys}
        canon_rows = []
        for row in rows:
            new = {}
            for key, value in row.items():
                target = "self" if key == "id" else fks.get(key)
                if (name, key) in SOFT_REFS and value is not None:
                    target = SOFT_REFS[(name, key)](row)
                if target and value is not None:
                    value = rank[name if target == "self" else target][value]
                new[key] = value
            canon_rows.append(new)
        out[name] = canon_rows
    return out


@pytest.fixture
def other_database(database_url, tmp_path):
    """A second, empty database of the same kind: "another server"."""
    admin = os.environ.get("TEST_DATABASE_URL")
    url = pg_create(admin) if admin else f"sqlite:///{tmp_path / 'elsewhere.db'}"
    yield url
    if admin:
        pg_drop(url, admin)


def test_export_imports_into_another_server_unchanged(app, other_database):
    from barcamp import create_app
    from barcamp.privacy.backup import plan

    world = full_world(app)
    original = backup(app, world.slug)
    assert all(original["tables"][t.name] for t, _c, _p in plan()), "the world should fill every table"
    assert "facilitator_link" not in original["tables"]

    elsewhere = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": other_database})
    try:
        with elsewhere.app_context():
            db.create_all()
        newcomer = elsewhere.test_client()
        r = upload(newcomer, original)
        assert r.status_code == 302 and r.headers["Location"] == f"/e/{world.slug}/created"
        created = newcomer.get(r.headers["Location"]).get_data(as_text=True)
        assert re.search(r'id="facilitator-link" href="/e/[^/]+/f/[^"]{20,}"', created)
        copy = backup(elsewhere, world.slug)
        with app.app_context():
            assert canonical(copy) == canonical(original)
        for path in ("", "/grid", "/questions", "/tips", "/projector", "/facilitate"):
            assert newcomer.get(f"/e/{world.slug}{path}").status_code == 200, path
    finally:
        with elsewhere.app_context():
            db.session.remove()
            db.engine.dispose()


def test_import_on_the_same_server_makes_a_separate_copy(app):
    world = full_world(app)
    fac = world.clients["facilitator"]
    original = backup(app, world.slug)
    r = upload(fac, original)
    assert r.status_code == 302
    slug = r.headers["Location"].split("/")[2]
    assert slug != world.slug
    copy = backup(app, slug)
    assert copy["tables"]["event"][0]["join_code"] != original["tables"]["event"][0]["join_code"]
    for table, rows in original["tables"].items():
        assert len(copy["tables"][table]) == len(rows), table
    original_ids = {r["id"] for r in original["tables"]["pitch"]}
    assert not original_ids & {r["id"] for r in copy["tables"]["pitch"]}
    # Question secrets are unique on a server (a re-sent ask form finds its question by them):
    # the copy's are new, so only the original's authors hold theirs.
    hashes = {r["secret_hash"] for r in original["tables"]["question"]}
    assert hashes and not hashes & {r["secret_hash"] for r in copy["tables"]["question"]}
    again = backup(app, world.slug)
    assert {**again, "exported_at": None} == {**original, "exported_at": None}  # the original is untouched


BROKEN = {
    "not json": b"{this is not json",
    "not utf-8": b"\xff\xfe\x00",
    "wrong format": {"format": "something-else", "version": 1, "tables": {}},
    "no event": {"format": "barcamp-event", "version": 1, "tables": {"event": []}},
}


def _mutations(original: dict) -> dict:
    def changed(table, key, value, row=0):
        data = json.loads(json.dumps(original))
        data["tables"][table][row][key] = value
        return data

    return {
        "dangling reference": changed("vote", "pitch_id", 999999),
        "unknown status": changed("pitch", "status", "<script>"),
        "javascript link": changed("tip", "link", "javascript:alert(1)"),
        "text too long": changed("pitch", "title", "x" * 121),
        "number as text": changed("room", "capacity", "many"),
        "bad date": changed("day", "date", "2026-13-45"),
        "bad time zone": changed("event", "timezone", "Mars/Olympus"),
        "absurd time zone": changed("event", "timezone", "A" * 60),
        "nul character": changed("question", "text", "a\x00b"),
        "huge number": changed("room", "capacity", 10**40),
        "duplicate ids": changed("attendee", "id", original["tables"]["attendee"][1]["id"]),
        "two cards for one person": changed(
            "tip_card", "attendee_id", original["tables"]["tip_card"][0]["attendee_id"], 1
        ),
        "rows not a list": {**original, "tables": {**original["tables"], "pitch": {"a": 1}}},
    }


def test_import_refuses_broken_files_with_a_clear_400_and_stores_nothing(app):
    world = full_world(app)
    fac = world.clients["facilitator"]
    original = backup(app, world.slug)
    before = dump(app)
    for what, data in {**BROKEN, **_mutations(original)}.items():
        r = upload(fac, data)
        html = r.get_data(as_text=True)
        assert r.status_code == 400, what
        assert re.search(r'class="error" id="file-error">[^<]*(cannot be imported|not a barcamp backup)', html), what
        assert dump(app) == before, what


def test_import_needs_a_file(client):
    r = client.post("/import", data={})
    assert r.status_code == 400 and "Please choose a backup file." in r.get_data(as_text=True)


def test_delete_event_removes_all_its_data_and_nothing_else(app):
    from barcamp.models import FacilitatorLink

    world = full_world(app)
    fac = world.clients["facilitator"]
    mine, theirs = backup(app, world.slug), backup(app, world.other_slug)
    r = fac.post(f"/e/{world.slug}/facilitate/delete", data={"del-confirm": "WRONG1"})
    assert r.status_code == 400 and "not this event&#39;s join code" in r.get_data(as_text=True)
    assert fac.get(f"/e/{world.slug}").status_code == 200
    r = fac.post(f"/e/{world.slug}/facilitate/delete", data={"del-confirm": world.ids["code"].lower()})
    assert r.status_code == 302 and r.headers["Location"] == "/"
    assert fac.get(f"/e/{world.slug}").status_code == 404 and fac.get(f"/e/{world.slug}/facilitate").status_code == 404
    with app.app_context():
        for name, rows in mine["tables"].items():
            table = db.metadata.tables[name]
            if "id" in table.c:
                gone = {row["id"] for row in rows}
                assert not db.session.scalars(select(table.c.id).where(table.c.id.in_(gone))).all(), name
            else:  # association rows: none may point at a deleted row
                fk = next(iter(table.foreign_keys))
                gone = {row[fk.parent.name] for row in rows}
                assert not db.session.execute(select(table).where(fk.parent.in_(gone))).all(), name
        links = select(FacilitatorLink.id).where(FacilitatorLink.event_id == world.ids["event_id"])
        assert db.session.scalars(links).all() == []
        db.session.remove()
    assert {**backup(app, world.other_slug), "exported_at": 0} == {**theirs, "exported_at": 0}


def test_console_shows_export_delete_and_the_purge_date(app):
    first_day = dt.date.today() + dt.timedelta(days=3)
    world = build(app, first_day=first_day)
    html = world.clients["facilitator"].get(f"/e/{world.slug}/facilitate").get_data(as_text=True)
    purge_on = format_date(first_day + dt.timedelta(days=31), "long", locale="en")  # e.g. "December 29, 2026"
    assert purge_on in html  # the last day + 1 + 30 days
    assert f'href="/e/{world.slug}/facilitate/export.json"' in html
    assert f'action="/e/{world.slug}/facilitate/delete"' in html
    de = world.clients["facilitator"].get(f"/e/{world.slug}/facilitate", headers={"Accept-Language": "de"})
    assert "Daten und Datenschutz" in de.get_data(as_text=True)


# --- retention ----------------------------------------------------------------------


def _counts(app, event_id):
    with app.app_context():
        q = db.session.scalar(select(func.count(Question.id)).where(Question.event_id == event_id))
        qv = db.session.scalar(select(func.count(QuestionVote.id)).join(Question).where(Question.event_id == event_id))
        cards = select(TipCard.id).where(TipCard.event_id == event_id)
        tips = db.session.scalar(select(func.count(Tip.id)).where(Tip.card_id.in_(cards)))
        marks = db.session.scalar(select(func.count(TipMark.id)).join(Tip).where(Tip.card_id.in_(cards)))
        # The board's cards with their contacts, profile links and connections go with the tips.
        board = (
            db.session.scalar(select(func.count(TipCard.id)).where(TipCard.event_id == event_id)),
            db.session.scalar(select(func.count(CardLink.id)).where(CardLink.card_id.in_(cards))),
            db.session.scalar(select(func.count(Connection.id)).where(Connection.to_card_id.in_(cards))),
        )
        kept = (
            db.session.scalar(select(func.count(Pitch.id)).where(Pitch.event_id == event_id)),
            db.session.scalar(select(func.count(Vote.id)).join(Pitch).where(Pitch.event_id == event_id)),
        )
        db.session.remove()
    return (q, qv, tips, marks, *board), kept


def berlin_midnight_after(day: dt.date) -> dt.datetime:
    """The end of ``day`` in Europe/Berlin, as naive UTC (the purge's clock)."""
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=ZoneInfo("Europe/Berlin"))
    return end.astimezone(dt.UTC).replace(tzinfo=None)


def test_purge_deletes_questions_and_tips_only_after_the_retention_period(app):
    from barcamp.privacy.retention import purge_expired

    day = dt.date.today() - dt.timedelta(days=200)
    world = full_world(app, first_day=day)
    event_id = world.ids["event_id"]
    # Europe/Berlin: the event ends at midnight after its day (23:00 or 22:00 UTC); 30 days later it is purged
    end = berlin_midnight_after(day)
    anonymous, kept = _counts(app, event_id)
    assert all(anonymous)
    with app.app_context():
        assert purge_expired(30, now=end + dt.timedelta(days=30, seconds=-1))["questions"] == 0
    assert _counts(app, event_id) == (anonymous, kept)
    with app.app_context():
        counts = purge_expired(30, now=end + dt.timedelta(days=30))
    assert counts == {"events": 1, "questions": 1, "tips": 1, "skipped": 0}
    assert _counts(app, event_id) == ((0, 0, 0, 0, 0, 0, 0), kept)
    assert world.clients["facilitator"].get(f"/e/{world.slug}/tips/moderate").status_code == 200
    assert world.clients["attendee"].get(f"/e/{world.slug}/questions").status_code == 200


def test_purge_uses_the_last_day_of_the_event(app):
    from barcamp.privacy.retention import purge_expired

    day = dt.date.today() - dt.timedelta(days=200)
    world = build(app, first_day=day)
    assert (
        world.clients["facilitator"]
        .post(f"/e/{world.slug}/facilitate/days", data={"day-date": (day + dt.timedelta(days=1)).isoformat()})
        .status_code
        == 302
    )
    with app.app_context():
        noon = dt.datetime.combine(day, dt.time(12))
        assert purge_expired(30, now=noon + dt.timedelta(days=31))["questions"] == 0  # 30 days after day one
        assert purge_expired(30, now=noon + dt.timedelta(days=32))["questions"] == 1


def test_purge_command_deletes_old_anonymous_content(app, database_url, tmp_path):
    world = build(app, first_day=dt.date.today() - dt.timedelta(days=5 * 365))
    env = {**os.environ, "DATABASE_URL": database_url, "BARCAMP_INSTANCE": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "purge"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert "Purged 1 questions and 1 tips of 1 events." in out.stdout
    assert _counts(app, world.ids["event_id"])[0] == (0, 0, 0, 0, 0, 0, 0)


def test_live_server_purges_by_itself(tmp_path):
    from tests.support.world import LiveClient

    admin = os.environ.get("TEST_DATABASE_URL")
    url = pg_create(admin) if admin else f"sqlite:///{tmp_path / 'purge.db'}"
    server = LiveServer(url, tmp_path, {"PURGE_INTERVAL": "0.5", "RETENTION_DAYS": "30"})
    server.migrate()
    server.start()
    try:
        person = LiveClient(server.url)
        long_ago = (dt.date.today() - dt.timedelta(days=400)).isoformat()  # far past the 30 days
        form = {"new-name": "Old Camp", "new-timezone": "Europe/Berlin", "new-first_day": long_ago}
        slug = person.post("/", data=form).headers["Location"].split("/")[2]
        assert person.post(f"/e/{slug}/questions", data={"text": "Is this kept forever?"}).status_code == 302
        assert person.post(f"/e/{slug}/pitch", data={"title": "Kept", "language": "de"}).status_code == 302
        deadline = time.time() + 15
        while time.time() < deadline and "Is this kept forever?" in person.get(f"/e/{slug}/questions").get_data(True):
            time.sleep(0.3)
        assert "Is this kept forever?" not in person.get(f"/e/{slug}/questions").get_data(True)
        assert "Kept" in person.get(f"/e/{slug}").get_data(True)
    finally:
        server.close()
        if admin:
            pg_drop(url, admin)


# --- anonymity ------------------------------------------------------------------------


def test_a_question_stores_nothing_that_points_at_its_author(app):
    world = build(app)
    before = dump(app)
    r = world.clients["attendee"].post(f"/e/{world.slug}/questions", data={"text": "Who is asking this?"})
    assert r.status_code == 302
    after = dump(app)
    assert [t for t in after if after[t] != before[t]] == ["question"]  # no vote, no log, no link to the asker
    question = db.metadata.tables["question"]
    assert not [c for c in question.c if any(fk.column.table.name == "attendee" for fk in c.foreign_keys)]
    assert not {"ip", "user_agent", "attendee_id", "author"} & set(question.c.keys())
    snapshot = world.clients["anonymous"].get(f"/api/v1/events/{world.slug}").get_json()
    assert "Who is asking this?" in json.dumps(snapshot) and "secret" not in json.dumps(snapshot)


@pytest.fixture(scope="module")
def logged_server(tmp_path_factory):
    """A live server with every log on: the access log and the app's own at DEBUG level."""
    with own_server(tmp_path_factory.mktemp("logged"), "logged", {"ACCESS_LOG": "-", "LOG_LEVEL": "debug"}) as server:
        yield server


def test_with_every_log_on_the_logs_name_no_asker(logged_server):
    """The attack that named 6 of 8 askers: one User-Agent per phone, vote lines matched to vote rows,
    the k-th question line to the k-th question. Nothing in the log tells one phone from another."""
    from tests.support.world import LiveClient

    slug, _fac = logged_server.create_event("Log Camp")
    phones = []
    for i in range(8):
        phone = LiveClient(logged_server.url)
        phone.http.headers["User-Agent"] = f"PhoneBrowser/{i}.0 (unique-{i})"
        phones.append(phone)
    author = phones[0]
    author.get(f"/e/{slug}")
    pitch = author.post(
        f"/e/{slug}/pitch", data={"title": "Logs", "language": "en"}, headers={"Accept": "application/json"}
    )
    pitch_id = pitch.r.json()["id"]
    for i, phone in enumerate(phones):
        phone.get(f"/e/{slug}")
        assert phone.post(f"/e/{slug}/pitches/{pitch_id}/vote", data={"on": "1"}).status_code == 302
        assert phone.post(f"/e/{slug}/questions", data={"text": f"Question number {i}?"}).status_code == 302
        phone.get(f"/e/{slug}/questions/mine")
        phone.get(f"/e/{slug}/grid/mine.ics")
    wall = phones[3].get(f"/e/{slug}/questions").get_data(True)
    own = re.search(r"/questions/(\d+)/delete", wall).group(1)
    assert phones[3].post(f"/e/{slug}/questions/{own}/delete").status_code == 302
    assert phones[4].post(f"/e/{slug}/questions/{own}/vote", data={"on": "1"}).status_code in (302, 404)
    for phone in phones:
        phone.http.close()
    deadline = time.monotonic() + 10  # gunicorn writes its access lines after the response
    while True:
        log = Path(logged_server.log.name).read_text()
        access = [line for line in log.splitlines() if '"GET ' in line or '"POST ' in line]
        if sum("mine.ics" in line for line in access) == 8 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    # The access log is on: every phone's vote and calendar request has its line.
    assert sum(f"/pitches/{pitch_id}/vote" in line for line in access) == 8
    assert sum("mine.ics" in line for line in access) == 8
    assert "/questions" not in log  # the wall's requests leave no line at all
    for phone in phones:
        assert phone.http.headers["User-Agent"] not in log
        for cookie in phone.http.cookies:
            assert not cookie.value or cookie.value not in log
    assert "127.0.0.1" not in "\n".join(access) and "unique-" not in log
    assert not [line for line in access if "?" in line.split('"')[1]]  # no query strings (feed keys, sids)
    # Every access line has the same fields apart from time, path, status, size and duration.
    shapes = {re.sub(r'\[[^\]]+\] "(GET|POST) \S+ HTTP/1.1" \d+ \S+ \d+ms', "", line) for line in access}
    assert shapes == {""}, shapes


# --- what a facilitator may take away ------------------------------------------------------


def test_nothing_a_facilitator_downloads_or_sees_names_who_did_what_or_an_unshared_contact(app):
    """Votes, upvotes, reports and marks are counts; no contact leaves in a download, and a page
    shows the facilitator only the contacts anyone on the board may see."""
    world = full_world(app)
    slug, c = world.slug, world.clients
    secret = {"card-display_name": "Nia", "card-contact": "nia-never@example.org", "card-contact_visibility": "never"}
    assert c["other_facilitator"].post(f"/e/{slug}/tips/card", data=secret).status_code == 302
    everyone = {
        "card-display_name": "Pia",
        "card-contact": "pia-public@example.org",
        "card-contact_visibility": "public",
    }
    assert app.test_client().post(f"/e/{slug}/tips/card", data=everyone).status_code == 302
    fac = c["facilitator"]
    with app.app_context():
        people = {
            a.id: a.display_name
            for a in db.session.scalars(select(Attendee).where(Attendee.event_id == world.ids["event_id"]))
        }
        votes = db.session.scalar(select(func.count(Vote.id)))
    downloads = [
        r for r in app.url_map.iter_rules() if "GET" in r.methods and r.rule.endswith((".json", ".csv", ".ics", ".vcf"))
    ]
    seen = 0
    for rule in downloads:
        for url in world.urls(rule):
            r = fac.get(url)
            if r.status_code != 200 or "attachment" not in r.headers.get("Content-Disposition", "attachment"):
                continue
            body = r.get_data(as_text=True)
            seen += 1
            for contact in ("nia-never@example.org", "pia-public@example.org", "bea@example.org", "ada@example.org"):
                assert contact not in body, (url, contact)
            if r.mimetype == "application/json" and "/tips/" not in url:  # the tips board's own exports are a person's
                text = json.dumps(json.loads(body))
                assert '"attendee_id"' not in text and '"voter' not in text and '"reporter' not in text, url
    assert seen >= 4
    summary = facilitator_download(fac, slug)
    assert summary["format"] == "barcamp-summary"
    assert {"attendee", "vote", "question_vote", "question_report", "tip_mark", "connection"} & set(summary) == set()
    assert sum(p["votes"] for p in summary["pitches"]) == votes == 2  # counts, and only counts
    assert summary["questions"][0]["upvotes"] == 1 and summary["questions"][0]["reports"] == 1
    assert not any(name and name in json.dumps(summary["pitches"]) for name in people.values() if name not in ("Ada",))
    # Pages: the console, its partials and the board as the facilitator sees them
    for path in (
        "/facilitate",
        "/tips",
        "/tips/moderate",
        "/tips/moderate/list",
        "/live/questionsmod",
        "/live/pitchqueue",
    ):
        html = fac.get(f"/e/{slug}{path}").get_data(as_text=True)
        assert "nia-never@example.org" not in html and "bea@example.org" not in html, path


def test_the_operator_backs_up_an_event_on_the_command_line_and_imports_it(app, database_url, tmp_path):
    world = full_world(app)
    env = {**os.environ, "DATABASE_URL": database_url, "BARCAMP_INSTANCE": str(tmp_path)}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    out = subprocess.run([*flask, "backup", world.slug], cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["format"] == "barcamp-event" and data["tables"]["vote"] and data["tables"]["tip_card"]
    assert "ada@example.org" in out.stdout  # the whole event: this file is for the operator, not a facilitator
    (tmp_path / "b.json").write_text(out.stdout)
    imported = subprocess.run(
        [*flask, "import", str(tmp_path / "b.json")], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert imported.returncode == 0, imported.stderr
    assert re.search(r"Facilitator: http://\S+/f/\S{20,}", imported.stdout)


def test_a_backup_too_big_to_import_is_refused_with_a_clear_message(app):
    from barcamp.privacy.views import IMPORT_MAX_BYTES

    big = b'{"format": "barcamp-event", "tables": {"pad": "' + b"x" * IMPORT_MAX_BYTES + b'"}}'
    r = upload(app.test_client(), big)
    assert r.status_code == 413 and "too big to import" in r.get_data(as_text=True)
    many = {
        "format": "barcamp-event",
        "version": 1,
        "tables": {"event": [{}], "attendee": [{"id": i} for i in range(100_001)]},
    }
    r = upload(app.test_client(), many)
    assert r.status_code == 400 and "more than 100,000 rows" in r.get_data(as_text=True)


# --- dates far away --------------------------------------------------------------------------


def test_a_far_future_day_is_refused_everywhere_and_an_old_one_never_stops_the_purge(app, database_url, tmp_path):
    from barcamp.models import Day, Event
    from barcamp.privacy.retention import purge_expired

    world = build(
        app, first_day=dt.date.today() - dt.timedelta(days=5 * 365)
    )  # long past retention: its question is due
    fac = world.clients["facilitator"]
    r = fac.post(f"/e/{world.slug}/facilitate/days", data={"day-date": "9999-12-31"})
    assert r.status_code == 400 and "between 2000 and 2099" in r.get_data(as_text=True)
    r = app.test_client().post("/", data={"new-name": "Far", "new-timezone": "UTC", "new-first_day": "9999-12-31"})
    assert r.status_code == 400 and "between 2000 and 2099" in r.get_data(as_text=True)
    data = backup(app, world.slug)
    data["tables"]["day"][0]["date"] = "9999-12-31"
    r = upload(fac, data)
    assert r.status_code == 400 and "day.date is not allowed" in r.get_data(as_text=True)
    # A row stored before dates were checked: the purge skips it and goes on with the others.
    with app.app_context():
        other_id = db.session.scalar(select(Event.id).where(Event.slug == world.other_slug))
        db.session.add(Day(event_id=other_id, date=dt.date(9999, 12, 31)))
        db.session.commit()
        counts = purge_expired(30)
    assert counts["skipped"] == 1 and counts["questions"] >= 1
    other_fac = world.clients["other_facilitator"]
    assert other_fac.get(f"/e/{world.other_slug}/facilitate").status_code == 200
    assert app.test_client().get(f"/e/{world.other_slug}/grid.ics").status_code == 200
    env = {**os.environ, "DATABASE_URL": database_url, "BARCAMP_INSTANCE": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "purge"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
