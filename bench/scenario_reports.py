"""Report bench at national size (7,400 bridge points, 960,000 people; bench/national.py).

    .venv/bin/python bench/scenario_reports.py [--points 7400] [--people 960000] [--database URL]

Prints, for the CSV and XLSX exports, the time and the peak memory (max RSS of a fresh
process doing only that export; target < 300 MB), and the summary aggregation time next to
the bare GROUP BY over the same rows (target <= 2x). Under bench/run.py (`make bench`) it runs
once at 1,500 points / 200,000 people (national size with DIEMCAU_BENCH_NATIONAL=1), then
measures the summary CSV download of the demo session with wrk.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

MEMORY_LIMIT_MB = 300
EXPORTS = [("summary", "csv"), ("absentees", "csv"), ("summary", "xlsx"), ("absentees", "xlsx")]


def _session(url: str):
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    return Session(create_engine(url))


def export_once(url: str, session_id: int, what: str, fmt: str, out: str) -> dict:
    """One export in this process (run in a fresh subprocess): seconds, peak RSS, bytes."""
    from datetime import datetime, timezone

    from attendance.models import StudySession
    from attendance.reports.summary_export import export

    db = _session(url)
    session = db.get(StudySession, session_id)
    started = time.perf_counter()
    with open(out, "wb") as handle:
        export(db, session, what, fmt, handle, now=datetime.now(timezone.utc))
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "peak_mb": _peak_kb() / 1024, "bytes": os.path.getsize(out)}


def _peak_kb() -> int:
    """Peak RSS of this process image. VmHWM starts afresh at exec; ru_maxrss does not (it
    keeps the parent's high-water mark from before the exec, here the generator's)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux


def aggregation_times(url: str, session_id: int, repeat: int = 3) -> tuple[float, float]:
    """(best summarize() time, best bare GROUP BY time) on the same database."""
    from sqlalchemy import func, select

    from attendance.figures.summary import summarize
    from attendance.models import Attendance, Person, StudySession

    bare_query = (
        select(Person.venue_id, Person.category_id, Attendance.status, func.count())
        .select_from(Person)
        .outerjoin(Attendance, (Attendance.person_id == Person.id)
                   & (Attendance.session_id == Person.session_id))
        .where(Person.session_id == session_id)
        .group_by(Person.venue_id, Person.category_id, Attendance.status))
    best_summary = best_bare = float("inf")
    for _ in range(repeat):
        db = _session(url)  # a fresh session: venues and categories loaded each time
        started = time.perf_counter()
        summary = summarize(db, db.get(StudySession, session_id))
        best_summary = min(best_summary, time.perf_counter() - started)
        db.close()
        db = _session(url)
        started = time.perf_counter()
        rows = db.execute(bare_query).all()
        best_bare = min(best_bare, time.perf_counter() - started)
        db.close()
    assert sum(r[3] for r in rows) == summary.totals.invited  # the same rows were counted
    return best_summary, best_bare


def measure(url: str, session_id: int, out_dir: str) -> list[str]:
    """Run every measurement; returns the printed lines (also printed as they come)."""
    lines = []

    def say(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    for what, fmt in EXPORTS:
        out = os.path.join(out_dir, f"{what}.{fmt}")
        done = subprocess.run(
            [sys.executable, __file__, "--export-once", url, str(session_id), what, fmt, out],
            capture_output=True, text=True, cwd=ROOT)
        if done.returncode:
            say(f"  export {what}.{fmt}: FAILED\n{done.stderr[-2000:]}")
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        verdict = "OK" if r["peak_mb"] < MEMORY_LIMIT_MB else "OVER"
        say(f"  export {what + '.' + fmt:<16} {r['seconds']:7.1f} s  peak {r['peak_mb']:6.0f} MB "
            f"(limit {MEMORY_LIMIT_MB}: {verdict})  {r['bytes'] / 1e6:7.1f} MB written")
    summary_s, bare_s = aggregation_times(url, session_id)
    ratio = summary_s / bare_s
    say(f"  summary aggregation {summary_s * 1000:7.0f} ms vs bare GROUP BY {bare_s * 1000:7.0f} "
        f"ms = {ratio:.2f}x (target <= 2x: {'OK' if ratio <= 2 else 'OVER'})")
    return lines


def national(url: str, points: int, people: int) -> int:
    from national import generate_timed

    return generate_timed(url, points, people)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--export-once":
        url, session_id, what, fmt, out = argv[1:6]
        print(json.dumps(export_once(url, int(session_id), what, fmt, out)))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--points", type=int, default=7400)
    parser.add_argument("--people", type=int, default=960_000)
    parser.add_argument("--database", help="a database URL or SQLite path (default: a "
                        "temporary SQLite file)")
    parser.add_argument("--session", type=int,
                        help="measure this existing session of --database (no generation)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="diemcau-reports-") as tmp:
        from national import database_url

        url = database_url(args.database or os.path.join(tmp, "national.sqlite3"))
        print(f"Reports at national size ({url.split(':')[0]}):", flush=True)
        session_id = args.session or national(url, args.points, args.people)
        measure(url, session_id, tmp)
    return 0


try:  # as a plug-in of bench/run.py
    from run import Figures, parse_wrk, scenario
except ImportError:
    scenario = None

if scenario is not None:
    _state: dict = {}

    def _prepare(bench) -> None:
        if "token" not in _state:
            # The national set takes minutes to generate: only when asked, as for the dashboard.
            points, people = (7400, 960_000) if os.environ.get(
                "DIEMCAU_BENCH_NATIONAL") == "1" else (1500, 200_000)
            print(f"Reports at {points:,} points / {people:,} people (SQLite, once; "
                  "DIEMCAU_BENCH_NATIONAL=1 for the national size):", flush=True)
            with tempfile.TemporaryDirectory(prefix="diemcau-reports-") as tmp:
                url = f"sqlite:///{tmp}/national.sqlite3"
                measure(url, national(url, points, people), tmp)
            bench.flask("create-user", "bench-viewer", "--role", "viewer",
                        "--password", "bench-viewer-pw")
            _state["token"] = bench.flask("create-token", "bench-viewer").strip().splitlines()[-1]
            _state["session"] = bench.sql("SELECT min(id) FROM study_sessions")[0][0]

    @scenario("summary CSV download", prepare=_prepare)
    def summary_download(bench, connections: int) -> Figures:
        url = f"{bench.base_url}/sessions/{_state['session']}/report/summary.csv"
        assert url.startswith("http://127.0.0.1:")
        done = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{bench.duration}s", "--timeout", "10s",
             "--latency", "-H", f"Authorization: Bearer {_state['token']}", url],
            capture_output=True, text=True, check=True, timeout=bench.duration + 60)
        return parse_wrk(done.stdout)


if __name__ == "__main__":
    sys.exit(main())
