"""Friendly error pages, JSON errors for background requests, and the one domain error.

Domain code raises ``DomainError(message, status)`` when a rule is broken; a view may catch it to
answer in its own way (``replies.failed``), and one not caught becomes a friendly page or a JSON
``{"error": message}`` with its status.
"""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import BadRequest, HTTPException, ServiceUnavailable

from barcamp.core.database import retryable
from barcamp.core.extensions import db


class DomainError(Exception):
    """A rule was broken: ``message`` is said to the person, ``status`` is the HTTP answer, and
    ``data`` is the state a background request needs to put its page right (e.g. votes left)."""

    def __init__(self, message, status: int = 400, **data):
        super().__init__(str(message))
        self.message = message
        self.status = status
        self.data = data


def wants_json() -> bool:
    """True for background requests from our JS (and API clients)."""
    return request.accept_mimetypes.best == "application/json" or request.path.startswith("/api/")


def init_app(app) -> None:
    """Register the error handlers."""

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        messages = {
            400: _("Something in that request was not right. Please go back and try again."),
            403: _("You don't have permission to do that here."),
            404: _("We couldn't find that page. Maybe the link is old?"),
            413: _("That was too much text at once. Please shorten it."),
            429: _("Slow down a little: too many requests in a short time. Please wait a moment and try again."),
            503: _("The server is very busy and could not save that. Please send it again in a moment."),
        }
        message = messages.get(exc.code, exc.description)
        if isinstance(exc, CSRFError):
            message = _("Your form expired. Please reload the page and send it again.")
        if wants_json():
            return {"error": message, "status": exc.code}, exc.code
        return render_template("error.html", code=exc.code, message=message), exc.code

    @app.errorhandler(DomainError)
    def broken_rule(exc: DomainError):
        db.session.rollback()
        if wants_json():
            return {"error": str(exc.message), "status": exc.status, **exc.data}, exc.status
        return render_template("error.html", code=exc.status, message=exc.message), exc.status

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def bad_value(exc):
        # Last line of defence: a value the database cannot hold (e.g. an id beyond INTEGER).
        db.session.rollback()
        return http_error(BadRequest())

    @app.errorhandler(OperationalError)
    def database_busy(exc):
        """The database stayed locked through every retry: say so kindly, never a crash page."""
        db.session.rollback()
        if not retryable(exc):
            raise exc
        return http_error(ServiceUnavailable())
