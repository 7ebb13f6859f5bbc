"""The vote storm: R votes/s for T seconds from the phones' own cookies, mixed
with new pitches, questions and question upvotes, through the endpoints the
phones' JavaScript uses (``Accept: application/json`` + ``X-CSRFToken``).

Votes go round-robin over the event's pitches, each from a random phone that
has not voted for that pitch yet, to the server process that phone is
connected to (as nginx ``ip_hash`` would route it). The k-th vote on a pitch is
sent only after vote k-1 on it was acknowledged; its send time and the time it
was scheduled for go into the shared array first (see ``phones``). So a slow
server delays later sends: latency is measured from the send and from the
schedule (the honest figure under overload), and sends more than 100 ms behind
schedule are counted. A vote that fails is retried under the same k by the
next vote on that pitch, so counts stay exact.
"""

from __future__ import annotations

import asyncio
import json
import random
import resource
import time

from bench.phones import raise_nofile
from bench.wire import HttpError, cookie_header, http

TOPICS = [
    "Kaffee-Automatisierung mit dem Raspberry Pi",
    "Accessibility for everyone",
    "Wie plane ich ein Barcamp?",
    "Rust for Pythonistas",
    "Open Data im Rathaus",
    "Remote teams that work",
]
QUESTIONS = [
    "Wo finde ich die Folien?",
    "Is there a session for beginners about Git?",
    "Gibt es vegane Optionen beim Mittagessen?",
    "Who else is interested in home automation?",
]


LATE_SEND = 0.1  # seconds behind its schedule: a vote sent later than this is a late send


class Storm:
    def __init__(self, cfg: dict, phones: list[tuple[int, int, str, str]], sent):
        self.cfg, self.host, self.slug = cfg, cfg["host"], cfg["slug"]
        self.phones = phones  # (index, port, cookie, csrf)
        # Each phone's cookies, kept up to date from every answer as a browser does: its first vote
        # makes its attendee and says so in the cookie, and later votes take the short path.
        self.jars = [dict(c.split("=", 1) for c in cookie.split("; ") if "=" in c) for _i, _p, cookie, _t in phones]
        self.pitch_ids = cfg["pitch_ids"]
        self.slots, self.sent = cfg["slots"], sent
        self.due_base = len(self.pitch_ids) * self.slots  # sent[] holds send times, then scheduled times
        self.next_k = [1] * len(self.pitch_ids)
        self.acked = [0] * len(self.pitch_ids)
        self.voters = [random.sample(range(len(phones)), len(phones)) for _ in self.pitch_ids]
        self.http: dict[str, list[int]] = {}
        self.statuses: dict[str, int] = {}
        self.vote_times: list[float] = []
        self.late_sends = self.exhausted = 0
        self.questions: list[int] = []

    async def post(self, kind: str, n: int, path: str, form: dict) -> dict | None:
        _i, port, _cookie, csrf = self.phones[n]
        jar = self.jars[n]
        headers = {"Cookie": cookie_header(jar), "X-CSRFToken": csrf, "Accept": "application/json"}
        counts = self.http.setdefault(kind, [0, 0])
        try:
            status, _h, cookies, body = await http(self.host, port, "POST", path, headers=headers, form=form)
            jar.update(cookies)
        except HttpError as exc:
            counts[1] += 1
            key = exc.args[0].split(":")[0]
            self.statuses[key] = self.statuses.get(key, 0) + 1
            return None
        if status != 200:
            counts[1] += 1
            self.statuses[str(status)] = self.statuses.get(str(status), 0) + 1
            return None
        counts[0] += 1
        return json.loads(body)

    async def vote(self, p: int, previous: asyncio.Task | None, due: float):
        if previous is not None:
            await previous  # one vote in flight per pitch: count k means vote k arrived
        if not self.voters[p]:
            self.exhausted += 1
            return
        phone = self.voters[p].pop()
        k = self.next_k[p]
        if k >= self.slots:
            self.exhausted += 1
            return
        start = time.monotonic()
        if start - due > LATE_SEND:
            self.late_sends += 1
        self.sent[p * self.slots + k] = start
        self.sent[self.due_base + p * self.slots + k] = due  # latency from the schedule, too
        reply = await self.post("vote", phone, f"/e/{self.slug}/pitches/{self.pitch_ids[p]}/vote", {"on": "1"})
        self.vote_times.append(time.monotonic() - start)
        if reply and reply.get("ok") and reply.get("voted"):
            self.next_k[p] += 1
            self.acked[p] += 1

    async def votes(self, t0: float):
        rate, duration = self.cfg["rate"], self.cfg["duration"]
        chains: list[asyncio.Task | None] = [None] * len(self.pitch_ids)
        i = 0
        while (due := t0 + i / rate) < t0 + duration:
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            p = i % len(self.pitch_ids)
            chains[p] = asyncio.ensure_future(self.vote(p, chains[p], due))
            i += 1
        await asyncio.gather(*(c for c in chains if c is not None))
        return i

    async def every(self, rate: float, t0: float, action):
        """Run ``action`` ``rate`` times a second until the storm ends."""
        if rate <= 0:
            return
        tasks, i = [], 0
        while (due := t0 + (i + 0.5) / rate) < t0 + self.cfg["duration"]:
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            tasks.append(asyncio.ensure_future(action(i)))
            i += 1
        await asyncio.gather(*tasks)

    async def pitch(self, i: int):
        form = {
            "title": f"{random.choice(TOPICS)} #{i}",
            "level": random.choice(["beginner", "everyone", "deep"]),
            "format": random.choice(["talk", "discussion", "workshop"]),
            "language": random.choice(["de", "en"]),
            "client_id": f"bench-{self.slug}-{i}",
        }
        await self.post("pitch", random.randrange(len(self.phones)), f"/e/{self.slug}/pitch", form)

    async def question(self, i: int):
        form = {"text": f"{random.choice(QUESTIONS)} ({i})"}
        reply = await self.post("question", random.randrange(len(self.phones)), f"/e/{self.slug}/questions", form)
        if reply and reply.get("id"):
            self.questions.append(reply["id"])

    async def question_vote(self, i: int):
        if self.questions:
            qid = random.choice(self.questions)
            await self.post(
                "question vote", random.randrange(len(self.phones)), f"/e/{self.slug}/questions/{qid}/vote", {"on": "1"}
            )

    async def run(self, t0: float) -> dict:
        cfg = self.cfg
        ru0 = resource.getrusage(resource.RUSAGE_SELF)
        sent, *_ = await asyncio.gather(
            self.votes(t0),
            self.every(cfg["pitch_rate"], t0, self.pitch),
            self.every(cfg["question_rate"], t0, self.question),
            self.every(cfg["question_vote_rate"], t0, self.question_vote),
        )
        ru1 = resource.getrusage(resource.RUSAGE_SELF)
        times = sorted(self.vote_times) or [0.0]
        return {
            "votes_scheduled": sent,
            "acked": dict(zip(map(str, self.pitch_ids), self.acked, strict=True)),
            "late_sends": self.late_sends,
            "exhausted": self.exhausted,
            "http": self.http,
            "statuses": self.statuses,
            "vote_http_p50": times[len(times) // 2],
            "vote_http_p99": times[int(0.99 * (len(times) - 1))],
            "cpu": (ru1.ru_utime + ru1.ru_stime) - (ru0.ru_utime + ru0.ru_stime),
            "wall": time.monotonic() - t0,
        }


def main(conn, cfg: dict, phones, sent) -> None:
    """Entry point of the storm process: waits for the start time, runs, reports."""
    raise_nofile()
    t0 = conn.recv()
    conn.send(asyncio.run(Storm(cfg, phones, sent).run(t0)))
