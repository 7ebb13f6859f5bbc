"""The system under test: K gunicorn processes (one gevent worker each, on its
own port), started exactly as deployed (``gunicorn -c python:config wsgi:app``),
on a fresh SQLite file or a fresh PostgreSQL database, sharing Redis when K > 1.
Also reads their CPU time and peak memory from /proc.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (gunicorn's workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def machine_busy_seconds() -> float:
    """CPU seconds every process on this machine has used (all cores), from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / TICK


def status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Servers:
    """Start, watch and stop the app processes."""

    def __init__(self, processes: int = 1, database: str | None = None, redis: str | None = None):
        if processes > 1 and not redis:
            raise SystemExit("--processes > 1 needs --redis (the Socket.IO message queue)")
        self.processes, self.redis = processes, redis
        self.tmp = Path(tempfile.mkdtemp(prefix="barcamp-bench-"))
        self.admin_url = database if database and not database.startswith("sqlite") else None
        self.url = database or f"sqlite:///{self.tmp / 'bench.db'}"
        self.ports = [free_port() for _ in range(processes)]
        self.procs: list[subprocess.Popen] = []
        self.logs: list[Path] = []
        self.env = {
            **os.environ,
            "SECRET_KEY": secrets.token_hex(16),
            "BARCAMP_INSTANCE": str(self.tmp),
            # A channel of its own, so parallel runs on one Redis never hear each other.
            "SOCKETIO_CHANNEL": f"barcamp-bench-{uuid.uuid4().hex[:8]}",
            "METRICS_TOKEN": secrets.token_hex(16),  # the benchmark reads /metrics as the operator would
        }
        self.env.pop("ACCESS_LOG", None)
        if redis:
            self.env["REDIS_URL"] = redis
        self.peak_cpu = 0.0
        self._sampling = False

    @property
    def kind(self) -> str:
        return self.url.split(":", 1)[0].split("+", 1)[0]

    def flask(self, *args: str) -> str:
        out = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", *args],
            cwd=ROOT,
            env={**self.env, "DATABASE_URL": self.url},
            check=True,
            capture_output=True,
            text=True,
        )
        return out.stdout

    def start(self) -> str:
        """Create the database and an event, start the processes; return the event's slug."""
        if self.admin_url:
            name = f"barcamp_bench_{uuid.uuid4().hex[:10]}"
            engine = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
            engine.dispose()
            self.url = self.admin_url.rsplit("/", 1)[0] + "/" + name
        self.flask("db", "upgrade")
        created = self.flask("event", "create", "Barcamp Benchmark 2026")
        slug = re.search(r"/e/([^/\s]+)", created).group(1)
        self.facilitator_path = re.search(r"Facilitator:\s+https?://[^/]+(/\S+)", created).group(1)
        for port in self.ports:
            log = self.tmp / f"server-{port}.log"
            self.logs.append(log)
            env = {**self.env, "DATABASE_URL": self.url, "BIND": f"127.0.0.1:{port}"}
            self.procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "-c", "python:config", "wsgi:app"],
                    cwd=ROOT,
                    env=env,
                    stdout=log.open("w"),
                    stderr=subprocess.STDOUT,
                )
            )
        for port, log in zip(self.ports, self.logs, strict=True):
            self._wait(port, log)
        self.workers = [w for p in self.procs for w in children(p.pid)]
        threading.Thread(target=self._sample, daemon=True).start()
        return slug

    def _wait(self, port: int, log: Path) -> None:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"server on port {port} did not start:\n{log.read_text()[-3000:]}")

    def broadcast_counters(self) -> tuple[float, float]:
        """Frames handed out by tally broadcasts, and the CPU seconds that took, over every process
        (from /metrics: ``barcamp_broadcast_frames_total``, ``barcamp_broadcast_cpu_seconds_total``)."""
        frames = cpu = 0.0
        for port in self.ports:
            req = urllib.request.Request(
                f"http://127.0.0.1:{port}/metrics", headers={"Authorization": f"Bearer {self.env['METRICS_TOKEN']}"}
            )
            with urllib.request.urlopen(req, timeout=10) as r:
                for line in r.read().decode().splitlines():
                    name, _, value = line.partition(" ")
                    if name == "barcamp_broadcast_frames_total":
                        frames += float(value)
                    elif name == "barcamp_broadcast_cpu_seconds_total":
                        cpu += float(value)
        return frames, cpu

    def cpu(self) -> float:
        """CPU seconds used so far by the gunicorn workers."""
        return sum(cpu_seconds(pid) for pid in self.workers)

    def peak_rss_mb(self) -> float:
        """The largest peak resident memory of one worker, in MB."""
        return max((status_kb(pid, "VmHWM") for pid in self.workers), default=0) / 1024

    def _sample(self) -> None:
        last_cpu, last = self.cpu(), time.monotonic()
        while self.procs:
            time.sleep(1.0)
            cpu, now = self.cpu(), time.monotonic()
            if self._sampling:
                self.peak_cpu = max(self.peak_cpu, (cpu - last_cpu) / (now - last))
            last_cpu, last = cpu, now

    def sampling(self, on: bool) -> None:
        self._sampling = on

    def vote_counts(self, slug: str) -> dict[str, int]:
        """Votes per active pitch, read straight from the database."""
        engine = sa.create_engine(self.url)
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT v.pitch_id, count(*) FROM vote v JOIN pitch p ON p.id = v.pitch_id "
                    "JOIN event e ON e.id = p.event_id WHERE e.slug = :slug AND p.status = 'active' "
                    "GROUP BY v.pitch_id"
                ),
                {"slug": slug},
            )
            counts = {str(pid): n for pid, n in rows}
        engine.dispose()
        return counts

    def log_problems(self) -> dict[str, int]:
        """Count "database is locked" errors and tracebacks in the server logs."""
        text = "".join(log.read_text(errors="replace") for log in self.logs if log.exists())
        return {"db_locked": text.lower().count("database is locked"), "tracebacks": text.count("Traceback")}

    def stop(self) -> None:
        procs, self.procs = self.procs, []
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        if self.admin_url:
            engine = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.url.rsplit("/", 1)[1]}" WITH (FORCE)')
            engine.dispose()
