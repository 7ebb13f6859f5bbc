"""The mixer's pages and forms: the attendee's "Meet" page (rounds and buddies) and the console's
round controls. Thin: read the form, call the domain, answer with ``done``/``failed``."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _

from barcamp.core import screens
from barcamp.core.errors import DomainError
from barcamp.core.identity import current_attendee, event_or_404, facilitator_required
from barcamp.core.models import Event
from barcamp.core.ratelimits import fresh_posts, fresh_votes, limiter
from barcamp.core.replies import done, failed
from barcamp.mixer import after, buddies, domain, reading
from barcamp.mixer.forms import PointsForm, RoundForm, point_names
from barcamp.tips.reading import card_of

bp = Blueprint("mixer", __name__)


def meet_url(event: Event, anchor: str = "") -> str:
    return url_for("mixer.page", slug=event.slug) + anchor


def _flag(name: str) -> bool:
    return request.form.get(name, "1") != "0"


def personal_context(event: Event, attendee) -> dict:
    card = card_of(event, attendee)
    return {
        "event": event,
        "mine": reading.my_round(event, attendee),
        "buddy": reading.my_buddies(event, attendee),
        "my_contact": card.contact if card is not None and not card.hidden else "",
    }


@bp.get("/e/<slug>/meet", endpoint="page")
def meet_page(slug):
    """Meet someone new: join a round, my group, "we met", contacts; first-timer buddies."""
    event = event_or_404(slug)
    attendee = current_attendee(event)
    return render_template("mixer/page.html", known=attendee is not None, **personal_context(event, attendee))


@bp.get("/e/<slug>/meet/mine")
def mine(slug):
    """My round and my buddies (private: refreshed live through my own channel)."""
    event = event_or_404(slug)
    html = render_template("mixer/_mine.html", **personal_context(event, current_attendee(event)))
    return html, 200, {"Cache-Control": "no-store"}


@bp.post("/e/<slug>/meet/join")
@limiter.limit("60/hour")
@fresh_votes
def join(slug):
    """I'm in (on=1) or out (on=0) of the current round."""
    event = event_or_404(slug)
    on = _flag("on")
    try:
        member = domain.join(event, current_attendee(event, create=True), on)
    except DomainError as exc:
        return failed(exc.message, exc.status, to=meet_url(event))
    if not on:
        return done(meet_url(event), _("You are out of this round."), on=False)
    waiting = member is not None and member.group_no is None and domain.current_round(event.id).formed
    message = _("Every group is full. You are in the next round.") if waiting else _("You're in!")
    return done(meet_url(event, "#my-round"), message, on=True)


@bp.post("/e/<slug>/meet/met")
@limiter.limit("60/hour")
def met(slug):
    """ "We met" (on=1) or take it back (on=0): anonymous counts."""
    event = event_or_404(slug)
    member = domain.member_of(domain.current_round(event.id), current_attendee(event))
    try:
        after.set_met(member, _flag("on"))
    except DomainError as exc:
        return failed(exc.message, exc.status, to=meet_url(event))
    return done(meet_url(event, "#my-round"), _("Thank you! Counted, without your name."), on=_flag("on"))


@bp.post("/e/<slug>/meet/share/<int:member_id>")
@limiter.limit("60/hour")
@fresh_posts
def share(slug, member_id):
    """Say yes (on=1, with my contact) or no (on=0) to swapping contacts with a group-mate."""
    event = event_or_404(slug)
    member = domain.member_of(domain.current_round(event.id), current_attendee(event))
    try:
        if _flag("on"):
            both = after.share_contact(member, member_id, request.form.get("contact", ""))
        else:
            after.withdraw_contact(member, member_id)
            return done(meet_url(event, "#my-round"), _("Your contact is no longer shared."))
    except DomainError as exc:
        return failed(exc.message, exc.status, to=meet_url(event, "#my-round"))
    message = (
        _("You both said yes: contacts swapped.") if both else _("Sent. Their contact shows once they say yes too.")
    )
    return done(meet_url(event, "#my-round"), message, both=both)


@bp.post("/e/<slug>/meet/buddy/offer")
@limiter.limit("30/hour")
def buddy_offer(slug):
    """Offer to be a buddy for 1 to 3 first-timers (0: withdraw the offer)."""
    event = event_or_404(slug)
    capacity = request.form.get("capacity", 0, type=int)
    try:
        buddies.offer(event, current_attendee(event, create=True), capacity)
    except DomainError as exc:
        return failed(exc.message, exc.status, to=meet_url(event, "#buddies"))
    message = _("Thank you! We'll match you with a first-timer.") if capacity else _("Your offer is withdrawn.")
    return done(meet_url(event, "#buddies"), message)


@bp.post("/e/<slug>/meet/buddy/ask")
@limiter.limit("30/hour")
def buddy_ask(slug):
    """A first-timer asks for a buddy (on=0: stops asking)."""
    event = event_or_404(slug)
    on = _flag("on")
    try:
        buddies.ask(event, current_attendee(event, create=True), request.form.get("first_timer") == "1", on)
    except DomainError as exc:
        return failed(exc.message, exc.status, to=meet_url(event, "#buddies"))
    return done(meet_url(event, "#buddies"), _("Asked. We'll find you a buddy.") if on else _("You stopped asking."))


@bp.post("/e/<slug>/meet/buddy/<int:pair_id>/end")
def buddy_end(slug, pair_id):
    """End a buddy pairing I am in; the other is told it ended, not why."""
    event = event_or_404(slug)
    attendee = current_attendee(event)
    if attendee is None:
        return failed(buddies.MESSAGES["missing"], 404)
    try:
        buddies.end(event, attendee, pair_id)
    except DomainError as exc:
        return failed(exc.message, exc.status, to=meet_url(event, "#buddies"))
    return done(meet_url(event, "#buddies"), _("The pairing has ended."))


# --- the console ----------------------------------------------------------------------


@bp.post("/e/<slug>/facilitate/meet/points")
@facilitator_required
def points(event):
    """Save the event's meeting points."""
    form = PointsForm(prefix="mixpoints")
    if not form.validate():
        return failed(form.error_text(), 400, page=lambda: screens.render_console(event, 400, mix_points_form=form)[0])
    domain.save_points(event, point_names(form.points.data))
    return done(screens.console_url(event, "#mixer"), _("Meeting points saved."))


@bp.post("/e/<slug>/facilitate/meet/open")
@facilitator_required
def open_round(event):
    """Open a round: group size, length, and when the groups form."""
    form = RoundForm(prefix="mixround")
    if not form.validate():
        return failed(form.error_text(), 400, page=lambda: screens.render_console(event, 400, mix_round_form=form)[0])
    domain.open_round(event, form.group_size.data, form.minutes.data, form.join_minutes.data)
    return done(screens.console_url(event, "#mixer"), _("The round is open: phones show “I'm in”."))


@bp.post("/e/<slug>/facilitate/meet/start")
@facilitator_required
def start(event):
    """Form the open round's groups now."""
    domain.start_now(event)
    return done(screens.console_url(event, "#mixer"), _("Groups are formed; phones show where to go."))


@bp.post("/e/<slug>/facilitate/meet/close")
@facilitator_required
def close(event):
    """End the current round."""
    domain.close_round(event)
    return done(screens.console_url(event, "#mixer"), _("The round is closed."))
