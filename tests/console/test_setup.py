"""Set-up in few submits, as the server sees it: a day template, copying a day, pasted rooms."""

import datetime as dt

import pytest

from barcamp.console.bulk import DayTemplate, parse_rooms, template_slots
from barcamp.core.errors import DomainError
from barcamp.core.extensions import db
from barcamp.core.models import Day, Event, Room
from tests.support.env import SOON

JSON = {"Accept": "application/json"}
SOON_DATE = dt.date.fromisoformat(SOON)
T = dt.time


def test_template_makes_sessions_with_breaks_and_one_lunch():
    slots = template_slots(DayTemplate(T(9), T(17), 45, 15, T(12), 60))
    assert [(s.strftime("%H:%M"), k) for s, _e, k in slots] == [
        ("09:00", "session"),
        ("10:00", "session"),
        ("11:00", "session"),
        ("12:00", "break"),
        ("13:00", "session"),
        ("14:00", "session"),
        ("15:00", "session"),
        ("16:00", "session"),
    ]
    assert slots[3][1] == T(13)  # lunch lasts its 60 minutes
    assert slots[-1][1] == T(16, 45)  # nothing runs past the end


def test_template_refuses_a_session_without_length():
    with pytest.raises(DomainError):
        template_slots(DayTemplate(T(9), T(12), 0))


def test_pasted_rooms_read_commas_and_tabs_and_name_a_bad_line():
    assert parse_rooms("Aula, 120, Ground floor, left\n\nLab\t20\tBasement\nCafé, 40") == [
        ("Aula", 120, "Ground floor, left"),
        ("Lab", 20, "Basement"),
        ("Café", 40, ""),
    ]
    with pytest.raises(DomainError, match="Line 2"):
        parse_rooms("Aula, 120\nKitchen, many")


def test_template_then_copy_builds_two_days_and_keeps_existing_times(app, facilitator):
    c, slug = facilitator
    day = (dt.date.fromisoformat(SOON)).isoformat()
    form = {"tpl-date": day, "tpl-starts_at": "09:00", "tpl-ends_at": "13:00", "tpl-session": "45", "tpl-pause": "15"}
    made = c.post(f"/e/{slug}/facilitate/days/template", data=form, headers=JSON)
    assert made.json.get("message") == ("4 time slots added.")
    # the same template again adds nothing: the day's own slots stay as they are
    again = c.post(f"/e/{slug}/facilitate/days/template", data=form, headers=JSON)
    assert again.status_code == 409
    with app.app_context():
        first = db.session.scalar(db.select(Day).join(Event).where(Event.slug == slug, Day.date == SOON_DATE))
        first_id = first.id
    later = (dt.date.fromisoformat(SOON) + dt.timedelta(days=1)).isoformat()
    copied = c.post(f"/e/{slug}/facilitate/days/{first_id}/copy", data={f"copy{first_id}-date": later}, headers=JSON)
    assert copied.json["message"] == "4 time slots added."
    same = c.post(f"/e/{slug}/facilitate/days/{first_id}/copy", data={f"copy{first_id}-date": day}, headers=JSON)
    assert same.status_code == 400
    with app.app_context():
        days = db.session.scalars(db.select(Day).join(Event).where(Event.slug == slug, Day.date >= SOON_DATE)).all()
        days = sorted(days, key=lambda d: d.date)
        assert [(d.date, len(d.slots)) for d in days] == [(SOON_DATE, 4), (SOON_DATE + dt.timedelta(days=1), 4)]
        assert [s.starts_at for s in days[1].slots] == [s.starts_at for s in days[0].slots]


def test_pasting_a_known_room_updates_it_instead_of_adding_one(app, facilitator):
    c, slug = facilitator
    assert (
        c.post(
            f"/e/{slug}/facilitate/rooms/paste", data={"paste-lines": "Aula, 120\nLab, 20"}, headers=JSON
        ).status_code
        == 200
    )
    assert (
        c.post(f"/e/{slug}/facilitate/rooms/paste", data={"paste-lines": "aula, 150, EG"}, headers=JSON).status_code
        == 200
    )
    bad = c.post(f"/e/{slug}/facilitate/rooms/paste", data={"paste-lines": "Lab"}, headers=JSON)
    assert bad.status_code == 400 and "Line 1" in bad.json["error"]
    with app.app_context():
        rooms = db.session.scalars(db.select(Room).join(Event).where(Event.slug == slug).order_by(Room.id)).all()
        assert [(r.name, r.capacity, r.location) for r in rooms] == [("Aula", 150, "EG"), ("Lab", 20, "")]
