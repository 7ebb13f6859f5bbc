"""Real Chromium through Playwright: where the browser is, how it is launched, the viewports of a
phone, a projector and a laptop, and the vendored axe-core."""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
PROJECTOR = {"viewport": {"width": 1920, "height": 1080}}
LAPTOP = {"viewport": {"width": 1366, "height": 900}}


AXE_JS = Path(__file__).resolve().parent.parent / "vendor" / "axe.min.js"


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run the vendored axe-core (WCAG 2.1 A/AA rules) on the page; return serious/critical violations.

    The page's strict CSP forbids injected scripts, so a11y contexts use ``bypass_csp=True``.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def console_tab(page, name: str):
    """Open one tab of the facilitator console (Plan, Pitching, Questions, Board, Set-up, …)."""
    page.get_by_role("navigation", name="Console sections").get_by_role("link", name=name).click()
    return page


def document_id(page) -> str:
    """A stamp on the page's current document: it stays the same until the page reloads or navigates
    (``performance``'s navigation entries can't tell: every document has exactly one)."""
    return page.evaluate("window.__testDoc = window.__testDoc || Math.random().toString(36).slice(2)")
