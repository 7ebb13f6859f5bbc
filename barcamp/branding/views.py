"""The branding routes: the console's forms, and the logo and accent stylesheet everyone loads."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, url_for
from flask_babel import gettext as _

from barcamp.branding import colour, domain
from barcamp.branding import logo as logos
from barcamp.branding.forms import AccentForm, LogoForm
from barcamp.core import screens
from barcamp.core.identity import event_or_404, facilitator_required
from barcamp.core.replies import done, failed

bp = Blueprint("branding", __name__)

YEAR = "public, max-age=31536000, immutable"  # the version in the URL changes with the content
# For the SVG above all: nothing it says can run or load anything, even opened on its own.
LOGO_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox"


def _refused(event, message, **bound):
    return failed(message, 400, page=lambda: screens.render_console(event, 400, **bound)[0])


@bp.post("/e/<slug>/facilitate/branding/logo")
@facilitator_required
def upload_logo(event):
    """Set the event's logo from an upload (checked by its bytes, an SVG rebuilt)."""
    form = LogoForm(prefix="logo")
    if not form.validate():
        return _refused(event, form.error_text(), logo_form=form)
    try:
        checked = logos.checked(form.logo.data.read(logos.MAX_BYTES + 1))
    except logos.LogoProblem as exc:
        form.logo.errors = [str(exc)]
        return _refused(event, str(exc), logo_form=form)
    domain.set_logo(event, checked)
    return done(screens.console_url(event, "#branding"), _("Logo saved."))


@bp.post("/e/<slug>/facilitate/branding/logo/delete")
@facilitator_required
def remove_logo(event):
    """Remove the event's logo."""
    domain.remove_logo(event)
    return done(screens.console_url(event, "#branding"), _("Logo removed."))


@bp.post("/e/<slug>/facilitate/branding/accent")
@facilitator_required
def accent(event):
    """Set the accent colour (refused unless it reaches AA contrast), or clear it."""
    form = AccentForm(prefix="accent")
    if form.validate():
        try:
            domain.set_accent(event, form.accent.data or "")
        except colour.ColourProblem as exc:
            form.accent.errors = [str(exc)]
    if form.errors:
        return _refused(event, form.error_text(), accent_form=form)
    return done(
        screens.console_url(event, "#branding"),
        _("Accent colour saved.") if form.accent.data else _("The default colour is back."),
    )


@bp.get("/e/<slug>/logo/<int:version>")
def logo(slug, version):
    """The event's logo, with its own content type, sandboxed by CSP, never sniffed."""
    event = event_or_404(slug)
    row = domain.of(event)
    if row is None or not row.logo:
        abort(404)
    if version != row.version:
        return redirect(url_for("branding.logo", slug=slug, version=row.version))
    name = f"{event.slug}-logo.{'jpg' if row.logo_type == 'jpeg' else row.logo_type}"
    return Response(
        row.logo,
        mimetype=logos.TYPES[row.logo_type],
        headers={
            "Content-Security-Policy": LOGO_CSP,
            "X-Content-Type-Options": "nosniff",
            "Content-Disposition": f'inline; filename="{name}"',
            "Cache-Control": YEAR,
            "Cross-Origin-Resource-Policy": "same-origin",
        },
    )


@bp.get("/e/<slug>/brand/<int:version>.css")
def stylesheet(slug, version):
    """The accent as CSS custom properties: only a checked #rrggbb and its derived shades."""
    event = event_or_404(slug)
    look = domain.look(event)
    if not look["palette"]:
        abort(404)
    if version != look["version"]:
        return redirect(url_for("branding.stylesheet", slug=slug, version=look["version"]))
    css = render_template("branding/brand.css", p=look["palette"])
    return Response(css, mimetype="text/css", headers={"Cache-Control": YEAR})
