"""Pitch cards kept once rendered (barcamp/pitches/cards.py): each attendee still sees their own
votes and pitches pressed and linked, server-side, and any change to what a card shows renders anew."""

from __future__ import annotations

import re

from sqlalchemy import select

from barcamp.core.extensions import db
from barcamp.models import Event
from barcamp.pitches import cards
from barcamp.pitches.models import Pitch
from tests.pitches.test_pitches import pitch_data
from tests.pitches.test_votes import make_pitches, settings, vote


def card_of(html: str, pid: int) -> str:
    return re.search(rf'<article[^>]*id="pitch-{pid}".*?</article>', html, re.S).group(0)


def pressed(card: str) -> bool:
    state = re.search(r'aria-pressed="(true|false)"', card).group(1)
    next_value = re.search(r'name="on" value="(\d)"', card).group(1)
    assert (state, next_value) in (("true", "0"), ("false", "1"))  # the no-JS form toggles the right way
    return state == "true"


def test_a_kept_card_shows_each_attendee_their_own_votes_pitches_and_token(app, make_client, event_factory):
    slug, _ = event_factory()
    first, second = make_pitches(app, slug, 2)
    ann, ben = make_client(), make_client()
    ann.get(f"/e/{slug}")
    ben.get(f"/e/{slug}")
    r = ben.post(f"/e/{slug}/pitch", data=pitch_data(title="Ben's own"))
    assert r.status_code == 302
    assert vote(ann, slug, first).get_json()["voted"] is True
    assert vote(ben, slug, second).get_json()["voted"] is True
    ann.get(f"/e/{slug}")  # renders and keeps every card
    renders = cards.stats["renders"]

    ann_page = ann.get(f"/e/{slug}").get_data(as_text=True)
    ben_page = ben.get(f"/e/{slug}").get_data(as_text=True)

    assert cards.stats["renders"] == renders  # both pages came from the kept cards
    with app.app_context():
        own = db.session.scalar(select(Pitch.id).where(Pitch.title == "Ben's own"))
    assert [pressed(card_of(ann_page, p)) for p in (first, second, own)] == [True, False, False]
    assert [pressed(card_of(ben_page, p)) for p in (first, second, own)] == [False, True, False]
    assert 'class="small-link edit-link"' in card_of(ben_page, own)
    assert "hidden" not in re.search(r'<a class="small-link edit-link"[^>]*>', card_of(ben_page, own)).group(0)
    assert " hidden>" in re.search(r'<a class="small-link edit-link"[^>]*>', card_of(ann_page, own)).group(0)
    assert re.search(f'data-tally="votes" data-id="{first}">1<', ann_page)  # the count, for everyone
    tokens = {re.findall(r'name="csrf_token" value="([^"]+)"', page)[0] for page in (ann_page, ben_page)}
    assert len(tokens) == 2  # each page carries its own browser's token
    for page in (ann_page, ben_page):
        assert cards.CSRF not in page and "pc" + cards._SALT not in page  # no mark left behind


def test_a_kept_card_is_rendered_anew_after_an_edit_a_vote_setting_or_a_language(app, client, event_factory):
    slug, _key = event_factory()
    client.get(f"/e/{slug}")
    r = client.post(f"/e/{slug}/pitch", data=pitch_data(title="Before"))
    assert r.status_code == 302
    with app.app_context():
        event_id = db.session.scalar(select(Event.id).where(Event.slug == slug))
        pid = db.session.scalar(select(Pitch.id).where(Pitch.event_id == event_id))
    assert ">Before<" in client.get(f"/e/{slug}").get_data(as_text=True)

    edit = client.post(f"/e/{slug}/pitches/{pid}/edit", data=pitch_data(title="After"))
    assert edit.status_code == 302
    page = client.get(f"/e/{slug}").get_data(as_text=True)
    assert ">After<" in card_of(page, pid) and "Before" not in page

    assert vote(client, slug, pid).get_json()["voted"] is True
    assert f'data-id="{pid}">1<' in card_of(client.get(f"/e/{slug}").get_data(as_text=True), pid)


def test_closing_voting_or_blind_mode_reaches_the_kept_cards(app, client, facilitator):
    fac, slug = facilitator
    [pid] = make_pitches(app, slug, 1)
    client.get(f"/e/{slug}")
    assert " disabled" not in re.search(r"<button[^>]*>", card_of(client.get(f"/e/{slug}").text, pid)).group(0)
    settings(fac, slug, open=False)
    assert " disabled" in re.search(r"<button[^>]*>", card_of(client.get(f"/e/{slug}").text, pid)).group(0)
    settings(fac, slug, blind=True)
    assert 'data-tally="votes"' not in card_of(client.get(f"/e/{slug}").text, pid)


def test_a_kept_card_follows_the_language(app, client, event_factory):
    slug, _ = event_factory()
    [pid] = make_pitches(app, slug, 1)
    english = card_of(client.get(f"/e/{slug}", headers={"Accept-Language": "en"}).text, pid)
    german = card_of(client.get(f"/e/{slug}", headers={"Accept-Language": "de"}).text, pid)
    assert "I&#39;d attend" in english or "I'd attend" in english
    assert german != english
