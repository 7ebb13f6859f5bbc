""" "People I met": each attendee's private page of the people they connected with by mutual
consent (tips board, mixer, buddies), with the links and contacts those people agreed to share,
the sessions they said they'd attend and the tips they saved; during and after the event.

Owns no table: it reads the tips, mixer, pitches and grid features' records.
May touch: the core seams (``signing`` for its private link) and those features' reading functions.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from barcamp.core import screens
from barcamp.people import views

bp = views.bp
__all__ = ["bp", "init_app"]

# A tab of its own, never kept offline (other people's contacts: no copy is kept anywhere)
screens.attendee_tab("people.page", _l("People"), 37)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
