"""barcamp: live session planning for barcamps."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, request, session
from werkzeug.middleware.proxy_fix import ProxyFix

from barcamp import (
    branding,
    cli,
    console,
    core,
    events,
    grid,
    helping,
    mixer,
    offline,
    people,
    pitches,
    privacy,
    questions,
    tips,
)
from barcamp.core import fanout, security, sockets  # sockets: its handlers exist before socketio.init_app
from barcamp.core.extensions import babel, csrf, db, migrate, socketio
from barcamp.core.ratelimits import limiter
from config import Config

# Each feature's init_app registers its blueprints and adds itself to the shared screens.
# The order is the console's and the projector's when they don't say otherwise.
FEATURES = (events, console, branding, pitches, grid, questions, tips, mixer, helping, people, privacy, offline)


def select_locale() -> str:
    """The visible switcher wins; else the browser's Accept-Language."""
    languages = current_app.config["LANGUAGES"]
    return session.get("lang") or request.accept_languages.best_match(languages) or languages[0]


def create_app(test_config: dict | None = None) -> Flask:
    """Application factory."""
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    app.config.from_object(Config)
    if test_config:
        app.config.update(test_config)
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
    if app.config["DIRECT_FANOUT"]:
        fanout.install(socketio.server)  # broadcasts framed once, written straight to websockets
    app.wsgi_app = sockets.without_compression(app.wsgi_app)
    if app.config["PROXY_HOPS"]:
        # Outermost, so Socket.IO's origin check sees the host and scheme the proxy vouches for;
        # without PROXY_HOPS, X-Forwarded-* headers are a client's word and change nothing.
        n = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n)

    core.init_app(app)
    for feature in FEATURES:
        feature.init_app(app)
    cli.init_app(app)

    return app
