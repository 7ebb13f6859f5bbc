"""Write transactions that are safe under gevent, on SQLite and PostgreSQL.

SQLite allows one writer at a time. A deferred transaction that reads and then
writes fails at once with "database is locked" under concurrency, so every
write runs in ``BEGIN IMMEDIATE`` with a busy timeout, is retried if the
database stays busy, and announces nothing until it has committed.
"""

from __future__ import annotations

import functools
import sqlite3
import time
from contextvars import ContextVar

from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from barcamp.core import metrics
from barcamp.core.extensions import db

_immediate: ContextVar[bool] = ContextVar("immediate", default=False)
# Callbacks to run once the current write transaction has committed.
_after_commit: ContextVar[list | None] = ContextVar("after_commit", default=None)

RETRIES = 6
# How long one statement waits for a lock before the write is retried (ms). SQLite's
# busy timeout and PostgreSQL's lock timeout are the same, so a stuck writer ends in a
# friendly "send it again" on either database instead of a request that hangs.
LOCK_TIMEOUT_MS = 5000


@event.listens_for(Engine, "connect")
def _connection_settings(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        if type(dbapi_connection).__module__.startswith("psycopg"):
            dbapi_connection.execute(f"SET lock_timeout = {LOCK_TIMEOUT_MS}")
            dbapi_connection.commit()
        return
    # Let SQLAlchemy's "begin" hook below issue BEGIN itself.
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={LOCK_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _immediate.get() else "BEGIN")


def retryable(exc: DBAPIError) -> bool:
    msg = str(exc.orig).lower()
    return "locked" in msg or "lock timeout" in msg or "busy" in msg or "deadlock" in msg or "serializ" in msg


def after_commit(callback) -> None:
    """Run ``callback`` after the current write commits (at once outside one)."""
    pending = _after_commit.get()
    if pending is None:
        callback()
    else:
        pending.append(callback)


def transaction(fn):
    """Run a domain function as one write transaction, retried while the DB is busy."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if _immediate.get():  # already inside a write: join it
            return fn(*args, **kwargs)
        for attempt in range(RETRIES):
            if db.session.get_bind().dialect.name == "sqlite":
                # End the read snapshot so the write can take the lock (BEGIN IMMEDIATE). PostgreSQL
                # reads committed data statement by statement: carry on, two round trips fewer.
                db.session.commit()
            token, pending = _immediate.set(True), _after_commit.set([])
            try:
                result = fn(*args, **kwargs)
                db.session.commit()
                callbacks = _after_commit.get()
            except OperationalError as exc:
                db.session.rollback()
                if not retryable(exc) or attempt == RETRIES - 1:
                    raise
                metrics.BUSY.inc()
                time.sleep(0.02 * (attempt + 1))
                continue
            except BaseException:
                db.session.rollback()
                raise
            finally:
                _immediate.reset(token)
                _after_commit.reset(pending)
            for callback in callbacks:
                callback()
            return result

    return wrapper


def core(statement, params: dict | None = None):
    """Run a prepared Core statement on the session's connection, in its transaction, without the
    ORM's execution layer (compile state, loader criteria, ``do_orm_execute`` hooks): for the hot
    paths (a vote), on tables with no soft-deleted rows to hide (``undo``)."""
    return db.session.connection().execute(statement, params or {})


def count(entity, *where) -> int:
    """How many rows of ``entity`` match ``where`` (the recap's figures)."""
    return db.session.scalar(select(func.count()).select_from(entity).where(*where)) or 0
