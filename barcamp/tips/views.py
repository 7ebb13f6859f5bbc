"""The tips board: one's own opt-in card, tips, marks and reports.

Connection requests and contacts are in ``people``; the facilitators' moderation in ``moderation``."""

from __future__ import annotations

import json

from flask import Blueprint, abort, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from barcamp.core.errors import DomainError, wants_json
from barcamp.core.extensions import db
from barcamp.core.identity import current_attendee, event_or_404
from barcamp.core.models import Event
from barcamp.core.ratelimits import fresh_posts, fresh_votes, limiter
from barcamp.core.replies import done, failed
from barcamp.core.tags import parse_tags
from barcamp.tips import consent, reading, undo
from barcamp.tips import domain as board
from barcamp.tips.forms import CardForm, TipForm
from barcamp.tips.links import links_text, parse_links
from barcamp.tips.models import Tip, TipCard
from barcamp.tips.partials import render_tips, tag_arg

bp = Blueprint("tips", __name__)

# --- helpers ------------------------------------------------------------------


# What a mark's toggle says, by (kind, on): a visible confirmation (with "Undo" where JS runs).
MARKED = {
    ("helpful", True): _l("Marked as helpful."),
    ("helpful", False): _l("No longer marked as helpful."),
    ("saved", True): _l("Saved for later."),
    ("saved", False): _l("Removed from your saved tips."),
}


def viewer(event: Event, create: bool = False):
    attendee = current_attendee(event, create=create)
    return attendee, reading.card_of(event, attendee)


def board_url(event: Event, anchor: str = "") -> str:
    return url_for("tips.board", slug=event.slug) + anchor


def visible_tip(event: Event, tip_id: int) -> Tip:
    tip = db.session.get(Tip, tip_id)
    if tip is None or tip.card.event_id != event.id or tip.hidden or tip.card.hidden:
        abort(404)
    return tip


def visible_card(event: Event, card_id: int, mine: TipCard | None = None) -> TipCard:
    card = db.session.get(TipCard, card_id)
    if card is None or card.event_id != event.id or (card.hidden and card != mine):
        abort(404)
    return reading.with_tags([card])[0]


def _card_form(attendee, mine, formdata=None) -> CardForm:
    form = CardForm(prefix="card", formdata=formdata)
    if formdata is None:
        if mine is not None:
            tags = reading.card_tags([mine.id])[mine.id]
            form.process(
                obj=mine,
                data={"help_tags": ", ".join(tags["help"]), "seek_tags": ", ".join(tags["seek"])},
            )
            form.links.data = links_text(mine.links)  # ``obj`` would hand the field the rows
        elif attendee is not None:
            form.display_name.data = attendee.display_name
    return form


def render_board(event: Event, status: int = 200, card_form=None, tip_form=None):
    """The board page; a failed form comes back with its errors and typed text."""
    attendee, mine = viewer(event)
    me = reading.member(mine)
    marks = reading.marks_of(event, attendee)
    marks["mine"] = {t.id for t in mine.tips} if mine else set()
    conns = consent.connection_lists(mine)
    page = render_template(
        "tips/board.html",
        event=event,
        attendee=attendee,
        mine=mine,
        me=me,
        mine_tags=reading.card_tags([mine.id])[mine.id] if mine else None,
        my_tips=sorted(mine.tips, key=lambda t: t.created_at, reverse=True) if mine else [],
        card_form=card_form or _card_form(attendee, mine),
        mine_links=consent.links_for(mine, mine) if mine else [],
        tip_form=tip_form or TipForm(prefix="tip", formdata=None),
        matches=reading.matches(event, mine),
        saved=reading.saved_tips(event, attendee),
        tips_html=render_tips(event, marks),
        marks_json=json.dumps({k: sorted(v) for k, v in marks.items()}),
        conns=conns,
        states=consent.connection_states(me),
        tag=tag_arg(),
        left=undo.left_card(event, attendee) if mine is None else None,
        deleted_tips=undo.deleted_tips(mine),
    )
    response = make_response(page, status)
    if any(contact for _other, contact in conns["accepted"]):
        response.cache_control.no_store = True  # other people's contacts: no copy is kept anywhere
    return response


# --- views: the board -------------------------------------------------------------


@bp.get("/e/<slug>/tips", endpoint="board")
def board_page(slug):
    """The board: join, post, matches, connections, and everyone's tips."""
    return render_board(event_or_404(slug))


@bp.post("/e/<slug>/tips/card")
@limiter.limit("30/hour")
@fresh_posts
def save_card(slug):
    """Join the board (creates my card) or edit my card."""
    event = event_or_404(slug)
    attendee, mine = viewer(event, create=True)
    form = _card_form(attendee, mine, formdata=request.form)
    if not form.validate():
        if wants_json():
            return {"error": form.error_text()}, 400
        return render_board(event, 400, card_form=form)
    if mine is None:
        undo.forget_left_card(event, attendee)
    board.save_card(
        event,
        attendee,
        display_name=form.display_name.data,
        intro=form.intro.data or "",
        help_tags=parse_tags(form.help_tags.data),
        seek_tags=parse_tags(form.seek_tags.data),
        show_first_timer=form.show_first_timer.data,
        contact=form.contact.data or "",
        contact_visibility=form.contact_visibility.data,
        links=parse_links(form.links.data),
    )
    return done(board_url(event, "#my-card"), _("Your card is saved.") if mine else _("Welcome to the board!"))


@bp.post("/e/<slug>/tips/leave")
def leave(slug):
    """Leave the board: my card, tips and connections are gone at once (deleted for real after
    the grace period, in which "Undo" brings them back)."""
    event = event_or_404(slug)
    _att, mine = viewer(event)
    if mine is None:
        return done(board_url(event), _("You left the board. Your card and tips are deleted."))
    undo.leave_board(event, mine)
    return done(board_url(event), _("You left the board."), undo=url_for("tips.come_back", slug=event.slug))


@bp.post("/e/<slug>/tips/leave/undo")
def come_back(slug):
    """Undo leaving the board (this browser's card only, within the grace period)."""
    event = event_or_404(slug)
    try:
        undo.come_back(event, current_attendee(event))
    except DomainError as exc:
        return failed(exc.message, 409, to=board_url(event))
    return done(board_url(event, "#my-card"), _("You are back on the board."))


@bp.post("/e/<slug>/tips/post")
@limiter.limit("20/hour")
@fresh_posts
def post(slug):
    """Post a tip from my card."""
    event = event_or_404(slug)
    _att, mine = viewer(event)
    form = TipForm(prefix="tip")
    if reading.member(mine) is None:
        return failed(board.MESSAGES["join"], 403, to=board_url(event))
    if not form.validate():
        if wants_json():
            return {"error": form.error_text()}, 400
        return render_board(event, 400, tip_form=form)
    tip = board.post_tip(mine, form.text.data, form.link.data or "", parse_tags(form.tags.data))
    return done(board_url(event, f"#tip-{tip.id}"), _("Your tip is on the board."), id=tip.id)


@bp.post("/e/<slug>/tips/<int:tip_id>/delete")
def delete(slug, tip_id):
    """Delete one of my tips."""
    event = event_or_404(slug)
    _att, mine = viewer(event)
    tip = db.session.get(Tip, tip_id)
    if mine is None or tip is None or tip.card_id != mine.id:
        abort(404)
    undo.delete_tip(mine, tip)
    again = url_for("tips.restore", slug=event.slug, tip_id=tip_id)
    return done(board_url(event, "#my-card"), _("Tip deleted."), undo=again)


@bp.post("/e/<slug>/tips/<int:tip_id>/restore")
def restore(slug, tip_id):
    """Undo deleting one of my tips (my own only, within the grace period)."""
    event = event_or_404(slug)
    _att, mine = viewer(event)
    try:
        tip = undo.restore_tip(mine, tip_id)
    except DomainError as exc:
        return failed(exc.message, exc.status, to=board_url(event, "#my-card"))
    return done(board_url(event, f"#tip-{tip.id}"), _("Your tip is back on the board."))


@bp.post("/e/<slug>/tips/<int:tip_id>/mark")
@limiter.limit("300/hour")
@fresh_votes
def mark(slug, tip_id):
    """Mark a tip helpful or save it to my list (on=1/0; anything else toggles)."""
    event = event_or_404(slug)
    tip = visible_tip(event, tip_id)
    attendee, _mine = viewer(event, create=True)
    kind = request.form.get("kind", "")
    on = {"1": True, "0": False}.get(request.form.get("on", ""))
    try:
        state = board.set_mark(attendee, tip, kind, on)
    except DomainError as exc:
        return failed(exc.message, exc.status, to=board_url(event))
    return done(board_url(event, f"#tip-{tip.id}"), MARKED[kind, state], kind=kind, on=state)


@bp.post("/e/<slug>/tips/report/<any(tip, card):target>/<int:target_id>")
@limiter.limit("30/hour")
def report(slug, target, target_id):
    """Report a tip or a card to the facilitators."""
    event = event_or_404(slug)
    if target == "tip":
        visible_tip(event, target_id)
    else:
        visible_card(event, target_id)
    attendee, _mine = viewer(event, create=True)
    board.report(event, attendee, target, target_id)
    return done(board_url(event), _("Thank you. A facilitator will take a look."))
