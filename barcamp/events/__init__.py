"""Events: creating one, joining it (link, QR code or short code; no sign-up), the attendee's
home, guide and profile, and the projector page (whose modes the features provide).

May touch: the core seams and the shared tables (Event, Attendee, FacilitatorLink, Day).
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from barcamp.core import screens
from barcamp.events import views

bp = views.bp
__all__ = ["bp", "init_app"]

# Its place on the shared screens (registered on import, like ``@partial``).
screens.projector_mode("welcome", _l("Welcome"), "events/_welcome.html", 0)
screens.offline_page("events.home", 0)
screens.offline_page("events.guide", 50)
screens.offline_page("events.profile", 60)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
