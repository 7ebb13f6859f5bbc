"""The realtime seam's writer: a broadcast is framed once and written straight to each websocket.

python-socketio encodes a broadcast once, then hands the same Engine.IO packet to every client's
queue; each client's writer greenlet wakes, encodes it again, frames it (wsproto) and sends it. At
2,000 phones that is ~56 µs of CPU per frame, mostly queueing, greenlet switches and framing.

Here, ``install`` replaces the server's one per-recipient call (``_send_eio_packet``, which the
Redis queue's listener reaches too) with one that, for a websocket whose queue is empty, writes the
RFC 6455 frame (built once per packet) with one non-blocking ``send``. Everything else goes the
usual way: long-polling clients, binary packets, a socket mid-upgrade or closing, a socket whose
queue holds packets (they must go first), and a socket whose kernel buffer is full.

Writes never interleave: every websocket's socket is wrapped (``Locked``) so that each write to it,
engineio's writer, simple-websocket's pongs and close frames, and ours, holds that socket's lock for
the whole frame. A direct write takes the lock only when it is free, and never waits: if the kernel
took part of the frame, a greenlet sends the rest while still holding the lock.
"""

from __future__ import annotations

import struct
import time
from contextlib import contextmanager

import gevent
import gevent.socket
from gevent.lock import Semaphore

# A burst of direct writes yields to the hub once it has run this long, so requests aren't stuck
# behind it. By time, not by count: 2,000 sockets take ~30 ms, so an idle worker finishes a broadcast
# without switching; each switch on a saturated hub waits behind every ready greenlet, and a yield
# every 256 sockets made a 2,000-socket broadcast take seconds there (bench/README.md).
YIELD_AFTER = 0.05
CHECK_EVERY = 64  # direct writes between looks at the clock
_since_check = 0
_burst_start = _cpu_start = 0.0
_may_yield = False  # only inside ``yielding()``: other callers (a request's emit, engineio's) must not switch
counts = {"direct": 0, "queued": 0}  # frames written directly / left to engineio (tests, /metrics)
# Inside ``yielding()`` (the tally flush): the frames handed out and the CPU that took, not counting
# time yielded to others. Divided, the CPU one frame of a broadcast costs (/metrics; the benchmark).
flushed = {"frames": 0, "cpu_seconds": 0.0}


@contextmanager
def yielding():
    """Let a broadcast made inside yield to the hub after ``YIELD_AFTER`` seconds of writing (the
    tally loop's flush, which holds no transaction). Elsewhere a send never switches: a switch inside an emit
    made from a request stalled the whole worker in the benchmark (votes timed out, every phone
    was dropped)."""
    global _may_yield, _burst_start, _cpu_start
    frames = counts["direct"] + counts["queued"]
    _may_yield, _burst_start, _cpu_start = True, time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        _may_yield = False
        flushed["cpu_seconds"] += time.process_time() - _cpu_start
        flushed["frames"] += counts["direct"] + counts["queued"] - frames


def frame(payload: str) -> bytes:
    """An unmasked, unfragmented RFC 6455 text frame (what a server sends) carrying ``payload``."""
    data = payload.encode()
    n = len(data)
    if n < 126:
        head = struct.pack("!BB", 0x81, n)
    elif n < 1 << 16:
        head = struct.pack("!BBH", 0x81, 126, n)
    else:
        head = struct.pack("!BBQ", 0x81, 127, n)
    return head + data


class Locked:
    """A websocket's network socket whose every write holds the socket's lock for a whole frame."""

    def __init__(self, sock):
        self.sock = sock
        self.raw = sock._sock  # gevent's non-blocking socket underneath: send() never waits
        self.lock = Semaphore()

    def send(self, data) -> int:
        with self.lock:
            self.sock.sendall(data)  # simple-websocket ignores a short send(); nothing may be lost
        return len(data)

    def try_write(self, data: bytes) -> bool:
        """Write a whole frame now if nobody else is writing; False to leave it to engineio."""
        if self.lock.locked():
            return False
        self.lock.acquire()  # free, so this does not switch
        try:
            sent = self.raw.send(data)
        except BlockingIOError:
            sent = 0
        except OSError:
            self.lock.release()
            return False  # the reader finds the socket dead; engineio's path says so too
        if sent == len(data):
            self.lock.release()
        elif sent == 0:
            self.lock.release()
            return False
        else:  # part of the frame is out: nobody may write before the rest
            gevent.spawn(self._finish, data[sent:])
        return True

    def _finish(self, rest: bytes) -> None:
        try:
            self.sock.sendall(rest)
        except OSError:
            pass
        finally:
            self.lock.release()

    def __getattr__(self, name):
        return getattr(self.sock, name)


def _wrap_websocket(factory):
    """The websocket class engineio makes per connection, with its socket wrapped in ``Locked``."""

    def make(handler, server):
        esock = handler.__self__  # engineio's Socket: the handler is its bound _websocket_handler

        def handle(ws):
            conn = ws.ws.sock if hasattr(ws, "ws") else None  # simple-websocket's Server
            if isinstance(conn, gevent.socket.socket):
                locked = Locked(conn)
                ws.ws.sock = locked  # before the first switch: its reader hasn't run yet
                esock.direct = (locked, ws.ws)
            try:
                return handler(ws)
            finally:
                esock.direct = None

        return factory(handle, server)

    return make


def install(server) -> None:
    """Make ``server`` (python-socketio) write broadcasts to websockets directly (see above)."""
    eio = server.eio
    if getattr(server, "_fanout", False) or eio._async.get("websocket") is None:
        return
    server._fanout = True
    eio._async = dict(eio._async, websocket=_wrap_websocket(eio._async["websocket"]))
    queued = server._send_eio_packet
    sockets = eio.sockets

    def send(eio_sid, pkt):
        global _since_check, _burst_start, _cpu_start
        s = sockets.get(eio_sid)
        direct = getattr(s, "direct", None)
        if (
            direct is None
            or pkt.binary
            or s.upgrading
            or s.closing
            or s.closed
            or not s.upgraded
            or not s.queue.empty()  # what is queued goes first
            or not direct[1].connected
        ):
            counts["queued"] += 1
            return queued(eio_sid, pkt)
        if not s.check_ping_timeout():  # as engineio's own send does
            return None
        data = pkt.__dict__.get("_frame")
        if data is None:
            data = pkt._frame = frame(pkt.encode())
        if not direct[0].try_write(data):
            counts["queued"] += 1
            return queued(eio_sid, pkt)
        counts["direct"] += 1
        _since_check += 1
        if _may_yield and _since_check >= CHECK_EVERY:
            _since_check = 0
            if time.perf_counter() - _burst_start >= YIELD_AFTER:
                flushed["cpu_seconds"] += time.process_time() - _cpu_start
                gevent.sleep(0)
                _burst_start, _cpu_start = time.perf_counter(), time.process_time()
        return None

    server._send_eio_packet = send
