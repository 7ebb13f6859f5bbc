"""An uploaded event logo: PNG or JPEG checked by its real bytes, SVG rebuilt from an allow-list.

Pillow is not installed, so PNG and JPEG are checked by hand: the signature, the header's
dimensions and a proper end. An SVG is parsed (no DTD, so no entities) and written out again with
only known-safe elements and attributes: no scripts, event handlers, foreignObject, <style>,
external references or ``url()`` other than to the logo's own ``#ids``. What comes out is served
by its own route under ``default-src 'none'`` and shown only through <img>.
"""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

MAX_BYTES = 200 * 1024  # under MAX_CONTENT_LENGTH (256 KB) with the form around it
MAX_SIDE = 4096
TYPES = {"png": "image/png", "jpeg": "image/jpeg", "svg": "image/svg+xml"}

SVG_NS, XLINK_NS = "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"
ELEMENTS = {
    "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan",
    "defs", "linearGradient", "radialGradient", "stop", "clipPath", "mask", "use", "symbol", "title", "desc",
}  # fmt: skip
TEXT_ELEMENTS = {"text", "tspan", "title", "desc"}
ATTRIBUTES = {
    "id", "class", "viewBox", "width", "height", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry",
    "d", "points", "transform", "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
    "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset", "opacity",
    "clip-path", "clip-rule", "mask", "offset", "stop-color", "stop-opacity", "gradientUnits",
    "gradientTransform", "spreadMethod", "fx", "fy", "preserveAspectRatio", "font-family", "font-size",
    "font-weight", "font-style", "text-anchor", "dominant-baseline", "letter-spacing", "dx", "dy", "style",
    "maskUnits", "clipPathUnits", "patternUnits", "visibility", "display", "color",
}  # fmt: skip
STYLE_PROPERTIES = ATTRIBUTES - {"id", "class", "viewBox", "d", "points", "transform", "style", "href"}
LOCAL_URL = re.compile(r"^url\(\s*#[A-Za-z0-9_\-.:]+\s*\)$")
SAFE_VALUE = re.compile(r"^[^<>\\]*$")


class LogoProblem(ValueError):
    """An upload that is not a logo we can use; the message says why."""


@dataclass(frozen=True)
class Logo:
    kind: str  # png, jpeg or svg (TYPES)
    data: bytes

    @property
    def content_type(self) -> str:
        return TYPES[self.kind]


def _png(data: bytes) -> Logo:
    if len(data) < 45 or data[12:16] != b"IHDR" or not data.endswith(b"IEND\xaeB`\x82"):
        raise LogoProblem(_l("This PNG file is damaged."))
    width, height = struct.unpack(">II", data[16:24])
    _side(width, height)
    return Logo("png", data)


def _jpeg(data: bytes) -> Logo:
    """Walk the JPEG's segments to its frame header (SOFn) for the dimensions."""
    if not data.endswith(b"\xff\xd9"):
        raise LogoProblem(_l("This JPEG file is damaged."))
    pos = 2
    while pos + 9 < len(data):
        if data[pos] != 0xFF:
            break
        marker = data[pos + 1]
        length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            _side(width, height)
            return Logo("jpeg", data)
        pos += 2 + length
    raise LogoProblem(_l("This JPEG file is damaged."))


def _side(width: int, height: int) -> None:
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        raise LogoProblem(_l("The logo must be at most %(n)s pixels wide and high.", n=MAX_SIDE))


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _safe_value(name: str, value: str) -> bool:
    if not SAFE_VALUE.match(value) or "url(" in value.replace(" ", "").lower() and not LOCAL_URL.match(value.strip()):
        return False
    lowered = re.sub(r"\s", "", value).lower()
    return not any(bad in lowered for bad in ("javascript:", "data:", "expression(", "@import"))


def _style(value: str) -> str:
    """Keep only presentational declarations of an inline style, with safe values."""
    kept = []
    for declaration in value.split(";"):
        prop, sep, val = declaration.partition(":")
        prop, val = prop.strip().lower(), val.strip()
        if sep and prop in STYLE_PROPERTIES and val and _safe_value(prop, val):
            kept.append(f"{prop}:{val}")
    return ";".join(kept)


def _copy(source: ET.Element, target: ET.Element) -> None:
    """Copy the allowed attributes and text of ``source`` onto ``target``, then its allowed children."""
    name = _local(source.tag)
    for key, value in source.attrib.items():
        attr = _local(key)
        if key.startswith("{") and not key.startswith(("{" + XLINK_NS + "}", "{" + SVG_NS + "}")):
            continue
        if attr == "href":
            if name == "use" or name.endswith("Gradient"):
                if re.fullmatch(r"#[A-Za-z0-9_\-.:]+", value.strip()):
                    target.set("href", value.strip())
            continue
        if attr not in ATTRIBUTES or attr.lower().startswith("on"):
            continue
        if attr == "style":
            value = _style(value)
            if value:
                target.set("style", value)
        elif _safe_value(attr, value):
            target.set(attr, value)
    if name in TEXT_ELEMENTS and source.text and source.text.strip():
        target.text = source.text
    for child in source:
        child_name = _local(child.tag) if isinstance(child.tag, str) else ""
        if child.tag == f"{{{SVG_NS}}}{child_name}" and child_name in ELEMENTS:
            copied = ET.SubElement(target, child_name)
            _copy(child, copied)
            if name in TEXT_ELEMENTS:
                copied.tail = child.tail  # the text between a <text>'s <tspan>s


def sanitise_svg(data: bytes) -> bytes:
    """The SVG rebuilt from the allow-list, or LogoProblem."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LogoProblem(_l("This SVG file is not UTF-8 text.")) from exc
    if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
        raise LogoProblem(_l("SVG files with a DOCTYPE or entities are not accepted."))
    try:
        root = ET.fromstring(text)  # noqa: S314 -- no DTD got this far (refused above), so no entities
    except ET.ParseError as exc:
        raise LogoProblem(_l("This SVG file could not be read.")) from exc
    if root.tag != f"{{{SVG_NS}}}svg":
        raise LogoProblem(_l("This is not an SVG image."))
    clean = ET.Element("svg", {"xmlns": SVG_NS})
    _copy(root, clean)
    if not clean.get("viewBox") and not (clean.get("width") and clean.get("height")):
        raise LogoProblem(_l("The SVG needs a viewBox or a width and height."))
    return ET.tostring(clean, encoding="utf-8", xml_declaration=False)


def checked(data: bytes) -> Logo:
    """The logo of an upload: its type from its bytes (never its name), checked or rebuilt."""
    if not data:
        raise LogoProblem(_l("Please choose a PNG, JPEG or SVG file."))
    if len(data) > MAX_BYTES:
        raise LogoProblem(_l("The logo may be at most %(kb)s KB.", kb=MAX_BYTES // 1024))
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _png(data)
    if data.startswith(b"\xff\xd8\xff"):
        return _jpeg(data)
    head = data[:512].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--")):
        return Logo("svg", sanitise_svg(data))
    raise LogoProblem(_l("Only PNG, JPEG or SVG images can be a logo."))
