"""Demo pitches: about 30 realistic session ideas, German and English, with a spread of votes."""

from __future__ import annotations

import random

from barcamp.core.extensions import db
from barcamp.core.models import Attendee, Event
from barcamp.pitches.domain import create_pitch
from barcamp.pitches.models import Vote

PITCHES = [
    ("Barcamp für Einsteiger: Wie funktioniert das hier?", "beginner", "discussion", "de", "barcamp, einstieg"),
    ("Rust für Python-Leute", "beginner", "talk", "de", "rust, python"),
    ("Self-hosting your photos with Immich", "everyone", "workshop", "en", "selfhosting, privacy"),
    ("Mastodon & das Fediverse – wie steige ich ein?", "beginner", "discussion", "de", "fediverse, social"),
    ("Kubernetes in 45 Minuten (ehrlich!)", "deep", "talk", "de", "kubernetes, devops"),
    ("Burnout in tech: let's talk openly", "everyone", "discussion", "en", "health, work"),
    ("Barrierefreie Webseiten: die 10 häufigsten Fehler", "everyone", "talk", "de", "a11y, web"),
    ("Home Assistant: mein smartes Zuhause ohne Cloud", "everyone", "talk", "de", "smarthome, selfhosting"),
    ("Lightning talks: 5 minutes, any topic", "everyone", "other", "en", "lightning"),
    ("Open Data in der Kommune", "everyone", "discussion", "de", "opendata, civictech"),
    ("Writing tests people actually read", "everyone", "workshop", "en", "testing, python"),
    ("Fahrradreparatur für Anfänger*innen", "beginner", "workshop", "de", "fahrrad, diy"),
    ("LLMs lokal betreiben – was geht auf dem Laptop?", "deep", "talk", "de", "ai, selfhosting"),
    ("Remote teams: rituals that work", "everyone", "discussion", "en", "work, remote"),
    ("Sketchnotes: Zeichnen kann jede*r", "beginner", "workshop", "de", "sketchnotes, kreativ"),
    ("PostgreSQL performance: reading EXPLAIN", "deep", "workshop", "en", "postgres, databases"),
    ("Ehrenamt digital organisieren", "everyone", "discussion", "de", "ehrenamt, tools"),
    ("Public speaking for introverts", "beginner", "workshop", "en", "speaking, career"),
    ("Nachhaltige Software: Energieverbrauch messen", "everyone", "talk", "de", "green-it, web"),
    ("Pen & paper RPG for first-timers", "beginner", "other", "en", "games"),
    ("Datenschutz im Verein – DSGVO ohne Panik", "everyone", "discussion", "de", "datenschutz, ehrenamt"),
    ("Git beyond commit and push", "everyone", "workshop", "en", "git, tools"),
    ("Podcasting mit kleinem Budget", "beginner", "talk", "de", "podcast, audio"),
    ("Mechanical keyboards: build your own", "everyone", "workshop", "en", "hardware, diy"),
    ("Wie wir unser Barcamp nächstes Jahr noch besser machen", "everyone", "discussion", "de", "barcamp"),
    ("Threat modelling for small teams", "deep", "workshop", "en", "security"),
    ("Kinder & Medienkompetenz", "everyone", "discussion", "de", "bildung, familie"),
    ("From idea to side project in a weekend", "everyone", "talk", "en", "maker, career"),
    ("Open-Source-Maintainer erzählen: was uns hilft", "everyone", "discussion", "de", "opensource"),
    ("Mindful morning: 20 minutes of yoga", "beginner", "other", "en", "health"),
]


def load(event: Event, people: list[Attendee]) -> None:
    """Add the pitches (hosted by the named demo attendees) and a spread of votes."""
    rng = random.Random(26)  # noqa: S311 -- repeatable demo data, not security
    named = [p for p in people if p.display_name]
    for i, (title, level, fmt, lang, tags) in enumerate(PITCHES):
        host = named[i % len(named)] if i % 7 else None  # some pitched by the facilitator for someone shy
        pitch = create_pitch(
            event,
            host,
            title=title,
            host_name=host.display_name if host else "",
            level=level,
            format=fmt,
            language=lang,
            tags=[t.strip() for t in tags.split(",")],
        )
        popularity = rng.random() ** 2
        for person in people:
            if rng.random() < popularity * 0.6:
                db.session.add(Vote(pitch_id=pitch.id, attendee_id=person.id))
    db.session.flush()
