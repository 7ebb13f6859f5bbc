"""The create-an-event, join and profile forms."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, StringField
from wtforms.validators import DataRequired, Length, Optional

from barcamp.core import rules
from barcamp.core.forms import Form, strip


class CreateEventForm(Form):
    name = StringField(
        _l("Event name"),
        validators=[DataRequired(_l("Please give the event a name.")), Length(max=120)],
        filters=[strip],
    )
    hashtag = StringField(_l("Hashtag (optional)"), validators=[Optional(), Length(max=60)])
    timezone = StringField(
        _l("Time zone"), default="Europe/Berlin", validators=[DataRequired(), rules.rule("event", "timezone")]
    )
    first_day = DateField(
        _l("First day"),
        default=dt.date.today,
        validators=[DataRequired(_l("Please pick a date.")), rules.rule("day", "date")],
    )


class JoinForm(Form):
    code = StringField(
        _l("Event code"), validators=[DataRequired(_l("Please enter the code shown on the screen.")), Length(max=12)]
    )


class ProfileForm(Form):
    display_name = StringField(_l("Display name (optional)"), validators=[Optional(), Length(max=60)])
    first_timer = BooleanField(_l("This is my first barcamp"))
