"""The one way a view answers a form: JSON for background requests (our JS, API clients), a
flash and a redirect for a plain form post, so every form works with and without JavaScript."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template

from barcamp.core.errors import wants_json


def done(to: str, message=None, **data):
    """It worked: ``{"ok": true, "message", **data}``, or the message flashed on ``to``."""
    if wants_json():
        return {"ok": True, "message": str(message) if message else None, **data}
    if message:
        flash(str(message), "success")
    return redirect(to)


def failed(message, status: int = 400, to: str | None = None, page: Callable[[], str] | None = None):
    """It was refused: ``{"error": message}`` with ``status``; a form post sees the message on
    ``page()`` (the form shown again, answered with ``status``) or flashed on ``to``."""
    if wants_json():
        return {"error": str(message)}, status
    if page is None and status in (403, 404):  # nothing to go back to: the error page says it
        return render_template("error.html", code=status, message=message), status
    flash(str(message), "error")
    if page is not None:
        return page(), status
    return redirect(to)
