"""A lean client for the load generator: HTTP/1.1 and Socket.IO over a raw websocket.

python-socketio's ``AsyncClient`` costs about 90 µs of CPU per received message,
so a generator built on it would mostly measure itself. This module does only
what a phone's browser does on the wire, by hand and with the standard library:

* HTTP: one request per connection (``Connection: close``), as nginx sends
  requests upstream by default; cookies are kept by the caller.
* Socket.IO: an RFC 6455 websocket to ``/socket.io/?EIO=4&transport=websocket``
  with Engine.IO v4 and Socket.IO v5 framing (``0`` open, ``2``/``3``
  ping/pong, ``40`` connect, ``42[...]`` events). Frames are parsed in
  ``asyncio.Protocol.data_received`` without a coroutine per message.
* Like Chromium, it offers the ``permessage-deflate`` extension (RFC 7692), and
  inflates what the server sends compressed if the server accepts it.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import time
import zlib
from collections.abc import Callable
from urllib.parse import quote, urlencode

COOKIE_RE = re.compile(r"^\s*([^=;\s]+)=([^;]*)")


class HttpError(Exception):
    """A request that failed before a status line arrived."""


def parse_response(raw: bytes) -> tuple[int, dict[str, str], dict[str, str], bytes]:
    """Split a complete HTTP/1.1 response into (status, headers, cookies, body)."""
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        raise HttpError("incomplete response")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers: dict[str, str] = {}
    cookies: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name, value = name.strip().lower(), value.strip()
        if name == "set-cookie":
            m = COOKIE_RE.match(value)
            if m:
                cookies[m.group(1)] = m.group(2)
        else:
            headers[name] = value
    if headers.get("transfer-encoding") == "chunked":
        body = _dechunk(body)
    return status, headers, cookies, body


def _dechunk(data: bytes) -> bytes:
    out, pos = bytearray(), 0
    while True:
        end = data.index(b"\r\n", pos)
        size = int(data[pos:end].split(b";")[0], 16)
        if size == 0:
            return bytes(out)
        out += data[end + 2 : end + 2 + size]
        pos = end + 4 + size


async def http(
    host: str,
    port: int,
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    form: dict | None = None,
    timeout: float = 15.0,
) -> tuple[int, dict[str, str], dict[str, str], bytes]:
    """One HTTP request on its own connection; returns (status, headers, cookies, body)."""
    body = urlencode(form).encode() if form is not None else b""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if form is not None:
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode() + body

    async def exchange():
        reader, writer = await asyncio.open_connection(host, port)
        try:
            writer.write(request)
            return await reader.read()  # the server closes after the response
        finally:
            writer.close()

    try:
        raw = await asyncio.wait_for(exchange(), timeout)
    except (TimeoutError, OSError) as exc:
        raise HttpError(f"{exc.__class__.__name__}: {exc}") from exc
    return parse_response(raw)


def cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items())


class SocketIO(asyncio.Protocol):
    """One Socket.IO connection. ``on_event(sock, payload, now)`` gets the raw
    bytes after ``42`` (e.g. ``["tally",{...}]``) and the arrival time."""

    def __init__(self, on_event: Callable, on_close: Callable | None = None):
        self.on_event, self.on_close = on_event, on_close
        self.transport: asyncio.Transport | None = None
        self.buf = bytearray()
        self.upgraded = False
        self.fragments: list[bytes] = []
        self.ready: asyncio.Future = asyncio.get_running_loop().create_future()
        self.closed = False
        self.owner = None  # whatever the caller hangs on this connection
        self.received = 0
        self.inflater = None  # set when the server accepted permessage-deflate
        self.fresh_inflater = False  # server_no_context_takeover: a new one per message
        self.compressed = False  # the message being received is compressed

    # --- asyncio.Protocol ------------------------------------------------------
    def connection_made(self, transport):
        self.transport = transport

    def connection_lost(self, exc):
        self.closed = True
        if not self.ready.done():
            self.ready.set_exception(ConnectionError("socket closed during handshake"))
        elif self.on_close:
            self.on_close(self)

    def data_received(self, data: bytes):
        now = time.monotonic()
        buf = self.buf
        buf += data
        if not self.upgraded:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            if not buf.startswith(b"HTTP/1.1 101"):
                self._fail(buf[: buf.find(b"\r\n")].decode("latin-1"))
                return
            head = bytes(buf[:end]).lower()
            if b"permessage-deflate" in head:
                self.inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                self.fresh_inflater = b"server_no_context_takeover" in head
            del buf[: end + 4]
            self.upgraded = True
        pos, n = 0, len(buf)
        while n - pos >= 2:
            b0, length = buf[pos], buf[pos + 1] & 0x7F
            head = 2
            if length == 126:
                if n - pos < 4:
                    break
                length, head = int.from_bytes(buf[pos + 2 : pos + 4], "big"), 4
            elif length == 127:
                if n - pos < 10:
                    break
                length, head = int.from_bytes(buf[pos + 2 : pos + 10], "big"), 10
            if n - pos < head + length:
                break
            payload = bytes(buf[pos + head : pos + head + length])
            pos += head + length
            self._frame(b0, payload, now)
        if pos:
            del buf[:pos]

    # --- websocket and Engine.IO -------------------------------------------------
    def _frame(self, b0: int, payload: bytes, now: float):
        opcode = b0 & 0x0F
        if opcode == 0:  # continuation
            self.fragments.append(payload)
            if b0 & 0x80:
                self._message(b"".join(self.fragments), now)
                self.fragments = []
        elif opcode in (1, 2):
            self.compressed = bool(b0 & 0x40)  # RSV1 on a message's first frame
            if b0 & 0x80:
                self._message(payload, now)
            else:
                self.fragments = [payload]
        elif opcode == 9:  # ping
            self._send(0x8A, payload)
        elif opcode == 8:  # close
            self.transport.close()

    def _message(self, msg: bytes, now: float):
        if self.compressed:
            if self.fresh_inflater:
                self.inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            msg = self.inflater.decompress(msg + b"\x00\x00\xff\xff")
        kind = msg[:1]
        if kind == b"4":  # Engine.IO message: a Socket.IO packet follows
            if msg[1:2] == b"2":
                self.received += 1
                self.on_event(self, msg[2:], now)
            elif msg[1:2] == b"0":
                if not self.ready.done():
                    self.ready.set_result(now)
            elif msg[1:2] == b"4":
                self._fail("connection refused: " + msg[2:].decode())
        elif kind == b"2":  # ping -> pong
            self.send_text("3")
        elif kind == b"0":  # open: join the default namespace
            self.send_text("40")
        elif kind == b"1":
            self.transport.close()

    def _fail(self, reason: str):
        if not self.ready.done():
            self.ready.set_exception(ConnectionError(reason))
        self.transport.close()

    def _send(self, first: int, data: bytes):
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i & 3] for i, b in enumerate(data))
        n = len(data)
        if n < 126:
            head = bytes([first, 0x80 | n])
        elif n < 65536:
            head = bytes([first, 0x80 | 126]) + n.to_bytes(2, "big")
        else:
            head = bytes([first, 0x80 | 127]) + n.to_bytes(8, "big")
        if self.transport and not self.transport.is_closing():
            self.transport.write(head + mask + masked)

    def send_text(self, text: str):
        self._send(0x81, text.encode())

    def close(self):
        if self.transport and not self.transport.is_closing():
            self._send(0x88, b"")
            self.transport.close()


async def connect(
    host: str,
    port: int,
    slug: str,
    cookie: str,
    on_event: Callable,
    on_close=None,
    timeout: float = 30.0,
    topics: str = "",
    deflate: bool = True,
) -> SocketIO:
    """Open a Socket.IO connection to an event's room; returns once the server accepted it."""
    loop = asyncio.get_running_loop()
    key = base64.b64encode(os.urandom(16)).decode()
    transport, sock = await asyncio.wait_for(
        loop.create_connection(lambda: SocketIO(on_event, on_close), host, port), timeout
    )
    lines = [
        f"GET /socket.io/?event={slug}&topics={quote(topics)}&EIO=4&transport=websocket HTTP/1.1",
        f"Host: {host}:{port}",
        f"Origin: http://{host}:{port}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}",
        "Sec-WebSocket-Version: 13",
    ]
    if deflate:  # what Chromium offers
        lines.append("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits")
    if cookie:
        lines.append(f"Cookie: {cookie}")
    transport.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    try:
        await asyncio.wait_for(asyncio.shield(sock.ready), timeout)
    except BaseException:
        transport.close()
        raise
    return sock


def event_of(payload: bytes) -> tuple[str, dict]:
    """Decode ``["name", {...}]`` into (name, data)."""
    name, *args = json.loads(payload)
    return name, (args[0] if args else {})
