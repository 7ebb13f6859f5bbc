"""Setting and removing an event's logo and accent colour."""

from __future__ import annotations

from flask import url_for

from barcamp.branding import colour
from barcamp.branding.logo import Logo
from barcamp.branding.models import Branding
from barcamp.core import realtime
from barcamp.core.database import transaction
from barcamp.core.extensions import db
from barcamp.core.models import Event


def of(event: Event) -> Branding | None:
    """The event's branding row, if it has one."""
    return db.session.get(Branding, event.id)


def _row(event: Event) -> Branding:
    row = of(event)
    if row is None:
        row = Branding(event_id=event.id, logo_type="", accent="", version=0)
        db.session.add(row)
    row.version = (row.version or 0) + 1
    return row


@transaction
def set_logo(event: Event, logo: Logo) -> None:
    """Store a checked logo (``logo.checked``) in place of the old one."""
    row = _row(event)
    row.logo, row.logo_type = logo.data, logo.kind
    _announce(event)


@transaction
def remove_logo(event: Event) -> None:
    """Remove the logo; the header shows the event's name alone again."""
    row = _row(event)
    row.logo, row.logo_type = None, ""
    _announce(event)


@transaction
def set_accent(event: Event, value: str) -> None:
    """Use a colour (``colour.checked``) as the accent, or "" for the app's own."""
    row = _row(event)
    row.accent = colour.checked(value) if value else ""
    _announce(event)


def urls(event: Event, look: dict) -> dict:
    """The logo's and the accent stylesheet's URLs for a ``look`` ("" for what is not set)."""
    version = look["version"]
    return {
        "logo_url": url_for("branding.logo", slug=event.slug, version=version) if look["logo"] else "",
        "css_url": url_for("branding.stylesheet", slug=event.slug, version=version) if look["palette"] else "",
    }


def _announce(event: Event) -> None:
    """Every open page swaps in the new logo and accent (static/js/live.js), once committed."""
    db.session.flush()
    realtime.changed(event.id, "brand", **urls(event, look(event)))


def look(event: Event) -> dict:
    """What the templates need: the logo's kind, the accent's palette and the version (or empties)."""
    row = of(event)
    if row is None:
        return {"logo": "", "accent": "", "palette": None, "version": 0}
    palette = colour.palette(row.accent) if colour.HEX.match(row.accent or "") else None  # checked again: CSS
    return {"logo": row.logo_type if row.logo else "", "accent": row.accent, "palette": palette, "version": row.version}
