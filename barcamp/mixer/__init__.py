"""Break the cliques: "meet someone new" rounds (small groups at a meeting point, with something
to talk about, weighted toward newcomers) and first-timer buddies.

May touch: the core seams, the shared ``Attendee``, ``Day`` and ``Slot`` tables, its own tables,
and reads (never writes) the tips board's cards and tags and the pitches' votes, for interests.
Never questions.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from barcamp.core import screens
from barcamp.mixer import domain, partials, reading, views
from barcamp.mixer.domain import points_of
from barcamp.mixer.forms import PointsForm, RoundForm
from barcamp.mixer.partials import seconds_until

bp = views.bp
__all__ = ["bp", "init_app", "partials"]


def console_forms(event) -> dict:
    """The console section's forms, as they stand (a failed one comes back bound instead)."""
    points = PointsForm(prefix="mixpoints", formdata=None)
    points.points.data = "\n".join(points_of(event.id))
    phase = domain.phase(domain.current_round(event.id))
    return {"points": points, "round": RoundForm(prefix="mixround", formdata=None), "phase": phase}


# Its place on the shared screens (registered on import, like ``@partial``).
screens.attendee_tab("mixer.page", _l("Meet"), 35)
screens.attendee_banner("mixer/_banner_slot.html", 10)
screens.console_section("mixer/_console.html", 45, "plan")
screens.projector_mode("mixer", _l("Meet someone new"), "mixer/_projector.html", 60)
screens.recap_count("rounds", _l("Meet someone new rounds"), reading.rounds_held, 80)
screens.recap_count("met", _l("New pairs who met in a round"), lambda event: reading.dashboard(event.id)["pairs"], 85)
screens.recap_ties(reading.connected_pairs)
screens.template_helper(mixer_forms=console_forms, mix_left=seconds_until)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
