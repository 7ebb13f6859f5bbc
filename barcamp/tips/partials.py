"""The board's live parts (tips, cards), its JSON section and its template tests."""

from __future__ import annotations

from flask import render_template, request
from markupsafe import Markup

from barcamp.core import rules
from barcamp.core.api import section
from barcamp.core.models import Event
from barcamp.core.partials import partial
from barcamp.core.tags import parse_tags
from barcamp.tips import consent, reading
from barcamp.tips.export import card_dict, tip_dict


def tag_arg() -> str:
    """The tag filter in the URL (``?tag=``), cleaned as tags are."""
    names = parse_tags(request.args.get("tag", ""))
    return names[0] if names else ""


def is_web_link(value) -> bool:
    return isinstance(value, str) and rules.is_web_link(value)


def is_askable(card) -> bool:
    return consent.can_be_asked(card)


# --- partials -------------------------------------------------------------------


def render_tips(event: Event, marks: dict[str, set[int]] | None = None) -> Markup:
    """The tips list with the tag filter; ``marks`` (mine) only on full page renders."""
    tips, cards = reading.visible_tips(event), reading.visible_cards(event)
    tag = tag_arg()
    shown = [t for t in tips if any(x.name == tag for x in t.tags)] if tag else tips
    html = render_template(
        "tips/_tips.html",
        event=event,
        tips=shown,
        cloud=reading.tag_cloud(tips, cards),
        tag=tag,
        helpful=reading.helpful_counts(event.id),
        marks=marks or {"helpful": set(), "saved": set()},
    )
    return Markup(html)  # noqa: S704 -- output of an autoescaped template


@partial("tips")
def tips_partial(event: Event) -> str:
    """Everyone's view of the tips (no per-person state, no contacts)."""
    return render_tips(event)


@partial("tipcards")
def cards_partial(event: Event) -> str:
    """The people on the board: names, intros, tags and badges, never contacts."""
    tag = tag_arg()
    cards = reading.visible_cards(event)
    if tag:
        cards = [c for c in cards if tag in c.help or tag in c.seek]
    return render_template("tips/_cards.html", event=event, cards=cards, tag=tag)


@section("tips")
def api_section(event: Event) -> dict:
    """Visible tips and cards for the public snapshot; no contacts, ever."""
    helpful = reading.helpful_counts(event.id)
    return {
        "tips": [tip_dict(t, helpful) for t in reading.visible_tips(event)],
        "cards": [card_dict(c) for c in reading.visible_cards(event)],
    }
