"""Tags: the one parser and the one lookup, for pitches, tips and tip cards alike."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from barcamp.core.extensions import db
from barcamp.core.models import Tag

MAX_LENGTH = 30  # Tag.name's column


def parse_tags(raw: str | None) -> list[str]:
    """ "a, b; #c" (or one per line) -> distinct clean names: trimmed, lower-case, without '#',
    inner spaces collapsed, in the order given. (Forms refuse names over ``MAX_LENGTH``.)"""
    names: list[str] = []
    for part in re.split(r"[,;\n]", raw or ""):
        name = " ".join(part.strip().lstrip("#").split()).lower()
        if name and name not in names:
            names.append(name)
    return names


def get_tags(event_id: int, names: list[str]) -> list[Tag]:
    """The event's tags with these names, created where missing. Two requests creating the same
    tag at once both get the one row: the loser's insert rolls back to a savepoint and reads it."""
    if not names:
        return []
    found = {t.name: t for t in db.session.scalars(select(Tag).where(Tag.event_id == event_id, Tag.name.in_(names)))}
    tags = []
    for name in names:
        tag = found.get(name)
        if tag is None:
            try:
                with db.session.begin_nested():
                    tag = Tag(event_id=event_id, name=name)
                    db.session.add(tag)
            except IntegrityError:
                tag = db.session.scalar(select(Tag).where(Tag.event_id == event_id, Tag.name == name))
        tags.append(tag)
    return tags
