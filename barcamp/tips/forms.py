"""The tips board's forms: one's own card, and a tip."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from barcamp.core import rules
from barcamp.core.errors import DomainError
from barcamp.core.forms import Form, strip
from barcamp.core.tags import MAX_LENGTH, parse_tags
from barcamp.tips.links import parse_links


def _tag_list(limit: int):
    def check(form, field):
        names = parse_tags(field.data)
        if len(names) > limit:
            raise ValidationError(_("Please use at most %(n)s tags.", n=limit))
        if any(len(n) > MAX_LENGTH for n in names):
            raise ValidationError(_("Each tag can have at most 30 characters."))

    return check


def _profile_links(form, field):
    try:
        parse_links(field.data)
    except DomainError as exc:
        raise ValidationError(exc.message) from None


class CardForm(Form):
    display_name = StringField(
        _l("Display name"),
        filters=[strip],
        validators=[DataRequired(_l("Please enter a name others can call you.")), Length(max=60)],
    )
    intro = StringField(_l("One-line intro (optional)"), filters=[strip], validators=[Optional(), Length(max=140)])
    help_tags = StringField(_l("I can help with"), validators=[_tag_list(8)])
    seek_tags = StringField(_l("I'm looking for"), validators=[_tag_list(8)])
    show_first_timer = BooleanField(_l("Show a “first barcamp — say hi” badge on my card"))
    contact = StringField(
        _l("Contact (optional)"),
        filters=[strip],
        validators=[Optional(), Length(max=200), rules.rule("tip_card", "contact")],
    )
    links = TextAreaField(
        _l("Profile links (optional, up to 5, one a line)"),
        validators=[Optional(), Length(max=1200), _profile_links],
    )
    contact_visibility = SelectField(
        _l("Who may see my contact?"),
        choices=[
            # Short, so the chosen one fits the select on a 360 px phone; the hint says the rest.
            ("request", _l("On request")),
            ("public", _l("Everyone on the board")),
            ("never", _l("Nobody")),
        ],
        default="request",
    )


class TipForm(Form):
    text = TextAreaField(
        _l("Your tip"),
        filters=[strip],
        validators=[
            DataRequired(_l("Please write your tip.")),
            Length(min=3, max=500, message=_l("A tip needs 3 to 500 characters.")),
        ],
    )
    link = StringField(
        _l("Link (optional)"), filters=[strip], validators=[Optional(), Length(max=500), rules.rule("tip", "link")]
    )
    tags = StringField(_l("Tags (optional, up to 5)"), validators=[_tag_list(5)])
