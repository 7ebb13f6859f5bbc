"""Real Chromium: the facilitator plans the grid by drag and drop (mouse and touch) and by
keyboard; the projector and phones follow live; the phone, projector and print layouts fit."""

from __future__ import annotations

import datetime as dt
import os
import re
import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from barcamp.core.extensions import db
from barcamp.models import Attendee, Event, Pitch, Placement, Room, Slot, Vote
from tests.support.live import LateAnswer

pytestmark = pytest.mark.browser

LONG = "Barrierefreiheit im Alltag: Was wir von Screenreader-Nutzerinnen lernen können"


@pytest.fixture(scope="module")
def live_db(live_server):
    """An app bound to the live server's database, to arrange data directly."""
    from barcamp import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": live_server.env["DATABASE_URL"]})
    yield app
    with app.app_context():
        db.engine.dispose()


def seed(app, slug, rooms, slots, pitches=(), placed=(), mode=None):
    """Rooms, slots, pitches with votes and placements; returns ids by name / index / title."""
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        room_rows = [Room(event_id=event.id, name=n, capacity=c, location=loc) for n, c, loc in rooms]
        slot_rows = [
            Slot(day_id=event.days[0].id, starts_at=dt.time.fromisoformat(a), ends_at=dt.time.fromisoformat(b), kind=k)
            for a, b, k in slots
        ]
        pitch_rows = [Pitch(event_id=event.id, title=t, host_name=h) for t, h, _v in pitches]
        db.session.add_all(room_rows + slot_rows + pitch_rows)
        db.session.flush()
        for pitch, (_t, _h, votes) in zip(pitch_rows, pitches, strict=True):
            voters = [Attendee(event_id=event.id) for _ in range(votes)]
            db.session.add_all(voters)
            db.session.flush()
            db.session.add_all(Vote(pitch_id=pitch.id, attendee_id=v.id) for v in voters)
        for title, slot_index, room_name in placed:
            pitch = next(p for p in pitch_rows if p.title == title)
            room = next(r for r in room_rows if r.name == room_name)
            db.session.add(
                Placement(event_id=event.id, slot_id=slot_rows[slot_index].id, room_id=room.id, pitch_id=pitch.id)
            )
        if mode:
            event.projector_mode = mode
        db.session.commit()
        return (
            {r.name: r.id for r in room_rows},
            [s.id for s in slot_rows],
            {p.title: p.id for p in pitch_rows},
        )


def vote_on_the_list(page, title: str, label: str = "I'd attend"):
    """The phone (on the pitch list) taps its vote for a pitch, and the server has stored it."""
    with page.expect_response(lambda r: r.url.endswith("/vote") and r.ok):
        page.get_by_role("article", name=title).get_by_role("button", name=label).click()


def mouse_drag(page, source, target):
    """Press on ``source``, move in steps, release over ``target`` (real pointer events)."""
    page.evaluate("document.getElementById('grid').scrollIntoView()")
    a, b = source.bounding_box(), target.bounding_box()
    page.mouse.move(a["x"] + 10, a["y"] + a["height"] / 2)
    page.mouse.down()
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2, steps=8)
    page.mouse.up()


def live(*pages):
    for page in pages:
        expect(page.locator("body[data-live=on]")).to_have_count(1)


ROOMS = (("Aula", 100, "Erdgeschoss, geradeaus"), ("Werkstatt", 40, "1. OG links"))
SLOTS = (("10:00", "11:00", "session"), ("11:15", "12:00", "session"), ("12:00", "13:00", "break"))


def test_drag_and_drop_placement_reaches_projector_and_phone_without_reload(live_server, live_db, new_context):
    slug, fac_url = live_server.create_event("Grid DnD Camp")
    rooms, slots, pitches = seed(
        live_db, slug, ROOMS, SLOTS, [("Offene Daten", "Gül", 5), ("Kubernetes", "Ben", 3)], mode="grid"
    )
    phone = new_context("phone", locale="de-DE").new_page()
    phone.goto(f"{live_server.url}/e/{slug}")
    vote_on_the_list(phone, "Offene Daten", "Ich komme")
    phone.goto(f"{live_server.url}/e/{slug}/grid")
    projector = new_context("projector").new_page()
    projector.goto(f"{live_server.url}/e/{slug}/projector")
    fac = new_context("laptop").new_page()
    fac.goto(fac_url)
    expect(fac.get_by_role("heading", name="Session grid")).to_be_visible()
    live(phone, projector, fac)

    first = f"{slots[0]}-{rooms['Aula']}"
    chip = fac.locator(".gc-chip", has_text="Offene Daten")
    mouse_drag(fac, chip.locator(".gc-title"), fac.locator(f'td[data-cell="{first}"]'))

    cell = projector.locator(f'td[data-cell="{first}"]')
    expect(cell).to_contain_text("Offene Daten", timeout=3000)
    expect(cell).to_have_class(re.compile("grid-changed"))  # briefly highlighted
    expect(phone.locator(f'.programme [data-cell="{first}"]')).to_contain_text("Offene Daten", timeout=3000)
    expect(phone.locator(f'.programme [data-cell="{first}"]')).to_contain_text("Erdgeschoss, geradeaus")
    expect(fac.locator(f'td[data-cell="{first}"] .gc-session')).to_contain_text("Offene Daten")

    # moving it: the phone that voted for it is told where it went
    second = f"{slots[1]}-{rooms['Werkstatt']}"
    mouse_drag(fac, fac.locator(f'td[data-cell="{first}"] .gc-title'), fac.locator(f'td[data-cell="{second}"]'))
    expect(projector.locator(f'td[data-cell="{second}"]')).to_contain_text("Offene Daten", timeout=3000)
    expect(projector.locator(f'td[data-cell="{first}"]')).to_have_text("")
    expect(phone.get_by_role("status").filter(has_text="ist umgezogen")).to_contain_text(
        "„Offene Daten“ ist umgezogen: Werkstatt, 11:15", timeout=3000
    )
    expect(phone.locator(f'.programme [data-cell="{second}"]')).to_contain_text("Offene Daten")

    # dropping it on the list takes it off the grid
    mouse_drag(fac, fac.locator(f'td[data-cell="{second}"] .gc-title'), fac.locator(".gc-queue"))
    expect(projector.locator(f'td[data-cell="{second}"]')).to_have_text("", timeout=3000)
    expect(fac.locator(".gc-queue")).to_contain_text("Offene Daten")

    for page in (phone, projector, fac):
        assert page.evaluate("performance.getEntriesByType('navigation').length") == 1


def test_touch_drag_places_a_pitch(live_server, live_db, new_context):
    slug, fac_url = live_server.create_event("Grid Touch Camp")
    rooms, slots, _pitches = seed(live_db, slug, ROOMS, SLOTS, [("Lightning Talks", "Sami", 2)])
    tablet = new_context("laptop", has_touch=True).new_page()
    tablet.goto(fac_url)
    live(tablet)
    target = f"{slots[1]}-{rooms['Werkstatt']}"
    tablet.evaluate("document.getElementById('grid').scrollIntoView()")
    a = tablet.locator(".gc-chip .gc-title").bounding_box()
    b = tablet.locator(f'td[data-cell="{target}"]').bounding_box()
    cdp = tablet.context.new_cdp_session(tablet)
    start, end = (a["x"] + 10, a["y"] + a["height"] / 2), (b["x"] + b["width"] / 2, b["y"] + b["height"] / 2)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": start[0], "y": start[1]}]})
    for i in range(1, 9):
        x, y = start[0] + (end[0] - start[0]) * i / 8, start[1] + (end[1] - start[1]) * i / 8
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    expect(tablet.locator(f'td[data-cell="{target}"] .gc-session')).to_contain_text("Lightning Talks", timeout=3000)
    expect(tablet.locator(".gc-queue")).not_to_contain_text("Lightning Talks")


def test_keyboard_pick_then_place_with_focus_following(live_server, live_db, new_context):
    slug, fac_url = live_server.create_event("Grid Keyboard Camp")
    rooms, slots, _pitches = seed(live_db, slug, ROOMS, SLOTS, [("Kubernetes", "Ben", 3), ("Podcasting", "Ines", 1)])
    fac = new_context("laptop").new_page()
    fac.goto(fac_url)
    live(fac)
    place_buttons = fac.locator("form.gc-place:visible")
    expect(place_buttons).to_have_count(0)

    pick = fac.get_by_role("button", name="Pick: Kubernetes")
    pick.focus()
    fac.keyboard.press("Enter")
    expect(pick).to_have_attribute("aria-pressed", "true")
    expect(fac.locator("[data-grid-status]")).to_contain_text("Picked “Kubernetes”")
    expect(place_buttons).to_have_count(4)  # every session cell of the two session slots
    assert fac.evaluate("document.activeElement.textContent").startswith("Place here")

    fac.keyboard.press("Escape")  # cancels
    expect(pick).to_have_attribute("aria-pressed", "false")
    expect(place_buttons).to_have_count(0)

    pick.focus()
    fac.keyboard.press("Enter")
    fac.get_by_role("button", name="Place here: Werkstatt, 11:15").focus()
    fac.keyboard.press("Enter")
    target = f"{slots[1]}-{rooms['Werkstatt']}"
    expect(fac.locator(f'td[data-cell="{target}"] .gc-session')).to_contain_text("Kubernetes", timeout=3000)
    expect(place_buttons).to_have_count(0)
    # focus stays in the cell the pitch went to, so keyboard users keep their place
    fac.wait_for_function("cell => document.activeElement.closest('[data-cell]')?.dataset.cell === cell", arg=target)

    # swap by keyboard: pick the other pitch, place it on the occupied cell
    fac.get_by_role("button", name="Pick: Podcasting").click()
    fac.get_by_role("button", name="Swap here: Werkstatt, 11:15").press("Enter")
    expect(fac.locator(f'td[data-cell="{target}"] .gc-session')).to_contain_text("Podcasting", timeout=3000)
    expect(fac.locator(".gc-queue")).to_contain_text("Kubernetes")


def test_phone_programme_is_readable_at_390x844(live_server, live_db, new_context):
    slug, _fac = live_server.create_event("Grid Phone Camp")
    rooms3 = ROOMS + (("Dachterrasse", 30, "Oberstes Stockwerk, den Schildern nach"),)
    slots4 = SLOTS + (("13:00", "13:45", "session"),)
    pitches = [(LONG, "Rieke", 9), ("Kaffee & Kuchen", "Tom", 4), ("Open Source im Verein", "Paul", 6)]
    placed = [(LONG, 0, "Aula"), ("Kaffee & Kuchen", 0, "Dachterrasse"), ("Open Source im Verein", 3, "Werkstatt")]
    _rooms, _slots, ids = seed(live_db, slug, rooms3, slots4, pitches, placed)
    errors = []
    phone = new_context("phone").new_page()
    phone.on("pageerror", lambda exc: errors.append(str(exc)))
    phone.goto(f"{live_server.url}/e/{slug}")
    vote_on_the_list(phone, "Open Source im Verein")
    phone.goto(f"{live_server.url}/e/{slug}/grid")
    live(phone)

    expect(phone.get_by_role("heading", name="Now")).to_be_visible()
    expect(phone.get_by_role("heading", name="Next up")).to_be_visible()
    sessions = phone.locator(".gday .gs")
    expect(sessions).to_have_count(3)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    for i in range(3):
        box = sessions.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    size = phone.evaluate("parseFloat(getComputedStyle(document.querySelector('.gday .gs-title')).fontSize)")
    assert size >= 16
    expect(sessions.filter(has_text="Dachterrasse")).to_contain_text("Oberstes Stockwerk, den Schildern nach")
    assert phone.get_by_label("Room").bounding_box()["height"] >= 44
    assert errors == []

    phone.get_by_label("Room").select_option(label="Dachterrasse")
    expect(phone.locator(".gday .gs:visible")).to_have_count(1)
    expect(phone.locator(".gday .gs:visible")).to_contain_text("Kaffee & Kuchen")
    phone.get_by_label("Room").select_option(label="All rooms")
    phone.get_by_label("Only my sessions").check()
    expect(phone.locator(".gday .gs:visible")).to_have_count(1)
    expect(phone.locator(".gday .gs:visible")).to_contain_text("Open Source im Verein")
    expect(phone.locator(".gday .gs:visible")).to_contain_text("You said you'd attend")
    assert phone.url.endswith("?mine=1")


def test_projector_shows_eight_rooms_by_eight_slots_in_large_type_on_pages_that_fit(live_server, live_db, new_context):
    slug, _fac = live_server.create_event("Grid Projector Camp")
    rooms = tuple((f"Raum {n}", 100 - n, "") for n in range(8))
    slots = tuple((f"{9 + n}:00".zfill(5), f"{9 + n}:45".zfill(5), "session") for n in range(8))
    pitches = [(f"{LONG} ({n})", f"Host {n}", n % 5) for n in range(64)]
    placed = [(f"{LONG} ({n})", n // 8, f"Raum {n % 8}") for n in range(64)]
    seed(live_db, slug, rooms, slots, pitches, placed, mode="grid")
    projector = new_context("projector").new_page()
    projector.goto(f"{live_server.url}/e/{slug}/projector")
    table = projector.locator(".pgrid table:visible")
    expect(table).to_be_visible()
    expect(projector.locator(".pgrid-page")).to_have_count(2)  # 4 rooms a page
    box = table.bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= 1920 and box["y"] + box["height"] <= 1080
    assert projector.evaluate("document.scrollingElement.scrollHeight") <= 1080
    assert projector.evaluate("document.scrollingElement.scrollWidth") <= 1920
    size = projector.evaluate("parseFloat(getComputedStyle(document.querySelector('.gt-title')).fontSize)")
    assert size >= 0.035 * 1080  # read from the back row, even with 8 rooms
    expect(projector.locator(".pgrid [data-pager]:visible")).to_have_text(re.compile(r"Page 1 of \d+"))
    expect(projector.locator(".qr")).to_be_visible()  # the join QR code and the clock stay
    expect(projector.locator("[data-clock]")).not_to_be_empty()

    big, _fac = live_server.create_event("Grid Big Camp")
    seed(live_db, big, tuple((f"Raum {n}", 50, "") for n in range(10)), SLOTS, mode="grid")
    projector.goto(f"{live_server.url}/e/{big}/projector")
    expect(projector.get_by_text("Page 1 of 3")).to_be_visible()
    expect(projector.get_by_text("Page 2 of 3")).to_be_hidden()


def test_print_layout_fits_a_day_on_one_landscape_page(live_server, live_db, new_context):
    slug, _fac = live_server.create_event("Grid Print Camp")
    rooms = tuple((f"Raum {n}", 100 - n, "Etage 2") for n in range(8))
    slots = tuple((f"{9 + n}:00".zfill(5), f"{9 + n}:45".zfill(5), "session") for n in range(8))
    pitches = [(f"{LONG} ({n})", f"Host {n}", 0) for n in range(64)]
    placed = [(f"{LONG} ({n})", n // 8, f"Raum {n % 8}") for n in range(64)]
    seed(live_db, slug, rooms, slots, pitches, placed)
    page = new_context("laptop").new_page()
    page.goto(f"{live_server.url}/e/{slug}/grid/print")
    expect(page.locator(".gtable td", has_text="(63)")).to_be_visible()
    pdf = page.pdf(prefer_css_page_size=True, print_background=False)
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert pages == 1
    width, height = (float(v) for v in re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf).groups())
    assert (round(width), round(height)) == (842, 595)  # A4 landscape in points


def test_autoplan_result_shows_at_once_and_undo_takes_it_back(live_server, live_db, new_context):
    slug, fac_url = live_server.create_event("Grid Autoplan Camp")
    rooms, slots, _pitches = seed(
        live_db, slug, ROOMS, SLOTS, [("Rust für Python-Leute", "Ben", 9), ("Yoga", "Mara", 2), ("Git", "Nils", 5)]
    )
    fac = new_context("laptop").new_page()
    fac.goto(fac_url)
    live(fac)
    fac.get_by_role("button", name="Auto-plan unscheduled pitches").click()
    expect(fac.locator("[data-grid-status]")).to_have_text("Auto-plan placed 3 sessions.")
    expect(fac.locator(f'td[data-cell="{slots[0]}-{rooms["Aula"]}"]')).to_contain_text("Rust für Python-Leute")
    expect(fac.locator(f'td[data-cell="{slots[1]}-{rooms["Aula"]}"]')).to_contain_text("Git")
    expect(fac.locator(f'td[data-cell="{slots[0]}-{rooms["Werkstatt"]}"]')).to_contain_text("Yoga")
    expect(fac.locator(".gc-queue")).to_contain_text("Every active pitch is on the grid.")

    fac.get_by_role("button", name="Undo auto-plan (3 sessions)").click()
    expect(fac.locator("[data-grid-status]")).to_have_text("Took back 3 sessions.")
    expect(fac.locator(".gc-queue .gc-chip")).to_have_count(3)
    expect(fac.locator("td .gc-session")).to_have_count(0)
    expect(fac.get_by_role("button", name=re.compile("Undo auto-plan"))).to_have_count(0)


def test_a_slow_older_reload_does_not_overwrite_the_grid_after_undo(live_server, live_db, new_context):
    """Two reloads of the grid can overlap on a slow network. The answer to the one started first
    (auto-plan done) arrives after the one started later (undo done): the page keeps the newer."""
    slug, fac_url = live_server.create_event("Grid Slow Reload Camp")
    seed(live_db, slug, ROOMS, SLOTS, [("Rust für Python-Leute", "Ben", 9), ("Yoga", "Mara", 2), ("Git", "Nils", 5)])
    fac = new_context("laptop").new_page()
    fac.goto(fac_url)
    live(fac)
    late = LateAnswer(fac, "**/live/grid*")  # the reload after auto-plan
    fac.get_by_role("button", name="Auto-plan unscheduled pitches").click()
    expect(fac.locator("[data-grid-status]")).to_have_text("Auto-plan placed 3 sessions.")
    assert "Rust für Python-Leute" in late.answer().text()
    # A second reload, as the next live "changed" asks for, gets through and shows the plan.
    fac.evaluate('window.barcampSocket.listeners("changed").forEach((fn) => fn({what: "grid", now: true}))')

    fac.get_by_role("button", name="Undo auto-plan (3 sessions)").click()
    expect(fac.locator("[data-grid-status]")).to_have_text("Took back 3 sessions.")
    expect(fac.locator(".gc-queue .gc-chip")).to_have_count(3)

    late.deliver()
    expect(fac.locator(".gc-queue .gc-chip")).to_have_count(3)
    expect(fac.locator("td .gc-session")).to_have_count(0)


def test_projector_turns_the_pages_of_a_big_grid_and_keeps_its_page_on_live_updates(
    live_server, live_db, new_context, phone_http
):
    slug, fac_url = live_server.create_event("Grid Rotation Camp")
    rooms = tuple((f"Raum {n}", 100 - n, "") for n in range(6))  # 4 rooms a page: two pages
    pitches = [("Auf Seite eins", "Ada", 3), ("Auf Seite zwei", "Bo", 2), ("Kommt live dazu", "Cem", 1)]
    room_ids, slot_ids, pitch_ids = seed(
        live_db, slug, rooms, SLOTS, pitches, [("Auf Seite eins", 0, "Raum 0"), ("Auf Seite zwei", 0, "Raum 5")], "grid"
    )
    projector = new_context("projector").new_page()
    projector.clock.install()  # time runs as usual, and the test can jump ahead
    projector.goto(f"{live_server.url}/e/{slug}/projector")
    live(projector)
    one, two = projector.get_by_text("Auf Seite eins"), projector.get_by_text("Auf Seite zwei")
    expect(projector.get_by_text("Page 1 of 2")).to_be_visible()
    expect(one).to_be_visible()
    expect(two).to_be_hidden()

    projector.clock.fast_forward(12_000)
    expect(projector.get_by_text("Page 2 of 2")).to_be_visible()
    expect(two).to_be_visible()
    expect(one).to_be_hidden()

    # A facilitator places a session on page two: the projector redraws and stays on its page.
    facilitator = phone_http()
    facilitator.open(fac_url.removeprefix(live_server.url))
    placed = {"pitch_id": pitch_ids["Kommt live dazu"], "slot_id": slot_ids[1], "room_id": room_ids["Raum 4"]}
    assert facilitator.post(f"/e/{slug}/facilitate/grid/place", placed).status_code == 200
    expect(projector.get_by_text("Kommt live dazu")).to_be_visible()
    expect(two).to_be_visible()

    projector.clock.fast_forward(12_000)  # and on to page one again
    expect(one).to_be_visible()
    expect(projector.get_by_text("Kommt live dazu")).to_be_hidden()


@pytest.mark.parametrize("page", ["grid", "pitch list"])
def test_a_phone_hears_when_a_session_it_wants_is_scheduled_moved_or_taken_off(
    live_server, live_db, new_context, phone_http, page
):
    """Wherever the phone is: on the programme, or still on the pitch list."""
    slug, fac_url = live_server.create_event(f"Grid Notice Camp {page}")
    rooms, slots, pitches = seed(live_db, slug, ROOMS, SLOTS, [("Offene Daten", "Gül", 1), ("Kubernetes", "Ben", 1)])
    phone = new_context("phone", locale="de-DE").new_page()
    phone.goto(f"{live_server.url}/e/{slug}")
    live(phone)
    vote_on_the_list(phone, "Offene Daten", "Ich komme")  # this phone wants "Offene Daten" only
    phone.goto(f"{live_server.url}/e/{slug}" + ("/grid" if page == "grid" else ""))
    live(phone)
    facilitator = phone_http()
    facilitator.open(fac_url.removeprefix(live_server.url))
    notices = phone.locator("#notices")

    def place(title, slot, room):
        cell = {"pitch_id": pitches[title], "slot_id": slots[slot], "room_id": rooms[room]}
        assert facilitator.post(f"/e/{slug}/facilitate/grid/place", cell).status_code == 200

    place("Kubernetes", 0, "Werkstatt")  # not this phone's: no notice
    place("Offene Daten", 0, "Aula")
    expect(notices).to_contain_text("„Offene Daten“ steht im Programm: Aula, 10:00")
    place("Offene Daten", 1, "Werkstatt")
    expect(notices).to_contain_text("„Offene Daten“ ist umgezogen: Werkstatt, 11:15")
    unplace = {"pitch_id": pitches["Offene Daten"]}
    assert facilitator.post(f"/e/{slug}/facilitate/grid/unschedule", unplace).status_code == 200
    expect(notices).to_contain_text("„Offene Daten“ ist nicht mehr im Programm")
    expect(notices.locator("p")).to_have_count(3)
    assert "Kubernetes" not in notices.inner_text()


FIRE_CHANGED = (
    """(messages) => messages.forEach((m) => window.barcampSocket.listeners("changed").forEach((fn) => fn(m)))"""
)


def test_a_waiting_reload_asks_for_a_render_made_after_the_newest_change(live_server, live_db, new_context, phone_http):
    """Two changes in quick succession: the one reload the page makes must ask for a render made
    after the second, not take the server's cached render of the first (the undo test met this)."""
    slug, fac_url = live_server.create_event("Grid Coalesce Camp")
    rooms, slots, _pitches = seed(live_db, slug, ROOMS, SLOTS, [("Rust für Python-Leute", "Ben", 9)])
    fac = new_context("laptop").new_page()
    fac.goto(fac_url)
    live(fac)
    fac.evaluate("window.barcampSocket.disconnect()")  # from here the test tells the page of changes
    with fac.expect_response(lambda r: "/live/grid_console?at=1" in r.url):  # the server caches a render
        fac.evaluate(FIRE_CHANGED, [{"what": "grid", "now": True, "at": 1}])
    facilitator = phone_http()
    facilitator.open(fac_url.removeprefix(live_server.url))
    assert facilitator.post(f"/e/{slug}/facilitate/grid/autoplan", {}).status_code == 200
    after = time.time()
    fac.evaluate(FIRE_CHANGED, [{"what": "grid", "now": True, "at": 1}, {"what": "grid", "now": True, "at": after}])
    expect(fac.locator(f'td[data-cell="{slots[0]}-{rooms["Aula"]}"]')).to_contain_text("Rust für Python-Leute")


def test_an_action_answered_after_a_live_reload_replaced_its_form_still_reports(live_server, live_db, new_context):
    """The undo's answer comes back after the live reload it caused removed the undo form: the
    facilitator still reads what happened."""
    slug, fac_url = live_server.create_event("Grid Detached Camp")
    seed(live_db, slug, ROOMS, SLOTS, [("Rust für Python-Leute", "Ben", 9), ("Yoga", "Mara", 2)])
    fac = new_context("laptop").new_page()
    fac.goto(fac_url)
    live(fac)
    fac.get_by_role("button", name="Auto-plan unscheduled pitches").click()
    status = fac.locator("[data-grid-status]")
    expect(status).to_have_text("Auto-plan placed 2 sessions.")
    late = LateAnswer(fac, "**/facilitate/grid/undo")
    fac.get_by_role("button", name="Undo auto-plan (2 sessions)").click()
    late.answer()  # the server took the plan back; the page's live reload drops the undo form
    expect(fac.get_by_role("button", name=re.compile("Undo auto-plan"))).to_have_count(0)
    expect(fac.locator(".gc-queue .gc-chip")).to_have_count(2)
    late.deliver()
    expect(status).to_have_text("Took back 2 sessions.")


def test_pick_focuses_an_empty_cell_and_ends_when_auto_plan_places_the_pitch(live_server, live_db, new_context):
    slug, fac_url = live_server.create_event("Calm Grid Camp")
    rooms, slots, _pitches = seed(live_db, slug, ROOMS, SLOTS, [("Kubernetes", "Ben", 3), ("Podcasting", "Ines", 1)])
    fac = new_context("laptop").new_page()
    fac.goto(fac_url)
    live(fac)
    place_buttons = fac.locator("form.gc-place:visible")
    fac.get_by_role("button", name="Pick: Kubernetes").click()
    fac.locator("form.gc-place:visible button").first.click()  # the first cell is now taken
    first = fac.locator("td[data-cell]").first
    expect(first.locator(".gc-session")).to_contain_text("Kubernetes", timeout=3000)
    expect(place_buttons).to_have_count(0)

    fac.get_by_role("button", name="Pick: Podcasting").click()
    expect(place_buttons).to_have_count(4)
    # focus lands on an empty cell's "Place here", never on "Swap here" in a taken cell
    assert fac.evaluate("document.activeElement.textContent").startswith("Place here")
    assert fac.evaluate("document.activeElement.closest('[data-cell]').querySelector('[data-drag]')") is None

    fac.get_by_role("button", name="Auto-plan unscheduled pitches").click()
    expect(fac.locator("td[data-cell] .gc-session").filter(has_text="Podcasting")).to_have_count(1, timeout=5000)
    expect(place_buttons).to_have_count(0)  # the pick ended when auto-plan placed its pitch
    expect(fac.locator('[data-pick][aria-pressed="true"]')).to_have_count(0)


def test_grid_is_one_tab_stop_with_arrow_keys_between_cells_and_one_menu_per_cell(live_server, live_db, new_context):
    slug, fac_url = live_server.create_event("Arrow Grid Camp")
    many = tuple((f"{h:02d}:00", f"{h:02d}:45", "session") for h in range(9, 17))
    rooms, slots, _pitches = seed(
        live_db, slug, ROOMS + (("Lab", 20, ""), ("Café", 30, "")), many, [("Kubernetes", "Ben", 3)]
    )
    fac = new_context("laptop").new_page()
    fac.goto(fac_url)
    live(fac)
    grid = fac.get_by_role("grid")
    expect(grid).to_have_count(1)
    # one Tab stop per grid, not every cell's buttons: tab from the queue's Pick into the grid and out
    fac.get_by_role("button", name="Pick: Kubernetes").focus()
    fac.keyboard.press("Escape")
    stops, inside = 0, True
    fac.keyboard.press("Tab")
    while inside and stops < 50:
        inside = fac.evaluate("!!document.activeElement.closest('.gc-table')")
        stops += inside
        fac.keyboard.press("Tab")
    print(f"\nTab stops inside a 4 x 8 grid: {stops}")
    assert 1 <= stops <= 3

    first = fac.locator("td[data-cell]").first
    first.focus()
    fac.keyboard.press("ArrowRight")
    assert fac.evaluate("document.activeElement.dataset.cell") == f"{slots[0]}-{rooms['Werkstatt']}"
    fac.keyboard.press("ArrowDown")
    assert fac.evaluate("document.activeElement.dataset.cell") == f"{slots[1]}-{rooms['Werkstatt']}"
    fac.keyboard.press("End")
    fac.keyboard.press("ArrowDown")
    assert fac.evaluate("document.activeElement.dataset.cell") == f"{slots[2]}-{rooms['Lab']}"
    # the arrows stay in the grid: the console's spotlight keys (← →) do not fire meanwhile
    assert "Nothing on screen yet" in fac.locator("[data-live=pitchtimer]").text_content()

    # the cell's actions sit in one compact menu
    cell = fac.locator(f'td[data-cell="{slots[2]}-{rooms["Lab"]}"]')
    expect(cell.get_by_role("button", name=re.compile("^Lock"))).to_be_hidden()
    cell.locator("summary").click()
    if os.environ.get("CONSOLE_SHOTS"):
        fac.set_viewport_size({"width": 1024, "height": 768})
        cell.scroll_into_view_if_needed()
        fac.screenshot(path=f"{os.environ['CONSOLE_SHOTS']}/grid-menu-1024.png")
    cell.get_by_role("button", name=re.compile("^Lock")).click()
    expect(cell.locator(".gc-badge")).to_have_text("Locked", timeout=3000)
