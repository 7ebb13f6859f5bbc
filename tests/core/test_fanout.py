"""The realtime seam's writer (barcamp/core/fanout.py): a broadcast framed once and written straight to
each websocket, never interleaved with engineio's own writes, with polling clients served as before."""

from __future__ import annotations

import socket
import time

import gevent
import gevent.socket
import pytest
import socketio
from wsproto import ConnectionType, WSConnection
from wsproto.events import Request, TextMessage
from wsproto.frame_protocol import FrameProtocol

from barcamp.core.fanout import Locked, frame
from tests.core.test_metrics import scrape
from tests.support.live import Browserless, own_server


def messages_in(data: bytes) -> list[str]:
    """The text messages a client reads from server-to-client frames (wsproto's own decoder)."""
    proto = FrameProtocol(client=True, extensions=[])
    proto.receive_bytes(data)
    out, parts = [], []
    for f in proto.received_frames():
        parts.append(f.payload)
        if f.message_finished:
            out.append("".join(parts))
            parts = []
    return out


def tcp_pair() -> tuple[gevent.socket.socket, gevent.socket.socket]:
    """Two ends of a loopback TCP connection (TCP, unlike a Unix socket, takes part of a send)."""
    with gevent.socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        client = gevent.socket.create_connection(listener.getsockname())
        server, _addr = listener.accept()
    return server, client


@pytest.mark.parametrize("size", [0, 125, 126, 65535, 65536, 200_000])
def test_frame_decodes_as_one_text_message_at_every_length_encoding(size):
    payload = '42["tally",' + "x" * size + "]"
    assert messages_in(frame(payload)) == [payload]


def test_frame_is_what_wsproto_sends_for_the_same_message():
    server = WSConnection(ConnectionType.SERVER)
    server.receive_data(
        b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    from wsproto.events import AcceptConnection

    assert isinstance(next(server.events()), Request)
    server.send(AcceptConnection())
    for text in ('42["tally",{"a":1}]', "é" * 300, "z" * 70_000):
        assert frame(text) == server.send(TextMessage(data=text))


def test_a_direct_write_the_kernel_takes_in_part_keeps_the_socket_until_its_frame_is_out():
    """The hard case: a frame larger than the socket's free buffer goes out in part. engineio's writer
    (through the same lock) and the next direct write must wait for its rest, or the client would
    read one frame cut in two by another."""
    ours, theirs = tcp_pair()
    ours.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    theirs.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    locked = Locked(ours)
    big = '42["tally",{"pad":"' + "b" * 100_000 + '"}]'

    assert locked.try_write(frame(big)) is True  # on its way: the rest is sent by a greenlet
    assert locked.lock.locked()
    writer = gevent.spawn(locked.send, frame('42["changed",{"what":"pitch"}]'))  # engineio's writer
    gevent.sleep(0.01)
    assert locked.try_write(frame('42["tally",{"next":1}]')) is False  # left to engineio's queue

    received = bytearray()
    theirs.settimeout(1.0)
    while len(messages_in(bytes(received))) < 2:
        chunk = theirs.recv(65536)
        assert chunk, "closed early"
        received.extend(chunk)
    writer.join(timeout=5)
    assert messages_in(bytes(received)) == [big, '42["changed",{"what":"pitch"}]']
    assert not locked.lock.locked()
    ours.close()
    theirs.close()


def test_a_direct_write_to_a_full_socket_is_refused_whole():
    """When the kernel takes nothing, nothing is half-sent: the frame is left to engineio's queue."""
    ours, theirs = tcp_pair()
    ours.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    theirs.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    locked = Locked(ours)
    written = []
    for i in range(10_000):  # nobody reads: the buffers fill
        text = f'42["tally",{{"n":{i}}}]'
        if not locked.try_write(frame(text)):
            break
        written.append(text)
        gevent.sleep(0)  # a partial write's rest goes out, or keeps the lock
    else:
        pytest.fail("the buffers never filled")
    theirs.settimeout(0.5)
    received = bytearray()
    while True:
        try:
            chunk = theirs.recv(65536)
        except TimeoutError:
            break
        received.extend(chunk)
    assert messages_in(bytes(received)) == written
    ours.close()
    theirs.close()


@pytest.fixture(scope="module")
def fanout_server(tmp_path_factory):
    """A live server of its own, so other tests' sockets don't move the frame counts."""
    with own_server(tmp_path_factory.mktemp("fanout"), "f", {"DIRECT_FANOUT": "1"}) as server:
        yield server


def test_websocket_and_polling_phones_both_see_every_tally_and_websockets_get_it_directly(fanout_server):
    server = fanout_server
    slug, fac_url = server.create_event("Fanout Camp")
    fac = Browserless(server.url)
    fac.open(fac_url.replace(server.url, ""))
    fac.post(f"/e/{slug}/pitch", {"title": "Framed once", "level": "everyone", "format": "talk", "language": "en"})
    pid = fac.http.get(f"{server.url}/api/v1/events/{slug}").json()["pitches"][0]["id"]

    listeners = []
    for transport in ("websocket", "websocket", "polling"):
        phone = Browserless(server.url)
        phone.open(f"/e/{slug}")
        tallies: list = []
        sio = socketio.Client(reconnection=False)
        sio.on("tally", tallies.append)
        sio.connect(f"{server.url}/?event={slug}", transports=[transport], headers={"Cookie": phone.cookie_header()})
        listeners.append((sio, tallies))
    before = scrape(server.url)
    try:
        for n in range(1, 4):
            voter = Browserless(server.url)
            voter.open(f"/e/{slug}")
            assert voter.post(f"/e/{slug}/pitches/{pid}/vote", {"on": "1"}).json()["voted"] is True
            deadline = time.monotonic() + 10
            while any(not t or t[-1]["counts"].get(str(pid)) != n for _s, t in listeners):
                assert time.monotonic() < deadline, [t[-1:] for _s, t in listeners]
                time.sleep(0.05)
        after = scrape(server.url)
    finally:
        for sio, _t in listeners:
            sio.disconnect()
    # three tallies to each of the two websockets went straight out; the polling phone's were queued
    assert after["barcamp_frames_total{path=direct}"] - before["barcamp_frames_total{path=direct}"] >= 6
    assert after["barcamp_frames_total{path=queued}"] - before["barcamp_frames_total{path=queued}"] >= 3
