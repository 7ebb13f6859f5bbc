"""A strict vCard 3.0 reader for tests (RFC 2426): CRLF lines, folding, BEGIN/VERSION/FN/END per card,
well-formed property names and escapes. Raises ValueError on anything else."""

from __future__ import annotations

import re

_NAME = re.compile(r"^(?:[A-Za-z0-9-]+\.)?([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+=[^;:,\"]+(?:,[^;:,\"]+)*)*):(.*)$")
_ESCAPE = re.compile(r"\\(.)")


def _unescape(value: str) -> str:
    def one(m):
        c = m.group(1)
        if c in "nN":
            return "\n"
        if c in "\\,;":
            return c
        raise ValueError(f"bad escape \\{c}")

    return _ESCAPE.sub(one, value)


def parse(text: str) -> list[dict[str, list[str]]]:
    """Every card as {PROPERTY: [values]}; strict about the shape."""
    if text and not text.endswith("\r\n"):
        raise ValueError("a vCard ends with CRLF")
    raw = text.split("\r\n")[:-1] if text else []
    if any("\n" in line or "\r" in line for line in raw):
        raise ValueError("bare LF or CR inside a line")
    lines: list[str] = []
    for line in raw:
        if line.startswith((" ", "\t")):
            if not lines:
                raise ValueError("folded first line")
            lines[-1] += line[1:]
        else:
            lines.append(line)
    cards, card = [], None
    for line in lines:
        m = _NAME.match(line)
        if m is None:
            raise ValueError(f"not a content line: {line!r}")
        name, value = m.group(1).upper(), m.group(3)
        if name == "BEGIN":
            if card is not None or value.upper() != "VCARD":
                raise ValueError("nested or foreign BEGIN")
            card = {}
            continue
        if card is None:
            raise ValueError(f"{name} outside a card")
        if name == "END":
            if value.upper() != "VCARD" or card.get("VERSION") != ["3.0"] or "FN" not in card or "N" not in card:
                raise ValueError("a card needs VERSION:3.0, FN and N")
            cards.append(card)
            card = None
            continue
        if name == "VERSION" and card:
            raise ValueError("VERSION must come first")
        if name in ("FN", "NOTE") and re.search(r"[,;]", re.sub(r"\\.", "", value)):
            raise ValueError(f"unescaped , or ; in {name}")
        card.setdefault(name, []).append(_unescape(value) if name != "N" else value)
    if card is not None:
        raise ValueError("card not ended")
    return cards
