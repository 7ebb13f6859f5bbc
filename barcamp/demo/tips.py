"""Demo data for the tips board: 10 cards (some with contacts) and about 20 tips, in German and English."""

from __future__ import annotations

from barcamp.core.extensions import db
from barcamp.core.tags import get_tags, parse_tags
from barcamp.tips.models import Connection, Tip, TipCard, TipMark, card_tag

# (person index, intro, can help with, looking for, contact, visibility, show first-timer badge)
CARDS = [
    (0, "Product-Designerin aus Mainz, frage mich alles zu UX", "ux, design, figma", "python, podcasting",
     "anna@example.org", "request", True),
    (1, "Backend dev, loves Postgres more than is healthy", "python, postgres, sql", "design, public speaking",
     "https://social.example/@ben", "public", False),
    (2, "Ich moderiere Barcamps seit 2015", "moderation, barcamp, public speaking", "fundraising", "", "never",
     False),
    (3, "Data journalist, Frankfurt", "data, journalism, python", "ux", "@deniz@mastodon.example", "request", False),
    (4, "Zum ersten Mal dabei – Studentin, Informatik", "", "python, career, barcamp", "", "never", True),
    (5, "Podcaster (»Rhein-Main-Funk«)", "podcasting, audio", "sql, data", "https://www.linkedin.com/in/felix-demo",
     "request", False),
    (6, "Ehrenamt & Vereinsarbeit, Fördermittel", "fundraising, ehrenamt", "design, social media",
     "guel@example.org", "public", False),
    (7, "Freelance dev, building with Flask and htmx", "flask, python, htmx", "career", "", "never", False),
    (8, "Community-Managerin, mag Stickers", "social media, community", "moderation", "ines@example.org", "request",
     False),
    (9, "First barcamp! Curious about everything", "", "public speaking, barcamp", "", "never", True),
]  # fmt: skip

# (card index, text, link, tags, how many people found it helpful)
TIPS = [
    (2, "Bei der Sessionplanung: Titel in max. 5 Wörtern pitchen, dann kommen mehr Leute.", "",
     "barcamp, moderation", 9),
    (0, "Die Werkstatt hat den besten Beamer, aber nur HDMI. Adapter mitbringen!", "", "venue", 6),
    (1, "If you want to try Postgres full-text search, the docs are a great start.",
     "https://www.postgresql.org/docs/current/textsearch.html", "postgres, sql", 4),
    (4, "Tipp für Neue: Einfach in eine Session setzen und zuhören ist völlig okay.", "", "barcamp", 11),
    (5, "Für Podcast-Einsteiger: ein gutes USB-Mikro reicht völlig, kein Interface nötig.", "", "podcasting, audio", 3),
    (3, "Open data for German cities lives on GovData – great for quick data stories.", "https://www.govdata.de/",
     "data, journalism", 5),
    (6, "Fördermittel: Viele Stiftungen haben Fristen im Frühjahr. Jetzt schon Kalender eintragen.", "",
     "fundraising, ehrenamt", 2),
    (7, "htmx + Flask is a surprisingly pleasant combo for small internal tools.", "https://htmx.org/",
     "flask, htmx, python", 4),
    (8, "Bring a pen: the sticker table by the entrance has the best swag at lunch.", "", "community", 7),
    (0, "Figma-Tipp: Auto Layout spart dir bei Komponenten Stunden.", "", "figma, design", 3),
    (2, "When you host a session, ask someone to take notes in the shared pad.", "", "moderation, barcamp", 6),
    (1, "EXPLAIN ANALYZE first, guess second. Always.", "", "postgres", 5),
    (9, "Kaffee gibt's in der Küche, nicht nur an der Bar – da ist es ruhiger.", "", "venue", 8),
    (3, "Journalists: ask the session host before you quote anyone from a session.", "", "journalism, barcamp", 4),
    (5, "Aufnahme-Check: 10 Sekunden Probe aufnehmen und anhören, bevor ihr loslegt.", "", "audio", 2),
    (6, "Looking for volunteers? Barcamps are full of people who like to help, just ask at the plenary.", "",
     "ehrenamt, community", 3),
    (7, "Python-Einsteiger: Das offizielle Tutorial ist immer noch das beste.", "https://docs.python.org/3/tutorial/",
     "python, career", 6),
    (8, "Postet eure Session-Notizen unter dem Hashtag, dann findet man sie später wieder.", "",
     "social media, community", 5),
    (0, "Portfolio reviews are way more useful with three concrete questions prepared.", "", "ux, career", 2),
    (2, "Nervös vor dem Pitch? Sag einfach, was du wissen willst – Fragen-Sessions sind die besten.", "",
     "public speaking, barcamp", 10),
]  # fmt: skip


def load(event, people) -> None:
    """Add demo cards, tips, helpful marks and a few connections to the demo event."""
    cards = []
    for idx, intro, helps, seeks, contact, visibility, badge in CARDS:
        card = TipCard(
            event_id=event.id,
            attendee_id=people[idx].id,
            display_name=people[idx].display_name,
            intro=intro,
            show_first_timer=badge,
            contact=contact,
            contact_visibility=visibility,
        )
        db.session.add(card)
        db.session.flush()
        for kind, raw in (("help", helps), ("seek", seeks)):
            for tag in get_tags(event.id, parse_tags(raw)):
                db.session.execute(card_tag.insert().values(card_id=card.id, tag_id=tag.id, kind=kind))
        cards.append(card)
    voters = people[20:]  # the quiet attendees find things helpful too
    for card_idx, text, link, tags, helpful in TIPS:
        tip = Tip(card_id=cards[card_idx].id, text=text, link=link)
        tip.tags = get_tags(event.id, parse_tags(tags))
        db.session.add(tip)
        db.session.flush()
        db.session.add_all(TipMark(tip_id=tip.id, attendee_id=v.id, kind="helpful") for v in voters[:helpful])
    # Anna and Deniz connected; Felix asked Anna and waits for her answer.
    db.session.add(Connection(from_card_id=cards[3].id, to_card_id=cards[0].id, status="accepted"))
    db.session.add(Connection(from_card_id=cards[5].id, to_card_id=cards[0].id, status="pending"))
