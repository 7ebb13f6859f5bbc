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
    """Socket.IO's origin check: the app's own origin and ``extra``.

    Browsers always send Origin on a websocket handshake, and a page cannot forge it: so a
    foreign page cannot open a socket with our cookies. The host and scheme are the request's
    own; behind a proxy, ProxyFix (outermost, trusting exactly ``PROXY_HOPS`` hops) has put the
    forwarded ones there. A client's own X-Forwarded-* headers are never read here.
    """
    allowed = {o.rstrip("/").lower() for o in extra}

    def check(origin: str, environ: dict) -> bool:
        own = f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST', '')}".lower()
        return (origin or "").rstrip("/").lower() in allowed | {own}

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
