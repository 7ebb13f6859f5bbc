"""A whole event as one file: the operator's backup (``flask --app wsgi backup``).

Backup is generic over the tables in ``barcamp.models``: every table is tied to the event
through ``event_id`` or a foreign key to a table that is, so a column or table added later
travels along without changes here. References that are not foreign keys are listed in
``SOFT_REFS``.

A backup holds who voted and who upvoted or reported what, and every contact: it is made by
whoever runs the server, never downloaded by a facilitator (they get ``summary``).
"""

from __future__ import annotations

import base64
import datetime as dt

from sqlalchemy import select

from barcamp.core.extensions import db
from barcamp.core.models import Event, utcnow

FORMAT, VERSION = "barcamp-event", 1


# Never exported: a facilitator link's hash would let the old link run the new copy.
SKIP_TABLES = {"facilitator_link"}
# Integer references without a foreign key: (table, column) -> referenced table (or a function of the row).
SOFT_REFS = {
    ("event", "spotlight_pitch_id"): lambda row: "pitch",
    ("board_report", "target_id"): lambda row: {"tip": "tip", "card": "tip_card"}.get(row.get("target")),
}
# Columns unique on the whole server, and how to make a fresh value when the imported one is taken.


def plan() -> list[tuple]:
    """Every table with how it belongs to an event: (table, column, parent table name), in insert order."""
    steps, owned = [], {"event"}
    for table in db.metadata.sorted_tables:
        if table.name == "event" or table.name in SKIP_TABLES:
            continue
        if "event_id" in table.c:
            steps.append((table, table.c.event_id, "event"))
        else:
            fk = next((fk for fk in table.foreign_keys if fk.column.table.name in owned), None)
            if fk is None:
                raise RuntimeError(f"table {table.name} is not tied to an event; teach privacy/backup.py about it")
            steps.append((table, fk.parent, fk.column.table.name))
        owned.add(table.name)
    return steps


# --- backup -----------------------------------------------------------------------


def _dump(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):  # a logo (branding): base64 text in the JSON file
        return base64.b64encode(value).decode("ascii")
    return value


def _row(row) -> dict:
    return {key: _dump(value) for key, value in row._mapping.items()}


def backup(event: Event) -> dict:
    """Everything stored about an event, as JSON-able data (no facilitator links)."""
    ids = {"event": select(Event.id).where(Event.id == event.id).scalar_subquery()}
    tables = {"event": [_row(db.session.execute(select(Event.__table__).where(Event.id == event.id)).one())]}
    gone: dict[str, set[int]] = {}  # rows deleted and waiting out the undo grace (core.undo): not backed up
    for table, column, parent in plan():
        where = column == ids[parent] if parent == "event" else column.in_(ids[parent])
        if "deleted_at" in table.c:
            gone[table.name] = set(db.session.scalars(select(table.c.id).where(table.c.deleted_at.is_not(None))))
            where = where & table.c.deleted_at.is_(None)
        for fk in table.foreign_keys:  # nor what hangs off them (votes, marks, tags, offers...)
            if gone.get(fk.column.table.name):
                where = where & (fk.parent.is_(None) | fk.parent.not_in(gone[fk.column.table.name]))
        order = list(table.primary_key.columns)
        tables[table.name] = [_row(r) for r in db.session.execute(select(table).where(where).order_by(*order))]
        if "id" in table.c:
            ids[table.name] = select(table.c.id).where(where)
    for (name, column), target in SOFT_REFS.items():  # reports of a deleted tip or card
        tables[name] = [r for r in tables[name] if r[column] not in gone.get(target(r), ())]
    return {"format": FORMAT, "version": VERSION, "exported_at": utcnow().isoformat(), "tables": tables}
