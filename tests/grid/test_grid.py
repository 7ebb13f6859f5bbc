"""The session grid: placing, moving, swapping, locking, auto-plan and undo, warnings, live
announcements, the attendee programme, projector partials, iCal, CSV and the API."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zoneinfo
from types import SimpleNamespace

import icalendar
import pytest
from sqlalchemy import select

from barcamp.core.extensions import db
from barcamp.models import Attendee, Day, Event, Pitch, Placement, Room, Slot, Vote

# A day a week ahead, whatever today is: its slots are all "next", none has run yet.
DAY = dt.date.today() + dt.timedelta(days=7)
ROOMS = (("Aula", 100, "Ground floor"), ("Werkstatt", 40, "1st floor, left"), ("Küche", 12, ""))
SLOTS = (
    ("10:00", "11:00", "session", ""),
    ("11:15", "12:00", "session", ""),
    ("12:00", "13:00", "break", "Lunch"),
    ("13:00", "14:00", "session", ""),
)


# --- arrange helpers ------------------------------------------------------------------


@pytest.fixture
def camp(app, event_factory, make_client):
    """An event with rooms and slots, and a facilitator client; returns a namespace of ids."""

    def make(rooms=ROOMS, slots=SLOTS, timezone="Europe/Berlin", day=DAY, name="Grid Camp"):
        slug, key = event_factory(name, timezone=timezone, first_day=day)
        fac = make_client()
        assert fac.get(f"/e/{slug}/f/{key}").status_code == 302
        with app.app_context():
            event = db.session.scalar(select(Event).where(Event.slug == slug))
            room_rows = [Room(event_id=event.id, name=n, capacity=c, location=loc) for n, c, loc in rooms]
            slot_rows = [
                Slot(day_id=event.days[0].id, starts_at=dt.time.fromisoformat(a), ends_at=dt.time.fromisoformat(b))
                for a, b, _k, _l in slots
            ]
            for row, (_a, _b, kind, label) in zip(slot_rows, slots, strict=True):
                row.kind, row.label = kind, label
            db.session.add_all(room_rows + slot_rows)
            db.session.commit()
            return SimpleNamespace(
                slug=slug,
                id=event.id,
                fac=fac,
                room={r.name: r.id for r in room_rows},
                slots=[s.id for s in slot_rows],
            )

    return make


def add_pitch(app, camp, title, votes=0, host="", attendee_id=None, status="active", voters=()):
    """A pitch with ``votes`` votes by fresh attendees (plus the given voter attendee ids)."""
    with app.app_context():
        pitch = Pitch(event_id=camp.id, title=title, host_name=host, attendee_id=attendee_id, status=status)
        db.session.add(pitch)
        people = [Attendee(event_id=camp.id) for _ in range(votes)]
        db.session.add_all(people)
        db.session.flush()
        db.session.add_all(Vote(pitch_id=pitch.id, attendee_id=a) for a in [p.id for p in people] + list(voters))
        db.session.commit()
        return pitch.id


def cells(app, camp) -> dict[tuple[int, int], int | None]:
    """(slot_id, room_id) -> pitch_id of every placement row."""
    with app.app_context():
        db.session.expire_all()
        rows = db.session.scalars(select(Placement).where(Placement.event_id == camp.id))
        return {(p.slot_id, p.room_id): p.pitch_id for p in rows}


def locked(app, camp) -> set[tuple[int, int]]:
    with app.app_context():
        rows = db.session.scalars(select(Placement).where(Placement.event_id == camp.id, Placement.locked))
        return {(p.slot_id, p.room_id) for p in rows}


def place(camp, pitch_id, slot_id, room_id, client=None, **headers):
    return (client or camp.fac).post(
        f"/e/{camp.slug}/facilitate/grid/place",
        data={"pitch_id": pitch_id, "slot_id": slot_id, "room_id": room_id},
        headers=headers,
    )


def attendee_of(app, camp, client) -> int:
    """The attendee id ``client`` gets by saying who it is (its first action; its only attendee so far)."""
    client.post(f"/e/{camp.slug}/me", data={"display_name": ""})
    with app.app_context():
        return db.session.scalar(select(Attendee.id).where(Attendee.event_id == camp.id))


def run_autoplan(camp):
    r = camp.fac.post(f"/e/{camp.slug}/facilitate/grid/autoplan", headers={"Accept": "application/json"})
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()


def console(camp, query=""):
    r = camp.fac.get(f"/e/{camp.slug}/facilitate{query}")
    assert r.status_code == 200
    return r.get_data(as_text=True)


# --- placing, moving, swapping ----------------------------------------------------------


def test_place_puts_pitch_into_cell_shown_on_attendee_grid_with_location(app, camp, client):
    c = camp()
    pid = add_pitch(app, c, "Kubernetes für Einsteiger", host="Anna")
    r = place(c, pid, c.slots[0], c.room["Werkstatt"])
    assert r.status_code == 302 and r.headers["Location"].endswith("#grid")
    assert cells(app, c) == {(c.slots[0], c.room["Werkstatt"]): pid}
    html = client.get(f"/e/{c.slug}/grid").get_data(as_text=True)
    item = re.search(rf'<li class="gs"[^>]*data-pitch="{pid}".*?</li>', html, re.S).group(0)
    assert "Kubernetes für Einsteiger" in item and "Werkstatt" in item and "1st floor, left" in item
    assert "Anna" in item


def test_place_onto_occupied_cell_swaps_the_two_sessions(app, camp):
    c = camp()
    a, b = add_pitch(app, c, "A"), add_pitch(app, c, "B")
    place(c, a, c.slots[0], c.room["Aula"])
    place(c, b, c.slots[1], c.room["Küche"])
    r = place(c, a, c.slots[1], c.room["Küche"], Accept="application/json")
    assert r.status_code == 200
    assert cells(app, c) == {(c.slots[1], c.room["Küche"]): a, (c.slots[0], c.room["Aula"]): b}
    moved = {m["pitch_id"]: (m["room"], m["start"]) for m in r.get_json()["moved"]}
    assert moved == {a: ("Küche", "11:15"), b: ("Aula", "10:00")}


def test_moving_to_empty_cell_frees_the_old_cell(app, camp):
    c = camp()
    a = add_pitch(app, c, "A")
    place(c, a, c.slots[0], c.room["Aula"])
    place(c, a, c.slots[3], c.room["Werkstatt"])
    assert cells(app, c) == {(c.slots[3], c.room["Werkstatt"]): a}


def test_placing_unscheduled_pitch_on_occupied_cell_sends_the_other_back_to_queue(app, camp):
    c = camp()
    a, b = add_pitch(app, c, "Alpha"), add_pitch(app, c, "Beta")
    place(c, a, c.slots[0], c.room["Aula"])
    place(c, b, c.slots[0], c.room["Aula"])
    assert cells(app, c) == {(c.slots[0], c.room["Aula"]): b}
    queue = console(c).split('id="gc-queue-h"')[1].split("</section>")[0]
    assert "Alpha" in queue and "Beta" not in queue


def test_place_into_break_slot_is_refused_with_message(app, camp):
    c = camp()
    a = add_pitch(app, c, "A")
    r = place(c, a, c.slots[2], c.room["Aula"], Accept="application/json")
    assert r.status_code == 400 and "Breaks and plenaries span all rooms" in r.get_json()["error"]
    r = place(c, a, c.slots[2], c.room["Aula"])
    assert r.status_code == 400 and "Breaks and plenaries span all rooms" in r.get_data(as_text=True)
    assert cells(app, c) == {}


def test_place_refuses_withdrawn_pitch_and_foreign_room(app, camp):
    c, other = camp(), camp(name="Other Camp")
    gone = add_pitch(app, c, "Gone", status="withdrawn")
    ok = add_pitch(app, c, "Ok")
    assert place(c, gone, c.slots[0], c.room["Aula"]).status_code == 400
    assert place(c, ok, c.slots[0], other.room["Aula"]).status_code == 400
    assert place(c, ok, other.slots[0], c.room["Aula"]).status_code == 400
    assert cells(app, c) == {}


def test_unschedule_returns_session_to_queue(app, camp):
    c = camp()
    a = add_pitch(app, c, "Alpha")
    place(c, a, c.slots[0], c.room["Aula"])
    r = c.fac.post(f"/e/{c.slug}/facilitate/grid/unschedule", data={"pitch_id": a})
    assert r.status_code == 302
    assert cells(app, c) == {}
    assert "Alpha" in console(c).split('id="gc-queue-h"')[1].split("</section>")[0]


# --- locking ----------------------------------------------------------------------------


def test_lock_stays_with_the_cell_when_its_session_moves(app, camp):
    c = camp()
    a = add_pitch(app, c, "A")
    cell = (c.slots[0], c.room["Aula"])
    place(c, a, *cell)
    r = c.fac.post(f"/e/{c.slug}/facilitate/grid/lock", data={"slot_id": cell[0], "room_id": cell[1], "locked": "1"})
    assert r.status_code == 302 and locked(app, c) == {cell}
    place(c, a, c.slots[1], c.room["Aula"])
    assert locked(app, c) == {cell} and cells(app, c)[cell] is None
    c.fac.post(f"/e/{c.slug}/facilitate/grid/lock", data={"slot_id": cell[0], "room_id": cell[1], "locked": "0"})
    assert locked(app, c) == set() and cell not in cells(app, c)


def test_lock_is_refused_for_break_slots(app, camp):
    c = camp()
    r = c.fac.post(
        f"/e/{c.slug}/facilitate/grid/lock",
        data={"slot_id": c.slots[2], "room_id": c.room["Aula"], "locked": "1"},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 400 and locked(app, c) == set()


# --- auto-plan ----------------------------------------------------------------------------


def test_autoplan_gives_the_most_interest_the_biggest_rooms(app, camp):
    c = camp()
    interest = {"P30": 30, "P25": 25, "P20": 20, "P12": 12, "P9": 9, "P5": 5, "P2": 2}
    ids = {add_pitch(app, c, title, votes=n): n for title, n in interest.items()}
    result = run_autoplan(c)
    assert result["placed"] == 7
    capacity = {rid: cap for (_n, cap, _l), rid in zip(ROOMS, c.room.values(), strict=True)}
    placed = {pid: capacity[room] for (_slot, room), pid in cells(app, c).items()}
    assert set(placed) == set(ids)
    ranked = sorted(ids, key=ids.get, reverse=True)
    # more interest never gets a smaller room than less interest
    for more, less in zip(ranked, ranked[1:], strict=False):
        assert placed[more] >= placed[less]
    assert [placed[p] for p in ranked] == [100, 100, 100, 40, 40, 40, 12]
    # the three session slots of the biggest room hold the three most wanted sessions
    aula = {cells(app, c)[(s, c.room["Aula"])] for s in (c.slots[0], c.slots[1], c.slots[3])}
    assert aula == set(ranked[:3])


def test_autoplan_never_books_a_host_twice_in_one_slot(app, camp):
    c = camp(slots=SLOTS[:2])  # two session slots
    with app.app_context():
        host = Attendee(event_id=c.id)
        db.session.add(host)
        db.session.commit()
        host_id = host.id
    a1 = add_pitch(app, c, "Anna 1", votes=9, attendee_id=host_id, host="Anna")
    a2 = add_pitch(app, c, "Anna 2", votes=8, attendee_id=host_id, host="Anna")
    b1 = add_pitch(app, c, "Ben 1", votes=7, host="Ben Meyer")
    b2 = add_pitch(app, c, "Ben 2", votes=6, host="  ben   MEYER ")
    b3 = add_pitch(app, c, "Ben 3", votes=5, host="Ben Meyer")
    other = add_pitch(app, c, "Other", votes=4, host="Chiara")
    run_autoplan(c)
    slot_of = {pid: slot for (slot, _room), pid in cells(app, c).items()}
    assert slot_of[a1] != slot_of[a2]
    assert slot_of[b1] != slot_of[b2]
    assert b3 not in slot_of  # a third session of Ben has no slot without Ben: it waits
    assert other in slot_of


def test_autoplan_respects_hosts_already_placed_by_hand(app, camp):
    c = camp(slots=SLOTS[:2])
    manual = add_pitch(app, c, "By hand", votes=1, host="Deniz")
    auto = add_pitch(app, c, "Auto", votes=50, host="deniz")
    place(c, manual, c.slots[0], c.room["Küche"])
    run_autoplan(c)
    assert cells(app, c)[(c.slots[1], c.room["Aula"])] == auto


def test_autoplan_leaves_locked_cells_and_placed_sessions_alone(app, camp):
    c = camp()
    keep = add_pitch(app, c, "Placed by hand", votes=1)
    held = add_pitch(app, c, "Locked in", votes=2)
    place(c, keep, c.slots[0], c.room["Küche"])
    place(c, held, c.slots[1], c.room["Aula"])
    for slot, room in ((c.slots[1], c.room["Aula"]), (c.slots[0], c.room["Aula"])):  # one full, one empty
        c.fac.post(f"/e/{c.slug}/facilitate/grid/lock", data={"slot_id": slot, "room_id": room, "locked": "1"})
    for n in range(10):
        add_pitch(app, c, f"New {n}", votes=20 + n)
    before = cells(app, c)
    run_autoplan(c)
    after = cells(app, c)
    assert after[(c.slots[0], c.room["Küche"])] == keep
    assert after[(c.slots[1], c.room["Aula"])] == held
    assert after[(c.slots[0], c.room["Aula"])] is None  # locked and empty: stays empty
    assert {k: v for k, v in after.items() if k in before} == before
    assert len([v for v in after.values() if v]) == 8  # 3 rooms × 3 session slots, one cell locked empty


def test_autoplan_twice_changes_nothing_the_second_time(app, camp, client, socket_client):
    c = camp()
    for n in range(4):
        add_pitch(app, c, f"P{n}", votes=n)
    first = run_autoplan(c)
    snapshot = cells(app, c)
    client.get(f"/e/{c.slug}")
    phone = socket_client(client, c.slug)
    second = run_autoplan(c)
    assert first["placed"] == 4 and second == {
        "ok": True,
        "message": "Auto-plan found nothing to place.",
        "placed": 0,
        "batch": None,
    }
    assert cells(app, c) == snapshot
    assert phone.get_received() == []  # nothing changed, nothing announced
    # the undo still takes back the first run
    assert f'name="batch" value="{first["batch"]}"' in console(c)


def test_undo_takes_back_the_last_autoplan_run_in_one_step(app, camp):
    c = camp()
    manual = add_pitch(app, c, "Manual", votes=3)
    place(c, manual, c.slots[3], c.room["Küche"])
    early = add_pitch(app, c, "Early", votes=5)
    first = run_autoplan(c)
    after_first = cells(app, c)
    for n in range(3):
        add_pitch(app, c, f"Late {n}", votes=10 + n)
    second = run_autoplan(c)
    assert second["placed"] == 3
    moved_by_hand = next(pid for pid in cells(app, c).values() if pid not in after_first.values())
    place(c, moved_by_hand, c.slots[3], c.room["Werkstatt"])  # a hand move keeps it out of the undo
    html = console(c)
    assert "Undo auto-plan (2 sessions)" in html
    r = c.fac.post(f"/e/{c.slug}/facilitate/grid/undo", data={"batch": second["batch"]})
    assert r.status_code == 302
    remaining = cells(app, c)
    assert {pid for pid in remaining.values() if pid} == {manual, early, moved_by_hand}
    assert remaining[(c.slots[3], c.room["Küche"])] == manual
    assert {k: v for k, v in remaining.items() if v in (manual, early)} == after_first
    # repeating the same undo (e.g. a re-sent form) takes back nothing more
    c.fac.post(f"/e/{c.slug}/facilitate/grid/undo", data={"batch": second["batch"]})
    assert cells(app, c) == remaining
    assert f'value="{first["batch"]}"' in console(c)


# --- warnings ----------------------------------------------------------------------------


def test_warning_when_interest_exceeds_capacity_suggests_bigger_free_room(app, camp):
    c = camp()
    crowd = add_pitch(app, c, "Crowded talk", votes=30)
    place(c, crowd, c.slots[0], c.room["Küche"])
    html = console(c)
    assert "Too small: “Crowded talk” has 30 interested, Küche seats 12 (10:00)." in html
    assert "Suggestion: Werkstatt (40 seats) is free then." in html  # the smallest free room that fits
    warn = html.split('class="gc-warning warn-capacity"')[1].split("</li>")[0]
    assert f'name="room_id" value="{c.room["Werkstatt"]}"' in warn and f'name="pitch_id" value="{crowd}"' in warn
    # following the suggestion clears the warning
    place(c, crowd, c.slots[0], c.room["Werkstatt"])
    assert "Too small" not in console(c)


def test_warning_when_a_host_is_booked_twice_in_a_slot(app, camp):
    c = camp()
    a = add_pitch(app, c, "Rust intro", host="Emma")
    b = add_pitch(app, c, "Rust deep dive", host="emma ")
    place(c, a, c.slots[0], c.room["Aula"])
    place(c, b, c.slots[0], c.room["Küche"])
    html = console(c)
    assert "Double-booked: Emma hosts 2 sessions at 10:00: Rust intro, Rust deep dive." in html
    place(c, b, c.slots[1], c.room["Küche"])
    assert "Double-booked" not in console(c)


def test_warning_when_a_room_is_empty_in_a_popular_slot(app, camp):
    c = camp()
    hot = add_pitch(app, c, "Hot", votes=20)
    cold = add_pitch(app, c, "Cold", votes=1)
    place(c, hot, c.slots[0], c.room["Aula"])
    place(c, cold, c.slots[1], c.room["Aula"])
    html = console(c)
    assert "Empty rooms in a popular slot: Werkstatt, Küche are free at 10:00" in html
    assert "free at 11:15" not in html  # the quiet slot is not flagged
    c.fac.post(
        f"/e/{c.slug}/facilitate/grid/lock", data={"slot_id": c.slots[0], "room_id": c.room["Küche"], "locked": "1"}
    )
    assert "Empty room in a popular slot: Werkstatt is free at 10:00" in console(c)  # locked empty is on purpose


def test_warnings_do_not_block_placement(app, camp):
    c = camp()
    crowd = add_pitch(app, c, "Crowded", votes=50)
    assert place(c, crowd, c.slots[0], c.room["Küche"], Accept="application/json").status_code == 200
    assert cells(app, c) == {(c.slots[0], c.room["Küche"]): crowd}


# --- who may do what ------------------------------------------------------------------------


def test_grid_actions_and_csv_refuse_attendees_with_403(app, camp, client):
    c = camp()
    a = add_pitch(app, c, "A")
    client.get(f"/e/{c.slug}")
    base = f"/e/{c.slug}/facilitate/grid"
    cell = {"slot_id": c.slots[0], "room_id": c.room["Aula"]}
    assert client.post(f"{base}/place", data={**cell, "pitch_id": a}).status_code == 403
    assert client.post(f"{base}/unschedule", data={"pitch_id": a}).status_code == 403
    assert client.post(f"{base}/lock", data={**cell, "locked": "1"}).status_code == 403
    assert client.post(f"{base}/autoplan").status_code == 403
    assert client.post(f"{base}/undo").status_code == 403
    assert client.get(f"/e/{c.slug}/grid.csv").status_code == 403
    assert client.get(f"/e/{c.slug}/live/grid_console").status_code == 403
    assert cells(app, c) == {}
    assert c.fac.get(f"/e/{c.slug}/live/grid_console").status_code == 200


def test_facilitator_of_another_event_cannot_change_this_grid(app, camp):
    c, other = camp(), camp(name="Other Camp")
    a = add_pitch(app, c, "A")
    r = place(c, a, c.slots[0], c.room["Aula"], client=other.fac)
    assert r.status_code == 403 and cells(app, c) == {}


# --- live ------------------------------------------------------------------------------------


def test_grid_change_is_announced_with_the_move_after_commit(app, camp, client, socket_client):
    c = camp()
    a = add_pitch(app, c, "Offene Daten")
    place(c, a, c.slots[0], c.room["Aula"])
    client.get(f"/e/{c.slug}")
    phone = socket_client(client, c.slug)
    place(c, a, c.slots[1], c.room["Werkstatt"])

    def announced():
        return [
            {k: v for k, v in m["args"][0].items() if k in ("what", "moved")}
            for m in phone.get_received()
            if m["name"] == "changed"
        ]

    assert announced() == [
        {
            "what": "grid",
            "moved": [
                {
                    "pitch_id": a,
                    "title": "Offene Daten",
                    "room": "Werkstatt",
                    "start": "11:15",
                    "day": None,
                    "day_label": "",
                    "placed": False,
                }
            ],
        }
    ]
    c.fac.post(f"/e/{c.slug}/facilitate/grid/unschedule", data={"pitch_id": a})
    assert announced() == [
        {
            "what": "grid",
            "moved": [
                {
                    "pitch_id": a,
                    "title": "Offene Daten",
                    "room": None,
                    "start": None,
                    "day": None,
                    "day_label": "",
                    "placed": False,
                }
            ],
        }
    ]
    # Getting on the grid is news too, placed by hand or by auto-plan.
    place(c, a, c.slots[0], c.room["Küche"])
    assert announced() == [
        {
            "what": "grid",
            "moved": [
                {
                    "pitch_id": a,
                    "title": "Offene Daten",
                    "room": "Küche",
                    "start": "10:00",
                    "day": None,
                    "day_label": "",
                    "placed": True,
                }
            ],
        }
    ]
    b = add_pitch(app, c, "Kubernetes", votes=1)
    assert run_autoplan(c)["placed"] == 1
    ((msg,),) = [m["args"] for m in phone.get_received() if m["name"] == "changed"]
    assert [(m["pitch_id"], m["placed"], bool(m["room"] and m["start"])) for m in msg["moved"]] == [(b, True, True)]


def test_undoing_an_autoplan_tells_phones_which_sessions_left_the_programme(app, camp, client, socket_client):
    c = camp()
    a, b = add_pitch(app, c, "Offene Daten", votes=2), add_pitch(app, c, "Kubernetes", votes=1)
    run = run_autoplan(c)
    assert run["placed"] == 2
    client.get(f"/e/{c.slug}")
    phone = socket_client(client, c.slug)
    c.fac.post(f"/e/{c.slug}/facilitate/grid/undo", data={"batch": run["batch"]})
    (msg,) = [m["args"][0] for m in phone.get_received() if m["name"] == "changed"]
    assert msg["what"] == "grid"
    assert sorted(msg["moved"], key=lambda m: m["pitch_id"]) == [
        {
            "pitch_id": a,
            "title": "Offene Daten",
            "room": None,
            "start": None,
            "day": None,
            "day_label": "",
            "placed": False,
        },
        {
            "pitch_id": b,
            "title": "Kubernetes",
            "room": None,
            "start": None,
            "day": None,
            "day_label": "",
            "placed": False,
        },
    ]


def test_live_partials_show_the_new_placement(app, camp, client):
    c = camp()
    a = add_pitch(app, c, "Offene Daten")
    place(c, a, c.slots[0], c.room["Aula"])
    for name in ("grid", "grid_projector"):
        html = client.get(f"/e/{c.slug}/live/{name}").get_data(as_text=True)
        assert f'data-cell="{c.slots[0]}-{c.room["Aula"]}"' in html and "Offene Daten" in html
    console_html = c.fac.get(f"/e/{c.slug}/live/grid_console").get_data(as_text=True)
    assert "Offene Daten" in console_html and f'data-sig="{a}|True"' not in console_html


# --- attendee programme ---------------------------------------------------------------------


def test_attendee_grid_lists_slots_with_breaks_spanning_all_rooms(app, camp, client):
    c = camp()
    a = add_pitch(app, c, "A talk")
    place(c, a, c.slots[0], c.room["Aula"])
    html = client.get(f"/e/{c.slug}/grid").get_data(as_text=True)
    assert '<li class="gslot gslot-break">' in html and "12:00</time>–13:00 · Lunch" in html
    assert html.count('class="gs"') == 2  # in "Next" and in the day's list
    assert len(re.findall(r'<li class="gs"[^>]*data-cell=', html)) == 1
    assert "No sessions planned for this slot yet." in html  # the other session slots


def test_attendee_grid_filters_by_room_and_my_sessions_without_js(app, camp, client):
    c = camp()
    me = attendee_of(app, c, client)
    mine = add_pitch(app, c, "Mine", voters=[me])
    other = add_pitch(app, c, "Other")
    place(c, mine, c.slots[0], c.room["Aula"])
    place(c, other, c.slots[0], c.room["Werkstatt"])

    def visible(query):
        html = client.get(f"/e/{c.slug}/grid{query}").get_data(as_text=True)
        items = re.findall(r'<li class="gs"[^>]*data-cell[^>]*>', html)
        return {int(re.search(r'data-pitch="(\d+)"', i).group(1)) for i in items if " hidden" not in i}

    assert visible("") == {mine, other}
    assert visible(f"?room={c.room['Werkstatt']}") == {other}
    assert visible("?mine=1") == {mine}
    assert visible(f"?mine=1&room={c.room['Werkstatt']}") == set()
    html = client.get(f"/e/{c.slug}/grid?mine=1").get_data(as_text=True)
    assert f'data-my-votes="{mine}"' in html
    assert re.search(rf'<li class="gs" data-pitch="{mine}"[^>]*data-mine', html)
    assert client.get(f"/e/{c.slug}/grid/mine.json").get_json() == {"pitch_ids": [mine]}


def test_now_and_next_follow_the_clock(app, camp):
    from barcamp.grid.reading import build_grid, now_next

    c = camp()
    tz = zoneinfo.ZoneInfo("Europe/Berlin")
    with app.app_context():
        grid = build_grid(db.session.get(Event, c.id))
        at = lambda h, m: dt.datetime.combine(DAY, dt.time(h, m), tz)  # noqa: E731
        now, nxt, change = now_next(grid, at(9, 0))
        assert now is None and nxt.slot.id == c.slots[0] and change == at(10, 0)
        now, nxt, change = now_next(grid, at(10, 30))
        assert now.slot.id == c.slots[0] and nxt.slot.id == c.slots[1] and change == at(11, 0)
        now, nxt, change = now_next(grid, at(11, 5))  # between slots
        assert now is None and nxt.slot.id == c.slots[1] and change == at(11, 15)
        now, nxt, _ = now_next(grid, at(12, 30))
        assert now.slot.kind == "break" and nxt.slot.id == c.slots[3]
        assert now_next(grid, at(15, 0)) == (None, None, None)


def near_noon_zone() -> str:
    """A time zone where it is now within a few hours of noon, so a slot running all of
    today is running now whenever the suite runs (at midnight in Berlin, too)."""
    zones = ("Pacific/Kiritimati", "Asia/Tokyo", "Asia/Kolkata", "Europe/Berlin", "America/Sao_Paulo")
    zones += ("America/New_York", "America/Los_Angeles", "Pacific/Honolulu")

    def from_noon(name):
        local = dt.datetime.now(zoneinfo.ZoneInfo(name))
        return abs(local.hour * 60 + local.minute - 12 * 60)

    return min(zones, key=from_noon)


def test_attendee_grid_shows_what_runs_now_and_next(app, camp, client):
    zone = near_noon_zone()
    today = dt.datetime.now(zoneinfo.ZoneInfo(zone)).date()
    c = camp(slots=(("00:00", "23:59", "session", ""),), day=today, timezone=zone)
    with app.app_context():
        db.session.add(Day(event_id=c.id, date=today + dt.timedelta(days=1), label="Sonntag"))
        db.session.commit()
        tomorrow = db.session.scalar(select(Day.id).where(Day.label == "Sonntag"))
        db.session.add(Slot(day_id=tomorrow, starts_at=dt.time(9), ends_at=dt.time(10), kind="plenary", label="Hi"))
        db.session.commit()
    a = add_pitch(app, c, "Running now")
    place(c, a, c.slots[0], c.room["Werkstatt"])
    html = client.get(f"/e/{c.slug}/grid").get_data(as_text=True)
    now = html.split('id="nn-now-h"')[1].split("</section>")[0]
    nxt = html.split('id="nn-next-h"')[1].split("</section>")[0]
    assert "Running now" in now and "Werkstatt" in now and "1st floor, left" in now
    assert "09:00</time>–10:00 · Hi" in nxt and "(Sonntag)" in nxt
    board = client.get(f"/e/{c.slug}/live/grid_nownext").get_data(as_text=True)
    assert "Running now" in board.split('id="nnb-now-h"')[1].split("</section>")[0]


def test_days_are_named_by_their_date_in_the_readers_language(app, client):
    from babel.dates import format_date

    from barcamp.demo import load_demo

    with app.app_context():
        load_demo()
        first = db.session.scalar(select(Day).join(Event).where(Event.slug == "demo").order_by(Day.date))
        assert first.label == ""
        day = first.date
    for lang in ("en", "de"):
        html = client.get("/e/demo/grid", headers={"Accept-Language": lang}).get_data(as_text=True)
        weekday, full = format_date(day, "EEEE", locale=lang), format_date(day, "long", locale=lang)
        assert re.search(rf'<h2 id="gday-\d+">{weekday} <span class="muted">{full}</span>', html), lang
        console_rooms = client.get("/e/demo/live/rooms", headers={"Accept-Language": lang}).get_data(as_text=True)
        assert f"<summary>{weekday} " in console_rooms
    english = client.get("/e/demo/grid", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Samstag" not in english and "Sonntag" not in english and ".%Y" not in english


def test_attendee_grid_speaks_german(app, camp, client):
    c = camp()
    html = client.get(f"/e/{c.slug}/grid", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Programm" in html and "Nur meine Sessions" in html and "Alle Räume" in html


# --- projector ------------------------------------------------------------------------------


def test_projector_shows_the_grid_and_now_next_modes(app, camp, client):
    c = camp()
    a = add_pitch(app, c, "Big screen talk")
    place(c, a, c.slots[0], c.room["Aula"])
    for mode, marker in (("grid", 'class="pgrid"'), ("nownext", 'class="nnboard"')):
        c.fac.post(f"/e/{c.slug}/facilitate/projector", data={"mode": mode})
        html = client.get(f"/e/{c.slug}/projector").get_data(as_text=True)
        assert marker in html and 'data-live="grid"' in html
        assert "js/grid.js" in html
    html = client.get(f"/e/{c.slug}/live/grid_projector").get_data(as_text=True)
    assert "Big screen talk" in html and 'colspan="3" class="gt-span">Lunch' in html


def test_projector_grid_and_printable_grid_show_a_placed_beginner_friendly_pitch(app, camp, client):
    c = camp()
    a = add_pitch(app, c, "Erste Schritte")
    with app.app_context():
        db.session.get(Pitch, a).level = "beginner"
        db.session.commit()
    place(c, a, c.slots[0], c.room["Aula"])
    c.fac.post(f"/e/{c.slug}/facilitate/projector", data={"mode": "grid"})
    for url in (f"/e/{c.slug}/projector", f"/e/{c.slug}/live/grid_projector", f"/e/{c.slug}/grid/print"):
        r = client.get(url)
        assert r.status_code == 200, url
        html = r.get_data(as_text=True)
        assert "Erste Schritte" in html and '<span class="level-beginner-badge">Beginner-friendly</span>' in html


def test_projector_pages_grids_of_more_than_four_rooms(app, camp, client):
    rooms = tuple((f"Raum {n}", 10 + n, "") for n in range(10))
    c = camp(rooms=rooms)
    html = client.get(f"/e/{c.slug}/live/grid_projector").get_data(as_text=True)
    assert "Page 1 of 3" in html and "Page 3 of 3" in html
    assert html.count('<th scope="col">Raum') == 10
    small = camp(name="Small Camp")
    html = client.get(f"/e/{small.slug}/live/grid_projector").get_data(as_text=True)
    assert "data-pager hidden>Page 1 of 1<" in html  # one page: no pager shown


# --- keyboard path without JS -------------------------------------------------------------------


def test_pick_then_place_works_as_plain_links_and_forms(app, camp):
    c = camp()
    a = add_pitch(app, c, "Accessible talk")
    html = console(c)
    assert f'name="pick" value="{a}"' in html
    assert re.search(r'<form[^>]*class="gc-place" hidden', html)  # nothing picked: no "Place here"
    html = console(c, f"?pick={a}")
    assert "Picked “Accessible talk”" in html
    form = re.search(
        r'<form[^>]*action="([^"]+)"[^>]*class="gc-place">(.*?)</form>',
        html.split(f'data-cell="{c.slots[1]}-')[1],
        re.S,
    )
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form.group(2)))
    assert fields["pitch_id"] == str(a) and "Place here" in form.group(2)
    r = c.fac.post(form.group(1), data=fields)
    assert r.status_code == 302
    assert cells(app, c) == {(int(fields["slot_id"]), int(fields["room_id"])): a}


# --- exports --------------------------------------------------------------------------------------


def test_ical_feed_is_valid_and_in_the_event_time_zone(app, camp, client):
    c = camp(timezone="America/New_York")
    a = add_pitch(app, c, "Data, ethics; and you", host="Felix")
    place(c, a, c.slots[1], c.room["Werkstatt"])
    r = client.get(f"/e/{c.slug}/grid.ics")
    assert r.status_code == 200 and r.mimetype == "text/calendar"
    body = r.get_data(as_text=True)
    assert f"DTSTART;TZID=America/New_York:{DAY:%Y%m%d}T111500" in body
    cal = icalendar.Calendar.from_ical(r.data)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["America/New_York"]
    (event,) = [e for e in cal.walk("VEVENT") if e["SUMMARY"] == "Data, ethics; and you"]
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start == dt.datetime.combine(DAY, dt.time(11, 15), zoneinfo.ZoneInfo("America/New_York"))
    assert start.astimezone(dt.UTC).hour in (15, 16)  # EDT or EST; never Berlin or UTC
    assert end - start == dt.timedelta(minutes=45)
    assert str(event["LOCATION"]) == "Werkstatt, 1st floor, left"
    assert "Felix" in str(event["DESCRIPTION"])
    assert event["UID"] and event["DTSTAMP"]
    # a move keeps the UID, so calendars update the entry
    uid = str(event["UID"])
    place(c, a, c.slots[3], c.room["Aula"])
    cal = icalendar.Calendar.from_ical(client.get(f"/e/{c.slug}/grid.ics").data)
    (event,) = [e for e in cal.walk("VEVENT") if str(e["UID"]) == uid]
    assert event.decoded("DTSTART").hour == 13


def test_personal_ical_holds_only_the_sessions_i_voted_for(app, camp, client, make_client):
    c = camp()
    me = attendee_of(app, c, client)
    mine = add_pitch(app, c, "Mine", voters=[me])
    other = add_pitch(app, c, "Not mine", votes=3)
    unplaced = add_pitch(app, c, "Mine but unplaced", voters=[me])
    place(c, mine, c.slots[0], c.room["Aula"])
    place(c, other, c.slots[0], c.room["Küche"])
    cal = icalendar.Calendar.from_ical(client.get(f"/e/{c.slug}/grid/mine.ics").data)
    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == ["Mine"]
    assert "my sessions" in str(cal["X-WR-CALNAME"])
    stranger = make_client()
    assert icalendar.Calendar.from_ical(stranger.get(f"/e/{c.slug}/grid/mine.ics").data).walk("VEVENT") == []
    assert unplaced


def test_my_sessions_feed_link_works_without_the_cookie_so_calendar_apps_can_subscribe(app, camp, client, make_client):
    c = camp()
    me = attendee_of(app, c, client)
    mine = add_pitch(app, c, "Mine", voters=[me])
    place(c, mine, c.slots[0], c.room["Aula"])
    add_pitch(app, c, "Not mine", votes=2)
    link = re.search(r'href="([^"]*/grid/mine\.ics\?k=[^"]+)"', client.get(f"/e/{c.slug}/grid").get_data(True))[1]
    calendar_app = make_client()  # no cookie of the attendee's

    def feed(url=link):
        r = calendar_app.get(url)
        return r.status_code, [
            (str(e["SUMMARY"]), str(e["LOCATION"])) for e in icalendar.Calendar.from_ical(r.data).walk("VEVENT")
        ] if r.status_code == 200 else []

    assert feed()[0] == 200 and [t for t, _ in feed()[1]] == ["Mine"]
    place(c, mine, c.slots[1], c.room["Küche"])  # the subscription follows a move
    assert "Küche" in feed()[1][0][1]
    # A key that was tampered with, or that belongs to another event, opens nothing.
    assert feed(link[:-3] + "xyz")[0] == 404
    other = camp(name="Other Camp")
    assert feed(link.replace(f"/e/{c.slug}/", f"/e/{other.slug}/"))[0] == 404


def test_csv_export_has_the_grid_and_neutralises_formulas(app, camp):
    c = camp()
    evil = add_pitch(app, c, '=HYPERLINK("http://x","click")', host="+49 123", votes=2)
    fine = add_pitch(app, c, "Plain title", host="@handle")
    place(c, evil, c.slots[0], c.room["Aula"])
    place(c, fine, c.slots[1], c.room["Werkstatt"])
    r = c.fac.get(f"/e/{c.slug}/grid.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert f'filename="{c.slug}-grid.csv"' in r.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:8] == ["Day", "Date", "Start", "End", "Room", "Location", "Title", "Session host"]
    by_title = {row[6]: row for row in rows[1:]}
    evil_row = by_title['\'=HYPERLINK("http://x","click")']
    assert evil_row[4:6] == ["Aula", "Ground floor"] and evil_row[7:9] == ["'+49 123", "2"]
    assert by_title["Plain title"][2:8] == ["11:15", "12:00", "Werkstatt", "1st floor, left", "Plain title", "'@handle"]
    assert by_title["Lunch"][2:4] == ["12:00", "13:00"]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_api_snapshot_has_the_placements(app, camp, client):
    c = camp()
    a = add_pitch(app, c, "API talk")
    place(c, a, c.slots[0], c.room["Aula"])
    c.fac.post(
        f"/e/{c.slug}/facilitate/grid/lock", data={"slot_id": c.slots[1], "room_id": c.room["Küche"], "locked": "1"}
    )
    data = client.get(f"/api/v1/events/{c.slug}").get_json()
    assert data["grid"] == [
        {"slot_id": c.slots[0], "room_id": c.room["Aula"], "pitch_id": a, "title": "API talk", "locked": False},
        {"slot_id": c.slots[1], "room_id": c.room["Küche"], "pitch_id": None, "title": None, "locked": True},
    ]


def test_grid_forms_carry_csrf_and_posts_without_it_are_refused(app, camp):
    c = camp()
    a = add_pitch(app, c, "Protected")
    app.config["WTF_CSRF_ENABLED"] = True
    cell = {"pitch_id": a, "slot_id": c.slots[0], "room_id": c.room["Aula"]}
    assert c.fac.post(f"/e/{c.slug}/facilitate/grid/place", data=cell).status_code == 400
    assert cells(app, c) == {}
    html = console(c, f"?pick={a}")
    token = re.search(r'<form[^>]*class="gc-place">\s*<input type="hidden" name="csrf_token" value="([^"]+)"', html)
    r = c.fac.post(f"/e/{c.slug}/facilitate/grid/place", data={**cell, "csrf_token": token.group(1)})
    assert r.status_code == 302 and cells(app, c) == {(c.slots[0], c.room["Aula"]): a}
    # background requests send the page's token in a header (the shared live partial has none)
    live_html = c.fac.get(f"/e/{c.slug}/live/grid_console").get_data(as_text=True)
    assert 'name="csrf_token"' not in live_html
    meta = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
    r = c.fac.post(
        f"/e/{c.slug}/facilitate/grid/unschedule",
        data={"pitch_id": a},
        headers={"X-CSRFToken": meta, "Accept": "application/json"},
    )
    assert r.status_code == 200 and cells(app, c) == {}


def test_beginner_friendly_sessions_carry_a_badge_on_the_grid(app, client):
    from barcamp.demo import load_demo

    with app.app_context():
        load_demo()
    html = client.get("/e/demo/grid").get_data(as_text=True)
    placed_beginner = re.findall(r'<span class="gs-title">[^<]+</span> <span class="level-beginner-badge">', html)
    assert placed_beginner, "a placed beginner-friendly pitch shows the badge"
