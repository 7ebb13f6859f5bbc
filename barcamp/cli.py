"""Command line: ``flask --app wsgi event create NAME`` and ``flask --app wsgi demo``."""

from __future__ import annotations

import click
from flask import current_app, url_for
from flask_migrate import upgrade

from barcamp.core import zones
from barcamp.demo import load_demo
from barcamp.events.domain import create_event


def _urls(event, key) -> tuple[str, str, str]:
    """The attendee, facilitator and projector URLs of an event, on PUBLIC_URL (BIND's port by default)."""
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        return (
            url_for("events.home", slug=event.slug, _external=True),
            url_for("events.facilitator_link", slug=event.slug, key=key, _external=True),
            url_for("events.projector", slug=event.slug, _external=True),
        )


def print_urls(event, key, heading: str = "Event") -> None:
    """Print where attendees, the facilitator and the projector open the event."""
    attendee, facilitator, projector = _urls(event, key)
    click.echo(f"{heading + ':':<13}{event.name} (code {event.join_code})")
    click.echo(f"Attendees:   {attendee}")
    click.echo(f"Projector:   {projector}")
    click.echo(f"Facilitator: {facilitator}  (keep this secret)")


def init_app(app) -> None:
    """Register the CLI commands."""

    @app.cli.group()
    def event():
        """Manage events."""

    @event.command("create")
    @click.argument("name")
    @click.option("--hashtag", default="")
    @click.option("--timezone", default="Europe/Berlin")
    def create(name, hashtag, timezone):
        """Create an event and print its attendee and facilitator URLs."""
        if not zones.is_known(timezone):
            raise click.BadParameter(f"unknown time zone {timezone!r}, e.g. Europe/Berlin", param_hint="--timezone")
        upgrade()
        print_urls(*create_event(name, hashtag, timezone))

    @app.cli.command()
    def demo():
        """Load (or reload) the demo event with realistic data."""
        upgrade()
        print_urls(*load_demo(), heading="Demo event")
