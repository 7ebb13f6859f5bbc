""" "I can help with this": offering help, the asker's pick of a helper, and the helper's own list."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _

from barcamp.core.errors import DomainError
from barcamp.core.identity import current_attendee, event_or_404, event_row_or_404
from barcamp.core.models import Event
from barcamp.core.ratelimits import fresh_posts, limiter
from barcamp.core.replies import done, failed
from barcamp.helping import domain
from barcamp.questions.models import Question
from barcamp.questions.secrets import read_secrets
from barcamp.tips.reading import card_of

bp = Blueprint("helping", __name__)


def wall_url(event: Event, anchor: str) -> str:
    return url_for("questions.wall", slug=event.slug) + anchor


@bp.post("/e/<slug>/questions/<int:question_id>/help")
@limiter.limit("30/minute")
@fresh_posts
def offer(slug, question_id):
    """ "I can help with this", with an optional short note; only the asker sees it."""
    event = event_or_404(slug)
    question = event_row_or_404(Question, event, question_id)
    helper = current_attendee(event, create=True)
    try:
        domain.offer_help(question, helper, request.form.get("note", ""), read_secrets())
    except DomainError as exc:
        return failed(exc.message, exc.status, to=wall_url(event, f"#q-{question.id}"))
    return done(wall_url(event, "#helping"), _("Thank you! The asker sees your offer and may pick you."))


@bp.post("/e/<slug>/questions/<int:question_id>/offers/<int:offer_id>/pick")
@limiter.limit("30/minute")
def pick(slug, question_id, offer_id):
    """The asker (by the question's secret) picks a helper, a meeting point and a time."""
    event = event_or_404(slug)
    question = event_row_or_404(Question, event, question_id)
    point, at = request.form.get("point", ""), request.form.get("at", "")
    try:
        chosen = domain.pick(question, offer_id, read_secrets(), point, at)
    except DomainError as exc:
        return failed(exc.message, exc.status, to=wall_url(event, "#mine"))
    label = domain.meeting(chosen)["token"]["label"]
    message = _("Done: meet at %(point)s at %(at)s and show %(token)s.", point=point, at=at, token=label)
    return done(wall_url(event, "#mine"), message)


@bp.post("/e/<slug>/questions/<int:question_id>/offers/<int:offer_id>/share")
@limiter.limit("30/minute")
def share(slug, question_id, offer_id):
    """The asker (by the question's secret) shares their tips card with one helper."""
    event = event_or_404(slug)
    question = event_row_or_404(Question, event, question_id)
    mine = card_of(event, current_attendee(event))
    try:
        state = domain.share_card(question, offer_id, read_secrets(), mine)
    except DomainError as exc:
        return failed(exc.message, exc.status, to=wall_url(event, "#mine"))
    if state == "accepted":
        message = _("Done: you and your helper now see each other's contact on the tips board.")
    else:
        message = _("Done: your helper sees your tips card and can accept to share contacts.")
    return done(wall_url(event, "#mine"), message, state=state)


@bp.get("/e/<slug>/questions/helping")
def mine(slug):
    """My offers of help and the meetings arranged from them (a per-viewer fragment, never shared)."""
    event = event_or_404(slug)
    html = render_template("helping/_mine.html", event=event, helping=domain.helping(event, current_attendee(event)))
    return html, 200, {"Cache-Control": "no-store"}
