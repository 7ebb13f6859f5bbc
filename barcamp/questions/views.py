"""The anonymous question wall: forms, thin views, live partials and the JSON part.

The rules live in ``questions_domain``. The author's secret travels only in a
cookie of their own browser (``q_secrets``, scoped to the event's wall); the
server keeps its hash and nothing that links a question to an attendee.
"""

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
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, TextAreaField
from wtforms.validators import InputRequired, ValidationError

from barcamp.core import ratelimits, rules
from barcamp.core.api import section
from barcamp.core.errors import wants_json
from barcamp.core.extensions import db
from barcamp.core.forms import Form, strip
from barcamp.core.identity import current_attendee, event_or_404, facilitator_required, hash_key, is_facilitator
from barcamp.core.models import Event, Pitch, Question
from barcamp.core.partials import partial
from barcamp.core.ratelimits import fresh_posts, fresh_votes, limiter
from barcamp.questions import domain as qd

bp = Blueprint("questions", __name__)

COOKIE = "q_secrets"
MAX_SECRETS = 50  # per event; a cookie holds about 4 KB
PROMOTE_VOTES = 10  # attendees may turn a question into a pitch from this many upvotes


# --- the author's secrets (client-side only) ----------------------------------


def read_secrets() -> list[str]:
    """The question secrets this browser holds for the wall it is on."""
    raw = request.cookies.get(COOKIE, "")
    return [s for s in raw.split(".") if 16 <= len(s) <= 64][-MAX_SECRETS:]


def store_secrets(response, event: Event, values: list[str]):
    """Keep ``values`` in the browser's cookie, sent only to this event's wall."""
    response.set_cookie(
        COOKIE,
        ".".join(values[-MAX_SECRETS:]),
        max_age=current_app.config["PERMANENT_SESSION_LIFETIME"],
        path=url_for("questions.wall", slug=event.slug),
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


# --- forms ------------------------------------------------------------------


def _question_length(form, field):
    n = len(field.data or "")
    if n == 0:
        raise ValidationError(_("Please type your question."))
    if n < qd.MIN_LENGTH:
        raise ValidationError(_("A question needs at least %(n)s characters.", n=qd.MIN_LENGTH))
    if n > qd.MAX_LENGTH:
        raise ValidationError(_("At most %(max)s characters, please (you typed %(n)s).", max=qd.MAX_LENGTH, n=n))


class QuestionForm(Form):
    text = TextAreaField(_l("Your question"), filters=[strip], validators=[_question_length])
    pitch = HiddenField()
    nonce = HiddenField()  # one per form shown: a re-sent form is stored once (questions_domain)


class QuestionSettingsForm(Form):
    premoderation = BooleanField(_l("Pre-moderation: questions appear only after a facilitator approves them"))
    report_threshold = IntegerField(
        _l("Reports that hide a question until reviewed"),
        validators=[
            InputRequired(_l("Please enter a number.")),
            rules.rule("event", "report_threshold"),
        ],
    )


@bp.app_context_processor
def _console_helpers():
    return {
        "question_settings_form": lambda event: QuestionSettingsForm(obj=event, formdata=None),
        "question_summary": qd.moderation_summary,
    }


# --- helpers for views ------------------------------------------------------


def _pitch_of(event: Event, pitch_id) -> Pitch | None:
    try:
        pitch_id = int(pitch_id) if pitch_id not in (None, "") else None
    except ValueError:
        abort(404)
    if pitch_id is None:
        return None
    pitch = db.session.get(Pitch, pitch_id)
    if pitch is None or pitch.event_id != event.id:
        abort(404)
    return pitch


def _question_of(event: Event, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.event_id != event.id:
        abort(404)
    return question


def _wall_args(event: Event) -> tuple[Pitch | None, str]:
    return _pitch_of(event, request.args.get("pitch")), "new" if request.args.get("sort") == "new" else "top"


def wall_context(event: Event, pitch: Pitch | None, sort: str, moderate: bool) -> dict:
    """What the shared wall partial needs (the same for every viewer of that view)."""
    return {
        "event": event,
        "pitch": pitch,
        "sort": sort,
        "moderate": moderate,
        "wall": qd.wall(event, pitch, sort, moderate),
        "promote_votes": current_app.config.get("QUESTION_PROMOTE_VOTES", PROMOTE_VOTES),
    }


def _wall_url(event: Event, question: Question | None = None, anchor: str = "") -> str:
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
        voted=qd.my_votes(event, attendee),
        mine=qd.own_questions(event, read_secrets()),
        live_src=url_for(
            "partials.live",
            slug=event.slug,
            name="questionsmod" if moderate else "questions",
            pitch=pitch.id if pitch else None,
            sort=sort,
        ),
        **wall_context(event, pitch, sort, moderate),
    ), status


def _done(event: Event, message: str, question: Question | None = None, anchor: str = "", **data):
    """Answer a background request with JSON, a plain form post with a redirect and a flash."""
    if wants_json():
        return {"ok": True, "message": message, **data}
    flash(message, "success")
    return redirect(_wall_url(event, question, anchor))


# --- views ------------------------------------------------------------------


@bp.route("/e/<slug>/questions", methods=["GET", "POST"])
@limiter.limit("5/minute", methods=["POST"], key_func=ratelimits.per_asker)
@fresh_posts
def wall(slug):
    """The question wall (event-wide, or one session's with ``?pitch=``); POST asks a question.

    Asking touches no attendee row at all: nothing stored, read or logged ties it to the asker.
    """
    event = event_or_404(slug)
    pitch, sort = _wall_args(event)
    form = QuestionForm()
    if request.method == "POST":
        pitch = _pitch_of(event, form.pitch.data)
        if form.validate():
            held = ratelimits.flooding(event.id, "question")  # a flood: new questions wait for approval
            nonce = (form.nonce.data or "")[:64]
            question, secret = qd.post_question(event, form.text.data, pitch, nonce, hold=held)
            if question.status == "pending":
                message = _("Thanks! Your question is waiting for approval by a facilitator.")
            else:
                message = _("Thanks! Your question is on the wall.")
            response = make_response(
                _done(event, message, question, anchor="#mine", id=question.id, status=question.status)
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
        pitch = _pitch_of(event, form.pitch.data)
        return render_wall(event, pitch, "top", form, 429)
    return render_template("error.html", code=429, message=message), 429


@bp.get("/e/<slug>/questions/mine")
def mine(slug):
    """This browser's own questions and their state (a per-viewer fragment, never shared)."""
    event = event_or_404(slug)
    html = render_template("questions/_mine.html", event=event, mine=qd.own_questions(event, read_secrets()))
    return html, 200, {"Cache-Control": "no-store"}


@bp.post("/e/<slug>/questions/<int:question_id>/delete")
def delete(slug, question_id):
    """Delete one's own question: allowed only to the browser holding its secret."""
    event = event_or_404(slug)
    question = _question_of(event, question_id)
    held = read_secrets()
    secret_hash = question.secret_hash
    if not qd.delete_own(question, held):
        abort(403)
    response = make_response(_done(event, _("Your question was deleted."), anchor="#mine"))
    return store_secrets(response, event, [s for s in held if hash_key(s) != secret_hash])


@bp.post("/e/<slug>/questions/<int:question_id>/vote")
@limiter.limit("120/minute")
@fresh_votes
def vote(slug, question_id):
    """Upvote a question ("me too", on=1) or take the upvote back (on=0)."""
    event = event_or_404(slug)
    question = _question_of(event, question_id)
    if question.status != "visible":
        message = _("This question is no longer on the wall.")
        if wants_json():
            return {"error": message}, 409
        flash(message, "error")
        return redirect(_wall_url(event))
    on = qd.set_vote(question, current_attendee(event, create=True), request.form.get("on", "1") == "1")
    if wants_json():
        return {"ok": True, "voted": on, "question_id": question.id}
    return redirect(_wall_url(event, question))


@bp.post("/e/<slug>/questions/<int:question_id>/report")
@limiter.limit("30/minute")
def report(slug, question_id):
    """Report a question as inappropriate; enough reports hide it until a facilitator reviews it."""
    event = event_or_404(slug)
    question = _question_of(event, question_id)
    if question.status == "visible":
        qd.report(event, question, current_attendee(event, create=True))
    return _done(event, _("Thank you. A facilitator will take a look."), question, label=_("Reported"))


@bp.post("/e/<slug>/questions/<int:question_id>/session")
def promote(slug, question_id):
    """ "This deserves a session": turn the question into a session pitch."""
    event = event_or_404(slug)
    question = _question_of(event, question_id)
    threshold = current_app.config.get("QUESTION_PROMOTE_VOTES", PROMOTE_VOTES)
    upvoted = question.status == "visible" and qd.vote_counts(event.id).get(question.id, 0) >= threshold
    if not (is_facilitator(event) or upvoted):
        abort(403)
    pitch = qd.promote(event, question, str(get_locale()))
    message = _("This question is now a session pitch: “%(title)s”.", title=pitch.title)
    return _done(event, message, question, pitch_id=pitch.id)


@bp.post("/e/<slug>/questions/<int:question_id>/moderate")
@facilitator_required
def moderate(event, question_id):
    """Facilitators: approve, reject, hide, restore, mark answered, pin to the projector."""
    question = _question_of(event, question_id)
    # The field is not called "action": it would shadow form.action in the browser's DOM.
    decision = request.form.get("decision", "")
    if decision not in qd.MODERATION_ACTIONS:
        abort(400)
    qd.moderate(question, decision)
    if wants_json():
        return {"ok": True, "status": question.status, "answered": question.answered, "pinned": question.pinned}
    return redirect(_wall_url(event, question))


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
    return redirect(url_for("setup.console", slug=event.slug) + "#questions")


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
    return redirect(url_for("setup.console", slug=event.slug) + "#questions")


# --- live partials and the JSON snapshot ----------------------------------------


@partial("questions")
def questions_partial(event: Event) -> str:
    """The wall as every attendee sees it (``?pitch=`` for a session, ``?sort=new``)."""
    pitch, sort = _wall_args(event)
    return render_template("questions/_wall.html", **wall_context(event, pitch, sort, False))


@partial("questionsmod", facilitators=True)
def moderation_partial(event: Event) -> str:
    """The wall with the facilitators' queues and controls."""
    pitch, sort = _wall_args(event)
    return render_template("questions/_wall.html", **wall_context(event, pitch, sort, True))


@partial("qwall")
def projector_partial(event: Event) -> str:
    """The projector's wall: the pinned question large, then the top questions."""
    pinned, top, counts = qd.projector_wall(event)
    return render_template("questions/_projector_wall.html", event=event, pinned=pinned, top=top, counts=counts)


@section("questions")
def api_questions(event: Event) -> list[dict]:
    """Visible questions: text, upvotes, status, session. Nothing about who asked or voted."""
    return qd.public_questions(event)
