"""Data protection's pages and commands: the summary download, deleting an event, importing a
backup; ``flask backup``, ``flask import`` and ``flask purge``; the purge loop."""

from __future__ import annotations

import json
import logging

import click
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from sqlalchemy.exc import DataError, IntegrityError
from wtforms import StringField
from wtforms.validators import DataRequired

from barcamp.cli import print_urls
from barcamp.core import screens
from barcamp.core.extensions import csrf, db, socketio
from barcamp.core.forms import Form
from barcamp.core.identity import event_or_404, facilitator_required, grant_facilitator
from barcamp.core.models import Event
from barcamp.core.ratelimits import limiter, per_address
from barcamp.privacy import backup as bk
from barcamp.privacy import restore, retention
from barcamp.privacy.summary import summary

bp = Blueprint("privacy", __name__, cli_group=None)
log = logging.getLogger(__name__)

# A large event's backup is 2-3 MB; every other request stays under MAX_CONTENT_LENGTH (256 KB).
IMPORT_MAX_BYTES = 8 * 1024 * 1024


class DeleteForm(Form):
    confirm = StringField(
        _l("Type the join code to confirm"), validators=[DataRequired(_l("Please type the join code."))]
    )


class ImportForm(Form):
    file = FileField(_l("Backup file (.json)"), validators=[FileRequired(_l("Please choose a backup file."))])


def purge_on(event: Event) -> str:
    """The day this event's anonymous content is purged, for the console's privacy section."""
    when = retention.purge_date(event, current_app.config["RETENTION_DAYS"])
    return format_date(when, "long") if when else "–"


def delete_form() -> DeleteForm:
    return DeleteForm(prefix="del", formdata=None)


@bp.get("/e/<slug>/facilitate/export.json")
@facilitator_required
def export(event):
    """Download the event's content with counts (never who did what, never a contact)."""
    body = json.dumps(summary(event), ensure_ascii=False, indent=1)
    return current_app.response_class(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{event.slug}-export.json"',
            "Cache-Control": "no-store",
        },
    )


@bp.post("/e/<slug>/facilitate/delete")
@facilitator_required
def delete(event):
    """Delete the event and all its data, after typing its join code."""
    form = DeleteForm(prefix="del")
    if form.validate() and form.confirm.data.strip().upper() != event.join_code:
        form.confirm.errors.append(_("That is not this event's join code."))
    if form.errors:
        return screens.render_console(event, 400, privacy_delete=form)
    slug_id = str(event.id)
    retention.delete_event(event)
    for key in ("att", "fac"):
        session[key] = {k: v for k, v in session.get(key, {}).items() if k != slug_id}
    flash(_("The event and all its data were deleted."), "success")
    return redirect(url_for("events.index"))


@bp.route("/import", methods=["GET", "POST"])
@limiter.limit("10/hour", methods=["POST"], key_func=per_address)
@csrf.exempt  # checked below, once the larger upload limit applies
def import_event():
    """Create a new event from a backup file; this browser becomes its facilitator."""
    if request.method == "POST":
        request.max_content_length = IMPORT_MAX_BYTES
        if current_app.config["WTF_CSRF_ENABLED"]:
            csrf.protect()
    form = ImportForm()
    if form.validate_on_submit():
        try:
            data = json.loads(form.file.data.read().decode("utf-8"))
            event, key = restore.import_event(data)
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            form.file.errors.append(_("This file is not a barcamp backup (it is not valid JSON)."))
        except restore.ImportProblem as exc:
            form.file.errors.append(_("This file cannot be imported: %(reason)s", reason=str(exc)))
        except (IntegrityError, DataError):  # e.g. two cards for one attendee: the database says no
            form.file.errors.append(_("This file cannot be imported: some of its rows contradict each other."))
        else:
            grant_facilitator(event, key)
            session["new_key"] = key  # shown once on the next page
            return redirect(url_for("events.created", slug=event.slug))
    return render_template("privacy/import.html", form=form), 400 if form.errors else 200


@bp.errorhandler(413)
def import_too_big(exc):
    """A backup larger than the import takes: say so on the import page."""
    form = ImportForm(formdata=None)
    form.file.errors = [_("This file is too big to import here (at most %(mb)s MB).", mb=IMPORT_MAX_BYTES >> 20)]
    return render_template("privacy/import.html", form=form), 413


# --- retention ----------------------------------------------------------------


def purge() -> dict[str, int]:
    """Purge anonymous questions and tips of events past the retention period."""
    return retention.purge_expired(current_app.config["RETENTION_DAYS"])


@bp.cli.command("purge")
def purge_command():
    """Delete anonymous questions and tips of events that ended RETENTION_DAYS ago."""
    counts = purge()
    click.echo(f"Purged {counts['questions']} questions and {counts['tips']} tips of {counts['events']} events.")


@bp.cli.command("backup")
@click.argument("slug")
def backup_command(slug):
    """Print the whole event (JSON) to stdout: who voted, every contact. For the operator only."""
    click.echo(json.dumps(bk.backup(event_or_404(slug)), ensure_ascii=False, indent=1))


@bp.cli.command("import")
@click.argument("file", type=click.File("rb"))
def import_command(file):
    """Create an event from a backup file and print its facilitator URL."""
    try:
        event, key = restore.import_event(json.loads(file.read().decode("utf-8")))
    except (ValueError, RecursionError) as exc:
        raise click.ClickException(str(exc)) from exc
    print_urls(event, key, heading="Imported")


_loop_started = False


@bp.before_app_request
def _start_purge_loop():
    """Start the hourly purge in this process on its first request (not in unit tests)."""
    global _loop_started
    if _loop_started or current_app.testing or not current_app.config.get("PURGE_INTERVAL"):
        return
    _loop_started = True
    socketio.start_background_task(_purge_loop, current_app._get_current_object())


def _purge_loop(app) -> None:
    while True:
        with app.app_context():
            try:
                counts = purge()
                if counts["events"]:
                    log.info("retention purge: %s", counts)
            except Exception:  # keep the loop alive; the next round retries
                log.exception("retention purge failed")
            finally:
                db.session.remove()
        socketio.sleep(app.config["PURGE_INTERVAL"])
