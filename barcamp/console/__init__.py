"""The facilitator console: the page every feature adds a section to (``screens.console_section``),
and setting up an event: its details, rooms, days, time slots, the projector's mode and theme, invites.

The blueprint keeps its name ``setup`` (its endpoints are ``setup.*``).
May touch: the core seams and the shared tables; facilitator links through ``events.domain``.
"""

from __future__ import annotations

from flask import Flask

from barcamp.console import views
from barcamp.core.enums import PROJECTOR_THEMES

bp = views.bp
__all__ = ["bp", "init_app"]


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(projector_themes=PROJECTOR_THEMES)
