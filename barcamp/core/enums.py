"""Closed sets shared by several features, each defined once. (A feature's own sets live in its
package, e.g. ``pitches.enums``; the projector's modes are whatever features register in
``screens``.)"""

from __future__ import annotations

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

from config import Config

# The projector's look: dark (today's, for dim rooms) or light (for bright rooms).
PROJECTOR_THEMES = [("dark", _l("Dark")), ("light", _l("Light, for bright rooms"))]

SLOT_KINDS = [("session", _l("Sessions")), ("break", _l("Break")), ("plenary", _l("Plenary"))]

# Names of the languages in Config.LANGUAGES (the UI's and the sessions' languages).
LANGUAGE_NAMES = {"de": _l("German"), "en": _l("English")}


def languages() -> list[str]:
    """Config.LANGUAGES: the app's own setting where there is an app (tests may change it)."""
    return list(current_app.config["LANGUAGES"] if has_app_context() else Config.LANGUAGES)


def language_choices() -> list[tuple[str, str]]:
    """For a language select: the configured languages with their names."""
    return [(code, LANGUAGE_NAMES.get(code, code)) for code in languages()]
