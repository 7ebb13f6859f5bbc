"""Light pages for phones on bad Wi-Fi: compressed responses, cached static files.

* Text responses (HTML, CSS, JS, SVG, JSON, …) are gzipped when the browser
  accepts it; gunicorn does not compress, and there may be no proxy that does.
* Static files are read, hashed and gzipped once per change of the file and
  served from memory.
* ``url_for('static', ...)`` adds ``?v=<content hash>`` to every static file,
  and such URLs are cached for a year (``immutable``); unversioned ones are
  revalidated (``no-cache`` + ETag: a 304).
* ES modules in ``js/`` import each other by relative URL (``./live.js``). They
  are served with those imports rewritten to the imported file's versioned URL
  (``./live.js?v=<hash>``), the same URL the page loads it by (one module loaded
  under two URLs would run twice), and a module's hash covers the rewritten
  text: a change to ``live.js`` gives every module importing it a new URL too.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
import re
from dataclasses import dataclass

from flask import Flask, Response, abort, request
from flask.sessions import SessionInterface
from werkzeug.security import safe_join

COMPRESSIBLE = {
    "application/javascript",
    "application/json",
    "application/xml",
    "image/svg+xml",
    "text/calendar",
    "text/css",
    "text/csv",
    "text/html",
    "text/javascript",
    "text/plain",
}
MIN_SIZE = 512  # smaller bodies are not worth a gzip header
LEVEL = 3  # dynamic pages: the attendee home (63 kB) is 9.1 kB at 3, 8.4 kB at 5, for under half the CPU
YEAR = 365 * 24 * 3600


@dataclass(frozen=True)
class Asset:
    stamp: tuple[int, int]  # (mtime_ns, size): when it changes, the file is read again
    mimetype: str
    digest: str
    data: bytes
    gz: bytes | None
    imports: tuple[tuple[str, str], ...] = ()  # (module, its digest) for each rewritten import


# `from "./live.js"` / `import "./live.js"`: a relative import between our own modules.
IMPORT = re.compile(rb"""((?:\bfrom|\bimport)\s*["'])\./([\w-]+\.js)(["'])""")


_assets: dict[str, Asset] = {}
# Recently compressed bodies: a live partial fetched by a thousand phones is compressed once.
_recent: dict[tuple[int, int], tuple[bytes, bytes]] = {}
RECENT_MIN, RECENT_MAX = 4096, 32


def accepts_gzip() -> bool:
    return request.accept_encodings["gzip"] > 0


def load(static_folder: str, filename: str) -> Asset | None:
    """The static file ``filename`` with its hash and gzipped bytes (None if missing)."""
    path = safe_join(static_folder, filename)
    try:
        st = os.stat(path) if path else None
    except OSError:
        st = None
    if st is None or not os.path.isfile(path):
        return None
    stamp = (st.st_mtime_ns, st.st_size)
    asset = _assets.get(path)
    if asset is None or asset.stamp != stamp or not _imports_current(static_folder, asset):
        with open(path, "rb") as f:
            data = f.read()
        imports: tuple[tuple[str, str], ...] = ()
        if is_module(filename):
            data, imports = _versioned_imports(static_folder, data)
        mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        gz = gzip.compress(data, 9, mtime=0) if mimetype in COMPRESSIBLE and len(data) >= MIN_SIZE else None
        asset = Asset(stamp, mimetype, hashlib.sha256(data).hexdigest()[:12], data, gz, imports)
        _assets[path] = asset
    return asset


def is_module(filename: str) -> bool:
    return filename.startswith("js/") and filename.endswith(".js") and "/" not in filename[3:]


def _imports_current(static_folder: str, asset: Asset) -> bool:
    """False when a module this one imports changed (its rewritten import names an old hash)."""
    for name, digest in asset.imports:
        dep = load(static_folder, f"js/{name}")
        if dep is None or dep.digest != digest:
            return False
    return True


def _versioned_imports(static_folder: str, data: bytes) -> tuple[bytes, tuple[tuple[str, str], ...]]:
    """Rewrite ``./x.js`` imports to ``./x.js?v=<hash of x>``; return the text and what it imports."""
    seen: dict[str, str] = {}

    def version(m: re.Match) -> bytes:
        name = m.group(2).decode()
        dep = load(static_folder, f"js/{name}")
        if dep is None:
            return m.group(0)
        seen[name] = dep.digest
        return m.group(1) + f"./{name}?v={dep.digest}".encode() + m.group(3)

    return IMPORT.sub(version, data), tuple(sorted(seen.items()))


def compressed(data: bytes) -> bytes:
    """gzip ``data``; identical large bodies seen recently are compressed only once."""
    if len(data) < RECENT_MIN:
        return gzip.compress(data, LEVEL, mtime=0)
    key = (len(data), hash(data))
    hit = _recent.get(key)
    if hit is not None and hit[0] == data:
        return hit[1]
    gz = gzip.compress(data, LEVEL, mtime=0)
    if len(_recent) >= RECENT_MAX:
        _recent.pop(next(iter(_recent)))
    _recent[key] = (data, gz)
    return gz


def skip_session_on_static(interface_class: type[SessionInterface]) -> type[SessionInterface]:
    """The app's session interface, minus saving on static files: a refreshed cookie
    (``Set-Cookie``) and ``Vary: Cookie`` there would stop browsers from caching them."""

    class StaticWithoutSession(interface_class):
        def save_session(self, app, session, response) -> None:
            if request.endpoint != "static":
                super().save_session(app, session, response)

    return StaticWithoutSession


def init_app(app: Flask) -> None:
    """Serve static files from memory, fingerprint their URLs, gzip text responses."""
    # Wraps whatever session interface the app has (security.py sets one): call after it.
    app.session_interface = skip_session_on_static(type(app.session_interface))()

    @app.url_defaults
    def add_version(endpoint, values):
        if endpoint == "static" and "v" not in values:
            asset = load(app.static_folder, values["filename"])
            if asset is not None:
                values["v"] = asset.digest

    def static(filename):
        """A static file, gzipped if the browser takes it, with cache headers."""
        asset = load(app.static_folder, filename)
        if asset is None:
            abort(404)
        gz = asset.gz is not None and accepts_gzip()
        response = Response(asset.gz if gz else asset.data, mimetype=asset.mimetype)
        if gz:
            response.headers["Content-Encoding"] = "gzip"
        response.vary.add("Accept-Encoding")
        response.set_etag(asset.digest + ("-gz" if gz else ""))
        if request.args.get("v") == asset.digest:
            response.cache_control.public = True
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
        else:
            response.cache_control.no_cache = True
        return response.make_conditional(request)

    app.view_functions["static"] = static

    @app.get("/favicon.ico", endpoint="favicon")
    def favicon():
        """The icon browsers ask for at the root, whatever the page says (a day's cache: its URL has no version)."""
        response = static("icons/favicon.ico")
        response.cache_control.max_age = 24 * 3600
        response.cache_control.no_cache = None
        return response

    @app.after_request
    def compress(response: Response) -> Response:
        if (
            response.status_code < 200
            or response.status_code in (204, 206, 304)
            or response.direct_passthrough
            or response.is_streamed
            or "Content-Encoding" in response.headers
            or response.mimetype not in COMPRESSIBLE
            or not accepts_gzip()
        ):
            return response
        data = response.get_data()
        if len(data) < MIN_SIZE:
            return response
        response.set_data(compressed(data))
        response.headers["Content-Encoding"] = "gzip"
        response.vary.add("Accept-Encoding")
        if response.get_etag()[0]:  # a strong ETag named the uncompressed bytes
            etag, _weak = response.get_etag()
            response.set_etag(etag, weak=True)
        return response
