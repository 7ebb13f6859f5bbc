"""The console's set-up forms: event, room, day and time slot."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from barcamp.core import rules
from barcamp.core.enums import SLOT_KINDS
from barcamp.core.forms import Form, strip


class WholeNumberField(IntegerField):
    """An integer field whose parse error reads like the rest of our messages."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(_("Please enter how many people fit, as a number.")) from exc


class RoomForm(Form):
    name = StringField(
        _l("Room name"), filters=[strip], validators=[DataRequired(_l("Please name the room.")), Length(max=60)]
    )
    capacity = WholeNumberField(
        _l("Capacity (people)"),
        validators=[
            InputRequired(_l("Please enter how many people fit, as a number.")),
            rules.rule("room", "capacity"),
        ],
    )
    location = StringField(_l("Where is it? (optional)"), filters=[strip], validators=[Optional(), Length(max=120)])


class DayForm(Form):
    date = DateField(_l("Date"), validators=[DataRequired(_l("Please pick a date.")), rules.rule("day", "date")])
    label = StringField(_l("Label (optional)"), filters=[strip], validators=[Optional(), Length(max=60)])


class SlotForm(Form):
    day = SelectField(_l("Day"), coerce=int)
    starts_at = TimeField(_l("Starts"), validators=[DataRequired(_l("Please enter a start time."))])
    ends_at = TimeField(_l("Ends"), validators=[DataRequired(_l("Please enter an end time."))])
    kind = SelectField(_l("Kind"), choices=SLOT_KINDS)
    label = StringField(_l("Label (optional)"), filters=[strip], validators=[Optional(), Length(max=80)])

    def validate_ends_at(self, field):
        if self.starts_at.data and field.data and not rules.ends_after_start(self.starts_at.data, field.data):
            raise ValidationError(_l("The end must be after the start."))


class EventForm(Form):
    name = StringField(
        _l("Event name"),
        filters=[strip],
        validators=[DataRequired(_l("Please give the event a name.")), Length(max=120)],
    )
    hashtag = StringField(_l("Hashtag (optional)"), filters=[strip], validators=[Optional(), Length(max=60)])
    timezone = StringField(
        _l("Time zone"), filters=[strip], validators=[DataRequired(), rules.rule("event", "timezone")]
    )
