"""Throughput bench: the app served exactly as `make run` serves it, loaded with wrk.

    .venv/bin/python bench/run.py [--duration 10] [--connections 16,64] [--warm-up 2] [--only NAME]
                                  [--exports province|national]

Starts its own instance (temporary instance folder, SQLite file there, or its own schema in
DATABASE_URL's PostgreSQL), seeds the demo starting now (so check-in is open), serves with
gunicorn on a free 127.0.0.1 port and runs wrk against it. Every figure is printed next to its
ratio to GET /healthz measured in the same run at the same connection count, because absolute
figures mean little on a shared machine.

Add a scenario in a file bench/scenario_*.py (imported automatically):

    from run import scenario

    @scenario("check-in POST")
    def checkin(bench, connections):
        return bench.wrk("/api/v1/...", connections, script=bench.here / "checkin.lua",
                         env={"TOKEN": ...})

A scenario gets the Bench (base_url, env, duration, planned_seconds, warming_up, flask(), wrk(),
sql()) and a connection count, and returns the Figures of wrk (or its own). Keep every load on
127.0.0.1 and bounded in time.

Before its first figure each scenario runs for --warm-up seconds at the first connection count,
not counted (bench.warming_up is True then): each gunicorn worker's first requests of a kind
open its database connection, compile its statements and fill its caches, which a server that
has been up for a while has long done.

This machine's speed drifts from minute to minute (a shared host), so each scenario's ratio is
taken to a /healthz measured right before it at the same connection count (printed above it).
"""

import argparse
import importlib
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
WORKERS = 4  # as `make run`
SCENARIOS: list[tuple[str, object, object]] = []


@dataclass
class Figures:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int = 0  # non-2xx/3xx answers plus socket errors


def scenario(name: str, prepare=None):
    """Register ``func(bench, connections) -> Figures`` under ``name``; ``prepare(bench)``, if
    given, runs once before its first measurement (data set-up stays out of the timings)."""
    def register(func):
        SCENARIOS.append((name, func, prepare))
        return func
    return register


class Bench:
    def __init__(self, base_url: str, env: dict, duration: int, planned_seconds: int):
        self.base_url = base_url
        self.env = env
        self.duration = duration  # of the run in progress
        # How long one scenario is driven in all (warm-up and every figure): to size its data.
        self.planned_seconds = planned_seconds
        self.warming_up = False
        self.here = HERE

    def flask(self, *args: str) -> str:
        """Run ``flask --app webapp ARGS`` against the bench's database; returns stdout."""
        done = subprocess.run([str(BIN / "flask"), "--app", "webapp", *args], cwd=ROOT,
                              env=self.env, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stderr}")
        return done.stdout

    def sql(self, query: str, **params):
        """Rows of a read query on the bench's database (e.g. to fetch tokens for a script)."""
        code = ("import json, sys; from sqlalchemy import text; from webapp import create_app; "
                "from webapp.extensions import db; app = create_app()\n"
                "with app.app_context():\n"
                "    rows = db.session.execute(text(sys.argv[1]), json.loads(sys.argv[2]))\n"
                "    print(json.dumps([list(r) for r in rows], default=str))")
        import json
        done = subprocess.run([sys.executable, "-c", code, query, json.dumps(params)], cwd=ROOT,
                              env=self.env, capture_output=True, text=True, check=True)
        return json.loads(done.stdout)

    def wrk(self, path: str, connections: int, *, script: Path | None = None,
            env: dict | None = None, threads: int = 2) -> Figures:
        url = self.base_url + path
        assert url.startswith("http://127.0.0.1:"), "load only this machine"
        command = ["wrk", f"-t{min(threads, connections)}", f"-c{connections}",
                   f"-d{self.duration}s", "--timeout", "5s", "--latency"]
        if script:
            command += ["-s", str(script)]
        done = subprocess.run(command + [url], capture_output=True, text=True, check=True,
                              env={**os.environ, **(env or {})},
                              timeout=self.duration + 30)
        return parse_wrk(done.stdout)


def parse_wrk(output: str) -> Figures:
    def latency_ms(label: str) -> float:
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        if not match:
            raise ValueError(f"wrk gave no {label}% latency:\n{output}")
        return float(match[1]) * {"us": 0.001, "ms": 1, "s": 1000}[match[2]]

    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    if not rate:
        raise ValueError(f"wrk gave no Requests/sec:\n{output}")
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return Figures(float(rate[1]), latency_ms("50"), latency_ms("99"),
                   errors + (int(bad[1]) if bad else 0))


@scenario("GET /healthz")
def healthz(bench: Bench, connections: int) -> Figures:
    return bench.wrk("/healthz", connections)


def _server_cpu(server: subprocess.Popen) -> float:
    """CPU seconds used so far by gunicorn and its workers (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    pids = [server.pid]
    try:
        pids += [int(p) for p in Path(f"/proc/{server.pid}/task/{server.pid}/children")
                 .read_text().split()]
    except OSError:
        return 0.0
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _measure(server, duration: int, name: str, func, bench: Bench, connections: int,
             baseline: float | None) -> float:
    """Run one figure, print its line (ratio to ``baseline``), return its rate."""
    cpu_before = _server_cpu(server)
    figures = func(bench, connections)
    # Server CPU per answer (per scan for batches): gunicorn and its workers, not wrk.
    cpu_ms = (_server_cpu(server) - cpu_before) * 1000 / max(figures.requests_per_s * duration, 1)
    ratio = figures.requests_per_s / (baseline or figures.requests_per_s)
    print(f"{name:<28}{connections:>6}{figures.requests_per_s:>10.0f}{ratio:>10.2f}×"
          f"{figures.p50_ms:>9.2f}{figures.p99_ms:>9.2f}{figures.errors:>8}{cpu_ms:>15.3f}",
          flush=True)
    return figures.requests_per_s


def _warm_up(bench: Bench, seconds: int, name: str, func, connections: int) -> None:
    duration, bench.duration, bench.warming_up = bench.duration, seconds, True
    try:
        figures = func(bench, connections)
    finally:
        bench.duration, bench.warming_up = duration, False
    print(f"  (warm-up, not counted: {name}, {connections} conns, {seconds} s, "
          f"{figures.requests_per_s:.0f}/s)", flush=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database(instance: Path):
    """(DATABASE_URL for the bench, cleanup) — SQLite in the instance, or a fresh PG schema."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{instance / 'bench.sqlite3'}", lambda: None
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from webapp.config import _sqlalchemy_url

    schema = f"bench_{secrets.token_hex(4)}"
    engine = create_engine(_sqlalchemy_url(url))
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    bench_url = make_url(_sqlalchemy_url(url)).update_query_dict(
        {"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)

    def drop():
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()
    return bench_url, drop


def _wait_until_up(url: str, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /healthz in time")


def _load_plugins() -> None:
    sys.path.insert(0, str(HERE))
    sys.modules.setdefault("run", sys.modules[__name__])  # plug-ins do `from run import scenario`
    for path in sorted(HERE.glob("scenario_*.py")):
        importlib.import_module(path.stem)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--connections", default="16,64", help="comma-separated counts")
    parser.add_argument("--warm-up", type=int, default=2,
                        help="seconds each scenario runs, not counted, before its first figure")
    parser.add_argument("--only", help="run only scenarios whose name contains this")
    parser.add_argument("--exports", choices=("province", "national"),
                        help="first measure the background jobs' exports at this size (time, "
                             "peak memory: bench/exports.py); with --only exports, only that")
    args = parser.parse_args(argv)
    if args.exports:
        import exports

        exports.run(args.exports)
        if args.only == "exports":
            return 0
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    _load_plugins()
    counts = [int(n) for n in args.connections.split(",")]

    instance = Path(tempfile.mkdtemp(prefix="diemcau-bench-"))
    # One API token drives thousands of requests a second here: the per-token limit is raised
    # (still counted on every request, so its cost is in the figures), never switched off.
    # The morning's participants all come from 127.0.0.1: the per-address limit of self
    # check-in is raised likewise (counted all the same).
    (instance / "config.py").write_text('RATELIMIT_API_TOKEN = "100000000/minute"\n'
                                        'RATELIMIT_SELF_CHECKIN = "100000000/minute"\n')
    database_url, drop_database = _database(instance)
    env = {**os.environ, "DIEMCAU_INSTANCE": str(instance), "DATABASE_URL": database_url}
    port = _free_port()
    bench = Bench(f"http://127.0.0.1:{port}", env, args.duration,
                  planned_seconds=args.warm_up + len(counts) * args.duration)
    server = None
    try:
        # Schema and demo before gunicorn forks its workers, as `make run` does.
        bench.flask("init-db")
        start = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%Y-%m-%d %H:%M")
        bench.flask("seed-demo", "--start", start)
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "--no-control-socket",
             "-w", str(WORKERS),
             "-b", f"127.0.0.1:{port}", "--log-level", "warning", "webapp:create_app()"],
            cwd=ROOT, env=env)
        _wait_until_up(bench.base_url, server)
        db_kind = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
        print(f"Điểm Cầu bench: gunicorn {WORKERS} sync workers, {db_kind}, "
              f"{args.duration} s per figure, wrk on 127.0.0.1")
        print(f"{'scenario':<28}{'conns':>6}{'req/s':>10}{'× healthz':>11}"
              f"{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'server CPU ms':>15}")
        for name, func, prepare in SCENARIOS:
            if name == "GET /healthz" or (args.only and args.only not in name):
                continue
            if prepare is not None:
                prepare(bench)
            if args.warm_up > 0:
                _warm_up(bench, args.warm_up, name, func, counts[0])
            for connections in counts:
                baseline = _measure(server, args.duration, "GET /healthz", healthz, bench,
                                    connections, None)
                _measure(server, args.duration, name, func, bench, connections, baseline)
    finally:
        if server is not None:
            server.terminate()
            server.wait(15)
        drop_database()
        shutil.rmtree(instance, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
