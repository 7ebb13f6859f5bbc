"""The pitch timer: the facilitator sets a length, starts, pauses and resets it; the projector and
the console count down from the same server time. With "next pitch when time is out", the
console that sees the time run out asks the server to move the spotlight on and start again."""

from __future__ import annotations

import datetime as dt

from flask import render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from barcamp.core import realtime, screens
from barcamp.core.database import transaction
from barcamp.core.extensions import db
from barcamp.core.identity import event_or_404, facilitator_required
from barcamp.core.models import Event, utcnow
from barcamp.core.partials import partial
from barcamp.core.replies import done, failed
from barcamp.pitches.console import move_spotlight
from barcamp.pitches.models import Pitch, PitchTimer
from barcamp.pitches.views import bp

LENGTHS = (30, 45, 60, 90, 120)
ACTIONS = ("start", "pause", "reset", "expired")


def timer_of(event: Event) -> PitchTimer:
    """The event's timer (a fresh, unsaved one until a facilitator first touches it)."""
    found = db.session.scalar(select(PitchTimer).where(PitchTimer.event_id == event.id))
    return found or PitchTimer(event_id=event.id, seconds=45, auto_next=False)


def left_ms(timer: PitchTimer, now: dt.datetime) -> int:
    """Milliseconds left at ``now``."""
    if timer.ends_at is not None:
        return max(0, round((timer.ends_at - now).total_seconds() * 1000))
    return timer.seconds * 1000 if timer.left_ms is None else timer.left_ms


def _epoch_ms(at: dt.datetime) -> int:
    return round(at.replace(tzinfo=dt.UTC).timestamp() * 1000)


@transaction
def run_timer(event: Event, action: str, seconds: int | None = None, auto_next: bool | None = None, ends=None) -> bool:
    """Start, pause or reset the timer (with a new length or auto-next setting); ``expired`` (with
    the ``ends`` the caller counted to) moves the spotlight to the next pitch and starts again,
    once, however many consoles ask. Returns whether anything changed."""
    timer, now = timer_of(event), utcnow()
    db.session.add(timer)
    if seconds is not None:
        timer.seconds = seconds
    if auto_next is not None:
        timer.auto_next = auto_next
    if action == "start" and timer.ends_at is None:
        timer.ends_at, timer.left_ms = (
            now + dt.timedelta(milliseconds=left_ms(timer, now) or timer.seconds * 1000),
            None,
        )
    elif action == "pause" and timer.ends_at is not None:
        timer.left_ms, timer.ends_at = left_ms(timer, now), None
    elif action == "reset":
        timer.ends_at = timer.left_ms = None
    elif action == "expired":
        if timer.ends_at is None or ends != _epoch_ms(timer.ends_at) or timer.ends_at > now + dt.timedelta(seconds=1):
            return False  # another console was first, or the time is not out
        before = event.spotlight_pitch_id
        moved = move_spotlight(event, 1)
        last = moved is None or moved.id == before
        timer.ends_at = None if last else now + dt.timedelta(seconds=timer.seconds)
        timer.left_ms = 0 if last else None
    realtime.changed(event.id, "pitchtimer")
    return True


def timer_state(event: Event) -> dict:
    """What every screen counts from: the server's now, when the timer ends (or what is left)."""
    timer, now = timer_of(event), utcnow()
    return {
        "now": _epoch_ms(now),
        "ends_at": _epoch_ms(timer.ends_at) if timer.ends_at else None,
        "left": left_ms(timer, now),
        "seconds": timer.seconds,
        "auto_next": timer.auto_next,
    }


def clock(ms: int) -> str:
    """Milliseconds left as "0:45"."""
    secs = -(-ms // 1000)
    return f"{secs // 60}:{secs % 60:02d}"


@bp.get("/e/<slug>/timer")
def timer_json(slug):
    """The timer's state with the server's clock, so a screen that joins late shows the same second."""
    return timer_state(event_or_404(slug)), 200, {"Cache-Control": "no-store"}


@bp.post("/e/<slug>/facilitate/timer")
@facilitator_required
def timer(event):
    """Start, pause or reset the pitch timer, set its length and auto-next."""
    action = request.form.get("timer", "")
    seconds = request.form.get("seconds", type=int)
    if action not in ACTIONS or (seconds is not None and seconds not in LENGTHS):
        return failed(_("Please choose one of the pitch lengths."), 400, to=screens.console_url(event))
    auto = None if action == "expired" else request.form.get("auto_next") == "1"
    changed = run_timer(event, action, seconds, auto, ends=request.form.get("ends", type=int))
    messages = {"start": _("Timer started."), "pause": _("Timer paused."), "reset": _("Timer reset.")}
    return done(screens.console_url(event, "#spotlight"), messages.get(action), changed=changed)


def timer_context(event: Event) -> dict:
    state = timer_state(event)
    current = db.session.get(Pitch, event.spotlight_pitch_id) if event.spotlight_pitch_id else None
    return {"event": event, "timer": state, "digits": clock(state["left"]), "current": current, "lengths": LENGTHS}


@partial("pitchtimer")
def timer_partial(event: Event) -> str:
    """The console's "on screen now" line with the timer (the projector's sits in the spotlight)."""
    return render_template("pitches/_timer.html", **timer_context(event))
