""" "People I met": the private page, its vCard and CSV, by this browser's cookie or a signed link.

The signed link (``core.signing``, like the calendar link) keeps the page after the event on any
device, until the retention purge deletes the event. A forged or foreign key is a 404.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, make_response, render_template, request, url_for
from flask_babel import gettext as _

from barcamp.core import signing
from barcamp.core.identity import current_attendee, event_or_404
from barcamp.core.models import Attendee, Event
from barcamp.people import domain
from barcamp.people.export import to_people_csv, to_vcard
from barcamp.tips import reading
from barcamp.tips.export import attachment

bp = Blueprint("people", __name__)
PURPOSE = "people-i-met"  # the signing purpose of the private link


def private_url(event: Event, attendee: Attendee | None, endpoint: str = "people.page") -> str | None:
    """The page (or a download) that opens without the cookie: the attendee's id, signed."""
    if attendee is None:
        return None
    return url_for(endpoint, slug=event.slug, k=signing.attendee_key(PURPOSE, event, attendee), _external=True)


def _whose(event: Event) -> tuple[Attendee | None, str | None]:
    """The attendee this request opens, and the key it came with (None: by the cookie).
    Nobody once the retention purge is due: the page lives as long as the data it gathers."""
    if domain.kept_until(event, current_app.config["RETENTION_DAYS"])[1]:
        return None, None
    if "k" in request.args:
        attendee = signing.key_attendee(PURPOSE, event, request.args["k"])
        if attendee is None:
            abort(404)
        return attendee, request.args["k"]
    return current_attendee(event), None


def via_labels() -> dict[str, str]:
    """How we met, in words."""
    return {"board": _("tips board"), "mixer": _("meet someone new"), "buddy": _("buddies")}


def _private(response):
    response.headers["Cache-Control"] = "no-store"  # other people's contacts: no copy is kept anywhere
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/e/<slug>/people")
def page(slug):
    """My people, their links and contacts, my sessions and my saved tips."""
    event = event_or_404(slug)
    attendee, key = _whose(event)
    until, purged = domain.kept_until(event, current_app.config["RETENTION_DAYS"])
    html = render_template(
        "people/page.html",
        event=event,
        until=until,
        purged=purged,
        people=domain.people_met(event, attendee),
        sessions=domain.sessions_attending(event, attendee),
        saved=reading.saved_tips(event, attendee),
        via=via_labels(),
        key=key,
        link=private_url(event, attendee),
    )
    return _private(make_response(html))


@bp.get("/e/<slug>/people.vcf")
def vcard(slug):
    """My people as vCards."""
    event = event_or_404(slug)
    attendee, _key = _whose(event)
    body = to_vcard(domain.people_met(event, attendee), event.name)
    return _private(attachment(body, "text/vcard", f"{event.slug}-people.vcf"))


@bp.get("/e/<slug>/people.csv")
def csv(slug):
    """My people as CSV."""
    event = event_or_404(slug)
    attendee, _key = _whose(event)
    body = to_people_csv(domain.people_met(event, attendee), via_labels())
    return _private(attachment(body, "text/csv", f"{event.slug}-people.csv"))
