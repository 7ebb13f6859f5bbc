"""An event's data as a whole: export it, import it elsewhere, delete it, purge old questions and tips.

Export and import are generic over the tables in ``models``: every table is
tied to the event through ``event_id`` or a foreign key to a table that is, so
a column or table added later travels along without changes here. Ids are not
kept: import gives every row a new id and rewrites the references, so an
imported event can never point at another event's rows. References that are
not foreign keys are listed in ``SOFT_REFS``.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from urllib.parse import urlsplit

from sqlalchemy import Boolean, Date, DateTime, Integer, String, Time, delete, func, insert, select, update

from . import zones
from .database import transaction
from .extensions import db
from .identity import hash_key
from .models import BoardReport, Day, Event, Pitch, Question, Tip, TipCard, utcnow

FORMAT, VERSION = "barcamp-event", 1
# Never exported: a facilitator link's hash would let the old link run the new copy.
SKIP_TABLES = {"facilitator_link"}
# Integer references without a foreign key: (table, column) -> referenced table (or a function of the row).
SOFT_REFS = {
    ("event", "spotlight_pitch_id"): lambda row: "pitch",
    ("board_report", "target_id"): lambda row: {"tip": "tip", "card": "tip_card"}.get(row.get("target")),
}
# Columns unique on the whole server, and how to make a fresh value when the imported one is taken.
UNIQUE_PER_SERVER = {
    "pitch": (Pitch.client_id, lambda: uuid.uuid4().hex),
    "question": (Question.secret_hash, lambda: hash_key(secrets.token_urlsafe(16))),  # nobody holds the copy's
}
# Columns with a closed set of values; anything else would break a page that renders them.
CHOICES = {
    ("event", "projector_mode"): {"welcome", "pitches", "grid", "nownext", "wall"},
    ("slot", "kind"): {"session", "break", "plenary"},
    ("pitch", "level"): {"beginner", "everyone", "deep"},
    ("pitch", "format"): {"talk", "discussion", "workshop", "other"},
    ("pitch", "language"): {"de", "en"},
    ("pitch", "status"): {"active", "withdrawn", "hidden", "merged"},
    ("question", "status"): {"pending", "visible", "hidden"},
    ("tip_card", "contact_visibility"): {"public", "request", "never"},
    ("card_tag", "kind"): {"help", "seek"},
    ("tip_mark", "kind"): {"helpful", "saved"},
    ("connection", "status"): {"pending", "accepted", "ignored"},
    ("board_report", "target"): {"tip", "card"},
}
INT_MAX = 2**31 - 1


class ImportProblem(ValueError):
    """The uploaded file is not an export we can import; the message says why."""


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
                raise RuntimeError(f"table {table.name} is not tied to an event; teach privacy_data about it")
            steps.append((table, fk.parent, fk.column.table.name))
        owned.add(table.name)
    return steps


def _dump(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return value


def export_event(event: Event) -> dict:
    """Everything stored about an event, as JSON-able data (no facilitator links)."""
    ids = {"event": select(Event.id).where(Event.id == event.id).scalar_subquery()}
    tables = {"event": [_row(db.session.execute(select(Event.__table__).where(Event.id == event.id)).one())]}
    for table, column, parent in plan():
        parent_ids = ids[parent]
        where = column == parent_ids if parent == "event" else column.in_(parent_ids)
        order = [c for c in table.primary_key.columns]
        tables[table.name] = [_row(r) for r in db.session.execute(select(table).where(where).order_by(*order))]
        if "id" in table.c:
            ids[table.name] = select(table.c.id).where(where)
    return {"format": FORMAT, "version": VERSION, "exported_at": utcnow().isoformat(), "tables": tables}


def _row(row) -> dict:
    return {key: _dump(value) for key, value in row._mapping.items()}


# --- import -------------------------------------------------------------------


def _coerce(table, column, raw):
    """The Python value for one cell of an imported row, or ImportProblem."""
    where = f"{table.name}.{column.name}"
    if raw is None:
        if column.nullable:
            return None
        raise ImportProblem(f"{where} may not be empty")
    kind = column.type
    if isinstance(kind, String):  # also Text
        if not isinstance(raw, str):
            raise ImportProblem(f"{where} must be text")
        if (kind.length and len(raw) > kind.length) or "\x00" in raw:
            raise ImportProblem(f"{where} is too long or contains invalid characters")
        return raw
    try:
        if isinstance(kind, Boolean):
            if not isinstance(raw, bool):
                raise TypeError
            return raw
        if isinstance(kind, Integer):
            if isinstance(raw, bool) or not isinstance(raw, int) or abs(raw) > INT_MAX:
                raise TypeError
            return raw
        if isinstance(kind, DateTime | Date | Time):
            if not isinstance(raw, str) or len(raw) > 40:
                raise TypeError
            parse = {DateTime: dt.datetime, Date: dt.date, Time: dt.time}[type(kind)]
            value = parse.fromisoformat(raw)
            return value.replace(tzinfo=None) if isinstance(value, dt.datetime | dt.time) else value
    except (TypeError, ValueError, OverflowError, KeyError) as exc:
        raise ImportProblem(f"{where} has an invalid value") from exc
    raise ImportProblem(f"{where}: unsupported column type")  # a new column type: teach _coerce


def _check(table, values: dict) -> None:
    for (tname, cname), allowed in CHOICES.items():
        if tname == table.name and cname in values and values[cname] not in allowed:
            raise ImportProblem(f"{tname}.{cname} has an unknown value")
    if table.name == "tip" and values.get("link"):
        parts = urlsplit(values["link"])
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ImportProblem("tip.link must be an http:// or https:// link")
    if table.name == "event" and "timezone" in values:
        if not zones.is_known(values["timezone"]):
            raise ImportProblem("event.timezone is not a known time zone")


def _rows(data: dict, name: str) -> list[dict]:
    rows = data.get(name, [])
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ImportProblem(f"{name} must be a list of rows")
    return rows


def _values(table, row: dict, idmap: dict, deferred: list) -> dict:
    """Coerce one row and rewrite its references to the new ids."""
    values = {}
    for column in table.c:
        if column.name == "id" or column.name not in row:
            if column.name != "id" and not column.nullable and column.default is None:
                raise ImportProblem(f"{table.name}.{column.name} is missing")
            continue
        value = _coerce(table, column, row[column.name])
        fk = next(iter(column.foreign_keys), None)
        if fk is not None and value is not None:
            target = fk.column.table.name
            if target == table.name:  # self-reference: set once all rows of the table exist
                deferred.append((table, column, row, value))
                value = None
            elif value not in idmap.get(target, {}):
                raise ImportProblem(f"{table.name}.{column.name} points at a row that is not in the file")
            else:
                value = idmap[target][value]
        values[column.name] = value
    _check(table, values)
    return values


def _insert(table, rows: list[dict], values: list[dict], idmap: dict) -> None:
    has_id = "id" in table.c
    if has_id:
        old = [r.get("id") for r in rows]
        if any(isinstance(i, bool) or not isinstance(i, int) for i in old) or len(set(old)) != len(old):
            raise ImportProblem(f"every {table.name} row needs its own numeric id")
    # Rows may leave out columns that have defaults: insert each shape of row together.
    shapes: dict[tuple, list[int]] = {}
    for i, v in enumerate(values):
        shapes.setdefault(tuple(sorted(v)), []).append(i)
    new_ids = idmap.setdefault(table.name, {}) if has_id else {}
    for positions in shapes.values():
        batch = [values[i] for i in positions]
        if has_id:
            stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            for i, new_id in zip(positions, db.session.scalars(stmt, batch).all(), strict=True):
                new_ids[old[i]] = new_id
        else:
            db.session.execute(insert(table), batch)


def _unique_slug(slug: str) -> str:
    from .events import slugify

    base = slugify(slug or "barcamp")
    slug = base
    while db.session.scalar(select(Event.id).where(Event.slug == slug)):
        slug = f"{base}-{secrets.token_hex(2)}"
    return slug


def _unique_code(code: str) -> str:
    from .events import CODE_ALPHABET

    while (
        not code or set(code) - set(CODE_ALPHABET) or db.session.scalar(select(Event.id).where(Event.join_code == code))
    ):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
    return code


@transaction
def import_event(data) -> tuple[Event, str]:
    """Create a new event from an export; return it and a new secret facilitator key."""
    from .events import new_facilitator_link

    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("tables"), dict):
        raise ImportProblem("This is not a barcamp event export.")
    if data.get("version") != VERSION:
        raise ImportProblem("This export comes from an unsupported version.")
    tables = data["tables"]
    events = _rows(tables, "event")
    if len(events) != 1:
        raise ImportProblem("The export must contain exactly one event.")
    idmap: dict[str, dict] = {}
    deferred: list = []
    ev_values = _values(Event.__table__, events[0], idmap, deferred)
    ev_values["slug"] = _unique_slug(ev_values.get("slug", ""))
    ev_values["join_code"] = _unique_code(ev_values.get("join_code", ""))
    _insert(Event.__table__, events, [ev_values], idmap)
    event_id = next(iter(idmap["event"].values()))
    for table, _column, _parent in plan():
        rows = _rows(tables, table.name)
        values = [_values(table, row, idmap, deferred) for row in rows]
        if table.name in UNIQUE_PER_SERVER:  # e.g. a copy imported beside its original: keep them only where free
            column, fresh = UNIQUE_PER_SERVER[table.name]
            for v in values:
                if v.get(column.key) and db.session.scalar(select(column).where(column == v[column.key])):
                    v[column.key] = fresh()
        if values:
            _insert(table, rows, values, idmap)
    for table, column, row, old in deferred:
        new = idmap[table.name].get(old)
        if new is None:
            raise ImportProblem(f"{table.name}.{column.name} points at a row that is not in the file")
        db.session.execute(update(table).where(table.c.id == idmap[table.name][row["id"]]).values({column.name: new}))
    _fix_soft_refs(tables, idmap)
    db.session.flush()
    event = db.session.get(Event, event_id)
    return event, new_facilitator_link(event, "import")


def _fix_soft_refs(tables: dict, idmap: dict) -> None:
    for (tname, cname), target_of in SOFT_REFS.items():
        table = db.metadata.tables[tname]
        for row in _rows(tables, tname):
            old = row.get(cname)
            if old is None:
                continue
            new_row_id = idmap[tname][row["id"]]
            new = idmap.get(target_of(row) or "", {}).get(old)
            if new is not None:
                db.session.execute(update(table).where(table.c.id == new_row_id).values({cname: new}))
            elif table.c[cname].nullable:
                db.session.execute(update(table).where(table.c.id == new_row_id).values({cname: None}))
            else:  # e.g. a report about a tip that is not in the file
                db.session.execute(delete(table).where(table.c.id == new_row_id))


# --- delete and retention -------------------------------------------------------


@transaction
def delete_event(event: Event) -> None:
    """Delete an event and everything in it (the database cascades to every table)."""
    db.session.execute(delete(Event).where(Event.id == event.id))


def event_end(event: Event, last_day: dt.date | None = None) -> dt.datetime:
    """When the event is over: midnight after its last day, in its time zone (as naive UTC)."""
    last = last_day or max((d.date for d in event.days), default=event.created_at.date())
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=zones.zone(event.timezone))
    return end.astimezone(dt.UTC).replace(tzinfo=None)


def purge_date(event: Event, retention_days: int) -> dt.date:
    """The day (in the event's time zone) its anonymous questions and tips are deleted."""
    when = (event_end(event) + dt.timedelta(days=retention_days)).replace(tzinfo=dt.UTC)
    return when.astimezone(zones.zone(event.timezone)).date()


@transaction
def purge_expired(retention_days: int, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete questions and tips (with their votes, marks and reports) of events past retention."""
    now = now or utcnow()
    last_days = select(Event, func.max(Day.date)).outerjoin(Day, Day.event_id == Event.id).group_by(Event.id)
    counts = {"events": 0, "questions": 0, "tips": 0}
    for event, last in db.session.execute(last_days).all():
        if now < event_end(event, last or event.created_at.date()) + dt.timedelta(days=retention_days):
            continue
        event_id = event.id
        cards = select(TipCard.id).where(TipCard.event_id == event_id)
        tips = db.session.execute(delete(Tip).where(Tip.card_id.in_(cards))).rowcount
        questions = db.session.execute(delete(Question).where(Question.event_id == event_id)).rowcount
        db.session.execute(delete(BoardReport).where(BoardReport.event_id == event_id, BoardReport.target == "tip"))
        if tips or questions:
            counts["events"] += 1
            counts["questions"] += questions
            counts["tips"] += tips
    return counts
