"""The console's branding forms: the logo upload and the accent colour."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import Length, Optional

from barcamp.core.forms import Form, strip


class LogoForm(Form):
    logo = FileField(
        _l("Logo (PNG, JPEG or SVG, up to 200 KB)"), validators=[FileRequired(_l("Please choose a file."))]
    )


class AccentForm(Form):
    accent = StringField(_l("Accent colour"), filters=[strip], validators=[Optional(), Length(max=7)])
