"""Server-rendered live partials: one rendering path for each thing on screen.

A page embeds a partial once at load and marks its container with
``data-live="<name>"``; when ``realtime.changed(event_id, name)`` arrives, the
page's JS fetches ``/e/<slug>/live/<name>?at=<t>`` and swaps the content.
Feature modules register their partials with ``@partial("<name>")``.

Partials are the same for every viewer, so a live fetch renders once and is
served from a small in-process cache to every phone asking after the same
change: an entry rendered after the change was announced (``at``) is fresh.
A change to one item (a new or edited pitch) can instead carry that item's
HTML in the ``changed`` message (``item`` and ``html``, rendered once per
language by ``render_item``), and pages swap it in without fetching anything:
with thousands of phones, one broadcast is far cheaper than thousands of fetches.
Shared renders carry no CSRF token (``csrf_input()`` is empty there); the
page's JS sends the token in a header instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import contextmanager

from flask import Blueprint, abort, current_app, g, has_request_context, render_template, request
from flask_babel import force_locale, get_locale
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from barcamp.core import realtime
from barcamp.core.database import after_commit
from barcamp.core.extensions import db
from barcamp.core.identity import event_or_404, is_facilitator
from barcamp.core.models import Event

bp = Blueprint("partials", __name__)
_renderers: dict[str, Callable[[Event], str]] = {}
_item_renderers: dict[str, Callable[[Event, int], dict[str, str]]] = {}
_facilitators_only: set[str] = set()
_cache: dict[tuple, tuple[float, str]] = {}
MAX_AGE = 30.0  # seconds a cached render may serve requests that name no change


def partial(name: str, facilitators: bool = False):
    """Register ``fn(event) -> html`` as the renderer of a live partial.

    ``facilitators=True`` serves it only to facilitators of the event.
    """

    def register(fn):
        _renderers[name] = fn
        if facilitators:
            _facilitators_only.add(name)
        return fn

    return register


def render(name: str, event: Event) -> Markup:
    """Render a partial for embedding in a page (same path as live reloads)."""
    return Markup(_renderers[name](event))  # noqa: S704 -- output of an autoescaped template


def csrf_input() -> Markup:
    """The CSRF hidden field for forms in pages; empty in shared (cached) renders."""
    if g.get("shared_render"):
        return Markup("")
    return Markup('<input type="hidden" name="csrf_token" value="%s">') % generate_csrf()


@contextmanager
def _as_everyone():
    """Render for every viewer: no per-browser parts such as the CSRF field."""
    g.shared_render = True
    try:
        yield
    finally:
        g.shared_render = False


def shared_render(name: str, event: Event, at: float = 0.0, fresh: bool = False) -> str:
    """A partial's HTML as every viewer sees it, rendered once per change."""
    # Query arguments select a variant of the partial (e.g. one session's question wall, sorted by new).
    variant = tuple(sorted((k, v) for k, v in request.args.items(multi=True) if k not in ("at", "fresh")))
    key = (event.id, event.created_at, name, str(get_locale()), variant)
    now = time.time()
    hit = _cache.get(key)
    if hit and not fresh and hit[0] >= at and now - hit[0] < MAX_AGE:
        return hit[1]
    with _as_everyone():
        html = _renderers[name](event)
    if len(_cache) > 5000:
        _cache.clear()
    _cache[key] = (now, html)
    return html


def item_partial(name: str):
    """Register how one item of partial ``name`` renders (``fn(event, item_id)``, via ``render_item``),
    so a domain function can push it with ``push_item`` without rendering anything itself."""

    def register(fn):
        _item_renderers[name] = fn
        return fn

    return register


def push_item(event_id: int, name: str, item_id: int, dom_id: str, now: bool = False) -> None:
    """Once committed, send every page this item of ``name`` (new or edited), rendered once.
    Outside a request (the demo loader) pages are just told to reload the partial."""

    def push():
        if not has_request_context():
            realtime.changed(event_id, name, now=now)
            return
        html = _item_renderers[name](db.session.get(Event, event_id), item_id)
        realtime.changed(event_id, name, now=now, item=dom_id, html=html)

    after_commit(push)


def render_item(template: str, **context) -> dict[str, str]:
    """One item as every viewer sees it, once per language (for pushing it live)."""
    with _as_everyone():
        out = {}
        for lang in current_app.config["LANGUAGES"]:
            with force_locale(lang):
                out[lang] = render_template(template, **context)
    return out


@bp.get("/e/<slug>/live/<name>")
def live(slug, name):
    """The current HTML of one partial, fetched by pages when told it changed."""
    if name not in _renderers:
        abort(404)
    event = event_or_404(slug)
    if name in _facilitators_only and not is_facilitator(event):
        abort(403)
    at = request.args.get("at", 0.0, type=float)
    html = shared_render(name, event, at=at, fresh=request.args.get("fresh") == "1")
    return html, 200, {"Cache-Control": "no-store"}
