"""Who may do what: every route × every role, over HTTP and Socket.IO.

``ACCESS`` classifies every route of the app. A route added without an entry
fails ``test_every_route_is_classified``, so nobody forgets to decide who may
use it. Allowed roles must not get 403/404; every other role must get 403 or
404, and its request must change nothing in the database.
"""

from __future__ import annotations

import pytest

from tests.support.env import fresh_app
from tests.support.world import ROLES, build, dump

ANY = frozenset(ROLES)
FAC = frozenset({"facilitator"})
AUTHOR = frozenset({"author"})  # the browser that made the pitch/question/tip/card
AUTHOR_OR_FAC = AUTHOR | FAC
BOARD_MEMBERS = frozenset({"attendee", "author"})  # browsers with a card on the tips board
PAIRED = frozenset({"attendee", "author"})  # the buddy pairing: the author is the buddy, the attendee the first-timer

# "METHOD endpoint" -> roles allowed. Keep it explicit: read the view before adding a line.
ACCESS = {
    # events: public pages, creating and joining
    "GET events.index": ANY,
    "POST events.index": ANY,
    "POST events.join": ANY,
    "GET events.join_code": ANY,
    "GET events.home": ANY,
    "GET events.guide": ANY,
    "POST events.guide_done": ANY,
    "GET events.profile": ANY,
    "POST events.profile": ANY,
    "GET events.projector": ANY,
    "GET events.qr": ANY,
    "GET events.healthz": ANY,
    "GET favicon": ANY,
    "GET events.set_language": ANY,
    "GET events.created": FAC,
    "GET events.facilitator_link": ANY,  # whoever holds the secret key becomes facilitator
    "GET api.event_snapshot": ANY,
    # branding: the console's forms; the logo and the accent stylesheet every page loads
    "POST branding.upload_logo": FAC,
    "POST branding.remove_logo": FAC,
    "POST branding.accent": FAC,
    "GET branding.logo": ANY,
    "GET branding.stylesheet": ANY,
    # facilitator console
    "GET setup.console": FAC,
    "POST setup.edit_event": FAC,
    "POST setup.room": FAC,
    "POST setup.room_delete": FAC,
    "POST setup.day": FAC,
    "POST setup.day_delete": FAC,
    "POST setup.slot": FAC,
    "POST setup.slot_delete": FAC,
    "POST setup.day_template": FAC,
    "POST setup.day_copy": FAC,
    "POST setup.rooms_paste": FAC,
    "GET setup.poster": FAC,
    "GET setup.recap": FAC,
    "GET setup.tents": FAC,
    "POST setup.projector_mode": FAC,
    "POST setup.invite": FAC,
    "POST setup.rotate": FAC,
    # pitches and votes
    "GET pitches.new": ANY,
    "POST pitches.new": ANY,
    "GET pitches.edit": AUTHOR_OR_FAC,
    "POST pitches.edit": AUTHOR_OR_FAC,
    "POST pitches.withdraw": AUTHOR_OR_FAC,
    "POST pitches.restore": AUTHOR_OR_FAC,
    "POST pitches.hide": FAC,
    "POST pitches.merge": FAC,
    "POST pitches.held": FAC,
    "POST pitches.spotlight": FAC,
    "POST pitches.timer": FAC,
    "GET pitches.timer_json": ANY,
    "POST votes.vote": ANY,
    "GET votes.mine": ANY,
    "POST votes.settings": FAC,
    # grid
    "GET grid.attendee": ANY,
    "GET grid.print_view": ANY,
    "GET grid.mine_json": ANY,
    "GET grid.ical_feed": ANY,
    "GET grid.ical_mine": ANY,
    "GET grid.csv_download": FAC,
    "POST grid.place_view": FAC,
    "POST grid.unschedule": FAC,
    "POST grid.lock": FAC,
    "POST grid.autoplan_view": FAC,
    "POST grid.undo": FAC,
    # question wall
    "GET questions.wall": ANY,
    "POST questions.wall": ANY,
    "GET questions.mine": ANY,
    "POST questions.vote": ANY,
    "POST questions.report": ANY,
    "POST questions.delete": AUTHOR,  # only the browser holding the question's secret
    "POST questions.restore": AUTHOR,  # undo of delete: the same secret (here nothing to undo: 409)
    "POST questions.promote": FAC,  # attendees too, but only once enough people upvoted (not in this world)
    "POST questions.moderate": FAC,
    "POST questions.settings": FAC,
    "POST questions.held": FAC,
    # "I can help with this": anyone offers (the asker is told their own question is theirs: 409);
    # only the browser holding the question's secret picks a helper
    "POST helping.offer": ANY,
    "POST helping.pick": AUTHOR,
    "POST helping.share": AUTHOR,
    "GET helping.mine": ANY,
    # tips board
    "GET tips.board": ANY,
    "GET tips.board_json": ANY,
    "GET tips.person": ANY,
    "GET tips.connections": ANY,
    "GET tips.export_json": ANY,  # each browser's own card and saved tips
    "GET tips.export_csv": ANY,
    "GET tips.export_vcf": ANY,
    "POST tips.save_card": ANY,
    "POST tips.leave": ANY,
    "POST tips.post": BOARD_MEMBERS,
    "POST tips.delete": AUTHOR,
    "POST tips.restore": AUTHOR,  # undo of delete: my own tip only (here nothing to undo: 409)
    "POST tips.come_back": ANY,  # undo of leaving: each browser's own card only (nothing to undo: 409)
    "POST tips.mark": ANY,
    "POST tips.report": ANY,
    "POST tips.connect": frozenset({"attendee"}),  # needs a card with a contact; not to oneself
    "POST tips.answer": AUTHOR,  # the person the request was sent to
    "GET tips.moderate": FAC,
    "GET tips.moderate_list": FAC,
    "POST tips.moderate_action": FAC,
    "GET tips.facilitator_json": FAC,
    "GET tips.facilitator_csv": FAC,
    # "People I met": each browser's own page and downloads (a signed ?k= opens one attendee's, else 404)
    "GET people.page": ANY,
    "GET people.vcard": ANY,
    "GET people.csv": ANY,
    # meet someone new, and first-timer buddies
    "GET mixer.page": ANY,
    "GET mixer.mine": ANY,  # each browser's own round and buddies
    "POST mixer.join": ANY,
    "POST mixer.met": ANY,  # counts only for someone in a group; others are told they are not
    "POST mixer.share": frozenset({"attendee"}),  # with a group-mate only: the attendee's is the author
    "POST mixer.buddy_offer": ANY,
    "POST mixer.buddy_ask": ANY,
    "POST mixer.buddy_end": PAIRED,
    "POST mixer.points": FAC,
    "POST mixer.open_round": FAC,
    "POST mixer.start": FAC,
    "POST mixer.close": FAC,
    # data protection
    "GET privacy.export": FAC,
    "POST privacy.delete": FAC,
    "GET privacy.import_event": ANY,
    "POST privacy.import_event": ANY,
    # the installable app: anyone may install an event's app (it keeps only what its browser may see)
    "GET offline.worker": ANY,
    "GET offline.manifest": ANY,
    # the operator's Prometheus metrics: no role of the app, only the METRICS_TOKEN (tests/core/test_metrics.py)
    "GET metrics.scrape": frozenset(),
    # live partials: see PARTIALS
    "GET partials.live": None,
}
# Live partials by name: facilitator-only ones carry counts or moderation state.
PARTIALS = {
    "projector": ANY,
    "rooms": ANY,
    "pitches": ANY,
    "spotlight": ANY,
    "pitchqueue": FAC,
    "pitchtimer": ANY,
    "consoletabs": FAC,
    "grid": ANY,
    "grid_projector": ANY,
    "grid_nownext": ANY,
    "grid_console": FAC,
    "questions": ANY,
    "qwall": ANY,
    "questionsmod": FAC,
    "tips": ANY,
    "tipcards": ANY,
    "mixer": ANY,
    "mixproj": ANY,
    "mixcounts": FAC,
}
# Routes whose allowed roles each need a fresh world (one role's action would change another's outcome).
FRESH = {"POST questions.report", "POST tips.report", "POST tips.leave", "POST mixer.buddy_end"}


def _routes(app) -> dict[str, list]:
    routes: dict[str, list] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.setdefault(f"{method} {rule.endpoint}", []).append(rule)
    return routes


@pytest.fixture(scope="module")
def matrix_app(database_url):
    """One app for the whole matrix; every case builds its own events in it."""
    with fresh_app(database_url) as app:
        yield app


def test_every_route_is_classified(matrix_app):
    from barcamp.core.partials import _renderers

    routes = set(_routes(matrix_app))
    assert sorted(routes - set(ACCESS)) == [], "new routes: add them to ACCESS in tests/app/test_authz_matrix.py"
    assert sorted(set(ACCESS) - routes) == [], "ACCESS lists routes that no longer exist"
    assert sorted(set(_renderers) ^ set(PARTIALS)) == [], "classify every live partial in PARTIALS"


def _cases():
    cases = [(key, None) for key, allowed in ACCESS.items() if allowed is not None]
    cases += [("GET partials.live", name) for name in PARTIALS]
    return cases


def _check(world, app, key, urls, allowed, fresh):
    method = key.split()[0]
    before = dump(app, skip=("attendee",))
    for role in sorted(set(ROLES) - allowed):
        for url in urls(world):
            r = world.clients[role].open(url, method=method)
            assert r.status_code in (403, 404), f"{role} may not {method} {url}, got {r.status_code}"
    assert dump(app, skip=("attendee",)) == before, f"a refused {key} changed the database"
    for i, role in enumerate(sorted(allowed)):
        if fresh and i:
            world = build(app)
        for url in urls(world):
            r = world.clients[role].open(url, method=method)
            assert r.status_code not in (403, 404) and r.status_code < 500, f"{role} {method} {url}: {r.status_code}"


@pytest.mark.parametrize(("key", "partial"), _cases(), ids=lambda v: v or "")
def test_route_allows_only_its_roles(matrix_app, key, partial):
    rules = _routes(matrix_app).get(key)
    assert rules, f"{key} does not exist"
    if partial:
        allowed = PARTIALS[partial]

        def urls(world):
            return [f"/e/{world.slug}/live/{partial}"]

    else:
        allowed = ACCESS[key]

        def urls(world):
            return [url for rule in rules for url in world.urls(rule)]

    _check(build(matrix_app), matrix_app, key, urls, allowed, key in FRESH)


# --- Socket.IO: only facilitators join the facilitator room -------------------------


def rooms_of(sc) -> set[str]:
    from barcamp.core.extensions import socketio

    manager = socketio.server.manager
    return set(manager.get_rooms(manager.sid_from_eio_sid(sc.eio_sid, "/"), "/"))


@pytest.mark.parametrize("role", ROLES)
def test_socket_joins_facilitator_room_only_as_facilitator(matrix_app, role):
    from barcamp.core import realtime
    from barcamp.core.extensions import socketio

    world = build(matrix_app)
    sc = socketio.test_client(matrix_app, flask_test_client=world.clients[role], query_string=f"event={world.slug}")
    assert sc.is_connected()
    rooms = rooms_of(sc)
    event_id = world.ids["event_id"]
    assert realtime.room(event_id) in rooms
    assert (realtime.room(event_id, facilitators=True) in rooms) == (role == "facilitator")
    # a facilitator-only notice reaches exactly the facilitators
    world.clients["facilitator"].post(f"/e/{world.slug}/facilitate/spotlight", data={"move": "next"})
    heard = [m for m in sc.get_received() if m["name"] == "changed" and m["args"][0]["what"] == "pitchqueue"]
    assert bool(heard) == (role == "facilitator")
    sc.disconnect()


def test_rotated_link_leaves_facilitator_room_and_cannot_rejoin(matrix_app):
    from barcamp.core import realtime
    from barcamp.core.extensions import socketio

    world = build(matrix_app)
    slug = world.slug
    helper = world.clients["attendee"]
    assert helper.get(f"/e/{slug}/f/{world.ids['key']}").status_code == 302  # the co-facilitator link
    sc = socketio.test_client(matrix_app, flask_test_client=helper, query_string=f"event={slug}")
    fac_room = realtime.room(world.ids["event_id"], facilitators=True)
    assert fac_room in rooms_of(sc)

    r = world.clients["facilitator"].post(f"/e/{slug}/facilitate/links/{world.ids['link_id']}/rotate")
    assert r.status_code == 302
    assert fac_room not in rooms_of(sc)
    assert helper.get(f"/e/{slug}/facilitate").status_code == 403
    sc.disconnect()
    again = socketio.test_client(matrix_app, flask_test_client=helper, query_string=f"event={slug}")
    assert fac_room not in rooms_of(again)
    again.disconnect()


# --- the personal channel: my group reaches my sockets only ----------------------------------


def test_my_group_reaches_only_my_own_sockets(matrix_app):
    """Groups forming are told to each member on their own channel; no other role's socket, nor a
    socket that names someone else's attendee id in its query, hears a thing about it."""
    from barcamp.core import realtime
    from barcamp.core.extensions import socketio

    world = build(matrix_app)
    slug, event_id = world.slug, world.ids["event_id"]
    sockets = {}
    for role in ROLES:
        query = f"event={slug}&topics=mixer&attendee=1&a=1"  # claims in the query count for nothing
        sockets[role] = socketio.test_client(matrix_app, flask_test_client=world.clients[role], query_string=query)
        sockets[role].get_received()
    fac = world.clients["facilitator"]
    form = {"mixround-group_size": "2", "mixround-minutes": "10", "mixround-join_minutes": "2"}
    assert fac.post(f"/e/{slug}/facilitate/meet/open", data=form).status_code == 302
    for role in ("author", "attendee"):
        assert world.clients[role].post(f"/e/{slug}/meet/join", data={"on": "1"}).status_code == 302
    for sc in sockets.values():
        sc.get_received()
    assert fac.post(f"/e/{slug}/facilitate/meet/start").status_code == 302
    for role, sc in sockets.items():
        personal = [r for r in rooms_of(sc) if r.startswith(f"ev:{event_id}:a:")]
        heard = [m["args"][0] for m in sc.get_received() if m["name"] == "changed"]
        got_group = any(m["what"] == "mixme" for m in heard)
        assert got_group == (role in ("author", "attendee")), role
        assert len(personal) == (1 if role in ("author", "attendee") else 0), role
        assert all(set(m) <= {"what", "at"} for m in heard)  # no group, token or place in any message
        assert realtime.personal_room(event_id, 1) not in rooms_of(sc) or personal == [
            realtime.personal_room(event_id, 1)
        ]
        sc.disconnect()
    # and each phone's page shows its own group, fetched with its own cookie
    author_page = world.clients["author"].get(f"/e/{slug}/meet/mine").get_data(as_text=True)
    other_page = world.clients["anonymous"].get(f"/e/{slug}/meet/mine").get_data(as_text=True)
    assert "Hold this up:" in author_page and "Hold this up:" not in other_page
