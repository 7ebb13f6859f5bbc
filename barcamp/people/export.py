""" "People I met" as files: vCard 3.0 (one card per person) and CSV. Only what the page shows."""

from __future__ import annotations

from barcamp.people.domain import Person
from barcamp.tips.export import to_csv, vtext


def _contact_line(contact: str) -> str:
    if "@" in contact and " " not in contact and not contact.startswith("@") and "/" not in contact:
        return f"EMAIL;TYPE=INTERNET:{vtext(contact)}"
    if contact.startswith("https://"):
        return f"URL:{vtext(contact)}"
    return ""


def to_vcard(people: list[Person], event_name: str) -> str:
    """One vCard per person: their name, the contacts and profile links they shared with me."""
    cards = []
    for person in people:
        name = person.name or f"{event_name} #{person.attendee_id}"
        lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{vtext(name)}", f"N:{vtext(name)};;;;"]
        notes = []
        for contact in person.contacts:
            line = _contact_line(contact)
            if line:
                lines.append(line)
            else:
                notes.append(contact)
        for link in person.links:
            lines.append(f"URL:{vtext(link.href)}")
            if link.kind == "fediverse":
                notes.append(link.value)
        if notes:
            lines.append(f"NOTE:{vtext(chr(10).join(notes))}")
        lines += [f"CATEGORIES:{vtext(event_name)}", "END:VCARD"]
        cards.append("\r\n".join(lines))
    return "\r\n".join(cards) + ("\r\n" if cards else "")


def to_people_csv(people: list[Person], via_labels: dict[str, str]) -> str:
    """One row per person: name, how we met, contacts, profile links (cells safe for spreadsheets)."""
    rows = [
        [
            p.name,
            ", ".join(via_labels[v] for v in p.via),
            " | ".join(p.contacts),
            " | ".join(link.href for link in p.links),
        ]
        for p in people
    ]
    return to_csv(["name", "met on", "contact", "links"], rows)
