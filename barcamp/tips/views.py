"""The opt-in tips exchange board: forms, thin views, live partials and exports.

The rules live in ``tips_domain``; what leaves the board is shaped in ``tips_export``.
"""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from barcamp.core import rules
from barcamp.core.api import section
from barcamp.core.errors import wants_json
from barcamp.core.extensions import db
from barcamp.core.forms import Form, strip
from barcamp.core.identity import current_attendee, event_or_404
from barcamp.core.models import Event, Tip, TipCard
from barcamp.core.partials import partial
from barcamp.core.ratelimits import fresh_posts, fresh_votes, limiter
from barcamp.tips import consent
from barcamp.tips import domain as board
from barcamp.tips.export import card_dict, tip_dict

bp = Blueprint("tips", __name__)

MESSAGES = {
    "join": _l("Join the board first."),
    "missing": _l("We couldn't find that on the board."),
    "not-on-request": _l("This person does not share a contact on request."),
    "need-contact": _l(
        "Add a contact to your card (public or on request) first, so the other person can reach you too."
    ),
    "own-tip": _l("That's your own tip."),
    "kind": _l("Something in that request was not right. Please go back and try again."),
    "visibility": _l("Something in that request was not right. Please go back and try again."),
}


# --- forms ------------------------------------------------------------------


def _tag_list(limit: int):
    def check(form, field):
        names = board.parse_tags(field.data)
        if len(names) > limit:
            raise ValidationError(_("Please use at most %(n)s tags.", n=limit))
        if any(len(n) > 30 for n in names):
            raise ValidationError(_("Each tag can have at most 30 characters."))

    return check


class CardForm(Form):
    display_name = StringField(
        _l("Display name"),
        filters=[strip],
        validators=[DataRequired(_l("Please enter a name others can call you.")), Length(max=60)],
    )
    intro = StringField(_l("One-line intro (optional)"), filters=[strip], validators=[Optional(), Length(max=140)])
    help_tags = StringField(_l("I can help with"), validators=[_tag_list(8)])
    seek_tags = StringField(_l("I'm looking for"), validators=[_tag_list(8)])
    show_first_timer = BooleanField(_l("Show a “first barcamp — say hi” badge on my card"))
    contact = StringField(
        _l("Contact (optional)"),
        filters=[strip],
        validators=[Optional(), Length(max=200), rules.rule("tip_card", "contact")],
    )
    contact_visibility = SelectField(
        _l("Who may see my contact?"),
        choices=[
            ("request", _l("Shared on request: only people whose request I accept")),
            ("public", _l("Public to board members: everyone who joined the board")),
            ("never", _l("Never: nobody")),
        ],
        default="request",
    )


class TipForm(Form):
    text = TextAreaField(
        _l("Your tip"),
        filters=[strip],
        validators=[
            DataRequired(_l("Please write your tip.")),
            Length(min=3, max=500, message=_l("A tip needs 3 to 500 characters.")),
        ],
    )
    link = StringField(
        _l("Link (optional)"), filters=[strip], validators=[Optional(), Length(max=500), rules.rule("tip", "link")]
    )
    tags = StringField(_l("Tags (optional, up to 5)"), validators=[_tag_list(5)])


# --- helpers ------------------------------------------------------------------


def _viewer(event: Event, create: bool = False):
    attendee = current_attendee(event, create=create)
    return attendee, board.card_of(event, attendee)


def _done(event: Event, message=None, anchor: str = "", **data):
    if wants_json():
        return {"ok": True, "message": str(message) if message else None, **data}
    if message:
        flash(message, "success")
    return redirect(url_for("tips.board", slug=event.slug) + anchor)


def _form_errors(form) -> str:
    return " ".join(str(e) for errs in form.errors.values() for e in errs)


def _fail(event: Event, exc: board.BoardError):
    message = str(MESSAGES.get(str(exc), str(exc)))
    if wants_json():
        return {"error": message}, exc.status
    if exc.status in (403, 404):
        abort(exc.status)
    flash(message, "error")
    return redirect(url_for("tips.board", slug=event.slug))


def _visible_tip(event: Event, tip_id: int) -> Tip:
    tip = db.session.get(Tip, tip_id)
    if tip is None or tip.card.event_id != event.id or tip.hidden or tip.card.hidden:
        abort(404)
    return tip


def _visible_card(event: Event, card_id: int, mine: TipCard | None = None) -> TipCard:
    card = db.session.get(TipCard, card_id)
    if card is None or card.event_id != event.id or (card.hidden and card != mine):
        abort(404)
    return board.with_tags([card])[0]


def _card_form(attendee, mine, formdata=None) -> CardForm:
    form = CardForm(prefix="card", formdata=formdata)
    if formdata is None:
        if mine is not None:
            tags = board.card_tags([mine.id])[mine.id]
            form.process(
                obj=mine,
                data={"help_tags": ", ".join(tags["help"]), "seek_tags": ", ".join(tags["seek"])},
            )
        elif attendee is not None:
            form.display_name.data = attendee.display_name
    return form


def render_board(event: Event, status: int = 200, card_form=None, tip_form=None):
    """The board page; a failed form comes back with its errors and typed text."""
    attendee, mine = _viewer(event)
    me = board.member(mine)
    marks = board.marks_of(event, attendee)
    marks["mine"] = {t.id for t in mine.tips} if mine else set()
    return render_template(
        "tips/board.html",
        event=event,
        attendee=attendee,
        mine=mine,
        me=me,
        mine_tags=board.card_tags([mine.id])[mine.id] if mine else None,
        my_tips=sorted(mine.tips, key=lambda t: t.created_at, reverse=True) if mine else [],
        card_form=card_form or _card_form(attendee, mine),
        tip_form=tip_form or TipForm(prefix="tip", formdata=None),
        matches=board.matches(event, mine),
        saved=board.saved_tips(event, attendee),
        tips_html=render_tips(event, marks),
        marks_json=json.dumps({k: sorted(v) for k, v in marks.items()}),
        conns=consent.connection_lists(mine),
        states=consent.connection_states(me),
        tag=_tag_arg(),
    ), status


def _tag_arg() -> str:
    names = board.parse_tags(request.args.get("tag", ""))
    return names[0] if names else ""


@bp.app_template_test("web_link")
def _is_web_link(value) -> bool:
    return isinstance(value, str) and rules.is_web_link(value)


@bp.app_template_test("askable")
def _is_askable(card) -> bool:
    return consent.can_be_asked(card)


# --- partials -------------------------------------------------------------------


def render_tips(event: Event, marks: dict[str, set[int]] | None = None) -> Markup:
    """The tips list with the tag filter; ``marks`` (mine) only on full page renders."""
    tips, cards = board.visible_tips(event), board.visible_cards(event)
    tag = _tag_arg()
    shown = [t for t in tips if any(x.name == tag for x in t.tags)] if tag else tips
    html = render_template(
        "tips/_tips.html",
        event=event,
        tips=shown,
        cloud=board.tag_cloud(tips, cards),
        tag=tag,
        helpful=board.helpful_counts(event.id),
        marks=marks or {"helpful": set(), "saved": set()},
    )
    return Markup(html)  # noqa: S704 -- output of an autoescaped template


@partial("tips")
def tips_partial(event: Event) -> str:
    """Everyone's view of the tips (no per-person state, no contacts)."""
    return render_tips(event)


@partial("tipcards")
def cards_partial(event: Event) -> str:
    """The people on the board: names, intros, tags and badges, never contacts."""
    tag = _tag_arg()
    cards = board.visible_cards(event)
    if tag:
        cards = [c for c in cards if tag in c.help or tag in c.seek]
    return render_template("tips/_cards.html", event=event, cards=cards, tag=tag)


@section("tips")
def api_section(event: Event) -> dict:
    """Visible tips and cards for the public snapshot; no contacts, ever."""
    helpful = board.helpful_counts(event.id)
    return {
        "tips": [tip_dict(t, helpful) for t in board.visible_tips(event)],
        "cards": [card_dict(c) for c in board.visible_cards(event)],
    }


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
    attendee, mine = _viewer(event, create=True)
    form = _card_form(attendee, mine, formdata=request.form)
    if not form.validate():
        if wants_json():
            return {"error": _form_errors(form)}, 400
        return render_board(event, 400, card_form=form)
    board.save_card(
        event,
        attendee,
        display_name=form.display_name.data,
        intro=form.intro.data or "",
        help_tags=board.parse_tags(form.help_tags.data),
        seek_tags=board.parse_tags(form.seek_tags.data),
        show_first_timer=form.show_first_timer.data,
        contact=form.contact.data or "",
        contact_visibility=form.contact_visibility.data,
    )
    return _done(event, _("Your card is saved.") if mine else _("Welcome to the board!"), "#my-card")


@bp.post("/e/<slug>/tips/leave")
def leave(slug):
    """Leave the board: my card, tips and connections are deleted at once."""
    event = event_or_404(slug)
    _att, mine = _viewer(event)
    if mine is not None:
        consent.leave_board(event, mine)
    return _done(event, _("You left the board. Your card and tips are deleted."))


@bp.post("/e/<slug>/tips/post")
@limiter.limit("20/hour")
@fresh_posts
def post(slug):
    """Post a tip from my card."""
    event = event_or_404(slug)
    _att, mine = _viewer(event)
    form = TipForm(prefix="tip")
    if board.member(mine) is None:
        return _fail(event, board.BoardError("join", 403))
    if not form.validate():
        if wants_json():
            return {"error": _form_errors(form)}, 400
        return render_board(event, 400, tip_form=form)
    tip = board.post_tip(mine, form.text.data, form.link.data or "", board.parse_tags(form.tags.data))
    return _done(event, _("Your tip is on the board."), f"#tip-{tip.id}", id=tip.id)


@bp.post("/e/<slug>/tips/<int:tip_id>/delete")
def delete(slug, tip_id):
    """Delete one of my tips."""
    event = event_or_404(slug)
    _att, mine = _viewer(event)
    tip = db.session.get(Tip, tip_id)
    if mine is None or tip is None or tip.card_id != mine.id:
        abort(404)
    board.delete_tip(mine, tip)
    return _done(event, _("Tip deleted."), "#my-card")


@bp.post("/e/<slug>/tips/<int:tip_id>/mark")
@limiter.limit("300/hour")
@fresh_votes
def mark(slug, tip_id):
    """Mark a tip helpful or save it to my list (on=1/0; anything else toggles)."""
    event = event_or_404(slug)
    tip = _visible_tip(event, tip_id)
    attendee, _mine = _viewer(event, create=True)
    kind = request.form.get("kind", "")
    on = {"1": True, "0": False}.get(request.form.get("on", ""))
    try:
        state = board.set_mark(attendee, tip, kind, on)
    except board.BoardError as exc:
        return _fail(event, exc)
    return _done(event, None, f"#tip-{tip.id}", kind=kind, on=state)


@bp.post("/e/<slug>/tips/report/<any(tip, card):target>/<int:target_id>")
@limiter.limit("30/hour")
def report(slug, target, target_id):
    """Report a tip or a card to the facilitators."""
    event = event_or_404(slug)
    if target == "tip":
        _visible_tip(event, target_id)
    else:
        _visible_card(event, target_id)
    attendee, _mine = _viewer(event, create=True)
    board.report(event, attendee, target, target_id)
    return _done(event, _("Thank you. A facilitator will take a look."))


# The people/connections and facilitator views add themselves to ``bp``.
from barcamp.tips import moderation, people  # noqa: E402, F401
