"""Command line: ``flask --app wsgi event create NAME`` and ``flask --app wsgi demo``."""

from __future__ import annotations

import click
from flask import current_app, url_for
from flask_migrate import upgrade


def _urls(event, key):
    with current_app.test_request_context(base_url=current_app.config.get("PUBLIC_URL", "http://127.0.0.1:8000")):
        return (
            url_for("events.home", slug=event.slug, _external=True),
            url_for("events.facilitator_link", slug=event.slug, key=key, _external=True),
        )


def init_app(app) -> None:
    """Register the CLI commands."""
    app.config.setdefault("PUBLIC_URL", "http://127.0.0.1:8000")

    @app.cli.group()
    def event():
        """Manage events."""

    @event.command("create")
    @click.argument("name")
    @click.option("--hashtag", default="")
    @click.option("--timezone", default="Europe/Berlin")
    def create(name, hashtag, timezone):
        """Create an event and print its attendee and facilitator URLs."""
        from . import zones
        from .events import create_event

        if not zones.is_known(timezone):
            raise click.BadParameter(f"unknown time zone {timezone!r}, e.g. Europe/Berlin", param_hint="--timezone")
        upgrade()
        ev, key = create_event(name, hashtag, timezone)
        attendee, facilitator = _urls(ev, key)
        click.echo(f"Event:       {ev.name} (code {ev.join_code})")
        click.echo(f"Attendees:   {attendee}")
        click.echo(f"Facilitator: {facilitator}  (keep this secret)")

    @app.cli.command()
    def demo():
        """Load (or reload) the demo event with realistic data."""
        from .demo import load_demo

        upgrade()
        ev, key = load_demo()
        attendee, facilitator = _urls(ev, key)
        click.echo(f"Demo event:  {ev.name} (code {ev.join_code})")
        click.echo(f"Attendees:   {attendee}")
        click.echo(f"Facilitator: {facilitator}")
