"""The anonymous question wall: ask, upvote, report, delete one's own, promote to a pitch; moderation."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from barcamp.core import ratelimits, screens
from barcamp.core.errors import DomainError, wants_json
from barcamp.core.identity import (
    current_attendee,
    event_or_404,
    event_row_or_404,
    facilitator_required,
    is_facilitator,
)
from barcamp.core.models import Event
from barcamp.core.ratelimits import fresh_posts, fresh_votes, limiter
from barcamp.core.replies import done, failed
from barcamp.pitches.models import Pitch
from barcamp.questions import domain as qd
from barcamp.questions import reading
from barcamp.questions.forms import QuestionForm, QuestionSettingsForm
from barcamp.questions.models import Question
from barcamp.questions.partials import PROMOTE_VOTES, session_of, wall_args, wall_context
from barcamp.questions.secrets import read_secrets, store_secrets

bp = Blueprint("questions", __name__)


def wall_url(event: Event, question: Question | None = None, anchor: str = "") -> str:
    pitch_id = question.pitch_id if question else None
    anchor = anchor or (f"#q-{question.id}" if question else "")
    return url_for("questions.wall", slug=event.slug, pitch=pitch_id) + anchor


def render_wall(event: Event, pitch: Pitch | None, sort: str, form: QuestionForm, status: int = 200):
    """The wall page, with this viewer's own questions and upvotes (full page only)."""
    attendee = current_attendee(event)
    moderate = is_facilitator(event)
    if pitch and not form.pitch.data:
        form.pitch.data = str(pitch.id)
    if not form.nonce.data:
        form.nonce.data = qd.new_secret()
    return render_template(
        "questions/wall.html",
        form=form,
        voted=reading.my_question_votes(event, attendee),
        mine=qd.own_questions(event, read_secrets()),
        gone=qd.deleted_own(event, read_secrets()),
        live_src=url_for(
            "partials.live",
            slug=event.slug,
            name="questionsmod" if moderate else "questions",
            pitch=pitch.id if pitch else None,
            sort=sort,
        ),
        **wall_context(event, pitch, sort, moderate),
    ), status


# --- views ------------------------------------------------------------------


@bp.route("/e/<slug>/questions", methods=["GET", "POST"])
@limiter.limit("5/minute", methods=["POST"], key_func=ratelimits.per_asker)
@fresh_posts
def wall(slug):
    """The question wall (event-wide, or one session's with ``?pitch=``); POST asks a question.

    Asking touches no attendee row at all: nothing stored, read or logged ties it to the asker.
    """
    event = event_or_404(slug)
    pitch, sort = wall_args(event)
    form = QuestionForm()
    if request.method == "POST":
        pitch = session_of(event, form.pitch.data)
        if form.validate():
            held = ratelimits.flooding(event.id, "question")  # a flood: new questions wait for approval
            nonce = (form.nonce.data or "")[:64]
            question, secret = qd.post_question(event, form.text.data, pitch, nonce, hold=held)
            if question.status == "pending":
                message = _("Thanks! Your question is waiting for approval by a facilitator.")
            else:
                message = _("Thanks! Your question is on the wall.")
            response = make_response(
                done(wall_url(event, question, "#mine"), message, id=question.id, status=question.status)
            )
            return store_secrets(response, event, [s for s in read_secrets() if s != secret] + [secret])
        if wants_json():
            return {"error": " ".join(str(e) for e in form.text.errors), "fields": form.errors}, 400
    return render_wall(event, pitch, sort, form, 400 if form.errors else 200)


@bp.errorhandler(429)
def too_many(exc):
    """Posting too fast: a friendly message, with the typed question kept."""
    message = _("You are asking a lot at once. Please wait a minute, then send your question again.")
    if wants_json():
        return {"error": message, "status": 429}, 429
    event = event_or_404(request.view_args["slug"])
    form = QuestionForm()
    if request.endpoint == "questions.wall":
        form.text.errors = [message]
        pitch = session_of(event, form.pitch.data)
        return render_wall(event, pitch, "top", form, 429)
    return render_template("error.html", code=429, message=message), 429


@bp.get("/e/<slug>/questions/mine")
def mine(slug):
    """This browser's own questions and their state (a per-viewer fragment, never shared)."""
    event = event_or_404(slug)
    held = read_secrets()
    html = render_template(
        "questions/_mine.html", event=event, mine=qd.own_questions(event, held), gone=qd.deleted_own(event, held)
    )
    return html, 200, {"Cache-Control": "no-store"}


@bp.post("/e/<slug>/questions/<int:question_id>/delete")
def delete(slug, question_id):
    """Delete one's own question: allowed only to the browser holding its secret."""
    event = event_or_404(slug)
    question = event_row_or_404(Question, event, question_id)
    if not qd.delete_own(question, read_secrets()):
        abort(403)
    # The secret stays in the cookie for "Undo"; once the sweep has deleted the question it opens nothing.
    again = url_for("questions.restore", slug=event.slug, question_id=question_id)
    return done(wall_url(event, None, "#mine"), _("Your question was deleted."), undo=again)


@bp.post("/e/<slug>/questions/<int:question_id>/restore")
def restore(slug, question_id):
    """Undo deleting one's own question: the same browser (its secret), within the grace period."""
    event = event_or_404(slug)
    try:
        question = qd.restore_own(event, question_id, read_secrets())
    except DomainError as exc:
        return failed(exc.message, exc.status, to=wall_url(event, None, "#mine"))
    return done(wall_url(event, question, "#mine"), _("Your question is back."), id=question.id)


@bp.post("/e/<slug>/questions/<int:question_id>/vote")
@limiter.limit("120/minute")
@fresh_votes
def vote(slug, question_id):
    """Upvote a question ("me too", on=1) or take the upvote back (on=0)."""
    event = event_or_404(slug)
    question = event_row_or_404(Question, event, question_id)
    if question.status != "visible":
        message = _("This question is no longer on the wall.")
        if wants_json():
            return {"error": message}, 409
        flash(message, "error")
        return redirect(wall_url(event))
    on = qd.set_vote(question, current_attendee(event, create=True), request.form.get("on", "1") == "1")
    message = _("You said “Me too”.") if on else _("You took back “Me too”.")
    return done(wall_url(event, question), message, voted=on, question_id=question.id)


@bp.post("/e/<slug>/questions/<int:question_id>/report")
@limiter.limit("30/minute")
def report(slug, question_id):
    """Report a question as inappropriate; enough reports hide it until a facilitator reviews it."""
    event = event_or_404(slug)
    question = event_row_or_404(Question, event, question_id)
    if question.status == "visible":
        qd.report(event, question, current_attendee(event, create=True))
    return done(wall_url(event, question), _("Thank you. A facilitator will take a look."), label=_("Reported"))


@bp.post("/e/<slug>/questions/<int:question_id>/session")
def promote(slug, question_id):
    """ "This deserves a session": turn the question into a session pitch."""
    event = event_or_404(slug)
    question = event_row_or_404(Question, event, question_id)
    threshold = current_app.config.get("QUESTION_PROMOTE_VOTES", PROMOTE_VOTES)
    upvoted = question.status == "visible" and reading.vote_counts(event.id).get(question.id, 0) >= threshold
    if not (is_facilitator(event) or upvoted):
        abort(403)
    pitch = qd.promote(event, question, str(get_locale()))
    message = _("This question is now a session pitch: “%(title)s”.", title=pitch.title)
    return done(wall_url(event, question), message, pitch_id=pitch.id)


@bp.post("/e/<slug>/questions/<int:question_id>/moderate")
@facilitator_required
def moderate(event, question_id):
    """Facilitators: approve, reject, hide, restore, mark answered, pin to the projector."""
    question = event_row_or_404(Question, event, question_id)
    # The field is not called "action": it would shadow form.action in the browser's DOM.
    decision = request.form.get("decision", "")
    if decision not in qd.MODERATION_ACTIONS:
        abort(400)
    qd.moderate(question, decision)
    if wants_json():
        return {"ok": True, "status": question.status, "answered": question.answered, "pinned": question.pinned}
    return redirect(wall_url(event, question))


@bp.post("/e/<slug>/questions/held")
@facilitator_required
def held(event):
    """Approve or hide every question waiting for approval, in one tap (a flood, or pre-moderation)."""
    approve = request.form.get("decision") == "approve"
    n = qd.settle_pending(event, approve)
    if approve:
        message = ngettext("%(num)d question is on the wall.", "%(num)d questions are on the wall.", n)
    else:
        message = ngettext("%(num)d question hidden.", "%(num)d questions hidden.", n)
    if wants_json():
        return {"ok": True, "message": message, "count": n}
    flash(message, "success")
    return redirect(screens.console_url(event, "#questions"))


@bp.post("/e/<slug>/facilitate/questions")
@facilitator_required
def settings(event):
    """Question wall settings: pre-moderation and the report threshold."""
    form = QuestionSettingsForm()
    if form.validate():
        qd.update_settings(event, form.premoderation.data, form.report_threshold.data)
        flash(_("Question wall settings saved."), "success")
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
    return redirect(screens.console_url(event, "#questions"))
