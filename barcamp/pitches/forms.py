"""The pitch form (phones and the console's "pitch for someone")."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from barcamp.core.enums import language_choices
from barcamp.core.forms import Form, strip
from barcamp.core.tags import MAX_LENGTH, parse_tags
from barcamp.pitches.enums import FORMATS, LEVELS, MAX_TAGS


def _not_blank(form, field):
    if not (field.data or "").strip():
        raise ValidationError(_l("Please give your session a title."))


class PitchForm(Form):
    title = StringField(
        _l("Title"),
        filters=[strip],
        validators=[_not_blank, Length(max=120, message=_l("At most 120 characters, please."))],
    )
    description = TextAreaField(
        _l("What is it about? (optional)"),
        filters=[strip],
        validators=[Optional(), Length(max=2000, message=_l("At most 2,000 characters, please."))],
    )
    host_name = StringField(_l("Host"), filters=[strip], validators=[Optional(), Length(max=60)])
    tags = StringField(_l("Tags (up to 5, separated by commas)"), filters=[strip], validators=[Optional()])
    level = SelectField(_l("Level"), choices=LEVELS, default="everyone")
    format = SelectField(_l("Format"), choices=FORMATS, default="talk")
    language = SelectField(_l("Session language"), choices=language_choices)
    client_id = HiddenField()

    def validate_tags(self, field):
        names = parse_tags(field.data)
        if len(names) > MAX_TAGS:
            raise ValidationError(_("At most %(n)s tags, please (you gave %(m)s).", n=MAX_TAGS, m=len(names)))
        if any(len(n) > MAX_LENGTH for n in names):
            raise ValidationError(_("Each tag can have at most 30 characters."))

    def pitch_fields(self) -> dict:
        return {
            "title": self.title.data,
            "description": self.description.data or "",
            "host_name": self.host_name.data or "",
            "tags": parse_tags(self.tags.data),
            "level": self.level.data,
            "format": self.format.data,
            "language": self.language.data,
        }
