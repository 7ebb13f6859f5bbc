"""Profile links on a tips card: a fediverse handle, LinkedIn, a website, other https links.

Parsed strictly, once, here: https only, a real host, no credentials, a sane length. They are shown
under the card's contact rules (``consent.may_see_contact``), never to anyone else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

from barcamp.core.errors import DomainError

MAX_LINKS, MAX_LENGTH = 5, 200
KINDS = ("fediverse", "linkedin", "web")

_HOST = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$")
_HANDLE = re.compile(r"^@([A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,62}[A-Za-z0-9_])?)@([^@\s/]+)$")

MESSAGES = {
    "too-many": _l("Please add at most 5 profile links."),
    "too-long": _l("Each profile link can have at most 200 characters."),
    "http": _l("Please use a secure https:// link: %(link)s"),
    "scheme": _l("A profile link is an https:// address or a fediverse handle like @name@example.social: %(link)s"),
    "host": _l("That link has no valid web address: %(link)s"),
    "handle": _l("A fediverse handle looks like @name@example.social: %(link)s"),
}


@dataclass(frozen=True)
class ProfileLink:
    """One link: its kind, what is stored (a handle or a URL), and where it points."""

    kind: str
    value: str

    @property
    def href(self) -> str:
        """Where the link goes: a fediverse handle @name@server opens https://server/@name."""
        if self.kind == "fediverse":
            name, server = self.value[1:].split("@")
            return f"https://{server}/@{name}"
        return self.value

    @property
    def label(self) -> str:
        """What the link says: the handle, or the address without its scheme."""
        return self.value if self.kind == "fediverse" else self.value.removeprefix("https://").rstrip("/")


def _fail(key: str, line: str) -> DomainError:
    shown = line if len(line) <= 60 else line[:57] + "…"
    message = str(MESSAGES[key])
    return DomainError(message % {"link": shown} if "%(link)s" in message else message)


def parse_one(line: str) -> ProfileLink:
    """One profile link from what someone typed; DomainError with a friendly message otherwise."""
    line = line.strip()
    if len(line) > MAX_LENGTH:
        raise _fail("too-long", line)
    if line.startswith("@"):
        found = _HANDLE.match(line)
        if found is None or not _HOST.match(found[2].lower()):
            raise _fail("handle", line)
        return ProfileLink("fediverse", f"@{found[1]}@{found[2].lower()}")
    lowered = line.lower()
    if lowered.startswith("http://"):
        raise _fail("http", line)
    if not lowered.startswith("https://") or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in line):
        raise _fail("scheme", line)
    try:
        parts = urlsplit(line)
        port = parts.port
    except ValueError:
        raise _fail("host", line) from None
    host = (parts.hostname or "").lower()
    if parts.username is not None or parts.password is not None or port not in (None, 443) or not _HOST.match(host):
        raise _fail("host", line)
    kind = "linkedin" if host == "linkedin.com" or host.endswith(".linkedin.com") else "web"
    return ProfileLink(kind, "https://" + parts.netloc.lower() + line[len("https://") + len(parts.netloc) :])


def parse_links(text: str) -> list[ProfileLink]:
    """Profile links, one a line (blank lines and repeats dropped), at most ``MAX_LINKS``."""
    links: list[ProfileLink] = []
    for line in (text or "").splitlines():
        if line.strip():
            link = parse_one(line)
            if link not in links:
                links.append(link)
    if len(links) > MAX_LINKS:
        raise DomainError(MESSAGES["too-many"])
    return links


def links_text(links) -> str:
    """Stored links back as the form's text, one a line."""
    return "\n".join(link.value for link in links)
