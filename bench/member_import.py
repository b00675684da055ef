"""A member registry file at province size, checked and imported as the job worker does
(attendance.jobs.imports.run_members): seconds and peak memory of each step.

    .venv/bin/python bench/member_import.py [--rows 100000] [--database SQLITE_PATH]

Without --database it fills a temporary SQLite file with a province's registry
(bench/outcomes_data.py: 226 committees, 1,500 cells, 32,000 members), then writes a CSV of
--rows new members (every column, spread over the cells: 100,000 rows are some 12 MB, under
the member files' 16 MB) and runs the check job and the import job in a fresh process each,
as the worker would. Prints each step's seconds, the process's peak RSS and what it did.
"""

import argparse
import csv
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

STEP = """
import json, sys, time
sys.path.insert(0, {root!r}); sys.path.insert(0, {here!r})
from datetime import datetime, timezone
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from attendance.jobs import imports
from attendance.models import Job
from scenario_reports import _peak_kb
engine = create_engine({url!r})
with Session(engine) as db:
    job = db.get(Job, {job_id!r})
    data = open({path!r}, "rb").read()
    started = time.perf_counter()
    result = imports.run_members(db, job, data, "members.csv", now=datetime.now(timezone.utc),
                                 progress=lambda percent: None)
    db.commit()
    seconds = time.perf_counter() - started
print(json.dumps({{"seconds": seconds, "peak_kb": _peak_kb(), "rows": result["rows"],
                  "bad": result["bad"], "counts": result.get("imported") or result["counts"]}}))
"""


def _file(url: str, rows: int, path: Path) -> int:
    from sqlalchemy import create_engine, select

    from attendance.members.imports import HEADERS
    from attendance.models import CELL, Unit

    engine = create_engine(url)
    with engine.connect() as conn:
        codes = [c for (c,) in conn.execute(select(Unit.code).where(Unit.kind == CELL))]
    rng = random.Random(20)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(list(HEADERS.values()))
    for n in range(rows):
        writer.writerow([f"Nguyễn Văn Nhập {n}", rng.choice(codes), "Đảng viên",
                         f"99.{n:06d}", "01/02/1980", f"09{n:08d}", "có", "đang sinh hoạt", ""])
    path.write_bytes(out.getvalue().encode("utf-8"))
    return path.stat().st_size


def _job(url: str, fmt: str) -> str:
    import secrets
    from datetime import datetime, timedelta, timezone

    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session

    from attendance.accounts import users as accounts
    from attendance.jobs import MEMBER_IMPORT
    from attendance.models import QUEUED, Job, User

    now = datetime.now(timezone.utc)
    with Session(create_engine(url)) as db:
        user = db.scalar(select(User).where(User.username == "bench-member-import"))
        if user is None:
            user = accounts.create_user(db, username="bench-member-import", role="organizer",
                                        password="bench-member-import-1", now=now)
        job = Job(id=secrets.token_hex(16), session_id=None, user_id=user.id,
                  what=MEMBER_IMPORT, format=fmt, params=json.dumps({}), state=QUEUED,
                  progress=0, error="", result="{}", file_name="", created_at=now,
                  expires_at=now + timedelta(days=1))
        db.add(job)
        db.commit()
        return job.id


def measure(url: str, rows: int) -> list[str]:
    lines = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "members.csv"
        size = _file(url, rows, path)
        lines.append(f"Member registry file of {rows:,} rows ({size / 1e6:.1f} MB), as the job "
                     f"worker runs it:")
        for step, fmt in (("check", "check"), ("import", "import")):
            code = STEP.format(root=str(ROOT), here=str(HERE), url=url, path=str(path),
                               job_id=_job(url, fmt))
            done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                  check=True)
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            lines.append(f"  {step:<7} {figures['seconds']:6.1f} s  peak "
                         f"{figures['peak_kb'] / 1024:5.0f} MB  rows {figures['rows']:,}, "
                         f"bad {figures['bad']}, {figures['counts']}")
    for line in lines:
        print(line, flush=True)
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database", help="a SQLite file holding a registry (else a province)")
    args = parser.parse_args(argv)
    if args.database:
        measure(f"sqlite:///{os.path.abspath(args.database)}", args.rows)
        return 0
    from outcomes_data import PROVINCE, generate_timed

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/province.sqlite"
        generate_timed(url, PROVINCE)
        measure(url, args.rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
