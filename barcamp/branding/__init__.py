"""Branding per event: a logo and an accent colour the organiser sets in the console's Set-up,
shown on the phone header, the projector and the printed poster and table tents.

The logo is checked by its bytes (an SVG is rebuilt from an allow-list, ``logo``), stored in the
database and served by its own sandboxed route, shown only through <img>. The accent must reach
WCAG AA on light surfaces; the dark theme gets a lightened shade (``colour``). It reaches pages
as a small versioned stylesheet of custom properties, so the CSP stays without inline style.

May touch: the core seams and its own table.
"""

from __future__ import annotations

from flask import Flask, g
from flask_babel import lazy_gettext as _l

from barcamp.branding import colour, domain, views
from barcamp.branding import logo as logos
from barcamp.branding.forms import AccentForm, LogoForm
from barcamp.core import rules, screens

bp = views.bp
__all__ = ["bp", "init_app"]


def brand(event) -> dict:
    """For templates: the logo's URL and the accent stylesheet's URL ("" when not set).
    Looked up once a request (the head, the header and the projector all ask)."""
    cache = g.setdefault("branding", {})
    if event.id not in cache:
        cache[event.id] = domain.look(event)
    look = cache[event.id]
    return {**look, **domain.urls(event, look)}


def _clean_logo(data) -> bool:
    """A stored logo is one the upload would store unchanged (an SVG already rebuilt)."""
    try:
        return logos.checked(data).data == data
    except logos.LogoProblem:
        return False


def _clean_accent(value) -> bool:
    try:
        return colour.checked(value) == value
    except colour.ColourProblem:
        return False


# What an imported backup may hold (privacy.restore checks every row by core.rules).
rules.RULES[("branding", "logo")] = rules.Rule(_clean_logo, _l("Not a logo the upload would accept."), optional=True)
rules.RULES[("branding", "accent")] = rules.Rule(
    _clean_accent, _l("Not an accent colour with enough contrast."), optional=True
)

screens.console_section("branding/_console.html", 12, "setup")
screens.template_helper(
    brand=brand,
    logo_form_blank=lambda: LogoForm(prefix="logo", formdata=None),
    accent_form_blank=lambda event: AccentForm(prefix="accent", formdata=None, accent=domain.look(event)["accent"]),
)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
