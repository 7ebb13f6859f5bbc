"""The console's round and meeting-point forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import ValidationError

from barcamp.core.forms import Form
from barcamp.mixer.enums import GROUP_SIZES, JOIN_MINUTES, MAX_POINTS, MINUTES


def point_names(raw: str | None) -> list[str]:
    """One meeting point a line, trimmed, without blanks or repeats."""
    names: list[str] = []
    for line in (raw or "").splitlines():
        name = " ".join(line.split())
        if name and name not in names:
            names.append(name)
    return names


def _points_ok(form, field):
    names = point_names(field.data)
    if len(names) > MAX_POINTS:
        raise ValidationError(_l("At most %(n)s meeting points, please.", n=MAX_POINTS))
    if any(len(n) > 40 for n in names):
        raise ValidationError(_l("A meeting point's name has at most 40 characters."))


class RoundForm(Form):
    group_size = SelectField(_l("Group size"), coerce=int, choices=[(n, str(n)) for n in GROUP_SIZES], default=3)
    minutes = SelectField(_l("Length"), coerce=int, choices=[(n, _l("%(n)s min", n=n)) for n in MINUTES], default=10)
    join_minutes = SelectField(
        _l("Groups form"),
        coerce=int,
        choices=[(0, _l("at once"))] + [(n, _l("in %(n)s min", n=n)) for n in JOIN_MINUTES if n],
        default=2,
    )


class PointsForm(Form):
    points = TextAreaField(_l("Meeting points (one a line)"), validators=[_points_ok])
