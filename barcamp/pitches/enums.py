"""Pitches' closed sets, each defined once: levels, formats and statuses."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

LEVELS = [("beginner", _l("Beginner-friendly")), ("everyone", _l("For everyone")), ("deep", _l("Deep dive"))]
FORMATS = [("talk", _l("Talk")), ("discussion", _l("Discussion")), ("workshop", _l("Workshop")), ("other", _l("Other"))]

# A pitch is on the list (ACTIVE), held for a facilitator (PENDING), or off it.
ACTIVE, PENDING, WITHDRAWN, HIDDEN, MERGED = "active", "pending", "withdrawn", "hidden", "merged"
STATUSES = (ACTIVE, PENDING, WITHDRAWN, HIDDEN, MERGED)

MAX_TAGS = 5
