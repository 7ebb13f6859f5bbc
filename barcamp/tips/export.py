"""What leaves the tips board: JSON dictionaries, CSV and vCard.

Contacts appear only where ``contact_for`` granted them to the person asking;
the facilitator's whole-board export never holds any.
"""

from __future__ import annotations

import csv
import io

from flask import Response

from barcamp.tips.models import Tip, TipCard

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def tip_dict(tip: Tip, helpful: dict[int, int]) -> dict:
    """A tip as the public sees it."""
    return {
        "id": tip.id,
        "text": tip.text,
        "link": tip.link or None,
        "tags": [t.name for t in tip.tags],
        "helpful": helpful.get(tip.id, 0),
        "author": tip.card.display_name,
        "card_id": tip.card_id,
        "created_at": tip.created_at.isoformat(timespec="seconds") + "Z",
    }


def card_dict(card: TipCard, contact: str | None = None) -> dict:
    """A card as the public sees it, plus a contact only when the caller was granted it."""
    data = {
        "id": card.id,
        "display_name": card.display_name,
        "intro": card.intro,
        "help": list(card.help),
        "seek": list(card.seek),
        "first_barcamp": card.show_first_timer,
    }
    if contact is not None:
        data["contact"] = contact
    return data


def safe_cell(value) -> str:
    """A CSV cell that spreadsheets will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(header: list[str], rows: list[list]) -> str:
    """CSV text with every cell neutralised against formula injection."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()


def vtext(value: str) -> str:
    """A vCard text value with its special characters escaped."""
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "").replace(",", "\\,").replace(";", "\\;")


def to_vcard(entries: list[tuple[TipCard, str | None]], event_name: str) -> str:
    """vCard 3.0 of my accepted connections, with the contacts I was granted."""
    cards = []
    for card, contact in entries:
        lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{vtext(card.display_name)}", f"N:{vtext(card.display_name)};;;;"]
        note = card.intro
        if contact:
            if "@" in contact and " " not in contact and not contact.startswith("@") and "/" not in contact:
                lines.append(f"EMAIL;TYPE=INTERNET:{vtext(contact)}")
            elif contact.startswith(("http://", "https://")):
                lines.append(f"URL:{vtext(contact)}")
            else:
                note = f"{note}\n{contact}".strip()
        if note:
            lines.append(f"NOTE:{vtext(note)}")
        lines += [f"CATEGORIES:{vtext(event_name)}", "END:VCARD"]
        cards.append("\r\n".join(lines))
    return "\r\n".join(cards) + ("\r\n" if cards else "")


def attachment(body: str, mimetype: str, name: str) -> Response:
    """A download that no cache keeps (it may hold contacts granted to this person only)."""
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )
