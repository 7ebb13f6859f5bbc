"""The accent colour: WCAG contrast, and the shades the light and dark themes use.

The organiser picks one colour for light pages; it must reach AA (4.5:1) as text and as a button
on every light surface (phone page, cards, the light projector). The dark theme and the dark
projector get the same hue mixed towards white until it reaches AA on their surfaces too, so one
choice reads well everywhere. Only a validated ``#rrggbb`` ever reaches a stylesheet.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

AA = 4.5
HEX = re.compile(r"^#[0-9a-f]{6}$")
# The surfaces the accent is read on (static/css/app.css): page, card, the projector's light card.
LIGHT_SURFACES = ("#ffffff", "#fbfaf7", "#f4f4f4")
DARK_SURFACES = ("#141418", "#1f1f25", "#000000", "#111111")
LIGHT_TEXT, DARK_TEXT = "#ffffff", "#0b0b10"  # the button text on the accent


class ColourProblem(ValueError):
    """A colour that can't be used; the message says why, for the organiser."""


def normalise(value: str) -> str:
    """``#RRGGBB`` or ``rrggbb`` as lower-case ``#rrggbb``, or ColourProblem."""
    value = (value or "").strip().lower()
    if value and not value.startswith("#"):
        value = "#" + value
    if not HEX.match(value):
        raise ColourProblem(_l("Please give the colour as #rrggbb, e.g. #0b5cad."))
    return value


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16)


def luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _mix(a: str, b: str, share: float) -> str:
    """``share`` of ``b`` mixed into ``a``."""
    return "#" + "".join(f"{round(x + (y - x) * share):02x}" for x, y in zip(_rgb(a), _rgb(b), strict=True))


def _worst(colour: str, surfaces: tuple[str, ...]) -> float:
    """The lowest contrast on the surfaces, also tinted with 10% of the colour (the current tab)."""
    tinted = tuple(_mix(s, colour, 0.10) for s in surfaces)
    return min(contrast(colour, s) for s in surfaces + tinted)


def checked(value: str) -> str:
    """The organiser's colour if it reaches AA on every light surface, else ColourProblem."""
    colour = normalise(value)
    worst = _worst(colour, LIGHT_SURFACES)
    if worst < AA:
        raise ColourProblem(
            _l(
                "This colour is too light to read on a white page (contrast %(ratio)s:1, at least 4.5:1 is needed)."
                " Try a darker shade.",
                ratio=f"{worst:.1f}",
            )
        )
    return colour


def palette(colour: str) -> dict[str, str]:
    """The shades of a checked accent: light and dark theme, each with its button text colour."""
    light_fg = max((LIGHT_TEXT, DARK_TEXT), key=lambda t: contrast(colour, t))
    dark = colour
    for step in range(1, 21):  # towards white until it reads on every dark surface and under dark text
        if _worst(dark, DARK_SURFACES) >= AA and contrast(dark, DARK_TEXT) >= AA:
            break
        dark = _mix(colour, "#ffffff", step / 20)
    return {"light": colour, "light_fg": light_fg, "dark": dark, "dark_fg": DARK_TEXT}
