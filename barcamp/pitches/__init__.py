"""Pitches and votes: attendees pitch sessions from their phones and vote on them; the shared list,
live tallies, the vote budget and blind voting; the facilitators' queue, spotlight, hide and merge.

- ``domain``: the rules; ``votes``: voting (its own blueprint ``votes``); ``console``: facilitators
- ``partials``: the list's live parts and JSON; ``forms``, ``enums``, ``models``
May touch: the core seams, the shared tables, and ``Question.pitch_id`` when merging two pitches.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from barcamp.core import screens
from barcamp.core.database import count
from barcamp.pitches import cards, console, enums, partials, timer, views, votes
from barcamp.pitches.models import Pitch

bp = views.bp
__all__ = ["bp", "init_app"]

# Its place on the shared screens (registered on import, like ``@partial``).
screens.page_context("home", partials.home_context)
screens.offline_page("pitches.new", 10)  # "Pitch a session" works offline: it waits in the outbox
screens.projector_mode("pitches", _l("Pitches"), "pitches/_projector.html", 10)
screens.console_section("pitches/_console.html", 10, "pitching")
screens.console_badge("pitching", console.waiting_count)
screens.recap_count("pitches", _l("Pitches"), lambda event: count(Pitch, Pitch.event_id == event.id), 10)
screens.recap_count("votes", _l("“I'd attend” votes"), console.recap_votes, 30)
screens.template_helper(
    voting_form=partials.voting_form,
    merge_form=console.merge_form,
    votes_left_for=partials.votes_left_for,
    my_vote_ids=partials.my_vote_ids,
    pitch_timer=timer.timer_context,
    pitch_card=cards.pitch_card,
)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(votes.bp)
    # Globals, not context: macros imported without context (grid/_table.html) see them too.
    app.jinja_env.globals.update(levels=dict(enums.LEVELS), formats=dict(enums.FORMATS))
