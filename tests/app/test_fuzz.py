"""Property tests: arbitrary, huge, empty and malformed input at every form and every socket event.

Every request gets a clear answer below 500, redirects stay on this site, and
afterwards the pages still render and no row ties two events together.
"""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RoutingException

from barcamp.core.extensions import db
from tests.app.test_authz_matrix import ACCESS
from tests.support.env import fresh_app
from tests.support.world import build, cross_event_links, dump, post_file

# The same examples on every CI run; explore more locally: FUZZ_RANDOM=1 FUZZ_EXAMPLES=500 pytest tests/app/test_fuzz.py
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "40")),
    deadline=None,
    derandomize=os.environ.get("FUZZ_RANDOM") != "1",
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
NASTY = [
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "99999999999999999999999",
    str(2**31),
    "NaN",
    "null",
    "[]",
    "{}",
    "true",
    "on",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "=cmd|' /C calc'!A0",
    "../../etc/passwd",
    "\u202eevil",
    "a\u0000b",
    "\r\nX-Injected: 1",
    "Ünïcödé ß 漢字 🎉",
    "x" * 70_000,
]


class Forms(HTMLParser):
    """Collects each form's action and its field names."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, set[str]]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append((attrs.get("action") or "", set()))
        elif tag in ("input", "select", "textarea", "button") and attrs.get("name") and self.forms:
            self.forms[-1][1].add(attrs["name"])


@pytest.fixture(scope="module")
def fuzz_app(database_url):
    with fresh_app(database_url) as app:
        yield app


@pytest.fixture(scope="module")
def field_names(fuzz_app):
    """endpoint -> the field names its forms carry, read from every page the world renders."""
    world = build(fuzz_app)
    adapter = fuzz_app.url_map.bind("barcamp.test")
    names: dict[str, set[str]] = {}
    for role in ("author", "facilitator"):
        for rule in fuzz_app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in ("static", "events.facilitator_link", "partials.live"):
                continue
            for url in world.urls(rule):
                r = world.clients[role].get(url)
                if r.mimetype != "text/html":
                    continue
                parser = Forms()
                parser.feed(r.get_data(as_text=True))
                for action, fields in parser.forms:
                    try:
                        endpoint, _args = adapter.match(urlsplit(action).path or url, method="POST")
                    except (HTTPException, RoutingException):  # a GET form or an outside link
                        continue
                    names.setdefault(endpoint, set()).update(fields)
    return names


def values(world):
    ids = [str(v) for k, v in world.ids.items() if k.endswith("_id") and isinstance(v, int)]
    ids += [str(v) for v in world.ids["foreign"].values()]
    return st.one_of(
        st.text(max_size=60),
        st.text(min_size=100, max_size=3000),
        st.sampled_from(NASTY),
        st.sampled_from(ids),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    )


def _actor(key: str) -> str:
    allowed = ACCESS[key]
    return next(r for r in ("author", "facilitator", "attendee", "anonymous") if r in allowed)


def _path_variants(world, rule):
    """The world's URLs for a rule, plus ones with another event's, missing or huge ids."""
    urls = world.urls(rule)
    if "<int:" in rule.rule:
        for bad in [*map(str, world.ids["foreign"].values()), "0", str(2**31), str(10**25)]:
            urls.append(re.sub(r"(?<=/)\d+(?=/|$)", bad, urls[0], count=1))
    return urls


def check_consistent(app, world):
    assert cross_event_links(app) == []
    fac = world.clients["facilitator"]
    for path in ("", "/grid", "/questions", "/tips", "/projector", "/facilitate", "/tips/moderate"):
        assert fac.get(f"/e/{world.slug}{path}").status_code == 200, path
        assert world.clients["anonymous"].get(f"/api/v1/events/{world.slug}").status_code == 200
    from barcamp.core.partials import _renderers

    for name in _renderers:
        assert fac.get(f"/e/{world.slug}/live/{name}").status_code == 200, name


POSTS = sorted(key for key in ACCESS if key.startswith("POST "))


@pytest.mark.parametrize("key", POSTS)
def test_any_form_input_gets_a_clear_answer(fuzz_app, field_names, key):
    world = build(fuzz_app)
    endpoint = key.split()[1]
    rules = [r for r in fuzz_app.url_map.iter_rules() if r.endpoint == endpoint and "POST" in r.methods]
    urls = [u for rule in rules for u in _path_variants(world, rule)]
    names = sorted(field_names.get(endpoint, set()) | {"csrf_token", "on", "next", "pitch_id", "id"})
    client = world.clients[_actor(key)]

    @FUZZ
    @given(
        url=st.sampled_from(urls),
        form=st.dictionaries(st.one_of(st.sampled_from(names), st.text(max_size=20)), values(world), max_size=12),
        as_json=st.booleans(),
    )
    def run(url, form, as_json):
        headers = {"Accept": "application/json"} if as_json else {}
        r = client.post(url, data=form, headers=headers)
        assert r.status_code < 500, (url, form, r.status_code)
        if 300 <= r.status_code < 400:
            location = urlsplit(r.headers["Location"])
            assert location.netloc in ("", "barcamp.test") and location.scheme in ("", "http"), r.headers["Location"]
        if as_json and r.status_code >= 400 and r.mimetype == "application/json":
            assert r.get_json().get("error"), (url, form)

    run()
    check_consistent(fuzz_app, world)


def test_import_of_mangled_exports_is_refused_or_renders(fuzz_app):
    """Any change to a real export either imports into an event whose pages all work, or is a clean 400."""
    world = build(fuzz_app)
    fac = world.clients["facilitator"]
    from barcamp.core.identity import event_or_404
    from barcamp.privacy.backup import backup

    with fuzz_app.test_request_context():
        original = json.loads(json.dumps(backup(event_or_404(world.slug))))
        db.session.remove()
    tables = sorted(t for t, rows in original["tables"].items() if rows)
    scalars = st.one_of(
        st.none(), st.booleans(), st.integers(-(2**40), 2**40), st.text(max_size=30), st.sampled_from(NASTY)
    )

    @FUZZ
    @given(table=st.sampled_from(tables), data=st.data(), value=scalars)
    def run(table, data, value):
        mangled = json.loads(json.dumps(original))
        rows = mangled["tables"][table]
        row = rows[data.draw(st.integers(0, len(rows) - 1))]
        row[data.draw(st.sampled_from(sorted(row)))] = value
        r = post_file(fac, "/import", json.dumps(mangled).encode(), "x.json")
        assert r.status_code in (302, 400), r.status_code
        if r.status_code == 302:
            slug = r.headers["Location"].split("/")[2]
            for path in ("", "/grid", "/questions", "/tips", "/projector", "/facilitate", "/tips/moderate"):
                assert fac.get(f"/e/{slug}{path}").status_code == 200, (table, row, path)

    run()
    assert cross_event_links(fuzz_app) == []


# --- Socket.IO ------------------------------------------------------------------------

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=50)),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=20,
)


def test_socket_connect_with_malformed_query_or_auth_joins_no_wrong_room(fuzz_app):
    from urllib.parse import quote

    from sqlalchemy import select

    from barcamp.core import realtime
    from barcamp.core.extensions import db, socketio
    from barcamp.models import Event
    from tests.app.test_authz_matrix import rooms_of

    world = build(fuzz_app)
    client = world.clients["attendee"]
    with client.session_transaction() as s:
        attendee_ids = set(s["att"].values())
    before = dump(fuzz_app, skip=("attendee",))

    @FUZZ
    @given(
        slug=st.one_of(st.just(world.slug), st.just(world.other_slug), st.text(max_size=80), st.sampled_from(NASTY)),
        extra=st.text(max_size=40),
        auth=st.none() | st.dictionaries(st.text(max_size=10), json_values, max_size=5),  # CONNECT data is an object
    )
    @example(slug="a\x00b", extra="", auth=None)
    @example(slug="x" * 5000, extra="&" * 50, auth={"event": "x"})
    def run(slug, extra, auth):
        query = f"event={quote(slug)}&{quote(extra)}"
        sc = socketio.test_client(fuzz_app, flask_test_client=client, query_string=query, auth=auth)
        with fuzz_app.app_context():
            event_id = None if "\x00" in slug else db.session.scalar(select(Event.id).where(Event.slug == slug))
            db.session.remove()
        assert sc.is_connected() == (event_id is not None)
        if event_id is not None:  # the event's public room (and one's own), never a facilitator room
            own = {realtime.personal_room(event_id, a) for a in attendee_ids}
            assert rooms_of(sc) - {realtime.room(event_id)} - own <= _own_sid(sc)
        assert (slug == world.slug) <= (event_id == world.ids["event_id"])
        if sc.is_connected():
            sc.disconnect()

    run()
    assert dump(fuzz_app, skip=("attendee",)) == before


def _own_sid(sc) -> set[str]:
    from barcamp.core.extensions import socketio

    return {socketio.server.manager.sid_from_eio_sid(sc.eio_sid, "/")}


def test_socket_events_of_any_name_and_payload_change_nothing(fuzz_app):
    from barcamp.core.extensions import socketio
    from tests.app.test_authz_matrix import rooms_of

    world = build(fuzz_app)
    sc = socketio.test_client(fuzz_app, flask_test_client=world.clients["attendee"], query_string=f"event={world.slug}")
    rooms = rooms_of(sc)
    before = dump(fuzz_app)

    @FUZZ
    @given(
        name=st.one_of(st.text(min_size=1, max_size=30), st.sampled_from(["connect", "disconnect", "join", "vote"])),
        args=st.lists(json_values, max_size=3),
    )
    def run(name, args):
        sc.emit(name, *args)
        assert sc.is_connected() and rooms_of(sc) == rooms
        assert [m for m in sc.get_received() if m["name"] not in ("changed", "tally")] == []

    run()
    assert dump(fuzz_app) == before


def test_raw_socket_garbage_does_not_hurt_the_server(live_server):
    """Malformed Engine.IO/Socket.IO frames over a real websocket: the server keeps serving everyone."""
    import websocket

    slug, _fac = live_server.create_event("Garbage Camp")
    ws_url = f"ws://127.0.0.1:{live_server.port}/socket.io/?EIO=4&transport=websocket&event={slug}"

    @FUZZ
    @given(
        frames=st.lists(
            st.one_of(
                st.text(max_size=200),
                st.sampled_from(["40", "40{", '40{"a":', "42[", '42["vote",1,2]', "4", "2", "3", "6", "1", "0{}"]),
                st.builds(lambda t: "42" + json.dumps(t), json_values),
                st.builds(lambda t: "40" + json.dumps(t), json_values),
            ),
            min_size=1,
            max_size=5,
        )
    )
    def run(frames):
        ws = websocket.create_connection(ws_url, origin=live_server.url, timeout=5)
        try:
            for frame in frames:
                ws.send(frame)
        except (websocket.WebSocketException, OSError):
            pass  # the server may close a connection that speaks nonsense
        finally:
            ws.close()

    run()
    import requests

    assert requests.get(live_server.url + "/healthz", timeout=5).json() == {"status": "ok"}
    ok = websocket.create_connection(ws_url, origin=live_server.url, timeout=5)
    assert ok.recv().startswith("0{")  # a fresh client still gets its handshake
    ok.send("40")
    assert ok.recv().startswith("40{")  # and joins
    ok.close()
