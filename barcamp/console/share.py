"""Ready to share: the join QR code and links, a printable A4 join poster (in either language),
and table-tent cards for the rooms (the room, its sessions that day, a QR code to the question wall)."""

from __future__ import annotations

import segno
from flask import abort, current_app, render_template, request, url_for
from flask_babel import force_locale
from markupsafe import Markup

from barcamp.console.views import bp
from barcamp.core.identity import facilitator_required
from barcamp.grid.reading import build_grid, day_on_screen


def qr_svg(url: str) -> Markup:
    """A QR code as inline SVG that scales to its box (made here, no external service)."""
    svg = segno.make(url, error="m").svg_inline(scale=1, border=2, dark="#000", light="#fff", omitsize=True)
    return Markup(svg)  # noqa: S704 -- segno's own SVG of a URL we made


def join_url(event) -> str:
    return url_for("events.home", slug=event.slug, _external=True)


def _language() -> str:
    lang = request.args.get("lang") or ""
    if lang and lang not in current_app.config["LANGUAGES"]:
        abort(404)
    return lang


@bp.get("/e/<slug>/facilitate/poster")
@facilitator_required
def poster(event):
    """A printable A4 join poster: QR code, join code, link and hashtag (``?lang=de`` or ``en``)."""
    lang = _language()
    context = {"event": event, "qr": qr_svg(join_url(event)), "url": join_url(event), "lang": lang}
    if lang:
        with force_locale(lang):
            return render_template("setup/poster.html", **context)
    return render_template("setup/poster.html", **context)


@bp.get("/e/<slug>/facilitate/tents")
@facilitator_required
def tents(event):
    """Table-tent cards, one a room: its name, its sessions on the day shown, a QR code to the wall."""
    grid = build_grid(event)
    day, rows = day_on_screen(grid)
    wall = url_for("questions.wall", slug=event.slug, _external=True)
    cards = []
    for room in grid.rooms:
        sessions = [(row, cell.pitch) for row in rows for cell in row.cells if cell.room.id == room.id and cell.pitch]
        cards.append({"room": room, "sessions": sessions})
    return render_template("setup/tents.html", event=event, day=day, cards=cards, qr=qr_svg(wall), wall=wall)
