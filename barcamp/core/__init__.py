"""The seams every feature builds on; nothing in ``core`` imports a feature.

- ``extensions``: db, socketio, csrf, babel, migrate; ``database``: ``transaction`` and ``after_commit``
- ``realtime``: the only emitter (coalesced tallies, change notices); ``sockets``: the Socket.IO side
- ``partials``: one rendering path for page load and live reload (``@partial``, ``@item_partial``)
- ``api``: the JSON snapshot (``@section``); ``screens``: console sections, projector modes, tabs
- ``models``: the shared tables; ``identity``: attendee cookie, facilitator links, access checks
- ``undo``: deleting with a grace period (``Undoable``, the sweep)
- ``errors`` (one ``DomainError``), ``replies`` (one ``done``/``failed``), ``forms``, ``tags``, ``enums``,
  ``rules``, ``zones``, ``dates``, ``ratelimits``, ``security``, ``assets``
"""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale
from flask_babel.speaklater import LazyString

from barcamp.core import api, assets, dates, errors, identity, metrics, partials, screens, security, undo


def init_app(app: Flask) -> None:
    for bp in (partials.bp, api.bp):
        app.register_blueprint(bp)
    errors.init_app(app)
    security.init_app(app)
    assets.init_app(app)  # gzip, cached and fingerprinted static files
    dates.init_app(app)
    identity.init_app(app)
    screens.init_app(app)
    metrics.init_app(app)  # /metrics, for the operator only (METRICS_TOKEN)
    undo.init_app(app)  # the sweep of deletions past their grace period
    # flask-babel's lazy strings say they are safe HTML (``__html__``), so "Data & privacy" went
    # out unescaped: make them plain strings before Jinja escapes what a template prints.
    app.jinja_env.finalize = lambda value: str(value) if isinstance(value, LazyString) else value

    @app.context_processor
    def core_helpers():
        return {
            "is_facilitator": identity.is_facilitator,
            "render_partial": partials.render,
            "csrf_input": partials.csrf_input,
            "get_locale": get_locale,
            "endpoint_exists": lambda name: name in app.view_functions,
        }
