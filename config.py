"""Configuration: the Flask ``Config`` class, and gunicorn's settings.

Everything is read from environment variables with safe defaults, so
``gunicorn -c python:config wsgi:app`` runs the app with no other service.
"""

import gc
import logging
import os
import re
import secrets
from pathlib import Path

from gunicorn.glogging import Logger

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("BARCAMP_INSTANCE", BASE_DIR / "instance"))


def _secret_key() -> str:
    """Return SECRET_KEY, or one generated once and kept in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        # Written aside and linked into place: processes starting at once agree on one key, and
        # none reads a half-written file.
        draft = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
        draft.write_text(secrets.token_hex(32))
        draft.chmod(0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


def _public_url(bind: str) -> str:
    """Where people reach the server, for the links the command line prints: PUBLIC_URL, else BIND's port."""
    if os.environ.get("PUBLIC_URL"):
        return os.environ["PUBLIC_URL"].rstrip("/")
    host, _, port = bind.rpartition(":")
    host = host.strip("[]")
    if bind.startswith("unix:") or not port.isdigit():
        host, port = "127.0.0.1", "8000"
    if host in ("", "0.0.0.0", "::"):  # noqa: S104 -- listening on every interface; print a reachable one
        host = "127.0.0.1"
    return f"{os.environ.get('PREFERRED_URL_SCHEME', 'http')}://{host}:{port}"


class Config:
    SECRET_KEY = _secret_key()
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'barcamp.db'}")
    # Under gevent many requests wait on the database at once. SQLAlchemy's default pool (5 kept + 10
    # overflow) opened and closed PostgreSQL connections all through the benchmark's vote storm.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_size": 20, "max_overflow": 30}
    REDIS_URL = os.environ.get("REDIS_URL") or None
    # Redis pub/sub channel of the Socket.IO queue: one per app sharing a Redis server.
    SOCKETIO_CHANNEL = os.environ.get("SOCKETIO_CHANNEL", "flask-socketio")
    # Allowed Socket.IO origins; empty means "same origin only" (engineio's default).
    SOCKETIO_ORIGINS = [o for o in os.environ.get("SOCKETIO_ORIGINS", "").split(",") if o]
    # Seconds a brand-new phone's attendee home may be shared with the phones arriving after it,
    # while nothing in the event changes (core/pagecache.py); 0 renders every page.
    PAGE_CACHE_SECONDS = float(os.environ.get("PAGE_CACHE_SECONDS", "2"))
    # Seconds between coalesced tally broadcasts per event.
    TALLY_INTERVAL = float(os.environ.get("TALLY_INTERVAL", "0.25"))
    # Seconds in which deleting a question or tip, or leaving the tips board, can be taken back.
    UNDO_SECONDS = float(os.environ.get("UNDO_SECONDS", "30"))
    # Write broadcasts straight to websockets (core/fanout.py); 0 leaves every frame to engineio's
    # per-client queues. 2,000 phones: server CPU 49% instead of 65%, vote request p99 58 instead of
    # 136 ms (bench/README.md).
    DIRECT_FANOUT = os.environ.get("DIRECT_FANOUT", "1") == "1"
    MAX_CONTENT_LENGTH = 256 * 1024
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Re-sign the cookie only when it changes, not on every request (60 days from the last change).
    SESSION_REFRESH_EACH_REQUEST = False
    SESSION_COOKIE_SECURE = PREFERRED_URL_SCHEME == "https"
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 60
    # Behind a reverse proxy, trust this many X-Forwarded-* hops.
    PROXY_HOPS = int(os.environ.get("PROXY_HOPS", "0"))
    # The base of the links that `flask --app wsgi event create` and `demo` print.
    PUBLIC_URL = _public_url(os.environ.get("BIND", "127.0.0.1:8000"))
    BABEL_DEFAULT_LOCALE = "en"
    LANGUAGES = ["en", "de"]
    WTF_CSRF_TIME_LIMIT = None
    RATELIMIT_ENABLED = os.environ.get("RATELIMIT_ENABLED", "1") == "1"
    # Counters in this process's memory, also when scaled out (ip_hash keeps a phone on one process):
    # nothing about who posts when is stored anywhere (see barcamp/ratelimits.py).
    RATELIMIT_STORAGE_URI = "swept-memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # A browser id younger than this is "fresh": posts and votes from fresh ids share a ceiling per address.
    IDENTITY_FRESH_SECONDS = float(os.environ.get("IDENTITY_FRESH_SECONDS", "20"))
    # More new pitches (or questions) a minute than this in one event: new ones wait for approval.
    FLOOD_PER_MINUTE = int(os.environ.get("FLOOD_PER_MINUTE", "30"))
    # Anonymous questions and tips are purged this many days after the event ends.
    RETENTION_DAYS = int(os.environ.get("RETENTION_DAYS", "30"))
    # This deploy's version (e.g. its git commit); empty: a hash of the code, templates and static files.
    # A new one makes every phone's service worker update and drop the old app's caches.
    BUILD = os.environ.get("BARCAMP_BUILD", "")
    # Seconds between retention purges in each server process (0 = only `flask --app wsgi purge`).
    PURGE_INTERVAL = float(os.environ.get("PURGE_INTERVAL", "3600"))
    # The operator's bearer token for /metrics (Prometheus); unset: /metrics answers 404.
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")


# --- gunicorn (read by `gunicorn -c python:config`) -------------------------
bind = os.environ.get("BIND", "127.0.0.1:8000")
worker_class = "gevent"
# Socket.IO has no sticky sessions across workers of one gunicorn: scale out
# with several single-worker gunicorns behind nginx ip_hash instead.
workers = 1
# gunicorn's default of 1000 silently refuses the 1001st phone.
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "10000"))
timeout = 60
graceful_timeout = 5
accesslog = os.environ.get("ACCESS_LOG") or None
loglevel = os.environ.get("LOG_LEVEL", "info")


class PrivateLogger(Logger):
    """gunicorn's logger, minus everything that could tell who sent a request.

    Access lines keep the time, method, path (without its query string), status, size and
    duration, whatever ``access_log_format`` asks for: the client's address, user agent,
    referrer, cookies and other headers are always "-". Requests to the question wall are
    not logged at all: the second a question was posted, next to the second someone's pitch
    or vote was, would say who asked. The error log's "Invalid request from ip=..." lines
    lose the address. So the logs can't tie a question to anybody, even read next to the
    database (README, "Threat model").
    """

    KEEP = frozenset("tsmUHbBTDMLp")

    def access(self, resp, req, environ, request_time):
        if "/questions" not in environ.get("PATH_INFO", ""):
            super().access(resp, req, environ, request_time)

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        private = {key: (value if key in self.KEEP else "-") for key, value in atoms.items()}
        private["r"] = f"{atoms['m']} {atoms['U']} {atoms['H']}"
        return private

    def debug(self, msg, *args, **kwargs):
        # At DEBUG gunicorn names each request's method and path: not the question wall's.
        if "/questions" not in str(msg) and not any("/questions" in str(a) for a in args):
            super().debug(msg, *args, **kwargs)

    def warning(self, msg, *args, **kwargs):
        super().warning(re.sub(r"ip=\S+", "ip=-", str(msg)), *args, **kwargs)


logger_class = PrivateLogger
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'

# gunicorn would believe X-Forwarded-Proto from 127.0.0.1 of its own accord; forwarded headers are
# trusted only through PROXY_HOPS (werkzeug's ProxyFix in create_app), as far as it says.
secure_scheme_headers: dict = {}


def post_worker_init(worker):
    """Garbage collection for thousands of long-lived connections (gunicorn calls this once the app is loaded).

    With Python's defaults, each phone's connection objects are rescanned by full collections that
    paused the server for up to 380 ms every ~12 s of the benchmark's vote storm, and those pauses were
    the p99. Freezing what the app loaded (never garbage) and collecting the young generation less
    often measured: one full collection per storm instead of five, p99 836 -> 553 ms (bench/README.md).
    """
    gc.freeze()
    gc.set_threshold(20_000, 5, 10)
    # The app's own log lines go where gunicorn's go, at LOG_LEVEL. SQL statement logging stays
    # off whatever the level: its parameters would show which attendee row a request touched.
    root, error_log = logging.getLogger(), logging.getLogger("gunicorn.error")
    root.handlers, root.level = list(error_log.handlers), error_log.level
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
