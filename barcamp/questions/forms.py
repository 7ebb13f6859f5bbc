"""The ask form and the console's question settings."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, TextAreaField
from wtforms.validators import InputRequired, ValidationError

from barcamp.core import rules
from barcamp.core.forms import Form, strip
from barcamp.core.models import Event
from barcamp.questions import domain as qd


def _question_length(form, field):
    n = len(field.data or "")
    if n == 0:
        raise ValidationError(_("Please type your question."))
    if n < qd.MIN_LENGTH:
        raise ValidationError(_("A question needs at least %(n)s characters.", n=qd.MIN_LENGTH))
    if n > qd.MAX_LENGTH:
        raise ValidationError(_("At most %(max)s characters, please (you typed %(n)s).", max=qd.MAX_LENGTH, n=n))


class QuestionForm(Form):
    text = TextAreaField(_l("Your question"), filters=[strip], validators=[_question_length])
    pitch = HiddenField()
    nonce = HiddenField()  # one per form shown: a re-sent form is stored once (questions.domain)


class QuestionSettingsForm(Form):
    premoderation = BooleanField(_l("Pre-moderation: questions appear only after a facilitator approves them"))
    report_threshold = IntegerField(
        _l("Reports that hide a question until reviewed"),
        validators=[
            InputRequired(_l("Please enter a number.")),
            rules.rule("event", "report_threshold"),
        ],
    )


def settings_form(event: Event) -> QuestionSettingsForm:
    """The console's question settings, filled from the event."""
    return QuestionSettingsForm(obj=event, formdata=None)
