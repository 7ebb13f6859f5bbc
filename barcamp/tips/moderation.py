"""Tips board for facilitators: moderation (hide, show, dismiss reports) and the whole-board export.

Facilitators never see contacts: nothing here reads them.
"""

from __future__ import annotations

import json

from flask import abort, redirect, render_template, url_for
from sqlalchemy import select

from barcamp.core.errors import wants_json
from barcamp.core.extensions import db
from barcamp.core.identity import facilitator_required
from barcamp.core.models import Event
from barcamp.tips import domain as board
from barcamp.tips import reading
from barcamp.tips.export import attachment, card_dict, tip_dict, to_csv
from barcamp.tips.models import Tip, TipCard
from barcamp.tips.views import bp


def moderation_context(event: Event) -> dict:
    """Every card and tip (hidden ones too), reported ones first; no contacts."""
    reports = reading.report_counts(event)
    cards = reading.with_tags(db.session.scalars(select(TipCard).where(TipCard.event_id == event.id)).all())
    tips = db.session.scalars(select(Tip).join(TipCard).where(TipCard.event_id == event.id)).all()
    cards.sort(key=lambda c: (-reports.get(("card", c.id), 0), not c.hidden, -c.id))
    tips.sort(key=lambda t: (-reports.get(("tip", t.id), 0), not t.hidden, -t.id))
    return {"cards": cards, "tips": tips, "reports": reports, "open_reports": sum(reports.values())}


@bp.get("/e/<slug>/tips/moderate")
@facilitator_required
def moderate(event):
    """The facilitator's view of the whole board, with hide/show."""
    return render_template("tips/moderate.html", event=event, **moderation_context(event))


@bp.get("/e/<slug>/tips/moderate/list")
@facilitator_required
def moderate_list(event):
    """The moderation list alone, refetched live by the moderation page."""
    html = render_template("tips/_moderation.html", event=event, **moderation_context(event))
    return html, 200, {"Cache-Control": "no-store"}


@bp.post("/e/<slug>/tips/moderate/<any(tip, card):target>/<int:target_id>/<any(hide, show, dismiss):action>")
@facilitator_required
def moderate_action(event, target, target_id, action):
    """Hide or show a tip or card, or dismiss its reports."""
    item = db.session.get(Tip if target == "tip" else TipCard, target_id)
    owner = item and (item.card.event_id if target == "tip" else item.event_id)
    if owner != event.id:
        abort(404)
    if action == "dismiss":
        board.dismiss_reports(event, target, target_id)
    else:
        board.set_hidden(event, item, action == "hide")
    if wants_json():
        return {"ok": True}
    return redirect(url_for("tips.moderate", slug=event.slug) + f"#{target}-{target_id}")


def _whole_board(event: Event) -> dict:
    ctx = moderation_context(event)
    helpful = reading.helpful_counts(event.id)
    return {
        "cards": [card_dict(c) | {"hidden": c.hidden} for c in sorted(ctx["cards"], key=lambda c: c.id)],
        "tips": [tip_dict(t, helpful) | {"hidden": t.hidden} for t in sorted(ctx["tips"], key=lambda t: t.id)],
    }


@bp.get("/e/<slug>/tips/board.json")
@facilitator_required
def facilitator_json(event):
    """The whole board for facilitators, without any contact."""
    body = json.dumps(_whole_board(event), ensure_ascii=False, indent=2)
    return attachment(body, "application/json", f"{event.slug}-board.json")


@bp.get("/e/<slug>/tips/board.csv")
@facilitator_required
def facilitator_csv(event):
    """The whole board for facilitators as CSV, without any contact."""
    data = _whole_board(event)
    rows = [
        [
            "card",
            c["id"],
            c["display_name"],
            c["intro"],
            "",
            ", ".join(c["help"]),
            ", ".join(c["seek"]),
            "",
            c["hidden"],
        ]
        for c in data["cards"]
    ]
    rows += [
        ["tip", t["id"], t["author"], t["text"], t["link"] or "", ", ".join(t["tags"]), "", t["helpful"], t["hidden"]]
        for t in data["tips"]
    ]
    header = ["kind", "id", "name", "text", "link", "tags / can help with", "looking for", "helpful", "hidden"]
    return attachment(to_csv(header, rows), "text/csv", f"{event.slug}-board.csv")
