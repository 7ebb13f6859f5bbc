"""The opt-in tips board: opt-in, leaving, tips and links, marks, matching, consent to share contacts, exports,
moderation, live announcements and demo data."""

import csv
import datetime as dt
import io
import json
import re

import pytest
from sqlalchemy import func, select
from sqlalchemy import text as sql

from barcamp.core import realtime, undo
from barcamp.core.extensions import db
from barcamp.core.models import utcnow
from barcamp.models import Attendee, BoardReport, Connection, Event, Tip, TipCard, TipMark, card_tag
from tests.support.live import tallies_of

JSON = {"Accept": "application/json"}


def join(c, slug, name, helps="", seeks="", contact="", visibility="never", badge=False, intro=""):
    """Join the board (or edit my card) through the plain form."""
    data = {
        "card-display_name": name,
        "card-intro": intro,
        "card-help_tags": helps,
        "card-seek_tags": seeks,
        "card-contact": contact,
        "card-contact_visibility": visibility,
    }
    if badge:
        data["card-show_first_timer"] = "y"
    return c.post(f"/e/{slug}/tips/card", data=data)


def post_tip(c, slug, text, link="", tags="", **kwargs):
    return c.post(f"/e/{slug}/tips/post", data={"tip-text": text, "tip-link": link, "tip-tags": tags}, **kwargs)


def card_id(app, name) -> int:
    with app.app_context():
        return db.session.scalar(select(TipCard.id).where(TipCard.display_name == name))


def tip_id(app, text) -> int:
    with app.app_context():
        return db.session.scalar(select(Tip.id).where(Tip.text == text))


def live(c, slug, name, **query) -> str:
    """A shared live partial as a page fetches it after a change (a fresh render)."""
    return c.get(f"/e/{slug}/live/{name}", query_string={"fresh": "1", **query}).get_data(as_text=True)


def flush(app) -> int:
    """Broadcast pending tallies now (the coalescing loop does not run in tests)."""
    with app.app_context():
        return realtime.flush()


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def every_surface(c, slug, app) -> str:
    """Everything one browser can read about the board: pages, partials, JSON, exports and the public API."""
    with app.app_context():
        ids = db.session.scalars(select(TipCard.id).order_by(TipCard.id)).all()  # one order on every database
    urls = [
        f"/e/{slug}/tips",
        f"/e/{slug}/live/tips?fresh=1",
        f"/e/{slug}/live/tipcards?fresh=1",
        f"/e/{slug}/tips.json",
        f"/e/{slug}/tips/connections",
        f"/e/{slug}/tips/export.json",
        f"/e/{slug}/tips/export.vcf",
        f"/e/{slug}/tips/export.csv",
        f"/api/v1/events/{slug}",
    ]
    for i in ids:
        urls += [f"/e/{slug}/tips/people/{i}", f"/e/{slug}/tips/people/{i}?format=json"]
    c.get(f"/e/{slug}/tips")  # show (and drop) pending flash messages about earlier actions
    out = []
    for url in urls:
        headers = JSON if "format=json" in url else {}
        out.append(c.get(url, headers=headers).get_data(as_text=True))
    return "\n".join(out)


@pytest.fixture
def slug(event_factory):
    return event_factory("Tips Camp")[0]


# --- opt-in and leaving ---------------------------------------------------------------


def test_attendee_who_has_not_joined_is_invisible_on_board(app, client, make_client, slug):
    shy = make_client()
    shy.get(f"/e/{slug}")
    shy.post(f"/e/{slug}/me", data={"display_name": "Quentin Shy", "first_timer": "y"})
    other = make_client()
    join(other, slug, "Olga")

    assert "Quentin Shy" not in every_surface(client, slug, app)
    assert "Quentin Shy" not in every_surface(other, slug, app)
    assert count(app, TipCard) == 1
    # and without a card nobody can post a tip in their name
    r = post_tip(shy, slug, "Sneaky tip", headers=JSON)
    assert r.status_code == 403 and count(app, Tip) == 0


def test_join_form_prefills_display_name_from_profile(client, slug):
    client.get(f"/e/{slug}")
    client.post(f"/e/{slug}/me", data={"display_name": "Mara"})
    html = client.get(f"/e/{slug}/tips").get_data(as_text=True)
    assert re.search(r'id="card-display_name"[^>]*value="Mara"', html)
    assert "Nothing about you appears here until you join" in html


def test_joined_card_appears_for_everyone_with_tags(app, client, make_client, slug):
    r = join(client, slug, "Anna", helps="UX, #Design", seeks="python", intro="Designerin aus Mainz")
    assert r.status_code == 302
    own = client.get(f"/e/{slug}/tips").get_data(as_text=True)  # the edit form holds what I entered
    assert 'value="design, ux"' in own and 'value="Designerin aus Mainz"' in own
    viewer = make_client()
    cards = live(viewer, slug, "tipcards")
    assert "Anna" in cards and "Designerin aus Mainz" in cards and "#design" in cards and "#python" in cards
    api = viewer.get(f"/api/v1/events/{slug}").get_json()["tips"]["cards"]
    assert api == [
        {
            "id": card_id(app, "Anna"),
            "display_name": "Anna",
            "intro": "Designerin aus Mainz",
            "help": ["design", "ux"],
            "seek": ["python"],
            "first_barcamp": False,
        }
    ]


def test_leaving_hides_card_tips_marks_and_connections_at_once(app, client, make_client, slug):
    join(client, slug, "Leaving Lena", helps="sql", contact="lena@example.org", visibility="request")
    post_tip(client, slug, "Lena's secret sauce tip")
    friend = make_client()
    join(friend, slug, "Friend", contact="friend@example.org", visibility="request")
    lena_tip = tip_id(app, "Lena's secret sauce tip")
    friend.post(f"/e/{slug}/tips/{lena_tip}/mark", data={"kind": "helpful", "on": "1"})
    friend.post(f"/e/{slug}/tips/people/{card_id(app, 'Leaving Lena')}/connect")
    friend.post(f"/e/{slug}/tips/report/card/{card_id(app, 'Leaving Lena')}")
    assert count(app, Connection) == 1 and count(app, TipMark) == 1 and count(app, BoardReport) == 1

    r = client.post(f"/e/{slug}/tips/leave")
    assert r.status_code == 302

    with app.app_context():
        assert db.session.scalars(select(TipCard.display_name)).all() == ["Friend"]
    assert count(app, Tip) == 0
    seen = every_surface(friend, slug, app)
    assert "Leaving Lena" not in seen and "secret sauce" not in seen and "lena@example.org" not in seen
    # the join form is offered again
    assert "Nothing about you appears here until you join" in client.get(f"/e/{slug}/tips").get_data(as_text=True)

    # After the undo grace period the sweep deletes it all for real (tests/tips/test_undo.py).
    with app.app_context():
        undo.sweep(utcnow() + undo.grace() + dt.timedelta(seconds=1))
        assert db.session.execute(sql("SELECT display_name FROM tip_card")).scalars().all() == ["Friend"]
        assert db.session.scalar(select(func.count()).select_from(card_tag)) == 0
        assert db.session.execute(sql("SELECT count(*) FROM tip")).scalar() == 0
    assert count(app, TipMark) == 0 and count(app, Connection) == 0 and count(app, BoardReport) == 0


# --- tips: validation and links -------------------------------------------------------------


def test_tip_text_must_have_3_to_500_characters_and_keeps_typed_text(app, client, slug):
    join(client, slug, "Tia")
    r = post_tip(client, slug, "  ab  ", link="https://example.org/keep")
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and "A tip needs 3 to 500 characters." in html
    assert 'value="https://example.org/keep"' in html
    r = post_tip(client, slug, "x" * 501)
    assert r.status_code == 400 and "A tip needs 3 to 500 characters." in r.get_data(as_text=True)
    r = post_tip(client, slug, "", headers=JSON)
    assert r.status_code == 400 and r.get_json()["error"] == "Please write your tip."
    assert count(app, Tip) == 0
    assert post_tip(client, slug, "abc").status_code == 302
    assert post_tip(client, slug, "y" * 500).status_code == 302
    assert count(app, Tip) == 2


def test_tip_allows_up_to_five_tags(app, client, slug):
    join(client, slug, "Tia")
    r = post_tip(client, slug, "Too many tags here", tags="a, b, c, d, e, f")
    assert r.status_code == 400 and "Please use at most 5 tags." in r.get_data(as_text=True)
    r = post_tip(client, slug, "Long tag", tags="x" * 31)
    assert r.status_code == 400 and "at most 30 characters" in r.get_data(as_text=True)
    assert post_tip(client, slug, "Five tags", tags="A, b, #c, d, e, a").status_code == 302
    with app.app_context():
        tip = db.session.scalar(select(Tip))
        assert [t.name for t in tip.tags] == ["a", "b", "c", "d", "e"]


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "  javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "ftp://files.example.org/x",
        "mailto:someone@example.org",
        "//evil.example/path",
        "example.org",
        "https://",
        "https://exa mple.org",
    ],
)
def test_tip_link_other_than_http_or_https_is_refused(app, client, slug, link):
    join(client, slug, "Tia")
    r = post_tip(client, slug, "A tip with a link", link=link)
    assert r.status_code == 400
    assert "Only http:// and https:// links are allowed." in r.get_data(as_text=True)
    assert count(app, Tip) == 0


def test_tip_link_is_shown_as_such_with_safe_rel(app, client, make_client, slug):
    join(client, slug, "Tia")
    assert post_tip(client, slug, "Read the docs", link="https://docs.python.org/3/").status_code == 302
    html = live(make_client(), slug, "tips")
    assert (
        '<a href="https://docs.python.org/3/" rel="nofollow noopener ugc" target="_blank">https://docs.python.org/3/</a>'
        in html
    )


def test_tip_text_is_escaped(client, make_client, slug):
    join(client, slug, "<b>Tia</b>")
    post_tip(client, slug, "<script>alert(1)</script> tip")
    html = live(make_client(), slug, "tips")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; tip" in html
    assert "<b>Tia</b>" not in html


def test_contact_with_foreign_scheme_is_refused(app, client, slug):
    r = join(client, slug, "Carl", contact="javascript:alert(1)", visibility="public")
    assert r.status_code == 400 and "Only http:// and https:// links are allowed." in r.get_data(as_text=True)
    assert count(app, TipCard) == 0
    for ok in ("carl@example.org", "@carl@chaos.social", "https://www.linkedin.com/in/carl", "Signal: +49 170 0000"):
        assert join(client, slug, "Carl", contact=ok, visibility="public").status_code == 302


def test_resent_tip_is_stored_once(app, client, slug):
    join(client, slug, "Tia")
    first = post_tip(client, slug, "Bring a power strip", headers=JSON).get_json()
    again = post_tip(client, slug, "Bring a power strip", headers=JSON).get_json()
    assert first["ok"] and again["id"] == first["id"] and count(app, Tip) == 1


def test_author_can_delete_own_tip_only(app, client, make_client, slug):
    join(client, slug, "Tia")
    post_tip(client, slug, "Mine to delete")
    tid = tip_id(app, "Mine to delete")
    other = make_client()
    join(other, slug, "Other")
    assert other.post(f"/e/{slug}/tips/{tid}/delete").status_code == 404
    assert client.post(f"/e/{slug}/tips/{tid}/delete").status_code == 302
    assert count(app, Tip) == 0


# --- browsing, filtering, marks -----------------------------------------------------------


def test_tag_filter_shows_only_matching_tips_and_cards(client, make_client, slug):
    join(client, slug, "Pia", helps="python")
    post_tip(client, slug, "Use pytest fixtures", tags="python, testing")
    other = make_client()
    join(other, slug, "Kai", helps="kochen")
    post_tip(other, slug, "Mittagessen gibt es um 12", tags="essen")
    viewer = make_client()
    page = viewer.get(f"/e/{slug}/tips", query_string={"tag": "python"}).get_data(as_text=True)
    assert "Use pytest fixtures" in page and "Mittagessen" not in page
    assert "Pia" in page and ">Kai<" not in page
    tips = live(viewer, slug, "tips", tag="essen")
    assert "Mittagessen" in tips and "pytest" not in tips
    assert "#python" in tips  # the filter bar still offers every tag
    assert "Use pytest fixtures" in live(viewer, slug, "tips")


def test_helpful_counts_once_per_attendee_and_is_tallied(app, client, make_client, socket_client, slug):
    join(client, slug, "Tia")
    post_tip(client, slug, "Helpful tip")
    tid = tip_id(app, "Helpful tip")
    watcher = make_client()
    watcher.get(f"/e/{slug}")
    ws = socket_client(watcher, slug)
    flush(app)  # nothing left over from earlier tests
    ws.get_received()
    fan = make_client()
    for _ in range(3):
        r = fan.post(f"/e/{slug}/tips/{tid}/mark", data={"kind": "helpful", "on": "1"}, headers=JSON)
        assert r.get_json() == {"ok": True, "message": "Marked as helpful.", "kind": "helpful", "on": True}
    fan2 = make_client()
    fan2.post(f"/e/{slug}/tips/{tid}/mark", data={"kind": "helpful"})  # no-JS toggle
    assert flush(app) >= 1
    tallies = tallies_of(ws.get_received())
    assert tallies == [{"kind": "tips", "counts": {str(tid): 2}}]
    html = live(watcher, slug, "tips")
    assert re.search(rf'data-tally="tips" data-id="{tid}">2<', html)
    fan.post(f"/e/{slug}/tips/{tid}/mark", data={"kind": "helpful", "on": "0"})
    flush(app)
    assert [m["args"][0]["counts"] for m in ws.get_received() if m["name"] == "tally"] == [{str(tid): 1}]


def test_helpful_on_own_tip_is_refused(app, client, slug):
    join(client, slug, "Tia")
    post_tip(client, slug, "My own tip")
    r = client.post(f"/e/{slug}/tips/{tip_id(app, 'My own tip')}/mark", data={"kind": "helpful"}, headers=JSON)
    assert r.status_code == 400 and r.get_json()["error"] == "That's your own tip."
    assert count(app, TipMark) == 0


def test_saved_tips_form_my_own_list_and_show_pressed(app, client, make_client, slug):
    join(client, slug, "Tia")
    post_tip(client, slug, "Worth keeping", link="https://example.org/keep")
    post_tip(client, slug, "Not saved")
    reader = make_client()  # no card needed to save
    tid = tip_id(app, "Worth keeping")
    assert reader.post(f"/e/{slug}/tips/{tid}/mark", data={"kind": "saved", "on": "1"}).status_code == 302
    page = reader.get(f"/e/{slug}/tips").get_data(as_text=True)
    saved = page.split('id="saved"')[1].split("</section>")[0]
    assert "Worth keeping" in saved and "Not saved" not in saved
    assert '"saved": [' + str(tid) + "]" in page.replace("&#34;", '"')
    export = reader.get(f"/e/{slug}/tips/export.json").get_json()
    assert [t["text"] for t in export["saved_tips"]] == ["Worth keeping"]
    # someone else's page shows nothing of it
    assert 'id="saved"' not in make_client().get(f"/e/{slug}/tips").get_data(as_text=True)


def test_marking_hidden_or_foreign_tip_is_404(app, client, event_factory, make_client, slug):
    join(client, slug, "Tia")
    post_tip(client, slug, "Soon hidden")
    tid = tip_id(app, "Soon hidden")
    other_slug = event_factory("Other camp")[0]
    assert make_client().post(f"/e/{other_slug}/tips/{tid}/mark", data={"kind": "saved"}).status_code == 404
    with app.app_context():
        db.session.get(Tip, tid).hidden = True
        db.session.commit()
    assert make_client().post(f"/e/{slug}/tips/{tid}/mark", data={"kind": "saved"}).status_code == 404


# --- matching and newcomers -------------------------------------------------------------


def test_matching_lists_helpers_for_what_i_seek_and_the_reverse(app, client, make_client, slug):
    join(client, slug, "Me", helps="design", seeks="python, sql")
    p = make_client()
    join(p, slug, "Pythonista", helps="python, sql", seeks="design")
    q = make_client()
    join(q, slug, "Half", helps="sql")
    r = make_client()
    join(r, slug, "Unrelated", helps="kochen", seeks="backen")
    s = make_client()
    join(s, slug, "Seeker", seeks="design", badge=True)
    page = client.get(f"/e/{slug}/tips").get_data(as_text=True)
    matches = page.split('id="matches"')[1].split("</section>")[0]
    for_me, by_me = matches.split("People looking for what you can help with")
    assert for_me.index("Pythonista") < for_me.index("Half")  # more overlap first
    assert "Seeker" not in for_me and "Unrelated" not in for_me
    assert "Seeker" in by_me and "Pythonista" in by_me and "Half" not in by_me and "Unrelated" not in by_me
    assert "tb-badge newcomer" in by_me
    # a hidden card is not matched
    with app.app_context():
        db.session.get(TipCard, card_id(app, "Pythonista")).hidden = True
        db.session.commit()
    page = client.get(f"/e/{slug}/tips").get_data(as_text=True)
    assert "Pythonista" not in page.split('id="matches"')[1].split("</section>")[0]


def test_first_timer_badge_shows_only_where_chosen(app, client, make_client, slug):
    client.get(f"/e/{slug}")
    client.post(f"/e/{slug}/me", data={"display_name": "Neu", "first_timer": "y"})
    join(client, slug, "Neu")
    viewer = make_client()
    assert "tb-badge newcomer" not in every_surface(viewer, slug, app)
    assert viewer.get(f"/e/{slug}/tips.json").get_json()["cards"][0]["first_barcamp"] is False
    join(client, slug, "Neu", badge=True)
    assert "first barcamp — say hi</span>" in live(viewer, slug, "tipcards")
    assert viewer.get(f"/api/v1/events/{slug}").get_json()["tips"]["cards"][0]["first_barcamp"] is True


def test_newcomer_is_told_they_are_welcome_to_ask(client, make_client, slug):
    client.get(f"/e/{slug}")
    client.post(f"/e/{slug}/me", data={"first_timer": "y"})
    assert "Your first barcamp? Welcome!" in client.get(f"/e/{slug}/tips").get_data(as_text=True)
    assert "Your first barcamp? Welcome!" not in make_client().get(f"/e/{slug}/tips").get_data(as_text=True)


# --- consent to share contacts ---------------------------------------------------------------


def test_public_contact_is_seen_by_board_members_only(app, client, make_client, slug):
    join(client, slug, "Pub", contact="pub@example.org", visibility="public")
    member = make_client()
    join(member, slug, "Member")
    outsider = make_client()
    outsider.get(f"/e/{slug}")
    pid = card_id(app, "Pub")

    assert "pub@example.org" in member.get(f"/e/{slug}/tips/people/{pid}").get_data(as_text=True)
    assert member.get(f"/e/{slug}/tips/people/{pid}", headers=JSON).get_json()["contact"] == "pub@example.org"
    cards = member.get(f"/e/{slug}/tips.json").get_json()["cards"]
    assert {c["display_name"]: c.get("contact") for c in cards} == {"Pub": "pub@example.org", "Member": None}

    assert "pub@example.org" not in every_surface(outsider, slug, app)
    assert "contact" not in outsider.get(f"/e/{slug}/tips/people/{pid}", headers=JSON).get_json()
    # partials and the public API never carry it, whoever asks
    assert "pub@example.org" not in live(member, slug, "tipcards")
    assert "pub@example.org" not in member.get(f"/api/v1/events/{slug}").get_data(as_text=True)


def test_request_contact_is_revealed_to_both_only_after_acceptance(app, client, make_client, socket_client, slug):
    b = client
    join(b, slug, "Bea", contact="bea@example.org", visibility="request")
    a = make_client()
    join(a, slug, "Ali", contact="https://social.example/@ali", visibility="request")
    c = make_client()
    join(c, slug, "Cem", contact="cem@example.org", visibility="public")
    bid, aid = card_id(app, "Bea"), card_id(app, "Ali")

    r = a.post(f"/e/{slug}/tips/people/{bid}/connect", headers=JSON)
    assert r.status_code == 200 and r.get_json()["state"] == "sent"
    assert "bea@example.org" not in every_surface(a, slug, app)
    assert "social.example/@ali" not in every_surface(b, slug, app)
    assert a.get(f"/e/{slug}/tips/people/{bid}", headers=JSON).get_json()["connection"] == "sent"
    inbox = b.get(f"/e/{slug}/tips/connections").get_data(as_text=True)
    assert "Ali" in inbox and "would like to connect" in inbox
    with app.app_context():
        conn_id = db.session.scalar(select(Connection.id))
    # Ali cannot accept his own request, Cem cannot accept it for Bea
    assert a.post(f"/e/{slug}/tips/connections/{conn_id}/accept").status_code == 404
    assert c.post(f"/e/{slug}/tips/connections/{conn_id}/accept").status_code == 404

    assert b.post(f"/e/{slug}/tips/connections/{conn_id}/accept").status_code == 302

    assert "bea@example.org" in a.get(f"/e/{slug}/tips/connections").get_data(as_text=True)
    assert a.get(f"/e/{slug}/tips/people/{bid}", headers=JSON).get_json()["contact"] == "bea@example.org"
    assert '<a href="https://social.example/@ali" rel="nofollow noopener ugc"' in b.get(
        f"/e/{slug}/tips/people/{aid}"
    ).get_data(as_text=True)
    assert a.get(f"/e/{slug}/tips/export.json").get_json()["connections"][0]["contact"] == "bea@example.org"
    assert "EMAIL;TYPE=INTERNET:bea@example.org" in a.get(f"/e/{slug}/tips/export.vcf").get_data(as_text=True)
    assert "URL:https://social.example/@ali" in b.get(f"/e/{slug}/tips/export.vcf").get_data(as_text=True)
    assert "bea@example.org" in a.get(f"/e/{slug}/tips/export.csv").get_data(as_text=True)
    # Cem, a member who was never granted anything, sees neither
    seen = every_surface(c, slug, app)
    assert "bea@example.org" not in seen and "social.example/@ali" not in seen
    # Bea switches to "never": the consent is withdrawn everywhere
    join(b, slug, "Bea", contact="bea@example.org", visibility="never")
    assert "bea@example.org" not in every_surface(a, slug, app)


def test_ignored_request_reveals_nothing_and_still_reads_sent(app, client, make_client, slug):
    join(client, slug, "Bea", contact="bea@example.org", visibility="request")
    a = make_client()
    join(a, slug, "Ali", contact="ali@example.org", visibility="request")
    a.post(f"/e/{slug}/tips/people/{card_id(app, 'Bea')}/connect")
    with app.app_context():
        conn_id = db.session.scalar(select(Connection.id))
    assert client.post(f"/e/{slug}/tips/connections/{conn_id}/ignore", headers=JSON).get_json()["ok"]
    assert "Ali" not in client.get(f"/e/{slug}/tips/connections").get_data(as_text=True)
    assert a.get(f"/e/{slug}/tips/people/{card_id(app, 'Bea')}", headers=JSON).get_json()["connection"] == "sent"
    a.post(f"/e/{slug}/tips/people/{card_id(app, 'Bea')}/connect")  # asking again changes nothing
    assert "bea@example.org" not in every_surface(a, slug, app)
    assert "ali@example.org" not in every_surface(client, slug, app)


def test_asking_back_is_consent_on_both_sides(app, client, make_client, slug):
    join(client, slug, "Bea", contact="bea@example.org", visibility="request")
    a = make_client()
    join(a, slug, "Ali", contact="ali@example.org", visibility="request")
    a.post(f"/e/{slug}/tips/people/{card_id(app, 'Bea')}/connect")
    r = client.post(f"/e/{slug}/tips/people/{card_id(app, 'Ali')}/connect", headers=JSON)
    assert r.get_json()["state"] == "accepted"
    assert "ali@example.org" in client.get(f"/e/{slug}/tips/connections").get_data(as_text=True)
    assert "bea@example.org" in a.get(f"/e/{slug}/tips/connections").get_data(as_text=True)


def test_never_contact_cannot_be_requested_or_seen(app, client, make_client, slug):
    join(client, slug, "Nev", contact="nev@example.org", visibility="never")
    a = make_client()
    join(a, slug, "Ali", contact="ali@example.org", visibility="public")
    r = a.post(f"/e/{slug}/tips/people/{card_id(app, 'Nev')}/connect", headers=JSON)
    assert r.status_code == 400 and "does not share a contact on request" in r.get_json()["error"]
    assert count(app, Connection) == 0
    assert "nev@example.org" not in every_surface(a, slug, app)
    # the owner still sees their own contact
    assert "nev@example.org" in client.get(f"/e/{slug}/tips").get_data(as_text=True)


def test_asking_to_connect_needs_a_card_and_a_contact_to_offer(app, client, make_client, slug):
    join(client, slug, "Bea", contact="bea@example.org", visibility="request")
    bid = card_id(app, "Bea")
    outsider = make_client()
    outsider.get(f"/e/{slug}")
    assert outsider.post(f"/e/{slug}/tips/people/{bid}/connect", headers=JSON).status_code == 403
    silent = make_client()
    join(silent, slug, "Silent")
    r = silent.post(f"/e/{slug}/tips/people/{bid}/connect", headers=JSON)
    assert r.status_code == 400 and "Add a contact to your card" in r.get_json()["error"]
    assert count(app, Connection) == 0


def test_guessing_ids_reveals_no_contact(app, client, make_client, event_factory, slug):
    """An attendee walks every id they can think of: cards, connections, other events."""
    join(client, slug, "Bea", contact="bea@example.org", visibility="request")
    friend = make_client()
    join(friend, slug, "Fritz", contact="fritz@example.org", visibility="request")
    friend.post(f"/e/{slug}/tips/people/{card_id(app, 'Bea')}/connect")
    hidden = make_client()
    join(hidden, slug, "Hidden Hanna", contact="hanna@example.org", visibility="public")
    other_slug = event_factory("Other camp")[0]
    elsewhere = make_client()
    join(elsewhere, other_slug, "Elsa", contact="elsa@example.org", visibility="public")
    with app.app_context():
        db.session.get(TipCard, card_id(app, "Hidden Hanna")).hidden = True
        db.session.commit()
    secrets = ["bea@example.org", "fritz@example.org", "hanna@example.org", "elsa@example.org"]

    mallory = make_client()
    join(mallory, slug, "Mallory", contact="m@example.org", visibility="public")
    with app.app_context():
        max_card = db.session.scalar(select(func.max(TipCard.id)))
        max_conn = db.session.scalar(select(func.max(Connection.id)))
    pages = []
    for cid in range(1, max_card + 3):
        for s in (slug, other_slug):
            pages.append(mallory.get(f"/e/{s}/tips/people/{cid}").get_data(as_text=True))
            pages.append(mallory.get(f"/e/{s}/tips/people/{cid}", headers=JSON).get_data(as_text=True))
            mallory.post(f"/e/{s}/tips/people/{cid}/connect")
    for conn in range(1, max_conn + 3):
        for answer in ("accept", "ignore"):
            assert mallory.post(f"/e/{slug}/tips/connections/{conn}/{answer}").status_code == 404
    pages.append(every_surface(mallory, slug, app))
    pages.append(every_surface(mallory, other_slug, app))
    seen = "\n".join(pages)
    for secret in secrets:
        assert secret not in seen
    with app.app_context():  # Fritz's request to Bea is still waiting for Bea
        assert db.session.scalars(select(Connection.status)).all().count("accepted") == 0


def test_hidden_card_holder_loses_member_access_to_contacts(app, client, make_client, slug):
    join(client, slug, "Pub", contact="pub@example.org", visibility="public")
    troll = make_client()
    join(troll, slug, "Troll")
    assert "pub@example.org" in troll.get(f"/e/{slug}/tips.json").get_data(as_text=True)
    with app.app_context():
        db.session.get(TipCard, card_id(app, "Troll")).hidden = True
        db.session.commit()
    assert "pub@example.org" not in every_surface(troll, slug, app)
    assert "A facilitator has hidden your card" in troll.get(f"/e/{slug}/tips").get_data(as_text=True)
    assert post_tip(troll, slug, "Still posting", headers=JSON).status_code == 403


# --- exports ---------------------------------------------------------------------------


def test_facilitator_board_export_has_no_contacts(app, facilitator, client, make_client):
    fac, slug = facilitator
    join(client, slug, "Pub", contact="pub@example.org", visibility="public", helps="sql")
    post_tip(client, slug, "Exported tip", link="https://example.org/e", tags="sql")
    other = make_client()
    join(other, slug, "Req", contact="req@example.org", visibility="request")
    other.post(f"/e/{slug}/tips/people/{card_id(app, 'Pub')}/connect")

    r = fac.get(f"/e/{slug}/tips/board.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv" and "attachment" in r.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True))))
    assert rows[0] == ["kind", "id", "name", "text", "link", "tags / can help with", "looking for", "helpful", "hidden"]
    assert {row[2] for row in rows[1:]} == {"Pub", "Req"} and any(row[3] == "Exported tip" for row in rows)
    data = json.loads(fac.get(f"/e/{slug}/tips/board.json").get_data(as_text=True))
    assert {c["display_name"] for c in data["cards"]} == {"Pub", "Req"} and data["tips"][0]["text"] == "Exported tip"
    moderation = fac.get(f"/e/{slug}/tips/moderate").get_data(as_text=True)
    everything = r.get_data(as_text=True) + json.dumps(data) + moderation
    assert "pub@example.org" not in everything and "req@example.org" not in everything
    assert "contact" not in json.dumps(data)
    # attendees cannot download the whole board
    assert client.get(f"/e/{slug}/tips/board.csv").status_code == 403
    assert client.get(f"/e/{slug}/tips/board.json").status_code == 403


def test_csv_exports_neutralise_formulas(app, facilitator, client, make_client):
    fac, slug = facilitator
    join(client, slug, "=cmd|' /C calc'!A0", contact="+49 170 1234", visibility="request")
    post_tip(client, slug, '=HYPERLINK("https://evil.example","click")', tags="-danger")
    post_tip(client, slug, "@SUM(1+1)")
    reader = make_client()
    join(reader, slug, "Reader", contact="reader@example.org", visibility="request")
    for text in ('=HYPERLINK("https://evil.example","click")', "@SUM(1+1)"):
        reader.post(f"/e/{slug}/tips/{tip_id(app, text)}/mark", data={"kind": "saved", "on": "1"})
    evil_card = card_id(app, "=cmd|' /C calc'!A0")
    reader.post(f"/e/{slug}/tips/people/{evil_card}/connect")
    with app.app_context():
        conn_id = db.session.scalar(select(Connection.id))
    client.post(f"/e/{slug}/tips/connections/{conn_id}/accept")

    for body in (reader.get(f"/e/{slug}/tips/export.csv").get_data(as_text=True),
                 fac.get(f"/e/{slug}/tips/board.csv").get_data(as_text=True)):  # fmt: skip
        cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
        assert '\'=HYPERLINK("https://evil.example","click")' in cells and "'@SUM(1+1)" in cells
    mine = list(csv.reader(io.StringIO(reader.get(f"/e/{slug}/tips/export.csv").get_data(as_text=True))))
    assert ["connection", "'=cmd|' /C calc'!A0", "", "", "", "'+49 170 1234"] in mine


def test_my_export_without_anything_is_empty_not_an_error(client, slug):
    client.get(f"/e/{slug}")
    data = client.get(f"/e/{slug}/tips/export.json").get_json()
    assert data == {"event": "Tips Camp", "card": None, "my_tips": [], "connections": [], "saved_tips": []}
    assert client.get(f"/e/{slug}/tips/export.vcf").get_data(as_text=True) == ""


# --- moderation -----------------------------------------------------------------------------


def test_facilitator_hides_tip_and_card_and_can_show_them_again(app, facilitator, client, make_client):
    fac, slug = facilitator
    join(client, slug, "Rude Rudi")
    post_tip(client, slug, "Offensive tip")
    post_tip(client, slug, "Fine tip")
    viewer = make_client()
    tid, cid = tip_id(app, "Offensive tip"), card_id(app, "Rude Rudi")

    assert client.post(f"/e/{slug}/tips/moderate/tip/{tid}/hide").status_code == 403
    assert fac.post(f"/e/{slug}/tips/moderate/tip/{tid}/hide").status_code == 302
    seen = every_surface(viewer, slug, app)
    assert "Offensive tip" not in seen and "Fine tip" in seen
    assert "hidden by a facilitator" in client.get(f"/e/{slug}/tips").get_data(as_text=True)

    assert fac.post(f"/e/{slug}/tips/moderate/card/{cid}/hide", headers=JSON).get_json() == {"ok": True}
    seen = every_surface(viewer, slug, app)
    assert "Rude Rudi" not in seen and "Fine tip" not in seen
    assert viewer.get(f"/e/{slug}/tips/people/{cid}").status_code == 404

    fac.post(f"/e/{slug}/tips/moderate/card/{cid}/show")
    fac.post(f"/e/{slug}/tips/moderate/tip/{tid}/show")
    assert "Offensive tip" in live(viewer, slug, "tips")


def test_reports_reach_facilitators_once_per_person(app, facilitator, client, make_client, socket_client):
    fac, slug = facilitator
    join(client, slug, "Spammer")
    post_tip(client, slug, "Buy my coin")
    tid = tip_id(app, "Buy my coin")
    fac_ws = socket_client(fac, slug)
    watcher = make_client()
    watcher.get(f"/e/{slug}")
    attendee_ws = socket_client(watcher, slug)
    fac_ws.get_received()
    attendee_ws.get_received()

    reporters = [make_client() for _ in range(2)]
    for r in reporters:
        for _ in range(2):
            assert r.post(f"/e/{slug}/tips/report/tip/{tid}", headers=JSON).get_json()["ok"]
    r = reporters[0].post(f"/e/{slug}/tips/report/card/{card_id(app, 'Spammer')}")
    assert r.status_code == 302
    assert count(app, BoardReport) == 3
    assert any(m["args"][0]["what"] == "tipmod" for m in fac_ws.get_received() if m["name"] == "changed")
    assert not any(m["args"][0]["what"] == "tipmod" for m in attendee_ws.get_received() if m["name"] == "changed")

    mod = fac.get(f"/e/{slug}/tips/moderate/list").get_data(as_text=True)
    assert "2 reports" in mod and "1 report" in mod and "Buy my coin" in mod
    assert client.get(f"/e/{slug}/tips/moderate/list").status_code == 403
    assert "3 open reports." in fac.get(f"/e/{slug}/facilitate").get_data(as_text=True)
    fac.post(f"/e/{slug}/tips/moderate/tip/{tid}/dismiss")
    assert count(app, BoardReport) == 1 and "Buy my coin" in live(watcher, slug, "tips")


def test_reporting_a_missing_or_hidden_item_is_404(app, client, make_client, slug):
    join(client, slug, "Tia")
    post_tip(client, slug, "Hidden soon")
    tid = tip_id(app, "Hidden soon")
    with app.app_context():
        db.session.get(Tip, tid).hidden = True
        db.session.commit()
    assert make_client().post(f"/e/{slug}/tips/report/tip/{tid}").status_code == 404
    assert make_client().post(f"/e/{slug}/tips/report/card/9999").status_code == 404


# --- live ---------------------------------------------------------------------------------


def test_new_tip_and_card_are_announced_to_the_event_room(app, client, make_client, socket_client, slug):
    watcher = make_client()
    watcher.get(f"/e/{slug}")
    ws = socket_client(watcher, slug)
    join(client, slug, "Tia")
    post_tip(client, slug, "Live tip")
    changes = [m["args"][0] for m in ws.get_received() if m["name"] == "changed"]
    whats = [m["what"] for m in changes]
    assert whats.count("tips") == 2 and whats.count("tipcards") == 2
    # the page asks for a render made after the change it was told about
    at = [m["at"] for m in changes if m["what"] == "tips"][-1]
    html = watcher.get(f"/e/{slug}/live/tips", query_string={"at": at}).get_data(as_text=True)
    assert "Live tip" in html and "csrf_token" not in html  # a shared render carries no one's token


def test_connection_changes_reach_only_the_two_people_concerned(app, client, make_client, socket_client, slug):
    """A request to connect is told to its two people on their own channels; another member of
    the board, whose page joins the board's room, hears nothing of it (not even that it happened)."""
    join(client, slug, "Bea", contact="bea@example.org", visibility="request")
    a = make_client()
    join(a, slug, "Ali", contact="ali@example.org", visibility="request")
    member = make_client()
    join(member, slug, "Cem", contact="cem@example.org", visibility="request")
    socks = {
        name: socket_client(c, slug, topics="tips,tipcards,tipconn")
        for name, c in (("bea", client), ("ali", a), ("cem", member))
    }
    for sock in socks.values():
        sock.get_received()
    a.post(f"/e/{slug}/tips/people/{card_id(app, 'Bea')}/connect")
    heard = {name: [m["args"][0] for m in s.get_received() if m["name"] == "changed"] for name, s in socks.items()}
    assert [m["what"] for m in heard["bea"]] == ["tipconn"] and [m["what"] for m in heard["ali"]] == ["tipconn"]
    assert heard["cem"] == []
    assert all(set(m) == {"what", "at"} for m in heard["bea"] + heard["ali"])  # no names, no ids
    # Bea's page fetches her private fragment through data-src, with her own cookie
    page_b = client.get(f"/e/{slug}/tips").get_data(as_text=True)
    src = re.search(r'data-live="tipconn"[^>]*? data-src="([^"]+)"', page_b).group(1)
    assert "Ali" in client.get(src).get_data(as_text=True)
    assert "Ali" not in member.get(src).get_data(as_text=True)


def test_a_socket_joins_only_its_own_personal_room(app, client, make_client, socket_client, slug):
    """The room comes from the socket's own cookie: another attendee's id in the query string changes nothing."""
    from barcamp.core import realtime
    from tests.app.test_authz_matrix import rooms_of

    join(client, slug, "Bea")
    other = make_client()
    join(other, slug, "Ali")
    with app.app_context():
        ids = dict(db.session.execute(select(TipCard.display_name, TipCard.attendee_id)).all())
        event_id = db.session.scalar(select(Event.id).where(Event.slug == slug))
    sock = socket_client(client, slug)
    rooms = rooms_of(sock)
    assert realtime.personal_room(event_id, ids["Bea"]) in rooms
    assert realtime.personal_room(event_id, ids["Ali"]) not in rooms
    forged = app.test_client()
    with forged.session_transaction() as s:  # a cookie can't be forged (signed), but say it claimed Ali's id elsewhere
        s["att"] = {str(event_id + 1000): ids["Ali"]}
    assert not [r for r in rooms_of(socket_client(forged, slug)) if ":a:" in r]


def test_background_post_returns_json_and_csrf_is_required(app, client, slug):
    join(client, slug, "Tia")
    r = post_tip(client, slug, "Via JSON", headers=JSON)
    assert r.status_code == 200 and r.get_json()["ok"] is True
    app.config["WTF_CSRF_ENABLED"] = True
    r = post_tip(client, slug, "No token", headers=JSON)
    assert r.status_code == 400 and count(app, Tip) == 1


# --- demo and translations --------------------------------------------------------------


def test_demo_event_has_tips_and_cards_in_german_and_english(app, client):
    from barcamp.demo import load_demo

    with app.app_context():
        load_demo()
        event = db.session.scalar(select(Event).where(Event.slug == "demo"))
        cards = db.session.scalars(select(TipCard).where(TipCard.event_id == event.id)).all()
        tips = db.session.scalars(select(Tip).join(TipCard).where(TipCard.event_id == event.id)).all()
        assert len(cards) == 10 and 18 <= len(tips) <= 22
        assert sum(1 for c in cards if c.contact) >= 4
        assert {c.contact_visibility for c in cards if c.contact} == {"public", "request"}
        assert all(db.session.get(Attendee, c.attendee_id).display_name == c.display_name for c in cards)
        texts = " ".join(t.text for t in tips)
    assert " die " in texts and " the " in texts
    api = client.get("/api/v1/events/demo").get_json()["tips"]
    assert len(api["tips"]) == len(tips) and "@" not in json.dumps(api["cards"])


def test_board_renders_in_german(client, slug):
    html = client.get(f"/e/{slug}/tips", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Tipps-Wand" in html and "Beim Board mitmachen" in html and "Wer darf meinen Kontakt sehen?" in html
