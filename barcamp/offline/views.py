"""The manifest, the service worker script, and the mark on responses a phone may keep."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, render_template, request, session, url_for

from barcamp.core import screens, zones
from barcamp.core.identity import event_or_404, is_facilitator
from barcamp.core.models import Event

bp = Blueprint("offline", __name__)
KEEP = "Barcamp-Offline"  # the header that says "a phone may keep this copy"
# The files every kept page needs; other fingerprinted files are kept when first used.
SHELL = (
    "css/app.css",
    "vendor/socket.io.min.js",
    "js/live.js",
    "js/notices.js",
    "js/brand.js",
    "js/pitches.js",
    "js/grid.js",
    "js/questions.js",
    "js/tips.js",
    "icons/icon.svg",
    "icons/icon-192.png",
)
THEME = "#0b5cad"  # --accent in static/css/app.css
BACKGROUND = "#fbfaf7"  # --bg


def build() -> str:
    """This deploy's version: BARCAMP_BUILD, else a hash of the code, templates and static files.

    It is written into the service worker, so a new deploy changes the worker's bytes and every
    phone installs the new app (and drops the old one's caches) on its next page load.
    """
    if current_app.config.get("BUILD"):
        return current_app.config["BUILD"]
    cached = current_app.extensions.get("barcamp_build")
    if cached is None:
        root = Path(current_app.root_path).parent
        digest = hashlib.sha256()
        for folder in ("barcamp", "templates", "static"):
            for path in sorted((root / folder).rglob("*")):
                if path.is_file() and path.suffix in {".py", ".html", ".js", ".css", ".mo", ".svg", ".png", ".ico"}:
                    digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
        cached = current_app.extensions["barcamp_build"] = digest.hexdigest()[:12]
    return cached


def scope_of(event: Event) -> str:
    return url_for("events.home", slug=event.slug)


def page_urls(event: Event) -> list[str]:
    """The event's pages this phone keeps, as URLs (the allow-list, in order)."""
    urls = []
    for endpoint, args in screens.offline_pages():
        if endpoint in current_app.view_functions:
            base = url_for(endpoint, slug=event.slug)
            urls.append(f"{base}?{urlencode(args)}" if args else base)
    return urls


def offline_app(event: Event) -> dict | None:
    """What ``base.html`` puts on an event page: the worker and manifest, and the banner's
    "as of" time (None for facilitators: their browser keeps nothing)."""
    if is_facilitator(event):
        return None
    now = dt.datetime.now(zones.zone(event.timezone))
    return {
        "worker": url_for("offline.worker", slug=event.slug),
        "scope": scope_of(event),
        "manifest": url_for("offline.manifest", slug=event.slug),
        "as_of": now.strftime("%H:%M"),
        "build": build(),
    }


@bp.get("/e/<slug>/sw.js")
def worker(slug):
    """The event's service worker: its settings (this build, the pages, the shell), then static/js/sw.js."""
    event = event_or_404(slug)
    settings = {
        "build": build(),
        "scope": scope_of(event),
        "pages": page_urls(event),
        "shell": [url_for("static", filename=f) for f in SHELL],
        "keep": KEEP,
        "static": url_for("static", filename=""),
    }
    body = render_template("offline/sw.js", settings=json.dumps(settings))
    headers = {"Cache-Control": "no-cache", "Service-Worker-Allowed": scope_of(event)}
    response = Response(body, mimetype="text/javascript", headers=headers)
    response.add_etag()  # phones checking for a new version after a reconnect mostly get a 304
    return response.make_conditional(request)


@bp.get("/e/<slug>/manifest.webmanifest")
def manifest(slug):
    """The web manifest: "add to home screen" opens this event."""
    event = event_or_404(slug)
    home = scope_of(event)
    icon = lambda name, size, kind, purpose="any": {  # noqa: E731
        "src": url_for("static", filename=f"icons/{name}"),
        "sizes": size,
        "type": kind,
        "purpose": purpose,
    }
    body = {
        "id": home,
        "name": event.name,
        "short_name": event.name if len(event.name) <= 12 else (event.hashtag or event.name[:12]).lstrip("#"),
        "start_url": home,
        "scope": home,
        "display": "standalone",
        "theme_color": THEME,
        "background_color": BACKGROUND,
        "lang": str(request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "en"),
        "icons": [
            icon("icon-192.png", "192x192", "image/png"),
            icon("icon-512.png", "512x512", "image/png"),
            icon("maskable-512.png", "512x512", "image/png", "maskable"),
            icon("icon.svg", "any", "image/svg+xml"),
        ],
    }
    return Response(json.dumps(body), mimetype="application/manifest+json", headers={"Cache-Control": "no-cache"})


def mark_keepable(response: Response) -> Response:
    """Mark an allow-listed attendee page a phone may keep for offline use; nothing else.

    Not for facilitators, not when the response sets a cookie (the session changed, or a
    question's secret is stored), not when the view said ``no-store`` (e.g. another person's
    contact is on it).
    """
    view_args = request.view_args or {}
    if (
        request.method != "GET"
        or response.status_code != 200
        or response.mimetype != "text/html"
        or "slug" not in view_args
        or not _allowed(request.endpoint, request.args)
        or response.cache_control.no_store
        or "Set-Cookie" in response.headers
        or session.modified
    ):
        return response
    if is_facilitator(event_or_404(view_args["slug"])):
        return response
    response.headers[KEEP] = "cache"
    return response


def _allowed(endpoint: str | None, args) -> bool:
    for allowed, allowed_args in screens.offline_pages():
        if endpoint == allowed and all(args.get(k) == v for k, v in allowed_args.items()):
            return True
    return False
