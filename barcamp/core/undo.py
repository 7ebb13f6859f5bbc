"""Undo for deleting: a row marked ``deleted_at`` is gone for every query at once, and for real
after ``UNDO_SECONDS``.

A model opts in by mixing in ``Undoable``. One ORM hook adds ``deleted_at IS NULL`` for these
models to every SELECT the app runs (joins, subqueries and relationship loads included), so no
page, projector, API, export or live partial can show a deleted row, without each query having to
remember it. Only undo and the sweep look past it, with ``execution_options(with_deleted=True)``.

The sweep runs in a background loop of its own (no request needed): it wakes when something is
deleted, sleeps until the first grace period ends, and calls every feature's registered sweeper.
"""

from __future__ import annotations

import datetime as dt
import logging

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Mapped, Session, mapped_column, with_loader_criteria

from barcamp.core.extensions import db, socketio
from barcamp.core.models import utcnow

log = logging.getLogger(__name__)

WITH_DELETED = {"with_deleted": True}


class Undoable:
    """Mixin: a row that can be deleted with a grace period (``deleted_at`` set until the sweep)."""

    deleted_at: Mapped[dt.datetime | None] = mapped_column(default=None, index=True)


@event.listens_for(Session, "do_orm_execute")
def _hide_deleted(state) -> None:
    if (
        state.is_select
        and not state.is_column_load
        and not state.is_relationship_load
        and not state.execution_options.get("with_deleted", False)
    ):
        state.statement = state.statement.options(
            with_loader_criteria(Undoable, lambda cls: cls.deleted_at.is_(None), include_aliases=True)
        )


def grace() -> dt.timedelta:
    """How long a deletion can be taken back."""
    return dt.timedelta(seconds=float(current_app.config["UNDO_SECONDS"]))


def cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """Rows deleted before this moment can no longer be taken back."""
    return (now or utcnow()) - grace()


def undoable(row: Undoable | None) -> bool:
    """True if ``row`` is deleted and still within its grace period."""
    return row is not None and row.deleted_at is not None and row.deleted_at >= cutoff()


# --- the sweep ----------------------------------------------------------------------

_sweepers: list = []
_models: list[type] = []


def sweeper(*models: type):
    """Register a feature's sweeper ``fn(before)``: it deletes for real what was deleted before
    ``before``. ``models`` are the rows it looks after (for when the next one is due)."""

    def register(fn):
        _sweepers.append(fn)
        _models.extend(models)
        return fn

    return register


def sweep(now: dt.datetime | None = None) -> None:
    """Delete for real everything whose grace period has ended."""
    before = cutoff(now)
    for fn in _sweepers:
        fn(before)


def next_due() -> dt.datetime | None:
    """When the next grace period ends, or None if nothing waits."""
    firsts = [db.session.scalar(select(db.func.min(m.deleted_at)).execution_options(**WITH_DELETED)) for m in _models]
    firsts = [f for f in firsts if f is not None]
    return min(firsts) + grace() if firsts else None


_wake = None


def deleted() -> None:
    """Called after a deletion commits: make sure the sweep loop will come for it."""
    app = current_app._get_current_object()
    if app.testing and not app.config.get("UNDO_SWEEP_LOOP"):
        return  # unit tests call sweep() themselves
    global _wake
    if _wake is None:
        _wake = socketio.server.eio.create_event()
        socketio.start_background_task(_loop, app)
    _wake.set()


def _loop(app) -> None:
    while True:
        with app.app_context():
            try:
                sweep()
                due = next_due()
            except Exception:  # keep the loop alive; the next round retries
                log.exception("undo sweep failed")
                due = utcnow() + dt.timedelta(seconds=5)
            finally:
                db.session.remove()
        _wake.clear()
        if due is None:
            _wake.wait()
        else:
            _wake.wait(max(0.05, (due - utcnow()).total_seconds() + 0.05))


def init_app(app) -> None:
    @app.before_request
    def _start_sweep() -> None:
        """Start the sweep in this process on its first request: it finds what waited over a restart."""
        if _wake is None:
            deleted()
