"""Real Chromium: each button of the console's "Projector shows" switches the projector live.

The projector (1920×1080) and the facilitator's console are two browsers. For every mode of
``PROJECTOR_MODES`` the projector starts in another mode, the facilitator presses the mode's
button, and the projector shows that mode without reloading. The demo event has a
beginner-friendly pitch on the grid, so the grid mode shows its badge.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

import barcamp  # noqa: F401  (its features register their projector modes)
from barcamp.core import screens
from tests.support.world import LiveClient

PROJECTOR_MODES = screens.mode_values()

pytestmark = pytest.mark.browser

# The console's button for each mode, and what only that mode puts on the projector.
MODES = {
    "welcome": ("Welcome", ".welcome .stage-title", "Barcamp Rhein-Main 2026"),
    "pitches": ("Pitches", ".spotlight .spot-title", None),
    "grid": ("Grid", ".pgrid .level-beginner-badge", "Beginner-friendly"),
    "nownext": ("Now & next", ".nnboard .nnb-next h2", "Next up"),
    "wall": ("Question wall", ".qw-stage .qw-stage-h", "Questions. Ask anonymously on your phone."),
    "mixer": ("Meet someone new", ".mix-stage .mix-stage-h", "Meet someone new"),
}


def test_every_projector_mode_has_a_button_and_a_sign():
    assert sorted(MODES) == sorted(PROJECTOR_MODES), "a new projector mode: add its button and sign to MODES"


@pytest.fixture
def demo_fac(live_server, live_demo):
    """The demo's facilitator over HTTP; puts the projector back on the welcome slide afterwards."""
    fac = LiveClient(live_server.url)
    assert fac.get(live_demo["facilitator"].removeprefix(live_server.url)).status_code == 302
    yield fac
    assert fac.post("/e/demo/facilitate/projector", data={"mode": "welcome"}).status_code == 302


@pytest.mark.parametrize("mode", PROJECTOR_MODES)
def test_console_button_switches_projector_live(live_server, live_demo, new_context, demo_fac, mode):
    if mode not in MODES:
        pytest.fail(f"no button and sign known for projector mode {mode!r}: add them to MODES")
    label, sign, text = MODES[mode]
    before = next(m for m in PROJECTOR_MODES if m != mode)
    assert demo_fac.post("/e/demo/facilitate/projector", data={"mode": before}).status_code == 302

    projector = new_context("projector").new_page()
    refused = []
    projector.on("response", lambda r: r.status >= 400 and refused.append(f"{r.status} {r.url}"))
    projector.goto(f"{live_server.url}/e/demo/projector")
    live = projector.locator("[data-live=projector]")
    expect(live.locator(f".mode-{before}")).to_have_count(1)
    expect(projector.locator("body[data-live=on]")).to_have_count(1)

    console = new_context("laptop").new_page()
    console.goto(live_demo["facilitator"])
    button = console.get_by_role("region", name="Projector shows").get_by_role("button", name=label, exact=True)
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")

    try:
        expect(live.locator(f".mode-{mode}")).to_have_count(1, timeout=5000)
        shown = live.locator(sign).first
        expect(shown).to_be_visible()
        if text:
            expect(shown).to_contain_text(text)
    except AssertionError as exc:
        raise AssertionError(f"projector did not switch to {mode!r}; the server answered it {refused}") from exc
    expect(live.locator(f".mode-{before}")).to_have_count(0)
    assert projector.evaluate("performance.getEntriesByType('navigation').length") == 1, "the projector reloaded"
    assert refused == []
