"""Real Chromium on every page of the demo event and of a fresh one, at phone, laptop and projector
sizes: no page logs a console error, throws, loses a request or gets a 4xx/5xx answer for anything.

The pages come from ``app.url_map``: every GET route of an event that answers a whole HTML page
(a fragment or a download is not a page). A page the attendee is refused is a facilitator's page;
the projector is visited in every mode of ``PROJECTOR_MODES``. So a new page, or a new projector
mode, is visited without an edit here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import barcamp  # noqa: F401  (its features register their projector modes)
from barcamp import create_app
from barcamp.core import screens
from tests.support.browser import PHONE, PROJECTOR
from tests.support.env import ROOT
from tests.support.world import ARG, LOGO_SVG, LiveClient, post_logo, rule_urls

PROJECTOR_MODES = screens.mode_values()

pytestmark = pytest.mark.browser

SIZES = {"phone": PHONE, "laptop": {"viewport": {"width": 1440, "height": 900}}, "projector": PROJECTOR}
EVENTS = ("demo", "fresh")
# Downloads and data, not pages: a download aborts page.goto, and test_crawl requests them all.
DOWNLOADS = (".ics", ".csv", ".json", ".vcf", ".svg")
SKIP = {
    "partials.live": "fragments: the pages that embed them fetch them, and the watch sees those requests",
    "events.facilitator_link": "opened first in the facilitator's context, to become facilitator",
    "events.projector": "visited in each projector mode, by a context of its own",
}
KNOWN_ARGS = ("slug", "pitch_id", "card_id", "version")


def _is_page(response) -> bool:
    body = response.get_data(as_text=True).lstrip()[:20].lower()
    return response.headers.get("Content-Type", "").startswith("text/html") and body.startswith("<!doctype html")


def _event_rules():
    config = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SQLALCHEMY_ENGINE_OPTIONS": {}, "SECRET_KEY": "rules only"}
    app = create_app({**config, "TESTING": True})  # for its url_map only: it opens no database
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/e/<slug>")
        and "GET" in rule.methods
        and rule.endpoint not in SKIP
        and not rule.rule.endswith(DOWNLOADS)
    ]


class Site:
    """One event on the live server: its facilitator over HTTP, and which of its URLs are pages for whom."""

    def __init__(self, base: str, slug: str, fac_url: str, branded: bool = False):
        self.base, self.slug, self.fac_url = base, slug, fac_url
        self.fac = LiveClient(base)
        assert self.fac.get(fac_url.removeprefix(base)).status_code == 302
        # branded (logo version 1, accent version 2): every page loads the logo and the accent's CSS.
        # Not the shared demo event, which other tests read as it was made.
        if branded:
            assert post_logo(self.fac, f"/e/{slug}/facilitate/branding/logo", LOGO_SVG).status_code == 302
            accent = self.fac.post(f"/e/{slug}/facilitate/branding/accent", data={"accent-accent": "#6a1b9a"})
            assert accent.status_code == 302
        snapshot = self.fac.get(f"/api/v1/events/{slug}").r.json()
        placed = {c["pitch_id"] for c in snapshot.get("grid", []) if c["pitch_id"]}
        # the pitch to edit: a beginner-friendly one on the grid if there is one (its badge shows)
        pitches = sorted(snapshot.get("pitches", []), key=lambda p: (p["id"] not in placed, p["level"] != "beginner"))
        cards = snapshot.get("tips", {}).get("cards", [])
        values = {"slug": [slug], "pitch_id": [p["id"] for p in pitches[:1]], "card_id": [c["id"] for c in cards[:1]]}
        values["version"] = [2] if branded else []  # the logo's and stylesheet's: images and CSS, not pages
        attendee = LiveClient(base)
        attendee.get(f"/e/{slug}")
        self.attendee_pages, self.facilitator_pages = [], []
        for rule in _event_rules():
            names = [name for _conv, _opts, name in ARG.findall(rule.rule)]
            unknown = sorted(set(names) - set(KNOWN_ARGS))
            assert not unknown, f"{rule.rule}: the browser crawl cannot fill {unknown}; teach it (KNOWN_ARGS)"
            if not all(values[n] for n in names):
                continue  # e.g. a fresh event has no pitch to edit yet
            for url in rule_urls(rule, values):
                as_attendee = attendee.get(url)
                if as_attendee.status_code == 403:
                    if _is_page(self.fac.get(url)):
                        self.facilitator_pages.append(url)
                elif as_attendee.status_code >= 500 or _is_page(as_attendee):
                    self.attendee_pages.append(url)  # a broken page too: Chromium shows what people get

    def projector_mode(self, mode: str):
        r = self.fac.post(f"/e/{self.slug}/facilitate/projector", data={"mode": mode})
        assert r.status_code == 302, f"projector mode {mode}: {r.status_code}"


class Watch:
    """What went wrong while one page loaded and ran: console errors, page errors, failed
    requests and 4xx/5xx answers (for the page itself or anything it loaded)."""

    def __init__(self, page):
        self.page, self.problems, self.response = page, [], None
        self.handlers = {
            "console": lambda m: (
                m.type == "error" and self.problems.append(f"console error: {m.text} ({m.location.get('url')})")
            ),
            "pageerror": lambda e: self.problems.append(f"page error: {e}"),
            "requestfailed": lambda r: self.problems.append(f"request failed: {r.method} {r.url} {r.failure}"),
            "response": lambda r: (
                r.status >= 400 and self.problems.append(f"{r.status} for {r.request.method} {r.url}")
            ),
        }
        for event, handler in self.handlers.items():
            page.on(event, handler)

    def stop(self):
        """Stop listening: closing the page aborts its live connection, and that is no fault of the page."""
        for event, handler in self.handlers.items():
            self.page.remove_listener(event, handler)


# The icon a page shows in its tab: Chromium asks for it once per browser, so a missing one shows
# as a console error on whichever page comes first. Every page's icon is checked on its own.
ICON_JS = "document.querySelector('link[rel~=icon]')?.href || new URL('/favicon.ico', location.href).href"


def visit(context, urls: list[str], ready: str | None = None, icons: set | None = None) -> dict[str, list[str]]:
    """Open each URL in a page of its own, all at once, let each connect live; return their problems.

    ``ready`` is a selector each page must show once it has run (e.g. the projector's mode);
    ``icons`` collects the tab icons the pages use."""
    icons = set() if icons is None else icons
    opened = []
    for url in urls:
        page = context.new_page()
        watch = Watch(page)
        try:
            watch.response = page.goto(url, wait_until="commit")  # the others load meanwhile
        except Exception as exc:  # noqa: BLE001 -- reported below, with the page's other problems
            watch.problems.append(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
        opened.append((url, page, watch))
    found = {}
    for url, page, watch in opened:
        try:
            page.wait_for_load_state("load")
            if watch.response is not None and watch.response.ok and page.locator("body[data-event]").count():
                page.locator("body[data-live=on]").wait_for(state="attached", timeout=5000)
                if ready:
                    page.locator(ready).first.wait_for(state="attached", timeout=5000)
        except Exception as exc:  # noqa: BLE001 -- a page that never connects or shows its mode: say so
            watch.problems.append(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
        found[url] = watch.problems
        if watch.response is not None and watch.response.ok:
            icons.add(page.evaluate(ICON_JS))
    for _url, page, watch in opened:
        watch.stop()
        page.close()
    return found


FRAME = re.compile(r'File "([^"]+)", line (\d+)')


def server_errors(log_path: str, offset: int) -> list[str]:
    """Each exception the server logged after ``offset``: the request, the error, and the app line it came from."""
    found = []
    request, frame = None, None
    for line in Path(log_path).read_text()[offset:].splitlines():
        if "Exception on " in line:
            request, frame = line.split("Exception on ", 1)[1], None
        elif request and (m := FRAME.search(line)) and Path(m.group(1)).is_relative_to(ROOT):
            frame = f"{Path(m.group(1)).relative_to(ROOT)}:{m.group(2)}"
        elif request and line and not line[0].isspace() and not line.startswith("Traceback"):
            found.append(f"{request}: {line} at {frame}")
            request = None
    return list(dict.fromkeys(found))


@pytest.fixture(scope="module")
def sites(live_server, live_demo):
    slug, fac_url = live_server.create_event("Browser Crawl Camp")
    return {
        "demo": Site(live_server.url, live_demo["slug"], live_demo["facilitator"]),
        "fresh": Site(live_server.url, slug, fac_url, branded=True),
    }


@pytest.fixture(scope="module")
def contexts(browser):
    """One context per role and size, shared by both events: (role, size) -> context."""
    made = {}

    def get(role: str, size: str):
        if (role, size) not in made:
            ctx = browser.new_context(locale="en-US", **SIZES[size])
            ctx.set_default_timeout(10_000)
            made[role, size] = ctx
        return made[role, size]

    yield get
    for ctx in made.values():
        ctx.close()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("event", EVENTS)
def test_every_page_runs_cleanly_in_chromium(live_server, sites, contexts, event, size):
    site = sites[event]
    offset = len(Path(live_server.log.name).read_text())
    problems: dict[str, list[str]] = {}
    icons: set[str] = set()

    def run(role, context, paths, ready=None):
        for url, found in visit(context, [site.base + p for p in paths], ready, icons).items():
            problems[f"{role} {url.removeprefix(site.base)}"] = found

    home = f"/e/{site.slug}"
    attendee = contexts("attendee", size)
    run("attendee", attendee, [home])  # people open the event first
    run("attendee", attendee, [p for p in site.attendee_pages if p != home])
    facilitator = contexts("facilitator", size)
    run("facilitator", facilitator, [site.fac_url.removeprefix(site.base)])  # the link lands on the console
    run("facilitator", facilitator, site.facilitator_pages)
    projector = contexts("projector", size)
    try:
        for mode in PROJECTOR_MODES:
            site.projector_mode(mode)
            run(f"projector ({mode})", projector, [f"/e/{site.slug}/projector"], f"[data-live=projector] .mode-{mode}")
    finally:
        site.projector_mode("welcome")
    for icon in sorted(icons):
        status = attendee.request.get(icon).status
        problems[f"tab icon {icon.removeprefix(site.base)}"] = [f"{status} for GET {icon}"] if status >= 400 else []
    failed = {page: found for page, found in problems.items() if found}
    assert site.attendee_pages and site.facilitator_pages, "the crawl found no pages: check _event_rules"
    lines = [f"{page}:\n    " + "\n    ".join(dict.fromkeys(found)) for page, found in failed.items()]
    errors = server_errors(live_server.log.name, offset)
    log = "\nserver log:\n    " + "\n    ".join(errors) if errors else ""
    assert not failed, (
        f"{len(failed)} of {len(problems)} pages had problems ({event}, {size}):\n" + "\n".join(lines) + log
    )
