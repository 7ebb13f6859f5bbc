"""The closed sets of the mixer: tokens (colour + symbol + number) and conversation openers."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

GROUP_SIZES = (2, 3, 4)
MINUTES = (5, 10, 15, 20)
JOIN_MINUTES = (0, 1, 2, 3, 5)  # time to join before groups form (0: at once)
BUDDY_CAPACITY = (1, 2, 3)
MAX_POINTS = 40

# (css class, name). Colours are told apart by their names and symbols too, never by colour alone.
COLOURS = [
    ("orange", _l("Orange")),
    ("blue", _l("Blue")),
    ("green", _l("Green")),
    ("purple", _l("Purple")),
    ("red", _l("Red")),
    ("teal", _l("Teal")),
    ("pink", _l("Pink")),
    ("brown", _l("Brown")),
]
SYMBOLS = [
    ("★", _l("Star")),
    ("●", _l("Circle")),
    ("▲", _l("Triangle")),
    ("■", _l("Square")),
    ("♥", _l("Heart")),
    ("◆", _l("Diamond")),
    ("☀", _l("Sun")),
    ("☾", _l("Moon")),
]

OPENERS = [
    _l("What made you come today?"),
    _l("Which session would you pitch if you had to pitch one right now?"),
    _l("What is something you learned recently that surprised you?"),
    _l("What are you working on that you'd like help with?"),
    _l("Which session today are you most curious about, and why?"),
    _l("What would you like to take home from this barcamp?"),
]


def token(n: int) -> dict:
    """Token number ``n`` (1, 2, ...): consecutive numbers get different colours, and a group's
    members have consecutive numbers, so everyone in a group holds up a different colour."""
    colour, cname = COLOURS[(n - 1) % len(COLOURS)]
    symbol, sname = SYMBOLS[((n - 1) // len(COLOURS)) % len(SYMBOLS)]
    label = _("%(colour)s · %(symbol)s · %(number)s", colour=cname, symbol=sname, number=n)
    return {"n": n, "colour": colour, "symbol": symbol, "label": label}
