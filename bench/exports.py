"""The long exports a background job makes, at province or national size: time and peak memory.

    .venv/bin/python bench/exports.py [--size province|national] [--database URL_OR_PATH]
                                      [--session ID] [--only cards,posters,...]
    make bench BENCH_ARGS="--exports province"      # the same, before the wrk scenarios

Province: 226 bridge points, 32,000 people; national: 7,400 points, 960,000 people
(bench/national.py fills a temporary SQLite file unless --database/--session name one). Each
export runs in a fresh process doing only that, through attendance.jobs.exports.write (what the
job worker runs), and prints its seconds, its peak RSS (VmHWM; target under 300 MB) and the
file's size. Province measures the whole-session cards (the issue's HTTP 500 after 30.6 s),
national the summary and absentee PDFs/XLSX and the posters.
"""

import argparse
import json
import os
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
SIZES = {"province": (226, 32_000), "national": (7400, 960_000)}
EXPORTS = {
    "province": [("cards", "pdf"), ("posters", "pdf"), ("summary", "pdf"),
                 ("absentees", "pdf"), ("summary", "xlsx")],
    "national": [("summary", "xlsx"), ("summary", "pdf"), ("absentees", "pdf"),
                 ("posters", "pdf")],
}


def export_once(url: str, session_id: int, what: str, fmt: str, out: str) -> dict:
    from datetime import datetime, timezone

    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from attendance.jobs import exports
    from attendance.models import Job, StudySession
    from scenario_reports import _peak_kb

    db = Session(create_engine(url))
    session = db.get(StudySession, session_id)
    job = Job(id="bench", session=session, session_id=session_id, what=what, format=fmt,
              venue_id=None, params="{}")
    steps = []
    started, cpu = time.perf_counter(), time.process_time()
    with open(out, "wb") as handle:
        exports.write(db, job, handle, key=b"k" * 32, now=datetime.now(timezone.utc),
                      url_for_venue=lambda v: f"https://diemcau.example.vn/c/{v.code}",
                      progress=steps.append)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "cpu_s": time.process_time() - cpu, "peak_mb": _peak_kb() / 1024, "bytes": os.path.getsize(out),
            "progress_reports": len(steps)}


def measure(url: str, session_id: int, size: str, out_dir: str, only=None) -> list[str]:
    lines = []
    for what, fmt in EXPORTS[size]:
        if only and what not in only:
            continue
        out = os.path.join(out_dir, f"{what}.{fmt}")
        done = subprocess.run([sys.executable, __file__, "--export-once", url, str(session_id),
                               what, fmt, out], capture_output=True, text=True, cwd=ROOT)
        if done.returncode:
            line = f"  {size} {what}.{fmt}: FAILED\n{done.stderr[-2000:]}"
        else:
            r = json.loads(done.stdout.strip().splitlines()[-1])
            verdict = "OK" if r["peak_mb"] < MEMORY_LIMIT_MB else "OVER"
            line = (f"  {size} {what + '.' + fmt:<15} {r['seconds']:7.1f} s "
                    f"({r['cpu_s']:6.1f} s CPU)  peak "
                    f"{r['peak_mb']:6.0f} MB (limit {MEMORY_LIMIT_MB}: {verdict})  "
                    f"{r['bytes'] / 1e6:7.1f} MB  {r['progress_reports']} progress reports")
        print(line, flush=True)
        lines.append(line)
    return lines


def run(size: str, database: str | None = None, session_id: int | None = None,
        only=None) -> list[str]:
    from national import database_url, generate_timed

    points, people = SIZES[size]
    with tempfile.TemporaryDirectory(prefix="diemcau-exports-") as tmp:
        url = database_url(database or os.path.join(tmp, f"{size}.sqlite3"))
        print(f"Exports at {size} size ({points:,} points, {people:,} people, "
              f"{url.split(':')[0]}):", flush=True)
        if session_id is None:
            session_id = generate_timed(url, points, people)
        return measure(url, session_id, size, tmp, only)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--export-once":
        url, session_id, what, fmt, out = argv[1:6]
        print(json.dumps(export_once(url, int(session_id), what, fmt, out)))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=list(SIZES), default="province")
    parser.add_argument("--database")
    parser.add_argument("--session", type=int)
    parser.add_argument("--only", help="comma-separated: cards,posters,summary,absentees")
    args = parser.parse_args(argv)
    run(args.size, args.database, args.session,
        set(args.only.split(",")) if args.only else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
