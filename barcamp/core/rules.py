"""The rules for stored values: one per value, used by the forms' validators and by import alike.

A value the forms refuse can't come in through an import file either (``privacy.backup`` checks
every imported row with ``problem``), and the two can't drift apart: there is one rule.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from barcamp.core import zones

# Days of an event lie in this range: a date the retention purge and calendars can count with.
FIRST_DATE, LAST_DATE = dt.date(2000, 1, 1), dt.date(2099, 12, 31)
_SCHEME = re.compile(r"^\s*[a-z][a-z0-9+.\-]*:(?!\s)", re.IGNORECASE)


def is_web_link(value: str) -> bool:
    """True for an absolute http(s) URL with a host: the only links the app shows."""
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not any(c.isspace() for c in value.strip())


def has_foreign_scheme(value: str) -> bool:
    """True for text like ``javascript:…`` or ``data:…``: a URL that is not http(s)."""
    return bool(_SCHEME.match(value)) and not is_web_link(value)


def _between(low: int, high: int) -> Callable[[object], bool]:
    return lambda v: isinstance(v, int) and not isinstance(v, bool) and low <= v <= high


@dataclass(frozen=True)
class Rule:
    """What a stored value must be, and what to tell a person whose value is not."""

    check: Callable[[object], bool]
    message: object  # a lazy translated string
    optional: bool = False  # None (an empty field) is fine

    def accepts(self, value) -> bool:
        if value is None or value == "":
            return self.optional
        try:
            return bool(self.check(value))
        except (TypeError, ValueError):
            return False

    def __call__(self, form, field) -> None:
        """The rule as a WTForms validator."""
        if field.data in (None, "") and self.optional:
            return
        if not self.accepts(field.data):
            raise ValidationError(str(self.message))


# (table, column) -> the rule. Forms use these as validators; import checks every row against them.
RULES: dict[tuple[str, str], Rule] = {
    ("event", "timezone"): Rule(zones.is_known, _l("Unknown time zone, e.g. Europe/Berlin.")),
    ("event", "vote_budget"): Rule(_between(1, 100), _l("Between 1 and 100, or empty."), optional=True),
    ("event", "report_threshold"): Rule(_between(1, 100), _l("Between 1 and 100.")),
    ("room", "capacity"): Rule(_between(1, 100_000), _l("Capacity must be between 1 and 100,000.")),
    ("day", "date"): Rule(
        lambda d: isinstance(d, dt.date) and FIRST_DATE <= d <= LAST_DATE,
        _l("Please pick a date between 2000 and 2099."),
    ),
    ("tip", "link"): Rule(is_web_link, _l("Only http:// and https:// links are allowed."), optional=True),
    ("tip_card", "contact"): Rule(
        lambda v: not has_foreign_scheme(v), _l("Only http:// and https:// links are allowed."), optional=True
    ),
}


def rule(table: str, column: str) -> Rule:
    """The rule of one stored value (a form field's validator)."""
    return RULES[(table, column)]


def problem(table: str, values: dict) -> str | None:
    """What is wrong with one row about to be stored (None: nothing), by the same rules as the forms."""
    for (name, column), each in RULES.items():
        if name == table and column in values and not each.accepts(values[column]):
            return f"{table}.{column} is not allowed: {each.message}"
    if table == "slot" and values.get("starts_at") and values.get("ends_at"):
        if not ends_after_start(values["starts_at"], values["ends_at"]):
            return "slot.ends_at must be after slot.starts_at"
    return None


def ends_after_start(start: dt.time, end: dt.time) -> bool:
    """A slot ends after it starts."""
    return end > start


def overlaps(a: tuple[dt.time, dt.time], b: tuple[dt.time, dt.time]) -> bool:
    """True if two slots of one day, (start, end) each, share any time."""
    return a[0] < b[1] and b[0] < a[1]


def overlapping(slots: list[tuple[dt.time, dt.time]]) -> bool:
    """True if any two of one day's slots overlap."""
    ordered = sorted(slots)
    return any(overlaps(a, b) for a, b in zip(ordered, ordered[1:], strict=False))
