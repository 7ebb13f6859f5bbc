"""Tips board: a person's card, connection requests, and my own JSON and exports.

Every contact shown here went through ``consent.contact_for``.
"""

from __future__ import annotations

import json

from flask import abort, render_template
from flask_babel import gettext as _

from barcamp.core.errors import DomainError, wants_json
from barcamp.core.extensions import db
from barcamp.core.identity import event_or_404
from barcamp.core.models import Event
from barcamp.core.ratelimits import limiter
from barcamp.core.replies import done, failed
from barcamp.tips import consent, reading
from barcamp.tips.export import attachment, card_dict, tip_dict, to_csv, to_vcard
from barcamp.tips.models import Connection, TipCard
from barcamp.tips.views import board_url, bp, viewer, visible_card


@bp.get("/e/<slug>/tips/people/<int:card_id>")
def person(slug, card_id):
    """One card: tips, tags, and its contact if (and only if) I was granted it."""
    event = event_or_404(slug)
    _att, mine = viewer(event)
    card = visible_card(event, card_id, mine)
    contact = consent.contact_for(mine, card)
    state = consent.connection_states(reading.member(mine)).get(card.id)
    if wants_json():
        return {**card_dict(card, contact), "connection": state}
    return render_template(
        "tips/person.html",
        event=event,
        card=card,
        mine=mine,
        me=reading.member(mine),
        contact=contact,
        links=consent.links_for(mine, card),
        state=state,
        tips=reading.visible_tips(event, card),
        helpful=reading.helpful_counts(event.id),
    )


@bp.post("/e/<slug>/tips/people/<int:card_id>/connect")
@limiter.limit("60/hour")
def connect(slug, card_id):
    """Ask a card to connect (share contacts once they accept)."""
    event = event_or_404(slug)
    _att, mine = viewer(event)
    other = visible_card(event, card_id)
    try:
        state = consent.request_connection(mine, other)
    except DomainError as exc:
        return failed(exc.message, exc.status, to=board_url(event))
    if state == "accepted":
        message = _("You are connected with %(name)s.", name=other.display_name)
    else:
        message = _("Request sent. %(name)s's contact appears once they accept.", name=other.display_name)
    return done(board_url(event, "#connections"), message, state=state)


@bp.post("/e/<slug>/tips/connections/<int:conn_id>/<any(accept, ignore):answer>")
def answer(slug, conn_id, answer):
    """Accept or ignore a request to connect addressed to me."""
    event = event_or_404(slug)
    _att, mine = viewer(event)
    conn = db.session.get(Connection, conn_id)
    if conn is None:
        abort(404)
    try:
        consent.answer_connection(mine, conn, answer == "accept")
    except DomainError as exc:
        return failed(exc.message, exc.status, to=board_url(event))
    return done(board_url(event, "#connections"), _("Connected.") if answer == "accept" else None)


@bp.get("/e/<slug>/tips/connections")
def connections(slug):
    """My requests and connections (private; refreshed live through my card's channel)."""
    event = event_or_404(slug)
    _att, mine = viewer(event)
    html = render_template("tips/_connections.html", event=event, conns=consent.connection_lists(mine))
    return html, 200, {"Cache-Control": "no-store"}


def _personal_board(event: Event, mine: TipCard | None) -> dict:
    me = reading.member(mine)
    partners = consent.accepted_partners(me)
    helpful = reading.helpful_counts(event.id)
    cards = reading.visible_cards(event)
    return {
        "me": card_dict(reading.with_tags([mine])[0], mine.contact) | {"hidden": mine.hidden} if mine else None,
        "tips": [tip_dict(t, helpful) for t in reading.visible_tips(event)],
        "cards": [card_dict(c, consent.contact_for(me, c, partners)) for c in cards],
    }


@bp.get("/e/<slug>/tips.json")
def board_json(slug):
    """The board as JSON for me: contacts only where I was granted them."""
    event = event_or_404(slug)
    _att, mine = viewer(event)
    return _personal_board(event, mine), 200, {"Cache-Control": "no-store"}


def _my_export(event: Event) -> dict:
    attendee, mine = viewer(event)
    conns = consent.connection_lists(mine)["accepted"]
    reading.with_tags([card for card, _contact in conns])
    helpful = reading.helpful_counts(event.id)
    return {
        "event": event.name,
        "card": _personal_board(event, mine)["me"],
        "my_tips": [tip_dict(t, helpful) for t in reading.visible_tips(event, mine)] if mine else [],
        "connections": [card_dict(c, contact) for c, contact in conns],
        "saved_tips": [tip_dict(t, helpful) for t in reading.saved_tips(event, attendee)],
    }


@bp.get("/e/<slug>/tips/export.json")
def export_json(slug):
    """My own export: my card, accepted connections and saved tips."""
    event = event_or_404(slug)
    body = json.dumps(_my_export(event), ensure_ascii=False, indent=2)
    return attachment(body, "application/json", f"{event.slug}-tips.json")


@bp.get("/e/<slug>/tips/export.vcf")
def export_vcf(slug):
    """My accepted connections as vCards."""
    event = event_or_404(slug)
    _att, mine = viewer(event)
    return attachment(
        to_vcard(consent.connection_lists(mine)["accepted"], event.name), "text/vcard", f"{event.slug}-contacts.vcf"
    )


@bp.get("/e/<slug>/tips/export.csv")
def export_csv(slug):
    """My accepted connections and saved tips as one CSV."""
    event = event_or_404(slug)
    data = _my_export(event)
    rows = [
        ["connection", c["display_name"], c["intro"], "", ", ".join(c["help"]), c.get("contact", "")]
        for c in data["connections"]
    ]
    rows += [
        ["saved tip", t["author"], t["text"], t["link"] or "", ", ".join(t["tags"]), ""] for t in data["saved_tips"]
    ]
    body = to_csv(["kind", "name", "text", "link", "tags", "contact"], rows)
    return attachment(body, "text/csv", f"{event.slug}-tips.csv")
