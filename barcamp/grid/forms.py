"""The grid's facilitator forms: a pitch, a cell, placing, locking, undoing an auto-plan."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from barcamp.core.forms import Form

# --- forms ------------------------------------------------------------------


class PitchIdForm(Form):
    pitch_id = IntegerField(validators=[InputRequired(_l("Pick a pitch first."))])


class CellForm(Form):
    slot_id = IntegerField(validators=[InputRequired()])
    room_id = IntegerField(validators=[InputRequired()])


class PlaceForm(CellForm, PitchIdForm):
    pass


class LockForm(CellForm):
    locked = SelectField(choices=[("1", "1"), ("0", "0")])


class UndoForm(Form):
    batch = StringField(validators=[Optional(), Length(max=32)])
