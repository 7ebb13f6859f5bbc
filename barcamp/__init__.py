"""barcamp: live session planning for barcamps."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request, session
from werkzeug.middleware.proxy_fix import ProxyFix

from barcamp.core.extensions import babel, csrf, db, migrate, socketio
from barcamp.core.ratelimits import limiter
from config import Config


def select_locale() -> str:
    """The visible switcher wins; else the browser's Accept-Language."""
    return session.get("lang") or request.accept_languages.best_match(["de", "en"]) or "en"


def create_app(test_config: dict | None = None) -> Flask:
    """Application factory."""
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    app.config.from_object(Config)
    if test_config:
        app.config.update(test_config)
    # Socket handlers must be registered before socketio.init_app binds the server.
    from barcamp.core import security, sockets  # noqa: F401

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    socketio.init_app(
        app,
        async_mode="gevent",
        message_queue=app.config["REDIS_URL"],
        channel=app.config["SOCKETIO_CHANNEL"],
        # The app's own origin (honouring X-Forwarded-*) plus SOCKETIO_ORIGINS; never "*".
        cors_allowed_origins=security.socket_origins(app.config["SOCKETIO_ORIGINS"]),
        max_http_buffer_size=64 * 1024,
    )
    sockets.guard(socketio.server)
    app.wsgi_app = sockets.without_compression(app.wsgi_app)
    if app.config["PROXY_HOPS"]:
        # Outermost, so Socket.IO's origin check sees the host and scheme the proxy vouches for;
        # without PROXY_HOPS, X-Forwarded-* headers are a client's word and change nothing.
        n = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n)

    from barcamp import cli
    from barcamp.console import views as setup
    from barcamp.core import api, dates, errors, identity, partials, security
    from barcamp.events import views as events
    from barcamp.grid import views as grid
    from barcamp.pitches import console as pitch_console
    from barcamp.pitches import views as pitches
    from barcamp.pitches import votes
    from barcamp.questions import views as questions
    from barcamp.tips import views as tips

    for module in (events, setup, partials, api, pitches, votes, grid, questions, tips):
        app.register_blueprint(module.bp)
    from barcamp import privacy

    app.register_blueprint(privacy.bp)
    errors.init_app(app)
    security.init_app(app)
    from barcamp.core import assets

    assets.init_app(app)  # gzip, cached and fingerprinted static files
    cli.init_app(app)
    dates.init_app(app)
    identity.init_app(app)

    from flask_babel import get_locale
    from flask_babel import lazy_gettext as _l

    from barcamp.core.identity import is_facilitator

    tabs = [("grid.attendee", _l("Grid")), ("questions.wall", _l("Questions")), ("tips.board", _l("Tips"))]

    # Globals, not context: macros imported without context (grid/_table.html) see them too.
    app.jinja_env.globals.update(levels=dict(pitches.LEVELS), formats=dict(pitches.FORMATS))

    @app.context_processor
    def template_helpers():
        def event_tabs():
            return [(e, label) for e, label in tabs if e in app.view_functions]

        return {
            "is_facilitator": is_facilitator,
            "event_tabs": event_tabs,
            "render_partial": partials.render,
            "csrf_input": partials.csrf_input,
            "get_locale": get_locale,
            "endpoint_exists": lambda name: name in app.view_functions,
            "voting_form": pitches.voting_form,
            "merge_form": pitch_console.merge_form,
            "votes_left_for": pitches.votes_left_for,
            "my_vote_ids": pitches.my_vote_ids,
        }

    return app
