"""Data protection: what a facilitator may download, the operator's backups, import, deleting an
event, and the retention purge of old anonymous content.

- ``summary``: the facilitator's download (content and counts; nobody's actions, no contacts).
- ``backup``: the whole event for moving servers, made only on the command line
  (``flask --app wsgi backup SLUG``), and the import of such a file (``/import`` or ``flask import``).
- ``retention``: deleting an event; anonymous questions and tips are purged ``RETENTION_DAYS``
  after an event's last day, by ``flask --app wsgi purge`` (e.g. from cron) and by a background
  loop in each server process every ``PURGE_INTERVAL`` seconds.

May touch: every feature's tables (a backup and a summary are the whole event), read-only except
for the import, the event's deletion and the purge.
"""

from __future__ import annotations

from flask import Flask

from barcamp.core import screens
from barcamp.privacy import views

bp = views.bp
__all__ = ["bp", "init_app"]

# Its place on the shared screens (registered on import, like ``@partial``).
screens.console_section("privacy/_console.html", 90, "privacy")
screens.template_helper(privacy_delete_form=views.delete_form, privacy_purge_on=views.purge_on)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
