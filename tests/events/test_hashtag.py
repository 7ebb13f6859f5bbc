"""The event hashtag stands on every phone page's header and on the projector; without one, nothing shows."""

import re


def test_hashtag_on_the_phone_header_and_the_projector(client, event_factory):
    slug, _ = event_factory("Hashtag Camp", hashtag="#hc26")
    for path in (f"/e/{slug}", f"/e/{slug}/questions", f"/e/{slug}/tips"):
        html = client.get(path).get_data(as_text=True)
        assert re.search(r'<header class="top">.*?<span class="hashtag">#hc26</span>', html, re.S), path
    projector = client.get(f"/e/{slug}/projector").get_data(as_text=True)
    assert '<p class="hashtag side-hashtag">#hc26</p>' in projector


def test_no_hashtag_no_empty_badge(client, event_factory):
    slug, _ = event_factory("Plain Camp")
    for path in (f"/e/{slug}", f"/e/{slug}/projector"):
        assert 'class="hashtag' not in client.get(path).get_data(as_text=True)
