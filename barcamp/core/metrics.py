"""What the operator watches during the day: Prometheus metrics at ``/metrics``.

Only for the operator: ``/metrics`` answers 404 unless ``METRICS_TOKEN`` is set, and then only to
a request that carries it (``Authorization: Bearer <token>``). Each server process counts its own
(scaled out, scrape every process on its own port); nothing here names an event or a person.
"""

from __future__ import annotations

import hmac

from flask import Blueprint, Flask, Response, abort, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily

registry = CollectorRegistry()

# Read from the Engine.IO server when scraped: a client can't move it (a socket event named
# "disconnect" reaches the disconnect handler too, so counting there could be driven negative).
SOCKETS = Gauge("barcamp_sockets_connected", "Engine.IO connections open in this process.", registry=registry)
VOTES = Counter(
    "barcamp_votes_total",
    "Votes stored or taken back (kind: pitch, question, helpful).",
    ["kind"],
    registry=registry,
)
LAG = Histogram(
    "barcamp_commit_to_emit_seconds",
    "From a tally change's commit to its broadcast.",
    buckets=(0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1, 1.5, 2, 5),
    registry=registry,
)
BROADCAST = Histogram(
    "barcamp_broadcast_seconds",
    "Time to hand one tally broadcast to every socket in its room (_count: broadcasts).",
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1),
    registry=registry,
)
BUSY = Counter(
    "barcamp_db_busy_retries_total", "Write transactions retried because the database was busy.", registry=registry
)
LIMITED = Counter(
    "barcamp_rate_limited_total", "Requests answered 429 (rate limits, fresh-identity ceilings).", registry=registry
)


class _Frames:
    """Socket.IO frames written straight to a websocket or left to engineio's queue (``fanout``).

    Read from plain counts when scraped: a prometheus Counter's lock on every frame would cost more
    than the direct write saves."""

    def collect(self):
        from barcamp.core import fanout

        family = CounterMetricFamily(
            "barcamp_frames", "Socket.IO frames sent: written directly, or queued for engineio.", labels=["path"]
        )
        for path, n in fanout.counts.items():
            family.add_metric([path], n)
        yield family
        yield CounterMetricFamily(
            "barcamp_broadcast_frames", "Frames handed out by tally broadcasts.", value=fanout.flushed["frames"]
        )
        yield CounterMetricFamily(
            "barcamp_broadcast_cpu_seconds",
            "CPU time tally broadcasts took to hand out their frames (not counting time yielded to others).",
            value=fanout.flushed["cpu_seconds"],
        )


registry.register(_Frames())

bp = Blueprint("metrics", __name__)


@bp.get("/metrics")
def scrape():
    token = current_app.config.get("METRICS_TOKEN") or ""
    if not token:
        abort(404)
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), token.encode()):
        abort(403)
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})


def init_app(app: Flask) -> None:
    from barcamp.core.extensions import socketio

    app.register_blueprint(bp)
    SOCKETS.set_function(
        lambda: sum(1 for s in list(socketio.server.eio.sockets.values()) if s.connected and not s.closed)
    )

    @app.after_request
    def count_refusals(response):
        if response.status_code == 429:
            LIMITED.inc()
        return response
