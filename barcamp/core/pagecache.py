"""A brand-new phone's first page, rendered once for all the phones that arrive at the same moment.

When a hall scans the QR code at once, two thousand phones ask for the same attendee home within
seconds, none of them with a cookie yet: nothing on that page is theirs but the CSRF token. So
the page is rendered once per event, language and host, and served to every brand-new phone,
each copy with its own token, until this process announces anything of the event
(``realtime.version``: a pitch, a move on the grid, a vote's tally) or ``PAGE_CACHE_SECONDS``
pass (for what follows the clock, such as the session on now).

Only with one process: with a message queue, writes made in another process would not end an
entry here, so every page is rendered (``enabled``).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from flask import current_app, request
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf

from barcamp.core import realtime

_MARK = "\x1ecsrf-token\x1e"  # where each copy gets its own token (a control character no page holds)
_pages: dict[tuple, tuple[float, str]] = {}


def enabled() -> bool:
    """True if this request may get a shared page: a browser with no cookie, one process, plain URL."""
    app = current_app
    return (
        app.config["PAGE_CACHE_SECONDS"] > 0
        and not app.config["REDIS_URL"]
        and app.config["SESSION_COOKIE_NAME"] not in request.cookies
        and not request.query_string
    )


def page(event, name: str, render: Callable[[], str]) -> str:
    """The page ``name`` of ``event`` as ``render()`` makes it for a brand-new browser, shared."""
    token = generate_csrf()  # this browser's own, also stored in its new session
    # Read before rendering: an announcement made while the page renders ends the entry.
    key = (event.id, event.created_at, name, str(get_locale()), request.host_url, realtime.version(event.id))
    now = time.monotonic()
    hit = _pages.get(key)
    if hit is not None and now - hit[0] < current_app.config["PAGE_CACHE_SECONDS"]:
        return hit[1].replace(_MARK, token)
    html = render()
    if len(_pages) > 500:
        _pages.clear()
    _pages[key] = (now, html.replace(token, _MARK))
    return html
