"""The opt-in tips exchange board: cards that say what one can help with and is looking for,
tips, helpful/saved marks, contact requests that need both sides' consent, and moderation.

Nobody is on the board without a card of their own; a contact shows only as its owner allows.
May touch: the core seams, the shared ``Tag`` and ``Attendee`` tables, and its own tables.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from barcamp.core import screens
from barcamp.tips import moderation, people, reading, views
from barcamp.tips.partials import is_askable, is_web_link

bp = views.bp
__all__ = ["bp", "init_app", "moderation", "people"]

# Its place on the shared screens (registered on import, like ``@partial``).
screens.attendee_tab("tips.board", _l("Tips"), 30)
screens.offline_page("tips.board", 40)
screens.console_section("tips/_console.html", 40, "board")
screens.console_badge("board", reading.open_reports)
screens.recap_count("tips", _l("Tips shared"), reading.recap_tips, 60)
screens.recap_ties(reading.connected_pairs)
screens.template_helper(tips_summary=reading.summary)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.tests.update(web_link=is_web_link, askable=is_askable)
