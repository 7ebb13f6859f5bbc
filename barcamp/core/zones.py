"""Time zones: the one check of a zone name, used by every form, the command line and import."""

from __future__ import annotations

import functools
import zoneinfo

UTC = zoneinfo.ZoneInfo("UTC")


@functools.cache
def known() -> frozenset[str]:
    """Every IANA zone name this machine knows (read once)."""
    return frozenset(zoneinfo.available_timezones())


def is_known(name: object) -> bool:
    """True for a zone name such as "Europe/Berlin"; never raises (300 characters, NUL, a folder, ...)."""
    return isinstance(name, str) and name in known()


def zone(name: str) -> zoneinfo.ZoneInfo:
    """The zone called ``name``, or UTC for a name that is not one (an old row, say)."""
    return zoneinfo.ZoneInfo(name) if is_known(name) else UTC
