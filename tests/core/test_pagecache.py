"""A brand-new phone's attendee home is rendered once for the phones arriving at the same moment
(core/pagecache.py): each copy with its own working CSRF token, and never older than the last
change this process announced, nor than PAGE_CACHE_SECONDS."""

import re
import time

from sqlalchemy import insert, select

from barcamp.core.extensions import db
from barcamp.models import Event, Pitch
from tests.pitches.test_votes import make_pitches, vote

TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')


def home(client, slug, lang="en"):
    return client.get(f"/e/{slug}", headers={"Accept-Language": lang}).get_data(as_text=True)


def behind_the_back(app, slug, title):
    """A pitch written as another process would: nothing in this one announces it."""
    with app.app_context():
        event_id = db.session.scalar(select(Event.id).where(Event.slug == slug))
        db.session.execute(insert(Pitch).values(event_id=event_id, title=title))
        db.session.commit()


def test_brand_new_phones_share_a_page_with_their_own_working_tokens(live_server, phone_http):
    slug, _ = live_server.create_event("Shared Page Camp")
    phones = [phone_http() for _ in range(3)]
    pages = [p.open(f"/e/{slug}").text for p in phones]
    tokens = [p.csrf for p in phones]
    assert len(set(tokens)) == 3 and all(tokens)
    # the same page but for the token, wherever the page holds it (the meta tag and every form)
    assert len({page.replace(t, "TOKEN") for page, t in zip(pages, tokens, strict=True)}) == 1
    assert all(page.count(t) > 1 and "\x1e" not in page for page, t in zip(pages, tokens, strict=True))
    for i, phone in enumerate(phones):
        form = {"title": f"Mine {i}", "level": "everyone", "format": "talk", "language": "en"}
        r = phone.post(f"/e/{slug}/pitch", form)
        assert r.status_code in (200, 201), r.text
    # a token works only with the cookie it was made for
    phones[0].csrf = tokens[1]
    assert phones[0].post(f"/e/{slug}/pitches/1/vote", {"on": "1"}).status_code == 400


def test_a_shared_page_is_never_older_than_the_last_announced_change(app, make_client, event_factory):
    slug, _ = event_factory("Fresh Page Camp")
    first = make_client()
    assert "Hidden" not in home(first, slug)
    behind_the_back(app, slug, "Hidden Write")
    assert "Hidden Write" not in home(make_client(), slug)  # the shared page: nothing was announced
    assert "Hidden Write" in home(first, slug)  # a browser with a cookie gets its own rendering
    assert "Hidden Write" in home(make_client(), slug, "de")  # each language is its own page

    make_pitches(app, slug, 1)  # announced: the next brand-new phone gets a new page
    page = home(make_client(), slug)
    assert "Hidden Write" in page and "Session 0" in page

    pid = re.findall(r'data-tally="votes" data-id="(\d+)"', page)[-1]
    assert vote(first, slug, int(pid)).status_code == 200  # a tally moves it too
    assert f'data-tally="votes" data-id="{pid}">1<' in home(make_client(), slug)


def test_a_shared_page_ages_out_and_is_off_with_several_processes(app, make_client, event_factory):
    slug, _ = event_factory("Old Page Camp")
    home(make_client(), slug)
    behind_the_back(app, slug, "Aged Write")
    assert "Aged Write" not in home(make_client(), slug)
    app.config["PAGE_CACHE_SECONDS"] = 0.05
    time.sleep(0.1)
    assert "Aged Write" in home(make_client(), slug)

    app.config["PAGE_CACHE_SECONDS"] = 60
    home(make_client(), slug)
    app.config["REDIS_URL"] = "redis://127.0.0.1:6379/0"  # only read here: another process may write
    behind_the_back(app, slug, "Elsewhere Write")
    assert "Elsewhere Write" in home(make_client(), slug)
