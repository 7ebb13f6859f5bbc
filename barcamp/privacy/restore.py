"""Importing a backup (``/import`` or ``flask import``).

Ids are not kept: import gives every row a new id and rewrites the references, so an imported
event can never point at another event's rows. Import checks the whole file first, with the
forms' own rules (``rules``), outside any transaction and yielding to other requests as it goes;
only then does one short write transaction insert the rows. So a file that contradicts itself is
refused as a whole, and a big one doesn't stall everyone else.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import secrets
import time
import uuid

from sqlalchemy import Boolean, Date, DateTime, Integer, LargeBinary, String, Time, delete, insert, select, update

from barcamp.branding.logo import TYPES as LOGO_TYPES
from barcamp.core import rules, screens
from barcamp.core.database import transaction
from barcamp.core.enums import SLOT_KINDS, languages
from barcamp.core.extensions import db
from barcamp.core.identity import hash_key
from barcamp.core.models import Event
from barcamp.events.domain import CODE_ALPHABET, new_facilitator_link, slugify
from barcamp.pitches.enums import FORMATS, LEVELS, STATUSES
from barcamp.pitches.models import Pitch
from barcamp.privacy.backup import FORMAT, SOFT_REFS, VERSION, plan
from barcamp.questions.models import Question
from barcamp.tips.domain import MARK_KINDS, VISIBILITIES

MAX_ROWS = 100_000  # a big event's backup holds some 20,000; a larger file is refused, not half-read


UNIQUE_PER_SERVER = {
    "pitch": (Pitch.client_id, lambda: uuid.uuid4().hex),
    "question": (Question.secret_hash, lambda: hash_key(secrets.token_urlsafe(16))),  # nobody holds the copy's
}


def choices() -> dict[tuple[str, str], set[str]]:
    """Columns with a closed set of values; anything else would break a page that renders them.
    (A function: the projector's modes are known once every feature is imported.)"""
    return {
        ("event", "projector_mode"): set(screens.mode_values()),
        ("slot", "kind"): {k for k, _ in SLOT_KINDS},
        ("pitch", "level"): {k for k, _ in LEVELS},
        ("pitch", "format"): {k for k, _ in FORMATS},
        ("pitch", "language"): set(languages()),
        ("pitch", "status"): set(STATUSES),
        ("question", "status"): {"pending", "visible", "hidden"},
        ("tip_card", "contact_visibility"): set(VISIBILITIES),
        ("card_tag", "kind"): {"help", "seek"},
        ("tip_mark", "kind"): set(MARK_KINDS),
        ("connection", "status"): {"pending", "accepted", "ignored"},
        ("board_report", "target"): {"tip", "card"},
        ("branding", "logo_type"): {"", *LOGO_TYPES},
    }


INT_MAX = 2**31 - 1
YIELD_EVERY = 2000  # rows checked between letting other requests run


class ImportProblem(ValueError):
    """The uploaded file is not an export we can import; the message says why."""


# --- import, step 1: check the whole file (no database writes) ------------------------------


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
    if isinstance(kind, LargeBinary):  # base64 (backup._dump); the table's rules check the bytes
        try:
            if not isinstance(raw, str) or len(raw) > 400_000:
                raise TypeError
            return base64.b64decode(raw, validate=True)
        except (TypeError, binascii.Error) as exc:
            raise ImportProblem(f"{where} has an invalid value") from exc
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
    """The rules the forms apply, and the closed sets of values."""
    for (tname, cname), allowed in choices().items():
        if tname == table.name and cname in values and values[cname] not in allowed:
            raise ImportProblem(f"{tname}.{cname} has an unknown value")
    problem = rules.problem(table.name, values)
    if problem:
        raise ImportProblem(problem)


def _rows(data: dict, name: str) -> list[dict]:
    rows = data.get(name, [])
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ImportProblem(f"{name} must be a list of rows")
    return rows


def _checked_table(table, rows: list[dict], known: dict[str, set]) -> list[dict]:
    """Coerce and check every row of one table; references must name rows earlier in the file."""
    if "id" in table.c:
        old = [r.get("id") for r in rows]
        if any(isinstance(i, bool) or not isinstance(i, int) for i in old) or len(set(old)) != len(old):
            raise ImportProblem(f"every {table.name} row needs its own numeric id")
        known[table.name] = set(old)
    checked = []
    for n, row in enumerate(rows):
        if n and n % YIELD_EVERY == 0:
            time.sleep(0)  # under gevent: let other requests run while a big file is read
        values = {}
        for column in table.c:
            if column.name not in row:
                if column.name != "id" and not column.nullable and column.default is None:
                    raise ImportProblem(f"{table.name}.{column.name} is missing")
                continue
            value = _coerce(table, column, row[column.name])
            fk = next(iter(column.foreign_keys), None)
            if fk is not None and value is not None and value not in known.get(fk.column.table.name, set()):
                if fk.column.table.name != table.name:  # a self-reference is checked once the table is read
                    raise ImportProblem(f"{table.name}.{column.name} points at a row that is not in the file")
            values[column.name] = value
        _check(table, values)
        checked.append(values)
    for column in table.c:  # self-references (a merged pitch)
        fk = next(iter(column.foreign_keys), None)
        if fk is not None and fk.column.table.name == table.name:
            if any(v.get(column.name) is not None and v[column.name] not in known[table.name] for v in checked):
                raise ImportProblem(f"{table.name}.{column.name} points at a row that is not in the file")
    return checked


def _no_overlapping_slots(slots: list[dict]) -> None:
    days: dict[int, list] = {}
    for slot in slots:
        days.setdefault(slot["day_id"], []).append((slot["starts_at"], slot["ends_at"]))
    if any(rules.overlapping(times) for times in days.values()):
        raise ImportProblem("two time slots of one day overlap")


def checked(data) -> dict[str, list[dict]]:
    """The whole file, checked row by row by the forms' rules: {table: [values with the file's ids]}."""
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("tables"), dict):
        raise ImportProblem("This is not a barcamp event backup.")
    if data.get("version") != VERSION:
        raise ImportProblem("This backup comes from an unsupported version.")
    tables = data["tables"]
    if sum(len(rows) for rows in tables.values() if isinstance(rows, list)) > MAX_ROWS:
        raise ImportProblem(f"it holds more than {MAX_ROWS:,} rows")
    events = _rows(tables, "event")
    if len(events) != 1:
        raise ImportProblem("The backup must contain exactly one event.")
    known: dict[str, set] = {}
    out = {"event": _checked_table(Event.__table__, events, known)}
    for table, _column, _parent in plan():
        out[table.name] = _checked_table(table, _rows(tables, table.name), known)
    _no_overlapping_slots(out["slot"])
    return out


# --- import, step 2: one short write transaction ------------------------------------------


def _unique_slug(slug: str) -> str:
    base = slugify(slug or "barcamp")
    slug = base
    while db.session.scalar(select(Event.id).where(Event.slug == slug)):
        slug = f"{base}-{secrets.token_hex(2)}"
    return slug


def _unique_code(code: str) -> str:
    while (
        not code or set(code) - set(CODE_ALPHABET) or db.session.scalar(select(Event.id).where(Event.join_code == code))
    ):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
    return code


def _insert(table, values: list[dict], idmap: dict) -> None:
    """Insert one table's rows with their references rewritten to the new ids; remember the new ids."""
    refs = {c.name: fk.column.table.name for c in table.c for fk in c.foreign_keys}
    deferred = [name for name, target in refs.items() if target == table.name]  # set once all rows exist
    rows = []
    for v in values:
        row = {k: (idmap[refs[k]][x] if k in refs and x is not None and k not in deferred else x) for k, x in v.items()}
        rows.append({k: (None if k in deferred else x) for k, x in row.items() if k != "id"})
    has_id = "id" in table.c
    new_ids = idmap.setdefault(table.name, {}) if has_id else {}
    shapes: dict[tuple, list[int]] = {}  # rows may leave out columns that have defaults: insert each shape together
    for i, row in enumerate(rows):
        shapes.setdefault(tuple(sorted(row)), []).append(i)
    for positions in shapes.values():
        batch = [rows[i] for i in positions]
        if has_id:
            stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            for i, new_id in zip(positions, db.session.scalars(stmt, batch).all(), strict=True):
                new_ids[values[i]["id"]] = new_id
        else:
            db.session.execute(insert(table), batch)
    for name in deferred:
        for v in values:
            if v.get(name) is not None:
                update_row = update(table).where(table.c.id == new_ids[v["id"]])
                db.session.execute(update_row.values({name: new_ids[v[name]]}))


def _fresh_unique_values(table_name: str, values: list[dict]) -> None:
    """A copy imported beside its original: server-wide unique values stay only where free."""
    column, fresh = UNIQUE_PER_SERVER[table_name]
    wanted = [v[column.key] for v in values if v.get(column.key)]
    taken = set()
    for start in range(0, len(wanted), 500):
        taken |= set(db.session.scalars(select(column).where(column.in_(wanted[start : start + 500]))))
    for v in values:
        if v.get(column.key) in taken:
            v[column.key] = fresh()


def _fix_soft_refs(rows: dict[str, list[dict]], idmap: dict) -> None:
    for (tname, cname), target_of in SOFT_REFS.items():
        table = db.metadata.tables[tname]
        for row in rows[tname]:
            old = row.get(cname)
            if old is None:
                continue
            here = table.c.id == idmap[tname][row["id"]]
            new = idmap.get(target_of(row) or "", {}).get(old)
            if new is not None:
                db.session.execute(update(table).where(here).values({cname: new}))
            elif table.c[cname].nullable:
                db.session.execute(update(table).where(here).values({cname: None}))
            else:  # e.g. a report about a tip that is not in the file
                db.session.execute(delete(table).where(here))


@transaction
def _store(rows: dict[str, list[dict]]) -> tuple[Event, str]:
    idmap: dict[str, dict] = {}
    event_row = rows["event"][0]
    event_row.update(
        slug=_unique_slug(event_row.get("slug", "")), join_code=_unique_code(event_row.get("join_code", ""))
    )
    _insert(Event.__table__, rows["event"], idmap)
    for table, _column, _parent in plan():
        if table.name in UNIQUE_PER_SERVER:
            _fresh_unique_values(table.name, rows[table.name])
        if rows[table.name]:
            _insert(table, rows[table.name], idmap)
    _fix_soft_refs(rows, idmap)
    db.session.flush()
    event = db.session.get(Event, next(iter(idmap["event"].values())))
    return event, new_facilitator_link(event, "import")


def import_event(data) -> tuple[Event, str]:
    """Create a new event from a backup; return it and a new secret facilitator key."""
    return _store(checked(data))
