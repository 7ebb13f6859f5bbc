"""Meet-someone-new rounds over real HTTP and Socket.IO: opening, joining and leaving, forming the
groups (once, at the start time), late joiners, what each phone shows, "we met", contact swaps by
consent on both sides, the personal channel, the projector and console counts, and retention."""

import datetime as dt
import re

from sqlalchemy import func, select

from barcamp.core.extensions import db
from barcamp.models import Attendee, Event, MixMember, MixRound, MixShare
from tests.support.live import tallies_of

JSON = {"Accept": "application/json"}


def phone(make_client, slug, name="", first_timer=False):
    c = make_client()
    c.get(f"/e/{slug}")
    data = {"display_name": name}
    if first_timer:
        data["first_timer"] = "y"
    assert c.post(f"/e/{slug}/me", data=data).status_code == 302
    return c


def attendee_id(app, c, slug) -> int:
    with c.session_transaction() as s:
        with app.app_context():
            event_id = db.session.scalar(select(Event.id).where(Event.slug == slug))
        return s["att"][str(event_id)]


def open_round(fac, slug, size=3, minutes=10, join=2):
    r = fac.post(
        f"/e/{slug}/facilitate/meet/open",
        data={"mixround-group_size": size, "mixround-minutes": minutes, "mixround-join_minutes": join},
    )
    assert r.status_code == 302, r.get_data(as_text=True)[:300]


def members(app):
    with app.app_context():
        rows = db.session.scalars(select(MixMember).order_by(MixMember.id)).all()
        db.session.expunge_all()
        return rows


def mine(c, slug) -> str:
    return c.get(f"/e/{slug}/meet/mine").get_data(as_text=True)


def test_round_forms_groups_and_each_phone_sees_only_its_own(app, facilitator, make_client):
    fac, slug = facilitator
    assert (
        fac.post(
            f"/e/{slug}/facilitate/meet/points", data={"mixpoints-points": "Tisch 1\nTisch 2\nKaffeebar"}
        ).status_code
        == 302
    )
    open_round(fac, slug, size=3)
    phones = [phone(make_client, slug, f"P{i}", first_timer=i < 2) for i in range(6)]
    assert "I'm in" in phones[0].get(f"/e/{slug}").get_data(as_text=True)  # the banner, on every page
    for p in phones:
        assert p.post(f"/e/{slug}/meet/join", data={"on": "1"}, headers=JSON).get_json()["ok"]
    assert "groups form in" in mine(phones[0], slug).lower()
    assert fac.post(f"/e/{slug}/facilitate/meet/start").status_code == 302
    rows = members(app)
    groups = {}
    for m in rows:
        groups.setdefault(m.group_no, []).append(m)
    assert sorted(len(g) for g in groups.values()) == [3, 3]
    assert all(not all(m.first_timer for m in g) for g in groups.values())
    assert sorted(m.token for m in rows) == [1, 2, 3, 4, 5, 6]
    page = mine(phones[0], slug)
    assert re.search(r"Go to <strong class=\"mix-point\">(Tisch 1|Tisch 2)</strong>", page)
    assert "Hold this up:" in page and "To talk about:" in page
    shown = re.sub(r'value="[^"]*"', "", page)  # a random CSRF token can contain "P4"
    mate_names = [n for n in (f"P{i}" for i in range(6)) if n in shown]
    assert len(mate_names) == 2 and "P0" not in mate_names  # the other two of my group, by name
    # the projector's partial: the count and the meeting points, no names
    proj = fac.get(f"/e/{slug}/live/mixproj?fresh=1").get_data(as_text=True)
    assert "Tisch 1" in proj and not any(f"P{i}" in proj for i in range(6))
    assert re.search(r'data-tally="mixin" data-id="in">6<', proj)


def test_groups_form_once_lazily_after_the_start_time(app, facilitator, make_client):
    fac, slug = facilitator
    open_round(fac, slug, size=2, join=1)
    phones = [phone(make_client, slug) for _ in range(4)]
    for p in phones:
        p.post(f"/e/{slug}/meet/join", data={"on": "1"})
    assert all(m.group_no is None for m in members(app))
    with app.app_context():
        rnd = db.session.scalar(select(MixRound))
        rnd.starts_at -= dt.timedelta(minutes=2)  # the start time has passed
        db.session.commit()
    mine(phones[0], slug)
    mine(phones[1], slug)
    tokens = [m.token for m in members(app)]
    assert sorted(tokens) == [1, 2, 3, 4]


def test_late_joiner_goes_into_a_group_below_the_maximum_or_waits(app, facilitator, make_client):
    fac, slug = facilitator
    open_round(fac, slug, size=3)
    phones = [phone(make_client, slug) for _ in range(4)]
    for p in phones:
        p.post(f"/e/{slug}/meet/join", data={"on": "1"})
    fac.post(f"/e/{slug}/facilitate/meet/start")
    assert sorted(m.group_no for m in members(app)) == [0, 0, 1, 1]
    late = [phone(make_client, slug) for _ in range(3)]
    for p in late[:2]:
        assert p.post(f"/e/{slug}/meet/join", data={"on": "1"}, headers=JSON).get_json()["message"] == "You're in!"
    answer = late[2].post(f"/e/{slug}/meet/join", data={"on": "1"}, headers=JSON).get_json()
    assert "next round" in answer["message"]
    sizes = {}
    for m in members(app):
        sizes[m.group_no] = sizes.get(m.group_no, 0) + 1
    assert sizes == {0: 3, 1: 3, None: 1}
    # the one who waited is in the next round from the start
    open_round(fac, slug, size=3)
    with app.app_context():
        newest = db.session.scalar(select(MixRound).order_by(MixRound.id.desc()))
        assert db.session.scalar(select(func.count(MixMember.id)).where(MixMember.round_id == newest.id)) == 1


def test_no_pair_meets_twice_when_it_can_be_avoided(app, facilitator, make_client):
    fac, slug = facilitator
    phones = [phone(make_client, slug) for _ in range(8)]
    seen = set()
    for _round in range(3):
        open_round(fac, slug, size=2)
        for p in phones:
            p.post(f"/e/{slug}/meet/join", data={"on": "1"})
        fac.post(f"/e/{slug}/facilitate/meet/start")
        with app.app_context():
            rnd = db.session.scalar(select(MixRound).order_by(MixRound.id.desc()))
            rows = db.session.scalars(select(MixMember).where(MixMember.round_id == rnd.id)).all()
            by_group = {}
            for m in rows:
                by_group.setdefault(m.group_no, []).append(m.attendee_id)
        pairs = {tuple(sorted(g)) for g in by_group.values()}
        assert not pairs & seen
        seen |= pairs


def test_leaving_and_joining_again_is_a_choice_per_round(app, facilitator, make_client):
    fac, slug = facilitator
    open_round(fac, slug)
    p = phone(make_client, slug)
    p.post(f"/e/{slug}/meet/join", data={"on": "1"})
    assert len(members(app)) == 1
    p.post(f"/e/{slug}/meet/join", data={"on": "0"})
    assert members(app) == []
    open_round(fac, slug)
    assert members(app) == []  # a new round: nobody is in until they say so


def test_joining_without_a_round_is_refused(facilitator, make_client):
    _fac, slug = facilitator
    r = phone(make_client, slug).post(f"/e/{slug}/meet/join", data={"on": "1"}, headers=JSON)
    assert r.status_code == 409 and "no round" in r.get_json()["error"]


def test_contacts_show_only_after_both_say_yes(app, facilitator, make_client):
    fac, slug = facilitator
    open_round(fac, slug, size=2)
    a, b = phone(make_client, slug, "Ada"), phone(make_client, slug, "Bo")
    for p in (a, b):
        p.post(f"/e/{slug}/meet/join", data={"on": "1"})
    fac.post(f"/e/{slug}/facilitate/meet/start")
    ms = {m.attendee_id: m for m in members(app)}
    ma, mb = ms[attendee_id(app, a, slug)], ms[attendee_id(app, b, slug)]
    r = a.post(f"/e/{slug}/meet/share/{mb.id}", data={"contact": "ada@example.org"}, headers=JSON)
    assert r.get_json()["both"] is False
    assert "ada@example.org" not in mine(b, slug)
    assert "would like to swap contacts" in mine(b, slug)
    r = b.post(f"/e/{slug}/meet/share/{ma.id}", data={"contact": "@bo@social.example"}, headers=JSON)
    assert r.get_json()["both"] is True
    assert "ada@example.org" in mine(b, slug) and "@bo@social.example" in mine(a, slug)
    # taking it back hides my contact again
    b.post(f"/e/{slug}/meet/share/{ma.id}", data={"on": "0"})
    assert "@bo@social.example" not in mine(a, slug)


def test_contact_swap_only_with_my_own_group(app, facilitator, make_client):
    fac, slug = facilitator
    open_round(fac, slug, size=2)
    ps = [phone(make_client, slug) for _ in range(4)]
    for p in ps:
        p.post(f"/e/{slug}/meet/join", data={"on": "1"})
    fac.post(f"/e/{slug}/facilitate/meet/start")
    ms = {m.attendee_id: m for m in members(app)}
    me = ms[attendee_id(app, ps[0], slug)]
    stranger = next(m for m in ms.values() if m.group_no != me.group_no)
    r = ps[0].post(f"/e/{slug}/meet/share/{stranger.id}", data={"contact": "x@example.org"}, headers=JSON)
    assert r.status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count(MixShare.id))) == 0


def test_we_met_counts_anonymously_on_the_dashboard(app, facilitator, make_client):
    fac, slug = facilitator
    open_round(fac, slug, size=2)
    a, b = phone(make_client, slug, first_timer=True), phone(make_client, slug)
    for p in (a, b):
        p.post(f"/e/{slug}/meet/join", data={"on": "1"})
    fac.post(f"/e/{slug}/facilitate/meet/start")
    a.post(f"/e/{slug}/meet/met", data={"on": "1"})
    counts = fac.get(f"/e/{slug}/live/mixcounts?fresh=1").get_data(as_text=True)
    assert re.search(r"New pairs that met</dt><dd>0<", counts)
    b.post(f"/e/{slug}/meet/met", data={"on": "1"})
    counts = fac.get(f"/e/{slug}/live/mixcounts?fresh=1").get_data(as_text=True)
    assert re.search(r"People who joined rounds</dt><dd>2<", counts)
    assert re.search(r"New pairs that met</dt><dd>1<", counts)
    assert re.search(r"First-timers who met someone</dt><dd>1<", counts)
    summary = fac.get(f"/e/{slug}/facilitate/export.json").get_json()
    assert summary["counts"]["mixer"] == {"joined": 2, "pairs": 1, "first_timers": 1, "buddies": 0}


def test_my_group_goes_only_to_my_own_channel(app, facilitator, make_client, socket_client):
    fac, slug = facilitator
    open_round(fac, slug, size=2)
    a, b, c, d = (phone(make_client, slug) for _ in range(4))
    for p in (a, b, c):
        p.post(f"/e/{slug}/meet/join", data={"on": "1"})
    sa, sd = socket_client(a, slug, topics="mixer"), socket_client(d, slug, topics="mixer")
    sa.get_received(), sd.get_received()
    fac.post(f"/e/{slug}/facilitate/meet/start")
    heard_a = [m["args"][0] for m in sa.get_received() if m["name"] == "changed"]
    heard_d = [m["args"][0] for m in sd.get_received() if m["name"] == "changed"]
    assert "mixme" in [m["what"] for m in heard_a]
    assert "mixme" not in [m["what"] for m in heard_d]  # d is not in: nothing personal reaches d
    # nothing broadcast carries anybody's group: only names of what changed
    for msg in heard_a + heard_d:
        assert set(msg) <= {"what", "at"}


def test_the_joined_count_is_a_coalesced_tally_for_pages_showing_the_mixer(
    app, facilitator, make_client, socket_client
):
    from barcamp.core import realtime

    fac, slug = facilitator
    open_round(fac, slug)
    watcher = phone(make_client, slug)
    showing, other = socket_client(watcher, slug, topics="mixer"), socket_client(watcher, slug, topics="pitches")
    showing.get_received(), other.get_received()
    for p in [phone(make_client, slug) for _ in range(3)]:
        p.post(f"/e/{slug}/meet/join", data={"on": "1"})
    with app.app_context():
        realtime.flush()
    assert [t["counts"] for t in tallies_of(showing.get_received()) if t["kind"] == "mixin"] == [{"in": 3}]
    assert [t for t in tallies_of(other.get_received()) if t["kind"] == "mixin"] == []


def test_rounds_and_buddies_are_purged_with_retention(app, facilitator, make_client):
    from barcamp.models import BuddyOffer, BuddyPair
    from barcamp.privacy.retention import event_end, purge_expired

    fac, slug = facilitator
    open_round(fac, slug, size=2)
    a, b = phone(make_client, slug), phone(make_client, slug, first_timer=True)
    for p in (a, b):
        p.post(f"/e/{slug}/meet/join", data={"on": "1"})
    fac.post(f"/e/{slug}/facilitate/meet/start")
    a.post(f"/e/{slug}/meet/buddy/offer", data={"capacity": "1"})
    b.post(f"/e/{slug}/meet/buddy/ask", data={"on": "1"})
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        end = event_end(event)
        purge_expired(30, now=end + dt.timedelta(days=30, seconds=-1))
        assert db.session.scalar(select(func.count(MixMember.id))) == 2
        purge_expired(30, now=end + dt.timedelta(days=30))
        for model in (MixRound, MixMember, BuddyOffer, BuddyPair):
            assert db.session.scalar(select(func.count(model.id))) == 0, model
        assert db.session.scalar(select(func.count(Attendee.id))) >= 2


def test_meeting_points_form_refuses_too_long_names(facilitator):
    fac, slug = facilitator
    r = fac.post(f"/e/{slug}/facilitate/meet/points", data={"mixpoints-points": "x" * 41})
    assert r.status_code == 400
    assert "at most 40 characters" in r.get_data(as_text=True)


def test_the_mixer_and_the_questions_never_read_each_other():
    """Rounds and buddy pairs are never joined to questions: neither package imports the other."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "barcamp"

    def imports(package):
        names = set()
        for path in (root / package).glob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ImportFrom) and node.module:
                    names.add(node.module)
                elif isinstance(node, ast.Import):
                    names.update(a.name for a in node.names)
        return names

    assert not any(n.startswith("barcamp.questions") for n in imports("mixer"))
    assert not any(n.startswith("barcamp.mixer") for n in imports("questions"))
