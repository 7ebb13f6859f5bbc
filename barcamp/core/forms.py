"""The one form base class, and the small parts every feature's forms share."""

from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto, _is_submitted
from werkzeug.datastructures import CombinedMultiDict


class Form(FlaskForm):
    """A form that reads only form fields (and files), never a JSON body.

    Flask-WTF would read ``application/json`` bodies as form data, and then a title could be
    a number or an object; every view expects text. A JSON body is simply an empty form here,
    which answers with the form's own friendly errors.
    """

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            if formdata is not _Auto:
                return formdata
            if not _is_submitted():
                return None
            return CombinedMultiDict((request.files, request.form)) if request.files else request.form

    def error_text(self) -> str:
        """Every field's errors in one sentence, for a background request's ``{"error": ...}``."""
        return " ".join(str(e) for errors in self.errors.values() for e in errors)


def strip(value):
    """Field filter: trim surrounding white space from text."""
    return value.strip() if isinstance(value, str) else value
