"""The anonymous question wall: anyone asks, upvotes and reports; the author alone can delete or
follow their question (by a secret only their browser holds); facilitators moderate; a question
can become a pitch. Nothing the server keeps links a question to who asked it.

May touch: the core seams, the shared tables, and pitches (a question may name a session, and
``promote`` creates a pitch through ``pitches.domain``).
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from barcamp.core import screens
from barcamp.core.database import count
from barcamp.questions import forms, reading, views
from barcamp.questions.models import Question

bp = views.bp
__all__ = ["bp", "init_app"]

# Its place on the shared screens (registered on import, like ``@partial``).
screens.attendee_tab("questions.wall", _l("Questions"), 20)
screens.offline_page("questions.wall", 30)
screens.projector_mode("wall", _l("Question wall"), "questions/_projector.html", 40)
screens.console_section("questions/_console.html", 30, "questions")
screens.console_badge("questions", reading.attention_count)
screens.recap_count("asked", _l("Questions asked"), lambda event: count(Question, Question.event_id == event.id), 40)
screens.recap_count(
    "answered",
    _l("Questions answered"),
    lambda event: count(Question, Question.event_id == event.id, Question.answered),
    50,
)
screens.template_helper(question_settings_form=forms.settings_form, question_summary=reading.moderation_summary)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
