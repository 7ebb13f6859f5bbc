"""The console's set-up forms: event, room, day and time slot."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

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


class DayTemplateForm(Form):
    """A day's slots from its times: start, end, session and break length, lunch."""

    date = DateField(_l("Date"), validators=[DataRequired(_l("Please pick a date.")), rules.rule("day", "date")])
    starts_at = TimeField(
        _l("Starts"), default=dt.time(9, 0), validators=[DataRequired(_l("Please enter a start time."))]
    )
    ends_at = TimeField(_l("Ends"), default=dt.time(17, 0), validators=[DataRequired(_l("Please enter an end time."))])
    session = IntegerField(_l("Session (minutes)"), default=45, validators=[InputRequired(), NumberRange(5, 480)])
    pause = IntegerField(_l("Break (minutes)"), default=15, validators=[Optional(), NumberRange(0, 240)])
    lunch_at = TimeField(_l("Lunch from (optional)"), default=dt.time(12, 0), validators=[Optional()])
    lunch = IntegerField(_l("Lunch (minutes)"), default=60, validators=[Optional(), NumberRange(0, 240)])

    def validate_ends_at(self, field):
        if self.starts_at.data and field.data and not rules.ends_after_start(self.starts_at.data, field.data):
            raise ValidationError(_l("The end must be after the start."))


class CopyDayForm(Form):
    date = DateField(
        _l("Copy this day to"), validators=[DataRequired(_l("Please pick a date.")), rules.rule("day", "date")]
    )


class RoomsPasteForm(Form):
    lines = TextAreaField(
        _l("Rooms, one a line: name, capacity, where"),
        validators=[DataRequired(_l("Paste one room a line, e.g. “Aula, 120, Ground floor”.")), Length(max=20_000)],
    )
