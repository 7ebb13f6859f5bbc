"""The installable, offline-first phone app of one event: its web manifest, its service worker
(``/e/<slug>/sw.js``, scope ``/e/<slug>``), and which responses the phone may keep.

The pages a phone keeps are an allow-list the features register (``screens.offline_page``); a
response is marked keepable (``Barcamp-Offline: cache``) only for attendees, only when it sets
no cookie and is not ``no-store``. Facilitators' browsers never register the worker, and drop
any copy they kept before they became one.

May touch: the core seams and the shared tables (Event).
"""

from __future__ import annotations

from flask import Flask

from barcamp.core import screens
from barcamp.offline import views

bp = views.bp
__all__ = ["bp", "init_app"]

screens.template_helper(offline_app=views.offline_app)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.after_request(views.mark_keepable)
