"""The grid's live parts (programme, projector, now & next, the console's grid) and its JSON."""

from __future__ import annotations

import datetime as dt

from flask import render_template, request

from barcamp.core.api import section
from barcamp.core.models import Event
from barcamp.core.partials import partial
from barcamp.grid.reading import build_grid, day_on_screen, event_tz, now_next

# The projector shows up to 4 rooms × 8 slots a page, in type read from the back row (3.6% of the
# screen's height); grid.js splits a page's slots further when they don't fit the screen.
PAGE_ROOMS, PAGE_SLOTS = 4, 8


def programme_context(event: Event) -> dict:
    """What the phone programme shows: the grid, the slot running now, the next one."""
    grid = build_grid(event)
    current, upcoming, refresh_at = now_next(grid)
    today = dt.datetime.now(event_tz(event)).date()
    return {
        "event": event,
        "grid": grid,
        "now_row": current,
        "next_row": upcoming,
        "refresh_at": refresh_at,
        "today": today,
    }


# --- live partials (the same for every viewer) ---------------------------------------


@partial("grid")
def programme_partial(event: Event) -> str:
    """The programme for phones: now/next and the slots as a list."""
    return render_template("grid/_programme.html", **programme_context(event))


def room_pages(rooms: list) -> list[list]:
    """The rooms in pages of at most PAGE_ROOMS, shared out evenly (5 rooms: 3 + 2, not 4 + 1), so
    no page is one lonely column."""
    count = max(-(-len(rooms) // PAGE_ROOMS), 1)
    size, extra = divmod(len(rooms), count)
    starts = [n * size + min(n, extra) for n in range(count + 1)]
    return [rooms[starts[n] : starts[n + 1]] for n in range(count)]


@partial("grid_projector")
def projector_partial(event: Event) -> str:
    """The day's grid for the projector, paged when it has more than 4 rooms or 8 slots."""
    grid = build_grid(event)
    day, rows = day_on_screen(grid)
    current, _upcoming, refresh_at = now_next(grid)
    pages = [
        (rooms, rows[j : j + PAGE_SLOTS])
        for j in range(0, max(len(rows), 1), PAGE_SLOTS)
        for rooms in room_pages(grid.rooms)
    ]
    return render_template(
        "grid/_projector_table.html", event=event, day=day, pages=pages, now_row=current, refresh_at=refresh_at
    )


@partial("grid_nownext")
def nownext_partial(event: Event) -> str:
    """Now and next, large, for the projector during the day."""
    return render_template("grid/_nownext_board.html", **programme_context(event))


@partial("grid_console", facilitators=True)  # interest counts of unplaced pitches are for facilitators
def console_partial(event: Event) -> str:
    """The facilitator's planning grid: queue with interest, cells with actions, warnings."""
    grid = build_grid(event)
    # Without JS, "pick a pitch, then a cell" runs through ?pick=<id> on the console page.
    pick = request.args.get("pick", type=int)
    placed = [c.pitch for row in grid.rows for c in row.cells if c.pitch]
    picked = next((p for p in [*(p for p, _n in grid.unscheduled), *placed] if p.id == pick), None)
    return render_template("grid/_console_grid.html", event=event, grid=grid, picked=picked)


@section("grid")
def api_grid(event: Event) -> list[dict]:
    """The placements of the public snapshot."""
    grid = build_grid(event)
    return [
        {
            "slot_id": cell.slot.id,
            "room_id": cell.room.id,
            "pitch_id": cell.pitch.id if cell.pitch else None,
            "title": cell.pitch.title if cell.pitch else None,
            "locked": cell.locked,
        }
        for cell in (c for row in grid.rows for c in row.cells)
        if cell.pitch or cell.locked
    ]
