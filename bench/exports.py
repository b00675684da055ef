"""The long exports a background job makes, at province or national size: time and peak memory.

    .venv/bin/python bench/exports.py [--size province|national] [--database URL_OR_PATH]
                                      [--session ID] [--only cards,posters,...]
    make bench BENCH_ARGS="--exports province"      # the same, before the wrk scenarios

Province: 226 bridge points, 32,000 people; national: 7,400 points, 960,000 people
(bench/national.py fills a temporary SQLite file unless --database/--session name one). Each
export runs in a fresh process doing only that, through attendance.jobs.exports.write (what the
job worker runs), and prints its seconds, its peak RSS (VmHWM; target under 300 MB) and the
file's size. Province measures the whole-session cards (the issue's HTTP 500 after 30.6 s),
national the summary and absentee PDFs/XLSX, the posters and the cards, as one PDF and as
the ZIP of a PDF per venue (stopped after --cards-seconds, 300 by default, and
extrapolated); --only takes a name (cards) or a name and format (cards.zip). The outcomes report needs a member
registry, which bench/national.py does not make: measure it on bench/outcomes_data.py's
(`outcomes_data.py FILE --national`, then `--database FILE --session ID --only outcomes`).
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
# The national cards are 960,000 cards on 120,000 pages (hours of CPU here): that run is
# stopped after this long, with its peak memory so far and the whole run extrapolated from
# its progress (memory is that of one part of 1,600 cards, whatever the roster).
CARDS_BUDGET = 300.0
SIZES = {"province": (226, 32_000), "national": (7400, 960_000)}
EXPORTS = {
    "province": [("cards", "pdf"), ("cards", "zip"), ("posters", "pdf"), ("summary", "pdf"),
                 ("absentees", "pdf"), ("summary", "xlsx")],
    "national": [("summary", "xlsx"), ("summary", "pdf"), ("absentees", "pdf"),
                 ("posters", "pdf"), ("cards", "pdf"), ("cards", "zip"), ("outcomes", "xlsx")],
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

    def progress(percent: int) -> None:
        steps.append(percent)
        print(f"progress {percent}", flush=True)  # the parent follows (and may stop) the run
    with open(out, "wb") as handle:
        exports.write(db, job, handle, key=b"k" * 32, now=datetime.now(timezone.utc),
                      url_for_venue=lambda v: f"https://diemcau.example.vn/c/{v.code}",
                      progress=progress)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "cpu_s": time.process_time() - cpu,
            "peak_mb": _peak_kb() / 1024, "bytes": os.path.getsize(out),
            "progress_reports": len(steps)}


def _proc(pid: int) -> tuple[float, float]:
    """(peak RSS in MB, CPU seconds) of a running process, from /proc."""
    peak = 0.0
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return peak, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _run_once(url, session_id, what, fmt, out, budget: float | None) -> dict:
    """The export in a fresh process; past ``budget`` seconds it is stopped and measured as
    far as it got (peak so far, CPU, progress), with the whole run extrapolated."""
    errors = tempfile.TemporaryFile(mode="w+")
    child = subprocess.Popen([sys.executable, __file__, "--export-once", url, str(session_id),
                              what, fmt, out], stdout=subprocess.PIPE, stderr=errors,
                             cwd=ROOT)
    fd = child.stdout.fileno()
    os.set_blocking(fd, False)
    started, state, pending = time.perf_counter(), {"percent": 0, "last": ""}, [""]
    marks = []  # (percent, CPU seconds) as the progress moved: the rate, past the start-up

    def take(text: str) -> None:
        pending[0] += text
        *lines, pending[0] = pending[0].split("\n")
        for line in lines:
            if line.startswith("progress "):
                state["percent"] = int(line.split()[1])
                marks.append((state["percent"], _proc(child.pid)[1]))
            elif line.strip():
                state["last"] = line
    while child.poll() is None:
        if budget is not None and time.perf_counter() - started > budget:
            peak, cpu = _proc(child.pid)
            child.kill()  # this bench's own child, by its PID
            child.wait()
            whole = float("nan")
            if len(marks) >= 2 and marks[-1][0] > marks[0][0]:
                (p0, c0), (p1, c1) = marks[0], marks[-1]
                whole = c0 + (c1 - c0) * (100 - p0) / (p1 - p0)
            return {"stopped": True, "seconds": time.perf_counter() - started, "cpu_s": cpu,
                    "peak_mb": peak, "percent": state["percent"], "whole_cpu_s": whole}
        take(_available(fd))
        time.sleep(0.5)
    os.set_blocking(fd, True)
    take(child.stdout.read().decode() + "\n")
    if child.returncode:
        errors.seek(0)
        return {"failed": errors.read()[-2000:]}
    return json.loads(state["last"])


def _available(fd: int) -> str:
    try:
        return os.read(fd, 1 << 16).decode(errors="replace")
    except BlockingIOError:
        return ""


def measure(url: str, session_id: int, size: str, out_dir: str, only=None,
            budget: float | None = None) -> list[str]:
    lines = []
    for what, fmt in EXPORTS[size]:
        if only and what not in only and f"{what}.{fmt}" not in only:
            continue
        out = os.path.join(out_dir, f"{what}.{fmt}")
        # Only the national cards (120,000 pages) are stopped on the way: the others finish.
        r = _run_once(url, session_id, what, fmt, out,
                      budget if (size, what) == ("national", "cards") else None)
        if "failed" in r:
            line = f"  {size} {what}.{fmt}: FAILED\n{r['failed']}"
        elif r.get("stopped"):
            verdict = "OK" if r["peak_mb"] < MEMORY_LIMIT_MB else "OVER"
            whole = r["whole_cpu_s"]
            line = (f"  {size} {what + '.' + fmt:<15} stopped after {r['seconds']:.0f} s "
                    f"({r['cpu_s']:.1f} s CPU) at {r['percent']} %: peak so far "
                    f"{r['peak_mb']:.0f} MB (limit {MEMORY_LIMIT_MB}: {verdict}); the whole "
                    f"file about {whole / 60:.0f} min of CPU")
        else:
            verdict = "OK" if r["peak_mb"] < MEMORY_LIMIT_MB else "OVER"
            line = (f"  {size} {what + '.' + fmt:<15} {r['seconds']:7.1f} s "
                    f"({r['cpu_s']:6.1f} s CPU)  peak "
                    f"{r['peak_mb']:6.0f} MB (limit {MEMORY_LIMIT_MB}: {verdict})  "
                    f"{r['bytes'] / 1e6:7.1f} MB  {r['progress_reports']} progress reports")
        print(line, flush=True)
        lines.append(line)
    return lines


def run(size: str, database: str | None = None, session_id: int | None = None,
        only=None, budget: float = CARDS_BUDGET) -> list[str]:
    from national import database_url, generate_timed

    points, people = SIZES[size]
    with tempfile.TemporaryDirectory(prefix="diemcau-exports-") as tmp:
        url = database_url(database or os.path.join(tmp, f"{size}.sqlite3"))
        print(f"Exports at {size} size ({points:,} points, {people:,} people, "
              f"{url.split(':')[0]}):", flush=True)
        if session_id is None:
            session_id = generate_timed(url, points, people)
        return measure(url, session_id, size, tmp, only, budget)


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
    parser.add_argument("--cards-seconds", type=float, default=CARDS_BUDGET,
                        help="national cards are stopped after this long and extrapolated")
    args = parser.parse_args(argv)
    run(args.size, args.database, args.session,
        set(args.only.split(",")) if args.only else None, args.cards_seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
