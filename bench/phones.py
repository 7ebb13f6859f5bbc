"""Simulated phones (and the projector): one generator process holds a share of them.

Each phone does what a real one does: it loads the attendee home (getting its
own attendee cookie and CSRF token), opens a Socket.IO websocket with that
cookie, answers pings, applies tallies, and, like ``static/js/live.js``,
refetches the live partials its page shows when told they changed.

Vote → visible latency is measured on every client, for every vote. The storm
process writes the send time of the k-th vote on pitch i into a shared array
before it sends the request, and sends vote k+1 on a pitch only after vote k
was acknowledged. So a tally whose count for pitch i is at least k includes
vote k, and the latency of vote k on a client is the arrival time of the first
such tally minus the send time. Both clocks are the machine's monotonic clock.
"""

from __future__ import annotations

import asyncio
import gzip
import html
import random
import re
import resource
import time

from bench.wire import HttpError, connect, cookie_header, event_of, http

HIST_MS = 10_000  # 1 ms buckets up to 10 s; the last bucket collects everything later
LATE = 1.0  # seconds: a vote later than this on a client counts against that client's p99
CSRF_RE = re.compile(r'name="csrf-token" content="([^"]+)"')
LIVE_TAG_RE = re.compile(r"<[^>]*\bdata-live=\"[^\"]+\"[^>]*>")
ATTR_RE = re.compile(r'\b(data-live|data-src|data-refresh-on-tally)="([^"]*)"')
TOPICS_RE = re.compile(r'\bdata-(?:live|tally|topics)="([^"]*)"')


def page_topics(page: str) -> str:
    """What live.js tells the server the page shows: its live partials, tallies and topics."""
    return ",".join(sorted({name for names in TOPICS_RE.findall(page) for name in names.split()}))


def live_specs(page: str, slug: str) -> list[tuple[str, str, str]]:
    """(name, url, refresh-on-tally kind) of each ``data-live`` element of a page."""
    specs = []
    for tag in LIVE_TAG_RE.findall(page):
        attrs = {k: html.unescape(v) for k, v in ATTR_RE.findall(tag)}
        name = attrs["data-live"]
        specs.append((name, attrs.get("data-src") or f"/e/{slug}/live/{name}", attrs.get("data-refresh-on-tally", "")))
    return specs


class Phone:
    __slots__ = (
        "i",
        "port",
        "path",
        "jar",
        "csrf",
        "sock",
        "seen",
        "late",
        "samples",
        "specs",
        "refreshing",
        "tally_at",
    )

    def __init__(self, i: int, port: int, path: str, pitches: int):
        self.i, self.port, self.path = i, port, path
        self.jar: dict[str, str] = {}
        self.csrf = ""
        self.sock = None
        self.seen = [0] * pitches  # the latest count this client saw, per pitch
        self.late = self.samples = 0
        self.specs: list[tuple[str, str, str]] = []
        self.refreshing: set[str] = set()
        self.tally_at: dict[str, float] = {}  # kind -> "at" of the newest tally applied, as live.js keeps


class Worker:
    """Holds phones' connections and meters what they see."""

    def __init__(self, cfg: dict, phones: list[tuple[int, int, str]], sent):
        self.cfg, self.host, self.slug = cfg, cfg["host"], cfg["slug"]
        self.index = {str(pid): i for i, pid in enumerate(cfg["pitch_ids"])}
        self.slots = cfg["slots"]
        self.sent = sent
        self.phones = [Phone(i, port, path, len(self.index)) for i, port, path in phones]
        self.hist = [0] * (HIST_MS + 1)
        self.hist_due = [0] * (HIST_MS + 1)  # the same, measured from when the vote was scheduled
        self.due_base = len(self.index) * self.slots
        self.max = 0.0
        self.pairs = self.unsent = self.decreases = self.stale = 0
        self.http = {}  # kind -> [ok, errors]
        self.statuses: dict[str, int] = {}
        self.messages = self.disconnects = 0
        self.lag_max = 0.0
        self.lags: list[float] = []
        self.stopping = False
        self._parsed: dict[bytes, tuple] = {}
        self._tasks: set[asyncio.Task] = set()

    # --- HTTP -------------------------------------------------------------------
    async def request(self, kind: str, phone: Phone, method: str, path: str, **kw):
        headers = {"Cookie": cookie_header(phone.jar), "Accept-Encoding": "gzip", **kw.pop("headers", {})}
        counts = self.http.setdefault(kind, [0, 0])
        try:
            status, hdrs, cookies, body = await http(self.host, phone.port, method, path, headers=headers, **kw)
        except HttpError as exc:
            counts[1] += 1
            self.statuses[exc.args[0].split(":")[0]] = self.statuses.get(exc.args[0].split(":")[0], 0) + 1
            return None, b""
        phone.jar.update(cookies)
        if hdrs.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        counts[0 if status < 400 else 1] += 1
        if status >= 400:
            self.statuses[str(status)] = self.statuses.get(str(status), 0) + 1
        return status, body

    # --- joining --------------------------------------------------------------------
    async def join_all(self) -> dict:
        """Load each phone's page and open its socket, a few at a time."""
        gate = asyncio.Semaphore(self.cfg["join_concurrency"])
        took: list[float] = []

        async def one(phone: Phone):
            async with gate:
                t = time.monotonic()
                if await self.join(phone):
                    took.append(time.monotonic() - t)

        await asyncio.gather(*(one(p) for p in self.phones))
        return {"joined": len(took), "failed": len(self.phones) - len(took), "join_times": took}

    async def join(self, phone: Phone) -> bool:
        status, body = await self.request("join", phone, "GET", phone.path, headers={"Accept-Language": "de,en;q=0.8"})
        if status != 200:
            return False
        page = body.decode()
        m = CSRF_RE.search(page)
        phone.csrf = m.group(1) if m else ""
        phone.specs = live_specs(page, self.slug)
        counts = self.http.setdefault("socket", [0, 0])
        try:
            phone.sock = await connect(
                self.host,
                phone.port,
                self.slug,
                cookie_header(phone.jar),
                self.on_event,
                self.on_close,
                topics=page_topics(page),
                deflate=self.cfg["deflate"],
            )
        except (TimeoutError, OSError, ConnectionError):
            counts[1] += 1
            return False
        counts[0] += 1
        phone.sock.owner = phone
        return True

    def on_close(self, sock):
        if not self.stopping:
            self.disconnects += 1

    # --- what arrives -------------------------------------------------------------
    def on_event(self, sock, raw: bytes, now: float):
        self.messages += 1
        parsed = self._parsed.get(raw)
        if parsed is None:
            name, data = event_of(raw)
            pairs = ()
            if name == "tally" and data.get("kind") == "votes":
                pairs = tuple((self.index[k], n) for k, n in data["counts"].items() if k in self.index)
            parsed = (name, data, pairs)
            if len(self._parsed) > 512:
                self._parsed.clear()
            self._parsed[raw] = parsed
        name, data, pairs = parsed
        phone = sock.owner
        if name == "tally":
            # Like live.js: a tally read before the one already shown (crossed on the way) is ignored.
            kind, at = data.get("kind"), data.get("at", 0.0)
            if at < phone.tally_at.get(kind, 0.0):
                self.stale += 1
                return
            phone.tally_at[kind] = at
            if pairs:
                self.meter(phone, pairs, now)
            for what, _src, kind in phone.specs:
                if kind and kind == data.get("kind"):
                    self.refresh(phone, what, 0.2, "")
        elif name == "changed":
            what = data.get("what")
            # A change carrying its item's HTML is swapped in place by live.js: no fetch.
            if not (data.get("item") or data.get("gone")) and any(s[0] == what for s in phone.specs):
                delay = random.random() * (0.2 if data.get("now") else 0.8)
                self.refresh(phone, what, delay, f"at={data['at']}" if data.get("at") else "")

    def meter(self, phone: Phone, pairs, now: float):
        seen, sent, slots, hist = phone.seen, self.sent, self.slots, self.hist
        late = samples = 0
        for i, n in pairs:
            old = seen[i]
            if n > old:
                base = i * slots
                for k in range(old + 1, min(n, slots - 1) + 1):
                    t = sent[base + k]
                    if t == 0.0:  # a count higher than the votes sent: counted twice?
                        self.unsent += 1
                        continue
                    lat = now - t
                    hist[min(int(lat * 1000), HIST_MS)] += 1
                    due = sent[self.due_base + base + k]
                    self.hist_due[min(int((now - due) * 1000), HIST_MS)] += 1
                    samples += 1
                    if lat > LATE:
                        late += 1
                    if lat > self.max:
                        self.max = lat
                seen[i] = n
            elif n < old:
                self.decreases += 1
                seen[i] = n
        phone.samples += samples
        phone.late += late
        self.pairs += samples

    def refresh(self, phone: Phone, what: str, delay: float, query: str):
        """live.js ``refresh``: coalesced per partial, after a small random delay."""
        if what in phone.refreshing or self.stopping:
            return
        phone.refreshing.add(what)
        asyncio.get_running_loop().call_later(delay, self._spawn, phone, what, query)

    def _spawn(self, phone: Phone, what: str, query: str):
        task = asyncio.ensure_future(self._fetch(phone, what, query))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _fetch(self, phone: Phone, what: str, query: str):
        phone.refreshing.discard(what)
        for name, src, _kind in phone.specs:
            if name == what:
                url = f"{src}{'&' if '?' in src else '?'}{query}" if query else src
                await self.request("refetch", phone, "GET", url, headers={"Accept": "text/html"})

    # --- the generator's own health -------------------------------------------------
    async def watch_lag(self):
        """How late the event loop wakes up: if this grows, the generator is the bottleneck."""
        while True:
            t = time.monotonic()
            await asyncio.sleep(0.05)
            lag = time.monotonic() - t - 0.05
            self.lags.append(lag)
            self.lag_max = max(self.lag_max, lag)

    def reset(self):
        self.lags, self.lag_max, self.messages = [], 0.0, 0
        self.http = {k: [0, 0] for k in self.http}
        self.statuses = {}
        ru = resource.getrusage(resource.RUSAGE_SELF)
        self.cpu0, self.wall0 = ru.ru_utime + ru.ru_stime, time.monotonic()

    def results(self, db_counts: dict[str, int]) -> dict:
        ru = resource.getrusage(resource.RUSAGE_SELF)
        truth = [db_counts.get(str(pid), 0) for pid in self.cfg["pitch_ids"]]
        connected = [p for p in self.phones if p.sock is not None]
        differ = [p for p in connected if p.seen != truth]
        lags = sorted(self.lags) or [0.0]
        return {
            "hist": self.hist,
            "hist_due": self.hist_due,
            "max": self.max,
            "pairs": self.pairs,
            "unsent": self.unsent,
            "decreases": self.decreases,
            "stale": self.stale,
            "clients": len(connected),
            "compressed": sum(1 for p in connected if p.sock.inflater is not None),
            "clients_differ": len(differ),
            "missing": sum(max(0, t - s) for p in differ for t, s in zip(truth, p.seen, strict=True)),
            "clients_late": sum(1 for p in connected if p.samples and p.late > 0.01 * p.samples),
            "worst_late_share": max((p.late / p.samples for p in connected if p.samples), default=0.0),
            "http": self.http,
            "statuses": self.statuses,
            "messages": self.messages,
            "disconnects": self.disconnects,
            "cpu": ru.ru_utime + ru.ru_stime - self.cpu0,
            "wall": time.monotonic() - self.wall0,
            "lag_max": self.lag_max,
            "lag_p99": lags[int(0.99 * (len(lags) - 1))],
        }

    async def close(self):
        self.stopping = True
        for p in self.phones:
            if p.sock is not None:
                p.sock.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.sleep(0.1)


def raise_nofile() -> None:
    """Allow as many open sockets as the hard limit permits."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def main(conn, cfg: dict, phones: list[tuple[int, int, str]], sent) -> None:
    """Entry point of a generator process; talks to the parent over ``conn``."""
    raise_nofile()
    asyncio.run(_main(conn, cfg, phones, sent))


async def _main(conn, cfg, phones, sent):
    loop = asyncio.get_running_loop()
    worker = Worker(cfg, phones, sent)
    lag = asyncio.ensure_future(worker.watch_lag())

    async def recv():
        return await loop.run_in_executor(None, conn.recv)

    await recv()  # "join"
    worker.reset()
    joined = await worker.join_all()
    joined["http"], joined["statuses"] = worker.http, worker.statuses
    creds = [(p.i, p.port, cookie_header(p.jar), p.csrf) for p in worker.phones if p.sock is not None]
    conn.send(("joined", joined, creds))
    await recv()  # "storm"
    worker.reset()
    _cmd, db_counts = await recv()  # ("final", counts)
    conn.send(("final", worker.results(db_counts)))
    lag.cancel()
    await worker.close()
