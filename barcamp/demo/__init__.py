"""The demo event: ``flask --app wsgi demo``.

The base (days, slots, rooms, attendees) lives here; each feature adds its
demo data in a module of this package, listed in ``FEATURES``.
"""

from __future__ import annotations

import datetime as dt
import importlib

from sqlalchemy import select

from barcamp.core.database import transaction
from barcamp.core.extensions import db
from barcamp.core.identity import hash_key
from barcamp.core.models import Attendee, Day, Event, FacilitatorLink, Room, Slot

SLUG = "demo"
DEMO_KEY = "demo-facilitator"  # a demo only: real events get a random key
FEATURES = ["pitches", "grid", "questions", "tips"]

ROOMS = [
    ("Großer Saal", 120, "Ground floor, straight ahead"),
    ("Werkstatt", 40, "1st floor, left"),
    ("Bibliothek", 25, "1st floor, right"),
    ("Dachterrasse", 30, "Top floor, follow the signs"),
    ("Küche", 12, "Ground floor, behind the bar"),
]
SLOTS = [
    ("09:00", "10:00", "plenary", "Welcome & session planning"),
    ("10:15", "11:00", "session", ""),
    ("11:15", "12:00", "session", ""),
    ("12:00", "13:00", "break", "Lunch"),
    ("13:00", "13:45", "session", ""),
    ("14:00", "14:45", "session", ""),
]
NAMES = [
    "Anna",
    "Ben",
    "Chiara",
    "Deniz",
    "Emma",
    "Felix",
    "Gül",
    "Hannes",
    "Ines",
    "Jonas",
    "Katrin",
    "Lukas",
    "Mara",
    "Nils",
    "Olga",
    "Paul",
    "Rieke",
    "Sami",
    "Tom",
    "Yasmin",
]


def _time(s: str) -> dt.time:
    return dt.time.fromisoformat(s)


@transaction
def _base() -> tuple[Event, list[Attendee]]:
    old = db.session.scalar(select(Event).where(Event.slug == SLUG))
    if old is not None:
        db.session.delete(old)
        db.session.flush()
    event = Event(
        slug=SLUG, name="Barcamp Rhein-Main 2026", hashtag="bcrm26", timezone="Europe/Berlin", join_code="DEMO26"
    )
    start = dt.date.today()
    for offset in (0, 1):  # unlabelled: pages name them by their date, in the reader's language
        day = Day(date=start + dt.timedelta(days=offset))
        day.slots = [Slot(starts_at=_time(a), ends_at=_time(b), kind=k, label=lbl) for a, b, k, lbl in SLOTS]
        event.days.append(day)
    event.rooms = [Room(name=n, capacity=c, location=loc) for n, c, loc in ROOMS]
    db.session.add(event)
    db.session.flush()
    db.session.add(FacilitatorLink(event_id=event.id, key_hash=hash_key(DEMO_KEY), label="demo"))
    people = [Attendee(event_id=event.id, display_name=n, first_timer=i % 4 == 0) for i, n in enumerate(NAMES)]
    people += [Attendee(event_id=event.id) for _ in range(60)]  # quiet attendees without a name
    db.session.add_all(people)
    db.session.flush()
    return event, people


def load_demo() -> tuple[Event, str]:
    """(Re)create the demo event with every feature's demo data; return it and its key."""
    event, people = _base()
    for name in FEATURES:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            continue  # that feature has no demo data yet
        transaction(module.load)(event, people)
    return event, DEMO_KEY
