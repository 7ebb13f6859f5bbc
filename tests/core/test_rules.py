"""One rule per stored value: whatever a form refuses, an import file can't bring in either, and
the other way round (property-based, with Hypothesis, against the real forms and the real import check)."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from barcamp.privacy.restore import ImportProblem, checked
from tests.support.world import build

# NUL is refused for every request before any form sees it (security.py): not part of a field's rule.
TEXT = st.characters(blacklist_characters="\x00")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def base(database_url):
    """A real backup of a built event, and an app to run forms in."""
    from barcamp.core.identity import event_or_404
    from barcamp.privacy.backup import backup
    from tests.support.env import fresh_app

    with fresh_app(database_url) as app:
        world = build(app)
        with app.test_request_context():
            data = json.loads(json.dumps(backup(event_or_404(world.slug))))
        yield app, data


def import_accepts(base, table: str, column: str, value) -> bool:
    _app, data = base
    data = copy.deepcopy(data)
    data["tables"][table][0][column] = value
    try:
        checked(data)
    except ImportProblem:
        return False
    return True


def form_accepts(base, form_class, fields: dict, field: str, **kw) -> bool:
    app, _data = base
    with app.test_request_context(method="POST"):
        form = form_class(formdata=MultiDict(fields), meta={"csrf": False}, **kw)
        form.validate()
        return not form[field].errors


def numbers():
    return st.one_of(st.integers(-10, 120), st.integers(99_990, 100_010), st.integers(-(2**31), 2**31 - 1))


@SETTINGS
@given(capacity=numbers())
@example(capacity=-5)
@example(capacity=0)
def test_room_capacity_is_one_rule(base, capacity):
    from barcamp.console.forms import RoomForm

    on_form = form_accepts(base, RoomForm, {"name": "Aula", "capacity": str(capacity)}, "capacity")
    assert on_form == import_accepts(base, "room", "capacity", capacity)


@SETTINGS
@given(budget=st.one_of(st.none(), numbers()))
@example(budget=-3)
def test_vote_budget_is_one_rule(base, budget):
    from barcamp.pitches.votes import VotingForm

    fields = {"voting_open": "y", "vote_budget": "" if budget is None else str(budget)}
    assert form_accepts(base, VotingForm, fields, "vote_budget") == import_accepts(base, "event", "vote_budget", budget)


@SETTINGS
@given(threshold=numbers())
@example(threshold=0)
def test_report_threshold_is_one_rule(base, threshold):
    from barcamp.questions.forms import QuestionSettingsForm

    on_form = form_accepts(base, QuestionSettingsForm, {"report_threshold": str(threshold)}, "report_threshold")
    assert on_form == import_accepts(base, "event", "report_threshold", threshold)


ZONES = ["Europe/Berlin", "UTC", "America/New_York", "Mars/Olympus", "Europe", "europe/berlin", "../etc/passwd", ""]


@SETTINGS
@given(zone=st.one_of(st.sampled_from(ZONES), st.text(TEXT, max_size=60)))
def test_time_zone_is_one_rule(base, zone):
    from barcamp.console.forms import EventForm

    on_form = form_accepts(base, EventForm, {"name": "Camp", "timezone": zone}, "timezone")
    assert on_form == import_accepts(base, "event", "timezone", zone)


@SETTINGS
@given(day=st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
@example(day=dt.date(9999, 12, 31))
@example(day=dt.date(2099, 12, 31))
@example(day=dt.date(2000, 1, 1))
def test_day_date_is_one_rule(base, day):
    from barcamp.console.forms import DayForm

    on_form = form_accepts(base, DayForm, {"date": day.isoformat()}, "date")
    assert on_form == import_accepts(base, "day", "date", day.isoformat())


LINKS = ["https://example.org", "http://a.b/c", "javascript:alert(1)", " JaVaScRiPt:x", "data:text/html,x", "ftp://x"]
LINKS += ["//evil.example", "mailto:ada@example.org", "ada@example.org", "@ada@social.example", "", "https://"]


@SETTINGS
@given(contact=st.one_of(st.sampled_from(LINKS), st.text(TEXT, max_size=200)))
def test_card_contact_is_one_rule(base, contact):
    from barcamp.tips.forms import CardForm

    fields = {"display_name": "Ada", "contact": contact, "contact_visibility": "request"}
    on_form = form_accepts(base, CardForm, fields, "contact")
    contact = contact.strip()  # the form trims what it stores
    assert on_form == import_accepts(base, "tip_card", "contact", contact)


@SETTINGS
@given(link=st.one_of(st.sampled_from(LINKS), st.text(TEXT, max_size=500)))
def test_tip_link_is_one_rule(base, link):
    from barcamp.tips.forms import TipForm

    on_form = form_accepts(base, TipForm, {"text": "A good tip", "link": link}, "link")
    assert on_form == import_accepts(base, "tip", "link", link.strip())


@SETTINGS
@given(start=st.times(), end=st.times())
def test_a_slot_ends_after_it_starts_by_one_rule(base, start, end):
    from barcamp.console.forms import SlotForm

    start, end = start.replace(second=0, microsecond=0), end.replace(second=0, microsecond=0)
    fields = {"day": "1", "starts_at": start.strftime("%H:%M"), "ends_at": end.strftime("%H:%M"), "kind": "session"}
    app, data = base
    with app.test_request_context(method="POST"):
        form = SlotForm(formdata=MultiDict(fields), meta={"csrf": False})
        form.day.choices = [(1, "Day")]
        form.validate()
        on_form = not form.ends_at.errors
    changed = copy.deepcopy(data)
    slot = changed["tables"]["slot"][0]
    changed["tables"]["slot"] = [slot]  # alone on its day: only its own start and end matter
    slot["starts_at"], slot["ends_at"] = start.isoformat(), end.isoformat()
    changed["tables"]["placement"] = []
    try:
        checked(changed)
        in_import = True
    except ImportProblem:
        in_import = False
    assert on_form == in_import


def test_overlapping_slots_are_refused_by_import_as_by_the_form(base):
    _app, data = base
    changed = copy.deepcopy(data)
    first, second = changed["tables"]["slot"][:2]
    second["starts_at"], second["ends_at"] = first["starts_at"], first["ends_at"]
    with pytest.raises(ImportProblem, match="overlap"):
        checked(changed)
