"""The grid: rooms × time slots. Facilitators place, move, swap, lock and auto-plan sessions;
everyone sees the programme, now & next, their own sessions, and a CSV/iCal export.

- ``plan``: the rules (placing, auto-plan and its undo); ``reading``: the grid as data
- ``views``: pages, facilitator actions, live parts; ``export``: CSV and iCal; ``models``: Placement
May touch: the core seams, the shared tables, and pitches (read; their votes as interest).
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from barcamp.core import screens
from barcamp.grid import reading, views

bp = views.bp
__all__ = ["bp", "init_app"]

# Its place on the shared screens (registered on import, like ``@partial``).
screens.attendee_tab("grid.attendee", _l("Grid"), 10)
screens.offline_page("grid.attendee", 20)
screens.offline_page("grid.attendee", 21, mine="1")  # my sessions
screens.projector_mode("grid", _l("Grid"), "grid/_projector.html", 20)
screens.projector_mode("nownext", _l("Now & next"), "grid/_nownext.html", 30)
screens.console_section("grid/_console.html", 20, "plan")
screens.recap_count("held", _l("Sessions held"), reading.sessions_held, 20)
screens.template_helper(pitch_schedule=reading.schedule_of)  # "Sat 10:15 · Aula" on pitch cards


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
