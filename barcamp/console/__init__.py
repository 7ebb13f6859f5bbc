"""The facilitator console: the page every feature adds a section to (``screens.console_section``),
and setting up an event: its details, rooms, days, time slots, the projector's mode and theme, invites.

The blueprint keeps its name ``setup`` (its endpoints are ``setup.*``).
May touch: the core seams and the shared tables; facilitator links through ``events.domain``.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from barcamp.console import bulk_views, recap, share, views  # noqa: F401 -- they add their routes to bp
from barcamp.core import screens
from barcamp.core.enums import PROJECTOR_THEMES

bp = views.bp
__all__ = ["bp", "init_app"]

# The console's tabs; each feature's section names the one it belongs to.
screens.console_group("plan", _l("Plan"), 10)
screens.console_group("pitching", _l("Pitching"), 20)
screens.console_group("questions", _l("Questions"), 30)
screens.console_group("board", _l("Board"), 40)
screens.console_group("setup", _l("Set-up"), 50)
screens.console_group("privacy", _l("Data & privacy"), 60)
screens.console_section("setup/_setup.html", 10, "setup")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(projector_themes=PROJECTOR_THEMES)
