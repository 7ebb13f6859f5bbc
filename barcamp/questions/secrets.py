"""The author's secrets: only the asker's browser holds them (a cookie), never the server."""

from __future__ import annotations

from flask import (
    current_app,
    request,
    url_for,
)

from barcamp.core.models import Event

COOKIE = "q_secrets"
MAX_SECRETS = 50  # per event; a cookie holds about 4 KB

# --- the author's secrets (client-side only) ----------------------------------


def read_secrets() -> list[str]:
    """The question secrets this browser holds for the wall it is on."""
    raw = request.cookies.get(COOKIE, "")
    return [s for s in raw.split(".") if 16 <= len(s) <= 64][-MAX_SECRETS:]


def store_secrets(response, event: Event, values: list[str]):
    """Keep ``values`` in the browser's cookie, sent only to this event's wall."""
    response.set_cookie(
        COOKIE,
        ".".join(values[-MAX_SECRETS:]),
        max_age=current_app.config["PERMANENT_SESSION_LIFETIME"],
        path=url_for("questions.wall", slug=event.slug),
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response
