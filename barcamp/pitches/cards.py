"""Pitch cards rendered once and filled in per person: the attendee page's join made cheap.

Rendering every card through Jinja was ~80% of a phone's join (~26 ms of CPU at 50 pitches). A card
is the same for everyone but for four bits: the CSRF field, whether this person voted for it (the
form's next value and the button's pressed state), whether it is their own (the edit link) and the
count. So the card is rendered once with marks in those places and kept, keyed by everything else it
shows: the pitch's content and tags, its place on the programme, the language, whether voting is
open and whether counts are shown. Any edit, move, moderation or setting change makes a new key
(nothing to invalidate, so nothing to miss, in every process); a person's bits are plain string
replacements, on the server, so the page without JavaScript shows the pressed state too.

The marks hold a random part made at start, so no pitch text can contain one (and they never leave
the process: every mark is replaced before the card is sent).
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Collection

from flask import current_app, render_template
from flask_babel import get_locale
from markupsafe import Markup

from barcamp.core.models import Event
from barcamp.core.partials import csrf_input
from barcamp.pitches.domain import Card
from barcamp.pitches.models import Pitch

_SALT = secrets.token_hex(8)
CSRF, ON, PRESSED, EDIT, COUNT = (f"pc{_SALT}{part}" for part in ("csrf", "on", "pressed", "edit", "count"))
MAX_CARDS = 5000
_cards: OrderedDict[tuple, str] = OrderedDict()
stats = {"hits": 0, "renders": 0}


class _CountMark(dict):
    """Stands for the counts while a card is rendered for keeping: every pitch's count is the mark."""

    def get(self, key, default=None):
        return Markup(COUNT)  # noqa: S704 -- a fixed mark, replaced before sending


def _key(event: Event, pitch: Pitch | Card, when: tuple[str, str], counts_shown: bool) -> tuple:
    return (
        id(current_app._get_current_object()),
        str(get_locale()),
        event.id,
        event.slug,
        event.voting_open,
        counts_shown,
        when,
        pitch.id,
        pitch.title,
        pitch.host_name,
        pitch.level,
        pitch.format,
        pitch.language,
        pitch.description,
        tuple(tag.name for tag in pitch.tags),
    )


def _kept(event: Event, pitch: Pitch | Card, when: tuple[str, str], counts_shown: bool) -> str:
    key = _key(event, pitch, when, counts_shown)
    html = _cards.get(key)
    if html is not None:
        stats["hits"] += 1
        _cards.move_to_end(key)
        return html
    stats["renders"] += 1
    html = render_template(
        "pitches/_pitch.html",
        event=event,
        pitch=pitch,
        schedule={pitch.id: when},
        counts=_CountMark() if counts_shown else None,
        person={"on": ON, "pressed": PRESSED, "edit": EDIT},
        csrf_input=lambda: Markup(CSRF),  # noqa: S704 -- a fixed mark, replaced before sending
    )
    _cards[key] = html
    if len(_cards) > MAX_CARDS:
        _cards.popitem(last=False)
    return html


def pitch_card(
    event: Event,
    pitch: Pitch | Card,
    schedule: dict,
    counts: dict | None,
    voted: Collection[int] = (),
    mine: Collection[int] = (),
    csrf: str | None = None,
) -> Markup:
    """One pitch's card for this viewer: the kept render with their vote, their pitch and the count
    (``csrf``: the page's CSRF field, when the list has it already for all its cards)."""
    html = _kept(event, pitch, schedule.get(pitch.id, ("", "")), counts is not None)
    voted_it = pitch.id in voted
    html = (
        html.replace(CSRF, str(csrf_input()) if csrf is None else csrf)
        .replace(ON, "0" if voted_it else "1")
        .replace(PRESSED, "true" if voted_it else "false")
        .replace(EDIT, "" if pitch.id in mine else " hidden")
    )
    if counts is not None:
        html = html.replace(COUNT, str(int(counts.get(pitch.id, 0))))
    return Markup(html)  # noqa: S704 -- an autoescaped template's output, with fixed strings put in
