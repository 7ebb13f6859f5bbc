"""The command line and the migrations, run as a newcomer would run them."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def flask(*args, db_url: str, tmp: Path, **env_vars) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": db_url, "BARCAMP_INSTANCE": str(tmp), **env_vars}
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_migrations_match_models(database_url, tmp_path):
    url = database_url if database_url.startswith("postgresql") else f"sqlite:///{tmp_path / 'm.db'}"
    if url.startswith("postgresql"):
        from tests.support.env import pg_create, pg_drop

        url = pg_create(os.environ["TEST_DATABASE_URL"])
    try:
        up = flask("db", "upgrade", db_url=url, tmp=tmp_path)
        assert up.returncode == 0, up.stderr
        check = flask("db", "check", db_url=url, tmp=tmp_path)
        assert check.returncode == 0, check.stdout + check.stderr
        assert "No new upgrade operations detected" in check.stdout + check.stderr
    finally:
        if url.startswith("postgresql"):
            pg_drop(url, os.environ["TEST_DATABASE_URL"])


def test_event_create_prints_attendee_and_facilitator_urls(tmp_path):
    out = flask("event", "create", "CLI Camp", db_url=f"sqlite:///{tmp_path / 'c.db'}", tmp=tmp_path)
    assert out.returncode == 0, out.stderr
    assert re.search(r"Attendees:\s+http://\S+/e/cli-camp\n", out.stdout)
    assert re.search(r"Facilitator:\s+http://\S+/e/cli-camp/f/\S{20,}", out.stdout)


def test_printed_links_follow_bind_and_include_the_projector(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'p.db'}"
    out = flask("event", "create", "Port Camp", db_url=db_url, tmp=tmp_path, BIND="0.0.0.0:8123")
    assert out.returncode == 0, out.stderr
    assert "Attendees:   http://127.0.0.1:8123/e/port-camp\n" in out.stdout
    assert "Projector:   http://127.0.0.1:8123/e/port-camp/projector\n" in out.stdout
    assert re.search(r"Facilitator: http://127\.0\.0\.1:8123/e/port-camp/f/\S{20,}", out.stdout)
    demo = flask("demo", db_url=db_url, tmp=tmp_path, BIND="127.0.0.1:9001")
    assert "Projector:   http://127.0.0.1:9001/e/demo/projector\n" in demo.stdout
    public = flask("demo", db_url=db_url, tmp=tmp_path, PUBLIC_URL="https://camp.example.org/")
    assert "Attendees:   https://camp.example.org/e/demo\n" in public.stdout


def test_event_create_refuses_an_unknown_time_zone(tmp_path):
    out = flask(
        "event",
        "create",
        "TZ Camp",
        "--timezone",
        "Mars/Olympus",
        db_url=f"sqlite:///{tmp_path / 'c.db'}",
        tmp=tmp_path,
    )
    assert out.returncode == 2 and "unknown time zone" in out.stderr


def test_demo_loads_two_days_five_rooms_six_slots(tmp_path):
    url = f"sqlite:///{tmp_path / 'd.db'}"
    out = flask("demo", db_url=url, tmp=tmp_path)
    assert out.returncode == 0, out.stderr
    again = flask("demo", db_url=url, tmp=tmp_path)  # reloading replaces it
    assert again.returncode == 0, again.stderr
    from barcamp import create_app
    from barcamp.core.api import snapshot
    from barcamp.core.identity import event_or_404

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SERVER_NAME": "x"})
    with app.app_context():
        data = snapshot(event_or_404("demo"))
    assert len(data["days"]) == 2 and len(data["rooms"]) == 5
    assert len({r["capacity"] for r in data["rooms"]}) == 5
    for day in data["days"]:
        assert len(day["slots"]) == 6
        assert [s["kind"] for s in day["slots"]].count("break") == 1
