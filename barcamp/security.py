"""Security headers, a strict Content-Security-Policy (no inline script or style), and input hygiene."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, request
from flask.sessions import SecureCookieSessionInterface

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
INT_MAX = 2**31 - 1  # the largest id PostgreSQL's INTEGER holds
# Views that read their own (larger) body; they check it themselves.
OWN_BODY = {"privacy.import_event"}


class SessionInterface(SecureCookieSessionInterface):
    """Cookies are ``Secure`` when configured, and on any request that arrived over HTTPS (e.g. via a proxy)."""

    def get_cookie_secure(self, app) -> bool:
        return bool(super().get_cookie_secure(app) or (request and request.is_secure))


def local_url(target: str | None, default: str) -> str:
    """``target`` if it is a path on this site, else ``default`` (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    parts = urlsplit(target)
    return default if parts.scheme or parts.netloc or any(c in target for c in "\r\n\t\\") else target


def socket_origins(extra: list[str]):
    """Socket.IO's origin check: the app's own origin (also as seen through a proxy) and ``extra``.

    Browsers always send Origin on a websocket handshake, and a page cannot forge it or
    the X-Forwarded-* headers: so a foreign page cannot open a socket with our cookies.
    """
    allowed = {o.rstrip("/").lower() for o in extra}

    def check(origin: str, environ: dict) -> bool:
        host = environ.get("HTTP_HOST", "")
        scheme = environ.get("wsgi.url_scheme", "http")
        own = {f"{scheme}://{host}"}
        if "HTTP_X_FORWARDED_PROTO" in environ or "HTTP_X_FORWARDED_HOST" in environ:
            fwd_scheme = environ.get("HTTP_X_FORWARDED_PROTO", scheme).split(",")[0].strip()
            fwd_host = environ.get("HTTP_X_FORWARDED_HOST", host).split(",")[0].strip()
            own.add(f"{fwd_scheme}://{fwd_host}")
        return (origin or "").rstrip("/").lower() in allowed | {o.lower() for o in own}

    return check


def init_app(app) -> None:
    """Add security headers to every response, and refuse input no database should see."""
    app.session_interface = SessionInterface()

    @app.url_value_preprocessor
    def sane_url_values(endpoint, values):
        # A NUL in a slug or an id beyond INTEGER would crash the database driver: no such page.
        for value in (values or {}).values():
            if (isinstance(value, int) and value > INT_MAX) or (isinstance(value, str) and "\x00" in value):
                abort(404)

    @app.before_request
    def no_nul_bytes():
        # PostgreSQL refuses NUL characters in text; refuse them for every request alike.
        if any("\x00" in v for v in request.args.values()):
            abort(400)
        if request.method == "POST" and request.endpoint not in OWN_BODY:
            if any("\x00" in k or "\x00" in v for k, v in request.form.items(multi=True)):
                abort(400)

    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config["SESSION_COOKIE_SECURE"] or request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
