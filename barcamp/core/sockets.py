"""Socket.IO handlers. They only put a connection into its event's rooms; they never write.

Also the transport setting that matters at scale (websockets without compression), and what
happens to packets a client mangles: one line in the log, and the socket is closed.
"""

from __future__ import annotations

import logging

from flask import request
from flask_socketio import join_room
from sqlalchemy import bindparam, select

from barcamp.core.extensions import db, socketio
from barcamp.core.identity import current_attendee_id, event_id_of, is_facilitator
from barcamp.core.models import Attendee
from barcamp.core.realtime import personal_room, room, topic_of

_OWN = select(Attendee.id).where(Attendee.id == bindparam("a"), Attendee.event_id == bindparam("e"))


@socketio.on("connect")
def on_connect(auth=None):
    """Join the event room named in the query string, the topics the page shows
    (``topics=questions,...``) and the facilitator room if allowed."""
    slug = request.args.get("event", "")
    if "\x00" in slug or len(slug) > 80:  # no such slug; PostgreSQL would refuse the NUL
        return False
    event_id = event_id_of(slug) if slug else None
    if event_id is None:
        return False
    join_room(room(event_id))
    # The page names what it shows (its live partials and tallies); join those topics' rooms.
    wanted = request.args.get("topics", "")[:500].split(",")
    for topic in {topic_of(name) for name in wanted} - {None}:
        join_room(room(event_id, topic=topic))
    if is_facilitator(event_id):
        join_room(room(event_id, facilitators=True))
    attendee_id = current_attendee_id(event_id)  # the cookie's claim, checked against the event
    if attendee_id and db.session.scalar(_OWN, {"a": attendee_id, "e": event_id}):
        join_room(personal_room(event_id, attendee_id))
    db.session.remove()
    return True


log = logging.getLogger(__name__)


class OneLine(logging.Filter):
    """A failure caused by a client's packet is one line in the log, never a traceback.

    Only the exception's type is kept: its message can carry the client's bytes (newlines too).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.msg = f"{record.getMessage()} ({type(record.exc_info[1]).__name__})"
            record.args, record.exc_info, record.exc_text = (), None, None
        return True


def guard(server) -> None:
    """Close a socket that sends a Socket.IO packet nobody can read, with one line in the log.

    python-socketio would log a traceback for each such packet and keep the socket open.
    """
    for name in ("socketio.server", "engineio.server"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, OneLine) for f in logger.filters):
            logger.addFilter(OneLine())
    eio = server.eio
    handle = eio.handlers["message"]

    def checked(eio_sid, data):
        if isinstance(data, str):  # binary attachments follow a readable header packet
            try:
                server.packet_class(encoded_packet=data)
            except Exception as exc:  # noqa: BLE001 -- whatever the decoder says: we can't read it
                log.warning("closed a socket that sent a malformed packet (%s)", type(exc).__name__)
                eio.disconnect(eio_sid)
                return None
        return handle(eio_sid, data)

    eio.on("message", checked)


def without_compression(wsgi_app):
    """Decline the websocket ``permessage-deflate`` extension that browsers offer.

    simple-websocket accepts it whenever offered, and then every message is compressed once per
    connection, by a compressor that holds ~300 KB per connection. Measured with the benchmark
    (2,000 phones offering it, as Chromium does): 665 MB instead of 240 MB RSS, the CPU saturated and
    p99 1.4 s. The messages are small (tallies are a few hundred bytes), so little is saved on the air.
    """

    def app(environ, start_response):
        environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        if not environ.get("PATH_INFO", "").startswith("/socket.io"):
            return wsgi_app(environ, start_response)
        try:
            return wsgi_app(environ, start_response)
        except ValueError as exc:  # engine.io could not read a frame: the websocket is over
            log.warning("closed a socket that sent a malformed frame (%s)", type(exc).__name__)
            if "gunicorn.socket" in environ:
                raise StopIteration() from None  # as engine.io ends a websocket under gunicorn
            return []

    return app
