"""The shared screens features add themselves to, so no screen names a feature: the console's
sections, the projector's modes, the attendee's tabs and banners, and the helpers their templates call.

A feature registers when its package is imported, as ``@partial`` does
(``screens.console_section("tips/_console.html", 40)`` in ``barcamp/tips/__init__.py``);
templates read the registries back through the context processor installed here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, url_for


@dataclass(frozen=True)
class Entry:
    order: int
    key: str  # a template (sections, modes) or an endpoint (tabs)
    label: str = ""
    value: str = ""


_sections: dict[str, Entry] = {}
_groups: dict[str, Entry] = {}
_badges: dict[str, list[Callable]] = {}
_modes: dict[str, Entry] = {}
_tabs: dict[str, Entry] = {}
_banners: dict[str, Entry] = {}
_helpers: dict[str, Callable] = {}
_console_page: list[Callable] = []
_page_context: dict[str, Callable] = {}
_offline: dict[tuple, int] = {}
_recap: dict[str, tuple[Entry, Callable]] = {}
_ties: list[Callable] = []


def console_section(template: str, order: int, group: str = "setup") -> None:
    """A part of the facilitator console, included in ``order`` under the console's tab ``group``."""
    _sections[template] = Entry(order, template, value=group)


def console_group(key: str, label, order: int) -> None:
    """A tab of the facilitator console (Plan, Pitching, …) that sections join by ``key``."""
    _groups[key] = Entry(order, key, label)


def console_badge(group: str, count: Callable) -> None:
    """What needs attention under a console tab: ``count(event) -> int`` (e.g. questions waiting)."""
    _badges.setdefault(group, []).append(count)


def console_tabs(event) -> list[dict]:
    """The console's tabs in order: key, label, the sections' templates and the badge count."""
    tabs = []
    for group in sorted(_groups.values(), key=lambda e: e.order):
        sections = [e.key for e in sorted(_sections.values(), key=lambda e: e.order) if e.value == group.key]
        badge = sum(count(event) for count in _badges.get(group.key, []))
        tabs.append({"key": group.key, "label": group.label, "sections": sections, "badge": badge})
    return tabs


def projector_mode(value: str, label, template: str, order: int) -> None:
    """A mode the projector can show: its stored value, its button label and its template."""
    _modes[value] = Entry(order, template, label, value)


def attendee_tab(endpoint: str, label, order: int) -> None:
    """A tab in the attendee's event navigation."""
    _tabs[endpoint] = Entry(order, endpoint, label)


def offline_page(endpoint: str, order: int, **args: str) -> None:
    """An attendee page the phone keeps for when the Wi-Fi fails (``endpoint`` with URL arguments
    ``args``, e.g. ``mine="1"``): the allow-list of the event's service worker."""
    _offline[(endpoint, tuple(sorted(args.items())))] = order


def offline_pages() -> list[tuple[str, dict]]:
    """The offline pages in order, as (endpoint, URL arguments)."""
    return [(endpoint, dict(args)) for (endpoint, args), _order in sorted(_offline.items(), key=lambda kv: kv[1])]


def attendee_banner(template: str, order: int) -> None:
    """A strip under the attendee's event navigation, on every attendee page (e.g. an open round)."""
    _banners[template] = Entry(order, template)


def recap_count(key: str, label, count: Callable, order: int) -> None:
    """A figure on the organiser's recap: ``count(event) -> int``. Counts only, never who."""
    _recap[key] = (Entry(order, key, label), count)


def recap_ties(pairs: Callable) -> None:
    """Who connected with whom by mutual consent: ``pairs(event)`` yields (attendee id, attendee
    id). The recap counts the pairs and the first-timers among them; it never shows them."""
    _ties.append(pairs)


def recap(event) -> list[tuple[str, str, int]]:
    """The recap's figures in order, as (key, label, count)."""
    entries = sorted(_recap.values(), key=lambda ec: ec[0].order)
    return [(entry.key, entry.label, count(event)) for entry, count in entries]


def ties(event) -> set[frozenset[int]]:
    """Every pair of attendees who connected, whichever feature they connected through, once."""
    return {frozenset(pair) for pairs in _ties for pair in pairs(event) if pair[0] != pair[1]}


def template_helper(**helpers: Callable) -> None:
    """Functions a feature's templates call, e.g. ``tips_summary(event)`` in its console section."""
    _helpers.update(helpers)


def console_page(render: Callable) -> Callable:
    """Register how the console page renders (``render(event, status, **bound_forms)``), so a
    feature can show it again with its own form's errors without importing the console."""
    _console_page[:] = [render]
    return render


def page_context(page: str, provide: Callable) -> None:
    """A feature provides what a shared page shows of it: ``provide(event, attendee) -> dict``
    (the event home is the pitch list)."""
    _page_context[page] = provide


def context_for(page: str, event, attendee) -> dict:
    provide = _page_context.get(page)
    return provide(event, attendee) if provide else {}


def console_url(event, anchor: str = "") -> str:
    """The organiser's console of an event, opened at ``anchor`` (e.g. "#grid")."""
    return url_for("setup.console", slug=event.slug) + anchor


def render_console(event, status: int = 200, **bound):
    return _console_page[0](event, status, **bound)


def projector_modes() -> list[Entry]:
    return sorted(_modes.values(), key=lambda e: e.order)


def mode_values() -> list[str]:
    """The closed set of projector modes, in order: the console's switch and the import check."""
    return [e.value for e in projector_modes()]


def projector_template(mode: str) -> str:
    entry = _modes.get(mode) or projector_modes()[0]
    return entry.key


def init_app(app: Flask) -> None:
    @app.context_processor
    def screens():
        return {
            "console_tabs": console_tabs,
            "projector_modes": projector_modes,
            "projector_template": projector_template,
            "attendee_banners": lambda: [e.key for e in sorted(_banners.values(), key=lambda e: e.order)],
            "event_tabs": lambda: [(e.key, e.label) for e in sorted(_tabs.values(), key=lambda e: e.order)],
            **_helpers,
        }
