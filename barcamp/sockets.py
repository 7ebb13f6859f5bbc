"""Socket.IO handlers. They only put a connection into its event's rooms; they never write.

Also the transport setting that matters at scale: websockets without compression.
"""

from __future__ import annotations

from flask import request
from flask_socketio import join_room
from sqlalchemy import select

from .extensions import db, socketio
from .identity import is_facilitator
from .models import Event
from .realtime import room, topic_of


@socketio.on("connect")
def on_connect(auth=None):
    """Join the event room named in the query string, the topics the page shows
    (``topics=questions,...``) and the facilitator room if allowed."""
    slug = request.args.get("event", "")
    if "\x00" in slug or len(slug) > 80:  # no such slug; PostgreSQL would refuse the NUL
        return False
    event = db.session.scalar(select(Event).where(Event.slug == slug)) if slug else None
    if event is None:
        return False
    join_room(room(event.id))
    # The page names what it shows (its live partials and tallies); join those topics' rooms.
    wanted = request.args.get("topics", "")[:500].split(",")
    for topic in {topic_of(name) for name in wanted} - {None}:
        join_room(room(event.id, topic=topic))
    if is_facilitator(event):
        join_room(room(event.id, facilitators=True))
    db.session.remove()
    return True


def without_compression(wsgi_app):
    """Decline the websocket ``permessage-deflate`` extension that browsers offer.

    simple-websocket accepts it whenever offered, and then every message is compressed once per
    connection, by a compressor that holds ~300 KB per connection. Measured with the benchmark
    (2,000 phones offering it, as Chromium does): 665 MB instead of 240 MB RSS, the CPU saturated and
    p99 1.4 s. The messages are small (tallies are a few hundred bytes), so little is saved on the air.
    """

    def app(environ, start_response):
        environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        return wsgi_app(environ, start_response)

    return app
