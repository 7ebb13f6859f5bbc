"""Who I met, gathered from the other features' records of mutual consent, and what I kept.

Only two-sided consent counts: an accepted tips-board connection, a mixer contact swap both
said yes to, a buddy pairing both asked for. A request or a yes on one side alone shows nobody.
What is shown of a person is what they agreed to share: their card's contact and profile links
under the board's rule (``tips.consent``), and the contact they typed into a mixer swap.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from barcamp.core.extensions import db
from barcamp.core.models import Attendee, Day, Event, Room, Slot, utcnow
from barcamp.grid.models import Placement
from barcamp.mixer.after import names_of, shares_of
from barcamp.mixer.buddies import pairs_of
from barcamp.mixer.models import MixMember, MixRound
from barcamp.pitches.enums import ACTIVE
from barcamp.pitches.models import Pitch, Vote
from barcamp.privacy.retention import event_end, purge_date
from barcamp.tips import consent
from barcamp.tips.links import ProfileLink
from barcamp.tips.models import TipCard
from barcamp.tips.reading import card_of, member

VIA = ("board", "mixer", "buddy")  # how we met, in the order the page names it


@dataclass
class Person:
    """Someone I met by mutual consent, with only what they agreed to share with me."""

    attendee_id: int
    name: str = ""
    card_id: int | None = None
    via: list[str] = field(default_factory=list)
    contacts: list[str] = field(default_factory=list)
    links: list[ProfileLink] = field(default_factory=list)

    @property
    def follow(self) -> ProfileLink | None:
        """The one link to follow them by: a fediverse handle first, else their first link."""
        return next((x for x in self.links if x.kind == "fediverse"), self.links[0] if self.links else None)


@dataclass
class Attending:
    """A session I said I'd attend, and where and when it is if it is on the grid."""

    title: str
    room: str | None = None
    day: dt.date | None = None
    starts_at: dt.time | None = None
    ends_at: dt.time | None = None


def kept_until(event: Event, retention_days: int) -> tuple[dt.date | None, bool]:
    """The day the retention purge deletes the event's mixer and tips data, and whether it has come."""
    try:
        due = event_end(event) + dt.timedelta(days=retention_days)
    except OverflowError:
        return None, False
    return purge_date(event, retention_days), utcnow() >= due


def _person(found: dict[int, Person], attendee_id: int, via: str) -> Person:
    person = found.setdefault(attendee_id, Person(attendee_id))
    if via not in person.via:
        person.via.append(via)
    return person


def _add_contact(person: Person, contact: str | None) -> None:
    if contact and contact not in person.contacts:
        person.contacts.append(contact)


def people_met(event: Event, attendee: Attendee | None) -> list[Person]:
    """Everyone ``attendee`` connected with by mutual consent in ``event``, by name."""
    if attendee is None:
        return []
    found: dict[int, Person] = {}
    me = member(card_of(event, attendee))
    for card, contact in consent.connection_lists(me)["accepted"]:
        _add_contact(_person(found, card.attendee_id, "board"), contact)
    rounds = select(MixRound.id).where(MixRound.event_id == event.id)
    my_rounds = select(MixMember).where(MixMember.attendee_id == attendee.id, MixMember.round_id.in_(rounds))
    for mine in db.session.scalars(my_rounds):
        for other_id, share in shares_of(mine).items():
            if share["contact"] is not None:  # both said yes
                other = db.session.get(MixMember, other_id)
                _add_contact(_person(found, other.attendee_id, "mixer"), share["contact"])
    for pair in pairs_of(event.id, attendee):
        _person(found, pair.newcomer_id if pair.buddy_id == attendee.id else pair.buddy_id, "buddy")
    found.pop(attendee.id, None)
    if not found:
        return []
    their_cards = select(TipCard).where(
        TipCard.event_id == event.id, TipCard.attendee_id.in_(list(found)), TipCard.hidden.is_(False)
    )
    cards = {c.attendee_id: c for c in db.session.scalars(their_cards)}
    partners = consent.accepted_partners(me)
    names = names_of(event.id, list(found))
    for attendee_id, person in found.items():
        person.name = names.get(attendee_id, "")
        card = cards.get(attendee_id)
        if card is not None:
            person.card_id = card.id
            person.links = consent.links_for(me, card, partners)
            _add_contact(person, consent.contact_for(me, card, partners))
        person.via.sort(key=VIA.index)
    return sorted(found.values(), key=lambda p: (not p.name, p.name.lower(), p.attendee_id))


def sessions_attending(event: Event, attendee: Attendee | None) -> list[Attending]:
    """The sessions I said I'd attend ("I'd attend" votes), placed ones in programme order first."""
    if attendee is None:
        return []
    rows = db.session.execute(
        select(Pitch.title, Room.name, Day.date, Slot.starts_at, Slot.ends_at)
        .join(Vote, Vote.pitch_id == Pitch.id)
        .outerjoin(Placement, Placement.pitch_id == Pitch.id)
        .outerjoin(Slot, Slot.id == Placement.slot_id)
        .outerjoin(Day, Day.id == Slot.day_id)
        .outerjoin(Room, Room.id == Placement.room_id)
        .where(Vote.attendee_id == attendee.id, Pitch.event_id == event.id, Pitch.status == ACTIVE)
    ).all()
    out = [Attending(*row) for row in rows]
    return sorted(out, key=lambda a: (a.day is None, a.day or dt.date.min, a.starts_at or dt.time.min, a.title.lower()))
